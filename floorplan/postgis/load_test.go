package postgis_test

import (
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

func TestLoadSynth(t *testing.T) {
	s := openStore(t)
	tests := []struct {
		name  string
		store floorplan.Store
		seed  uint64
	}{
		{"bulk", s, 101},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxFor(t)
			d := synth.Generate(synth.Config{Seed: tc.seed, Buildings: 2, Floors: 3, RoomsPerFloor: 15,
				Origin: synthOrigin(tc.seed)})
			must(t, d.Load(ctx, floorplan.NewRegister(tc.store)))
			for _, r := range d.Rooms {
				if r.Version != 1 || r.CreatedAt.IsZero() {
					t.Fatalf("room %s not filled in by Load: %+v", r.Number, r)
				}
			}
			snap, err := s.Snapshot(ctx, s.Today())
			must(t, err)
			have := map[uuid.UUID]bool{}
			for _, r := range snap.Rooms {
				have[r.ID] = true
			}
			for _, p := range snap.People {
				have[p.ID] = true
			}
			for _, a := range snap.Assignments {
				have[a.ID] = true
			}
			for _, r := range d.Rooms {
				if !have[r.ID] {
					t.Fatalf("room %s missing from the snapshot", r.Number)
				}
			}
			for _, p := range d.People {
				if !have[p.ID] {
					t.Fatalf("person %s missing from the snapshot", p.Name)
				}
			}
			for _, a := range d.Assignments {
				if !have[a.ID] {
					t.Fatalf("assignment %s missing from the snapshot", a.ID)
				}
			}
			// The loaded register evaluates.
			if _, err := floorplan.NewOccupancy(snap, nil, floorplan.DefaultPolicy()); err != nil {
				t.Fatalf("NewOccupancy on the loaded register: %v", err)
			}
			people, err := s.People(ctx, floorplan.PersonFilter{AgencyID: d.Agencies[0].ID})
			must(t, err)
			posts := 0
			for _, p := range people {
				posts += len(p.Posts)
			}
			want := 0
			for _, p := range d.People {
				if p.AgencyID == d.Agencies[0].ID {
					want += len(p.Posts)
				}
			}
			if posts != want {
				t.Errorf("%d posts of the first agency's people, want %d", posts, want)
			}
		})
	}
}
