package api

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// TestScopeAdvance: the scopes kept for a revision carry over to the next one only, and only writes of
// rooms, people and assignments are taken for neutral: an agency, site, building, floor or jurisdiction
// makes scopes, and a batch may hold any of them.
func TestScopeAdvance(t *testing.T) {
	c := &scopeCache{rev: 5, byGrant: map[string]scope{"g": everything}}
	c.advance(6)
	if c.rev != 6 {
		t.Errorf("after the next revision's neutral write: scopes of %d, want 6", c.rev)
	}
	c.advance(8) // revision 7 came from elsewhere
	if c.rev != 6 {
		t.Errorf("after a gap: scopes of %d, want them left at 6 (to be computed again)", c.rev)
	}
	empty := &scopeCache{}
	if empty.advance(1); empty.rev != 0 {
		t.Errorf("an empty cache advanced to %d", empty.rev)
	}
	for e, want := range map[floorplan.Entity]bool{
		floorplan.EntityRoom: true, floorplan.EntityPerson: true, floorplan.EntityAssignment: true,
		floorplan.EntityAgency: false, floorplan.EntitySite: false, floorplan.EntityBuilding: false,
		floorplan.EntityFloor: false, "": false,
	} {
		if got := scopeNeutral(e); got != want {
			t.Errorf("scopeNeutral(%q) = %v, want %v", e, got, want)
		}
	}
}

// floorCalls is a store whose Floors answers a floor a building and records the buildings asked for.
type floorCalls struct {
	storeReader
	asked []uuid.UUID
	all   []uuid.UUID // the register's buildings, for uuid.Nil
}

func (s *floorCalls) Floors(_ context.Context, building uuid.UUID) ([]floorplan.Floor, error) {
	s.asked = append(s.asked, building)
	if building != uuid.Nil {
		return []floorplan.Floor{{ID: uuid.New(), BuildingID: building}}, nil
	}
	var out []floorplan.Floor
	for _, b := range s.all {
		out = append(out, floorplan.Floor{ID: uuid.New(), BuildingID: b})
	}
	return out, nil
}

// TestFloorsOf: a scope's floors are read a building at a time below floorsAtOnce buildings, in one read of
// every floor from there on, and not at all for none; each building of the scope gets its floor either way.
func TestFloorsOf(t *testing.T) {
	all := make([]uuid.UUID, floorsAtOnce+10)
	for i := range all {
		all[i] = uuid.New()
	}
	for _, tc := range []struct {
		name      string
		buildings []uuid.UUID
		reads     int
	}{
		{"none", nil, 0},
		{"a few", all[:3], 3},
		{"just below", all[:floorsAtOnce-1], floorsAtOnce - 1},
		{"many", all[:floorsAtOnce], 1},
	} {
		st := &floorCalls{all: all}
		s := &Server{store: st}
		floors, err := s.floorsOf(context.Background(), tc.buildings)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.asked) != tc.reads || (tc.reads == 1 && st.asked[0] != uuid.Nil) {
			t.Errorf("%s: read floors for %v, want %d reads", tc.name, st.asked, tc.reads)
		}
		have := map[uuid.UUID]bool{}
		for _, f := range floors {
			have[f.BuildingID] = true
		}
		for _, b := range tc.buildings {
			if !have[b] {
				t.Errorf("%s: no floor of building %s", tc.name, b)
			}
		}
	}
}
