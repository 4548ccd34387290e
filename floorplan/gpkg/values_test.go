package gpkg

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-03-01", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-03-01T23:59:58.123Z", time.Date(2024, 3, 1, 23, 59, 58, 123e6, time.UTC), true},
		{"1999-12-31T00:00:00.000Z", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"2024-03-01T10:00:00Z", time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), true},         // RFC 3339, another tool's
		{"2024-03-01T10:00:00.5+08:00", time.Date(2024, 3, 1, 2, 0, 0, 5e8, time.UTC), true}, // with a zone
		{"2024-13-01", time.Time{}, false},
		{"2024-03-01T24:00:00.000Z", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, err := parseTime(tc.in, datetimeLayout)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
