package gpkg

import (
	"context"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Schema version 9: the bureau's own keys for people and agencies (the GeoPackage counterpart of
// migrations/0011_staff.sql).
//
//   - people.staff_no, the person's employee number (工号), and agencies.code, the agency's code
//     (统一社会信用代码 or an internal code); empty for none.
//   - Each is unique among live rows when not empty (people_staff_no_key, agencies_code_key). The store
//     checks it first (checkStaffNo, checkAgencyCode) to name the field and the value; the indexes hold
//     it whatever writes the file.
//
// The national ID number (身份证号) is never a key and has no column. Adding the columns changes no row:
// no history records, no version moves.
const sqlMigrateV9 = `
ALTER TABLE people ADD COLUMN staff_no TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN code TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX people_staff_no_key ON people (staff_no) WHERE deleted_at IS NULL AND staff_no <> '';
CREATE UNIQUE INDEX agencies_code_key ON agencies (code) WHERE deleted_at IS NULL AND code <> '';
`

// Queries of the key checks: how many other live rows have the key ?1 (?2 the row's own id).
const (
	sqlStaffNoTaken    = `SELECT count(*) FROM people WHERE staff_no = ?1 AND staff_no <> '' AND deleted_at IS NULL AND id <> ?2`
	sqlAgencyCodeTaken = `SELECT count(*) FROM agencies WHERE code = ?1 AND code <> '' AND deleted_at IS NULL AND id <> ?2`
)

// checkStaffNo refuses a staff number that another live person (not id) has; an empty one is fine.
func checkStaffNo(ctx context.Context, q querier, no string, id uuid.UUID) error {
	return checkKeyFree(ctx, q, sqlStaffNoTaken, "person", "staff_no", no, id)
}

// checkAgencyCode refuses an agency code that another live agency (not id) has; an empty one is fine.
func checkAgencyCode(ctx context.Context, q querier, code string, id uuid.UUID) error {
	return checkKeyFree(ctx, q, sqlAgencyCodeTaken, "agency", "code", code, id)
}

func checkKeyFree(ctx context.Context, q querier, query, entity, field, key string, id uuid.UUID) error {
	if key == "" {
		return nil
	}
	n, err := count(ctx, q, query, key, id.String())
	if err != nil {
		return err
	}
	if n > 0 {
		return floorplan.KeyTakenError(entity, field, key)
	}
	return nil
}
