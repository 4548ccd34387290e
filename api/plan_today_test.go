package api_test

import (
	"bytes"
	"testing"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// TestPlanTodayFromStates: a plan of today (no as_of) is drawn from the floor's stored states, and a plan
// as_of today from a whole evaluation; both must be the same bytes, for every floor of the demo, as SVG
// and PNG — and for a caller whose scope hides part of a floor.
func TestPlanTodayFromStates(t *testing.T) {
	today := floorplan.DayOf(time.Now())
	d, e := demoServer(t, today)
	asOf := "?as_of=" + today.Format(floorplan.DateLayout)
	for _, fl := range d.Floors {
		for _, ext := range []string{"svg", "png"} {
			path := "/api/v1/floors/" + fl.ID.String() + "/plan." + ext
			states := e.do("GET", path, nil).expect(t, 200).body
			whole := e.do("GET", path+asOf, nil).expect(t, 200).body
			if !bytes.Equal(states, whole) {
				t.Errorf("floor %s %s: today's plan (stored states) differs from the plan as of today (whole evaluation)", fl.Name, ext)
			}
		}
	}
	e.do("GET", "/api/v1/floors/"+d.Floors[0].ID.String()+"/plan.svg?as_of=tomorrow", nil).expectError(t, 400, "bad_request")

	s := newScopeEnv(t)
	m := s.e.signedIn("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	path := "/api/v1/floors/" + s.f.floor.String() + "/plan.svg"
	states := m.do("GET", path, nil).expect(t, 200).body
	whole := m.do("GET", path+asOf, nil).expect(t, 200).body
	if !bytes.Equal(states, whole) {
		t.Errorf("the manager of A: today's plan differs from the plan as of today:\n%s\n%s", states, whole)
	}
}
