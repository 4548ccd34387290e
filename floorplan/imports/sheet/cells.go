package sheet

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// ChoiceKey is a cell as choices (labels, keys, codes) are compared: narrow, lower case, without spaces.
func ChoiceKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(width.Narrow.String(s)), ""))
}

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// ParseDate reads a day: 2026-11-15, 2026/11/15, 2026.11.15, 2026年11月15日, or an Excel date serial (a
// workbook read raw gives dates as numbers); a note says why a cell is none.
func ParseDate(s string) (time.Time, *imports.Note) {
	s = width.Narrow.String(strings.TrimSpace(s))
	if m := dateRE.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() == y && int(t.Month()) == mo && t.Day() == d && y >= 1900 {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 && f == math.Trunc(f) {
		if t, err := excelize.ExcelDateToTime(f, false); err == nil {
			return floorplan.DayOf(t), nil
		}
	}
	n := imports.Notef("%q is not a date (write it as 2026-11-15)", s)
	return time.Time{}, &n
}

// DayText writes a day as the layouts do (YYYY-MM-DD), or "" for none.
func DayText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(floorplan.DateLayout)
}
