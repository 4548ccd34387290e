package gpkg

import (
	"context"
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

// inspectionDoc is p as the helpers of versioned documents see it.
func inspectionDoc(p *floorplan.Inspection) versionedDoc {
	return versionedDoc{p, &p.ID, &p.Version, &p.CreatedAt, &p.UpdatedAt}
}

// itemDoc is it as the helpers of versioned documents see it.
func itemDoc(it *floorplan.InspectionItem) versionedDoc {
	return versionedDoc{it, &it.ID, &it.Version, &it.CreatedAt, &it.UpdatedAt}
}

// CreateInspection stores a new plan (see floorplan.InspectionStore).
func (s *Store) CreateInspection(ctx context.Context, p *floorplan.Inspection) error {
	return s.createDoc(ctx, inspectionDoc(p), func(q querier, id uuid.UUID, body []byte, now time.Time) error {
		if p.Follows != uuid.Nil {
			if err := mustExist(ctx, q, sqlInspectionExists, "inspection", p.Follows); err != nil {
				return err
			}
		}
		_, err := q.ExecContext(ctx, sqlInsertInspection, id.String(), string(p.Kind), p.State, nullID(p.Follows), string(body),
			fileTime(now))
		return err
	})
}

// UpdateInspection writes p's state and body at the version given.
func (s *Store) UpdateInspection(ctx context.Context, p *floorplan.Inspection) error {
	return s.updateState(ctx, "inspection", inspectionDoc(p), p.State, sqlUpdateInspection, sqlInspectionExists)
}

// scanInspection reads one row of sqlInspectionColumns.
func scanInspection(row scanner) (floorplan.Inspection, error) {
	var p floorplan.Inspection
	var kind, body, created, updated string
	if err := row.Scan(idCol{&p.ID}, &kind, &p.State, idCol{&p.Follows}, &body, &created, &updated, &p.Version); err != nil {
		return p, err
	}
	p.Kind = floorplan.InspectionKind(kind)
	err := inspectionDoc(&p).scanned(body, created, updated)
	return p, err
}

// Inspection reads one plan.
func (s *Store) Inspection(ctx context.Context, id uuid.UUID) (floorplan.Inspection, error) {
	return readDoc(ctx, s, scanInspection, sqlInspection, "inspection", id)
}

// Inspections lists the plans f selects, oldest first.
func (s *Store) Inspections(ctx context.Context, f floorplan.InspectionFilter) ([]floorplan.Inspection, error) {
	return collect(ctx, s.reader(), scanInspection, sqlInspections, string(f.Kind), f.State)
}

// CreateInspectionItem stores a new item of an existing plan.
func (s *Store) CreateInspectionItem(ctx context.Context, it *floorplan.InspectionItem) error {
	return s.createDoc(ctx, itemDoc(it), func(q querier, id uuid.UUID, body []byte, now time.Time) error {
		if err := mustExist(ctx, q, sqlInspectionExists, "inspection", it.InspectionID); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, sqlInsertItem, id.String(), it.InspectionID.String(), idText(it.AgencyID), it.PointCode,
			it.RuleID, it.State, string(body), fileTime(now))
		return err
	})
}

// UpdateInspectionItem writes it's state and body at the version given.
func (s *Store) UpdateInspectionItem(ctx context.Context, it *floorplan.InspectionItem) error {
	return s.updateState(ctx, "inspection item", itemDoc(it), it.State, sqlUpdateItem, sqlItemExists)
}

// scanItem reads one row of sqlItemColumns.
func scanItem(row scanner) (floorplan.InspectionItem, error) {
	var it floorplan.InspectionItem
	var body, created, updated string
	if err := row.Scan(idCol{&it.ID}, idCol{&it.InspectionID}, idCol{&it.AgencyID}, &it.PointCode, &it.RuleID, &it.State, &body, &created, &updated, &it.Version); err != nil {
		return it, err
	}
	err := itemDoc(&it).scanned(body, created, updated)
	return it, err
}

// InspectionItem reads one item.
func (s *Store) InspectionItem(ctx context.Context, id uuid.UUID) (floorplan.InspectionItem, error) {
	return readDoc(ctx, s, scanItem, sqlItem, "inspection item", id)
}

// InspectionItems lists the items f selects, oldest first.
func (s *Store) InspectionItems(ctx context.Context, f floorplan.ItemFilter) ([]floorplan.InspectionItem, error) {
	return collect(ctx, s.reader(), scanItem, sqlItems, idText(f.InspectionID), idText(f.AgencyID), f.State)
}
