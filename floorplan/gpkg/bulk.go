package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// Bulk loading, for officemap gen (synth.LoadStream and synth.Dataset.Load use these methods through
// floorplan.BulkLoader, rooms, people and assignments of a batch in one transaction) and imports. Each
// method inserts many new records all-or-nothing in one write transaction (a savepoint inside InTx) with
// INSERTs of rowsPerInsert rows each (inserter), looks its references up once per batch (a floor, an agency) or with one query for
// all (people and rooms of assignments), and keeps every rule of the Create methods: validation, live
// references, no overlapping rooms (floorplan.FloorRooms: against the floor's live rooms and the batch's
// earlier rooms) and a history row per record. The signatures are the PostGIS store's.

var _ floorplan.BulkLoader = (*Store)(nil)

// sqlAnalyze gathers SQLite's statistics (sqlite_stat1) from at most about 1 000 rows an index
// (analysis_limit): enough for the planner's choices, in a bounded time whatever the file's size.
const sqlAnalyze = `PRAGMA analysis_limit = 1000; ANALYZE`

// Analyze gathers the statistics SQLite's planner uses (ANALYZE, sampled): after a bulk load, its first
// queries would otherwise plan without them. Readers' connections see them from their next statement.
func (s *Store) Analyze(ctx context.Context) error {
	return s.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, sqlAnalyze)
		return err
	})
}

// WithIndexesDeferred runs fn: the GeoPackage store keeps its indexes as it loads (SQLite's are B-trees
// of the file, and the R-tree of the room geometries is kept by the GeoPackage's own triggers).
func (s *Store) WithIndexesDeferred(_ context.Context, fn func() error) error { return fn() }

// BulkInsertAgencies adds many new agencies (IDs assigned where uuid.Nil; ID and Version filled in place)
// all-or-nothing: each through CreateAgency, all in one transaction (createAll), so that an agency's parent or
// successor may be one of the batch before it.
func (s *Store) BulkInsertAgencies(ctx context.Context, agencies []floorplan.Agency) error {
	return createAll(ctx, s, agencies, (*Store).CreateAgency)
}

// BulkInsertBuildings adds many new buildings (IDs assigned where uuid.Nil; ID, ValidFrom and Version filled in
// place) all-or-nothing: each through CreateBuilding, all in one transaction (createAll).
func (s *Store) BulkInsertBuildings(ctx context.Context, buildings []floorplan.Building) error {
	return createAll(ctx, s, buildings, (*Store).CreateBuilding)
}

// BulkInsertFloors adds many new floors (IDs assigned where uuid.Nil; ID and Version filled in place)
// all-or-nothing: each through CreateFloor, all in one transaction (a few thousand floors a batch are
// not worth a path of their own here, unlike rooms).
func (s *Store) BulkInsertFloors(ctx context.Context, floors []floorplan.Floor) error {
	return createAll(ctx, s, floors, (*Store).CreateFloor)
}

// createAll creates recs in one transaction through create (a method expression such as
// (*Store).CreateFloor), all or none of them: recs are filled in place only when all were written.
func createAll[T any](ctx context.Context, s *Store, recs []T, create func(*Store, context.Context, *T) error) error {
	made := slices.Clone(recs)
	err := s.inTx(ctx, func(tx *Store) error {
		for i := range made {
			if err := create(tx, ctx, &made[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	copy(recs, made)
	return nil
}

// sqlFloorLiveRooms lists the live rooms of a floor, for the bulk overlap check.
const sqlFloorLiveRooms = `SELECT r.id, r.number, r.local_geom FROM rooms_all r WHERE r.floor_id = ? AND r.deleted_at IS NULL`

// placed is a room already on a floor, for the overlap check.
type placed struct {
	id     uuid.UUID
	number string
	geom   orb.Polygon
	bound  orb.Bound
}

// BulkInsertRooms adds many new rooms (IDs assigned where uuid.Nil; ID, Version, CreatedAt and ValidFrom
// filled in place) all-or-nothing, with the same rules as CreateRoom: an overlap with a live room or with
// an earlier room of the batch fails the whole batch with an *floorplan.OverlapError. ValidFrom is each
// room's own when given, else the effective day of ctx, else today.
func (s *Store) BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error {
	if len(rooms) == 0 {
		return nil
	}
	if err := floorplan.CheckRooms(ctx, rooms); err != nil {
		return err
	}
	ids := values(rooms, func(r floorplan.Room) uuid.UUID { return newID(r.ID) })
	now := s.now()
	created := make([]time.Time, len(rooms))
	validFrom := values(rooms, func(r floorplan.Room) time.Time { return s.validFrom(ctx, r.ValidFrom, now) })
	err := s.write(ctx, func(q querier) error {
		frames := map[uuid.UUID]*geo.Frame{}
		agencies := liveSet{}
		onFloor := map[uuid.UUID]*floorplan.FloorRooms{}
		for _, r := range rooms {
			if _, ok := frames[r.FloorID]; !ok {
				f, err := floorFrame(ctx, q, r.FloorID)
				if err != nil {
					return err
				}
				frames[r.FloorID] = f
				existing, err := floorRooms(ctx, q, r.FloorID)
				if err != nil {
					return err
				}
				live := &floorplan.FloorRooms{}
				for _, p := range existing {
					live.Add(p.id, p.number, p.geom)
				}
				onFloor[r.FloorID] = live
			}
			if err := agencies.liveIfGiven(ctx, q, sqlLiveAgency, r.AgencyID, "agency"); err != nil {
				return err
			}
		}
		b := newBatch(ctx, q, now, sqlInsertRoom, func(i int, err error) error {
			return fmt.Errorf("room %d (%s): %w", i+1, rooms[i].Number, err)
		})
		defer b.close()
		for i := range rooms {
			r := &rooms[i]
			if err := onFloor[r.FloorID].Check(r.ID, r.Number, r.Geometry); err != nil {
				return err
			}
			onFloor[r.FloorID].Add(ids[i], r.Number, r.Geometry)
			local, ll, err := derived(r.Geometry, frames[r.FloorID])
			if err != nil {
				return err
			}
			c, createdText := createdAt(r.CreatedAt, now)
			created[i] = c
			err = b.insert.add(ctx, i, ll, ids[i].String(), r.FloorID.String(), r.Number, r.Name, r.Usage,
				nullID(r.AgencyID), r.State, nullDate(r.IdleSince), local, geo.Area(r.Geometry), r.SourceID, createdText,
				nullDate(validFrom[i]), r.SourceCategory, nullArea(r.RecordedAreaM2))
			if err != nil {
				return err
			}
			nw := *r
			nw.ID, nw.Version, nw.CreatedAt, nw.DeletedAt, nw.ValidFrom = ids[i], 1, c, time.Time{}, validFrom[i]
			if err := b.record(ctx, floorplan.EntityRoom, ids[i], roomImageOf(nw)); err != nil {
				return err
			}
		}
		return b.flush(ctx)
	})
	if err != nil {
		return err
	}
	for i := range rooms {
		rooms[i].ID, rooms[i].Version, rooms[i].CreatedAt, rooms[i].DeletedAt = ids[i], 1, created[i].In(s.loc), time.Time{}
		rooms[i].ValidFrom = validFrom[i]
	}
	return nil
}

// floorRooms returns the live rooms of a floor.
func floorRooms(ctx context.Context, q querier, floorID uuid.UUID) ([]placed, error) {
	rows, err := q.QueryContext(ctx, sqlFloorLiveRooms, floorID.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []placed
	for rows.Next() {
		var (
			p    placed
			blob []byte
		)
		if err := rows.Scan(idCol{&p.id}, &p.number, &blob); err != nil {
			return nil, err
		}
		if p.geom, err = decodePolygon(blob); err != nil {
			return nil, err
		}
		p.bound = p.geom.Bound()
		out = append(out, p)
	}
	return out, rows.Err()
}

// overlapIn checks room r (placed as g) against the rooms already on its floor, as checkOverlap does and
// with the rule of floorplan.FloorRooms, which the bulk insert uses.
func overlapIn(others []placed, r *floorplan.Room, g placed) error {
	var f floorplan.FloorRooms
	for _, o := range others {
		f.Add(o.id, o.number, o.geom)
	}
	return f.Check(r.ID, r.Number, g.geom)
}

// BulkInsertPeople adds many new people with their posts all-or-nothing (IDs assigned where uuid.Nil;
// ID, Version, CreatedAt and post IDs filled in place).
func (s *Store) BulkInsertPeople(ctx context.Context, people []floorplan.Person) error {
	if len(people) == 0 {
		return nil
	}
	if err := floorplan.CheckPeople(ctx, people); err != nil {
		return err
	}
	ids := values(people, func(p floorplan.Person) uuid.UUID { return newID(p.ID) })
	posts := values(people, func(p floorplan.Person) []floorplan.Post {
		posts := floorplan.ClonePosts(p.Posts)
		for j := range posts {
			posts[j].ID = newID(posts[j].ID)
		}
		return posts
	})
	now := s.now()
	created := make([]time.Time, len(people))
	err := s.write(ctx, func(q querier) error {
		agencies := liveSet{}
		for i, p := range people {
			if err := agencies.liveIfGiven(ctx, q, sqlLiveAgency, p.AgencyID, "agency"); err != nil {
				return err
			}
			for _, post := range posts[i] {
				if err := agencies.liveIfGiven(ctx, q, sqlLiveAgency, post.AgencyID, "agency of a post"); err != nil {
					return err
				}
			}
		}
		personError := func(i int, err error) error { return fmt.Errorf("person %d (%s): %w", i+1, people[i].Name, err) }
		b := newBatch(ctx, q, now, sqlInsertPerson, personError)
		defer b.close()
		var postOf [][2]int // a post's tag: its index here; its person's and its own
		insertPost := newInserter(q, sqlInsertPost, func(tag int, err error) error {
			i, j := postOf[tag][0], postOf[tag][1]
			return fmt.Errorf("person %d (%s), post %q: %w", i+1, people[i].Name, posts[i][j].Title, err)
		})
		insertPost.first = b.insert // a post refers to its person
		defer insertPost.close()
		nowAt, at := instant(now)
		staffNos := make(map[string]bool) // of the batch's people before this one: not yet in the table
		for i := range people {
			p := &people[i]
			c, createdText := createdAt(p.CreatedAt, now)
			created[i] = c
			if staffNos[p.StaffNo] {
				return personError(i, floorplan.KeyTakenError("person", "staff_no", p.StaffNo))
			}
			if err := checkStaffNo(ctx, q, p.StaffNo, ids[i]); err != nil {
				return personError(i, err)
			}
			if p.StaffNo != "" {
				staffNos[p.StaffNo] = true
			}
			err := b.insert.add(ctx, i, ids[i].String(), p.Name, nullID(p.AgencyID), p.Rank, p.Title, p.Status,
				nullDate(p.StatusDate), createdText, p.StaffNo)
			if err != nil {
				return err
			}
			nw := *p
			nw.ID, nw.Version, nw.CreatedAt, nw.DeletedAt = ids[i], 1, c, time.Time{}
			if err := b.record(ctx, floorplan.EntityPerson, ids[i], personImageOf(nw)); err != nil {
				return err
			}
			for j, post := range posts[i] {
				post.Start, post.End = dayOrZero(post.Start), dayOrZero(post.End)
				postOf = append(postOf, [2]int{i, j})
				err := insertPost.add(ctx, len(postOf)-1, post.ID.String(), ids[i].String(), post.Title,
					nullID(post.AgencyID), nullDate(post.Start), nullDate(post.End), at)
				if err != nil {
					return err
				}
				row := postRow{rec: floorplan.PersonPost{PersonID: ids[i], Post: post}, created: nowAt}
				if err := b.record(ctx, entityPost, post.ID, postImageOf(row)); err != nil {
					return err
				}
			}
		}
		if err := insertPost.flush(ctx); err != nil {
			return err
		}
		return b.flush(ctx)
	})
	if err != nil {
		return err
	}
	for i := range people {
		people[i].ID, people[i].Version, people[i].CreatedAt, people[i].DeletedAt = ids[i], 1, created[i].In(s.loc), time.Time{}
		people[i].Posts = posts[i]
	}
	return nil
}

// BulkInsertAssignments adds many new assignments all-or-nothing (IDs assigned where uuid.Nil; ID and
// Version filled in place).
func (s *Store) BulkInsertAssignments(ctx context.Context, as []floorplan.Assignment) error {
	if len(as) == 0 {
		return nil
	}
	if err := floorplan.CheckAssignments(ctx, as); err != nil {
		return err
	}
	ids := values(as, func(a floorplan.Assignment) uuid.UUID { return newID(a.ID) })
	now := s.now()
	err := s.write(ctx, func(q querier) error {
		// The people and rooms are looked up all at once, not one query per assignment.
		if err := liveAll(ctx, q, sqlLivePeopleIn, as, func(a floorplan.Assignment) uuid.UUID { return a.PersonID }, "assignment", "person"); err != nil {
			return err
		}
		if err := liveAll(ctx, q, sqlLiveRoomsIn, as, func(a floorplan.Assignment) uuid.UUID { return a.RoomID }, "assignment", "room"); err != nil {
			return err
		}
		for i := range as {
			if a := &as[i]; a.PostID != uuid.Nil {
				found, err := exists(ctx, q, sqlLivePostOf, a.PostID.String(), a.PersonID.String())
				if err != nil {
					return err
				}
				if !found {
					return fmt.Errorf("assignment %d: %w", i+1, floorplan.Invalidf("post %s is not a post of the person", a.PostID))
				}
			}
		}
		b := newBatch(ctx, q, now, sqlInsertAssign, func(i int, err error) error { return fmt.Errorf("assignment %d: %w", i+1, err) })
		defer b.close()
		created, at := instant(now)
		for i := range as {
			a := &as[i]
			err := b.insert.add(ctx, i, ids[i].String(), a.PersonID.String(), a.RoomID.String(), a.Kind,
				nullID(a.PostID), a.ApprovalRef, nullDate(a.Start), nullDate(a.End), at)
			if err != nil {
				return err
			}
			row := assignmentRow{Assignment: *a, created: created}
			row.ID, row.Version, row.DeletedAt = ids[i], 1, time.Time{}
			if err := b.record(ctx, floorplan.EntityAssignment, ids[i], assignmentImageOf(row)); err != nil {
				return err
			}
		}
		return b.flush(ctx)
	})
	if err != nil {
		return err
	}
	for i := range as {
		as[i].ID, as[i].Version, as[i].DeletedAt = ids[i], 1, time.Time{}
	}
	return nil
}

// sqlLivePeopleIn and sqlLiveRoomsIn list which of the ids in a JSON array (?1) are live people or rooms.
const (
	sqlLivePeopleIn = `SELECT p.id FROM people p WHERE p.deleted_at IS NULL AND p.id IN (SELECT value FROM json_each(?))`
	sqlLiveRoomsIn  = `SELECT r.id FROM rooms_all r WHERE r.deleted_at IS NULL AND r.id IN (SELECT value FROM json_each(?))`
)

// liveAll checks with one query (liveQuery, as sqlLivePeopleIn) that the reference ref of every record of recs
// is live, and names the first record (of kind record) whose reference is not, as live would ("assignment 3:
// unknown person …").
func liveAll[T any](ctx context.Context, q querier, liveQuery string, recs []T, ref func(T) uuid.UUID, record, what string) error {
	ids := make([]string, 0, len(recs))
	seen := make(map[uuid.UUID]bool, len(recs))
	for _, r := range recs {
		if id := ref(r); !seen[id] {
			seen[id] = true
			ids = append(ids, id.String())
		}
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, liveQuery, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	found := make(map[uuid.UUID]bool, len(ids))
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(idCol{&id}); err != nil {
			return err
		}
		found[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, r := range recs {
		if id := ref(r); !found[id] {
			if id == uuid.Nil {
				return fmt.Errorf("%s %d: %w", record, i+1, floorplan.Invalidf("no %s given", what))
			}
			return fmt.Errorf("%s %d: %w", record, i+1, floorplan.Invalidf("unknown %s %s", what, id))
		}
	}
	return nil
}

// liveSet holds the references that a bulk insert has found live, so that each is looked up once.
type liveSet map[uuid.UUID]bool

// live is the package's live for a reference not found live before.
func (seen liveSet) live(ctx context.Context, q querier, query string, id uuid.UUID, what string) error {
	if seen[id] {
		return nil
	}
	if err := live(ctx, q, query, id, what); err != nil {
		return err
	}
	seen[id] = true
	return nil
}

// liveIfGiven is live for an optional reference: uuid.Nil (none) passes.
func (seen liveSet) liveIfGiven(ctx context.Context, q querier, query string, id uuid.UUID, what string) error {
	if id == uuid.Nil {
		return nil
	}
	return seen.live(ctx, q, query, id, what)
}

// batch is a bulk insert's writer: the INSERTs of its records and of their history rows.
type batch struct {
	insert, history *inserter
	h               historyWriter
}

// newBatch returns the writer of a bulk insert at now of records with insertSQL (a one-row INSERT); fail
// names the record (by index) of an error of its INSERT. close releases its statements.
func newBatch(ctx context.Context, q querier, now time.Time, insertSQL string, fail func(i int, err error) error) *batch {
	b := &batch{
		insert:  newInserter(q, insertSQL, fail),
		history: newInserter(q, sqlInsertHistory, func(_ int, err error) error { return err }),
		h:       newHistoryWriter(ctx, now),
	}
	b.history.first = b.insert // a record before its history, as one at a time
	return b
}

func (b *batch) close() {
	b.insert.close()
	b.history.close()
}

// record adds the history row of a new record of entity, id, whose image is img.
func (b *batch) record(ctx context.Context, entity floorplan.Entity, id uuid.UUID, img any) error {
	j, err := imageJSON(img)
	if err != nil {
		return err
	}
	return b.history.add(ctx, 0, b.h.args(entity, id, opInsert, nil, j)...)
}

// flush writes the records and history rows not yet written, records first.
func (b *batch) flush(ctx context.Context) error { return b.history.flush(ctx) }

// rowsPerInsert is how many rows one INSERT statement of a bulk insert writes.
//
// Inside a larger transaction (a batch of gen, an import) a bulk insert runs in a savepoint, and SQLite then
// keeps in its in-memory statement journal every page the savepoint has changed, and walks that journal
// from its start at the end of each statement (memjrnlTruncate): with one statement per row, a batch took
// time quadratic in its size (86 % of the CPU of gen at 100k rooms; BenchmarkBulkLoad at 30k rooms: 480 s,
// 22 s with rows a statement, on the loaded 2-core machine of issue 15). With rowsPerInsert rows a statement
// there are that many times fewer walks. SQLite allows 32,766 parameters a
// statement: 200 rows of the widest INSERT (rooms, 16) take 3,200.
const rowsPerInsert = 200

// inserter writes rows of a one-row INSERT (…VALUES (?, …)) rowsPerInsert at a time, with the same INSERT
// of many rows (VALUES (?, …), (?, …), …: the same placeholders repeated, no value in the SQL text). An
// error of a statement of many rows is found again row by row, so that fail names the row (by the tag it
// was added with) as the one-row INSERT did.
type inserter struct {
	q     querier
	first *inserter // when set, whose rows are written before each write of these (rows they refer to)
	one   string    // the one-row INSERT
	width int       // its parameters
	full  *sql.Stmt
	args  []any
	tags  []int
	fail  func(tag int, err error) error
}

// newInserter returns an inserter of rows of oneSQL on q; fail names the row tagged tag in err.
func newInserter(q querier, oneSQL string, fail func(tag int, err error) error) *inserter {
	return &inserter{q: q, one: oneSQL, width: strings.Count(oneSQL, "?"), fail: fail}
}

// manyRows returns oneSQL (an INSERT whose VALUES list is its last part) for n rows.
func manyRows(oneSQL string, n int) string {
	at := strings.LastIndex(oneSQL, "VALUES") + len("VALUES")
	row := strings.TrimSpace(oneSQL[at:])
	return oneSQL[:at] + " " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// add adds a row (its parameters, tag for errors), writing the rows held when there are rowsPerInsert.
func (m *inserter) add(ctx context.Context, tag int, args ...any) error {
	if len(args) != m.width {
		return fmt.Errorf("gpkg: %d parameters for an INSERT of %d", len(args), m.width)
	}
	m.args, m.tags = append(m.args, args...), append(m.tags, tag)
	if len(m.tags) < rowsPerInsert {
		return nil
	}
	return m.flush(ctx)
}

// flush writes the rows held.
func (m *inserter) flush(ctx context.Context) error {
	if m.first != nil {
		if err := m.first.flush(ctx); err != nil {
			return err
		}
	}
	n := len(m.tags)
	if n == 0 {
		return nil
	}
	var err error
	if n == rowsPerInsert {
		if m.full == nil {
			if m.full, err = m.q.PrepareContext(ctx, manyRows(m.one, n)); err != nil {
				return err
			}
		}
		_, err = m.full.ExecContext(ctx, m.args...)
	} else {
		_, err = m.q.ExecContext(ctx, manyRows(m.one, n), m.args...)
	}
	if err != nil {
		// The statement failed whole; the rows before the one at fault go in again, and the caller's
		// savepoint takes them back with the rest.
		for i := 0; i < n; i++ {
			if _, e := m.q.ExecContext(ctx, m.one, m.args[i*m.width:(i+1)*m.width]...); e != nil {
				return m.fail(m.tags[i], e)
			}
		}
		return err
	}
	m.args, m.tags = m.args[:0], m.tags[:0]
	return nil
}

func (m *inserter) close() {
	if m.full != nil {
		m.full.Close()
	}
}
