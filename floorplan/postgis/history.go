package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// History entities beyond floorplan's: a person's posts and the local standard rows.
const (
	entityPost        floorplan.Entity = "post"
	entityStandardRow floorplan.Entity = "standard_row"
)

// historySQL returns an entity's changes, and for a person those of their posts too. A new row's image is
// read where it is kept (history_image, migrations/0032_insert_images.sql).
const historySQL = `
SELECT h.entity, h.entity_id, h.op, h.actor, h.at, h.old, history_image(h.entity, h.entity_id, h.seq, h.op, h.new),
       h.effective, h.reason
  FROM history h
 WHERE (h.entity = $1 AND h.entity_id = $2)
    OR ($1 = 'person' AND h.entity = 'post' AND h.entity_id IN (SELECT o.id FROM posts o WHERE o.person_id = $2))
 ORDER BY h.seq`

// History returns the recorded changes of one entity, oldest first. Old and New are row images: the
// table's columns by name, dates as YYYY-MM-DD, local geometry as GeoJSON in the building's metres
// (derived lon/lat geometry is left out). A person's history includes their posts' changes (entity
// "post").
func (s *Store) History(ctx context.Context, entity floorplan.Entity, id uuid.UUID) ([]floorplan.Change, error) {
	return readAll(ctx, s, s.scanChange, historySQL, string(entity), id)
}

func (s *Store) scanChange(row pgx.Row) (floorplan.Change, error) {
	var (
		c        floorplan.Change
		old, new []byte
	)
	if err := row.Scan(&c.Entity, uuidDst(&c.EntityID), &c.Op, &c.Actor, &c.At, &old, &new, dateDst(&c.Effective),
		&c.Reason); err != nil {
		return c, err
	}
	c.At = c.At.In(s.loc)
	c.Old, c.New = old, new
	return c, nil
}
