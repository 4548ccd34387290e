package postgis

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"officemap/floorplan"
)

var _ floorplan.PartSnapshotter = (*Store)(nil)

// The register read in parts (floorplan/parts.go): the records of a few agencies and of the closure around
// them, each kind in one query over ids or agency ids (the tables' partial indexes on agency_id, room_id,
// person_id answer them), all in one read-only repeatable-read transaction. Only today's register (as
// Snapshot reads it from the live tables: a day not before today, nothing recorded as holding after it)
// is read in parts; another day's plan says Whole, and the engine reads that snapshot whole.

const (
	// The queries by agency take the agency ids ($1) and whether uuid.Nil, no agency, is among them ($2).
	// The records of the agencies and those of none are two queries under UNION ALL, the second skipped
	// whole when $2 is false (a one-time filter): with the two in one condition (an OR) the generic plan,
	// which a prepared statement may settle on after five executions, read every record of no agency for
	// every part and filtered them out (at 1M rooms, 25 000 rooms a part: a part's rooms 105–146 ms with
	// that plan, 2.7–4.1 ms now). gen's states, read with custom plans, take as long either way.
	partRoomsOfAgenciesSQL = snapRoomsSQL + ` AND r.agency_id = ANY($1::uuid[])
UNION ALL ` + snapRoomsSQL + ` AND $2 AND r.agency_id IS NULL`
	partPeopleOfAgenciesSQL = snapPeopleSQL + ` AND p.agency_id = ANY($1::uuid[])
UNION ALL ` + snapPeopleSQL + ` AND $2 AND p.agency_id IS NULL`
	partRoomsByIDSQL           = snapRoomsSQL + ` AND r.id = ANY($1::uuid[])`
	partPeopleByIDSQL          = snapPeopleSQL + ` AND p.id = ANY($1::uuid[])`
	partPostsOfPeopleSQL       = snapPostsSQL + ` AND o.person_id = ANY($1::uuid[])`
	partAssignmentsOfRoomsSQL  = snapAssignmentsSQL + ` AND a.room_id = ANY($1::uuid[])`
	partAssignmentsOfPeopleSQL = snapAssignmentsSQL + ` AND a.person_id = ANY($1::uuid[])`

	// partAssignmentsOfAgenciesSQL: the assignments of the rooms and of the people of the agencies (those of
	// no agency, when $2, in arms of their own, as above).
	partAssignmentsOfAgenciesSQL = `
SELECT ` + assignmentColumns + ` FROM assignments a JOIN rooms r ON r.id = a.room_id
 WHERE a.deleted_at IS NULL AND r.deleted_at IS NULL AND r.agency_id = ANY($1::uuid[])
UNION
SELECT ` + assignmentColumns + ` FROM assignments a JOIN rooms r ON r.id = a.room_id
 WHERE a.deleted_at IS NULL AND r.deleted_at IS NULL AND $2 AND r.agency_id IS NULL
UNION
SELECT ` + assignmentColumns + ` FROM assignments a JOIN people p ON p.id = a.person_id
 WHERE a.deleted_at IS NULL AND p.deleted_at IS NULL AND p.agency_id = ANY($1::uuid[])
UNION
SELECT ` + assignmentColumns + ` FROM assignments a JOIN people p ON p.id = a.person_id
 WHERE a.deleted_at IS NULL AND p.deleted_at IS NULL AND $2 AND p.agency_id IS NULL`

	// partStreamSQL opens the stream of every assignment (StreamAll) keyed by agency, in the order of the
	// parts: each assignment of a live room under the room's agency, and again under its person's agency
	// when that differs, so that an agency's part finds those of its rooms and of its people together. One
	// pass over the tables and a sort, instead of two index lookups per part. The cursor is planned for
	// all of its rows (not for the first ones: index lookups in agency order would be several times
	// slower), and JIT compilation costs more than it saves on it.
	partStreamSetSQL = `SELECT set_config('cursor_tuple_fraction', '1', true), set_config('jit', 'off', true)`
	partStreamSQL    = `DECLARE officemap_part_assignments NO SCROLL CURSOR FOR
SELECT ` + assignmentColumns + `, r.agency_id FROM assignments a JOIN rooms r ON r.id = a.room_id
 WHERE a.deleted_at IS NULL AND r.deleted_at IS NULL
UNION ALL
SELECT ` + assignmentColumns + `, p.agency_id FROM assignments a JOIN rooms r ON r.id = a.room_id
  JOIN people p ON p.id = a.person_id
 WHERE a.deleted_at IS NULL AND r.deleted_at IS NULL AND p.deleted_at IS NULL AND p.agency_id IS DISTINCT FROM r.agency_id
 ORDER BY 11 NULLS FIRST`
	partStreamFetchSQL = `FETCH FORWARD 20000 FROM officemap_part_assignments`
	partStreamCloseSQL = `CLOSE officemap_part_assignments`
	partStreamBatch    = 20000

	// partSizesSQL counts the live rooms and people of each agency id (NULL: none).
	partSizesSQL = `
SELECT r.agency_id, count(*), 0 FROM rooms r WHERE r.deleted_at IS NULL GROUP BY r.agency_id
UNION ALL
SELECT p.agency_id, 0, count(*) FROM people p WHERE p.deleted_at IS NULL GROUP BY p.agency_id`
)

// ReadParts calls fn with a reader of the register as of day in parts, in one read-only transaction (or
// in the transaction of InTx). It is a job: a full evaluation reads the whole register, part by part.
func (s *Store) ReadParts(ctx context.Context, day time.Time, fn func(floorplan.PartReader) error) error {
	day = floorplan.DayOf(day)
	return s.read(AsJob(ctx), partRoomsOfAgenciesSQL, func(q querier) error {
		p := &pgParts{s: s, q: q, day: day}
		err := fn(p)
		if p.stream != nil && !p.stream.closed {
			if _, cerr := q.Exec(ctx, partStreamCloseSQL); err == nil {
				err = cerr
			}
		}
		return err
	})
}

// pgParts reads parts through one transaction.
type pgParts struct {
	s      *Store
	q      querier
	day    time.Time
	stream *assignmentStream // after StreamAll
}

// assignmentStream is the cursor of StreamAll: the rows fetched and not yet handed out.
type assignmentStream struct {
	pending []keyedAssignment
	closed  bool // every row fetched, and the cursor closed
}

// keyedAssignment is an assignment with the agency whose part it goes to (uuid.Nil: none).
type keyedAssignment struct {
	agency uuid.UUID
	floorplan.Assignment
}

func (s *Store) scanKeyedAssignment(row pgx.Row) (keyedAssignment, error) {
	var (
		k      keyedAssignment
		agency pgtype.UUID
	)
	a := &k.Assignment
	err := row.Scan(uuidDst(&a.ID), uuidDst(&a.PersonID), uuidDst(&a.RoomID), &a.Kind, optionalIDDst(&a.PostID),
		&a.ApprovalRef, dateDst(&a.Start), dateDst(&a.End), &a.Version, instantDst(&a.DeletedAt, s.loc), &agency)
	if agency.Valid {
		k.agency = agency.Bytes
	}
	return k, err
}

// StreamAll opens the stream of every assignment in the order of the parts (partStreamSQL).
func (p *pgParts) StreamAll(ctx context.Context) error {
	if p.stream != nil {
		return nil
	}
	if _, err := p.q.Exec(ctx, partStreamSetSQL); err != nil {
		return mapError(err)
	}
	if _, err := p.q.Exec(ctx, partStreamSQL); err != nil {
		return mapError(err)
	}
	p.stream = &assignmentStream{}
	return nil
}

// next hands out the streamed assignments of the agencies (ascending, after those of every earlier call),
// fetching as many rows as that takes; the rows of agencies before the last one asked and not among them
// are passed over.
func (p *pgParts) next(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Assignment, error) {
	st, last := p.stream, agencies[len(agencies)-1]
	var out []floorplan.Assignment
	for {
		// The pending rows up to the last agency asked, copied into out grown once for all of them (a whole
		// evaluation asks for every agency in turn, so few are passed over; grown row by row, a whole
		// evaluation at 1M rooms allocated 0.8 GB more, 12.0 GB in all).
		n := 0
		for n < len(st.pending) && bytes.Compare(st.pending[n].agency[:], last[:]) <= 0 {
			n++
		}
		out = slices.Grow(out, n)
		for i := range st.pending[:n] {
			k := &st.pending[i]
			if _, found := slices.BinarySearchFunc(agencies, k.agency, func(a, b uuid.UUID) int {
				return bytes.Compare(a[:], b[:])
			}); found {
				out = append(out, k.Assignment)
			}
		}
		more := n == len(st.pending) // every pending row was of an agency up to the last
		st.pending = st.pending[n:]
		if !more || st.closed {
			return out, nil
		}
		rows, err := collect(ctx, p.q, p.s.scanKeyedAssignment, partStreamFetchSQL)
		if err != nil {
			return nil, err
		}
		st.pending = rows
		if len(rows) < partStreamBatch {
			if _, err := p.q.Exec(ctx, partStreamCloseSQL); err != nil {
				return nil, mapError(err)
			}
			st.closed = true
		}
	}
}

// PartPlan returns the parts of the day's register, or Whole for a day Snapshot rebuilds from the history.
func (p *pgParts) PartPlan(ctx context.Context) (floorplan.PartPlan, error) {
	var plan floorplan.PartPlan
	if p.day.Before(p.s.today()) {
		return floorplan.PartPlan{Whole: true}, nil
	}
	var future bool
	if err := p.q.QueryRow(ctx, snapFutureSQL, p.day).Scan(&future); err != nil {
		return plan, mapError(err)
	}
	if future {
		return floorplan.PartPlan{Whole: true}, nil
	}
	infinity := pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	if err := p.q.QueryRow(ctx, snapFirstKnownSQL, infinity).Scan(dateDst(&plan.FirstKnown)); err != nil {
		return plan, mapError(err)
	}
	sizes, err := collect(ctx, p.q, scanPartSize, partSizesSQL)
	if err != nil {
		return plan, err
	}
	for _, sz := range sizes {
		plan.LiveRooms += sz.Rooms
	}
	plan.Sizes = sizes
	if plan.Agencies, err = collect(ctx, p.q, scanAgency, agenciesSQL); err != nil {
		return plan, err
	}
	rows, err := collect(ctx, p.q, scanStandardRow, snapStandardsSQL)
	if err != nil {
		return plan, err
	}
	plan.StandardRows = floorplan.StandardRowsInForce(rows, p.day)
	if plan.Sites, err = collect(ctx, p.q, scanSite, snapSitesSQL); err != nil {
		return plan, err
	}
	if plan.Buildings, err = collect(ctx, p.q, scanBuildingPlace, partBuildingPlacesSQL); err != nil {
		return plan, err
	}
	plan.Floors, err = collect(ctx, p.q, scanFloorPlace, partFloorPlacesSQL)
	return plan, err
}

// The places of the buildings and floors (PartPlan.Buildings, Floors): ids and parents only, not the
// geometry a floor's outline and openings would cost at a province's tens of thousands of floors.
const (
	partBuildingPlacesSQL = `SELECT b.id, b.site_id FROM buildings b WHERE b.deleted_at IS NULL`
	partFloorPlacesSQL    = `SELECT f.id, f.building_id FROM floors f WHERE f.deleted_at IS NULL`
)

func scanBuildingPlace(row pgx.Row) (floorplan.Building, error) {
	var b floorplan.Building
	err := row.Scan(uuidDst(&b.ID), uuidDst(&b.SiteID))
	return b, err
}

func scanFloorPlace(row pgx.Row) (floorplan.Floor, error) {
	var f floorplan.Floor
	err := row.Scan(uuidDst(&f.ID), uuidDst(&f.BuildingID))
	return f, err
}

func scanPartSize(row pgx.Row) (floorplan.PartSize, error) {
	var (
		sz     floorplan.PartSize
		agency pgtype.UUID
	)
	err := row.Scan(&agency, &sz.Rooms, &sz.People)
	if agency.Valid {
		sz.AgencyID = agency.Bytes
	}
	return sz, err
}

// agencyArgs are the arguments of a query by agency ids: the ids, and whether uuid.Nil (no agency) is
// among them.
func agencyArgs(ids []uuid.UUID) []any {
	return []any{uuidArray(ids), slices.Contains(ids, uuid.Nil)}
}

// RoomsOfAgencies returns the live rooms allocated to the agencies.
func (p *pgParts) RoomsOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Room, error) {
	return collect(ctx, p.q, p.s.scanRoom, partRoomsOfAgenciesSQL, agencyArgs(agencies)...)
}

// PeopleOfAgencies returns the live people of the agencies, with their posts.
func (p *pgParts) PeopleOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Person, error) {
	return p.people(ctx, partPeopleOfAgenciesSQL, agencyArgs(agencies)...)
}

// RoomsByID returns the live rooms among ids.
func (p *pgParts) RoomsByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Room, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return collect(ctx, p.q, p.s.scanRoom, partRoomsByIDSQL, uuidArray(ids))
}

// PeopleByID returns the live people among ids, with their posts.
func (p *pgParts) PeopleByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return p.people(ctx, partPeopleByIDSQL, uuidArray(ids))
}

// people reads people with peopleSQL (run with args) and their posts, by their ids.
func (p *pgParts) people(ctx context.Context, peopleSQL string, args ...any) ([]floorplan.Person, error) {
	people, err := collect(ctx, p.q, p.s.scanPerson, peopleSQL, args...)
	if err != nil || len(people) == 0 {
		return people, err
	}
	ids := make([]uuid.UUID, len(people))
	for i := range people {
		ids[i] = people[i].ID
	}
	posts, err := collect(ctx, p.q, scanPost, partPostsOfPeopleSQL, uuidArray(ids))
	if err != nil {
		return nil, err
	}
	floorplan.AttachPosts(people, posts)
	return people, nil
}

// AssignmentsOfAgencies returns the live assignments of the rooms and people of the agencies: from the
// stream after StreamAll (the agencies then ascending, after those of the call before), else by a query.
func (p *pgParts) AssignmentsOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Assignment, error) {
	if len(agencies) == 0 {
		return nil, nil
	}
	if p.stream != nil {
		return p.next(ctx, agencies)
	}
	return collect(ctx, p.q, p.s.scanAssignment, partAssignmentsOfAgenciesSQL, agencyArgs(agencies)...)
}

// AssignmentsOfRooms returns the live assignments of the rooms ids.
func (p *pgParts) AssignmentsOfRooms(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return collect(ctx, p.q, p.s.scanAssignment, partAssignmentsOfRoomsSQL, uuidArray(ids))
}

// AssignmentsOfPeople returns the live assignments of the people ids.
func (p *pgParts) AssignmentsOfPeople(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return collect(ctx, p.q, p.s.scanAssignment, partAssignmentsOfPeopleSQL, uuidArray(ids))
}
