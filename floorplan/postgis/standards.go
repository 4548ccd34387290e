package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

const standardRowColumns = `t.scale, t.rank, t.title, t.area_m2, t.toilet_allowance_m2, t.effective, t.jurisdiction, t.source`

func scanStandardRow(row pgx.Row) (floorplan.StandardRow, error) {
	var r floorplan.StandardRow
	err := row.Scan(&r.Scale, &r.Rank, &r.Title, &r.AreaM2, &r.ToiletAllowanceM2, dateDst(&r.Effective),
		&r.Jurisdiction, &r.Source)
	return r, err
}

const standardRowsSQL = `SELECT ` + standardRowColumns + ` FROM standard_rows t
 ORDER BY t.scale, t.rank, t.effective, t.jurisdiction`

// StandardRows returns the local space-standard rows.
func (s *Store) StandardRows(ctx context.Context) ([]floorplan.StandardRow, error) {
	return readAll(ctx, s, scanStandardRow, standardRowsSQL)
}

const putStandardRowSQL = `
INSERT INTO standard_rows (id, scale, rank, title, area_m2, toilet_allowance_m2, effective, jurisdiction, source)
VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT ON CONSTRAINT standard_rows_key DO UPDATE
   SET title = EXCLUDED.title, area_m2 = EXCLUDED.area_m2, toilet_allowance_m2 = EXCLUDED.toilet_allowance_m2,
       source = EXCLUDED.source`

// PutStandardRow adds a local row, or replaces the one with the same scale, rank, jurisdiction and
// effective date.
func (s *Store) PutStandardRow(ctx context.Context, r floorplan.StandardRow) error {
	// NewStandards checks a local row, and that it does not repeat a row of the national table.
	if _, err := floorplan.NewStandards([]floorplan.StandardRow{r}); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, putStandardRowSQL, r.Scale, r.Rank, r.Title, r.AreaM2, r.ToiletAllowanceM2,
			nullDate(r.Effective), r.Jurisdiction, r.Source)
		return err
	})
}
