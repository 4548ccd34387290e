package api

import (
	"testing"

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
