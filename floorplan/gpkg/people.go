package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

func personImageOf(p floorplan.Person) personImage {
	return personImage{ID: jsonID(p.ID), Name: p.Name, AgencyID: jsonID(p.AgencyID), Rank: string(p.Rank),
		Title: p.Title, Status: string(p.Status), StatusDate: jsonDate(p.StatusDate),
		CreatedAt: jsonInstant(p.CreatedAt), DeletedAt: jsonInstant(p.DeletedAt), Version: p.Version,
		StaffNo: p.StaffNo}
}

// deletedPerson is p deleted at the instant at.
func deletedPerson(p floorplan.Person, at time.Time) floorplan.Person { p.DeletedAt = at; return p }

const personColumns = `p.id, p.name, p.agency_id, p.rank, p.title, p.status, CAST(p.status_date AS TEXT), CAST(p.created_at AS TEXT), CAST(p.deleted_at AS TEXT), p.version,
       p.staff_no`

func (s *Store) scanPerson(row scanner) (floorplan.Person, error) {
	var r floorplan.Person
	err := row.Scan(idCol{&r.ID}, &r.Name, idCol{&r.AgencyID}, &r.Rank, &r.Title, &r.Status, dateCol{&r.StatusDate},
		instantCol{&r.CreatedAt, s.loc}, instantCol{&r.DeletedAt, s.loc}, &r.Version, &r.StaffNo)
	r.Posts = []floorplan.Post{}
	return r, err
}

// postImageOf is the history image of a post's row.
func postImageOf(r postRow) postImage {
	p := r.rec.Post
	return postImage{ID: jsonID(p.ID), PersonID: jsonID(r.rec.PersonID), Title: p.Title, AgencyID: jsonID(p.AgencyID),
		StartDate: jsonDate(p.Start), EndDate: jsonDate(p.End), CreatedAt: jsonInstant(r.created),
		DeletedAt: jsonInstant(r.deleted)}
}

const postColumns = `o.id, o.person_id, o.title, o.agency_id, CAST(o.start_date AS TEXT), CAST(o.end_date AS TEXT), CAST(o.created_at AS TEXT), CAST(o.deleted_at AS TEXT)`

func (s *Store) scanPost(row scanner) (postRow, error) {
	var r postRow
	p := &r.rec.Post
	err := row.Scan(idCol{&p.ID}, idCol{&r.rec.PersonID}, &p.Title, idCol{&p.AgencyID}, dateCol{&p.Start},
		dateCol{&p.End}, instantCol{&r.created, s.loc}, instantCol{&r.deleted, s.loc})
	return r, err
}

const (
	sqlPostByID   = `SELECT ` + postColumns + ` FROM posts o WHERE o.id = ?`
	sqlLivePosts  = `SELECT ` + postColumns + ` FROM posts o WHERE o.person_id = ? AND o.deleted_at IS NULL`
	sqlDropPost   = `UPDATE posts SET deleted_at = ? WHERE id = ?`
	sqlInsertPost = `
INSERT INTO posts (id, person_id, title, agency_id, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	sqlUpdatePost = `
UPDATE posts SET title = ?, agency_id = ?, start_date = ?, end_date = ?, deleted_at = NULL WHERE id = ?`
)

// writePosts makes the person's live posts exactly posts, assigning ids to new ones (in place). Posts
// left out are deleted; unchanged posts are not written.
func (s *Store) writePosts(ctx context.Context, q querier, now time.Time, personID uuid.UUID, posts []floorplan.Post) error {
	keep := make(map[uuid.UUID]bool, len(posts))
	existing := make([]*postRow, len(posts))
	for i := range posts {
		posts[i].ID = newID(posts[i].ID)
		keep[posts[i].ID] = true
		if err := liveIfGiven(ctx, q, sqlLiveAgency, posts[i].AgencyID, "agency of a post"); err != nil {
			return err
		}
		r, err := s.scanPost(q.QueryRowContext(ctx, sqlPostByID, posts[i].ID.String()))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case r.rec.PersonID != personID:
			return floorplan.Invalidf("a post belongs to another person")
		default:
			existing[i] = &r
		}
	}
	current, err := collect(ctx, q, s.scanPost, sqlLivePosts, personID.String())
	if err != nil {
		return err
	}
	deleted, deletedText := instant(now)
	for _, r := range current {
		id := r.rec.Post.ID
		if keep[id] {
			continue
		}
		if _, err := q.ExecContext(ctx, sqlDropPost, deletedText, id.String()); err != nil {
			return err
		}
		c := change{entityPost, id, opDelete, postImageOf(r), postImageOf(r.deletedAt(deleted))}
		if err := record(ctx, q, now, c); err != nil {
			return err
		}
	}
	created, createdText := instant(now)
	for i, p := range posts {
		p.Start, p.End = dayOrZero(p.Start), dayOrZero(p.End)
		held := floorplan.PersonPost{PersonID: personID, Post: p}
		old := existing[i]
		if old == nil {
			_, err := q.ExecContext(ctx, sqlInsertPost, p.ID.String(), personID.String(), p.Title, nullID(p.AgencyID),
				nullDate(p.Start), nullDate(p.End), createdText)
			if err != nil {
				return err
			}
			nw := postRow{rec: held, created: created}
			if err := record(ctx, q, now, change{entityPost, p.ID, opInsert, nil, postImageOf(nw)}); err != nil {
				return err
			}
			continue
		}
		if samePost(old.rec.Post, p) && old.deleted.IsZero() {
			continue
		}
		_, err := q.ExecContext(ctx, sqlUpdatePost, p.Title, nullID(p.AgencyID), nullDate(p.Start), nullDate(p.End),
			p.ID.String())
		if err != nil {
			return err
		}
		nw := postRow{rec: held, created: old.created}
		c := change{entityPost, p.ID, opUpdate, postImageOf(*old), postImageOf(nw)}
		if err := record(ctx, q, now, c); err != nil {
			return err
		}
	}
	return nil
}

func samePost(a, b floorplan.Post) bool {
	return a.ID == b.ID && a.Title == b.Title && a.AgencyID == b.AgencyID && a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

// dayOrZero is the calendar day of t as the file keeps it (midnight UTC), or zero.
func dayOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return floorplan.DayOf(t)
}

const (
	sqlInsertPerson = `
INSERT INTO people (id, name, agency_id, rank, title, status, status_date, created_at, staff_no)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// CreatePerson adds a person with their posts. A non-zero CreatedAt is kept.
func (s *Store) CreatePerson(ctx context.Context, p *floorplan.Person) error {
	if err := floorplan.CheckPerson(ctx, p); err != nil {
		return err
	}
	id := newID(p.ID)
	posts := floorplan.ClonePosts(p.Posts)
	now := s.now()
	created, createdText := createdAt(p.CreatedAt, now)
	err := s.write(ctx, func(q querier) error {
		if err := liveIfGiven(ctx, q, sqlLiveAgency, p.AgencyID, "agency"); err != nil {
			return err
		}
		if err := checkStaffNo(ctx, q, p.StaffNo, id); err != nil {
			return err
		}
		nw := *p
		nw.ID, nw.Version, nw.CreatedAt, nw.DeletedAt = id, 1, created.In(s.loc), time.Time{}
		err := s.people().insert(ctx, q, now, id, nw, sqlInsertPerson, id.String(), p.Name, nullID(p.AgencyID), p.Rank,
			p.Title, p.Status, nullDate(p.StatusDate), createdText, p.StaffNo)
		if err != nil {
			return err
		}
		return s.writePosts(ctx, q, now, id, posts)
	})
	if err != nil {
		return err
	}
	p.ID, p.Version, p.CreatedAt, p.DeletedAt, p.Posts = id, 1, created.In(s.loc), time.Time{}, posts
	return nil
}

const sqlPersonPosts = `SELECT ` + postColumns + ` FROM posts o
 WHERE o.person_id = ? AND o.deleted_at IS NULL ORDER BY o.start_date NULLS FIRST, o.title, o.id`

// Person returns a live person with their posts.
func (s *Store) Person(ctx context.Context, id uuid.UUID) (floorplan.Person, error) {
	var p floorplan.Person
	err := s.read(ctx, func(q querier) error {
		var err error
		if p, err = s.people().live(ctx, q, id); err != nil {
			return err
		}
		posts, err := collect(ctx, q, s.scanPost, sqlPersonPosts, id.String())
		if err != nil {
			return err
		}
		for _, pp := range posts {
			p.Posts = append(p.Posts, pp.rec.Post)
		}
		return nil
	})
	return p, err
}

const (
	sqlPeople = `SELECT ` + personColumns + ` FROM people p NOT INDEXED
 WHERE p.deleted_at IS NULL ORDER BY p.name, p.id`
	sqlPeoplePosts = `SELECT ` + postColumns + ` FROM posts o NOT INDEXED JOIN people p ON p.id = o.person_id
 WHERE o.deleted_at IS NULL AND p.deleted_at IS NULL
 ORDER BY o.start_date NULLS FIRST, o.title, o.id`
	sqlPeopleOfAgency = `SELECT ` + personColumns + ` FROM people p
 WHERE p.agency_id = ?1 AND p.deleted_at IS NULL ORDER BY p.name, p.id`
	sqlPostsOfAgencyPeople = `SELECT ` + postColumns + ` FROM people p JOIN posts o ON o.person_id = p.id
 WHERE p.agency_id = ?1 AND p.deleted_at IS NULL AND o.deleted_at IS NULL
 ORDER BY o.start_date NULLS FIRST, o.title, o.id`
)

// People lists live people matching f by name, with their posts, in two queries.
func (s *Store) People(ctx context.Context, f floorplan.PersonFilter) ([]floorplan.Person, error) {
	peopleSQL, postsSQL, args := sqlPeople, sqlPeoplePosts, []any{}
	if f.AgencyID != uuid.Nil {
		peopleSQL, postsSQL, args = sqlPeopleOfAgency, sqlPostsOfAgencyPeople, []any{f.AgencyID.String()}
	}
	var people []floorplan.Person
	err := s.read(ctx, func(q querier) error {
		var err error
		if people, err = collect(ctx, q, s.scanPerson, peopleSQL, args...); err != nil {
			return err
		}
		posts, err := collect(ctx, q, s.scanPost, postsSQL, args...)
		if err != nil {
			return err
		}
		floorplan.AttachPosts(people, recs(posts))
		return nil
	})
	return people, err
}

const sqlUpdatePerson = `
UPDATE people SET name = ?, agency_id = ?, rank = ?, title = ?, status = ?, status_date = ?, staff_no = ?,
       version = version + 1
 WHERE id = ?`

// UpdatePerson replaces a person's fields and posts (posts left out are deleted) if p.Version is still
// its version, and moves p.Version on.
func (s *Store) UpdatePerson(ctx context.Context, p *floorplan.Person) error {
	if err := floorplan.CheckPerson(ctx, p); err != nil {
		return err
	}
	posts := floorplan.ClonePosts(p.Posts)
	now := s.now()
	err := s.write(ctx, func(q querier) error {
		if err := liveIfGiven(ctx, q, sqlLiveAgency, p.AgencyID, "agency"); err != nil {
			return err
		}
		if err := checkStaffNo(ctx, q, p.StaffNo, p.ID); err != nil {
			return err
		}
		_, err := s.people().update(ctx, q, now, p.ID, func(old floorplan.Person) (floorplan.Person, error) {
			if err := stale("person", old.Version, p.Version); err != nil {
				return old, err
			}
			_, err := q.ExecContext(ctx, sqlUpdatePerson, p.Name, nullID(p.AgencyID), p.Rank, p.Title, p.Status,
				nullDate(p.StatusDate), p.StaffNo, p.ID.String())
			nw := *p
			nw.Version, nw.CreatedAt, nw.DeletedAt = old.Version+1, old.CreatedAt, time.Time{}
			return nw, err
		})
		if err != nil {
			return err
		}
		return s.writePosts(ctx, q, now, p.ID, posts)
	})
	if err != nil {
		return err
	}
	p.Posts = posts
	p.Version++
	return nil
}

const sqlPersonInUse = `
SELECT count(*) FROM assignments
 WHERE person_id = ? AND deleted_at IS NULL AND (end_date IS NULL OR end_date > ?)`

// DeletePerson deletes a person (and their posts) who holds no room any more (no assignment that has
// not ended by today).
func (s *Store) DeletePerson(ctx context.Context, id uuid.UUID) error {
	now := s.now()
	today := nullDate(s.today())
	return s.write(ctx, func(q querier) error {
		_, err := s.people().remove(ctx, q, now, id, func(q querier, _ floorplan.Person) error {
			err := refuseInUse(ctx, q, []any{id.String(), today},
				inUseCheck{sqlPersonInUse, "the person is still assigned to %d room(s)"})
			if err != nil {
				return err
			}
			return s.writePosts(ctx, q, now, id, nil) // the posts are deleted (and recorded) before the person
		})
		return err
	})
}
