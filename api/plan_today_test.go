package api_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/sample"
)

// TestPlanTodayFromStates: a plan of today (no as_of) is drawn from the floor's stored states, and a plan
// as_of today from a whole evaluation; both must be the same bytes, for every floor of the demo, as SVG
// and PNG — and for a caller whose scope hides part of a floor.
func TestPlanTodayFromStates(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo register")
	}
	store, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	today := floorplan.DayOf(time.Now())
	d := sample.Build(today)
	if err := d.Load(context.Background(), floorplan.NewRegister(store)); err != nil {
		t.Fatal(err)
	}
	e := serveEnv(t, api.Config{}, func(string) api.Deps { return api.Deps{Store: store} })
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
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	m := s.e.signIn("manager")
	path := "/api/v1/floors/" + s.f.floor.String() + "/plan.svg"
	states := m.do("GET", path, nil).expect(t, 200).body
	whole := m.do("GET", path+asOf, nil).expect(t, 200).body
	if !bytes.Equal(states, whole) {
		t.Errorf("the manager of A: today's plan differs from the plan as of today:\n%s\n%s", states, whole)
	}
}
