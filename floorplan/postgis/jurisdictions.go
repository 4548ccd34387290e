package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

const jurisdictionColumns = `j.id, j.name, j.code, j.parent_id`

func scanJurisdiction(row pgx.Row) (floorplan.Jurisdiction, error) {
	var j floorplan.Jurisdiction
	err := row.Scan(uuidDst(&j.ID), &j.Name, &j.Code, optionalIDDst(&j.ParentID))
	return j, err
}

const (
	lockJurisdictionShareSQL = `SELECT id FROM jurisdictions WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE`
	insertJurisdictionSQL    = `INSERT INTO jurisdictions (id, name, code, parent_id) VALUES ($1, $2, $3, $4)`
	jurisdictionSQL          = `SELECT ` + jurisdictionColumns + ` FROM jurisdictions j WHERE j.id = $1 AND j.deleted_at IS NULL`
	jurisdictionsSQL         = `SELECT ` + jurisdictionColumns + ` FROM jurisdictions j WHERE j.deleted_at IS NULL
 ORDER BY j.code, j.name, j.id`
	updateJurisdictionSQL = `UPDATE jurisdictions SET name = $2, code = $3, parent_id = $4 WHERE id = $1 AND deleted_at IS NULL`
	// jurisdictionCycleSQL: is $1 among the ancestors of $2 (or $2 itself)? The tree is locked by the
	// caller's lock of the table's rows in share mode along the way.
	jurisdictionCycleSQL = `
WITH RECURSIVE up(id, depth) AS (
    SELECT id, 0 FROM jurisdictions WHERE id = $2
    UNION ALL
    SELECT j.parent_id, up.depth + 1 FROM jurisdictions j JOIN up ON j.id = up.id
     WHERE j.parent_id IS NOT NULL AND up.depth < 64
)
SELECT EXISTS (SELECT 1 FROM up WHERE id = $1)`
	lockJurisdictionsSQL = `LOCK TABLE jurisdictions IN SHARE ROW EXCLUSIVE MODE`
)

// CreateJurisdiction adds a node to the jurisdiction tree.
func (s *Store) CreateJurisdiction(ctx context.Context, j *floorplan.Jurisdiction) error {
	if err := j.Validate(); err != nil {
		return err
	}
	return s.create(ctx, &j.ID, func(tx pgx.Tx, id uuid.UUID) error {
		if err := lockLiveIfGiven(ctx, tx, lockJurisdictionShareSQL, j.ParentID, "parent jurisdiction"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, insertJurisdictionSQL, id, j.Name, j.Code, nullID(j.ParentID))
		return err
	})
}

// Jurisdiction returns a node of the jurisdiction tree.
func (s *Store) Jurisdiction(ctx context.Context, id uuid.UUID) (floorplan.Jurisdiction, error) {
	return readOne(ctx, s, scanJurisdiction, jurisdictionSQL, "jurisdiction", id)
}

// Jurisdictions lists the jurisdiction tree by code and name.
func (s *Store) Jurisdictions(ctx context.Context) ([]floorplan.Jurisdiction, error) {
	return readAll(ctx, s, scanJurisdiction, jurisdictionsSQL)
}

// UpdateJurisdiction replaces a node's fields; a parent below the node itself is refused.
func (s *Store) UpdateJurisdiction(ctx context.Context, j *floorplan.Jurisdiction) error {
	if err := j.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if j.ParentID != uuid.Nil {
			// Serialise moves, so that two concurrent moves cannot make a cycle between them.
			if _, err := tx.Exec(ctx, lockJurisdictionsSQL); err != nil {
				return err
			}
			if err := lockLiveIfGiven(ctx, tx, lockJurisdictionShareSQL, j.ParentID, "parent jurisdiction"); err != nil {
				return err
			}
			var cycle bool
			if err := tx.QueryRow(ctx, jurisdictionCycleSQL, j.ID, j.ParentID).Scan(&cycle); err != nil {
				return err
			}
			if cycle {
				return floorplan.Invalidf("jurisdiction %q: its parent cannot be itself or below it", j.Name)
			}
		}
		return updateLive(ctx, tx, "jurisdiction", j.ID, updateJurisdictionSQL, j.ID, j.Name, j.Code, nullID(j.ParentID))
	})
}
