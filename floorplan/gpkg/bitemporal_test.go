package gpkg_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/geo"
)

// at is an instant of a calendar day in CST.
func at(year int, month time.Month, day, hour int) time.Time {
	return time.Date(year, month, day, hour, 0, 0, 0, cst)
}

// bitemporalStore is a store on a fixed clock with a site, a building that exists since 2020, a floor
// and an agency, written at t.
type bitemporalStore struct {
	*gpkg.Store
	clock    *testClock
	ctx      context.Context
	site     floorplan.Site
	building floorplan.Building
	floor    floorplan.Floor
	agency   floorplan.Agency
}

func openBitemporal(t *testing.T, start time.Time) *bitemporalStore {
	t.Helper()
	clock := &testClock{at: start}
	s := openOnClock(t, clock)
	b := &bitemporalStore{Store: s, clock: clock, ctx: floorplan.WithActor(context.Background(), "test")}
	b.site = floorplan.Site{Name: "市级机关第一办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(b.ctx, &b.site))
	b.building = floorplan.Building{SiteID: b.site.ID, Name: "综合楼", Footprint: rect(0, 0, 40, 12),
		Georef: geo.Georef{Origin: orb.Point{119.974, 31.811}, Scale: 1}, ValidFrom: floorplan.Day(2020, 1, 1)}
	must(t, s.CreateBuilding(b.ctx, &b.building))
	b.floor = floorplan.Floor{BuildingID: b.building.ID, Ordinal: 0, Name: "1F"}
	must(t, s.CreateFloor(b.ctx, &b.floor))
	b.agency = floorplan.Agency{Name: "市机关事务管理局", Level: floorplan.LevelMunicipal}
	must(t, s.CreateAgency(b.ctx, &b.agency))
	return b
}

func (b *bitemporalStore) room(t *testing.T, ctx context.Context, number string, p orb.Polygon, validFrom time.Time) floorplan.Room {
	t.Helper()
	r := floorplan.Room{FloorID: b.floor.ID, Number: number, Usage: floorplan.UsageOffice, Geometry: p, ValidFrom: validFrom}
	must(t, b.CreateRoom(ctx, &r))
	return r
}

// lastChange returns the latest recorded change of an entity.
func (b *bitemporalStore) lastChange(t *testing.T, entity floorplan.Entity, id uuid.UUID) floorplan.Change {
	t.Helper()
	h, err := b.History(b.ctx, entity, id)
	must(t, err)
	if len(h) == 0 {
		t.Fatalf("no history of %s %s", entity, id)
	}
	return h[len(h)-1]
}

func TestEffectiveDefaults(t *testing.T) {
	today := floorplan.Day(2025, 11, 10)
	b := openBitemporal(t, at(2025, 11, 10, 10))
	ctx := b.ctx
	check := func(what string, c floorplan.Change, op string, want time.Time) {
		t.Helper()
		if c.Op != op || !c.Effective.Equal(want) {
			t.Errorf("%s: %s effective %v, want %s effective %v", what, c.Op, c.Effective.Format(time.DateOnly), op, want.Format(time.DateOnly))
		}
	}

	// Inserts: records whose own dates say when they hold are effective from the beginning of time; rooms
	// and buildings from their valid_from, which is their own, else the ctx's effective day, else today.
	check("new site", b.lastChange(t, floorplan.EntitySite, b.site.ID), "insert", floorplan.BeginningOfTime)
	check("new floor", b.lastChange(t, floorplan.EntityFloor, b.floor.ID), "insert", floorplan.BeginningOfTime)
	check("new agency", b.lastChange(t, floorplan.EntityAgency, b.agency.ID), "insert", floorplan.BeginningOfTime)
	check("new building with a start", b.lastChange(t, floorplan.EntityBuilding, b.building.ID), "insert", floorplan.Day(2020, 1, 1))
	if got, err := b.Building(ctx, b.building.ID); err != nil || !got.ValidFrom.Equal(floorplan.Day(2020, 1, 1)) {
		t.Errorf("Building: valid from %v (%v), want 2020-01-01", got.ValidFrom, err)
	}
	annex := floorplan.Building{SiteID: b.site.ID, Name: "附楼", Georef: b.building.Georef}
	must(t, b.CreateBuilding(ctx, &annex))
	check("new building", b.lastChange(t, floorplan.EntityBuilding, annex.ID), "insert", today)
	if !annex.ValidFrom.Equal(today) {
		t.Errorf("CreateBuilding without a start: ValidFrom %v, want today", annex.ValidFrom)
	}

	plain := b.room(t, ctx, "101", rect(0, 0, 4, 5), time.Time{})
	check("new room", b.lastChange(t, floorplan.EntityRoom, plain.ID), "insert", today)
	surveyed := b.room(t, ctx, "102", rect(4, 0, 8, 5), floorplan.Day(2024, 11, 10))
	check("new room with a start", b.lastChange(t, floorplan.EntityRoom, surveyed.ID), "insert", floorplan.Day(2024, 11, 10))
	dated := b.room(t, floorplan.WithEffective(ctx, floorplan.Day(2025, 1, 1)), "103", rect(8, 0, 12, 5), time.Time{})
	check("new room with an effective day", b.lastChange(t, floorplan.EntityRoom, dated.ID), "insert", floorplan.Day(2025, 1, 1))
	both := b.room(t, floorplan.WithEffective(ctx, floorplan.Day(2025, 2, 1)), "104", rect(12, 0, 16, 5), floorplan.Day(2024, 6, 1))
	check("new room with a start and an effective day", b.lastChange(t, floorplan.EntityRoom, both.ID), "insert", floorplan.Day(2025, 2, 1))
	for _, tc := range []struct {
		room floorplan.Room
		want time.Time
	}{{plain, today}, {surveyed, floorplan.Day(2024, 11, 10)}, {dated, floorplan.Day(2025, 1, 1)}, {both, floorplan.Day(2024, 6, 1)}} {
		got, err := b.Room(ctx, tc.room.ID)
		must(t, err)
		if !tc.room.ValidFrom.Equal(tc.want) || !got.ValidFrom.Equal(tc.want) {
			t.Errorf("room %s: ValidFrom %v after CreateRoom, %v read back; want %v", tc.room.Number, tc.room.ValidFrom, got.ValidFrom, tc.want)
		}
	}

	// Updates: today, or the earliest date the update changes.
	surveyed.Name, surveyed.ValidFrom = "档案室", time.Time{}
	must(t, b.UpdateRoom(ctx, &surveyed))
	check("rename", b.lastChange(t, floorplan.EntityRoom, surveyed.ID), "update", today)
	if got, _ := b.Room(ctx, surveyed.ID); !got.ValidFrom.Equal(floorplan.Day(2024, 11, 10)) || !surveyed.ValidFrom.Equal(got.ValidFrom) {
		t.Errorf("an update with a zero ValidFrom: stored %v, returned %v; want the old 2024-11-10", got.ValidFrom, surveyed.ValidFrom)
	}
	surveyed.ValidFrom = floorplan.Day(2023, 1, 1)
	must(t, b.UpdateRoom(ctx, &surveyed))
	check("earlier start", b.lastChange(t, floorplan.EntityRoom, surveyed.ID), "update", floorplan.Day(2023, 1, 1))
	plain.State, plain.IdleSince = floorplan.RoomIdle, floorplan.Day(2025, 10, 1)
	must(t, b.UpdateRoom(ctx, &plain))
	check("idle since", b.lastChange(t, floorplan.EntityRoom, plain.ID), "update", floorplan.Day(2025, 10, 1))

	p := floorplan.Person{Name: "钱进", AgencyID: b.agency.ID, Rank: floorplan.RankDivision}
	must(t, b.CreatePerson(ctx, &p))
	check("new person", b.lastChange(t, floorplan.EntityPerson, p.ID), "insert", floorplan.BeginningOfTime)
	p.Status, p.StatusDate = floorplan.PersonRetired, floorplan.Day(2025, 9, 15)
	must(t, b.UpdatePerson(ctx, &p))
	check("retirement dated earlier", b.lastChange(t, floorplan.EntityPerson, p.ID), "update", floorplan.Day(2025, 9, 15))
	p.StatusDate = floorplan.Day(2025, 12, 1) // moved later: the change holds from the old, earlier date
	must(t, b.UpdatePerson(ctx, &p))
	check("status date moved later", b.lastChange(t, floorplan.EntityPerson, p.ID), "update", floorplan.Day(2025, 9, 15))
	b.agency.Status, b.agency.StatusDate = floorplan.AgencyAbolished, floorplan.Day(2026, 1, 1)
	must(t, b.UpdateAgency(ctx, &b.agency))
	check("abolition dated later", b.lastChange(t, floorplan.EntityAgency, b.agency.ID), "update", today)

	q := floorplan.Person{Name: "孙悦", AgencyID: b.agency.ID, Rank: floorplan.RankStaff}
	must(t, b.CreatePerson(ctx, &q))
	a := floorplan.Assignment{PersonID: q.ID, RoomID: dated.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2025, 3, 1)}
	must(t, b.CreateAssignment(ctx, &a))
	check("new assignment", b.lastChange(t, floorplan.EntityAssignment, a.ID), "insert", floorplan.BeginningOfTime)
	a.End = floorplan.Day(2025, 10, 31)
	must(t, b.UpdateAssignment(ctx, &a))
	check("assignment ended earlier", b.lastChange(t, floorplan.EntityAssignment, a.ID), "update", floorplan.Day(2025, 10, 31))

	// Deletes hold from today.
	must(t, b.DeleteRoom(ctx, both.ID, both.Version))
	check("delete", b.lastChange(t, floorplan.EntityRoom, both.ID), "delete", today)

	// An explicit effective day and a reason reach the history, whatever the defaults would say.
	fix := floorplan.WithReason(floorplan.WithEffective(ctx, floorplan.Day(2025, 7, 1)), "复测更正")
	plain.Geometry = rect(0, 0, 4, 4.5)
	must(t, b.UpdateRoom(fix, &plain))
	c := b.lastChange(t, floorplan.EntityRoom, plain.ID)
	check("explicit", c, "update", floorplan.Day(2025, 7, 1))
	if c.Reason != "复测更正" || c.Actor != "test" {
		t.Errorf("explicit: reason %q by %q, want 复测更正 by test", c.Reason, c.Actor)
	}
	if c := b.lastChange(t, floorplan.EntityRoom, dated.ID); c.Reason != "" {
		t.Errorf("a change without a reason has %q", c.Reason)
	}

	// The bulk loaders follow the same rules.
	rooms := []floorplan.Room{
		{FloorID: b.floor.ID, Number: "201", Usage: floorplan.UsageOffice, Geometry: rect(20, 0, 24, 5)},
		{FloorID: b.floor.ID, Number: "202", Usage: floorplan.UsageOffice, Geometry: rect(24, 0, 28, 5), ValidFrom: floorplan.Day(2022, 5, 1)},
	}
	must(t, b.BulkInsertRooms(floorplan.WithReason(ctx, "导入"), rooms))
	for i, want := range []time.Time{today, floorplan.Day(2022, 5, 1)} {
		c := b.lastChange(t, floorplan.EntityRoom, rooms[i].ID)
		check("bulk room "+rooms[i].Number, c, "insert", want)
		got, err := b.Room(ctx, rooms[i].ID)
		must(t, err)
		if !rooms[i].ValidFrom.Equal(want) || !got.ValidFrom.Equal(want) || c.Reason != "导入" {
			t.Errorf("bulk room %s: ValidFrom %v in place, %v stored, reason %q; want %v and 导入", rooms[i].Number,
				rooms[i].ValidFrom, got.ValidFrom, c.Reason, want)
		}
	}
	dayOne := []floorplan.Room{{FloorID: b.floor.ID, Number: "203", Usage: floorplan.UsageOffice, Geometry: rect(28, 0, 32, 5)}}
	must(t, b.BulkInsertRooms(floorplan.WithEffective(ctx, floorplan.Day(2021, 1, 1)), dayOne))
	check("bulk room with an effective day", b.lastChange(t, floorplan.EntityRoom, dayOne[0].ID), "insert", floorplan.Day(2021, 1, 1))
	if !dayOne[0].ValidFrom.Equal(floorplan.Day(2021, 1, 1)) {
		t.Errorf("bulk room with an effective day: ValidFrom %v, want 2021-01-01", dayOne[0].ValidFrom)
	}
	people := []floorplan.Person{{Name: "周岚", AgencyID: b.agency.ID, Rank: floorplan.RankStaff, Posts: []floorplan.Post{{Title: "兼职"}}}}
	must(t, b.BulkInsertPeople(ctx, people))
	for _, c := range func() []floorplan.Change {
		h, err := b.History(ctx, floorplan.EntityPerson, people[0].ID)
		must(t, err)
		return h
	}() {
		check("bulk "+string(c.Entity), c, "insert", floorplan.BeginningOfTime)
	}
	as := []floorplan.Assignment{{PersonID: people[0].ID, RoomID: rooms[0].ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2025, 11, 1)}}
	must(t, b.BulkInsertAssignments(floorplan.WithEffective(ctx, floorplan.Day(2025, 11, 1)), as))
	check("bulk assignment with an effective day", b.lastChange(t, floorplan.EntityAssignment, as[0].ID), "insert", floorplan.Day(2025, 11, 1))
}

// roomOf returns the room with the given id in snap, and whether it is there.
func roomOf(snap *floorplan.Snapshot, id uuid.UUID) (floorplan.Room, bool) {
	i := slices.IndexFunc(snap.Rooms, func(r floorplan.Room) bool { return r.ID == id })
	if i < 0 {
		return floorplan.Room{}, false
	}
	return snap.Rooms[i], true
}

func personOf(snap *floorplan.Snapshot, id uuid.UUID) (floorplan.Person, bool) {
	i := slices.IndexFunc(snap.People, func(p floorplan.Person) bool { return p.ID == id })
	if i < 0 {
		return floorplan.Person{}, false
	}
	return snap.People[i], true
}

func TestBitemporalSnapshot(t *testing.T) {
	b := openBitemporal(t, at(2025, 6, 1, 10))
	ctx := b.ctx
	snapshot := func(day time.Time) *floorplan.Snapshot {
		t.Helper()
		snap, err := b.Snapshot(ctx, day)
		must(t, err)
		return snap
	}
	recorded := func(day, recordedAt time.Time) *floorplan.Snapshot {
		t.Helper()
		snap, err := b.SnapshotRecorded(ctx, day, recordedAt)
		must(t, err)
		if !snap.RecordedAt.Equal(recordedAt) || !snap.AsOf.Equal(day) {
			t.Errorf("SnapshotRecorded(%v, %v): AsOf %v, RecordedAt %v", day, recordedAt, snap.AsOf, snap.RecordedAt)
		}
		return snap
	}
	area := func(snap *floorplan.Snapshot, id uuid.UUID) float64 {
		r, _ := roomOf(snap, id)
		return r.Area()
	}

	// 2025-06-01: room 301 (30 m²) is entered; a person works in it.
	corrected := b.room(t, ctx, "301", rect(0, 0, 6, 5), time.Time{})
	p := floorplan.Person{Name: "钱进", AgencyID: b.agency.ID, Rank: floorplan.RankDivision}
	must(t, b.CreatePerson(ctx, &p))

	// 2025-11-10: a room surveyed as existing since a year ago is loaded, and a new one entered.
	b.clock.set(at(2025, 11, 10, 10))
	old := b.room(t, ctx, "101", rect(10, 0, 14, 5), floorplan.Day(2024, 11, 10))
	plain := b.room(t, ctx, "102", rect(14, 0, 18, 5), time.Time{})
	lastMonth := snapshot(floorplan.Day(2025, 10, 10))
	if _, ok := roomOf(lastMonth, old.ID); !ok {
		t.Error("last month: the room loaded today with a start a year ago is missing")
	}
	if _, ok := roomOf(lastMonth, plain.ID); ok {
		t.Error("last month: the room entered today without a start is there")
	}
	if _, ok := roomOf(lastMonth, corrected.ID); !ok {
		t.Error("last month: room 301, entered in June, is missing")
	}
	if !lastMonth.FirstKnown.Equal(floorplan.Day(2024, 11, 10)) || !lastMonth.RecordedAt.IsZero() {
		t.Errorf("last month: FirstKnown %v, RecordedAt %v; want 2024-11-10 and none", lastMonth.FirstKnown, lastMonth.RecordedAt)
	}
	if n := len(snapshot(floorplan.Day(2024, 11, 9)).Rooms); n != 0 {
		t.Errorf("before the first room's start: %d rooms", n)
	}

	// A retirement dated 15 September, entered on 10 November, holds from 15 September as now known; as
	// officemap knew it in the morning of 10 November, the person was still at work.
	p.Status, p.StatusDate = floorplan.PersonRetired, floorplan.Day(2025, 9, 15)
	must(t, b.UpdatePerson(ctx, &p))
	for _, tc := range []struct {
		name string
		snap *floorplan.Snapshot
		want floorplan.PersonStatus
	}{
		{"as of 10-20", snapshot(floorplan.Day(2025, 10, 20)), floorplan.PersonRetired},
		{"as of 09-15", snapshot(floorplan.Day(2025, 9, 15)), floorplan.PersonRetired},
		{"as of 09-14", snapshot(floorplan.Day(2025, 9, 14)), floorplan.PersonActive},
		{"as of 10-20 as recorded on the morning of 11-10", recorded(floorplan.Day(2025, 10, 20), at(2025, 11, 10, 9)), floorplan.PersonActive},
		{"as of 10-20 as recorded after the entry", recorded(floorplan.Day(2025, 10, 20), at(2025, 11, 10, 11)), floorplan.PersonRetired},
	} {
		if got, ok := personOf(tc.snap, p.ID); !ok || got.Status != tc.want {
			t.Errorf("%s: the person is %q (present %v), want %q", tc.name, got.Status, ok, tc.want)
		}
	}

	// 2025-11-12: a survey finds room 301 was rebuilt smaller on 1 July.
	b.clock.set(at(2025, 11, 12, 10))
	fix := floorplan.WithReason(floorplan.WithEffective(ctx, floorplan.Day(2025, 7, 1)), "复测更正")
	corrected.Geometry = rect(0, 0, 5, 5)
	must(t, b.UpdateRoom(fix, &corrected))
	for _, tc := range []struct {
		name string
		snap *floorplan.Snapshot
		want float64
	}{
		{"as of 06-15", snapshot(floorplan.Day(2025, 6, 15)), 30},
		{"as of 07-01", snapshot(floorplan.Day(2025, 7, 1)), 25},
		{"as of 08-01", snapshot(floorplan.Day(2025, 8, 1)), 25},
		{"today", snapshot(floorplan.Day(2025, 11, 12)), 25},
		{"as of 08-01 as recorded before the correction", recorded(floorplan.Day(2025, 8, 1), at(2025, 11, 11, 0)), 30},
		{"as of 08-01 as recorded just before the correction", recorded(floorplan.Day(2025, 8, 1), at(2025, 11, 12, 10)), 30},
		{"as of 08-01 as recorded just after the correction", recorded(floorplan.Day(2025, 8, 1), at(2025, 11, 12, 10).Add(time.Millisecond)), 25},
		{"as of 06-15 as recorded after the correction", recorded(floorplan.Day(2025, 6, 15), at(2025, 11, 13, 0)), 30},
	} {
		if got := area(tc.snap, corrected.ID); got != tc.want {
			t.Errorf("%s: room 301 has %v m², want %v", tc.name, got, tc.want)
		}
	}

	// FirstKnown is the earliest day of a room as recorded then.
	for _, tc := range []struct {
		recordedAt time.Time
		want       time.Time
		rooms      int
	}{
		{at(2025, 5, 1, 0), time.Time{}, 0},
		{at(2025, 11, 10, 9), floorplan.Day(2025, 6, 1), 1},
		{at(2025, 11, 10, 11), floorplan.Day(2024, 11, 10), 3},
	} {
		snap := recorded(floorplan.Day(2025, 11, 10), tc.recordedAt)
		if !snap.FirstKnown.Equal(tc.want) || len(snap.Rooms) != tc.rooms {
			t.Errorf("as recorded at %v: FirstKnown %v and %d rooms, want %v and %d", tc.recordedAt, snap.FirstKnown, len(snap.Rooms), tc.want, tc.rooms)
		}
	}

	// A change effective in the future is not in today's snapshot; a deletion holds from today.
	old.Name = "新名称"
	must(t, b.UpdateRoom(floorplan.WithEffective(ctx, floorplan.Day(2025, 12, 1)), &old))
	must(t, b.DeleteRoom(ctx, plain.ID, plain.Version))
	today := snapshot(at(2025, 11, 12, 18))
	if r, ok := roomOf(today, old.ID); !ok || r.Name != "" {
		t.Errorf("today: room 101 is %+v (present %v), want it without the name it gets on 12-01", r, ok)
	}
	if _, ok := roomOf(today, plain.ID); ok {
		t.Error("today: the room deleted today is there")
	}
	if _, ok := roomOf(snapshot(floorplan.Day(2025, 11, 11)), plain.ID); !ok {
		t.Error("yesterday: the room deleted today is missing")
	}
	if r, ok := roomOf(snapshot(floorplan.Day(2025, 12, 1)), old.ID); !ok || r.Name != "新名称" || !r.ValidFrom.Equal(floorplan.Day(2024, 11, 10)) {
		t.Errorf("as of 12-01: room 101 is %+v, want its new name and its start 2024-11-10", r)
	}
	if got := area(today, corrected.ID); got != 25 || len(today.Rooms) != 2 {
		t.Errorf("today: %d rooms, room 301 %v m²; want 2 rooms and 25 m²", len(today.Rooms), got)
	}
}
