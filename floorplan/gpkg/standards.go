package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"math"
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

// checkStandardRow checks what the PostGIS schema's constraints check.
func checkStandardRow(r *floorplan.StandardRow) error {
	switch {
	case !r.Scale.Valid():
		return floorplan.Invalidf("standard row: unknown scale %q", r.Scale)
	case !r.Rank.Valid():
		return floorplan.Invalidf("standard row: unknown rank %q", r.Rank)
	case !(r.AreaM2 > 0) || math.IsInf(r.AreaM2, 0):
		return floorplan.Invalidf("standard row: the area %v m² must be positive", r.AreaM2)
	case !(r.ToiletAllowanceM2 >= 0 && r.ToiletAllowanceM2 <= 6):
		return floorplan.Invalidf("standard row: a toilet allowance must be between 0 and 6 m², not %v", r.ToiletAllowanceM2)
	case blank(r.Jurisdiction):
		return floorplan.Invalidf("standard row: a local standard row needs a jurisdiction")
	case r.Effective.IsZero():
		return floorplan.Invalidf("a standard row needs an effective date")
	}
	return nil
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
	if err := checkStandardRow(&r); err != nil {
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
