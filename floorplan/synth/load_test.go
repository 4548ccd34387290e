package synth_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// stores opens a fresh store of each kind for t.
var stores = []struct {
	name string
	open func(t *testing.T) floorplan.Store
}{
	{"gpkg", func(t *testing.T) floorplan.Store {
		s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "load.gpkg"))
		must(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgis", func(t *testing.T) floorplan.Store { return pgtest.NewStore(t) }},
}

// TestLoadStream loads a register with LoadStream (as officemap gen does) into each store, in several
// batches, and checks that the store then holds Generate's dataset: every record, the agencies' headcounts,
// the posts, and one history row per room.
func TestLoadStream(t *testing.T) {
	cfg := synth.Config{Seed: 21, Buildings: 6, Floors: 10, RoomsPerFloor: 40} // 2 400 rooms: several batches
	want := synth.Generate(cfg)
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			ctx := floorplan.WithActor(context.Background(), "gen")
			n, err := synth.LoadStream(ctx, floorplan.NewRegister(s), cfg)
			must(t, err)
			wantN := synth.Counts{Sites: len(want.Sites), Agencies: len(want.Agencies), Buildings: len(want.Buildings),
				Floors: len(want.Floors), Rooms: len(want.Rooms), People: len(want.People), Assignments: len(want.Assignments)}
			if n.Parents <= 0 || n.Batches <= 0 {
				t.Errorf("LoadStream timed the parents %v and the batches %v; want both above zero", n.Parents, n.Batches)
			}
			// The indexes deferred and built around the batches: postgis' TestWithIndexesDeferred.
			if n.Parents, n.Batches, n.Indexes = 0, 0, 0; n != wantN {
				t.Errorf("LoadStream counts %+v, want %+v", n, wantN)
			}
			rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
			must(t, err)
			people, err := s.People(ctx, floorplan.PersonFilter{})
			must(t, err)
			as, err := s.Assignments(ctx, floorplan.AssignmentFilter{})
			must(t, err)
			if len(rooms) != len(want.Rooms) || len(people) != len(want.People) || len(as) != len(want.Assignments) {
				t.Fatalf("store holds %d rooms, %d people, %d assignments; want %d, %d, %d",
					len(rooms), len(people), len(as), len(want.Rooms), len(want.People), len(want.Assignments))
			}
			byID := map[uuid.UUID]floorplan.Room{}
			for _, r := range rooms {
				byID[r.ID] = r
			}
			for _, r := range want.Rooms {
				got, ok := byID[r.ID]
				if !ok || got.Number != r.Number || got.AgencyID != r.AgencyID || got.Version != 1 ||
					abs(got.Area()-r.Area()) > 1e-9 {
					t.Fatalf("room %s (%s) loaded as %+v", r.Number, r.ID, got)
				}
			}
			posts := 0
			for _, p := range people {
				posts += len(p.Posts)
			}
			wantPosts := 0
			for _, p := range want.People {
				wantPosts += len(p.Posts)
			}
			if posts != wantPosts {
				t.Errorf("%d posts loaded, want %d", posts, wantPosts)
			}
			agencies, err := s.Agencies(ctx)
			must(t, err)
			headcount := map[uuid.UUID]int{}
			for _, a := range agencies {
				headcount[a.ID] = a.Headcount
			}
			for _, a := range want.Agencies {
				if headcount[a.ID] != a.Headcount {
					t.Errorf("agency %s: headcount %d, want %d", a.ShortName, headcount[a.ID], a.Headcount)
				}
			}
			for _, r := range []floorplan.Room{want.Rooms[0], want.Rooms[len(want.Rooms)-1]} {
				h, err := s.History(ctx, floorplan.EntityRoom, r.ID)
				must(t, err)
				if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != "gen" {
					t.Errorf("room %s: history %+v, want one insert by gen", r.Number, h)
				}
			}
		})
	}
}

// TestBulkInsertAssignmentsRefusesUnknownRefs checks on each store that a bulk insert of assignments that
// names a room that does not exist is refused, naming the assignment, and writes none of them.
func TestBulkInsertAssignmentsRefusesUnknownRefs(t *testing.T) {
	cfg := synth.Config{Seed: 22, Buildings: 1, Floors: 1, RoomsPerFloor: 12}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			ctx := floorplan.WithActor(context.Background(), "gen")
			d := synth.Generate(cfg)
			withoutAssignments := *d
			withoutAssignments.Assignments = nil
			must(t, withoutAssignments.Load(ctx, floorplan.NewRegister(s)))
			if len(d.Assignments) < 2 {
				t.Fatalf("only %d assignments generated", len(d.Assignments))
			}
			batch := append([]floorplan.Assignment(nil), d.Assignments[:2]...)
			batch[1].RoomID = uuid.New()
			err := s.BulkInsertAssignments(ctx, batch)
			if !errors.Is(err, floorplan.ErrInvalid) || !strings.Contains(err.Error(), batch[1].RoomID.String()) {
				t.Errorf("BulkInsertAssignments with an unknown room = %v, want ErrInvalid naming the room", err)
			}
			as, err := s.Assignments(ctx, floorplan.AssignmentFilter{})
			must(t, err)
			if len(as) != 0 {
				t.Errorf("a refused bulk insert left %d assignments", len(as))
			}
		})
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// failingBulk is a Store whose transactions refuse bulk rooms after the first few batches.
type failingBulk struct {
	floorplan.Store
	batches *int // batches of rooms let through before the refusals
}

var errRefused = errors.New("refused by the test")

func (s failingBulk) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.Store.InTx(ctx, func(tx floorplan.Store) error { return fn(failingBulk{tx, s.batches}) })
}

func (s failingBulk) BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error {
	if *s.batches == 0 {
		return errRefused
	}
	*s.batches--
	return s.Store.BulkInsertRooms(ctx, rooms)
}

// TestLoadStreamStopsOnAWriteError refuses the first batch of a load of two: LoadStream returns that error,
// naming the batch, with the generator (which works a batch ahead of the writer, and is then blocked handing
// over the second) stopped, and no room written.
func TestLoadStreamStopsOnAWriteError(t *testing.T) {
	s := stores[0].open(t)
	ctx := floorplan.WithActor(context.Background(), "test")
	left := 0
	cfg := synth.Config{Seed: 9, Buildings: 60, Floors: 10, RoomsPerFloor: 40} // 24,000 rooms: two batches
	n, err := synth.LoadStream(ctx, floorplan.NewRegister(failingBulk{s, &left}), cfg)
	if !errors.Is(err, errRefused) || !strings.Contains(err.Error(), "rooms 1–20000") {
		t.Fatalf("LoadStream = %v, want the refusal of the batch of rooms 1–20000", err)
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	must(t, err)
	if n.Rooms != 0 || len(rooms) != 0 || n.Floors != 600 {
		t.Errorf("LoadStream says it wrote %d floors and %d rooms, the store has %d rooms; want 600 floors, no room",
			n.Floors, n.Rooms, len(rooms))
	}
}
