package postgis

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

const personColumns = `p.id, p.name, p.agency_id, p.rank, p.title, p.status, p.status_date, p.created_at, p.deleted_at, p.version, p.staff_no`

func (s *Store) scanPerson(row pgx.Row) (floorplan.Person, error) {
	p := floorplan.Person{Posts: []floorplan.Post{}}
	err := row.Scan(uuidDst(&p.ID), &p.Name, optionalIDDst(&p.AgencyID), &p.Rank, &p.Title, &p.Status,
		dateDst(&p.StatusDate), instantDst(&p.CreatedAt, s.loc), instantDst(&p.DeletedAt, s.loc), &p.Version, &p.StaffNo)
	return p, err
}

const postColumns = `o.id, o.person_id, o.title, o.agency_id, o.start_date, o.end_date`

func scanPost(row pgx.Row) (floorplan.PersonPost, error) {
	var pp floorplan.PersonPost
	err := row.Scan(uuidDst(&pp.Post.ID), uuidDst(&pp.PersonID), &pp.Post.Title, optionalIDDst(&pp.Post.AgencyID),
		dateDst(&pp.Post.Start), dateDst(&pp.Post.End))
	return pp, err
}

const (
	insertPersonSQL = `
INSERT INTO people (id, name, agency_id, rank, title, status, status_date, created_at, staff_no)
VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()), $9)
RETURNING created_at`
	otherPersonPostsSQL = `SELECT count(*) FROM posts WHERE id = ANY($1) AND person_id <> $2`
	upsertPostSQL       = `
INSERT INTO posts (id, person_id, title, agency_id, start_date, end_date)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE
   SET title = EXCLUDED.title, agency_id = EXCLUDED.agency_id, start_date = EXCLUDED.start_date,
       end_date = EXCLUDED.end_date, deleted_at = NULL
 WHERE (posts.title, posts.agency_id, posts.start_date, posts.end_date, posts.deleted_at)
       IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.agency_id, EXCLUDED.start_date, EXCLUDED.end_date, NULL)`
	dropPostsSQL = `
UPDATE posts SET deleted_at = now() WHERE person_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2))`
)

// writePosts makes the person's live posts exactly posts, assigning ids to new ones (in place).
func writePosts(ctx context.Context, tx pgx.Tx, personID uuid.UUID, posts []floorplan.Post) error {
	ids := make([]uuid.UUID, len(posts))
	for i := range posts {
		ids[i] = newID(posts[i].ID)
		if err := lockLiveIfGiven(ctx, tx, lockAgencyShareSQL, posts[i].AgencyID, "agency of a post"); err != nil {
			return err
		}
	}
	var n int64
	if err := tx.QueryRow(ctx, otherPersonPostsSQL, uuidArray(ids), personID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return floorplan.Invalidf("a post belongs to another person")
	}
	if _, err := tx.Exec(ctx, dropPostsSQL, personID, uuidArray(ids)); err != nil {
		return err
	}
	for i, p := range posts {
		if _, err := tx.Exec(ctx, upsertPostSQL, ids[i], personID, p.Title, nullID(p.AgencyID), nullDate(p.Start),
			nullDate(p.End)); err != nil {
			return err
		}
	}
	for i := range posts {
		posts[i].ID = ids[i]
	}
	return nil
}

// CreatePerson adds a person with their posts. A non-zero CreatedAt is kept.
func (s *Store) CreatePerson(ctx context.Context, p *floorplan.Person) error {
	if err := floorplan.CheckPerson(ctx, p); err != nil {
		return err
	}
	id := newID(p.ID)
	posts := floorplan.ClonePosts(p.Posts)
	var created time.Time
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockLiveIfGiven(ctx, tx, lockAgencyShareSQL, p.AgencyID, "agency"); err != nil {
			return err
		}
		if err := checkStaffNos(ctx, tx, []floorplan.Person{*p}, []uuid.UUID{id}); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, insertPersonSQL, id, p.Name, nullID(p.AgencyID), p.Rank, p.Title, p.Status,
			nullDate(p.StatusDate), nullTime(p.CreatedAt), p.StaffNo).Scan(&created)
		if err != nil {
			return err
		}
		return writePosts(ctx, tx, id, posts)
	})
	if err != nil {
		return err
	}
	p.ID, p.Version, p.CreatedAt, p.DeletedAt, p.Posts = id, 1, created.In(s.loc), time.Time{}, posts
	return nil
}

const (
	personSQL      = `SELECT ` + personColumns + ` FROM people p WHERE p.id = $1 AND p.deleted_at IS NULL`
	personPostsSQL = `SELECT ` + postColumns + ` FROM posts o
 WHERE o.person_id = $1 AND o.deleted_at IS NULL ORDER BY o.start_date NULLS FIRST, o.title, o.id`
)

// Person returns a live person with their posts.
func (s *Store) Person(ctx context.Context, id uuid.UUID) (floorplan.Person, error) {
	var p floorplan.Person
	err := s.read(ctx, personSQL, func(q querier) error {
		var err error
		if p, err = one(ctx, q, s.scanPerson, personSQL, "person", id); err != nil {
			return err
		}
		posts, err := collect(ctx, q, scanPost, personPostsSQL, id)
		if err != nil {
			return err
		}
		for _, pp := range posts {
			p.Posts = append(p.Posts, pp.Post)
		}
		return nil
	})
	return p, err
}

const (
	peopleSQL = `SELECT ` + personColumns + ` FROM people p
 WHERE p.deleted_at IS NULL AND ($1::uuid IS NULL OR p.agency_id = $1) ORDER BY p.name, p.id`
	peoplePostsSQL = `SELECT ` + postColumns + ` FROM posts o JOIN people p ON p.id = o.person_id
 WHERE o.deleted_at IS NULL AND p.deleted_at IS NULL AND ($1::uuid IS NULL OR p.agency_id = $1)
 ORDER BY o.start_date NULLS FIRST, o.title, o.id`
)

// People lists live people matching f by name, with their posts, in two queries.
func (s *Store) People(ctx context.Context, f floorplan.PersonFilter) ([]floorplan.Person, error) {
	var people []floorplan.Person
	err := s.read(ctx, peopleSQL, func(q querier) error {
		var err error
		if people, err = collect(ctx, q, s.scanPerson, peopleSQL, nullID(f.AgencyID)); err != nil {
			return err
		}
		posts, err := collect(ctx, q, scanPost, peoplePostsSQL, nullID(f.AgencyID))
		if err != nil {
			return err
		}
		floorplan.AttachPosts(people, posts)
		return nil
	})
	return people, err
}

const updatePersonSQL = `
UPDATE people SET name = $2, agency_id = $3, rank = $4, title = $5, status = $6, status_date = $7,
       staff_no = $9, version = version + 1
 WHERE id = $1 AND version = $8 AND deleted_at IS NULL
RETURNING version`

const personVersionSQL = `SELECT version FROM people WHERE id = $1 AND deleted_at IS NULL`

// UpdatePerson replaces a person's fields and posts (posts left out are deleted) if p.Version is still
// its version, and moves p.Version on.
func (s *Store) UpdatePerson(ctx context.Context, p *floorplan.Person) error {
	if err := floorplan.CheckPerson(ctx, p); err != nil {
		return err
	}
	posts := floorplan.ClonePosts(p.Posts)
	var next int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockLiveIfGiven(ctx, tx, lockAgencyShareSQL, p.AgencyID, "agency"); err != nil {
			return err
		}
		if err := checkStaffNos(ctx, tx, []floorplan.Person{*p}, []uuid.UUID{p.ID}); err != nil {
			return err
		}
		err := updateVersioned(ctx, tx, "person", p.ID, p.Version, &next, personVersionSQL, updatePersonSQL, p.ID,
			p.Name, nullID(p.AgencyID), p.Rank, p.Title, p.Status, nullDate(p.StatusDate), p.Version, p.StaffNo)
		if err != nil {
			return err
		}
		return writePosts(ctx, tx, p.ID, posts)
	})
	if err != nil {
		return err
	}
	p.Posts, p.Version = posts, next
	return nil
}

const (
	lockPersonSQL  = `SELECT id FROM people WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`
	personInUseSQL = `
SELECT count(*) FROM assignments
 WHERE person_id = $1 AND deleted_at IS NULL AND (end_date IS NULL OR end_date > $2)`
	deletePersonSQL = `
WITH gone AS (UPDATE posts SET deleted_at = now() WHERE person_id = $1 AND deleted_at IS NULL)
UPDATE people SET deleted_at = now(), version = version + 1 WHERE id = $1`
)

// DeletePerson deletes a person (and their posts) who holds no room any more (no assignment that has
// not ended by today).
func (s *Store) DeletePerson(ctx context.Context, id uuid.UUID) error {
	return s.softDelete(ctx, id, "person", lockPersonSQL, deletePersonSQL, []any{id, nullDate(s.today())},
		inUse{personInUseSQL, "the person is still assigned to %d room(s)"})
}
