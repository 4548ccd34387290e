package floorplan

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestKeys: the bureau's keys (a person's staff_no, an agency's code) are optional, and refused with white
// space at either end (two keys that read the same must be the same); inner spaces and any script are
// fine. A key another record has is refused by the stores with KeyTakenError.
func TestKeys(t *testing.T) {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	person := Person{Name: "张三", AgencyID: id, Rank: RankStaff, Status: PersonActive}
	agency := Agency{Name: "市发展改革委", Level: LevelMunicipal, Status: AgencyActive}
	for _, tc := range []struct {
		key    string
		reason FieldReason // "" for accepted
	}{
		{"", ""},
		{"CZ-0001", ""},
		{"11320400014160776X", ""},
		{"机关 0012", ""},
		{" CZ-0001", FieldPadded},
		{"CZ-0001 ", FieldPadded},
		{"CZ-0001\u3000", FieldPadded}, // an ideographic space, as Chinese input methods type it
		{"   ", FieldPadded},
		{"CZ\x000001", FieldControl},
	} {
		for _, rec := range []struct {
			field string
			err   error
		}{
			{"staff_no", with(person, func(p *Person) { p.StaffNo = tc.key }).Validate()},
			{"code", with(agency, func(a *Agency) { a.Code = tc.key }).Validate()},
		} {
			t.Run(rec.field+" "+tc.key, func(t *testing.T) {
				if tc.reason == "" {
					if rec.err != nil {
						t.Errorf("%q refused: %v", tc.key, rec.err)
					}
					return
				}
				wantField(t, rec.field+" "+tc.key, rec.err, rec.field, tc.reason)
			})
		}
	}

	err := KeyTakenError("person", "staff_no", "CZ-0001")
	var fe *FieldError
	if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Field != "staff_no" || fe.Reason != FieldTaken ||
		!strings.Contains(err.Error(), `"CZ-0001"`) {
		t.Errorf("KeyTakenError: %v (%+v), want a FieldError on staff_no, reason taken, naming the value", err, fe)
	}
}
