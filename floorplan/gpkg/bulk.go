package gpkg

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// Bulk loading, for officemap gen (synth.Dataset.Load uses these methods through synth.BulkLoader) and
// imports. Each method inserts many new records all-or-nothing in one write transaction (a savepoint
// inside InTx) with prepared statements, and keeps every rule of the Create methods: validation, live
// references, no overlapping rooms (checked in Go against the floor's live rooms and the batch's earlier
// rooms) and a history row per record. The signatures are the PostGIS store's.

var _ interface {
	BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error
	BulkInsertPeople(ctx context.Context, people []floorplan.Person) error
	BulkInsertAssignments(ctx context.Context, as []floorplan.Assignment) error
} = (*Store)(nil)

// sqlFloorLiveRooms lists the live rooms of a floor, for the bulk overlap check.
const sqlFloorLiveRooms = `SELECT r.id, r.number, r.local_geom FROM rooms r WHERE r.floor_id = ? AND r.deleted_at IS NULL`

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
	ids := make([]uuid.UUID, len(rooms))
	for i := range rooms {
		if err := floorplan.CheckRoom(ctx, &rooms[i]); err != nil {
			return fmt.Errorf("room %d (%s): %w", i+1, rooms[i].Number, err)
		}
		ids[i] = newID(rooms[i].ID)
	}
	now := s.now()
	created := make([]time.Time, len(rooms))
	validFrom := make([]time.Time, len(rooms))
	for i := range rooms {
		validFrom[i] = s.validFrom(ctx, rooms[i].ValidFrom, now)
	}
	err := s.write(ctx, func(q querier) error {
		frames := map[uuid.UUID]*geo.Frame{}
		agencies := map[uuid.UUID]bool{}
		onFloor := map[uuid.UUID][]placed{}
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
				onFloor[r.FloorID] = existing
			}
			if r.AgencyID != uuid.Nil && !agencies[r.AgencyID] {
				if err := live(ctx, q, sqlLiveAgency, r.AgencyID, "agency"); err != nil {
					return err
				}
				agencies[r.AgencyID] = true
			}
		}
		insert, err := q.PrepareContext(ctx, sqlInsertRoom)
		if err != nil {
			return err
		}
		defer insert.Close()
		hist, err := q.PrepareContext(ctx, sqlInsertHistory)
		if err != nil {
			return err
		}
		defer hist.Close()
		h := newHistoryWriter(ctx, now)
		for i := range rooms {
			r := &rooms[i]
			g := placed{id: ids[i], number: r.Number, geom: r.Geometry, bound: r.Geometry.Bound()}
			if err := overlapIn(onFloor[r.FloorID], r, g); err != nil {
				return err
			}
			onFloor[r.FloorID] = append(onFloor[r.FloorID], g)
			local, ll, err := derived(r.Geometry, frames[r.FloorID])
			if err != nil {
				return err
			}
			c := r.CreatedAt
			if c.IsZero() {
				c = now
			}
			c, createdText := instant(c)
			created[i] = c
			_, err = insert.ExecContext(ctx, ll, ids[i].String(), r.FloorID.String(), r.Number, r.Name, r.Usage,
				nullID(r.AgencyID), r.State, nullDate(r.IdleSince), local, geo.Area(r.Geometry), r.SourceID, createdText,
				nullDate(validFrom[i]))
			if err != nil {
				return fmt.Errorf("room %d (%s): %w", i+1, r.Number, err)
			}
			nw := *r
			nw.ID, nw.Version, nw.CreatedAt, nw.DeletedAt, nw.ValidFrom = ids[i], 1, c, time.Time{}, validFrom[i]
			img, err := imageJSON(roomImageOf(nw))
			if err != nil {
				return err
			}
			if _, err := hist.ExecContext(ctx, h.args(floorplan.EntityRoom, ids[i], opInsert, nil, img)...); err != nil {
				return err
			}
		}
		return nil
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

// overlapIn checks room r (placed as g) against the rooms already on its floor, as checkOverlap does.
func overlapIn(others []placed, r *floorplan.Room, g placed) error {
	var found *floorplan.OverlapError
	for _, o := range others {
		if !mayOverlap(o.bound, g.bound) {
			continue
		}
		overlaps, area, err := geo.Overlaps(g.geom, o.geom)
		if err != nil {
			return fmt.Errorf("gpkg: overlap of room %s with room %s: %w", r.Number, o.number, err)
		}
		if !overlaps {
			continue
		}
		if found == nil || o.number < found.OtherNumber || (o.number == found.OtherNumber && o.id.String() < found.OtherID.String()) {
			found = &floorplan.OverlapError{RoomID: r.ID, OtherID: o.id, OtherNumber: o.number, AreaM2: area}
		}
	}
	if found != nil {
		return found
	}
	return nil
}

// BulkInsertPeople adds many new people with their posts all-or-nothing (IDs assigned where uuid.Nil;
// ID, CreatedAt and post IDs filled in place).
func (s *Store) BulkInsertPeople(ctx context.Context, people []floorplan.Person) error {
	if len(people) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(people))
	posts := make([][]floorplan.Post, len(people))
	for i := range people {
		p := &people[i]
		if err := floorplan.CheckPerson(ctx, p); err != nil {
			return fmt.Errorf("person %d (%s): %w", i+1, p.Name, err)
		}
		ids[i] = newID(p.ID)
		posts[i] = clonePosts(p.Posts)
		for j := range posts[i] {
			posts[i][j].ID = newID(posts[i][j].ID)
		}
	}
	now := s.now()
	created := make([]time.Time, len(people))
	err := s.write(ctx, func(q querier) error {
		agencies := map[uuid.UUID]bool{}
		checkAgency := func(id uuid.UUID, what string) error {
			if id == uuid.Nil || agencies[id] {
				return nil
			}
			if err := live(ctx, q, sqlLiveAgency, id, what); err != nil {
				return err
			}
			agencies[id] = true
			return nil
		}
		for i, p := range people {
			if err := checkAgency(p.AgencyID, "agency"); err != nil {
				return err
			}
			for _, post := range posts[i] {
				if err := checkAgency(post.AgencyID, "agency of a post"); err != nil {
					return err
				}
			}
		}
		insert, err := q.PrepareContext(ctx, sqlInsertPerson)
		if err != nil {
			return err
		}
		defer insert.Close()
		insertPost, err := q.PrepareContext(ctx, sqlInsertPost)
		if err != nil {
			return err
		}
		defer insertPost.Close()
		hist, err := q.PrepareContext(ctx, sqlInsertHistory)
		if err != nil {
			return err
		}
		defer hist.Close()
		h := newHistoryWriter(ctx, now)
		nowAt, at := instant(now)
		for i := range people {
			p := &people[i]
			c := p.CreatedAt
			if c.IsZero() {
				c = now
			}
			c, createdText := instant(c)
			created[i] = c
			_, err := insert.ExecContext(ctx, ids[i].String(), p.Name, nullID(p.AgencyID), p.Rank, p.Title, p.Status,
				nullDate(p.StatusDate), createdText)
			if err != nil {
				return fmt.Errorf("person %d (%s): %w", i+1, p.Name, err)
			}
			nw := *p
			nw.ID, nw.CreatedAt, nw.DeletedAt = ids[i], c, time.Time{}
			img, err := imageJSON(personImageOf(nw))
			if err != nil {
				return err
			}
			if _, err := hist.ExecContext(ctx, h.args(floorplan.EntityPerson, ids[i], opInsert, nil, img)...); err != nil {
				return err
			}
			for _, post := range posts[i] {
				post.Start, post.End = dayOrZero(post.Start), dayOrZero(post.End)
				_, err := insertPost.ExecContext(ctx, post.ID.String(), ids[i].String(), post.Title, nullID(post.AgencyID),
					nullDate(post.Start), nullDate(post.End), at)
				if err != nil {
					return fmt.Errorf("person %d (%s), post %q: %w", i+1, p.Name, post.Title, err)
				}
				img, err := imageJSON(postRow{personID: ids[i], post: post, created: nowAt}.image())
				if err != nil {
					return err
				}
				if _, err := hist.ExecContext(ctx, h.args(entityPost, post.ID, opInsert, nil, img)...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range people {
		people[i].ID, people[i].CreatedAt, people[i].DeletedAt = ids[i], created[i].In(s.loc), time.Time{}
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
	ids := make([]uuid.UUID, len(as))
	for i := range as {
		if err := floorplan.CheckAssignment(ctx, &as[i]); err != nil {
			return fmt.Errorf("assignment %d: %w", i+1, err)
		}
		ids[i] = newID(as[i].ID)
	}
	now := s.now()
	err := s.write(ctx, func(q querier) error {
		people, rooms := map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
		for i := range as {
			a := &as[i]
			if !people[a.PersonID] {
				if err := live(ctx, q, sqlLivePerson, a.PersonID, "person"); err != nil {
					return fmt.Errorf("assignment %d: %w", i+1, err)
				}
				people[a.PersonID] = true
			}
			if !rooms[a.RoomID] {
				if err := live(ctx, q, sqlLiveRoom, a.RoomID, "room"); err != nil {
					return fmt.Errorf("assignment %d: %w", i+1, err)
				}
				rooms[a.RoomID] = true
			}
			if a.PostID != uuid.Nil {
				if err := checkAssignmentRefs(ctx, q, a); err != nil {
					return fmt.Errorf("assignment %d: %w", i+1, err)
				}
			}
		}
		insert, err := q.PrepareContext(ctx, sqlInsertAssign)
		if err != nil {
			return err
		}
		defer insert.Close()
		hist, err := q.PrepareContext(ctx, sqlInsertHistory)
		if err != nil {
			return err
		}
		defer hist.Close()
		h := newHistoryWriter(ctx, now)
		created, at := instant(now)
		for i := range as {
			a := &as[i]
			_, err := insert.ExecContext(ctx, ids[i].String(), a.PersonID.String(), a.RoomID.String(), a.Kind,
				nullID(a.PostID), a.ApprovalRef, nullDate(a.Start), nullDate(a.End), at)
			if err != nil {
				return fmt.Errorf("assignment %d: %w", i+1, err)
			}
			row := assignmentRow{Assignment: *a, created: created}
			row.ID, row.Version, row.DeletedAt = ids[i], 1, time.Time{}
			img, err := imageJSON(row.image())
			if err != nil {
				return err
			}
			if _, err := hist.ExecContext(ctx, h.args(floorplan.EntityAssignment, ids[i], opInsert, nil, img)...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range as {
		as[i].ID, as[i].Version, as[i].DeletedAt = ids[i], 1, time.Time{}
	}
	return nil
}
