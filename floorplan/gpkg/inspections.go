package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.InspectionStore = (*Store)(nil)

// The inspections (floorplan/inspections.go) as two attribute tables: the plans and their items, one row
// each, what is not indexed kept as JSON, the version moved on by the store. Neither is ever deleted.

// sqlMigrateV21 creates the inspections, empty (the GeoPackage counterpart of migrations/0027_inspections.sql).
const sqlMigrateV21 = `
CREATE TABLE inspections (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('annual', 'special', 'key', 'follow_up')),
  state TEXT NOT NULL CHECK (state IN ('draft', 'started', 'closed')),
  follows TEXT REFERENCES inspections (id),
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspections_kind_idx ON inspections (kind, state);
CREATE TABLE inspection_items (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  inspection_id TEXT NOT NULL REFERENCES inspections (id),
  agency_id TEXT NOT NULL DEFAULT '',
  point_code TEXT NOT NULL,
  rule_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('open', 'notified', 'answered', 'fixed', 'not_fixed', 'referred')),
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspection_items_plan_idx ON inspection_items (inspection_id, agency_id, state);
CREATE INDEX inspection_items_agency_idx ON inspection_items (agency_id, state);
` + `CREATE TRIGGER inspections_version BEFORE UPDATE ON inspections
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: inspections.version must rise by exactly one');
END;
CREATE TRIGGER inspection_items_version BEFORE UPDATE ON inspection_items
  WHEN NEW.version IS NOT OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'officemap: inspection_items.version must rise by exactly one');
END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are never deleted (close them)'); END;
CREATE TRIGGER inspection_items_no_delete BEFORE DELETE ON inspection_items
BEGIN SELECT RAISE(ABORT, 'inspection items are never deleted'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('inspections', 'attributes', 'inspections', 'the inspection plans (floorplan/inspections.go)', NULL),
  ('inspection_items', 'attributes', 'inspection_items', 'the inspections'' items (floorplan/inspections.go)', NULL);
`

const (
	sqlInsertInspection = `INSERT INTO inspections (id, kind, state, follows, body, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)`
	sqlUpdateInspection = `UPDATE inspections SET state = ?2, body = ?3, updated_at = ?4, version = version + 1
 WHERE id = ?1 AND version = ?5`
	sqlInspectionExists  = `SELECT count(*) FROM inspections WHERE id = ?1`
	sqlInspectionColumns = `SELECT id, kind, state, follows, body, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), version FROM inspections`
	sqlInspection        = sqlInspectionColumns + ` WHERE id = ?1`
	sqlInspections       = sqlInspectionColumns + ` WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR state = ?2) ORDER BY created_at, fid`

	sqlInsertItem = `INSERT INTO inspection_items (id, inspection_id, agency_id, point_code, rule_id, state, body, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)`
	sqlUpdateItem = `UPDATE inspection_items SET state = ?2, body = ?3, updated_at = ?4, version = version + 1
 WHERE id = ?1 AND version = ?5`
	sqlItemExists  = `SELECT count(*) FROM inspection_items WHERE id = ?1`
	sqlItemColumns = `SELECT id, inspection_id, nullif(agency_id, ''), point_code, rule_id, state, body, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), version
 FROM inspection_items`
	sqlItem  = sqlItemColumns + ` WHERE id = ?1`
	sqlItems = sqlItemColumns + ` WHERE (?1 = '' OR inspection_id = ?1) AND (?2 = '' OR agency_id = ?2) AND (?3 = '' OR state = ?3)
 ORDER BY created_at, fid`
)

// inspectionIDText is id as the file keeps it: "" for uuid.Nil.
func inspectionIDText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

// CreateInspection stores a new plan (see floorplan.InspectionStore).
func (s *Store) CreateInspection(ctx context.Context, p *floorplan.Inspection) error {
	body, err := p.Body()
	if err != nil {
		return err
	}
	var follows any
	if p.Follows != uuid.Nil {
		follows = p.Follows.String()
	}
	var at time.Time
	err = s.create(ctx, &p.ID, func(q querier, id uuid.UUID, now time.Time) error {
		if follows != nil {
			var n int
			if err := q.QueryRowContext(ctx, sqlInspectionExists, follows).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return notFound("inspection", p.Follows)
			}
		}
		at = now
		_, err := q.ExecContext(ctx, sqlInsertInspection, id.String(), string(p.Kind), p.State, follows, string(body),
			now.UTC().Format(time.RFC3339Nano))
		return err
	})
	if err != nil {
		return wrapErr(err)
	}
	p.Version, p.CreatedAt, p.UpdatedAt = 1, at, at
	return nil
}

// UpdateInspection writes p's state and body at the version given.
func (s *Store) UpdateInspection(ctx context.Context, p *floorplan.Inspection) error {
	body, err := p.Body()
	if err != nil {
		return err
	}
	now, err := s.updateVersioned(ctx, "inspection", p.ID, p.Version, sqlUpdateInspection, sqlInspectionExists, p.State, string(body))
	if err != nil {
		return err
	}
	p.Version++
	p.UpdatedAt = now
	return nil
}

// updateVersioned runs update (?1 id, ?2 state, ?3 body, ?4 the time, ?5 the version given) as
// execVersioned does.
func (s *Store) updateVersioned(ctx context.Context, what string, id uuid.UUID, version int64, update, exists, state, body string) (time.Time, error) {
	now := s.now()
	err := s.write(ctx, func(q querier) error {
		return execVersioned(ctx, q, what, id, version, exists, update, id.String(), state, body, now.UTC().Format(time.RFC3339Nano), version)
	})
	return now, wrapErr(err)
}

// scanInspection reads one row of sqlInspectionColumns.
func scanInspection(row scanner) (floorplan.Inspection, error) {
	var p floorplan.Inspection
	var kind, body, created, updated string
	if err := row.Scan(idCol{&p.ID}, &kind, &p.State, idCol{&p.Follows}, &body, &created, &updated, &p.Version); err != nil {
		return p, err
	}
	p.Kind = floorplan.InspectionKind(kind)
	var err error
	if p.CreatedAt, err = parseAppTime(created); err != nil {
		return p, err
	}
	if p.UpdatedAt, err = parseAppTime(updated); err != nil {
		return p, err
	}
	return p, p.SetBody([]byte(body))
}

// Inspection reads one plan.
func (s *Store) Inspection(ctx context.Context, id uuid.UUID) (floorplan.Inspection, error) {
	p, err := scanInspection(s.reader().QueryRowContext(ctx, sqlInspection, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("inspection", id)
	}
	return p, wrapErr(err)
}

// Inspections lists the plans f selects, oldest first.
func (s *Store) Inspections(ctx context.Context, f floorplan.InspectionFilter) ([]floorplan.Inspection, error) {
	return collect(ctx, s.reader(), scanInspection, sqlInspections, string(f.Kind), f.State)
}

// CreateInspectionItem stores a new item of an existing plan.
func (s *Store) CreateInspectionItem(ctx context.Context, it *floorplan.InspectionItem) error {
	body, err := it.Body()
	if err != nil {
		return err
	}
	var at time.Time
	err = s.create(ctx, &it.ID, func(q querier, id uuid.UUID, now time.Time) error {
		var n int
		if err := q.QueryRowContext(ctx, sqlInspectionExists, it.InspectionID.String()).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return notFound("inspection", it.InspectionID)
		}
		at = now
		_, err := q.ExecContext(ctx, sqlInsertItem, id.String(), it.InspectionID.String(), inspectionIDText(it.AgencyID), it.PointCode,
			it.RuleID, it.State, string(body), now.UTC().Format(time.RFC3339Nano))
		return err
	})
	if err != nil {
		return wrapErr(err)
	}
	it.Version, it.CreatedAt, it.UpdatedAt = 1, at, at
	return nil
}

// UpdateInspectionItem writes it's state and body at the version given.
func (s *Store) UpdateInspectionItem(ctx context.Context, it *floorplan.InspectionItem) error {
	body, err := it.Body()
	if err != nil {
		return err
	}
	now, err := s.updateVersioned(ctx, "inspection item", it.ID, it.Version, sqlUpdateItem, sqlItemExists, it.State, string(body))
	if err != nil {
		return err
	}
	it.Version++
	it.UpdatedAt = now
	return nil
}

// scanItem reads one row of sqlItemColumns.
func scanItem(row scanner) (floorplan.InspectionItem, error) {
	var it floorplan.InspectionItem
	var body, created, updated string
	if err := row.Scan(idCol{&it.ID}, idCol{&it.InspectionID}, idCol{&it.AgencyID}, &it.PointCode, &it.RuleID, &it.State, &body, &created, &updated, &it.Version); err != nil {
		return it, err
	}
	var err error
	if it.CreatedAt, err = parseAppTime(created); err != nil {
		return it, err
	}
	if it.UpdatedAt, err = parseAppTime(updated); err != nil {
		return it, err
	}
	return it, it.SetBody([]byte(body))
}

// InspectionItem reads one item.
func (s *Store) InspectionItem(ctx context.Context, id uuid.UUID) (floorplan.InspectionItem, error) {
	it, err := scanItem(s.reader().QueryRowContext(ctx, sqlItem, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return it, notFound("inspection item", id)
	}
	return it, wrapErr(err)
}

// InspectionItems lists the items f selects, oldest first.
func (s *Store) InspectionItems(ctx context.Context, f floorplan.ItemFilter) ([]floorplan.InspectionItem, error) {
	return collect(ctx, s.reader(), scanItem, sqlItems, inspectionIDText(f.InspectionID), inspectionIDText(f.AgencyID), f.State)
}
