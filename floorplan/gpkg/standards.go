package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// standardRowRow is a local standard row with its bookkeeping columns.
type standardRowRow struct {
	floorplan.StandardRow
	id      uuid.UUID
	created time.Time
}

// standardRowImageOf is the history image of a local standard row.
func standardRowImageOf(r standardRowRow) standardRowImage {
	return standardRowImage{ID: jsonID(r.id), Scale: string(r.Scale), Rank: string(r.Rank), Title: r.Title,
		AreaM2: r.AreaM2, ToiletAllowanceM2: r.ToiletAllowanceM2, Effective: jsonDate(r.Effective),
		Jurisdiction: r.Jurisdiction, Source: r.Source, CreatedAt: jsonInstant(r.created)}
}

const standardRowColumns = `t.id, t.scale, t.rank, t.title, t.area_m2, t.toilet_allowance_m2, CAST(t.effective AS TEXT), t.jurisdiction,
       t.source, CAST(t.created_at AS TEXT)`

func (s *Store) scanStandardRow(row scanner) (standardRowRow, error) {
	var r standardRowRow
	err := row.Scan(idCol{&r.id}, &r.Scale, &r.Rank, &r.Title, &r.AreaM2, &r.ToiletAllowanceM2, dateCol{&r.Effective},
		&r.Jurisdiction, &r.Source, instantCol{&r.created, s.loc})
	return r, err
}

func standardRowsOf(rows []standardRowRow) []floorplan.StandardRow {
	return values(rows, func(r standardRowRow) floorplan.StandardRow { return r.StandardRow })
}

const sqlStandardRows = `SELECT ` + standardRowColumns + ` FROM standard_rows t
 ORDER BY t.scale, t.rank, t.effective, t.jurisdiction`

// StandardRows returns the local space-standard rows.
func (s *Store) StandardRows(ctx context.Context) ([]floorplan.StandardRow, error) {
	rows, err := collect(ctx, s.reader(), s.scanStandardRow, sqlStandardRows)
	return standardRowsOf(rows), err
}

const (
	sqlStandardRowByKey = `SELECT ` + standardRowColumns + ` FROM standard_rows t
 WHERE t.scale = ? AND t.rank = ? AND t.jurisdiction = ? AND t.effective = ?`
	sqlInsertStandardRow = `
INSERT INTO standard_rows (id, scale, rank, title, area_m2, toilet_allowance_m2, effective, jurisdiction, source, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlUpdateStandardRow = `
UPDATE standard_rows SET title = ?, area_m2 = ?, toilet_allowance_m2 = ?, source = ? WHERE id = ?`
)

// PutStandardRow adds a local row, or replaces the one with the same scale, rank, jurisdiction and
// effective date.
func (s *Store) PutStandardRow(ctx context.Context, r floorplan.StandardRow) error {
	if err := floorplan.CheckStandardRow(r); err != nil { // as the PostGIS store checks it
		return err
	}
	r.Effective = floorplan.DayOf(r.Effective)
	now := s.now()
	return s.write(ctx, func(q querier) error {
		old, err := s.scanStandardRow(q.QueryRowContext(ctx, sqlStandardRowByKey, r.Scale, r.Rank, r.Jurisdiction,
			nullDate(r.Effective)))
		if errors.Is(err, sql.ErrNoRows) {
			id := uuid.New()
			created, createdText := instant(now)
			_, err := q.ExecContext(ctx, sqlInsertStandardRow, id.String(), r.Scale, r.Rank, r.Title, r.AreaM2,
				r.ToiletAllowanceM2, nullDate(r.Effective), r.Jurisdiction, r.Source, createdText)
			if err != nil {
				return err
			}
			nw := standardRowRow{StandardRow: r, id: id, created: created}
			return record(ctx, q, now, change{entityStandardRow, id, opInsert, nil, standardRowImageOf(nw)})
		} else if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, sqlUpdateStandardRow, r.Title, r.AreaM2, r.ToiletAllowanceM2, r.Source, old.id.String())
		if err != nil {
			return err
		}
		nw := standardRowRow{StandardRow: r, id: old.id, created: old.created}
		return record(ctx, q, now, change{entityStandardRow, old.id, opUpdate, standardRowImageOf(old), standardRowImageOf(nw)})
	})
}

// blank reports whether s holds nothing but white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }
