package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// What imports bring (issue 14), on every store: a room's source category and the area the bureau's own
// register records for it, the usages shaft and void (no floor, never usable area), the language of a
// building's names, a floor's openings, and levels that share an ordinal under different names. Each goes
// through every write and read of its record: create (and bulk insert), update, read, list, the snapshot
// of today (the live rows) and of a past day (rebuilt from the history), and the history itself.

// importedRoom is what the suite compares of a room an import wrote.
type importedRoom struct {
	Usage          floorplan.Usage
	SourceCategory string
	RecordedAreaM2 float64
}

func importedOf(r floorplan.Room) importedRoom {
	return importedRoom{r.Usage, r.SourceCategory, r.RecordedAreaM2}
}

// wantImported fails unless room id is in rooms with what want says.
func wantImported(t *testing.T, what string, rooms []floorplan.Room, id uuid.UUID, want importedRoom) {
	t.Helper()
	i := slices.IndexFunc(rooms, func(r floorplan.Room) bool { return r.ID == id })
	if i < 0 {
		t.Errorf("%s: room %s is missing", what, id)
		return
	}
	if got := importedOf(rooms[i]); got != want {
		t.Errorf("%s: %+v, want %+v", what, got, want)
	}
}

// lastImage returns the row image after the last recorded change of an entity.
func lastImage(t *testing.T, f *fixture, entity floorplan.Entity, id uuid.UUID) map[string]any {
	t.Helper()
	h, err := f.s.History(f.ctx, entity, id)
	must(t, err)
	if len(h) == 0 {
		t.Fatalf("no history of %s %s", entity, id)
	}
	var img map[string]any
	must(t, json.Unmarshal(h[len(h)-1].New, &img))
	return img
}

func testImportedRooms(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	void := f.newRoom(0, "V01", rect(0, 0, 8, 6))
	void.Name, void.Usage, void.SourceCategory, void.RecordedAreaM2 = "中庭上空", floorplan.UsageVoid, "opentobelow", 47.5
	must(t, s.CreateRoom(ctx, &void))
	shaft := f.newRoom(0, "S01", rect(8, 0, 10, 2))
	shaft.Usage, shaft.SourceCategory = floorplan.UsageShaft, "A-AREA-SHFT"
	corridor := f.newRoom(0, "CIRC101", rect(10, 0, 30, 2))
	corridor.Usage, corridor.SourceCategory, corridor.RecordedAreaM2 = floorplan.UsageCirculation, "CIRC", 39.75
	bulk := []floorplan.Room{shaft, corridor}
	must(t, s.BulkInsertRooms(ctx, bulk))
	shaft, corridor = bulk[0], bulk[1]
	wants := map[uuid.UUID]importedRoom{void.ID: {floorplan.UsageVoid, "opentobelow", 47.5},
		shaft.ID: {floorplan.UsageShaft, "A-AREA-SHFT", 0}, corridor.ID: {floorplan.UsageCirculation, "CIRC", 39.75}}

	listed, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.floor(0).ID})
	must(t, err)
	today, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	for id, want := range wants {
		got, err := s.Room(ctx, id)
		must(t, err)
		wantImported(t, "Room", []floorplan.Room{got}, id, want)
		wantImported(t, "Rooms", listed, id, want)
		wantImported(t, "today's snapshot", today.Rooms, id, want)
	}
	img := lastImage(t, f, floorplan.EntityRoom, void.ID)
	if img["source_category"] != "opentobelow" || img["recorded_area_m2"] != 47.5 || img["usage"] != "void" {
		t.Errorf("the history image of the void: source_category %v, recorded_area_m2 %v, usage %v",
			img["source_category"], img["recorded_area_m2"], img["usage"])
	}

	// Redrawn here later: no category from a source, no recorded area (0, none), an office. (Read again
	// after the time passed: a database store moved its days back.)
	c.Pass(t, aged)
	void, err = s.Room(ctx, void.ID)
	must(t, err)
	void.Usage, void.SourceCategory, void.RecordedAreaM2 = floorplan.UsageOffice, "", 0
	must(t, s.UpdateRoom(ctx, &void))
	got, err := s.Room(ctx, void.ID)
	must(t, err)
	sameJSON(t, "the void redrawn as an office", got, void)
	wantImported(t, "the void redrawn as an office", []floorplan.Room{got}, void.ID, importedRoom{Usage: floorplan.UsageOffice})
	if img := lastImage(t, f, floorplan.EntityRoom, void.ID); img["recorded_area_m2"] != nil || img["source_category"] != "" {
		t.Errorf("the history image after the update: recorded_area_m2 %v, source_category %q; want null and \"\"",
			img["recorded_area_m2"], img["source_category"])
	}
	past, err := s.Snapshot(ctx, day(c, -2))
	must(t, err)
	wantImported(t, "a past snapshot (rebuilt from the history)", past.Rooms, void.ID, wants[void.ID])
	wantImported(t, "a past snapshot (the live row)", past.Rooms, corridor.ID, wants[corridor.ID])
	now, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	wantImported(t, "today's snapshot after the update", now.Rooms, void.ID, importedRoom{Usage: floorplan.UsageOffice})
}

func testRecordedArea(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	recorded := func(m2 float64) func(*floorplan.Room) { return func(r *floorplan.Room) { r.RecordedAreaM2 = m2 } }
	for _, c := range []refusal{
		{name: "a recorded area of -1 m²", write: f.createRoom("101", rect(0, 0, 4, 6), recorded(-1)),
			field: "recorded_area_m2", reason: floorplan.FieldOutOfRange, mention: "recorded_area_m2 -1 m² is out of range"},
		{name: "a recorded area of NaN", write: f.createRoom("101", rect(0, 0, 4, 6), recorded(math.NaN())),
			field: "recorded_area_m2", reason: floorplan.FieldOutOfRange, mention: "recorded_area_m2"},
		{name: "a bulk insert whose second room has a recorded area of -1 m²", write: func() error {
			rooms := []floorplan.Room{f.newRoom(0, "101", rect(0, 0, 4, 6)), f.newRoom(0, "102", rect(4, 0, 8, 6))}
			recorded(-1)(&rooms[1])
			return s.BulkInsertRooms(ctx, rooms)
		}, field: "recorded_area_m2", reason: floorplan.FieldOutOfRange, mention: "-1"},
	} {
		t.Run(c.name, c.check)
	}
	noneWritten(t, f)

	r := f.newRoom(0, "101", rect(0, 0, 4, 6))
	r.RecordedAreaM2 = 23.8
	must(t, s.CreateRoom(ctx, &r))
	bad := r
	bad.RecordedAreaM2 = -1
	refusal{name: "an update to a recorded area of -1 m²", write: func() error { return s.UpdateRoom(ctx, &bad) },
		field: "recorded_area_m2", reason: floorplan.FieldOutOfRange, mention: "-1"}.check(t)
	got, err := s.Room(ctx, r.ID)
	must(t, err)
	if got.RecordedAreaM2 != 23.8 || got.Version != r.Version {
		t.Errorf("after a refused update: recorded area %v version %d, want 23.8 and %d", got.RecordedAreaM2, got.Version, r.Version)
	}
}

// testBulkAgencies: BulkInsertAgencies writes agencies as CreateAgency writes them one after the other (a
// parent of the database or of the batch before it, a code no live agency has, versions, history), all of a
// batch or none of it.
func testBulkAgencies(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	office := floorplan.Agency{ID: uuid.New(), Name: "常州市机关事务管理局办公室", Level: floorplan.LevelMunicipal,
		ParentID: f.agencies[0].ID, Headcount: 12, ApprovedAreaM2: 240, Code: "11320400MB1234567X"}
	batch := []floorplan.Agency{office,
		{Name: "常州市机关事务管理局办公室秘书科", ShortName: "秘书科", Level: floorplan.LevelMunicipal, ParentID: office.ID, Headcount: 4}}
	must(t, s.BulkInsertAgencies(ctx, batch))
	for _, a := range batch {
		if a.ID == uuid.Nil || a.Version != 1 || a.Status != floorplan.AgencyActive {
			t.Fatalf("agency %s: id %s version %d status %q, want an id, version 1 and active", a.Name, a.ID, a.Version, a.Status)
		}
		got, err := s.Agency(ctx, a.ID)
		must(t, err)
		sameJSON(t, "agency "+a.Name, got, a)
		h, err := s.History(ctx, floorplan.EntityAgency, a.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != Actor || h[0].New == nil {
			t.Errorf("agency %s: History = %+v, want one insert by %q", a.Name, h, Actor)
		}
	}
	if batch[0].ID != office.ID || batch[1].ParentID != office.ID {
		t.Errorf("the batch's ids: %s (given %s), the second's parent %s", batch[0].ID, office.ID, batch[1].ParentID)
	}
	before, err := s.Agencies(ctx)
	must(t, err)

	// All or nothing: a batch with an agency that breaks a rule writes none of its agencies.
	later := uuid.New()
	for _, bad := range []struct {
		what  string
		batch []floorplan.Agency
	}{
		{"a parent that comes later in the batch", []floorplan.Agency{
			{Name: "甲", Level: floorplan.LevelMunicipal, ParentID: later},
			{ID: later, Name: "乙", Level: floorplan.LevelMunicipal}}},
		{"an unknown parent", []floorplan.Agency{{Name: "甲", Level: floorplan.LevelMunicipal, ParentID: uuid.New()}}},
		{"a code a live agency has", []floorplan.Agency{{Name: "甲", Level: floorplan.LevelMunicipal, Code: office.Code}}},
		{"a code twice in the batch", []floorplan.Agency{{Name: "甲", Level: floorplan.LevelMunicipal, Code: "X-1"},
			{Name: "乙", Level: floorplan.LevelMunicipal, Code: "X-1"}}},
		{"an agency without a name", []floorplan.Agency{{Level: floorplan.LevelMunicipal}}},
	} {
		good := floorplan.Agency{Name: "良", Level: floorplan.LevelMunicipal, ParentID: f.agencies[1].ID}
		wantErr(t, bad.what, s.BulkInsertAgencies(ctx, append([]floorplan.Agency{good}, bad.batch...)), floorplan.ErrInvalid)
		after, err := s.Agencies(ctx)
		must(t, err)
		if len(after) != len(before) {
			t.Errorf("%s: %d agencies after a failed batch, want %d", bad.what, len(after), len(before))
		}
	}
}

// testBulkBuildings: BulkInsertBuildings writes buildings as CreateBuilding writes them (versions, the day they
// hold from, the footprint and the lon/lat copy derived from it, history), all of a batch or none of it.
func testBulkBuildings(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	batch := []floorplan.Building{
		{SiteID: f.site.ID, Name: "综合楼二", Footprint: f.building.Footprint, Georef: f.building.Georef, SourceID: "dxf:B2", Lang: "zh-CN"},
		{SiteID: f.site.ID, Name: "车库", Address: "3号楼", Footprint: rect(0, 0, 30, 10), Georef: geo.Georef{Origin: origin(), Scale: 1},
			ValidFrom: time.Date(2001, 5, 1, 0, 0, 0, 0, time.UTC)},
	}
	must(t, s.BulkInsertBuildings(ctx, batch))
	for i, b := range batch {
		if b.ID == uuid.Nil || b.Version != 1 || b.ValidFrom.IsZero() {
			t.Fatalf("building %s: id %s version %d valid from %v, want an id, version 1 and a day", b.Name, b.ID, b.Version, b.ValidFrom)
		}
		got, err := s.Building(ctx, b.ID)
		must(t, err)
		sameJSON(t, "building "+b.Name, got, b)
		samePolygon(t, "building "+b.Name+"'s footprint", got.Footprint, batch[i].Footprint)
		h, err := s.History(ctx, floorplan.EntityBuilding, b.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != Actor || h[0].New == nil {
			t.Errorf("building %s: History = %+v, want one insert by %q", b.Name, h, Actor)
		}
	}
	if got := batch[1].ValidFrom; !got.Equal(time.Date(2001, 5, 1, 0, 0, 0, 0, got.Location())) {
		t.Errorf("车库 holds from %v, want 2001-05-01 as given", got)
	}
	// The lon/lat footprint is derived as CreateBuilding derives it: 综合楼二 lies exactly on the fixture's 综合楼.
	feats, err := s.Features(ctx, floorplan.LayerBuildings, f.around(30, 10, 40), floorplan.FeatureFilter{})
	must(t, err)
	byID := map[uuid.UUID]floorplan.Feature{}
	for _, ft := range feats {
		byID[ft.ID] = ft
	}
	created, bulk := byID[f.building.ID], byID[batch[0].ID]
	if created.ID == uuid.Nil || bulk.ID == uuid.Nil {
		t.Fatalf("the buildings' features around them: %v; want 综合楼 and 综合楼二", featureIDs(feats))
	}
	sameCoords(t, "综合楼二's lon/lat footprint", bulk.Geometry, created.Geometry)
	before, err := s.Buildings(ctx, f.site.ID)
	must(t, err)

	// All or nothing: a batch with a building that breaks a rule writes none of its buildings.
	for _, bad := range []struct {
		what     string
		building floorplan.Building
		target   error
	}{
		{"a building of an unknown site", floorplan.Building{SiteID: uuid.New(), Name: "无主楼", Footprint: rect(0, 0, 5, 5),
			Georef: f.building.Georef}, floorplan.ErrInvalid},
		{"a building without a name", floorplan.Building{SiteID: f.site.ID, Footprint: rect(0, 0, 5, 5), Georef: f.building.Georef},
			floorplan.ErrInvalid},
		{"a self-crossing footprint", floorplan.Building{SiteID: f.site.ID, Name: "交叉楼",
			Footprint: orb.Polygon{{{0, 0}, {5, 5}, {5, 0}, {0, 5}, {0, 0}}}, Georef: f.building.Georef}, geo.ErrInvalid},
	} {
		good := floorplan.Building{SiteID: f.site.ID, Name: "良楼", Footprint: rect(0, 0, 5, 5), Georef: f.building.Georef}
		wantErr(t, bad.what, s.BulkInsertBuildings(ctx, []floorplan.Building{good, bad.building}), bad.target)
		after, err := s.Buildings(ctx, f.site.ID)
		must(t, err)
		if len(after) != len(before) {
			t.Errorf("%s: the site has %d buildings after a failed batch, want %d", bad.what, len(after), len(before))
		}
	}
}

// testBulkFloors: BulkInsertFloors writes floors as CreateFloor writes them (versions, geometry, the lon/lat
// copy a room on them is placed by, history), all of a batch or none of it.
func testBulkFloors(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	batch := []floorplan.Floor{
		{BuildingID: f.building.ID, Ordinal: 2, Name: "3F", Elevation: 7.2, Outline: rect(0, 0, 60, 20), SourceID: "dxf:3F"},
		{BuildingID: f.building.ID, Ordinal: 3, Name: "4F", Elevation: 10.8,
			Openings: orb.MultiLineString{{{10, 0}, {12, 0}}}},
	}
	must(t, s.BulkInsertFloors(ctx, batch))
	for i, fl := range batch {
		if fl.ID == uuid.Nil || fl.Version != 1 {
			t.Fatalf("floor %s: id %s version %d, want an id and version 1", fl.Name, fl.ID, fl.Version)
		}
		got, err := s.Floor(ctx, fl.ID)
		must(t, err)
		sameJSON(t, "floor "+fl.Name, got, fl)
		samePolygon(t, "floor "+fl.Name+"'s outline", got.Outline, batch[i].Outline)
		sameCoords(t, "floor "+fl.Name+"'s openings", got.Openings, batch[i].Openings)
		h, err := s.History(ctx, floorplan.EntityFloor, fl.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != Actor || h[0].New == nil {
			t.Errorf("floor %s: History = %+v, want one insert by %q", fl.Name, h, Actor)
		}
	}
	// A room on a bulk floor stands where one on a created floor stands, at the bulk floor's level.
	on3F := f.newRoom(0, "301", rect(0, 0, 6, 5))
	on3F.FloorID = batch[0].ID
	must(t, s.CreateRoom(ctx, &on3F))
	on1F := f.room(t, 0, "101", rect(0, 0, 6, 5))
	for _, tc := range []struct {
		level int
		want  uuid.UUID
	}{{2, on3F.ID}, {0, on1F.ID}} {
		got, err := s.Features(ctx, floorplan.LayerRooms, f.around(3, 2.5, 1), floorplan.FeatureFilter{HasLevel: true, Level: tc.level})
		must(t, err)
		if ids := featureIDs(got); !slices.Equal(ids, []uuid.UUID{tc.want}) {
			t.Errorf("the rooms of level %d at (3, 2.5) = %v, want %v", tc.level, ids, tc.want)
		}
	}
	floors, err := s.Floors(ctx, f.building.ID)
	must(t, err)

	// All or nothing: a batch with a floor that breaks a rule (a second 4F at ordinal 3, an unknown building,
	// an invalid floor) writes none of its floors.
	for _, bad := range []struct {
		what   string
		floor  floorplan.Floor
		target error
	}{
		{"a second 4F at ordinal 3", floorplan.Floor{BuildingID: f.building.ID, Ordinal: 3, Name: "4F"}, floorplan.ErrInvalid},
		{"a floor of an unknown building", floorplan.Floor{BuildingID: uuid.New(), Ordinal: 5, Name: "6F"}, floorplan.ErrInvalid},
		{"a floor without a name", floorplan.Floor{BuildingID: f.building.ID, Ordinal: 6}, floorplan.ErrInvalid},
	} {
		good := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 4, Name: "5F"}
		wantErr(t, bad.what, s.BulkInsertFloors(ctx, []floorplan.Floor{good, bad.floor}), bad.target)
		after, err := s.Floors(ctx, f.building.ID)
		must(t, err)
		if len(after) != len(floors) {
			t.Errorf("%s: the building has %d floors after a failed batch, want %d", bad.what, len(after), len(floors))
		}
	}
}

// testAnalyze: Analyze, a bulk load's last step, changes nothing of the register (no revision, no history,
// the rows as they were) and runs inside a transaction too. Each store's own tests check that it gathered
// statistics.
func testAnalyze(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	rev, err := s.Revision(ctx)
	must(t, err)
	must(t, s.Analyze(ctx))
	if after, err := s.Revision(ctx); err != nil || after != rev {
		t.Errorf("Revision after Analyze = %d (%v), want %d", after, err, rev)
	}
	h, err := s.History(ctx, floorplan.EntityRoom, r.ID)
	must(t, err)
	if len(h) != 1 {
		t.Errorf("the room's history after Analyze has %d records, want its insert alone", len(h))
	}
	got, err := s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "the room after Analyze", got, r)
	must(t, s.InTx(ctx, func(tx floorplan.Store) error {
		bulk := f.newRoom(0, "102", rect(10, 0, 6, 5))
		if err := tx.BulkInsertRooms(ctx, []floorplan.Room{bulk}); err != nil {
			return err
		}
		return tx.Analyze(ctx)
	}))
}

// testIndexesDeferred: WithIndexesDeferred, around a load into a register without rooms, runs fn once and
// leaves the store as fn's writes left it (the rooms found by floor, agency and number, the reads a store's
// indexes serve), taking writes as before; around a load that fails, it returns fn's error.
func testIndexesDeferred(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	calls := 0
	bulk := []floorplan.Room{f.newRoom(0, "101", rect(0, 0, 6, 5)), f.newRoom(0, "102", rect(6, 0, 12, 5))}
	must(t, s.WithIndexesDeferred(ctx, func() error {
		calls++
		return s.InTx(ctx, func(tx floorplan.Store) error { return tx.BulkInsertRooms(ctx, bulk) })
	}))
	if calls != 1 {
		t.Errorf("WithIndexesDeferred ran fn %d times, want once", calls)
	}
	later := f.room(t, 0, "103", rect(12, 0, 18, 5))
	for _, filter := range []floorplan.RoomFilter{{FloorID: later.FloorID}, {AgencyID: later.AgencyID}, {Number: "102"}} {
		rooms, err := s.Rooms(ctx, filter)
		must(t, err)
		want := 3
		if filter.Number != "" {
			want = 1
		}
		if len(rooms) != want {
			t.Errorf("Rooms(%+v) after the load: %d rooms, want %d", filter, len(rooms), want)
		}
	}
	refused := errors.New("refused by the test")
	if err := s.WithIndexesDeferred(ctx, func() error { return refused }); !errors.Is(err, refused) {
		t.Errorf("WithIndexesDeferred around a failing load = %v, want its error", err)
	}
}

func testFloorsOfOneOrdinal(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	upper := f.floor(1) // "2F" at ordinal 1
	mezzanine := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 1, Name: "2M", Elevation: 5.4, SourceID: "imdf:level-2m"}
	must(t, s.CreateFloor(ctx, &mezzanine))
	floors, err := s.Floors(ctx, f.building.ID)
	must(t, err)
	var got []string
	for _, fl := range floors {
		got = append(got, fmt.Sprint(fl.Ordinal, " ", fl.Name))
	}
	if want := []string{"-1 B1", "0 1F", "1 2F", "1 2M"}; !slices.Equal(got, want) {
		t.Errorf("Floors = %q, want %q: floors of one ordinal by name", got, want)
	}

	twin := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 1, Name: "2M"}
	wantErr(t, "a second floor 2M at ordinal 1", s.CreateFloor(ctx, &twin), floorplan.ErrInvalid)
	renamed := mezzanine
	renamed.Name = upper.Name
	wantErr(t, "renaming 2M to 2F at ordinal 1", s.UpdateFloor(ctx, &renamed), floorplan.ErrInvalid)
	moved := mezzanine
	moved.Ordinal, moved.Name = 0, "1M"
	must(t, s.UpdateFloor(ctx, &moved)) // 1F and 1M at ordinal 0
	moved.Ordinal, moved.Name = 1, "2M"
	must(t, s.UpdateFloor(ctx, &moved))

	// The floors are floors of their own: rooms at the same place on each, each floor's rooms apart.
	a := f.room(t, 1, "201", rect(0, 0, 6, 5))
	b := f.newRoom(1, "2M01", rect(0, 0, 6, 5))
	b.FloorID = mezzanine.ID
	must(t, s.CreateRoom(ctx, &b))
	for _, fl := range []struct {
		id   uuid.UUID
		want []uuid.UUID
	}{{upper.ID, []uuid.UUID{a.ID}}, {mezzanine.ID, []uuid.UUID{b.ID}}} {
		rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: fl.id})
		must(t, err)
		if ids := IDs(rooms); !slices.Equal(ids, fl.want) {
			t.Errorf("Rooms of floor %s = %v, want %v", fl.id, ids, fl.want)
		}
	}
	level, err := s.Features(ctx, floorplan.LayerRooms, f.around(3, 2.5, 1), floorplan.FeatureFilter{HasLevel: true, Level: 1})
	must(t, err)
	if ids := featureIDs(level); !slices.Equal(ids, sortedIDs(a.ID, b.ID)) {
		t.Errorf("the rooms of level 1 = %v, want both floors' rooms %v", ids, sortedIDs(a.ID, b.ID))
	}
	snap, err := s.Snapshot(ctx, day(f.clock, 0))
	must(t, err)
	if !slices.ContainsFunc(snap.Floors, func(x floorplan.Floor) bool { return x.ID == mezzanine.ID }) ||
		!slices.ContainsFunc(snap.Floors, func(x floorplan.Floor) bool { return x.ID == upper.ID }) {
		t.Error("the snapshot lacks one of the two floors of ordinal 1")
	}

	must(t, s.DeleteRoom(ctx, b.ID, b.Version))
	must(t, s.DeleteFloor(ctx, mezzanine.ID))
	again := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 1, Name: "2M"}
	must(t, s.CreateFloor(ctx, &again)) // the ordinal and name of a deleted floor are free again
}

func testOpenings(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	doors := orb.MultiLineString{{{4, 0}, {5, 0}}, {{10, 5}, {10, 6.25}, {10.5, 6.5}}}
	ground := f.floor(0)
	ground.Openings = doors
	must(t, s.UpdateFloor(ctx, &ground))
	got, err := s.Floor(ctx, ground.ID)
	must(t, err)
	sameCoords(t, "openings after UpdateFloor", got.Openings, doors)
	samePolygon(t, "the outline beside the openings", got.Outline, ground.Outline)
	top := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 2, Name: "3F", Openings: orb.MultiLineString{{{0, 0}, {0, 1}}}}
	must(t, s.CreateFloor(ctx, &top))
	floors, err := s.Floors(ctx, f.building.ID)
	must(t, err)
	for _, fl := range floors {
		want := map[uuid.UUID]orb.MultiLineString{ground.ID: doors, top.ID: top.Openings}[fl.ID]
		sameCoords(t, "Floors: openings of "+fl.Name, fl.Openings, want)
	}
	if img := lastImage(t, f, floorplan.EntityFloor, ground.ID); !strings.Contains(fmt.Sprint(img["openings"]), "MultiLineString") {
		t.Errorf("the history image of the floor has openings %v, want a MultiLineString", img["openings"])
	}

	broken := ground
	broken.Openings = orb.MultiLineString{{{4, 0}, {4, 0}}}
	wantErr(t, "an opening of one position", s.UpdateFloor(ctx, &broken), floorplan.ErrInvalid)
	far := ground
	far.Openings = orb.MultiLineString{{{0, 0}, {7000, 0}}}
	wantErr(t, "an opening 7 km away", s.UpdateFloor(ctx, &far), floorplan.ErrInvalid)

	// The georeference moves: the openings stay where they are in the building.
	c.Pass(t, aged)
	f.building.Georef.Origin = orb.Point{origin()[0] + 0.002, origin()[1]}
	must(t, s.UpdateBuilding(ctx, &f.building))
	got, err = s.Floor(ctx, ground.ID)
	must(t, err)
	sameCoords(t, "openings after a georeference change", got.Openings, doors)
	if got.Version != ground.Version+1 {
		t.Errorf("floor version %d after its map geometry changed, want %d", got.Version, ground.Version+1)
	}
	if doorsOnly, err := s.Floor(ctx, top.ID); err != nil || doorsOnly.Version != top.Version+1 {
		t.Errorf("a floor with openings and no outline after the georeference changed: version %d (%v), want %d",
			doorsOnly.Version, err, top.Version+1)
	}

	// Removed: none today, the doors in the past.
	got.Openings = nil
	must(t, s.UpdateFloor(ctx, &got))
	now, err := s.Floor(ctx, ground.ID)
	must(t, err)
	sameCoords(t, "openings removed", now.Openings, nil)
	past, err := s.Snapshot(ctx, day(c, -2))
	must(t, err)
	if i := slices.IndexFunc(past.Floors, func(x floorplan.Floor) bool { return x.ID == ground.ID }); i < 0 {
		t.Error("the floor is missing from a past snapshot")
	} else {
		sameCoords(t, "openings in a past snapshot (rebuilt from the history)", past.Floors[i].Openings, doors)
	}
}

func testBuildingLang(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	b := createEastBuilding(t, f, floorplan.Building{Name: "Grand Hall", Lang: "en", SourceID: "imdf:building-1"},
		"a building with the language of its names")
	all, err := s.Buildings(ctx, f.site.ID)
	must(t, err)
	if i := slices.IndexFunc(all, func(x floorplan.Building) bool { return x.ID == b.ID }); i < 0 || all[i].Lang != "en" {
		t.Errorf("Buildings: the building's language is lost")
	}
	if img := lastImage(t, f, floorplan.EntityBuilding, b.ID); img["lang"] != "en" {
		t.Errorf("the history image of the building has lang %v, want en", img["lang"])
	}
	refusal{name: "a language tag of 51 characters", write: func() error {
		x := b
		x.ID, x.SourceID, x.Lang = uuid.Nil, "", strings.Repeat("x", 51)
		return s.CreateBuilding(ctx, &x)
	}, field: "lang", reason: floorplan.FieldTooLong, mention: "lang"}.check(t)

	b = updateBuildingAged(t, f, b.ID, func(b *floorplan.Building) { b.Name, b.Lang = "大会堂", "zh-CN" }, "the building renamed in Chinese")
	past, err := s.Snapshot(ctx, day(c, -2))
	must(t, err)
	if i := slices.IndexFunc(past.Buildings, func(x floorplan.Building) bool { return x.ID == b.ID }); i < 0 ||
		past.Buildings[i].Lang != "en" {
		t.Errorf("a past snapshot (rebuilt from the history) lost the building's language")
	}
	now, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	if i := slices.IndexFunc(now.Buildings, func(x floorplan.Building) bool { return x.ID == b.ID }); i < 0 ||
		now.Buildings[i].Lang != "zh-CN" {
		t.Errorf("today's snapshot lost the building's language")
	}
}
