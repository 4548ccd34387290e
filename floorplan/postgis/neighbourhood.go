package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.NeighbourhoodReader = (*Store)(nil)

// The neighbourhood of a write, read many records at a time (floorplan.NeighbourhoodReader): one query
// per kind of record for all the ids, each led by the primary key or the assignments' indexes.
const (
	roomsByIDSQL  = `SELECT ` + roomColumns + ` FROM rooms r WHERE r.id = ANY($1) AND r.deleted_at IS NULL`
	peopleByIDSQL = `SELECT ` + personColumns + ` FROM people p WHERE p.id = ANY($1) AND p.deleted_at IS NULL`
	// postsOfPeopleSQL orders each person's posts as personPostsSQL does.
	postsOfPeopleSQL = `SELECT ` + postColumns + ` FROM posts o
 WHERE o.person_id = ANY($1) AND o.deleted_at IS NULL ORDER BY o.start_date NULLS FIRST, o.title, o.id`
	// assignmentsOnSQL: $1 rooms, $2 people, $3 the day.
	assignmentsOnSQL = `SELECT ` + assignmentColumns + ` FROM assignments a
 WHERE (a.room_id = ANY($1) OR a.person_id = ANY($2)) AND a.deleted_at IS NULL
   AND (a.start_date IS NULL OR a.start_date <= $3) AND (a.end_date IS NULL OR a.end_date > $3)`
)

// Neighbours returns what q asks for (floorplan.NeighbourhoodReader): its queries are sent together, in
// one round trip, in the transaction inside InTx, else in a read-only one.
func (s *Store) Neighbours(ctx context.Context, q floorplan.NeighbourQuery) (floorplan.Neighbours, error) {
	var n floorplan.Neighbours
	err := s.read(ctx, assignmentsOnSQL, func(tx querier) error {
		var (
			b     pgx.Batch
			reads []func(pgx.Rows) error // one per query queued, in order
		)
		if len(q.Rooms) > 0 {
			b.Queue(roomsByIDSQL, uuidArray(q.Rooms))
			reads = append(reads, into(&n.Rooms, s.scanRoom))
		}
		var posts []floorplan.PersonPost
		if len(q.People) > 0 {
			b.Queue(peopleByIDSQL, uuidArray(q.People))
			b.Queue(postsOfPeopleSQL, uuidArray(q.People))
			reads = append(reads, into(&n.People, s.scanPerson), into(&posts, scanPost))
		}
		if len(q.Rooms)+len(q.Holders) > 0 {
			b.Queue(assignmentsOnSQL, uuidArray(q.Rooms), uuidArray(q.Holders), nullDate(q.Day))
			reads = append(reads, into(&n.Assignments, s.scanAssignment))
		}
		if len(q.Agencies) > 0 {
			b.Queue(agenciesByIDSQL, uuidArray(q.Agencies))
			reads = append(reads, into(&n.Agencies, scanAgency))
		}
		if q.StandardRows {
			b.Queue(standardRowsSQL)
			reads = append(reads, into(&n.StandardRows, scanStandardRow))
		}
		if len(reads) == 0 {
			return nil
		}
		if err := readBatch(ctx, tx, &b, reads); err != nil {
			return err
		}
		withPosts(n.People, posts)
		return nil
	})
	return n, err
}

// readBatch sends the queries of b at once and reads their rows with reads, in order.
func readBatch(ctx context.Context, tx querier, b *pgx.Batch, reads []func(pgx.Rows) error) error {
	br := tx.SendBatch(ctx, b)
	for _, read := range reads {
		rows, err := br.Query()
		if err == nil {
			err = read(rows)
		}
		if err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// into returns a reader of rows that appends each, scanned with scan, to *out.
func into[T any](out *[]T, scan func(pgx.Row) (T, error)) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			*out = append(*out, v)
		}
		return rows.Err()
	}
}

// withPosts gives each of people their posts, in the order of posts.
func withPosts(people []floorplan.Person, posts []floorplan.PersonPost) {
	at := make(map[uuid.UUID]int, len(people))
	for i, p := range people {
		at[p.ID] = i
	}
	for _, pp := range posts {
		if i, ok := at[pp.PersonID]; ok {
			people[i].Posts = append(people[i].Posts, pp.Post)
		}
	}
}
