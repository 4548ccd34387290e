package gpkg

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// How values are kept in the file. Ids are UUID strings (TEXT); calendar days are GeoPackage DATEs
// ("2006-01-02"); instants are GeoPackage DATETIMEs in UTC with milliseconds, the form the
// specification gives ("2006-01-02T15:04:05.000Z"), so that GDAL and QGIS read them as dates and times.

// datetimeLayout is the GeoPackage DATETIME form.
const datetimeLayout = "2006-01-02T15:04:05.000Z"

// nullID is NULL for uuid.Nil, else the id's string.
func nullID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
}

// nullDate is NULL for the zero time, else the calendar day of t (in t's own location).
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(floorplan.DateLayout)
}

// nullArea is NULL for an area of 0 (none recorded), else the area.
func nullArea(m2 float64) any {
	if m2 == 0 {
		return nil
	}
	return m2
}

// instant returns t truncated to what the file keeps (milliseconds), and its DATETIME text.
func instant(t time.Time) (time.Time, string) {
	t = t.Truncate(time.Millisecond)
	return t, t.UTC().Format(datetimeLayout)
}

// nullInstant is NULL for the zero time, else its DATETIME text.
func nullInstant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	_, s := instant(t)
	return s
}

// idCol scans a TEXT id column that may be NULL (uuid.Nil).
type idCol struct{ id *uuid.UUID }

func (c idCol) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		*c.id = uuid.Nil
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("gpkg: id column holds %T", v)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return fmt.Errorf("gpkg: id column: %w", err)
	}
	*c.id = id
	return nil
}

// dateCol scans a DATE column (NULL gives the zero time) as midnight UTC of its day.
type dateCol struct{ t *time.Time }

func (c dateCol) Scan(v any) error {
	t, err := scanTime(v, floorplan.DateLayout)
	if err != nil {
		return err
	}
	if !t.IsZero() {
		t = floorplan.DayOf(t)
	}
	*c.t = t
	return nil
}

// instantCol scans a DATETIME column (NULL gives the zero time) into loc.
type instantCol struct {
	t   *time.Time
	loc *time.Location
}

func (c instantCol) Scan(v any) error {
	t, err := scanTime(v, datetimeLayout)
	if err != nil {
		return err
	}
	if !t.IsZero() {
		t = t.In(c.loc)
	}
	*c.t = t
	return nil
}

// scanTime accepts what the driver hands over for DATE and DATETIME columns: a time.Time it parsed
// itself, or the text.
func scanTime(v any, layout string) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v, nil
	case string:
		return parseTime(v, layout)
	case []byte:
		return parseTime(string(v), layout)
	}
	return time.Time{}, fmt.Errorf("gpkg: time column holds %T", v)
}

func parseTime(s, layout string) (time.Time, error) {
	if t, ok := parseFixed(s); ok {
		return t, nil
	}
	if t, err := time.Parse(layout, s); err == nil {
		return t, nil
	}
	for _, l := range []string{time.RFC3339Nano, floorplan.DateLayout, "2006-01-02 15:04:05.999999999-07:00"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("gpkg: %q is not a date or time", s)
}

// parseFixed reads the two forms the store writes, "2006-01-02" and "2006-01-02T15:04:05.000Z", without
// time.Parse's generality: Snapshot reads hundreds of thousands of them.
func parseFixed(s string) (time.Time, bool) {
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = 10*v + int(c-'0')
		}
		return v, true
	}
	if len(s) != 10 && len(s) != 24 {
		return time.Time{}, false
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	if len(s) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
	}
	h, ok1 := num(11, 2)
	mi, ok2 := num(14, 2)
	sec, ok3 := num(17, 2)
	ms, ok4 := num(20, 3)
	if !ok1 || !ok2 || !ok3 || !ok4 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' ||
		h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ms*int(time.Millisecond), time.UTC), true
}

var (
	_ sql.Scanner = idCol{}
	_ sql.Scanner = dateCol{}
	_ sql.Scanner = instantCol{}
)
