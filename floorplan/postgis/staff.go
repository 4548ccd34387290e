package postgis

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

// The bureau's keys of people (staff_no, 工号) and agencies (code), migrations/0011_staff.sql: unique among
// live rows when not empty. The unique indexes people_staff_no_key and agencies_code_key hold the rule; the
// writes check first, in their transaction, so that the refusal names the field and the value
// (floorplan.KeyTakenError). A concurrent write that slips between check and insert meets the index, whose
// refusal names the field (constraintErrors).

// Queries of the key checks.
const (
	// staffNoTakenSQL: the first of the staff numbers $1 that a live person other than those $2 has.
	staffNoTakenSQL = `
SELECT staff_no FROM people WHERE staff_no = ANY($1) AND staff_no <> '' AND deleted_at IS NULL AND NOT (id = ANY($2)) LIMIT 1`
	// agencyCodeTakenSQL: whether a live agency other than $2 has the code $1.
	agencyCodeTakenSQL = `SELECT EXISTS (SELECT 1 FROM agencies WHERE code = $1 AND code <> '' AND deleted_at IS NULL AND id <> $2)`
)

// checkStaffNos refuses staff numbers that repeat among people, or that a live person not among them has
// (ids: their ids). Empty numbers are fine.
func checkStaffNos(ctx context.Context, tx pgx.Tx, people []floorplan.Person, ids []uuid.UUID) error {
	seen := make(map[string]bool, len(people))
	var nos []string
	for _, p := range people {
		if p.StaffNo == "" {
			continue
		}
		if seen[p.StaffNo] {
			return floorplan.KeyTakenError("person", "staff_no", p.StaffNo)
		}
		seen[p.StaffNo] = true
		nos = append(nos, p.StaffNo)
	}
	if len(nos) == 0 {
		return nil
	}
	var taken string
	switch err := tx.QueryRow(ctx, staffNoTakenSQL, nos, uuidArray(ids)).Scan(&taken); err {
	case nil:
		return floorplan.KeyTakenError("person", "staff_no", taken)
	case pgx.ErrNoRows:
		return nil
	default:
		return err
	}
}

// checkAgencyCode refuses an agency code that a live agency other than id has; an empty one is fine.
func checkAgencyCode(ctx context.Context, tx pgx.Tx, code string, id uuid.UUID) error {
	if code == "" {
		return nil
	}
	var taken bool
	if err := tx.QueryRow(ctx, agencyCodeTakenSQL, code, id).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return floorplan.KeyTakenError("agency", "code", code)
	}
	return nil
}
