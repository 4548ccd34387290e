package properties

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// choiceKey is a cell as choices are compared: narrow, lower case, without spaces.
func choiceKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(width.Narrow.String(s)), ""))
}

// parseKind reads a property's kind: a category's code, Chinese name or English name.
func parseKind(c floorplan.Classification, s string) (string, *imports.Note) {
	k := choiceKey(s)
	var names []string
	for _, g := range c.Groups {
		for _, cat := range g.Categories {
			if k == choiceKey(cat.Code) || k == choiceKey(cat.Name) || k == choiceKey(cat.NameEN) {
				return cat.Code, nil
			}
			names = append(names, cat.Name)
		}
	}
	return "", ptr(imports.Notef("%q is not a kind of property of the classification (use one of %s, or its code)", s, strings.Join(names, "、")))
}

// parseState reads an ownership state: its key (registered) or its Chinese words (已登记).
func parseState(s string) (floorplan.OwnershipStatus, *imports.Note) {
	k := choiceKey(s)
	for _, l := range stateLabels {
		match := k == string(l.state)
		for _, w := range l.words {
			match = match || k == w
		}
		if !match {
			continue
		}
		if !l.state.Valid() {
			return "", ptr(imports.Notef("%q (%s) is not a state the register knows yet (use one of %s)", s, l.state, strings.Join(stateChoices(), "、")))
		}
		return l.state, nil
	}
	return "", ptr(imports.Notef("%q is not an ownership state (use one of %s)", s, strings.Join(stateChoices(), "、")))
}

// maxAreaM2 bounds an area of the sheet: the title's bound (10 km² of floor space).
const maxAreaM2 = 1e7

// parseArea reads an area in m², with two decimals at most meant ("1,234.5", "1234.5㎡", "1234.5平方米").
func parseArea(s string) (float64, *imports.Note) {
	t := strings.ReplaceAll(width.Narrow.String(s), ",", "")
	for _, unit := range []string{"平方米", "㎡", "m²", "m2"} {
		t = strings.TrimSuffix(strings.TrimSpace(t), unit)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 || v > maxAreaM2 || math.IsNaN(v) {
		return 0, ptr(imports.Notef("%q is not an area in m² (a number from 0 to 10,000,000, such as 1234.5)", s))
	}
	return floorplan.RoundM2(v), nil
}

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// parseDate reads a day: 2015-06-01, 2015/6/1, 2015.6.1, 2015年6月1日, or an Excel date serial (a workbook
// read raw gives dates as numbers).
func parseDate(s string) (time.Time, *imports.Note) {
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
	return time.Time{}, ptr(imports.Notef("%q is not a date (write it as 2026-11-15)", s))
}

// districts finds jurisdictions by code, else by exact name.
type districts struct {
	byCode map[string]uuid.UUID
	byName map[string][]uuid.UUID
	all    map[uuid.UUID]floorplan.Jurisdiction
}

func newDistricts(list []floorplan.Jurisdiction) *districts {
	d := &districts{byCode: map[string]uuid.UUID{}, byName: map[string][]uuid.UUID{}, all: map[uuid.UUID]floorplan.Jurisdiction{}}
	for _, j := range list {
		d.all[j.ID] = j
		if j.Code != "" {
			d.byCode[j.Code] = j.ID
		}
		d.byName[j.Name] = append(d.byName[j.Name], j.ID)
	}
	return d
}

// find returns the jurisdiction a cell names by its code or name.
func (d *districts) find(ref string) (uuid.UUID, *imports.Note) {
	if id, ok := d.byCode[ref]; ok {
		return id, nil
	}
	switch ids := d.byName[ref]; len(ids) {
	case 0:
		return uuid.Nil, ptr(imports.Notef("no district (jurisdiction) has the name or code %q", ref))
	case 1:
		return ids[0], nil
	default:
		return uuid.Nil, ptr(imports.Notef("%d districts are named %q: give its code", len(ids), ref))
	}
}

// ref names a jurisdiction as the export writes it: its name, or its code when the name is not unique.
func (d *districts) ref(id uuid.UUID) string {
	j, ok := d.all[id]
	if !ok {
		return ""
	}
	if len(d.byName[j.Name]) > 1 && j.Code != "" {
		return j.Code
	}
	return j.Name
}

func ptr[T any](v T) *T { return &v }
