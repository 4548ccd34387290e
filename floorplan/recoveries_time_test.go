package floorplan

import (
	"testing"
	"time"
)

// TestNextRecoveries: serve opens the recoveries at recoveriesHour local time, today if it is still to come,
// else tomorrow (across a month's end too), never at the moment asked.
func TestNextRecoveries(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 12, 3, 0, 30, 0, 0, shanghai), time.Date(2026, 12, 3, 1, 0, 0, 0, shanghai)},
		{time.Date(2026, 12, 3, 1, 0, 0, 0, shanghai), time.Date(2026, 12, 4, 1, 0, 0, 0, shanghai)},
		{time.Date(2026, 12, 3, 9, 15, 0, 0, shanghai), time.Date(2026, 12, 4, 1, 0, 0, 0, shanghai)},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, shanghai), time.Date(2027, 1, 1, 1, 0, 0, 0, shanghai)},
	} {
		if got := nextRecoveries(c.now); !got.Equal(c.want) {
			t.Errorf("after %v: %v, want %v", c.now, got, c.want)
		}
	}
}
