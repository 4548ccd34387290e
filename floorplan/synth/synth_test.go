package synth_test

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/synth"
	"officemap/geo"
)

var configs = []struct {
	name string
	cfg  synth.Config
}{
	{"defaults", synth.Config{Seed: 1}},
	{"one room per floor", synth.Config{Seed: 2, Buildings: 1, Floors: 2, RoomsPerFloor: 1}},
	{"two rooms per floor", synth.Config{Seed: 3, Buildings: 2, Floors: 1, RoomsPerFloor: 2}},
	{"odd rooms", synth.Config{Seed: 4, Buildings: 5, Floors: 3, RoomsPerFloor: 17}},
	{"large floors", synth.Config{Seed: 5, Buildings: 2, Floors: 2, RoomsPerFloor: 60, Origin: orb.Point{118.78, 32.04}}},
	{"three localities", synth.Config{Seed: 6, Buildings: 13, Floors: 40, RoomsPerFloor: 7}}, // 520 floors
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			a, b := synth.Generate(tc.cfg), synth.Generate(tc.cfg)
			if !reflect.DeepEqual(a, b) {
				t.Fatal("two datasets from one config differ")
			}
			other := tc.cfg
			other.Seed++
			if reflect.DeepEqual(a, synth.Generate(other)) {
				t.Fatal("another seed gives the same dataset")
			}
		})
	}
}

func TestSizes(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			d := synth.Generate(tc.cfg)
			b, f, r := orDefault(tc.cfg.Buildings, synth.DefaultBuildings), orDefault(tc.cfg.Floors, synth.DefaultFloors),
				orDefault(tc.cfg.RoomsPerFloor, synth.DefaultRoomsPerFloor)
			if len(d.Buildings) != b || len(d.Floors) != b*f || len(d.Rooms) != b*f*r {
				t.Fatalf("%d buildings, %d floors, %d rooms; want %d, %d, %d", len(d.Buildings), len(d.Floors), len(d.Rooms), b, b*f, b*f*r)
			}
			if len(d.Sites) == 0 || len(d.Agencies) == 0 {
				t.Fatal("no sites or agencies")
			}
		})
	}
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// TestRoomsValidAndDisjoint checks every room with geo, that no two rooms of a floor overlap, and that
// the rooms of a floor tile the building's footprint (their areas add up to it).
func TestRoomsValidAndDisjoint(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			d := synth.Generate(tc.cfg)
			footprint := map[uuid.UUID]float64{}
			for _, b := range d.Buildings {
				must(t, geo.Validate(b.Footprint))
				footprint[b.ID] = geo.Area(b.Footprint)
			}
			building := map[uuid.UUID]uuid.UUID{}
			for _, f := range d.Floors {
				building[f.ID] = f.BuildingID
			}
			byFloor := map[uuid.UUID][]floorplan.Room{}
			for _, r := range d.Rooms {
				if err := r.Validate(); err != nil {
					t.Fatalf("room %s: %v", r.Number, err)
				}
				byFloor[r.FloorID] = append(byFloor[r.FloorID], r)
			}
			for floor, rooms := range byFloor {
				sum := 0.0
				for i, a := range rooms {
					sum += a.Area()
					for _, b := range rooms[i+1:] {
						over, area, err := geo.Overlaps(a.Geometry, b.Geometry)
						must(t, err)
						if over {
							t.Fatalf("rooms %q and %q overlap by %v m²", a.Number, b.Number, area)
						}
					}
				}
				if want := footprint[building[floor]]; math.Abs(sum-want) > 1e-6 {
					t.Errorf("rooms of a floor add up to %v m², the footprint is %v m²", sum, want)
				}
			}
		})
	}
}

func TestSharedWalls(t *testing.T) {
	d := synth.Generate(synth.Config{Seed: 9, Buildings: 1, Floors: 1, RoomsPerFloor: 9})
	shared := 0
	for i, a := range d.Rooms {
		for _, b := range d.Rooms[i+1:] {
			if a.Geometry.Bound().Intersects(b.Geometry.Bound()) {
				shared++
			}
		}
	}
	// Eight rooms in two rows of four share 3+3 walls across and 8 with the corridor, plus corners.
	if shared < 14 {
		t.Errorf("only %d pairs of rooms touch; the layout should share walls", shared)
	}
}

// TestRecordsValidate checks every record with floorplan's own validation and that references resolve.
func TestRecordsValidate(t *testing.T) {
	d := synth.Generate(synth.Config{Seed: 11, Buildings: 4, Floors: 4, RoomsPerFloor: 24})
	c := floorplan.BuiltinClassification()
	ids := map[uuid.UUID]bool{}
	for _, s := range d.Sites {
		must(t, s.Validate(c))
		ids[s.ID] = true
	}
	for _, a := range d.Agencies {
		must(t, a.Validate())
		for _, ref := range []uuid.UUID{a.ParentID, a.SuccessorID} {
			if ref != uuid.Nil && !ids[ref] {
				t.Errorf("agency %s refers to %s before it", a.Name, ref)
			}
		}
		ids[a.ID] = true
	}
	for _, b := range d.Buildings {
		must(t, b.Validate())
		if !ids[b.SiteID] {
			t.Errorf("building %s: unknown site", b.Name)
		}
		ids[b.ID] = true
	}
	for _, f := range d.Floors {
		must(t, f.Validate())
		ids[f.ID] = true
	}
	for _, r := range d.Rooms {
		if !ids[r.FloorID] || (r.AgencyID != uuid.Nil && !ids[r.AgencyID]) {
			t.Errorf("room %s: unknown floor or agency", r.Number)
		}
		ids[r.ID] = true
	}
	posts := map[uuid.UUID]uuid.UUID{}
	for _, p := range d.People {
		must(t, p.Validate())
		for _, post := range p.Posts {
			posts[post.ID] = p.ID
		}
		ids[p.ID] = true
	}
	for _, a := range d.Assignments {
		must(t, a.Validate())
		if !ids[a.PersonID] || !ids[a.RoomID] {
			t.Errorf("assignment %s: unknown person or room", a.ID)
		}
		if a.PostID != uuid.Nil && posts[a.PostID] != a.PersonID {
			t.Errorf("assignment %s: the post is not the person's", a.ID)
		}
	}
}

// TestOccupancyMix checks the mix the benchmarks and demos rely on: single offices, shared ones, vacant
// ones, people over standard, second offices, people who left, every municipal rank.
func TestOccupancyMix(t *testing.T) {
	d := synth.Generate(synth.Config{Seed: 12, Buildings: 6, Floors: 5, RoomsPerFloor: 30})
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, 1, 1), Buildings: d.Buildings, Floors: d.Floors,
		Rooms: d.Rooms, Agencies: d.Agencies, People: d.People, Assignments: d.Assignments}
	occ, err := floorplan.NewOccupancy(snap, nil, floorplan.DefaultPolicy())
	must(t, err)

	occupants := map[uuid.UUID]int{}
	seconds := 0
	for _, a := range d.Assignments {
		if a.Active(snap.AsOf) {
			occupants[a.RoomID]++
		}
		if a.Kind == floorplan.AssignSecond {
			seconds++
		}
	}
	single, shared, vacant, offices := 0, 0, 0, 0
	for _, r := range d.Rooms {
		if r.Usage != floorplan.UsageOffice {
			continue
		}
		offices++
		switch n := occupants[r.ID]; {
		case n == 0:
			vacant++
		case n == 1:
			single++
		default:
			shared++
		}
	}
	over := 0
	for _, p := range occ.People {
		if p.ExcessM2 > 0 {
			over++
		}
	}
	ranks := map[floorplan.Rank]bool{}
	left := 0
	for _, p := range d.People {
		ranks[p.Rank] = true
		if p.Status != floorplan.PersonActive {
			left++
		}
	}
	t.Logf("%d offices: %d single, %d shared, %d vacant; %d people, %d over standard, %d left, %d second offices",
		offices, single, shared, vacant, len(d.People), over, left, seconds)
	if single <= shared || single <= vacant {
		t.Errorf("most offices should have one person")
	}
	if shared == 0 || vacant == 0 || over == 0 || left == 0 || seconds == 0 {
		t.Errorf("the mix lacks shared or vacant offices, people over standard, people who left or second offices")
	}
	for _, r := range []floorplan.Rank{floorplan.RankBureau, floorplan.RankViceBureau, floorplan.RankDivision,
		floorplan.RankViceDivision, floorplan.RankSection, floorplan.RankViceSection, floorplan.RankStaff} {
		if !ranks[r] {
			t.Errorf("no person of rank %s", r)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStreamIsGenerate checks that Stream hands over exactly the dataset of Generate, ids, headcounts and
// order included, with the parents first and then one part per building.
func TestStreamIsGenerate(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			want := synth.Generate(tc.cfg)
			var got synth.Dataset
			parts := 0
			must(t, synth.Stream(tc.cfg, func(part *synth.Dataset) error {
				if parts > 0 && (len(part.Sites)+len(part.Agencies)+len(part.Buildings)+len(part.Floors) > 0) {
					t.Errorf("part %d has parents", parts)
				}
				if parts > 0 && len(part.Rooms) != len(want.Rooms)/len(want.Buildings) {
					t.Errorf("part %d has %d rooms, want one building's %d", parts, len(part.Rooms), len(want.Rooms)/len(want.Buildings))
				}
				parts++
				got.Sites = append(got.Sites, part.Sites...)
				got.Agencies = append(got.Agencies, part.Agencies...)
				got.Buildings = append(got.Buildings, part.Buildings...)
				got.Floors = append(got.Floors, part.Floors...)
				got.Rooms = append(got.Rooms, part.Rooms...)
				got.People = append(got.People, part.People...)
				got.Assignments = append(got.Assignments, part.Assignments...)
				return nil
			}))
			if parts != 1+len(want.Buildings) {
				t.Errorf("%d parts, want 1 + %d buildings", parts, len(want.Buildings))
			}
			if !reflect.DeepEqual(&got, want) {
				t.Fatalf("the streamed dataset differs from Generate's: %d/%d rooms, %d/%d people, %d/%d assignments",
					len(got.Rooms), len(want.Rooms), len(got.People), len(want.People), len(got.Assignments), len(want.Assignments))
			}
		})
	}
}

// TestStreamStopsOnError checks that an error of the consumer stops the stream and comes back.
func TestStreamStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := synth.Stream(synth.Config{Seed: 1, Buildings: 4}, func(*synth.Dataset) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Fatalf("Stream = %v after %d parts, want the consumer's error after 2", err, calls)
	}
}

// TestIDsAscend checks that ids come in the order records are written, so that bulk loads append to the
// indexes on them: the layout's records (sites, agencies, buildings, floors, rooms) in the order of Generate's
// slices, then the staff's (people with their posts, assignments) after all of them, each in the order of its
// slice; and that every id is unique and an RFC 9562 UUID (variant 10).
func TestIDsAscend(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			d := synth.Generate(tc.cfg)
			seen := map[uuid.UUID]bool{}
			check := func(what string, ids []uuid.UUID) {
				for i, id := range ids {
					if seen[id] {
						t.Fatalf("%s %d: id %s used twice", what, i, id)
					}
					seen[id] = true
					if id.Variant() != uuid.RFC4122 {
						t.Errorf("%s %d: id %s is not of the RFC 9562 variant", what, i, id)
					}
					if i > 0 && bytesCompare(ids[i-1], id) >= 0 {
						t.Fatalf("%s %d: id %s does not sort after %s", what, i, id, ids[i-1])
					}
				}
			}
			var layout, people, assignments []uuid.UUID
			for _, s := range d.Sites {
				layout = append(layout, s.ID)
			}
			rooms := make([]uuid.UUID, len(d.Rooms))
			for i, r := range d.Rooms {
				rooms[i] = r.ID
			}
			for _, p := range d.People {
				people = append(people, p.ID)
			}
			for _, a := range d.Assignments {
				assignments = append(assignments, a.ID)
			}
			check("site", layout)
			check("room", rooms)
			check("person", people)
			check("assignment", assignments)
			if len(rooms) > 0 && len(people) > 0 && bytesCompare(rooms[len(rooms)-1], people[0]) >= 0 {
				t.Errorf("the first person's id %s does not sort after the last room's %s", people[0], rooms[len(rooms)-1])
			}
		})
	}
}

// bytesCompare orders uuids as PostgreSQL and SQLite do: byte by byte.
func bytesCompare(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}
