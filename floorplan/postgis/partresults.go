package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.PartStore = (*Store)(nil)

// The stored parts (floorplan/partresults.go) are the table part_results, and the change counters that the
// schema's triggers move on are part_counters (migrations/0015_part_results.sql). The parts are derived
// data: writing them records no history and does not move the register's revision.

// everyPart is the key of the counter of every agency in part_counters.
var everyPart = uuid.Max

const (
	// partHeadsSQL reads the heads of the parts of the agencies $1 (NULL: uuid.Nil and every live agency).
	partHeadsSQL = `
WITH ids AS (
    SELECT DISTINCT i AS id FROM unnest($1::uuid[]) AS i WHERE $1::uuid[] IS NOT NULL
    UNION SELECT '00000000-0000-0000-0000-000000000000'::uuid WHERE $1::uuid[] IS NULL
    UNION SELECT a.id FROM agencies a WHERE $1::uuid[] IS NULL AND a.deleted_at IS NULL)
SELECT i.id, coalesce(c.n, 0), coalesce((SELECT e.n FROM part_counters e WHERE e.agency_id = $2), 0),
       r.agency_id IS NOT NULL, r.as_of, coalesce(r.n, 0), coalesce(r.every_n, 0), coalesce(r.policy, '')
  FROM ids i
  LEFT JOIN part_counters c ON c.agency_id = i.id
  LEFT JOIN part_results r ON r.agency_id = i.id
 ORDER BY i.id`
	// partResultsSQL reads the stored parts of the agencies $1; partTotalsSQL only their heads and totals.
	partResultsSQL = `SELECT agency_id, as_of, n, every_n, policy, results, totals
  FROM part_results WHERE agency_id = ANY ($1::uuid[]) ORDER BY agency_id`
	partTotalsSQL = `SELECT agency_id, as_of, n, every_n, policy, NULL::bytea, totals
  FROM part_results WHERE agency_id = ANY ($1::uuid[]) ORDER BY agency_id`
	// putPartsSQL adds or replaces the parts given as parallel arrays, but keeps a stored part of the same day
	// and policy evaluated at a later mark.
	putPartsSQL = `
INSERT INTO part_results AS r (agency_id, as_of, n, every_n, policy, results, totals)
SELECT u.agency_id, u.as_of::date, u.n, u.every_n, u.policy, u.results, u.totals::json
  FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::bytea[], $7::text[])
       AS u(agency_id, as_of, n, every_n, policy, results, totals)
ON CONFLICT (agency_id) DO UPDATE
   SET as_of = EXCLUDED.as_of, n = EXCLUDED.n, every_n = EXCLUDED.every_n, policy = EXCLUDED.policy,
       results = EXCLUDED.results, totals = EXCLUDED.totals
 WHERE NOT (r.as_of = EXCLUDED.as_of AND r.policy = EXCLUDED.policy
            AND (r.n > EXCLUDED.n OR r.every_n > EXCLUDED.every_n))`
)

// PartHeads returns the heads of the parts of agencies (nil: uuid.Nil and every live agency), by id, read
// in one transaction.
func (s *Store) PartHeads(ctx context.Context, agencies []uuid.UUID) ([]floorplan.PartHead, error) {
	var ids any // nil: NULL, every agency
	if agencies != nil {
		ids = uuidArray(agencies)
	}
	heads, err := readAll(ctx, s, scanPartHead, partHeadsSQL, ids, everyPart)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(heads, func(a, b floorplan.PartHead) int { return compareUUID(a.AgencyID, b.AgencyID) })
	return heads, nil
}

func scanPartHead(row pgx.Row) (floorplan.PartHead, error) {
	var h floorplan.PartHead
	err := row.Scan(&h.AgencyID, &h.Current.Agency, &h.Current.Every, &h.Stored, dateDst(&h.AsOf), &h.Mark.Agency,
		&h.Mark.Every, &h.Policy)
	return h, err
}

// compareUUID orders ids by their bytes, as floorplan does.
func compareUUID(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }

// PartResults calls fn with the stored parts of agencies, by id; with totalsOnly, their heads and totals.
// The parts are read in one transaction, then handed to fn.
func (s *Store) PartResults(ctx context.Context, agencies []uuid.UUID, totalsOnly bool,
	fn func(floorplan.StoredPart) error) error {
	if len(agencies) == 0 {
		return nil
	}
	q := partResultsSQL
	if totalsOnly {
		q = partTotalsSQL
	}
	parts, err := readAll(ctx, s, scanStoredPart, q, uuidArray(agencies))
	if err != nil {
		return err
	}
	// The results are decoded one part at a time, as fn takes them: a province's agency is tens of
	// megabytes decoded, a few compressed.
	for i := range parts {
		p := &parts[i]
		if p.results != nil {
			if err := floorplan.DecodePartResults(p.results, &p.StoredPart); err != nil {
				return err
			}
		}
		if err := fn(p.StoredPart); err != nil {
			return err
		}
		parts[i] = encodedPart{}
	}
	return nil
}

// encodedPart is a stored part read with its results still encoded (EncodePartResults).
type encodedPart struct {
	floorplan.StoredPart
	results []byte
}

func scanStoredPart(row pgx.Row) (encodedPart, error) {
	var p encodedPart
	var totals []byte
	if err := row.Scan(&p.AgencyID, dateDst(&p.AsOf), &p.Mark.Agency, &p.Mark.Every, &p.Policy, &p.results,
		&totals); err != nil {
		return p, err
	}
	if totals != nil {
		if err := json.Unmarshal(totals, &p.Totals); err != nil {
			return p, fmt.Errorf("postgis: the totals of the stored part of agency %s: %w", p.AgencyID, err)
		}
	}
	return p, nil
}

// PutParts adds or replaces parts, in one transaction of their own (or InTx's), without moving the
// register's revision.
func (s *Store) PutParts(ctx context.Context, parts []floorplan.StoredPart) error {
	if len(parts) == 0 {
		return nil
	}
	n := len(parts)
	ids, days, policies := make([][16]byte, n), make([]string, n), make([]string, n)
	marks, every := make([]int64, n), make([]int64, n)
	results, totals := make([][]byte, n), make([]*string, n)
	for i, p := range parts {
		if p.AsOf.IsZero() {
			return fmt.Errorf("postgis: the part of agency %s has no day: %w", p.AgencyID, floorplan.ErrInvalid)
		}
		ids[i], days[i], policies[i] = p.AgencyID, p.AsOf.Format(time.DateOnly), p.Policy
		marks[i], every[i] = p.Mark.Agency, p.Mark.Every
		var err error
		if results[i], err = floorplan.EncodePartResults(p); err != nil {
			return err
		}
		if len(p.Totals) > 0 {
			t, err := jsonArray(p.Totals)
			if err != nil {
				return err
			}
			totals[i] = &t
		}
	}
	put := func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, putPartsSQL, ids, days, marks, every, policies, results, totals)
		return err
	}
	if s.tx != nil {
		return mapError(put(s.tx))
	}
	return mapError(s.transact(ctx, readWrite, "", put))
}

// jsonArray is v as a JSON array, [] for an empty slice.
func jsonArray[T any](v []T) (string, error) {
	if v == nil {
		v = []T{}
	}
	b, err := json.Marshal(v)
	return string(b), err
}
