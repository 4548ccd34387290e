package storetest

import (
	"fmt"
	"testing"

	"officemap/floorplan"
)

// versioned is one record type with a version, as testVersions drives it: read gives the live record's
// version, and update writes the record at the version given, naming it name, and returns the version it
// has afterwards (the argument's).
type versioned struct {
	what   string
	read   func() (int64, error)
	update func(version int64, name string) (int64, error)
}

// versionedOf is the versioned of the record rec of type T: get reads it, put updates it, and version and
// name give its fields.
func versionedOf[T any](what string, rec T, get func() (T, error), put func(*T) error, version func(*T) *int64,
	name func(*T) *string) versioned {
	return versioned{what,
		func() (int64, error) { v, err := get(); return *version(&v), err },
		func(v int64, n string) (int64, error) {
			x := rec
			*version(&x), *name(&x) = v, n
			err := put(&x)
			return *version(&x), err
		}}
}

// testVersions: sites, buildings, floors, agencies and people carry a Version, 1 on create, moved on by
// one with every update; an update at another version changes nothing and is ErrConflict, and leaves the
// argument's version as it was.
func testVersions(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	p := f.person(t, "钱进", floorplan.RankStaff)
	site, building, floor, agency := f.site, f.building, f.floor(0), f.agencies[0]
	kinds := []versioned{
		versionedOf("site", site, func() (floorplan.Site, error) { return s.Site(ctx, site.ID) },
			func(x *floorplan.Site) error { return s.UpdateSite(ctx, x) },
			func(x *floorplan.Site) *int64 { return &x.Version }, func(x *floorplan.Site) *string { return &x.Name }),
		versionedOf("building", building, func() (floorplan.Building, error) { return s.Building(ctx, building.ID) },
			func(x *floorplan.Building) error { return s.UpdateBuilding(ctx, x) },
			func(x *floorplan.Building) *int64 { return &x.Version }, func(x *floorplan.Building) *string { return &x.Name }),
		versionedOf("floor", floor, func() (floorplan.Floor, error) { return s.Floor(ctx, floor.ID) },
			func(x *floorplan.Floor) error { return s.UpdateFloor(ctx, x) },
			func(x *floorplan.Floor) *int64 { return &x.Version }, func(x *floorplan.Floor) *string { return &x.Name }),
		versionedOf("agency", agency, func() (floorplan.Agency, error) { return s.Agency(ctx, agency.ID) },
			func(x *floorplan.Agency) error { return s.UpdateAgency(ctx, x) },
			func(x *floorplan.Agency) *int64 { return &x.Version }, func(x *floorplan.Agency) *string { return &x.Name }),
		versionedOf("person", p, func() (floorplan.Person, error) { return s.Person(ctx, p.ID) },
			func(x *floorplan.Person) error { return s.UpdatePerson(ctx, x) },
			func(x *floorplan.Person) *int64 { return &x.Version }, func(x *floorplan.Person) *string { return &x.Name }),
	}
	for _, c := range []struct {
		what    string
		created int64
	}{{"site", site.Version}, {"building", building.Version}, {"floor", floor.Version},
		{"agency", agency.Version}, {"person", p.Version}} {
		if c.created != 1 {
			t.Errorf("a new %s has version %d, want 1", c.what, c.created)
		}
	}
	for _, k := range kinds {
		if v, err := k.read(); err != nil || v != 1 {
			t.Errorf("%s as read after create: version %d (%v), want 1", k.what, v, err)
		}
		for want := int64(2); want <= 3; want++ {
			got, err := k.update(want-1, fmt.Sprintf("%s v%d", k.what, want))
			must(t, err)
			if got != want {
				t.Errorf("%s updated at version %d: argument's version %d, want %d", k.what, want-1, got, want)
			}
			if v, err := k.read(); err != nil || v != want {
				t.Errorf("%s as read after update: version %d (%v), want %d", k.what, v, err, want)
			}
		}
		for _, stale := range []int64{1, 2, 4} {
			got, err := k.update(stale, k.what+" stale")
			wantErr(t, fmt.Sprintf("update of a %s at version %d (now 3)", k.what, stale), err, floorplan.ErrConflict)
			if got != stale {
				t.Errorf("a refused update of a %s changed the argument's version to %d", k.what, got)
			}
		}
		if v, err := k.read(); err != nil || v != 3 {
			t.Errorf("%s after refused updates: version %d (%v), want 3", k.what, v, err)
		}
	}
	// A refused update changed nothing.
	got, err := s.Site(ctx, site.ID)
	must(t, err)
	if got.Name != "site v3" {
		t.Errorf("site name after a refused update %q, want %q", got.Name, "site v3")
	}
	// Two writers from the same version at once: one wins, the other conflicts.
	cur, err := s.Agency(ctx, agency.ID)
	must(t, err)
	errs := Race(func(k int) error {
		mine := cur
		mine.Name = []string{"甲", "乙"}[k]
		return s.UpdateAgency(ctx, &mine)
	})
	WantOneWinner(t, "concurrent agency updates", errs, floorplan.ErrConflict)
}
