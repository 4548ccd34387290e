package storetest

import (
	"slices"
	"testing"
	"time"

	"officemap/floorplan"
)

// RunFiledPropertyLeased checks what rule room.filed_property_leased needs of a store: the snapshot of a
// day holds the sites as they stood that day (today's from the live tables, a past day's rebuilt from the
// history), the register read in parts places every room in its site, and a change of a site's ownership,
// or a building moved to another site, leaves the stored parts of the agencies concerned dirty, so that
// StoredParts stays equal to a whole evaluation.
func RunFiledPropertyLeased(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	t.Run("FiledPropertyLeased", func(t *testing.T) {
		t.Parallel()
		testFiledPropertyLeased(t, newFixture(t, newStore(t)))
	})
}

// filedFindings returns the findings of room.filed_property_leased of a whole evaluation of day.
func filedFindings(t *testing.T, f *fixture, day time.Time) (*floorplan.Snapshot, []floorplan.Finding) {
	t.Helper()
	snap, err := f.s.Snapshot(f.ctx, day)
	must(t, err)
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	must(t, err)
	var out []floorplan.Finding
	for _, fd := range rep.Findings {
		if fd.RuleID == floorplan.RuleFiledPropertyLeased {
			out = append(out, fd)
		}
	}
	return snap, out
}

func testFiledPropertyLeased(t *testing.T, f *fixture) {
	leased := f.newRoom(0, "101", rect(0, 0, 5, 6))
	leased.State, leased.AgencyID = floorplan.RoomLeased, f.agencies[1].ID
	must(t, f.s.CreateRoom(f.ctx, &leased))
	f.room(t, 0, "102", rect(5, 0, 10, 6)) // in use: never a finding
	f.clock.Pass(t, 48*time.Hour)
	g := floorplan.NewRegister(f.s, floorplan.WithRegisterClock(f.clock.Now))
	today := floorplan.DayOf(f.clock.Now())

	snap, got := filedFindings(t, f, today)
	if i := slices.IndexFunc(snap.Sites, func(s floorplan.Site) bool { return s.ID == f.site.ID }); i < 0 ||
		snap.Sites[i].Ownership != floorplan.OwnershipRegistered || snap.Sites[i].Name != f.site.Name {
		t.Fatalf("today's snapshot's sites %+v; want the fixture's registered site", snap.Sites)
	}
	if len(got) != 0 {
		t.Fatalf("a leased room of a registered property: findings %+v; want none", got)
	}
	wantStoredParts(t, f, g, today, "a leased room of a registered property")

	// The store's write (the Register's SetRegistration and UpdateSite check the filing steps first).
	f.site.Ownership = floorplan.OwnershipFiled
	must(t, f.s.UpdateSite(f.ctx, &f.site))
	_, got = filedFindings(t, f, today)
	if len(got) != 1 || got[0].SubjectID != leased.ID || got[0].AgencyID != f.agencies[1].ID {
		t.Fatalf("the property filed: findings %+v; want one, of room %s and agency %s", got, leased.ID, f.agencies[1].ID)
	}
	// The parts stored before the change are dirty now: StoredParts evaluates them again.
	wantStoredParts(t, f, g, today, "the site's ownership changed to filed")

	// Yesterday the site was registered (the change holds from today): rebuilt from the history.
	snap, got = filedFindings(t, f, today.AddDate(0, 0, -1))
	if i := slices.IndexFunc(snap.Sites, func(s floorplan.Site) bool { return s.ID == f.site.ID }); i < 0 ||
		snap.Sites[i].Ownership != floorplan.OwnershipRegistered {
		t.Errorf("yesterday's snapshot's sites %+v; want the fixture's site, registered", snap.Sites)
	}
	if len(got) != 0 {
		t.Errorf("yesterday, when the property was registered: findings %+v; want none", got)
	}

	// The building moves to a registered property: no finding, and the stored parts follow.
	other := floorplan.Site{Name: "市级机关第二办公区", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	must(t, f.s.CreateSite(f.ctx, &other))
	wantStoredParts(t, f, g, today, "another site created")
	f.building.SiteID = other.ID
	must(t, f.s.UpdateBuilding(f.ctx, &f.building))
	if _, got = filedFindings(t, f, today); len(got) != 0 {
		t.Fatalf("the building moved to a registered property: findings %+v; want none", got)
	}
	wantStoredParts(t, f, g, today, "the building moved to another site")
}
