package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// aged is how much time the suite lets pass to turn the present into the past: the day before
// yesterday (by the store's clock) is then after everything written before.
const aged = 72 * time.Hour

func testSoftDelete(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	keep := f.room(t, 0, "102", rect(6, 0, 12, 5))
	p := f.person(t, "郑洁", floorplan.RankStaff)
	p.Posts = []floorplan.Post{{Title: "团委书记（兼）"}}
	must(t, s.UpdatePerson(ctx, &p))
	a := f.assign(t, p, keep, floorplan.Day(2024, 1, 1))
	c.Pass(t, aged)

	must(t, s.DeleteRoom(ctx, r.ID, r.Version))
	must(t, s.DeleteAssignment(ctx, a.ID, a.Version))
	must(t, s.DeletePerson(ctx, p.ID))

	wantErr(t, "Room", errOf(s.Room(ctx, r.ID)), floorplan.ErrNotFound)
	wantErr(t, "Person", errOf(s.Person(ctx, p.ID)), floorplan.ErrNotFound)
	wantErr(t, "Assignment", errOf(s.Assignment(ctx, a.ID)), floorplan.ErrNotFound)
	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: f.floor(0).ID})
	must(t, err)
	if len(rooms) != 1 || rooms[0].ID != keep.ID {
		t.Errorf("Rooms lists a deleted room: %d rooms", len(rooms))
	}
	people, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)
	if len(people) != 0 {
		t.Errorf("People lists a deleted person")
	}
	as, err := s.Assignments(ctx, floorplan.AssignmentFilter{RoomID: keep.ID})
	must(t, err)
	if len(as) != 0 {
		t.Errorf("Assignments lists a deleted assignment")
	}
	fs, err := s.Features(ctx, floorplan.LayerRooms, f.lonLatBound(orb.Bound{Min: orb.Point{-10, -10}, Max: orb.Point{70, 30}}), floorplan.FeatureFilter{})
	must(t, err)
	if len(fs) != 1 || fs[0].ID != keep.ID {
		t.Errorf("Features lists a deleted room: %d features", len(fs))
	}
	hits, err := s.Search(ctx, "101", 10, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 0 {
		t.Errorf("Search finds a deleted room: %+v", hits)
	}
	hits, err = s.Search(ctx, "郑洁", 10, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 0 {
		t.Errorf("Search finds a deleted person: %+v", hits)
	}

	past, err := s.Snapshot(ctx, day(c, -2))
	must(t, err)
	if i := slices.IndexFunc(past.Rooms, func(x floorplan.Room) bool { return x.ID == r.ID }); i < 0 {
		t.Error("the deleted room is missing from a snapshot of a day before it was deleted")
	} else {
		samePolygon(t, "deleted room in the past", past.Rooms[i].Geometry, r.Geometry)
	}
	if i := slices.IndexFunc(past.People, func(x floorplan.Person) bool { return x.ID == p.ID }); i < 0 {
		t.Error("the deleted person is missing from a past snapshot")
	} else if len(past.People[i].Posts) != 1 || past.People[i].Posts[0].Title != "团委书记（兼）" {
		t.Errorf("the deleted person's posts in the past: %+v", past.People[i].Posts)
	}
	if !slices.ContainsFunc(past.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }) {
		t.Error("the deleted assignment is missing from a past snapshot")
	}
	now, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	if slices.ContainsFunc(now.Rooms, func(x floorplan.Room) bool { return x.ID == r.ID }) ||
		slices.ContainsFunc(now.People, func(x floorplan.Person) bool { return x.ID == p.ID }) ||
		slices.ContainsFunc(now.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }) {
		t.Error("today's snapshot has deleted records")
	}
}

func testHistory(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	r.Name, r.Geometry = "处长办公室", rect(0, 0, 5, 5)
	must(t, s.UpdateRoom(ctx, &r))
	must(t, s.DeleteRoom(floorplan.WithActor(ctx, "王管理员"), r.ID, r.Version))

	h, err := s.History(ctx, floorplan.EntityRoom, r.ID)
	must(t, err)
	if len(h) != 3 {
		t.Fatalf("History has %d changes, want insert, update, delete", len(h))
	}
	type image struct {
		ID        uuid.UUID       `json:"id"`
		Name      string          `json:"name"`
		Version   int64           `json:"version"`
		Geom      json.RawMessage `json:"geom"`
		DeletedAt *time.Time      `json:"deleted_at"`
	}
	decode := func(raw json.RawMessage) *image {
		if raw == nil {
			return nil
		}
		var img image
		if err := json.Unmarshal(raw, &img); err != nil {
			t.Fatalf("history image %s: %v", raw, err)
		}
		return &img
	}
	for i, want := range []struct {
		op, actor       string
		old, new        bool
		newName         string
		newVersion      int64
		deletedInTheNew bool
	}{
		{"insert", Actor, false, true, "", 1, false},
		{"update", Actor, true, true, "处长办公室", 2, false},
		{"delete", "王管理员", true, true, "处长办公室", 3, true},
	} {
		c := h[i]
		if c.Entity != floorplan.EntityRoom || c.EntityID != r.ID || c.Op != want.op || c.Actor != want.actor {
			t.Errorf("change %d: %s %s %s by %q, want room %s %s by %q", i, c.Entity, c.EntityID, c.Op, c.Actor, r.ID, want.op, want.actor)
		}
		if c.At.IsZero() || (i > 0 && c.At.Before(h[i-1].At)) {
			t.Errorf("change %d: time %v is not after the one before", i, c.At)
		}
		old, nw := decode(c.Old), decode(c.New)
		if (old != nil) != want.old || (nw != nil) != want.new {
			t.Fatalf("change %d: old %s new %s, want old %v new %v", i, c.Old, c.New, want.old, want.new)
		}
		if nw.ID != r.ID || nw.Name != want.newName || nw.Version != want.newVersion || (nw.DeletedAt != nil) != want.deletedInTheNew {
			t.Errorf("change %d: new image %s", i, c.New)
		}
		if len(nw.Geom) == 0 || string(nw.Geom) == "null" {
			t.Errorf("change %d: the new image has no local geometry", i)
		}
		if old != nil && old.Version != want.newVersion-1 {
			t.Errorf("change %d: the old image has version %d, want %d", i, old.Version, want.newVersion-1)
		}
	}
	// The insert's image is the row as inserted, the first update's old image, whether it is kept with the
	// insert or in the update (the PostGIS store: migrations/0032_insert_images.sql).
	sameImage(t, "the insert's new image and the update's old", h[0].New, h[1].Old)

	// A row never changed since, created alone or in bulk: its insert's image is the row as it is.
	alone := f.room(t, 0, "102", rect(6, 0, 10, 5))
	bulk := []floorplan.Room{f.newRoom(0, "103", rect(10, 0, 14, 5))}
	must(t, s.BulkInsertRooms(ctx, bulk))
	for _, r := range []floorplan.Room{alone, bulk[0]} {
		h, err := s.History(ctx, floorplan.EntityRoom, r.ID)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" {
			t.Fatalf("room %s: History has %d changes, want its insert", r.Number, len(h))
		}
		var img struct {
			image
			Number string  `json:"number"`
			AreaM2 float64 `json:"area_m2"`
		}
		if err := json.Unmarshal(h[0].New, &img); err != nil {
			t.Fatalf("room %s: history image %s: %v", r.Number, h[0].New, err)
		}
		if img.ID != r.ID || img.Number != r.Number || img.Name != r.Name || img.Version != 1 || img.DeletedAt != nil ||
			img.AreaM2 != 20 || len(img.Geom) == 0 || string(img.Geom) == "null" {
			t.Errorf("room %s: the insert's image %s, want the room as created (20 m², version 1)", r.Number, h[0].New)
		}
	}

	p := f.person(t, "钱进", floorplan.RankStaff)
	p.Posts = []floorplan.Post{{Title: "档案员（兼）"}}
	must(t, s.UpdatePerson(ctx, &p))
	ph, err := s.History(ctx, floorplan.EntityPerson, p.ID)
	must(t, err)
	if len(ph) > 1 {
		sameImage(t, "the person's insert image and their update's old", ph[0].New, ph[1].Old)
	}
	var entities []floorplan.Entity
	for _, c := range ph {
		entities = append(entities, c.Entity)
	}
	if len(ph) != 3 || ph[0].Entity != floorplan.EntityPerson || !slices.Contains(entities, "post") {
		t.Errorf("a person's history = %v, want the person's insert and update and the post's insert", entities)
	}
	for _, tc := range []struct {
		entity floorplan.Entity
		id     uuid.UUID
	}{
		{floorplan.EntitySite, f.site.ID}, {floorplan.EntityBuilding, f.building.ID}, {floorplan.EntityFloor, f.floor(0).ID},
		{floorplan.EntityAgency, f.agencies[0].ID},
	} {
		h, err := s.History(ctx, tc.entity, tc.id)
		must(t, err)
		if len(h) != 1 || h[0].Op != "insert" || h[0].Actor != Actor || h[0].New == nil || h[0].Old != nil {
			t.Errorf("History(%s) = %+v, want one insert by %q", tc.entity, h, Actor)
		}
	}
}

// PastScenario is the change of the register that the as-of tests look back across, played by the suite
// and by a store's own tests of its history: room 501 (4 × 6 m, of the first agency) made 3 × 6 m and
// given to the second agency, room 502 deleted, 503 left alone, 504 created, the person (a division
// head) demoted, and the assignment ended on 2025-01-01.
type PastScenario struct {
	Changed, Deleted, Same    floorplan.Room
	Added                     floorplan.Room // not yet created: Change creates it
	Person                    floorplan.Person
	Assignment                floorplan.Assignment
	FirstAgency, SecondAgency uuid.UUID
}

// Change makes the changes through s, keeping the scenario's records as the store returns them.
func (sc *PastScenario) Change(t *testing.T, ctx context.Context, s floorplan.Writer) {
	t.Helper()
	sc.Changed.Geometry, sc.Changed.AgencyID = rect(0, 0, 3, 6), sc.SecondAgency
	must(t, s.UpdateRoom(ctx, &sc.Changed))
	must(t, s.DeleteRoom(ctx, sc.Deleted.ID, sc.Deleted.Version))
	must(t, s.CreateRoom(ctx, &sc.Added))
	sc.Person.Rank = floorplan.RankViceDivision
	must(t, s.UpdatePerson(ctx, &sc.Person))
	sc.Assignment.End = floorplan.Day(2025, 1, 1)
	must(t, s.UpdateAssignment(ctx, &sc.Assignment))
}

// CheckBefore checks that snap, of a moment before Change, holds the rooms and the person as they were:
// room 501 with its old geometry (24 m²), agency and version, rooms 502 and 503 but not 504, and the
// person's old rank.
func (sc *PastScenario) CheckBefore(t *testing.T, what string, snap *floorplan.Snapshot) {
	t.Helper()
	if r := roomIn(snap, sc.Changed.ID); r.ID != sc.Changed.ID || r.Area() != 24 || r.AgencyID != sc.FirstAgency || r.Version != 1 {
		t.Errorf("%s: room 501 = %+v, want its old geometry (24 m²), agency and version", what, r)
	}
	if roomIn(snap, sc.Deleted.ID).ID != sc.Deleted.ID {
		t.Errorf("%s: room 502, deleted later, is missing", what)
	}
	if r := roomIn(snap, sc.Same.ID); r.ID != sc.Same.ID || r.Number != "503" {
		t.Errorf("%s: unchanged room 503 is missing", what)
	}
	if roomIn(snap, sc.Added.ID).ID == sc.Added.ID {
		t.Errorf("%s: room 504, created later, is present", what)
	}
	if i := slices.IndexFunc(snap.People, func(q floorplan.Person) bool { return q.ID == sc.Person.ID }); i < 0 ||
		snap.People[i].Rank != floorplan.RankDivision {
		t.Errorf("%s: the person's rank is not the old one", what)
	}
}

func testSnapshotPast(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	changed := f.room(t, 0, "501", rect(0, 0, 4, 6))
	deleted := f.room(t, 0, "502", rect(4, 0, 8, 6))
	same := f.room(t, 0, "503", rect(8, 0, 12, 6))
	p := f.person(t, "张强", floorplan.RankDivision)
	a := f.assign(t, p, changed, floorplan.Day(2024, 1, 1))
	row := floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: floorplan.RankDivision, Title: "市级正处", AreaM2: 20,
		Effective: day(c, -30), Jurisdiction: "常州市", Source: "测试"}
	must(t, s.PutStandardRow(ctx, row))
	c.Pass(t, aged)
	// What a planner reads now (Pass aged the stored rows).
	changed, err := s.Room(ctx, changed.ID)
	must(t, err)
	a, err = s.Assignment(ctx, a.ID)
	must(t, err)

	sc := &PastScenario{Changed: changed, Deleted: deleted, Same: same, Added: f.newRoom(0, "504", rect(12, 0, 16, 6)),
		Person: p, Assignment: a, FirstAgency: f.agencies[0].ID, SecondAgency: f.agencies[1].ID}
	sc.Change(t, ctx, s)
	a = sc.Assignment
	row.AreaM2 = 18
	must(t, s.PutStandardRow(ctx, row))

	past, err := s.Snapshot(ctx, day(c, -2))
	must(t, err)
	if !past.FirstKnown.Equal(day(c, -3)) || !past.RecordedAt.IsZero() {
		t.Errorf("FirstKnown = %v, RecordedAt = %v, want %v and none", past.FirstKnown, past.RecordedAt, day(c, -3))
	}
	if !past.AsOf.Equal(day(c, -2)) {
		t.Errorf("AsOf = %v, want %v", past.AsOf, day(c, -2))
	}
	sc.CheckBefore(t, "past", past)
	// The assignment's end, entered today, is dated 2025: as now known it had ended on day -2.
	if i := slices.IndexFunc(past.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }); i < 0 || !past.Assignments[i].End.Equal(a.End) {
		t.Error("past, as now known: the assignment's end is not the one entered today with an earlier date")
	}
	// As recorded at the start of day -2, officemap knew of no end.
	recorded, err := s.SnapshotRecorded(ctx, day(c, -2), day(c, -2))
	must(t, err)
	if i := slices.IndexFunc(recorded.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }); i < 0 || !recorded.Assignments[i].End.IsZero() {
		t.Error("past, as recorded then: the assignment's end is not the old one (none)")
	}
	if !recorded.RecordedAt.Equal(day(c, -2)) {
		t.Errorf("RecordedAt = %v, want %v", recorded.RecordedAt, day(c, -2))
	}
	if r := roomIn(past, changed.ID); r.ID == changed.ID {
		sameJSON(t, "room 501 as now known and as recorded", r, roomIn(recorded, changed.ID))
	}
	if len(past.StandardRows) != 1 || past.StandardRows[0].AreaM2 != 20 {
		t.Errorf("past: standard rows %+v, want the old 20 m²", past.StandardRows)
	}
	if len(past.Buildings) != 1 || len(past.Floors) != 3 || len(past.Agencies) != 2 {
		t.Errorf("past: %d buildings, %d floors, %d agencies, want 1, 3, 2", len(past.Buildings), len(past.Floors), len(past.Agencies))
	}

	// Before the first room: no room and no building (their default start is the day they were
	// entered); agencies, people and floors hold from the beginning of time (their own dates decide).
	before, err := s.Snapshot(ctx, day(c, -10))
	must(t, err)
	if len(before.Rooms)+len(before.Buildings) != 0 || len(before.Agencies) != 2 || !before.FirstKnown.Equal(day(c, -3)) {
		t.Errorf("a snapshot of a day before the first room: %d rooms, %d buildings, %d agencies, first known %v",
			len(before.Rooms), len(before.Buildings), len(before.Agencies), before.FirstKnown)
	}
}

func testSnapshotToday(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	gone := f.room(t, 0, "102", rect(6, 0, 12, 5))
	must(t, s.DeleteRoom(ctx, gone.ID, gone.Version))
	p := f.person(t, "冯敏", floorplan.RankSection)
	p.Posts = []floorplan.Post{{Title: "兼职", Start: floorplan.Day(2024, 1, 1)}}
	must(t, s.UpdatePerson(ctx, &p))
	a := f.assign(t, p, r, floorplan.Day(2024, 1, 1))
	inForce := floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: floorplan.RankSection, Title: "市级科级", AreaM2: 12,
		Effective: day(c, -1), Jurisdiction: "常州市", Source: "测试"}
	future := inForce
	future.Effective, future.AreaM2 = day(c, 30), 10
	must(t, s.PutStandardRow(ctx, inForce))
	must(t, s.PutStandardRow(ctx, future))

	snap, err := s.Snapshot(ctx, c.Now())
	must(t, err)
	if !snap.AsOf.Equal(day(c, 0)) {
		t.Errorf("AsOf = %v, want today %v", snap.AsOf, day(c, 0))
	}
	if len(snap.Rooms) != 1 {
		t.Fatalf("today's snapshot has %d rooms, want 1", len(snap.Rooms))
	}
	sameJSON(t, "snapshot room", snap.Rooms[0], r)
	samePolygon(t, "snapshot room geometry", snap.Rooms[0].Geometry, r.Geometry)
	if len(snap.People) != 1 {
		t.Fatalf("today's snapshot has %d people, want 1", len(snap.People))
	}
	sameJSON(t, "snapshot person with posts", snap.People[0], p)
	if len(snap.Assignments) != 1 {
		t.Fatalf("today's snapshot has %d assignments, want 1", len(snap.Assignments))
	}
	sameJSON(t, "snapshot assignment", snap.Assignments[0], a)
	sameJSON(t, "snapshot standard rows in force", snap.StandardRows, []floorplan.StandardRow{inForce})
	if len(snap.Buildings) != 1 || len(snap.Floors) != 3 || len(snap.Agencies) != 2 {
		t.Errorf("today: %d buildings, %d floors, %d agencies, want 1, 3, 2", len(snap.Buildings), len(snap.Floors), len(snap.Agencies))
	}
	later, err := s.Snapshot(ctx, day(c, 31))
	must(t, err)
	if len(later.StandardRows) != 2 {
		t.Errorf("a snapshot of a future day has %d standard rows in force, want 2", len(later.StandardRows))
	}
}

// roomIn returns the room with the given id in snap (zero when absent).
func roomIn(snap *floorplan.Snapshot, id uuid.UUID) floorplan.Room {
	for _, r := range snap.Rooms {
		if r.ID == id {
			return r
		}
	}
	return floorplan.Room{}
}

// testBitemporal checks the two times of every fact (floorplan/effective.go): a report as of a day reads
// the register as now known, from each change's effective day; SnapshotRecorded reads what was known at
// a moment; the history keeps both days and the reason.
func testBitemporal(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	today := day(c, 0)
	lastYear := day(c, -365)

	// A room surveyed in an old building: it exists from its known start, not from the day it was entered.
	old := f.newRoom(0, "101", rect(0, 0, 4, 6))
	old.ValidFrom = lastYear
	must(t, s.CreateRoom(ctx, &old))
	if !old.ValidFrom.Equal(lastYear) {
		t.Errorf("CreateRoom: ValidFrom = %v, want %v", old.ValidFrom, lastYear)
	}
	plain := f.room(t, 0, "102", rect(4, 0, 8, 6))
	if !plain.ValidFrom.Equal(today) {
		t.Errorf("CreateRoom without a start: ValidFrom = %v, want today %v", plain.ValidFrom, today)
	}
	lastMonth, err := s.Snapshot(ctx, day(c, -30))
	must(t, err)
	if roomIn(lastMonth, old.ID).ID != old.ID || roomIn(lastMonth, plain.ID).ID == plain.ID {
		t.Errorf("last month: the room known from last year must be there, the one entered today not")
	}
	if !lastMonth.FirstKnown.Equal(lastYear) {
		t.Errorf("FirstKnown = %v, want %v", lastMonth.FirstKnown, lastYear)
	}
	tooEarly, err := s.Snapshot(ctx, day(c, -400))
	must(t, err)
	if len(tooEarly.Rooms) != 0 || !tooEarly.FirstKnown.Equal(lastYear) {
		t.Errorf("before the first room: %d rooms, first known %v", len(tooEarly.Rooms), tooEarly.FirstKnown)
	}

	// A retirement dated 50 days ago, entered today: as now known the person had retired 40 days ago.
	p := f.person(t, "钱进", floorplan.RankDivision)
	a := f.assign(t, p, old, day(c, -300))
	p.Status, p.StatusDate = floorplan.PersonRetired, day(c, -50)
	must(t, s.UpdatePerson(ctx, &p))
	mid, err := s.Snapshot(ctx, day(c, -40))
	must(t, err)
	if i := slices.IndexFunc(mid.People, func(x floorplan.Person) bool { return x.ID == p.ID }); i < 0 ||
		mid.People[i].Status != floorplan.PersonRetired {
		t.Errorf("40 days ago, as now known: the retirement dated 50 days ago is missing")
	}
	before, err := s.Snapshot(ctx, day(c, -60))
	must(t, err)
	if i := slices.IndexFunc(before.People, func(x floorplan.Person) bool { return x.ID == p.ID }); i < 0 ||
		before.People[i].Status != floorplan.PersonActive {
		t.Errorf("60 days ago the person was active")
	}
	if !slices.ContainsFunc(mid.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }) {
		t.Errorf("40 days ago: the assignment (from 300 days ago) is missing")
	}

	// What officemap said before the retirement was entered.
	c.Pass(t, aged)
	entered := c.Now().Add(-aged - time.Minute) // before everything above was written
	p, err = s.Person(ctx, p.ID)
	must(t, err)
	old, err = s.Room(ctx, old.ID)
	must(t, err)

	// A survey correction of room 101 effective 100 days ago, with its reason.
	fixCtx := floorplan.WithReason(floorplan.WithEffective(ctx, day(c, -100)), "复测更正")
	old.Geometry = rect(0, 0, 4, 5.5)
	must(t, s.UpdateRoom(fixCtx, &old))
	for _, tc := range []struct {
		name string
		on   int
		area float64
	}{{"before the correction's day", -101, 24}, {"on the correction's day", -100, 22}, {"today", 0, 22}} {
		snap, err := s.Snapshot(ctx, day(c, tc.on))
		must(t, err)
		if got := roomIn(snap, old.ID).Area(); got != tc.area {
			t.Errorf("%s: room 101 has %v m², want %v", tc.name, got, tc.area)
		}
	}
	then, err := s.SnapshotRecorded(ctx, day(c, -50), entered)
	must(t, err)
	if got := roomIn(then, old.ID).Area(); got != 0 {
		t.Errorf("as recorded before anything was entered: room 101 is there (%v m²)", got)
	}
	now := c.Now()
	at := now.Add(-aged / 2).In(time.FixedZone("UTC-5", -5*3600)) // any zone: an instant is an instant
	recorded, err := s.SnapshotRecorded(ctx, day(c, -50), at)
	must(t, err)
	if got := roomIn(recorded, old.ID).Area(); got != 24 {
		t.Errorf("as recorded before the correction: room 101 has %v m², want 24", got)
	}
	if recorded.RecordedAt != at {
		t.Errorf("RecordedAt = %v, want the instant asked for, as given (%v)", recorded.RecordedAt, at)
	}
	_, err = s.SnapshotRecorded(ctx, day(c, -50), time.Time{})
	wantErr(t, "SnapshotRecorded without a recording time", err, floorplan.ErrInvalid)
	h, err := s.History(ctx, floorplan.EntityRoom, old.ID)
	must(t, err)
	if n := len(h); n < 2 || h[n-1].Reason != "复测更正" || !h[n-1].Effective.Equal(day(c, -100)) ||
		!h[0].Effective.Equal(lastYear) {
		t.Errorf("history: %+v, want the insert effective %v and the correction effective %v with its reason",
			h, lastYear, day(c, -100))
	}
	ph, err := s.History(ctx, floorplan.EntityPerson, p.ID)
	must(t, err)
	if i := slices.IndexFunc(ph, func(x floorplan.Change) bool { return x.Op == "update" }); i < 0 ||
		!ph[i].Effective.Equal(p.StatusDate) {
		t.Errorf("person history: the retirement's change must be effective from its status date %v: %+v", p.StatusDate, ph)
	}

	// A delete holds from today: the room stays in the past.
	must(t, s.DeleteAssignment(ctx, a.ID, mustVersion(t, s, a)))
	snap, err := s.Snapshot(ctx, day(c, -1))
	must(t, err)
	if !slices.ContainsFunc(snap.Assignments, func(x floorplan.Assignment) bool { return x.ID == a.ID }) {
		t.Errorf("yesterday: the assignment deleted today is missing")
	}
}

func mustVersion(t *testing.T, s floorplan.Store, a floorplan.Assignment) int64 {
	t.Helper()
	got, err := s.Assignment(ctxFor(t), a.ID)
	must(t, err)
	return got.Version
}

// testRevision checks the register's revision: it grows with every committed write (a single write, a
// transaction, a delete) and stays put for reads, refused writes and rolled-back transactions, which is
// what lets several servers trust their caches.
func testRevision(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	rev := func() int64 {
		t.Helper()
		n, err := s.Revision(ctx)
		if err != nil {
			t.Fatalf("Revision: %v", err)
		}
		return n
	}
	grows := func(what string, before int64) int64 {
		t.Helper()
		after := rev()
		if after <= before {
			t.Errorf("revision after %s = %d, want more than %d", what, after, before)
		}
		return after
	}
	same := func(what string, before int64) {
		t.Helper()
		if after := rev(); after != before {
			t.Errorf("revision after %s = %d, want it unchanged at %d", what, after, before)
		}
	}

	r0 := rev()
	room := f.newRoom(0, "R1", rect(0, 0, 4, 5))
	if err := s.CreateRoom(ctx, &room); err != nil {
		t.Fatal(err)
	}
	r1 := grows("creating a room", r0)

	if _, err := s.Rooms(ctx, floorplan.RoomFilter{FloorID: room.FloorID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Snapshot(ctx, day(f.clock, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Search(ctx, "R1", 5, floorplan.ReadScope{}); err != nil {
		t.Fatal(err)
	}
	same("reads", r1)

	bad := f.newRoom(0, "R2", rect(2, 2, 6, 6)) // overlaps R1
	if err := s.CreateRoom(ctx, &bad); err == nil {
		t.Fatal("an overlapping room was accepted")
	}
	same("a refused write", r1)

	if err := s.InTx(ctx, func(tx floorplan.Store) error {
		r := f.newRoom(0, "R3", rect(10, 0, 14, 5))
		if err := tx.CreateRoom(ctx, &r); err != nil {
			return err
		}
		return errStop
	}); err != errStop {
		t.Fatalf("InTx = %v, want errStop", err)
	}
	same("a rolled-back transaction", r1)

	if err := s.InTx(ctx, func(tx floorplan.Store) error {
		for i, x := range []float64{10, 14} {
			r := f.newRoom(0, "T"+string(rune('1'+i)), rect(x, 0, x+4, 5))
			if err := tx.CreateRoom(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r2 := grows("a committed transaction", r1)

	if err := s.DeleteRoom(ctx, room.ID, room.Version); err != nil {
		t.Fatal(err)
	}
	grows("deleting a room", r2)
}

// sameImage reports whether two history images hold the same JSON value (the same keys and values, in any
// order).
func sameImage(t *testing.T, what string, got, want json.RawMessage) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: %s: %v", what, got, err)
		return false
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Errorf("%s: %s: %v", what, want, err)
		return false
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differ:\n %s\n %s", what, got, want)
		return false
	}
	return true
}
