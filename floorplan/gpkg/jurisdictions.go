package gpkg

import (
	"context"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// jurisdictionImageOf is the history image of a jurisdiction's row.
func jurisdictionImageOf(r jurisdictionRow) jurisdictionImage {
	j := r.rec
	return jurisdictionImage{ID: jsonID(j.ID), Name: j.Name, Code: j.Code, ParentID: jsonID(j.ParentID),
		CreatedAt: jsonInstant(r.created), DeletedAt: jsonInstant(r.deleted)}
}

const (
	jurisdictionColumns   = `j.id, j.name, j.code, j.parent_id, CAST(j.created_at AS TEXT), CAST(j.deleted_at AS TEXT)`
	sqlJurisdiction       = `SELECT ` + jurisdictionColumns + ` FROM jurisdictions j WHERE j.id = ? AND j.deleted_at IS NULL`
	sqlDeleteJurisdiction = `UPDATE jurisdictions SET deleted_at = ? WHERE id = ?`
	sqlLiveJurisdiction   = `SELECT 1 FROM jurisdictions WHERE id = ? AND deleted_at IS NULL`
	sqlJurisdictions      = `SELECT ` + jurisdictionColumns + ` FROM jurisdictions j WHERE j.deleted_at IS NULL
 ORDER BY j.code, j.name, j.id`
	sqlInsertJurisdiction = `INSERT INTO jurisdictions (id, name, code, parent_id, created_at) VALUES (?, ?, ?, ?, ?)`
	sqlUpdateJurisdiction = `UPDATE jurisdictions SET name = ?, code = ?, parent_id = ? WHERE id = ?`
	sqlJurisdictionParent = `SELECT parent_id FROM jurisdictions WHERE id = ?`
)

func (s *Store) scanJurisdiction(row scanner) (jurisdictionRow, error) {
	var r jurisdictionRow
	err := row.Scan(idCol{&r.rec.ID}, &r.rec.Name, &r.rec.Code, idCol{&r.rec.ParentID}, instantCol{&r.created, s.loc},
		instantCol{&r.deleted, s.loc})
	return r, err
}

func (s *Store) jurisdictions() table[jurisdictionRow, jurisdictionImage] {
	return table[jurisdictionRow, jurisdictionImage]{s, floorplan.EntityJurisdiction, sqlJurisdiction,
		s.scanJurisdiction, jurisdictionImageOf, jurisdictionRow.deletedAt, sqlDeleteJurisdiction}
}

// CreateJurisdiction adds a node to the jurisdiction tree.
func (s *Store) CreateJurisdiction(ctx context.Context, j *floorplan.Jurisdiction) error {
	if err := j.Validate(); err != nil {
		return err
	}
	return s.create(ctx, &j.ID, func(q querier, id uuid.UUID, now time.Time) error {
		if err := liveIfGiven(ctx, q, sqlLiveJurisdiction, j.ParentID, "parent jurisdiction"); err != nil {
			return err
		}
		created, createdText := instant(now)
		row := jurisdictionRow{rec: *j, created: created}
		row.rec.ID = id
		return s.jurisdictions().insert(ctx, q, now, id, row, sqlInsertJurisdiction, id.String(), j.Name, j.Code,
			nullID(j.ParentID), createdText)
	})
}

// Jurisdiction returns a node of the jurisdiction tree.
func (s *Store) Jurisdiction(ctx context.Context, id uuid.UUID) (floorplan.Jurisdiction, error) {
	return get(ctx, s.jurisdictions(), id)
}

// Jurisdictions lists the jurisdiction tree by code and name.
func (s *Store) Jurisdictions(ctx context.Context) ([]floorplan.Jurisdiction, error) {
	return list(ctx, s.jurisdictions(), sqlJurisdictions)
}

// UpdateJurisdiction replaces a node's fields; a parent below the node itself is refused. Writes are
// serialised by the writer, so the walk up sees a tree that cannot change under it.
func (s *Store) UpdateJurisdiction(ctx context.Context, j *floorplan.Jurisdiction) error {
	if err := j.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.write(ctx, func(q querier) error {
		if err := liveIfGiven(ctx, q, sqlLiveJurisdiction, j.ParentID, "parent jurisdiction"); err != nil {
			return err
		}
		for cur, n := j.ParentID, 0; cur != uuid.Nil && n < 64; n++ {
			if cur == j.ID {
				return floorplan.Invalidf("jurisdiction %q: its parent cannot be itself or below it", j.Name)
			}
			var next uuid.UUID
			if err := q.QueryRowContext(ctx, sqlJurisdictionParent, cur.String()).Scan(idCol{&next}); err != nil {
				return err
			}
			cur = next
		}
		_, err := s.jurisdictions().update(ctx, q, now, j.ID, func(old jurisdictionRow) (jurisdictionRow, error) {
			_, err := q.ExecContext(ctx, sqlUpdateJurisdiction, j.Name, j.Code, nullID(j.ParentID), j.ID.String())
			return jurisdictionRow{rec: *j, created: old.created}, err
		})
		return err
	})
}
