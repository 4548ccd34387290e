package floorplan_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// The neighbourhood of a write read ring by ring (floorplan.NeighbourhoodReader, one query per kind of
// record for a whole ring) must be exactly the one read one record at a time: the same rooms, people
// (with their posts) and assignments, and the same rooms reported, on random registers with shared rooms,
// people holding several rooms, assignments ended or not started yet, and deleted rooms and people.

// neighbourhoodStores are the stores the comparison runs on.
var neighbourhoodStores = []struct {
	name string
	open func(t *testing.T) floorplan.Store
}{
	{"gpkg", func(t *testing.T) floorplan.Store {
		s, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "rings.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgis", func(t *testing.T) floorplan.Store { return pgtest.NewStore(t) }},
}

func TestNeighbourhoodRingByRingIsRecordByRecord(t *testing.T) {
	for _, st := range neighbourhoodStores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			if _, ok := s.(floorplan.NeighbourhoodReader); !ok {
				t.Fatalf("%T is not a floorplan.NeighbourhoodReader", s)
			}
			deeper := 0 // seeds whose neighbourhood reaches past the rooms reported (rooms2, people3)
			for seed := uint64(1); seed <= 3; seed++ {
				reg := loadRandomRegister(t, s, seed)
				rnd := rand.New(rand.NewPCG(seed, 99))
				for i := range 12 {
					rooms, people, day := reg.seeds(rnd)
					name := fmt.Sprintf("register %d, seeds %d", seed, i)
					if compareNeighbourhoods(t, s, name, day, rooms, people) {
						deeper++
					}
				}
			}
			if deeper == 0 {
				t.Error("no neighbourhood reached rooms2: the registers are too shallow to tell a ring missed")
			}
		})
	}
}

// compareNeighbourhoods compares, around the seeds, the neighbourhood read ring by ring with the one read
// record by record, and reports whether it has rooms beyond those reported.
func compareNeighbourhoods(t *testing.T, s floorplan.Store, name string, day time.Time, rooms, people []uuid.UUID) bool {
	t.Helper()
	ctx := context.Background()
	want, wantReport, err := floorplan.NeighbourhoodOf(ctx, s, day, rooms, people, true)
	if err != nil {
		t.Fatalf("%s: record by record: %v", name, err)
	}
	got, gotReport, err := floorplan.NeighbourhoodOf(ctx, s, day, rooms, people, false)
	if err != nil {
		t.Fatalf("%s: ring by ring: %v", name, err)
	}
	byID := func(id func(i int, s *floorplan.Snapshot) uuid.UUID, n func(*floorplan.Snapshot) int) func(*floorplan.Snapshot) []uuid.UUID {
		return func(s *floorplan.Snapshot) []uuid.UUID {
			out := make([]uuid.UUID, n(s))
			for i := range out {
				out[i] = id(i, s)
			}
			return out
		}
	}
	sortSnapshot(want)
	sortSnapshot(got)
	for _, c := range []struct {
		what string
		w, g any
		ids  func(*floorplan.Snapshot) []uuid.UUID
	}{
		{"rooms", want.Rooms, got.Rooms, byID(func(i int, s *floorplan.Snapshot) uuid.UUID { return s.Rooms[i].ID },
			func(s *floorplan.Snapshot) int { return len(s.Rooms) })},
		{"people", want.People, got.People, byID(func(i int, s *floorplan.Snapshot) uuid.UUID { return s.People[i].ID },
			func(s *floorplan.Snapshot) int { return len(s.People) })},
		{"assignments", want.Assignments, got.Assignments, byID(func(i int, s *floorplan.Snapshot) uuid.UUID {
			return s.Assignments[i].ID
		}, func(s *floorplan.Snapshot) int { return len(s.Assignments) })},
		// The agencies the rooms and people name, in the order Agencies gives (not sorted: the engine's
		// order of agencies is the snapshot's).
		{"agencies", want.Agencies, got.Agencies, byID(func(i int, s *floorplan.Snapshot) uuid.UUID { return s.Agencies[i].ID },
			func(s *floorplan.Snapshot) int { return len(s.Agencies) })},
	} {
		if !reflect.DeepEqual(c.w, c.g) {
			t.Errorf("%s: %s ring by ring differ from record by record:\n got %v\nwant %v", name, c.what,
				c.ids(got), c.ids(want))
		}
	}
	if !reflect.DeepEqual(wantReport, gotReport) {
		t.Errorf("%s: rooms reported ring by ring %d, record by record %d", name, len(gotReport), len(wantReport))
	}
	return len(want.Rooms) > len(wantReport)
}

// sortSnapshot puts a gathered snapshot's records in id order.
func sortSnapshot(s *floorplan.Snapshot) {
	slices.SortFunc(s.Rooms, func(a, b floorplan.Room) int { return compareUUID(a.ID, b.ID) })
	slices.SortFunc(s.People, func(a, b floorplan.Person) int { return compareUUID(a.ID, b.ID) })
	slices.SortFunc(s.Assignments, func(a, b floorplan.Assignment) int { return compareUUID(a.ID, b.ID) })
}

func compareUUID(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }

// randomRegister is what loadRandomRegister wrote: the seeds to draw from.
type randomRegister struct {
	rooms, people []uuid.UUID // live, deleted, and ids of nothing
	agencies      []uuid.UUID
	today         time.Time
}

// seeds draws the seeds of a write (one or two rooms, up to two people) and the day it is for.
func (r randomRegister) seeds(rnd *rand.Rand) (rooms, people []uuid.UUID, day time.Time) {
	for range 1 + rnd.IntN(2) {
		rooms = append(rooms, r.rooms[rnd.IntN(len(r.rooms))])
	}
	for range rnd.IntN(3) {
		people = append(people, r.people[rnd.IntN(len(r.people))])
	}
	return rooms, people, r.today.AddDate(0, 0, []int{0, 0, -100, 100}[rnd.IntN(4)])
}

// loadRandomRegister writes into s a small synthetic register (one building, two floors) and then, at
// random: people holding more rooms (some assignments ended, some starting later), rooms and people
// deleted whose past assignments stay.
func loadRandomRegister(t *testing.T, s floorplan.Store, seed uint64) randomRegister {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	d := synth.Generate(synth.Config{Seed: seed, Buildings: 1, Floors: 2, RoomsPerFloor: 14})
	for i := range d.Sites {
		must(s.CreateSite(ctx, &d.Sites[i]))
	}
	for i := range d.Agencies {
		must(s.CreateAgency(ctx, &d.Agencies[i]))
	}
	must(s.CreateBuilding(ctx, &d.Buildings[0]))
	for i := range d.Floors {
		must(s.CreateFloor(ctx, &d.Floors[i]))
	}
	must(s.BulkInsertRooms(ctx, d.Rooms))
	must(s.BulkInsertPeople(ctx, d.People))
	must(s.BulkInsertAssignments(ctx, d.Assignments))

	rnd := rand.New(rand.NewPCG(seed, 7))
	today := floorplan.DayOf(time.Now())
	held := map[uuid.UUID]bool{}
	for _, a := range d.Assignments {
		held[a.RoomID] = true
	}
	var free []floorplan.Room
	for _, r := range d.Rooms {
		if !held[r.ID] {
			free = append(free, r)
		}
	}
	assign := func(p, r uuid.UUID, start, end int) {
		a := floorplan.Assignment{PersonID: p, RoomID: r, Start: today.AddDate(0, 0, start)}
		if end != 0 {
			a.End = today.AddDate(0, 0, end)
		}
		must(s.CreateAssignment(ctx, &a))
	}
	// More rooms for some people: chains of shared rooms, some in force only before or after today.
	for range len(d.People) / 3 {
		p, r := d.People[rnd.IntN(len(d.People))], d.Rooms[rnd.IntN(len(d.Rooms))]
		switch rnd.IntN(4) {
		case 0:
			assign(p.ID, r.ID, -300, -50) // ended: in force 100 days ago
		case 1:
			assign(p.ID, r.ID, 50, 0) // in force 100 days on
		default:
			assign(p.ID, r.ID, -10, 0)
		}
	}
	reg := randomRegister{today: today}
	for _, a := range d.Agencies {
		reg.agencies = append(reg.agencies, a.ID)
	}
	// Deleted rooms and people, whose ended assignments stay: in force 100 days ago.
	// Someone with concurrent posts, given out of their order (start day, title).
	posted := floorplan.Person{Name: "兼职者", AgencyID: d.Agencies[0].ID, Rank: d.People[0].Rank, Status: d.People[0].Status}
	for _, days := range []int{30, -400, -10, -400} {
		posted.Posts = append(posted.Posts, floorplan.Post{Title: fmt.Sprintf("职务 %d", 9-len(posted.Posts)),
			AgencyID: d.Agencies[len(posted.Posts)%len(d.Agencies)].ID, Start: today.AddDate(0, 0, days)})
	}
	must(s.CreatePerson(ctx, &posted))
	assign(posted.ID, d.Rooms[rnd.IntN(len(d.Rooms))].ID, -10, 0)
	reg.people = append(reg.people, posted.ID)
	for range 3 {
		gone := floorplan.Person{Name: "离任者", AgencyID: d.Agencies[0].ID, Rank: d.People[0].Rank, Status: d.People[0].Status}
		must(s.CreatePerson(ctx, &gone))
		assign(gone.ID, d.Rooms[rnd.IntN(len(d.Rooms))].ID, -300, -50)
		must(s.DeletePerson(ctx, gone.ID))
		reg.people = append(reg.people, gone.ID)
	}
	for i, r := range free {
		if i%3 != 0 {
			continue
		}
		p := d.People[rnd.IntN(len(d.People))]
		assign(p.ID, r.ID, -300, -50)
		must(s.DeleteRoom(ctx, r.ID, r.Version))
	}
	for _, r := range d.Rooms {
		reg.rooms = append(reg.rooms, r.ID)
	}
	for _, p := range d.People {
		reg.people = append(reg.people, p.ID)
	}
	reg.rooms = append(reg.rooms, uuid.New())
	reg.people = append(reg.people, uuid.New())
	return reg
}

// TestNeighboursAsTheReaderReads checks each store's NeighbourhoodReader against its Reader: for ids of
// live, deleted and unknown rooms and people, Neighbours finds the records Room and Person find, the
// assignments that Assignments finds by room and by person on the day, each once, and, asked for the
// register, what Agencies and StandardRows return.
func TestNeighboursAsTheReaderReads(t *testing.T) {
	ctx := context.Background()
	for _, st := range neighbourhoodStores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			nr := s.(floorplan.NeighbourhoodReader)
			reg := loadRandomRegister(t, s, 5)
			if got, err := nr.Neighbours(ctx, floorplan.NeighbourQuery{Day: reg.today}); err != nil ||
				!reflect.DeepEqual(got, floorplan.Neighbours{}) {
				t.Errorf("an empty query found %+v, %v", got, err)
			}
			rnd := rand.New(rand.NewPCG(5, 5))
			for i := range 8 {
				q := floorplan.NeighbourQuery{Day: reg.today.AddDate(0, 0, []int{0, -100, 100}[i%3]), StandardRows: i%2 == 0}
				if i%2 == 1 {
					q.Agencies = append(slices.Clone(reg.agencies[:rnd.IntN(len(reg.agencies)+1)]), uuid.New())
				}
				for range 1 + rnd.IntN(6) {
					q.Rooms = append(q.Rooms, reg.rooms[rnd.IntN(len(reg.rooms))])
					q.People = append(q.People, reg.people[rnd.IntN(len(reg.people))])
					q.Holders = append(q.Holders, reg.people[rnd.IntN(len(reg.people))])
				}
				got, err := nr.Neighbours(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want := readOneByOne(t, s, q)
				sortNeighbours(&got)
				sortNeighbours(&want)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("query %d: Neighbours found\n%+v\nthe Reader\n%+v", i, got, want)
				}
			}
		})
	}
}

// readOneByOne reads what q asks for through the Reader's methods, one record (or one filter) at a time.
func readOneByOne(t *testing.T, s floorplan.Store, q floorplan.NeighbourQuery) floorplan.Neighbours {
	t.Helper()
	ctx := context.Background()
	var n floorplan.Neighbours
	seen := map[uuid.UUID]bool{}
	addAssignments := func(f floorplan.AssignmentFilter) {
		as, err := s.Assignments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if !seen[a.ID] {
				seen[a.ID] = true
				n.Assignments = append(n.Assignments, a)
			}
		}
	}
	for _, id := range unique(q.Rooms) {
		if r, err := s.Room(ctx, id); err == nil {
			n.Rooms = append(n.Rooms, r)
		} else if !errors.Is(err, floorplan.ErrNotFound) {
			t.Fatal(err)
		}
		addAssignments(floorplan.AssignmentFilter{RoomID: id, ActiveOn: q.Day})
	}
	for _, id := range unique(q.People) {
		if p, err := s.Person(ctx, id); err == nil {
			n.People = append(n.People, p)
		} else if !errors.Is(err, floorplan.ErrNotFound) {
			t.Fatal(err)
		}
	}
	for _, id := range unique(q.Holders) {
		addAssignments(floorplan.AssignmentFilter{PersonID: id, ActiveOn: q.Day})
	}
	for _, id := range unique(q.Agencies) {
		if a, err := s.Agency(ctx, id); err == nil {
			n.Agencies = append(n.Agencies, a)
		} else if !errors.Is(err, floorplan.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if q.StandardRows {
		var err error
		if n.StandardRows, err = s.StandardRows(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func unique(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, compareUUID)
	return slices.Compact(out)
}

// sortNeighbours puts the records of n in id order (standard rows as the stores list them), and makes
// empty lists nil.
func sortNeighbours(n *floorplan.Neighbours) {
	s := floorplan.Snapshot{Rooms: n.Rooms, People: n.People, Assignments: n.Assignments}
	sortSnapshot(&s)
	slices.SortFunc(n.Agencies, func(a, b floorplan.Agency) int { return compareUUID(a.ID, b.ID) })
	n.Rooms, n.People, n.Assignments = nilIfEmpty(n.Rooms), nilIfEmpty(n.People), nilIfEmpty(n.Assignments)
	n.Agencies, n.StandardRows = nilIfEmpty(n.Agencies), nilIfEmpty(n.StandardRows)
}

func nilIfEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// BenchmarkNeighbourhoodOf gathers the neighbourhood of a write around one room, inside a transaction as
// the Register does, side by side: ring by ring (the store's NeighbourhoodReader) and record by record.
// Rooms are occupied ones ("any") and rooms of four people or more ("shared"). It runs on a synthetic
// register of 8 400 rooms in PostGIS, or on the database OFFICEMAP_WRITE_BENCH_DB names (say a copy of a
// 1M-room `officemap gen` register; nothing is written to it):
//
//	OFFICEMAP_WRITE_BENCH_DB=postgres://postgres@127.0.0.1:5432/w6_1m go test ./floorplan -run '^$' \
//	    -bench NeighbourhoodOf -benchtime 200x -count 5
func BenchmarkNeighbourhoodOf(b *testing.B) {
	ctx := context.Background()
	var s floorplan.Store
	if url := os.Getenv("OFFICEMAP_WRITE_BENCH_DB"); url != "" {
		ps, err := postgis.Open(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { ps.Close() })
		s = ps
	} else {
		s = pgtest.NewStore(b)
		d := synth.Generate(synth.Config{Seed: 3, Buildings: 6, Floors: 7, RoomsPerFloor: 200})
		if err := d.Load(floorplan.WithActor(ctx, "bench"), floorplan.NewRegister(s)); err != nil {
			b.Fatal(err)
		}
	}
	rooms := benchRooms(b, s, 300)
	day := floorplan.DayOf(time.Now())
	errRollback := errors.New("rolled back")
	// Read every neighbourhood once first, so that neither way finds the pages the other has read.
	err := s.InTx(ctx, func(tx floorplan.Store) error {
		for _, id := range append(slices.Clone(rooms["any"]), rooms["shared"]...) {
			if _, _, err := floorplan.NeighbourhoodOf(ctx, tx, day, []uuid.UUID{id}, nil, true); err != nil {
				return err
			}
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		b.Fatal(err)
	}
	for _, kind := range []string{"any", "shared"} {
		for _, way := range []string{"rings", "per-record"} {
			b.Run(kind+"/"+way, func(b *testing.B) {
				list := rooms[kind]
				b.ReportAllocs()
				err := s.InTx(ctx, func(tx floorplan.Store) error {
					gather := func(i int) error {
						_, _, err := floorplan.NeighbourhoodOf(ctx, tx, day, []uuid.UUID{list[i%len(list)]}, nil,
							way == "per-record")
						return err
					}
					// Warm up the connection's prepared statements and the rooms' pages, untimed.
					for i := range 20 {
						if err := gather(len(list) - 1 - i); err != nil {
							return err
						}
					}
					for i := 0; b.Loop(); i++ {
						if err := gather(i); err != nil {
							return err
						}
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					b.Fatal(err)
				}
			})
		}
	}
}

// benchRooms returns up to n occupied rooms of s ("any") and up to n of four people or more ("shared").
func benchRooms(b *testing.B, s floorplan.Store, n int) map[string][]uuid.UUID {
	ctx := context.Background()
	buildings, err := s.Buildings(ctx, uuid.Nil)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(4, 4))
	out := map[string][]uuid.UUID{}
	for tries := 0; (len(out["any"]) < n || len(out["shared"]) < n) && tries < 4*n; tries++ {
		floors, err := s.Floors(ctx, buildings[rnd.IntN(len(buildings))].ID)
		if err != nil || len(floors) == 0 {
			b.Fatal("floors:", err)
		}
		rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: floors[rnd.IntN(len(floors))].ID})
		if err != nil {
			b.Fatal(err)
		}
		for _, i := range rnd.Perm(len(rooms)) {
			as, err := s.Assignments(ctx, floorplan.AssignmentFilter{RoomID: rooms[i].ID})
			if err != nil {
				b.Fatal(err)
			}
			if len(as) > 0 && len(out["any"]) < n && len(out["any"]) <= tries {
				out["any"] = append(out["any"], rooms[i].ID)
			}
			if len(as) >= 4 && len(out["shared"]) < n {
				out["shared"] = append(out["shared"], rooms[i].ID)
				break
			}
		}
	}
	if len(out["any"]) == 0 || len(out["shared"]) == 0 {
		b.Fatalf("%d occupied rooms, %d shared ones", len(out["any"]), len(out["shared"]))
	}
	return out
}
