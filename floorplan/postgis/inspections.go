package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.InspectionStore = (*Store)(nil)

// The inspections' plans and items (migrations/0027_inspections.sql, floorplan/inspections.go).

const (
	insertInspectionSQL = `
INSERT INTO inspections (id, kind, state, follows, body)
SELECT $1, $2, $3, $4, $5 WHERE $4::uuid IS NULL OR EXISTS (SELECT 1 FROM inspections WHERE id = $4)
RETURNING created_at`
	updateInspectionSQL = `
UPDATE inspections SET state = $2, body = $3, updated_at = now(), version = version + 1
 WHERE id = $1 AND version = $4 RETURNING updated_at`
	inspectionExistsSQL = `SELECT EXISTS (SELECT 1 FROM inspections WHERE id = $1)`
	inspectionColumns   = `SELECT id, kind, state, follows, body, created_at, updated_at, version FROM inspections`
	inspectionSQL       = inspectionColumns + ` WHERE id = $1`
	inspectionsSQL      = inspectionColumns + ` WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR state = $2) ORDER BY created_at, id`

	insertItemSQL = `
INSERT INTO inspection_items (id, inspection_id, agency_id, point_code, rule_id, state, body)
SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM inspections WHERE id = $2)
RETURNING created_at`
	updateItemSQL = `
UPDATE inspection_items SET state = $2, body = $3, updated_at = now(), version = version + 1
 WHERE id = $1 AND version = $4 RETURNING updated_at`
	itemExistsSQL = `SELECT EXISTS (SELECT 1 FROM inspection_items WHERE id = $1)`
	itemColumns   = `SELECT id, inspection_id, agency_id, point_code, rule_id, state, body, created_at, updated_at, version FROM inspection_items`
	itemSQL       = itemColumns + ` WHERE id = $1`
	itemsSQL      = itemColumns + ` WHERE ($1::uuid IS NULL OR inspection_id = $1) AND ($2::uuid IS NULL OR agency_id = $2)
 AND ($3 = '' OR state = $3) ORDER BY created_at, id`
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
	return s.createDoc(ctx, inspectionDoc(p), insertInspectionSQL, notFound("inspection", p.Follows), string(p.Kind), p.State,
		nullID(p.Follows))
}

// UpdateInspection writes p's state and body at the version given.
func (s *Store) UpdateInspection(ctx context.Context, p *floorplan.Inspection) error {
	return s.updateDoc(ctx, "inspection", inspectionDoc(p), p.State, updateInspectionSQL, inspectionExistsSQL)
}

// scanInspection reads one row of inspectionColumns.
func scanInspection(row pgx.Row) (floorplan.Inspection, error) {
	var p floorplan.Inspection
	var kind string
	var follows optionalID
	var body []byte
	if err := row.Scan(uuidDst(&p.ID), &kind, &p.State, &follows, &body, &p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return p, err
	}
	p.Kind, p.Follows = floorplan.InspectionKind(kind), uuid.UUID(follows)
	return p, p.SetBody(body)
}

// Inspection reads one plan.
func (s *Store) Inspection(ctx context.Context, id uuid.UUID) (floorplan.Inspection, error) {
	return readOne(ctx, s, scanInspection, inspectionSQL, "inspection", id)
}

// Inspections lists the plans f selects, oldest first.
func (s *Store) Inspections(ctx context.Context, f floorplan.InspectionFilter) ([]floorplan.Inspection, error) {
	return readList(ctx, s, scanInspection, inspectionsSQL, string(f.Kind), f.State)
}

// CreateInspectionItem stores a new item of an existing plan.
func (s *Store) CreateInspectionItem(ctx context.Context, it *floorplan.InspectionItem) error {
	return s.createDoc(ctx, itemDoc(it), insertItemSQL, notFound("inspection", it.InspectionID), it.InspectionID,
		nullID(it.AgencyID), it.PointCode, it.RuleID, it.State)
}

// UpdateInspectionItem writes it's state and body at the version given.
func (s *Store) UpdateInspectionItem(ctx context.Context, it *floorplan.InspectionItem) error {
	return s.updateDoc(ctx, "inspection item", itemDoc(it), it.State, updateItemSQL, itemExistsSQL)
}

// scanItem reads one row of itemColumns.
func scanItem(row pgx.Row) (floorplan.InspectionItem, error) {
	var it floorplan.InspectionItem
	var agency optionalID
	var body []byte
	if err := row.Scan(uuidDst(&it.ID), uuidDst(&it.InspectionID), &agency, &it.PointCode, &it.RuleID, &it.State, &body,
		&it.CreatedAt, &it.UpdatedAt, &it.Version); err != nil {
		return it, err
	}
	it.AgencyID = uuid.UUID(agency)
	return it, it.SetBody(body)
}

// InspectionItem reads one item.
func (s *Store) InspectionItem(ctx context.Context, id uuid.UUID) (floorplan.InspectionItem, error) {
	return readOne(ctx, s, scanItem, itemSQL, "inspection item", id)
}

// InspectionItems lists the items f selects, oldest first.
func (s *Store) InspectionItems(ctx context.Context, f floorplan.ItemFilter) ([]floorplan.InspectionItem, error) {
	return readList(ctx, s, scanItem, itemsSQL, nullID(f.InspectionID), nullID(f.AgencyID), f.State)
}
