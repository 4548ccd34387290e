package postgis

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// Bulk loading for synthetic data and imports. Each method inserts many new records with a few
// statements (rows passed as arrays and unnested), in one transaction (or in a savepoint inside InTx), and
// still goes through every rule of the database: the overlap trigger (which, run per row, sees the rows
// inserted before it by the same statement), validity checks, and the history triggers.

// bulkChunk is how many rows one INSERT carries.
const bulkChunk = 2000

// inChunks calls fn for each chunk [start, end) of n rows, in order, up to the first error.
func inChunks(n int, fn func(start, end int) error) error {
	for start := 0; start < n; start += bulkChunk {
		if err := fn(start, min(start+bulkChunk, n)); err != nil {
			return err
		}
	}
	return nil
}

// arrayID is an element of a uuid[] parameter: NULL for uuid.Nil.
func arrayID(id uuid.UUID) pgtype.UUID {
	return pgtype.UUID{Bytes: id, Valid: id != uuid.Nil}
}

// arrayDate is an element of a date[] parameter: NULL for the zero time.
func arrayDate(t time.Time) pgtype.Date {
	return pgtype.Date{Time: t, Valid: !t.IsZero()}
}

// arrayTime is an element of a timestamptz[] parameter: NULL for the zero time.
func arrayTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

const (
	lockFloorFramesSQL = `
SELECT f.id, b.origin_lon, b.origin_lat, b.rotation_deg, b.scale
  FROM floors f JOIN buildings b ON b.id = f.building_id
 WHERE f.id = ANY($1) AND f.deleted_at IS NULL AND b.deleted_at IS NULL
   FOR KEY SHARE OF f FOR SHARE OF b`
	lockAgenciesShareSQL = `SELECT id FROM agencies WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`
	lockPeopleShareSQL   = `SELECT id FROM people WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`
	lockRoomsShareSQL    = `SELECT id FROM rooms WHERE id = ANY($1) AND deleted_at IS NULL FOR KEY SHARE`

	bulkRoomsSQL = `
INSERT INTO rooms (id, floor_id, number, name, usage, agency_id, state, idle_since, geom, geom_ll, source_id,
                   created_at, valid_from, source_category, recorded_area_m2)
SELECT u.id, u.floor_id, u.number, u.name, u.usage, u.agency_id, u.state, u.idle_since, ST_GeomFromEWKB(u.geom),
       ST_GeomFromEWKB(u.geom_ll), u.source_id, coalesce(u.created_at, now()), u.valid_from, u.source_category,
       nullif(u.recorded_area_m2, 0)
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::date[],
              $9::bytea[], $10::bytea[], $11::text[], $12::timestamptz[], $13::date[], $14::text[],
              $15::double precision[])
       AS u(id, floor_id, number, name, usage, agency_id, state, idle_since, geom, geom_ll, source_id, created_at,
            valid_from, source_category, recorded_area_m2)
RETURNING id, created_at`
)

// BulkInsertRooms adds many new rooms (IDs assigned where uuid.Nil; ID, Version and CreatedAt filled in
// place) all-or-nothing, with the same rules as CreateRoom: an overlap with a live room or with another
// room of the batch fails the whole batch with an *floorplan.OverlapError.
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
	created := make(map[uuid.UUID]time.Time, len(rooms))
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
		return inChunks(len(rooms), func(start, end int) error {
			return insertRoomChunk(ctx, tx, rooms[start:end], ids[start:end], frames, created)
		})
	})
	if err != nil {
		return laterOfPair(err, rooms, ids)
	}
	for i := range rooms {
		rooms[i].ID, rooms[i].Version, rooms[i].CreatedAt, rooms[i].DeletedAt = ids[i], 1, created[ids[i]].In(s.loc), time.Time{}
	}
	return nil
}

// laterOfPair names an overlap between two rooms of one bulk insert (ids) from the later room of the pair,
// as the GeoPackage store does and as the database did while it checked each row before writing it. Since
// migrations/0012_deferrable_overlap.sql the check runs after the statement, when the earlier room of the
// pair sees the later one too and is the first to be refused.
func laterOfPair(err error, rooms []floorplan.Room, ids []uuid.UUID) error {
	var oe *floorplan.OverlapError
	if !errors.As(err, &oe) {
		return err
	}
	i, j := slices.Index(ids, oe.RoomID), slices.Index(ids, oe.OtherID)
	if i >= 0 && j > i {
		oe.RoomID, oe.OtherID, oe.OtherNumber = ids[j], ids[i], rooms[i].Number
	}
	return err
}

// lockFloorFrames returns the frames of the rooms' floors, locked as lockFloorFrameSQL says.
func lockFloorFrames(ctx context.Context, tx pgx.Tx, rooms []floorplan.Room) (map[uuid.UUID]*geo.Frame, error) {
	seen := map[uuid.UUID]bool{}
	var floors []uuid.UUID
	for _, r := range rooms {
		if !seen[r.FloorID] {
			seen[r.FloorID] = true
			floors = append(floors, r.FloorID)
		}
	}
	rows, err := tx.Query(ctx, lockFloorFramesSQL, floors)
	if err != nil {
		return nil, err
	}
	frames := make(map[uuid.UUID]*geo.Frame, len(floors))
	for rows.Next() {
		var (
			id       uuid.UUID
			g        geo.Georef
			lon, lat float64
		)
		if err := rows.Scan(uuidDst(&id), &lon, &lat, &g.RotationDeg, &g.Scale); err != nil {
			rows.Close()
			return nil, err
		}
		g.Origin = orb.Point{lon, lat}
		frames[id] = g.Frame()
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range floors {
		if frames[id] == nil {
			return nil, newError(floorplan.ErrInvalid, nil, "unknown floor %s", id)
		}
	}
	return frames, nil
}

// lockAll locks live rows by id with lockSQL($1 ids) and fails if one is missing.
func lockAll(ctx context.Context, tx pgx.Tx, lockSQL string, ids []uuid.UUID, what string) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, lockSQL, ids)
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

func insertRoomChunk(ctx context.Context, tx pgx.Tx, rooms []floorplan.Room, ids []uuid.UUID,
	frames map[uuid.UUID]*geo.Frame, created map[uuid.UUID]time.Time) error {
	n := len(rooms)
	var (
		floorIDs                       = make([]uuid.UUID, n)
		numbers, names, usages, states = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		sources, categories            = make([]string, n), make([]string, n)
		recorded                       = make([]float64, n)
		agencies                       = make([]pgtype.UUID, n)
		idle                           = make([]pgtype.Date, n)
		locals, lls                    = make([][]byte, n), make([][]byte, n)
		createdAt                      = make([]pgtype.Timestamptz, n)
		validFrom                      = make([]pgtype.Date, n)
	)
	for i, r := range rooms {
		local, ll, err := derived(r.Geometry, frames[r.FloorID])
		if err != nil {
			return err
		}
		floorIDs[i], numbers[i], names[i], usages[i], states[i], sources[i] =
			r.FloorID, r.Number, r.Name, string(r.Usage), string(r.State), r.SourceID
		agencies[i], idle[i], createdAt[i] = arrayID(r.AgencyID), arrayDate(r.IdleSince), arrayTime(r.CreatedAt)
		locals[i], lls[i] = local, ll
		categories[i], recorded[i] = r.SourceCategory, r.RecordedAreaM2
		validFrom[i] = pgtype.Date{Time: r.ValidFrom, Valid: true}
	}
	return insertCreated(ctx, tx, created, bulkRoomsSQL, ids, floorIDs, numbers, names, usages, agencies, states, idle,
		locals, lls, sources, createdAt, validFrom, categories, recorded)
}

// insertCreated runs a bulk INSERT … RETURNING id, created_at (query with args) and puts the instant each
// new row was created at in created.
func insertCreated(ctx context.Context, tx pgx.Tx, created map[uuid.UUID]time.Time, query string, args ...any) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id uuid.UUID
			at time.Time
		)
		if err := rows.Scan(uuidDst(&id), &at); err != nil {
			return err
		}
		created[id] = at
	}
	return rows.Err()
}

const (
	bulkPeopleSQL = `
INSERT INTO people (id, name, agency_id, rank, title, status, status_date, created_at, staff_no)
SELECT u.id, u.name, u.agency_id, u.rank, u.title, u.status, u.status_date, coalesce(u.created_at, now()), u.staff_no
  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::date[], $8::timestamptz[],
              $9::text[])
       AS u(id, name, agency_id, rank, title, status, status_date, created_at, staff_no)
RETURNING id, created_at`
	bulkPostsSQL = `
INSERT INTO posts (id, person_id, title, agency_id, start_date, end_date)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::date[], $6::date[])`
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
	created := make(map[uuid.UUID]time.Time, len(people))
	err := s.write(AsJob(ctx), func(tx pgx.Tx) error { // a bulk insert is a job
		if err := lockAll(ctx, tx, lockAgenciesShareSQL, agencies, "agency"); err != nil {
			return err
		}
		if err := checkStaffNos(ctx, tx, people, ids); err != nil {
			return err
		}
		return inChunks(len(people), func(start, end int) error {
			return insertPeopleChunk(ctx, tx, people[start:end], ids[start:end], postIDs[start:end], created)
		})
	})
	if err != nil {
		return err
	}
	for i := range people {
		people[i].ID, people[i].Version, people[i].CreatedAt, people[i].DeletedAt = ids[i], 1, created[ids[i]].In(s.loc), time.Time{}
		posts := floorplan.ClonePosts(people[i].Posts)
		for j := range posts {
			posts[j].ID = postIDs[i][j]
		}
		people[i].Posts = posts
	}
	return nil
}

func insertPeopleChunk(ctx context.Context, tx pgx.Tx, people []floorplan.Person, ids []uuid.UUID,
	postIDs [][]uuid.UUID, created map[uuid.UUID]time.Time) error {
	n := len(people)
	var (
		names, ranks, titles, statuses = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		staffNos                       = make([]string, n)
		agencies                       = make([]pgtype.UUID, n)
		statusDates                    = make([]pgtype.Date, n)
		createdAt                      = make([]pgtype.Timestamptz, n)

		postID, postPerson, postAgency []pgtype.UUID
		postTitle                      []string
		postStart, postEnd             []pgtype.Date
	)
	for i, p := range people {
		names[i], ranks[i], titles[i], statuses[i] = p.Name, string(p.Rank), p.Title, string(p.Status)
		staffNos[i] = p.StaffNo
		agencies[i], statusDates[i], createdAt[i] = arrayID(p.AgencyID), arrayDate(p.StatusDate), arrayTime(p.CreatedAt)
		for j, post := range p.Posts {
			postID = append(postID, pgtype.UUID{Bytes: postIDs[i][j], Valid: true})
			postPerson = append(postPerson, pgtype.UUID{Bytes: ids[i], Valid: true})
			postAgency = append(postAgency, arrayID(post.AgencyID))
			postTitle = append(postTitle, post.Title)
			postStart = append(postStart, arrayDate(post.Start))
			postEnd = append(postEnd, arrayDate(post.End))
		}
	}
	err := insertCreated(ctx, tx, created, bulkPeopleSQL, ids, names, agencies, ranks, titles, statuses, statusDates,
		createdAt, staffNos)
	if err != nil {
		return err
	}
	if len(postID) == 0 {
		return nil
	}
	_, err = tx.Exec(ctx, bulkPostsSQL, postID, postPerson, postTitle, postAgency, postStart, postEnd)
	return err
}

const (
	bulkAssignmentsSQL = `
INSERT INTO assignments (id, person_id, room_id, kind, post_id, approval_ref, start_date, end_date)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::date[], $8::date[])`
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
			if err := tx.QueryRow(ctx, foreignPostsSQL, postPosts, postPeople).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return floorplan.Invalidf("%d assignment(s) name a post that is not the person's", n)
			}
		}
		return inChunks(len(as), func(start, end int) error {
			return insertAssignmentChunk(ctx, tx, as[start:end], ids[start:end])
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

// insertAssignmentChunk inserts one chunk of a bulk insert of assignments, with their ids.
func insertAssignmentChunk(ctx context.Context, tx pgx.Tx, as []floorplan.Assignment, ids []uuid.UUID) error {
	n := len(as)
	var (
		persons, rooms = make([]uuid.UUID, n), make([]uuid.UUID, n)
		posts          = make([]pgtype.UUID, n)
		kinds, refs    = make([]string, n), make([]string, n)
		starts, ends   = make([]pgtype.Date, n), make([]pgtype.Date, n)
	)
	for i, a := range as {
		persons[i], rooms[i], kinds[i], refs[i] = a.PersonID, a.RoomID, string(a.Kind), a.ApprovalRef
		posts[i], starts[i], ends[i] = arrayID(a.PostID), arrayDate(a.Start), arrayDate(a.End)
	}
	_, err := tx.Exec(ctx, bulkAssignmentsSQL, ids, persons, rooms, kinds, posts, refs, starts, ends)
	return err
}
