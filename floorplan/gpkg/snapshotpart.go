package gpkg

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.PartSnapshotter = (*Store)(nil)

// The register read in parts (floorplan/parts.go): the records of a few agencies and of the closure around
// them, each kind in one query over a JSON array of ids (json_each, on the partial indexes of agency_id,
// room_id and person_id), all in one read transaction. Only a register that Snapshot reads from the live
// tables alone (no record effective after the day) is read in parts; for another day the plan says
// Whole, and the engine reads that snapshot whole.

const (
	// The queries by id take a JSON array of ids (?1).
	sqlPartRoomsByID = `SELECT ` + roomColumns + ` FROM rooms_all r
 WHERE r.deleted_at IS NULL AND r.id IN (SELECT value FROM json_each(?1))`
	sqlPartPeopleByID = `SELECT ` + personColumns + ` FROM people p
 WHERE p.deleted_at IS NULL AND p.id IN (SELECT value FROM json_each(?1))`
	sqlPartPostsOfPeople = `SELECT ` + postColumns + ` FROM posts o
 WHERE o.deleted_at IS NULL AND o.person_id IN (SELECT value FROM json_each(?1))`
	sqlPartAssignmentsOfRooms = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.deleted_at IS NULL AND a.room_id IN (SELECT value FROM json_each(?1))`
	sqlPartAssignmentsOfPeople = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.deleted_at IS NULL AND a.person_id IN (SELECT value FROM json_each(?1))`

	// sqlPartFuture: is any record effective after day ?1 (so that Snapshot rebuilds rows)?
	sqlPartFuture = `SELECT EXISTS (SELECT 1 FROM history h WHERE h.effective > ?1)`
	// sqlPartSizes counts the live rooms and people of each agency id (NULL: none).
	sqlPartSizes = `
SELECT r.agency_id, count(*), 0 FROM rooms_all r WHERE r.deleted_at IS NULL GROUP BY r.agency_id
UNION ALL
SELECT p.agency_id, 0, count(*) FROM people p WHERE p.deleted_at IS NULL GROUP BY p.agency_id`
)

// The queries by agency take a JSON array of agency ids (?1) and whether uuid.Nil, no agency, is among them
// (?2).
var (
	sqlPartRoomsOfAgencies  = ofAgencies(roomColumns, "rooms_all", "r")
	sqlPartPeopleOfAgencies = ofAgencies(personColumns, "people", "p")
	sqlPartPostsOfAgencies  = `SELECT ` + postColumns + ` FROM posts o
 WHERE o.deleted_at IS NULL AND o.person_id IN (` + ofAgencies("p.id", "people", "p") + `)`
	// sqlPartAssignmentsOfAgencies: the assignments of the rooms and of the people of the agencies.
	sqlPartAssignmentsOfAgencies = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.deleted_at IS NULL AND a.room_id IN (` + ofAgencies("r.id", "rooms_all", "r") + `)
UNION
SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.deleted_at IS NULL AND a.person_id IN (` + ofAgencies("p.id", "people", "p") + `)`
)

// ofAgencies is the query of cols from table, aliased as, of the live records of the agencies ?1 and, when ?2,
// of no agency: two queries under UNION ALL, each of which finds its rows through the table's index on
// agency_id. One condition with an OR of the two made SQLite scan the whole table for every part (at a
// million rooms, gen's states took 98 s, most of it those scans).
func ofAgencies(cols, table, as string) string {
	live := ` FROM ` + table + ` ` + as + ` WHERE ` + as + `.deleted_at IS NULL AND ` + as + `.agency_id `
	return `SELECT ` + cols + live + `IN (SELECT value FROM json_each(?1))
UNION ALL SELECT ` + cols + live + `IS NULL AND ?2`
}

// ReadParts calls fn with a reader of the register as of day in parts, in one read transaction (or in
// the transaction of InTx).
func (s *Store) ReadParts(ctx context.Context, day time.Time, fn func(floorplan.PartReader) error) error {
	day = floorplan.DayOf(day)
	return s.read(ctx, func(q querier) error { return fn(&sqliteParts{s: s, q: q, day: day}) })
}

// sqliteParts reads parts through one transaction.
type sqliteParts struct {
	s   *Store
	q   querier
	day time.Time
}

// PartPlan returns the parts of the day's register, or Whole for a day Snapshot rebuilds from the history.
func (p *sqliteParts) PartPlan(ctx context.Context) (floorplan.PartPlan, error) {
	var (
		plan                          floorplan.PartPlan
		future                        bool
		nRooms, nPeople, nAssignments int
	)
	dayText := p.day.Format(floorplan.DateLayout)
	if err := p.q.QueryRowContext(ctx, sqlPartFuture, dayText).Scan(&future); err != nil {
		return plan, wrapErr(err)
	}
	if future {
		return floorplan.PartPlan{Whole: true}, nil
	}
	err := p.q.QueryRowContext(ctx, sqlSnapSizes, farFuture).Scan(&nRooms, &nPeople, &nAssignments,
		dateCol{&plan.FirstKnown})
	if err != nil {
		return plan, wrapErr(err)
	}
	if plan.Sizes, err = collect(ctx, p.q, scanPartSize, sqlPartSizes); err != nil {
		return plan, err
	}
	for _, sz := range plan.Sizes {
		plan.LiveRooms += sz.Rooms
	}
	agencies, err := collect(ctx, p.q, p.s.scanAgency, sqlAgencies)
	if err != nil {
		return plan, err
	}
	plan.Agencies = recs(agencies)
	rows, err := collect(ctx, p.q, p.s.scanStandardRow, sqlSnapStandards)
	if err != nil {
		return plan, err
	}
	plan.StandardRows = floorplan.StandardRowsInForce(standardRowsOf(rows), p.day)
	sites, err := collect(ctx, p.q, p.s.scanSite, sqlSnapSites)
	if err != nil {
		return plan, err
	}
	if plan.Buildings, err = collect(ctx, p.q, scanBuildingPlace, sqlPartBuildingPlaces); err != nil {
		return plan, err
	}
	if plan.Floors, err = collect(ctx, p.q, scanFloorPlace, sqlPartFloorPlaces); err != nil {
		return plan, err
	}
	plan.Sites = recs(sites)
	return plan, nil
}

// The places of the buildings and floors (PartPlan.Buildings, Floors): ids and parents only, not the
// geometry of footprints, outlines and openings.
const (
	sqlPartBuildingPlaces = `SELECT b.id, b.site_id FROM buildings_all b WHERE b.deleted_at IS NULL`
	sqlPartFloorPlaces    = `SELECT f.id, f.building_id FROM floors_all f WHERE f.deleted_at IS NULL`
)

func scanBuildingPlace(row scanner) (floorplan.Building, error) {
	var b floorplan.Building
	err := row.Scan(idCol{&b.ID}, idCol{&b.SiteID})
	return b, err
}

func scanFloorPlace(row scanner) (floorplan.Floor, error) {
	var f floorplan.Floor
	err := row.Scan(idCol{&f.ID}, idCol{&f.BuildingID})
	return f, err
}

func scanPartSize(row scanner) (floorplan.PartSize, error) {
	var sz floorplan.PartSize
	err := row.Scan(idCol{&sz.AgencyID}, &sz.Rooms, &sz.People)
	return sz, err
}

// idsJSON is ids as a JSON array of strings, for json_each.
func idsJSON(ids []uuid.UUID) (string, error) {
	texts := make([]string, len(ids))
	for i, id := range ids {
		texts[i] = id.String()
	}
	b, err := json.Marshal(texts)
	return string(b), err
}

// agencyArgs are the arguments of a query by agency ids.
func agencyArgs(ids []uuid.UUID) ([]any, error) {
	list, err := idsJSON(ids)
	return []any{list, slices.Contains(ids, uuid.Nil)}, err
}

// byIDs runs query, which takes a JSON array of ids, with ids.
func byIDs[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, ids []uuid.UUID) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := idsJSON(ids)
	if err != nil {
		return nil, err
	}
	return collect(ctx, q, scan, query, list)
}

// RoomsOfAgencies returns the live rooms allocated to the agencies.
func (p *sqliteParts) RoomsOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Room, error) {
	args, err := agencyArgs(agencies)
	if err != nil {
		return nil, err
	}
	return collect(ctx, p.q, p.s.scanRoom, sqlPartRoomsOfAgencies, args...)
}

// PeopleOfAgencies returns the live people of the agencies, with their posts.
func (p *sqliteParts) PeopleOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Person, error) {
	args, err := agencyArgs(agencies)
	if err != nil {
		return nil, err
	}
	return p.people(ctx, sqlPartPeopleOfAgencies, sqlPartPostsOfAgencies, args...)
}

// RoomsByID returns the live rooms among ids.
func (p *sqliteParts) RoomsByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Room, error) {
	return byIDs(ctx, p.q, p.s.scanRoom, sqlPartRoomsByID, ids)
}

// PeopleByID returns the live people among ids, with their posts.
func (p *sqliteParts) PeopleByID(ctx context.Context, ids []uuid.UUID) ([]floorplan.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := idsJSON(ids)
	if err != nil {
		return nil, err
	}
	return p.people(ctx, sqlPartPeopleByID, sqlPartPostsOfPeople, list)
}

// people reads people with peopleSQL and their posts with postsSQL, both with args.
func (p *sqliteParts) people(ctx context.Context, peopleSQL, postsSQL string, args ...any) ([]floorplan.Person, error) {
	people, err := collect(ctx, p.q, p.s.scanPerson, peopleSQL, args...)
	if err != nil || len(people) == 0 {
		return people, err
	}
	posts, err := collect(ctx, p.q, p.s.scanPost, postsSQL, args...)
	if err != nil {
		return nil, err
	}
	floorplan.AttachPosts(people, recs(posts))
	return people, nil
}

// AssignmentsOfAgencies returns the live assignments of the rooms and people of the agencies.
func (p *sqliteParts) AssignmentsOfAgencies(ctx context.Context, agencies []uuid.UUID) ([]floorplan.Assignment, error) {
	args, err := agencyArgs(agencies)
	if err != nil {
		return nil, err
	}
	rows, err := collect(ctx, p.q, p.s.scanAssignment, sqlPartAssignmentsOfAgencies, args...)
	return assignmentsOf(rows), err
}

// StreamAll does nothing: the embedded store looks each part up (its registers are small).
func (p *sqliteParts) StreamAll(context.Context) error { return nil }

// AssignmentsOfRooms returns the live assignments of the rooms ids.
func (p *sqliteParts) AssignmentsOfRooms(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	rows, err := byIDs(ctx, p.q, p.s.scanAssignment, sqlPartAssignmentsOfRooms, ids)
	return assignmentsOf(rows), err
}

// AssignmentsOfPeople returns the live assignments of the people ids.
func (p *sqliteParts) AssignmentsOfPeople(ctx context.Context, ids []uuid.UUID) ([]floorplan.Assignment, error) {
	rows, err := byIDs(ctx, p.q, p.s.scanAssignment, sqlPartAssignmentsOfPeople, ids)
	return assignmentsOf(rows), err
}
