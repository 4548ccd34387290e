package postgis_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/storetest"
)

// roomsByID indexes a snapshot's rooms.
func roomsByID(snap *floorplan.Snapshot) map[uuid.UUID]floorplan.Room {
	m := make(map[uuid.UUID]floorplan.Room, len(snap.Rooms))
	for _, r := range snap.Rooms {
		m[r.ID] = r
	}
	return m
}

// serverNow is the database's clock, which stamps the history.
func serverNow(t *testing.T, f *fixture) time.Time {
	t.Helper()
	var now time.Time
	must(t, adminPool(t).QueryRow(f.ctx, `SELECT clock_timestamp()`).Scan(&now))
	return now
}

// pause makes sure the next write's transaction starts strictly later.
func pause() { time.Sleep(20 * time.Millisecond) }

func TestSnapshotRebuildsThePast(t *testing.T) {
	s, f := openFixture(t)
	ctx := f.ctx

	changed := f.room(t, 0, "501", rect(0, 0, 4, 6))
	deleted := f.room(t, 0, "502", rect(4, 0, 8, 6))
	same := f.room(t, 0, "503", rect(8, 0, 12, 6))
	p := f.person(t, "张强", floorplan.RankDivision)
	a := floorplan.Assignment{PersonID: p.ID, RoomID: changed.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2024, 1, 1)}
	must(t, s.CreateAssignment(ctx, &a))
	pause()
	cutoff := serverNow(t, f)
	pause()
	orig501, origP, origA := changed, p, a

	sc := &storetest.PastScenario{Changed: changed, Deleted: deleted, Same: same, Added: f.newRoom(0, "504", rect(12, 0, 16, 6)),
		Person: p, Assignment: a, FirstAgency: f.agencies[0].ID, SecondAgency: f.agencies[1].ID}
	sc.Change(t, ctx, s)
	added := sc.Added

	day := floorplan.DayOf(cutoff)
	past, err := s.SnapshotRecorded(ctx, day, cutoff)
	must(t, err)
	sc.CheckBefore(t, "past snapshot", past)
	rooms := roomsByID(past)
	if i := slices.IndexFunc(past.Assignments, func(q floorplan.Assignment) bool { return q.ID == a.ID }); i < 0 ||
		!past.Assignments[i].End.IsZero() {
		t.Errorf("past snapshot: assignment is not the old one")
	}
	// Rows rebuilt from history images are exactly what was written.
	if !equalJSON(t, rooms[changed.ID], orig501) {
		t.Errorf("rebuilt room 501 differs from what was written")
	}
	if i := slices.IndexFunc(past.People, func(q floorplan.Person) bool { return q.ID == p.ID }); i < 0 || !equalJSON(t, past.People[i], origP) {
		t.Errorf("rebuilt person differs from what was written")
	}
	if i := slices.IndexFunc(past.Assignments, func(q floorplan.Assignment) bool { return q.ID == a.ID }); i < 0 || !equalJSON(t, past.Assignments[i], origA) {
		t.Errorf("rebuilt assignment differs from what was written")
	}

	live, err := s.Snapshot(ctx, s.Today())
	must(t, err)
	rooms = roomsByID(live)
	if r := rooms[changed.ID]; r.Area() != 18 || r.AgencyID != f.agencies[1].ID {
		t.Errorf("live snapshot: room 501 = %+v, want the new geometry and agency", r)
	}
	if _, ok := rooms[deleted.ID]; ok {
		t.Error("live snapshot: deleted room 502 is present")
	}
	if _, ok := rooms[added.ID]; !ok {
		t.Error("live snapshot: room 504 is missing")
	}

	// The rebuild with a cutoff after every write is the live register.
	rebuilt, err := s.SnapshotRecorded(ctx, s.Today(), time.Now().Add(time.Hour))
	must(t, err)
	sameSnapshot(t, rebuilt, live)
}

// sameSnapshot compares two snapshots regardless of order.
func sameSnapshot(t *testing.T, got, want *floorplan.Snapshot) {
	t.Helper()
	sortSnapshot(got)
	sortSnapshot(want)
	check := func(name string, a, b any) {
		if !equalJSON(t, a, b) {
			t.Errorf("%s differ", name)
		}
	}
	check("buildings", got.Buildings, want.Buildings)
	check("floors", got.Floors, want.Floors)
	check("rooms", got.Rooms, want.Rooms)
	check("agencies", got.Agencies, want.Agencies)
	check("people", got.People, want.People)
	check("assignments", got.Assignments, want.Assignments)
	check("standard rows", got.StandardRows, want.StandardRows)
}

func sortSnapshot(s *floorplan.Snapshot) {
	byID := func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }
	slices.SortFunc(s.Buildings, func(a, b floorplan.Building) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Floors, func(a, b floorplan.Floor) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Rooms, func(a, b floorplan.Room) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Agencies, func(a, b floorplan.Agency) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.People, func(a, b floorplan.Person) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.Assignments, func(a, b floorplan.Assignment) int { return byID(a.ID, b.ID) })
	slices.SortFunc(s.StandardRows, func(a, b floorplan.StandardRow) int {
		return cmp.Or(cmp.Compare(a.Scale, b.Scale), cmp.Compare(a.Rank, b.Rank), a.Effective.Compare(b.Effective))
	})
}

// TestSnapshotPastDay goes through Snapshot itself: the history of this test's rows is moved two days
// back (as the superuser, with triggers off for the session, as if the rows had been written then),
// then the rows change today.
func TestSnapshotPastDay(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	s := openStore(t, postgis.WithLocation(loc))
	f := newFixture(t, s)
	ctx := f.ctx
	r := f.room(t, 1, "601", rect(0, 0, 5, 6))
	gone := f.room(t, 1, "602", rect(5, 0, 10, 6))
	jurisdiction := "测试市" + t.Name()
	for _, year := range []int{2020, 2030} {
		must(t, s.PutStandardRow(ctx, floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: floorplan.RankStaff,
			Title: "局(处)级以下", AreaM2: 8, Effective: floorplan.Day(year, 1, 1), Jurisdiction: jurisdiction,
			Source: "测试"}))
	}

	ids := []uuid.UUID{r.ID, gone.ID, f.site.ID, f.building.ID, f.agencies[0].ID, f.agencies[1].ID}
	for _, fl := range f.floors {
		ids = append(ids, fl.ID)
	}
	rows, err := adminPool(t).Query(ctx, `SELECT id FROM standard_rows WHERE jurisdiction = $1`, jurisdiction)
	must(t, err)
	for rows.Next() {
		var id uuid.UUID
		must(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	rows.Close()
	backdate(t, ids, 2*24*time.Hour)

	r.Geometry = rect(0, 0, 4, 6)
	must(t, s.UpdateRoom(ctx, &r))
	must(t, s.DeleteRoom(ctx, gone.ID, gone.Version))

	yesterday := s.Today().AddDate(0, 0, -1)
	snap, err := s.Snapshot(ctx, yesterday)
	must(t, err)
	if !snap.AsOf.Equal(yesterday) {
		t.Errorf("AsOf %v, want %v", snap.AsOf, yesterday)
	}
	rooms := roomsByID(snap)
	if got := rooms[r.ID]; got.Area() != 30 {
		t.Errorf("yesterday room 601 has %v m², want 30", got.Area())
	}
	if _, ok := rooms[gone.ID]; !ok {
		t.Error("yesterday room 602 (deleted today) is missing")
	}
	var inForce []int
	for _, row := range snap.StandardRows {
		if row.Jurisdiction == jurisdiction {
			inForce = append(inForce, row.Effective.Year())
		}
	}
	if len(inForce) != 1 || inForce[0] != 2020 {
		t.Errorf("yesterday's local rows in force: effective %v, want only the 2020 row", inForce)
	}
	threeDaysAgo, err := s.Snapshot(ctx, s.Today().AddDate(0, 0, -3))
	must(t, err)
	if _, ok := roomsByID(threeDaysAgo)[r.ID]; ok {
		t.Error("room 601 is present before it was created")
	}
	today, err := s.Snapshot(ctx, s.Today())
	must(t, err)
	if got := roomsByID(today)[r.ID]; got.Area() != 24 {
		t.Errorf("today room 601 has %v m², want 24", got.Area())
	}
}

// backdate moves the history of the given rows back by d.
func backdate(t *testing.T, ids []uuid.UUID, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	conn, err := adminPool(t).Acquire(ctx)
	must(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET session_replication_role = replica`)
	must(t, err)
	defer conn.Exec(ctx, `SET session_replication_role = origin`) //nolint:errcheck
	// Effective days that were the day of writing move back with it (the store's zone is CST).
	_, err = conn.Exec(ctx, `UPDATE history SET at = at - $2::interval,
       effective = CASE WHEN effective = (at AT TIME ZONE 'UTC' + interval '8 hours')::date
                        THEN ((at - $2::interval) AT TIME ZONE 'UTC' + interval '8 hours')::date ELSE effective END
 WHERE entity_id = ANY($1)`, ids, d)
	must(t, err)
}
