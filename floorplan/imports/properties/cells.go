package properties

import (
	"math"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/text/width"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// parseKind reads a property's kind: a category's code, Chinese name or English name.
func parseKind(c floorplan.Classification, s string) (string, *imports.Note) {
	k := sheet.ChoiceKey(s)
	var names []string
	for _, g := range c.Groups {
		for _, cat := range g.Categories {
			if k == sheet.ChoiceKey(cat.Code) || k == sheet.ChoiceKey(cat.Name) || k == sheet.ChoiceKey(cat.NameEN) {
				return cat.Code, nil
			}
			names = append(names, cat.Name)
		}
	}
	return "", ptr(imports.Notef("%q is not a kind of property of the classification (use one of %s, or its code)", s, strings.Join(names, "、")))
}

// parseState reads an ownership state: its key (registered) or its Chinese words (已登记).
func parseState(s string) (floorplan.OwnershipStatus, *imports.Note) {
	k := sheet.ChoiceKey(s)
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
