//go:build !nostore

package imports_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
)

// Two levels of one ordinal with different names (a mezzanine) become two floors, and each room goes
// to the level it names; openings, the names' language, categories and recorded areas are kept.
func TestImportFloors(t *testing.T) {
	a := room("a", "101", 0, rect(0, 0, 4, 5))
	a.FloorSourceID, a.Category, a.RecordedAreaM2 = "test:lv-g", "room.office", 19.5
	m := room("m", "M01", 0, rect(0, 0, 4, 5)) // above 101, on the mezzanine
	m.FloorSourceID, m.Category = "test:lv-m", "opentobelow"
	m.Usage = floorplan.UsageVoid
	up := room("u", "201", 1, rect(0, 0, 4, 5))
	ds := dataset(a, m, up)
	door := orb.LineString{{1, 0}, {2, 0}}
	ds.Buildings[0].Lang = "en"
	ds.Buildings[0].Floors = []imports.Floor{
		{SourceID: "test:lv-g", Ordinal: 0, Name: "Ground", Openings: orb.MultiLineString{door, {{math.NaN(), 0}, {1, 1}}, {{3, 3}}}},
		{SourceID: "test:lv-m", Ordinal: 0, Name: "Mezzanine"},
		{SourceID: "test:lv-1", Ordinal: 1, Name: "First"},
	}
	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Floors.Created != 3 || sum.Rooms.Created != 3 {
		t.Fatalf("summary %+v", sum)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "level 0: 2 openings left out") {
		t.Errorf("notes %q", sum.Notes)
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	floors, err := s.Floors(ctx, b.ID)
	if err != nil || len(floors) != 3 || b.Lang != "en" {
		t.Fatalf("building %+v, floors %+v, %v", b, floors, err)
	}
	byName := map[string]floorplan.Floor{}
	for _, f := range floors {
		byName[f.Name] = f
	}
	if byName["Ground"].Ordinal != 0 || byName["Mezzanine"].Ordinal != 0 || byName["First"].Ordinal != 1 {
		t.Errorf("floors %+v", floors)
	}
	if o := byName["Ground"].Openings; len(o) != 1 || len(o[0]) != 2 || o[0][1] != door[1] {
		t.Errorf("openings %v, want the one door", o)
	}
	rooms := liveRooms(t, s)
	if rooms["101"].FloorID != byName["Ground"].ID || rooms["M01"].FloorID != byName["Mezzanine"].ID || rooms["201"].FloorID != byName["First"].ID {
		t.Errorf("rooms on the wrong floors: %+v", rooms)
	}
	if rooms["101"].SourceCategory != "room.office" || rooms["101"].RecordedAreaM2 != 19.5 || rooms["M01"].SourceCategory != "opentobelow" {
		t.Errorf("101 %+v, M01 %+v", rooms["101"], rooms["M01"])
	}
	if sum.Targets[0].AreaM2 != 40 {
		t.Errorf("area %v m², want 40 (the void does not count)", sum.Targets[0].AreaM2)
	}

	again, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
	if err != nil || again.Floors.Unchanged != 3 || again.Rooms.Unchanged != 3 || again.Buildings.Unchanged != 1 {
		t.Errorf("a re-import: %+v %v", again, err)
	}
}

// Ids an officemap export carries are kept when no record has them: export → import into an empty
// store → export gives the same ids. An id that a record already has is not taken.
func TestImportKeepsIDs(t *testing.T) {
	bID, fID, rID := uuid.New(), uuid.New(), uuid.New()
	withIDs := func(sourceID string) *imports.Dataset {
		r := room("a", "101", 0, rect(0, 0, 4, 5))
		r.ID = rID
		ds := dataset(r)
		ds.Buildings[0].ID, ds.Buildings[0].SourceID = bID, sourceID
		ds.Buildings[0].Floors = []imports.Floor{{ID: fID, Ordinal: 0, Name: "1F"}}
		return ds
	}
	s := importtest.NewStore(t)
	if _, err := imports.Import(ctx, floorplan.NewRegister(s), withIDs("test:b"), imports.Options{}); err != nil {
		t.Fatal(err)
	}
	b, errB := s.Building(ctx, bID)
	f, errF := s.Floor(ctx, fID)
	r, errR := s.Room(ctx, rID)
	if errB != nil || errF != nil || errR != nil || f.BuildingID != b.ID || r.FloorID != f.ID {
		t.Fatalf("ids not kept: %v %v %v", errB, errF, errR)
	}

	// The same ids under another name into a store that has them: the building is the one with the
	// id (and is updated); into a new building, the room and floor ids are taken, so new ones are made.
	ds := withIDs("test:elsewhere")
	ds.Buildings[0].ID = uuid.Nil
	ds.Buildings[0].Name = "三号楼"
	ds.Buildings[0].Rooms[0].Geometry = rect(0, 0, 3, 3)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{})
	if err != nil || sum.Buildings.Created != 1 || sum.Rooms.Created != 1 || sum.Floors.Created != 1 {
		t.Fatalf("%+v %v", sum, err)
	}
	if r, _ := s.Room(ctx, rID); r.Area() != 20 || r.FloorID != fID {
		t.Errorf("the room with the id was changed: %+v", r)
	}
	rooms := importtest.Rooms(t, s, floorplan.RoomFilter{BuildingID: sum.Targets[0].ID})
	if len(rooms) != 1 || rooms[0].ID == rID || rooms[0].FloorID == fID {
		t.Errorf("rooms of the new building %+v", rooms)
	}
}

// Re-importing an export of officemap's own (lon/lat rounded to 1e-7°) of a building drawn in local
// metres (from a DXF drawing, say) changes nothing when the dataset says its precision; without it,
// the rounding looks like a change of every room.
func TestReimportAtPrecision(t *testing.T) {
	src := dataset(room("a", "101", 0, rect(0, 0, 4.123456, 5)), room("b", "102", 0, rect(4.123456, 0, 3.3, 5)),
		room("c", "201", 1, rect(0.5, 0.25, 7, 4.5)))
	src.Buildings[0].Footprint = rect(-0.3, -0.3, 8.023456, 5.6)
	src.Buildings[0].Floors = []imports.Floor{{SourceID: "test:0", Ordinal: 0, Name: "1F",
		Outline: rect(-0.2, -0.2, 7.8, 5.4), Openings: orb.MultiLineString{{{1.234567, 0}, {2.345678, 0}}}}}
	s := importtest.NewStore(t)
	if _, err := imports.Import(ctx, floorplan.NewRegister(s), src, imports.Options{}); err != nil {
		t.Fatal(err)
	}
	exported := export(t, s, src)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), exported, imports.Options{DryRun: true})
	if err != nil || sum.Rooms.Updated == 0 {
		t.Fatalf("without a precision: %+v %v; want the rounding taken for changes", sum, err)
	}
	exported.CoordPrecision = 1e-7
	sum, err = imports.Import(ctx, floorplan.NewRegister(s), exported, imports.Options{})
	if err != nil || sum.Rooms.Unchanged != 3 || sum.Rooms.Updated != 0 || sum.Floors.Unchanged != 2 || sum.Buildings.Unchanged != 1 {
		t.Fatalf("at the export's precision: %+v %v; want nothing changed", sum, err)
	}
	// A room moved by more than the precision is an update.
	exported.Buildings[0].Rooms[0].Geometry[0][1][0] += 3e-7
	sum, err = imports.Import(ctx, floorplan.NewRegister(s), exported, imports.Options{DryRun: true})
	if err != nil || sum.Rooms.Updated != 1 {
		t.Errorf("a room moved by 3e-7°: %+v %v", sum.Rooms, err)
	}
}

// round rounds every coordinate of a lon/lat dataset to a precision, as an export writes them.
func round(ds *imports.Dataset, prec float64) {
	r := func(pts []orb.Point) {
		for i := range pts {
			pts[i] = orb.Point{math.Round(pts[i][0]/prec) * prec, math.Round(pts[i][1]/prec) * prec}
		}
	}
	for bi := range ds.Buildings {
		b := &ds.Buildings[bi]
		for _, ring := range b.Footprint {
			r(ring)
		}
		for _, f := range b.Floors {
			for _, ring := range f.Outline {
				r(ring)
			}
			for _, l := range f.Openings {
				r(l)
			}
		}
		for _, room := range b.Rooms {
			for _, ring := range room.Geometry {
				r(ring)
			}
		}
	}
}

// export makes of what a store has of the source's building a dataset as an IMDF export would: lon/lat
// by the building's frame, rounded to 1e-7°, the same source ids.
func export(t *testing.T, s floorplan.Store, src *imports.Dataset) *imports.Dataset {
	t.Helper()
	bs, err := s.Buildings(ctx, uuid.Nil)
	if err != nil || len(bs) != 1 {
		t.Fatalf("%d buildings, %v", len(bs), err)
	}
	b := bs[0]
	f := b.Georef.Frame()
	floors, err := s.Floors(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	ordinal := map[uuid.UUID]int{}
	out := imports.Building{ID: b.ID, SourceID: b.SourceID, Name: b.Name, Footprint: f.PolygonToLonLat(b.Footprint)}
	for _, fl := range floors {
		ordinal[fl.ID] = fl.Ordinal
		ef := imports.Floor{ID: fl.ID, SourceID: fl.SourceID, Ordinal: fl.Ordinal, Name: fl.Name}
		if len(fl.Outline) > 0 {
			ef.Outline = f.PolygonToLonLat(fl.Outline)
		}
		for _, l := range fl.Openings {
			ef.Openings = append(ef.Openings, orb.LineString(f.PolygonToLonLat(orb.Polygon{orb.Ring(l)})[0]))
		}
		out.Floors = append(out.Floors, ef)
	}
	for _, r := range importtest.Rooms(t, s, floorplan.RoomFilter{BuildingID: b.ID}) {
		out.Rooms = append(out.Rooms, imports.Room{Ref: r.Number, ID: r.ID, SourceID: r.SourceID, Ordinal: ordinal[r.FloorID],
			Number: r.Number, Name: r.Name, Usage: r.Usage, Geometry: f.PolygonToLonLat(r.Geometry)})
	}
	ds := &imports.Dataset{Format: "test", File: "export.test", LonLat: true, SourcePrefix: src.SourcePrefix,
		Buildings: []imports.Building{out}}
	round(ds, 1e-7)
	return ds
}

// A lon/lat source's openings are taken to the building's local metres, like its rooms.
func TestLonLatOpenings(t *testing.T) {
	ds := lonLatDataset(room("a", "101", 0, rect(0, 0, 4, 5)))
	f := changzhou.Frame()
	door := orb.LineString{f.ToLonLat(orb.Point{1, 0}), f.ToLonLat(orb.Point{2, 0})}
	ds.Buildings[0].Floors = []imports.Floor{{Ordinal: 0, Openings: orb.MultiLineString{door, {{200, 0}, {1, 1}}}}}
	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Building(ctx, sum.Targets[0].ID)
	floors, _ := s.Floors(ctx, b.ID)
	if len(floors) != 1 || len(floors[0].Openings) != 1 {
		t.Fatalf("floors %+v", floors)
	}
	got := floors[0].Openings[0]
	// The door is 1 m long and lies along the room's south wall, 1 m from its west corner.
	room := liveRooms(t, s)["101"].Geometry
	if l := math.Hypot(got[1][0]-got[0][0], got[1][1]-got[0][1]); math.Abs(l-1) > 1e-6 {
		t.Errorf("door %v is %.9f m long", got, l)
	}
	if math.Abs(got[0][1]-room[0][0][1]) > 1e-6 || math.Abs(got[0][0]-room[0][0][0]-1) > 1e-6 {
		t.Errorf("door %v, room %v", got, room)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "level 0: 1 openings left out") {
		t.Errorf("notes %q", sum.Notes)
	}
}

// A source that records a room's state, idle date and first day (an officemap archive) gives them to
// the room it creates; a later source without a state leaves the room's as it is.
func TestImportRoomState(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	idle := room("i", "102", 0, rect(0, 0, 4, 5))
	idle.State, idle.IdleSince, idle.ValidFrom = floorplan.RoomIdle, day("2025-03-01"), day("2019-06-30")
	plain := room("p", "103", 0, rect(5, 0, 9, 5))
	s := importtest.NewStore(t)
	reg := floorplan.NewRegister(s)
	sum, err := imports.Import(ctx, reg, dataset(idle, plain), imports.Options{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{BuildingID: sum.Targets[0].ID})
	if err != nil || len(rooms) != 2 {
		t.Fatalf("rooms %v, %v", rooms, err)
	}
	got := map[string]floorplan.Room{}
	for _, r := range rooms {
		got[r.Number] = r
	}
	if r := got["102"]; r.State != floorplan.RoomIdle || !r.IdleSince.Equal(day("2025-03-01")) || !r.ValidFrom.Equal(day("2019-06-30")) {
		t.Errorf("102: state %q since %v, valid from %v", r.State, r.IdleSince, r.ValidFrom)
	}
	if r := got["103"]; r.State != floorplan.RoomInUse || !r.IdleSince.IsZero() {
		t.Errorf("103: state %q since %v", r.State, r.IdleSince)
	}
	idle.State, idle.IdleSince = "", time.Time{}
	again, err := imports.Import(ctx, reg, dataset(idle, plain), imports.Options{Lang: "en", Building: sum.Targets[0].ID.String()})
	if err != nil || again.Rooms.Unchanged != 2 {
		t.Fatalf("a re-import without states: %+v, %v", again, err)
	}
}
