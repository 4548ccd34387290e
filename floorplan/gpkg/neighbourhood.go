package gpkg

import (
	"context"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.NeighbourhoodReader = (*Store)(nil)

// The neighbourhood of a write, read many records at a time (floorplan.NeighbourhoodReader): the ids come
// as one JSON array, unpacked by json_each, and the queries lead with the records' indexes.
const (
	sqlRoomsByID = `SELECT ` + roomColumns + ` FROM rooms_all r
 WHERE r.id IN (SELECT value FROM json_each(?1)) AND r.deleted_at IS NULL`
	sqlPeopleByID = `SELECT ` + personColumns + ` FROM people p
 WHERE p.id IN (SELECT value FROM json_each(?1)) AND p.deleted_at IS NULL`
	// sqlPostsOfPeople orders each person's posts as sqlPersonPosts does.
	sqlPostsOfPeople = `SELECT ` + postColumns + ` FROM posts o
 WHERE o.person_id IN (SELECT value FROM json_each(?1)) AND o.deleted_at IS NULL
 ORDER BY o.start_date NULLS FIRST, o.title, o.id`
	// sqlAgenciesByID orders the agencies as sqlAgencies does.
	sqlAgenciesByID = `SELECT ` + agencyColumns + ` FROM agencies a
 WHERE a.id IN (SELECT value FROM json_each(?1)) AND a.deleted_at IS NULL ORDER BY a.name, a.id`
	// sqlAssignmentsOn: ?1 rooms, ?2 people, ?3 the day. UNION keeps an assignment found both ways once.
	sqlAssignmentsOn = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.room_id IN (SELECT value FROM json_each(?1)) AND a.deleted_at IS NULL
   AND (a.start_date IS NULL OR a.start_date <= ?3) AND (a.end_date IS NULL OR a.end_date > ?3)
UNION
SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE a.person_id IN (SELECT value FROM json_each(?2)) AND a.deleted_at IS NULL
   AND (a.start_date IS NULL OR a.start_date <= ?3) AND (a.end_date IS NULL OR a.end_date > ?3)`
)

// Neighbours returns what q asks for (floorplan.NeighbourhoodReader), read in one transaction (the
// Store's own inside InTx).
func (s *Store) Neighbours(ctx context.Context, q floorplan.NeighbourQuery) (floorplan.Neighbours, error) {
	var n floorplan.Neighbours
	err := s.read(ctx, func(tx querier) error {
		var err error
		if len(q.Rooms) > 0 {
			if n.Rooms, err = collect(ctx, tx, s.scanRoom, sqlRoomsByID, idArray(q.Rooms)); err != nil {
				return err
			}
		}
		if n.People, err = s.peopleByID(ctx, tx, q.People); err != nil {
			return err
		}
		if len(q.Rooms)+len(q.Holders) > 0 {
			rows, err := collect(ctx, tx, s.scanAssignment, sqlAssignmentsOn, idArray(q.Rooms), idArray(q.Holders),
				nullDate(q.Day))
			if err != nil {
				return err
			}
			n.Assignments = assignmentsOf(rows)
		}
		if len(q.Agencies) > 0 {
			agencies, err := collect(ctx, tx, s.scanAgency, sqlAgenciesByID, idArray(q.Agencies))
			if err != nil {
				return err
			}
			n.Agencies = recs(agencies)
		}
		if !q.StandardRows {
			return nil
		}
		rows, err := collect(ctx, tx, s.scanStandardRow, sqlStandardRows)
		n.StandardRows = standardRowsOf(rows)
		return err
	})
	return n, err
}

// peopleByID reads the live people among ids, with their posts, through tx.
func (s *Store) peopleByID(ctx context.Context, tx querier, ids []uuid.UUID) ([]floorplan.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	people, err := collect(ctx, tx, s.scanPerson, sqlPeopleByID, idArray(ids))
	if err != nil {
		return nil, err
	}
	posts, err := collect(ctx, tx, s.scanPost, sqlPostsOfPeople, idArray(ids))
	if err != nil {
		return nil, err
	}
	at := make(map[uuid.UUID]int, len(people))
	for i, p := range people {
		at[p.ID] = i
	}
	for _, pp := range posts {
		if i, ok := at[pp.rec.PersonID]; ok {
			people[i].Posts = append(people[i].Posts, pp.rec.Post)
		}
	}
	return people, nil
}
