package gpkg

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The applications' history: every write of an application (filed, each action) appends a history row of
// entity "application" with the actor and the reason of the write (an action's comment), its row images in
// the shape the PostGIS store's trigger gives them (migrations/0026_application_history.sql): the columns of
// applications by name, the body as a JSON object.

// sqlMigrateV20 is the schema part of version 20: an application filed before it gets one history row, its
// filing as it stands now (the rows the store writes from then on follow), recorded by the migration.
const sqlMigrateV20 = `
INSERT INTO history (entity, entity_id, op, actor, at, old_value, new_value, effective, reason)
SELECT 'application', a.id, 'insert', 'officemap:migration', strftime('%Y-%m-%dT%H:%M:%fZ', a.created_at), NULL,
       json_object('id', a.id, 'kind', a.kind, 'agency_id', a.agency_id, 'title', a.title, 'state', a.state,
                   'finding_key', a.finding_key, 'body', json(a.body),
                   'created_at', strftime('%Y-%m-%dT%H:%M:%fZ', a.created_at),
                   'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ', a.updated_at), 'version', a.version),
       '0001-01-01', 'the application as it stood when its history began (schema version 20)'
  FROM applications a
 WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.entity = 'application' AND h.entity_id = a.id)
 ORDER BY a.fid;
`

// applicationImage is a row of applications as the history keeps it.
type applicationImage struct {
	ID         jsonID          `json:"id"`
	Kind       string          `json:"kind"`
	AgencyID   jsonID          `json:"agency_id"`
	Title      string          `json:"title"`
	State      string          `json:"state"`
	FindingKey string          `json:"finding_key"`
	Body       json.RawMessage `json:"body"`
	CreatedAt  jsonInstant     `json:"created_at"`
	UpdatedAt  jsonInstant     `json:"updated_at"`
	Version    int64           `json:"version"`
}

// imageOfApplication is the image of a's row with id, body and times given (a's own may not be set yet).
func imageOfApplication(a *floorplan.Application, id uuid.UUID, body []byte, created, updated time.Time, version int64) applicationImage {
	return applicationImage{ID: jsonID(id), Kind: string(a.Kind), AgencyID: jsonID(a.AgencyID), Title: a.Title, State: a.State,
		FindingKey: a.FindingKey, Body: json.RawMessage(body), CreatedAt: jsonInstant(created), UpdatedAt: jsonInstant(updated),
		Version: version}
}

// recordApplication appends the history row of a write of application id: its row before (nil: filed) and
// after.
func recordApplication(ctx context.Context, q querier, at time.Time, id uuid.UUID, old *applicationImage, nw applicationImage) error {
	op := opInsert
	var before any
	if old != nil {
		op, before = opUpdate, *old
	}
	return record(ctx, q, at, change{floorplan.EntityApplication, id, op, before, nw})
}
