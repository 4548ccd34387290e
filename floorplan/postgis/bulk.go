package postgis

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"officemap/floorplan"
	"officemap/geo"
)

// Bulk loading for synthetic data and imports. Each method writes many new records with one COPY per
// table into the real tables, in one transaction (or in a savepoint inside InTx), and keeps every rule of
// the Create methods:
//
//   - live references are locked first (floors and buildings FOR KEY SHARE, agencies, people and rooms
//     likewise), so that nothing the batch refers to can go away before it commits;
//   - validity (floorplan.Check*), the CHECK constraints, the foreign keys and unique keys run as for any
//     INSERT: COPY fires them all (the references of rooms, people and assignments once per statement,
//     migrations/0034_reference_checks.sql);
//   - the history triggers run as for an INSERT (once per statement since migrations/0014_bulk_load.sql,
//     the image of the row as inserted read where it is kept since 0032_insert_images.sql), so every
//     record gets its history row with the actor, effective day and reason of ctx; versions start
//     at 1, and the register's revision is bumped once by the transaction (write);
//   - overlaps of rooms are checked in Go, per floor, before the COPY and in its transaction (see
//     BulkInsertRooms and migrations/0014_bulk_load.sql), instead of by the trigger row by row.

// pgUUID is a non-null uuid parameter.
func pgUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: true} }

// arrayID is an element of a uuid[] parameter or a COPY column: NULL for uuid.Nil.
func arrayID(id uuid.UUID) pgtype.UUID {
	return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil}
}

// arrayDate is a date parameter or COPY column: NULL for the zero time.
func arrayDate(t time.Time) pgtype.Date {
	return pgtype.Date{Time: t, Valid: !t.IsZero()}
}

// createdOr is a record's own creation instant, or the transaction's (now) when it has none, as the
// column's default now() would give it.
func createdOr(own, now time.Time) time.Time {
	if own.IsZero() {
		return now
	}
	return own
}

// copyRows runs one COPY of n rows into table's columns, row(i) giving the values of row i as they are
// needed, so that a batch is never held twice in memory.
func copyRows(ctx context.Context, tx pgx.Tx, table string, columns []string, n int, row func(i int) ([]any, error)) error {
	i := 0
	_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		return row(i - 1)
	}))
	return err
}

// txNowSQL is the transaction's now(): the creation instant of the rows it writes without one of their own.
const txNowSQL = `SELECT now()`

const (
	lockFloorFramesSQL = `
SELECT f.id, b.origin_lon, b.origin_lat, b.rotation_deg, b.scale
  FROM floors f JOIN buildings b ON b.id = f.building_id
 WHERE f.id = ANY($1) AND f.deleted_at IS NULL AND b.deleted_at IS NULL
   FOR KEY SHARE OF f FOR SHARE OF b`
	lockAgenciesShareSQL = `SELECT id FROM agencies WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`
	lockPeopleShareSQL   = `SELECT id FROM people WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`
	lockRoomsShareSQL    = `SELECT id FROM rooms WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`

	// lockFloorsAdvisorySQL takes, in the order given, the advisory lock of each floor ($1) that
	// rooms_no_overlap takes before it looks for a floor's rooms (migrations/0012_deferrable_overlap.sql):
	// from then to the commit no other transaction can add a room to these floors, or change one, and
	// have it checked against a state without this batch's rooms.
	lockFloorsAdvisorySQL = `
SELECT count(pg_advisory_xact_lock(hashtext('officemap.floor'), hashtext(f::text))) FROM unnest($1::uuid[]) AS f`
	// floorsLiveRoomsSQL lists the live rooms of floors ($1) with their local geometry.
	floorsLiveRoomsSQL = `
SELECT r.id, r.floor_id, r.number, ST_AsEWKB(r.geom) FROM rooms r WHERE r.floor_id = ANY($1) AND r.deleted_at IS NULL`
	// overlapCheckedSQL sets, for the rest of the transaction at most, whether the rows written next have been
	// checked for overlaps already ($1 'on') or not ($1 ''): rooms_no_overlap skips the rows written while it is
	// 'on' (migrations/0014_bulk_load.sql).
	overlapCheckedSQL = `SELECT set_config('officemap.overlap_checked', $1, true)`
)

// copyAgencyColumns are the columns of agencies that BulkInsertAgencies copies; the others take their defaults
// (version 1, no deleted_at, created_at now()).
var copyAgencyColumns = []string{"id", "name", "short_name", "level", "scale", "parent_id", "headcount",
	"approved_area_m2", "status", "status_date", "successor_id", "jurisdiction_id", "code"}

const (
	// lockJurisdictionsShareSQL locks live jurisdictions ($1 ids) as lockJurisdictionShareSQL locks one.
	lockJurisdictionsShareSQL = `SELECT id FROM jurisdictions WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`
	// agencyCodesTakenSQL lists the codes among $1 that a live agency has.
	agencyCodesTakenSQL = `SELECT code FROM agencies WHERE code = ANY($1) AND deleted_at IS NULL ORDER BY code LIMIT 1`
)

// BulkInsertAgencies adds many new agencies (IDs assigned where uuid.Nil; ID and Version filled in place)
// all-or-nothing, with the same rules as CreateAgency one after the other: each agency checked
// (floorplan.CheckAgency), its parent and successor live agencies — in the database, or of the batch before
// it — and its jurisdiction live, all locked; its code, when it has one, used by no live agency and by no other
// of the batch. They go in with one COPY (the database's keys, checks and history trigger run for every row).
func (s *Store) BulkInsertAgencies(ctx context.Context, agencies []floorplan.Agency) error {
	if len(agencies) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(agencies))
	batch := make(map[uuid.UUID]bool, len(agencies))
	codes := make(map[string]bool)
	var parents, successors, jurisdictions []uuid.UUID
	for i := range agencies {
		a := &agencies[i]
		if err := floorplan.CheckAgency(ctx, a); err != nil {
			return err
		}
		if a.Code != "" {
			if codes[a.Code] {
				return floorplan.KeyTakenError("agency", "code", a.Code)
			}
			codes[a.Code] = true
		}
		if a.ParentID != uuid.Nil && !batch[a.ParentID] {
			parents = append(parents, a.ParentID)
		}
		if a.SuccessorID != uuid.Nil && !batch[a.SuccessorID] {
			successors = append(successors, a.SuccessorID)
		}
		if a.JurisdictionID != uuid.Nil {
			jurisdictions = append(jurisdictions, a.JurisdictionID)
		}
		ids[i] = newID(a.ID)
		batch[ids[i]] = true
	}
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		for _, refs := range []struct {
			sql, what string
			ids       []uuid.UUID
		}{
			{lockAgenciesShareSQL, "parent agency", parents},
			{lockJurisdictionsShareSQL, "jurisdiction", jurisdictions},
			{lockAgenciesShareSQL, "successor agency", successors},
		} {
			if err := lockAll(ctx, tx, refs.sql, refs.ids, refs.what); err != nil {
				return err
			}
		}
		if len(codes) > 0 {
			var taken string
			err := tx.QueryRow(ctx, agencyCodesTakenSQL, slices.Collect(maps.Keys(codes))).Scan(&taken)
			switch {
			case err == nil:
				return floorplan.KeyTakenError("agency", "code", taken)
			case !errors.Is(err, pgx.ErrNoRows):
				return err
			}
		}
		return copyRows(ctx, tx, "agencies", copyAgencyColumns, len(agencies), func(i int) ([]any, error) {
			a := &agencies[i]
			return []any{pgUUID(ids[i]), a.Name, a.ShortName, string(a.Level), string(a.Scale), arrayID(a.ParentID),
				a.Headcount, a.ApprovedAreaM2, string(a.Status), nullDate(a.StatusDate), arrayID(a.SuccessorID),
				arrayID(a.JurisdictionID), a.Code}, nil
		})
	})
	if err != nil {
		return err
	}
	for i := range agencies {
		agencies[i].ID, agencies[i].Version = ids[i], 1
	}
	return nil
}

// copyBuildingColumns are the columns of buildings that BulkInsertBuildings copies; the others take their
// defaults (version 1, no deleted_at, created_at now()).
var copyBuildingColumns = []string{"id", "site_id", "name", "address", "footprint", "footprint_ll", "origin_lon",
	"origin_lat", "rotation_deg", "scale", "source_id", "valid_from", "lang", "category"}

// lockSitesShareSQL locks live sites ($1 ids) as lockSiteShareSQL locks one.
const lockSitesShareSQL = `SELECT id FROM sites WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`

// BulkInsertBuildings adds many new buildings (IDs assigned where uuid.Nil; ID, ValidFrom and Version filled in
// place) all-or-nothing, with the same rules as CreateBuilding: each building checked (floorplan.CheckBuilding
// and the deployment's classification), its site live and locked, its lon/lat footprint derived from its
// georeference, and the database's constraints and history trigger run for every row of the one COPY.
func (s *Store) BulkInsertBuildings(ctx context.Context, buildings []floorplan.Building) error {
	if len(buildings) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(buildings))
	sites := make([]uuid.UUID, len(buildings))
	validFrom := make([]time.Time, len(buildings))
	for i := range buildings {
		b := &buildings[i]
		if err := floorplan.CheckBuilding(ctx, b); err != nil {
			return err
		}
		if err := s.classification.CheckBuilding(*b); err != nil {
			return err
		}
		ids[i], sites[i], validFrom[i] = newID(b.ID), b.SiteID, s.validFrom(ctx, b.ValidFrom)
	}
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		if err := lockAll(ctx, tx, lockSitesShareSQL, sites, "site"); err != nil {
			return err
		}
		return copyRows(ctx, tx, "buildings", copyBuildingColumns, len(buildings), func(i int) ([]any, error) {
			b := &buildings[i]
			local, ll, err := derived(b.Footprint, b.Georef.Frame())
			if err != nil {
				return nil, err
			}
			return []any{pgUUID(ids[i]), pgUUID(b.SiteID), b.Name, b.Address, local, ll, b.Georef.Origin[0],
				b.Georef.Origin[1], b.Georef.RotationDeg, b.Georef.Scale, b.SourceID, nullDate(validFrom[i]), b.Lang,
				b.Category}, nil
		})
	})
	if err != nil {
		return err
	}
	for i := range buildings {
		buildings[i].ID, buildings[i].ValidFrom, buildings[i].Version = ids[i], validFrom[i], 1
	}
	return nil
}

// copyFloorColumns are the columns of floors that BulkInsertFloors copies; the others take their defaults
// (version 1, no deleted_at).
var copyFloorColumns = []string{"id", "building_id", "ordinal", "name", "elevation", "outline", "outline_ll", "source_id",
	"openings", "openings_ll"}

// lockBuildingFramesSQL returns the georeferences of live buildings ($1), locked as lockBuildingFrameSQL
// locks one.
const lockBuildingFramesSQL = `
SELECT id, origin_lon, origin_lat, rotation_deg, scale FROM buildings
 WHERE id = ANY($1) AND deleted_at IS NULL FOR SHARE`

// BulkInsertFloors adds many new floors (IDs assigned where uuid.Nil; ID and Version filled in place)
// all-or-nothing, with the same rules as CreateFloor: each floor checked (floorplan.CheckFloor), its
// building live and locked (FOR SHARE, as CreateFloor locks it) while its lon/lat outline is derived, and the
// database's constraints (one name an ordinal in a building) and history trigger run for every row of the
// one COPY.
func (s *Store) BulkInsertFloors(ctx context.Context, floors []floorplan.Floor) error {
	if len(floors) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(floors))
	buildings := make([]uuid.UUID, len(floors))
	for i := range floors {
		if err := floorplan.CheckFloor(ctx, &floors[i]); err != nil {
			return err
		}
		ids[i], buildings[i] = newID(floors[i].ID), floors[i].BuildingID
	}
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		frames, err := lockFrames(ctx, tx, lockBuildingFramesSQL, buildings, "building")
		if err != nil {
			return err
		}
		return copyRows(ctx, tx, "floors", copyFloorColumns, len(floors), func(i int) ([]any, error) {
			f := &floors[i]
			g, err := floorGeometry(f, frames[f.BuildingID])
			if err != nil {
				return nil, err
			}
			return []any{pgUUID(ids[i]), pgUUID(f.BuildingID), f.Ordinal, f.Name, f.Elevation, g.outline, g.outlineLL,
				f.SourceID, g.openings, g.openingsLL}, nil
		})
	})
	if err != nil {
		return err
	}
	for i := range floors {
		floors[i].ID, floors[i].Version = ids[i], 1
	}
	return nil
}

// copyRoomColumns are the columns of rooms that BulkInsertRooms copies; the others take their defaults (version
// 1, no deleted_at) or are generated (area_m2).
var copyRoomColumns = []string{"id", "floor_id", "number", "name", "usage", "agency_id", "state", "idle_since", "geom",
	"geom_ll", "source_id", "created_at", "valid_from", "source_category", "recorded_area_m2"}

// BulkInsertRooms adds many new rooms (IDs assigned where uuid.Nil; ID, Version and CreatedAt filled in
// place) all-or-nothing, with the same rules as CreateRoom: an overlap with a live room or with another
// room of the batch fails the whole batch with an *floorplan.OverlapError naming the later room of the pair
// (RoomID, its assigned ID) and the other (OtherID, OtherNumber), and nothing is written.
//
// The rooms go in with one COPY. Their overlap check is done here, in Go, before the COPY and in its
// transaction, instead of by the trigger rooms_no_overlap one row at a time (which took most of the ten
// minutes a million rooms took): the floors' advisory locks first (the trigger's), so that from then to the
// commit no writer can put a room on them; then the floors' live rooms; then every new room against those
// and the batch's rooms before it (floorplan.FloorRooms). Only then is the COPY run, with
// officemap.overlap_checked 'on' for that one statement, which makes the trigger skip its rows; every other
// write, this transaction's included, is checked by the database as before.
func (s *Store) BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error {
	if len(rooms) == 0 {
		return nil
	}
	if err := floorplan.CheckRooms(ctx, rooms); err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(rooms))
	for i := range rooms {
		ids[i] = newID(rooms[i].ID)
		rooms[i].ValidFrom = s.validFrom(ctx, rooms[i].ValidFrom)
	}
	var now time.Time
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		frames, err := lockFloorFrames(ctx, tx, rooms)
		if err != nil {
			return err
		}
		var agencies []uuid.UUID
		for _, r := range rooms {
			if r.AgencyID != uuid.Nil {
				agencies = append(agencies, r.AgencyID)
			}
		}
		if err := lockAll(ctx, tx, lockAgenciesShareSQL, agencies, "agency"); err != nil {
			return err
		}
		if err := checkBulkOverlaps(ctx, tx, rooms, ids); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, txNowSQL).Scan(&now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, overlapCheckedSQL, "on"); err != nil {
			return err
		}
		err = copyRows(ctx, tx, "rooms", copyRoomColumns, len(rooms), func(i int) ([]any, error) {
			r := &rooms[i]
			local, ll, err := derived(r.Geometry, frames[r.FloorID])
			if err != nil {
				return nil, err
			}
			return []any{pgUUID(ids[i]), pgUUID(r.FloorID), r.Number, r.Name, string(r.Usage), arrayID(r.AgencyID),
				string(r.State), arrayDate(r.IdleSince), local, ll, r.SourceID, createdOr(r.CreatedAt, now),
				arrayDate(r.ValidFrom), r.SourceCategory,
				pgtype.Float8{Float64: r.RecordedAreaM2, Valid: r.RecordedAreaM2 != 0}}, nil
		})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, overlapCheckedSQL, "")
		return err
	})
	if err != nil {
		return err
	}
	for i := range rooms {
		rooms[i].ID, rooms[i].Version, rooms[i].DeletedAt = ids[i], 1, time.Time{}
		rooms[i].CreatedAt = createdOr(rooms[i].CreatedAt, now).In(s.loc)
	}
	return nil
}

// checkBulkOverlaps checks new rooms (with their ids) for overlaps, floor by floor, against the live rooms of
// their floors and the rooms before them in the batch, after it has taken the floors' advisory locks
// (lockFloorsAdvisorySQL). The first room that overlaps fails the check with the *floorplan.OverlapError of
// the trigger: RoomID the room, OtherID and OtherNumber the room it overlaps (the first by number).
func checkBulkOverlaps(ctx context.Context, tx pgx.Tx, rooms []floorplan.Room, ids []uuid.UUID) error {
	onFloor := map[uuid.UUID]*floorplan.FloorRooms{}
	var floors []uuid.UUID
	for _, r := range rooms {
		if onFloor[r.FloorID] == nil {
			onFloor[r.FloorID] = &floorplan.FloorRooms{}
			floors = append(floors, r.FloorID)
		}
	}
	// One order for every bulk load, so that two of them cannot deadlock on each other's floors.
	slices.SortFunc(floors, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	if _, err := tx.Exec(ctx, lockFloorsAdvisorySQL, uuidArray(floors)); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, floorsLiveRoomsSQL, uuidArray(floors))
	if err != nil {
		return err
	}
	for rows.Next() {
		var (
			id, floor uuid.UUID
			number    string
			blob      []byte
		)
		if err := rows.Scan(uuidDst(&id), uuidDst(&floor), &number, &blob); err != nil {
			rows.Close()
			return err
		}
		g, err := decodePolygon(blob)
		if err != nil {
			rows.Close()
			return err
		}
		onFloor[floor].Add(id, number, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, r := range rooms {
		f := onFloor[r.FloorID]
		if err := f.Check(ids[i], r.Number, r.Geometry); err != nil {
			return err
		}
		f.Add(ids[i], r.Number, r.Geometry)
	}
	return nil
}

// lockFloorFrames returns the frames of the rooms' floors, locked as lockFloorFramesSQL says.
func lockFloorFrames(ctx context.Context, tx pgx.Tx, rooms []floorplan.Room) (map[uuid.UUID]*geo.Frame, error) {
	floors := make([]uuid.UUID, len(rooms))
	for i, r := range rooms {
		floors[i] = r.FloorID
	}
	return lockFrames(ctx, tx, lockFloorFramesSQL, floors, "floor")
}

// lockFrames returns the frames that lockSQL ($1 the distinct ids, in order) reads and locks, by id (a
// floor's or a building's: the frame of its building); an id it does not return is an unknown what.
func lockFrames(ctx context.Context, tx pgx.Tx, lockSQL string, ids []uuid.UUID, what string) (map[uuid.UUID]*geo.Frame, error) {
	distinct := distinctIDs(ids)
	rows, err := tx.Query(ctx, lockSQL, uuidArray(distinct))
	if err != nil {
		return nil, err
	}
	frames := make(map[uuid.UUID]*geo.Frame, len(distinct))
	for rows.Next() {
		var (
			id uuid.UUID
			g  geo.Georef
		)
		if err := rows.Scan(append([]any{uuidDst(&id)}, georefDst(&g)...)...); err != nil {
			rows.Close()
			return nil, err
		}
		frames[id] = g.Frame()
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range distinct {
		if frames[id] == nil {
			return nil, newError(floorplan.ErrInvalid, nil, "unknown %s %s", what, id)
		}
	}
	return frames, nil
}

// distinctIDs is each of ids once, in byte order: the one order in which bulk loads lock rows, so that two
// cannot deadlock on each other's.
func distinctIDs(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

// lockAll locks live rows by id with lockSQL($1 ids) and fails if one is missing.
func lockAll(ctx context.Context, tx pgx.Tx, lockSQL string, ids []uuid.UUID, what string) error {
	if len(ids) == 0 {
		return nil
	}
	// Each id once: a batch names an agency once a room, and = ANY of a parameter tests its elements one by
	// one (the 20 000 agencies of a batch against 3 255 rows: 240 ms a lock at 1M rooms).
	rows, err := tx.Query(ctx, lockSQL, uuidArray(distinctIDs(ids)))
	if err != nil {
		return err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return err
	}
	have := make(map[uuid.UUID]bool, len(found))
	for _, id := range found {
		have[id] = true
	}
	for _, id := range ids {
		if !have[id] {
			return newError(floorplan.ErrInvalid, nil, "unknown %s %s", what, id)
		}
	}
	return nil
}

// Columns that BulkInsertPeople copies into people and posts, and BulkInsertAssignments into assignments;
// the others take their defaults (version 1, no deleted_at; a post's created_at now()).
var (
	copyPersonColumns     = []string{"id", "name", "agency_id", "rank", "title", "status", "status_date", "created_at", "staff_no"}
	copyPostColumns       = []string{"id", "person_id", "title", "agency_id", "start_date", "end_date"}
	copyAssignmentColumns = []string{"id", "person_id", "room_id", "kind", "post_id", "approval_ref", "start_date", "end_date"}
)

// BulkInsertPeople adds many new people with their posts all-or-nothing (IDs assigned where uuid.Nil;
// ID, Version, CreatedAt and post IDs filled in place).
func (s *Store) BulkInsertPeople(ctx context.Context, people []floorplan.Person) error {
	if len(people) == 0 {
		return nil
	}
	if err := floorplan.CheckPeople(ctx, people); err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(people))
	postIDs := make([][]uuid.UUID, len(people))
	var agencies []uuid.UUID
	for i := range people {
		p := &people[i]
		ids[i] = newID(p.ID)
		if p.AgencyID != uuid.Nil {
			agencies = append(agencies, p.AgencyID)
		}
		postIDs[i] = make([]uuid.UUID, len(p.Posts))
		for j, post := range p.Posts {
			postIDs[i][j] = newID(post.ID)
			if post.AgencyID != uuid.Nil {
				agencies = append(agencies, post.AgencyID)
			}
		}
	}
	var now time.Time
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		if err := lockAll(ctx, tx, lockAgenciesShareSQL, agencies, "agency"); err != nil {
			return err
		}
		if err := checkStaffNos(ctx, tx, people, ids); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, txNowSQL).Scan(&now); err != nil {
			return err
		}
		return copyPeople(ctx, tx, people, ids, postIDs, now)
	})
	if err != nil {
		return err
	}
	for i := range people {
		people[i].ID, people[i].Version, people[i].DeletedAt = ids[i], 1, time.Time{}
		people[i].CreatedAt = createdOr(people[i].CreatedAt, now).In(s.loc)
		posts := floorplan.ClonePosts(people[i].Posts)
		for j := range posts {
			posts[j].ID = postIDs[i][j]
		}
		people[i].Posts = posts
	}
	return nil
}

// copyPeople copies people (with their ids) into people, then their posts (with postIDs) into posts.
func copyPeople(ctx context.Context, tx pgx.Tx, people []floorplan.Person, ids []uuid.UUID, postIDs [][]uuid.UUID,
	now time.Time) error {
	err := copyRows(ctx, tx, "people", copyPersonColumns, len(people), func(i int) ([]any, error) {
		p := &people[i]
		return []any{pgUUID(ids[i]), p.Name, arrayID(p.AgencyID), string(p.Rank), p.Title, string(p.Status),
			arrayDate(p.StatusDate), createdOr(p.CreatedAt, now), p.StaffNo}, nil
	})
	if err != nil {
		return err
	}
	type ref struct{ person, post int }
	var posts []ref
	for i, p := range people {
		for j := range p.Posts {
			posts = append(posts, ref{i, j})
		}
	}
	if len(posts) == 0 {
		return nil
	}
	return copyRows(ctx, tx, "posts", copyPostColumns, len(posts), func(k int) ([]any, error) {
		i, j := posts[k].person, posts[k].post
		post := &people[i].Posts[j]
		return []any{pgUUID(postIDs[i][j]), pgUUID(ids[i]), post.Title, arrayID(post.AgencyID), arrayDate(post.Start),
			arrayDate(post.End)}, nil
	})
}

const (
	// foreignPostsSQL counts the (post, person) pairs whose post is not a live post of the person.
	foreignPostsSQL = `
SELECT count(*) FROM unnest($1::uuid[], $2::uuid[]) AS u(post_id, person_id)
 WHERE NOT EXISTS (SELECT 1 FROM posts o WHERE o.id = u.post_id AND o.person_id = u.person_id AND o.deleted_at IS NULL)`
)

// BulkInsertAssignments adds many new assignments all-or-nothing (IDs assigned where uuid.Nil; ID and
// Version filled in place).
func (s *Store) BulkInsertAssignments(ctx context.Context, as []floorplan.Assignment) error {
	if len(as) == 0 {
		return nil
	}
	if err := floorplan.CheckAssignments(ctx, as); err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(as))
	var people, rooms, postPosts, postPeople []uuid.UUID
	for i := range as {
		a := &as[i]
		ids[i] = newID(a.ID)
		people, rooms = append(people, a.PersonID), append(rooms, a.RoomID)
		if a.PostID != uuid.Nil {
			postPosts, postPeople = append(postPosts, a.PostID), append(postPeople, a.PersonID)
		}
	}
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		if err := lockAll(ctx, tx, lockPeopleShareSQL, people, "person"); err != nil {
			return err
		}
		if err := lockAll(ctx, tx, lockRoomsShareSQL, rooms, "room"); err != nil {
			return err
		}
		if len(postPosts) > 0 {
			var n int64
			if err := tx.QueryRow(ctx, foreignPostsSQL, uuidArray(postPosts), uuidArray(postPeople)).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return floorplan.Invalidf("%d assignment(s) name a post that is not the person's", n)
			}
		}
		return copyRows(ctx, tx, "assignments", copyAssignmentColumns, len(as), func(i int) ([]any, error) {
			a := &as[i]
			return []any{pgUUID(ids[i]), pgUUID(a.PersonID), pgUUID(a.RoomID), string(a.Kind), arrayID(a.PostID),
				a.ApprovalRef, arrayDate(a.Start), arrayDate(a.End)}, nil
		})
	})
	if err != nil {
		return err
	}
	for i := range as {
		as[i].ID, as[i].Version, as[i].DeletedAt = ids[i], 1, time.Time{}
	}
	return nil
}
