package floorplan_test

import (
	"errors"
	"strings"
	"testing"

	"officemap/floorplan"
)

// TestDefaultChecklist: the built-in checklist has Changzhou's seven agency points and four leader
// points; every rule whose finding is a breach maps to exactly one point, and the points no rule detects
// are manual.
func TestDefaultChecklist(t *testing.T) {
	c := floorplan.DefaultChecklist()
	layers := map[string]int{}
	for _, p := range c.Points {
		layers[p.Layer]++
	}
	if layers[floorplan.LayerAgency] != 7 || layers[floorplan.LayerLeader] != 4 {
		t.Errorf("layers %v, want 7 agency and 4 leader points", layers)
	}
	for _, r := range floorplan.Rules() {
		p, ok := c.PointOfRule(r.ID)
		notice := r.ID == floorplan.RuleNoStandard || r.ID == floorplan.RuleSecondOfficePostUnknown
		if ok == notice {
			t.Errorf("rule %s: point %q (mapped %v), want a point unless it is a data notice", r.ID, p.Code, ok)
		}
	}
	if p, _ := c.Point("A2"); !p.Manual() {
		t.Errorf("A2 (handing the old premises to another unit) is not manual: %+v", p)
	}
	if _, ok := c.PointOfRule(floorplan.ManualCheck); ok {
		t.Error(`"manual" is taken for a rule id`)
	}
}

// TestLoadChecklist: what a checklist file may not be, each refused naming the problem.
func TestLoadChecklist(t *testing.T) {
	point := `{"code": "X1", "layer": "leader", "text": "超标", "text_en": "Over", "source": "第十三条", "rules": RULES}`
	doc := func(points ...string) string {
		return `{"id": "t", "name": "测试", "points": [` + strings.Join(points, ",") + `]}`
	}
	for _, tc := range []struct {
		name, json, want string
	}{
		{"unknown rule", doc(strings.Replace(point, "RULES", `["person.over_budget"]`, 1)), `unknown rule id "person.over_budget"`},
		{"manual with a rule", doc(strings.Replace(point, "RULES", `["manual", "room.idle"]`, 1)), `unknown rule id "manual"`},
		{"no rules", doc(strings.Replace(point, "RULES", `[]`, 1)), "rules is empty"},
		{"rule twice", doc(strings.Replace(point, "RULES", `["room.idle"]`, 1),
			strings.Replace(strings.Replace(point, "X1", "X2", 1), "RULES", `["room.idle"]`, 1)), "already detects point X1"},
		{"code twice", doc(strings.Replace(point, "RULES", `["manual"]`, 1), strings.Replace(point, "RULES", `["manual"]`, 1)), "given twice"},
		{"layer", doc(strings.Replace(strings.Replace(point, "leader", "staff", 1), "RULES", `["manual"]`, 1)), `layer "staff"`},
		{"unknown field", `{"id": "t", "name": "n", "points": [], "extra": 1}`, "unknown field"},
		{"no points", `{"id": "t", "name": "n", "points": []}`, "no points"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := floorplan.LoadChecklist(strings.NewReader(tc.json))
			if !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want ErrInvalid naming %q", err, tc.want)
			}
		})
	}
}

// TestParseMonthDay reads MM-DD and refuses anything else.
func TestParseMonthDay(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{{"12-31", "12-31", true}, {"02-29", "02-29", true}, {" 1-5", "", false}, {"31-12", "", false}, {"", "", false}} {
		d, err := floorplan.ParseMonthDay(tc.in)
		if (err == nil) != tc.ok || (tc.ok && d.String() != tc.want) {
			t.Errorf("%q: %v, %v; want %q ok=%v", tc.in, d, err, tc.want, tc.ok)
		}
	}
}
