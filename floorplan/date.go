package floorplan

import (
	"fmt"
	"time"
)

// DateLayout is how dates are written in the API, the CLI and reports.
const DateLayout = "2006-01-02"

// Day returns midnight UTC of the given calendar day. Dates in officemap are calendar days, kept as
// midnight UTC so that they compare exactly.
func Day(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// DayOf returns the calendar day of t in its own location, as midnight UTC.
func DayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return Day(y, m, d)
}

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrInvalid, s)
	}
	return t, nil
}

// Within reports whether day d lies in [start, end): on or after start (a zero start is open) and before
// end (a zero end is open). An end date is the day something stopped: a room handed back on 1 March is
// no longer held on 1 March.
func Within(d, start, end time.Time) bool {
	if !start.IsZero() && d.Before(start) {
		return false
	}
	return end.IsZero() || d.Before(end)
}

// ParseRecordedAt parses the moment of an as-recorded question (recorded_at, --as-recorded): an RFC 3339
// instant, or a day YYYY-MM-DD meaning the end of that day in loc (everything recorded that day counts).
func ParseRecordedAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(DateLayout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is neither a day YYYY-MM-DD nor an instant like 2026-11-10T17:30:00+08:00",
			ErrInvalid, s)
	}
	return d.AddDate(0, 0, 1), nil
}
