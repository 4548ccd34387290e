package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.PartStore = (*Store)(nil)

// The stored parts (floorplan/partresults.go): the attribute tables part_results, one row per agency whose
// part was stored, and part_counters, the change counter of each agency that the triggers of schema version
// 11 (sqlMigrateV11) move on in the transaction of every change, as the PostGIS schema's
// (migrations/0015_part_results.sql) do, row by row. The parts are derived data: their writes record no
// history (and so do not move the revision).

// nilPart and everyPart are the keys of the counters of the records of no agency, and of every agency.
const (
	nilPart   = "00000000-0000-0000-0000-000000000000"
	everyPart = "ffffffff-ffff-ffff-ffff-ffffffffffff"
)

// partsRoomClosure selects the agencies of room <x> and of everyone assigned to it (ended assignments
// too); partsPersonClosure those of person <x> and the closure of every room they are assigned to.
const (
	partsRoomClosure = `SELECT r.agency_id AS a FROM rooms_all r WHERE r.id = <x>
    UNION ALL SELECT p.agency_id FROM assignments s JOIN people p ON p.id = s.person_id
     WHERE s.room_id = <x> AND s.deleted_at IS NULL`
	partsPersonClosure = `SELECT p.agency_id AS a FROM people p WHERE p.id = <x>
    UNION ALL SELECT r.agency_id FROM assignments s JOIN rooms_all r ON r.id = s.room_id
     WHERE s.person_id = <x> AND s.deleted_at IS NULL
    UNION ALL SELECT p2.agency_id FROM assignments s
      JOIN assignments s2 ON s2.room_id = s.room_id AND s2.deleted_at IS NULL
      JOIN people p2 ON p2.id = s2.person_id
     WHERE s.person_id = <x> AND s.deleted_at IS NULL`
)

// partsBump is the statement that moves on the counters of the agencies that <agencies> selects (as a;
// NULL: no agency).
const partsBump = `INSERT INTO part_counters (agency_id, n)
  SELECT DISTINCT coalesce(a, '` + nilPart + `'), 1 FROM (<agencies>) WHERE true
  ON CONFLICT (agency_id) DO UPDATE SET n = n + 1;`

// partsBumpEvery moves on the counter of every agency when <when> holds.
const partsBumpEvery = `INSERT INTO part_counters (agency_id, n) SELECT '` + everyPart + `', 1 WHERE <when>
  ON CONFLICT (agency_id) DO UPDATE SET n = n + 1;`

// noOtherLiveRoom holds when the register has no live room but <x>.
const noOtherLiveRoom = `NOT EXISTS (SELECT 1 FROM rooms_all o WHERE o.deleted_at IS NULL AND o.id <> <x>)`

// agencyMoved holds when an agency's update changes its people's standards (level, scale) or its life.
const agencyMoved = `(OLD.level IS NOT NEW.level OR OLD.scale IS NOT NEW.scale OR OLD.deleted_at IS NOT NEW.deleted_at)`

func with(s, x string) string { return strings.ReplaceAll(s, "<x>", x) }

func bump(agencies ...string) string {
	return strings.ReplaceAll(partsBump, "<agencies>", strings.Join(agencies, "\n    UNION ALL "))
}

func bumpEvery(when string) string { return strings.ReplaceAll(partsBumpEvery, "<when>", when) }

// sqlMigrateV11 creates the stored parts, empty, and the triggers that keep the counters.
var sqlMigrateV11 = `
CREATE TABLE part_counters (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  agency_id TEXT NOT NULL UNIQUE,
  n INTEGER NOT NULL
);
CREATE TABLE part_results (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  agency_id TEXT NOT NULL UNIQUE,
  as_of DATE NOT NULL,
  n INTEGER NOT NULL,
  every_n INTEGER NOT NULL,
  policy TEXT NOT NULL,
  results BLOB NOT NULL,
  totals TEXT
);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('part_counters', 'attributes', 'part_counters', 'the change counter of each agency''s stored part (floorplan/partresults.go)', NULL),
  ('part_results', 'attributes', 'part_results', 'each agency''s part of the day''s evaluation (floorplan/partresults.go)', NULL);

CREATE TRIGGER rooms_parts_insert AFTER INSERT ON rooms_all BEGIN
  ` + bump(`SELECT NEW.agency_id AS a`) + `
  ` + bumpEvery(`NEW.deleted_at IS NULL AND `+with(noOtherLiveRoom, "NEW.id")) + `
END;
CREATE TRIGGER rooms_parts_update AFTER UPDATE ON rooms_all BEGIN
  ` + bump(`SELECT OLD.agency_id AS a`, with(partsRoomClosure, "NEW.id")) + `
  ` + bumpEvery(`(OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) AND `+with(noOtherLiveRoom, "NEW.id")) + `
END;
CREATE TRIGGER rooms_parts_delete AFTER DELETE ON rooms_all BEGIN
  ` + bump(`SELECT OLD.agency_id AS a`, with(partsRoomClosure, "OLD.id")) + `
  ` + bumpEvery(with(noOtherLiveRoom, "OLD.id")) + `
END;

CREATE TRIGGER people_parts_insert AFTER INSERT ON people BEGIN
  ` + bump(`SELECT NEW.agency_id AS a`) + `
END;
CREATE TRIGGER people_parts_update AFTER UPDATE ON people BEGIN
  ` + bump(`SELECT OLD.agency_id AS a`, with(partsPersonClosure, "NEW.id")) + `
END;
CREATE TRIGGER people_parts_delete AFTER DELETE ON people BEGIN
  ` + bump(`SELECT OLD.agency_id AS a`, with(partsPersonClosure, "OLD.id")) + `
END;

CREATE TRIGGER posts_parts_insert AFTER INSERT ON posts BEGIN
  ` + bump(`SELECT NEW.agency_id AS a`, `SELECT p.agency_id FROM people p WHERE p.id = NEW.person_id`) + `
END;
CREATE TRIGGER posts_parts_update AFTER UPDATE ON posts BEGIN
  ` + bump(`SELECT NEW.agency_id AS a`, `SELECT OLD.agency_id`,
	`SELECT p.agency_id FROM people p WHERE p.id IN (NEW.person_id, OLD.person_id)`) + `
END;
CREATE TRIGGER posts_parts_delete AFTER DELETE ON posts BEGIN
  ` + bump(`SELECT OLD.agency_id AS a`, `SELECT p.agency_id FROM people p WHERE p.id = OLD.person_id`) + `
END;

CREATE TRIGGER assignments_parts_insert AFTER INSERT ON assignments BEGIN
  ` + bump(with(partsPersonClosure, "NEW.person_id"), with(partsRoomClosure, "NEW.room_id")) + `
END;
CREATE TRIGGER assignments_parts_update AFTER UPDATE ON assignments BEGIN
  ` + bump(with(partsPersonClosure, "NEW.person_id"), with(partsRoomClosure, "NEW.room_id"),
	with(partsPersonClosure, "OLD.person_id"), with(partsRoomClosure, "OLD.room_id")) + `
END;
CREATE TRIGGER assignments_parts_delete AFTER DELETE ON assignments BEGIN
  ` + bump(with(partsPersonClosure, "OLD.person_id"), with(partsRoomClosure, "OLD.room_id")) + `
END;

CREATE TRIGGER agencies_parts_insert AFTER INSERT ON agencies BEGIN
  ` + bump(`SELECT NEW.id AS a`) + `
END;
CREATE TRIGGER agencies_parts_update AFTER UPDATE ON agencies BEGIN
  ` + bump(`SELECT NEW.id AS a`, `SELECT OLD.id`,
	`SELECT x FROM (SELECT NEW.parent_id AS x UNION ALL SELECT OLD.parent_id UNION ALL SELECT NEW.successor_id
       UNION ALL SELECT OLD.successor_id) WHERE x IS NOT NULL`,
	`SELECT r.agency_id FROM people pp
      JOIN assignments s ON s.person_id = pp.id AND s.deleted_at IS NULL JOIN rooms_all r ON r.id = s.room_id
     WHERE pp.agency_id = NEW.id AND `+agencyMoved,
	`SELECT p2.agency_id FROM people pp
      JOIN assignments s ON s.person_id = pp.id AND s.deleted_at IS NULL
      JOIN assignments s2 ON s2.room_id = s.room_id AND s2.deleted_at IS NULL JOIN people p2 ON p2.id = s2.person_id
     WHERE pp.agency_id = NEW.id AND `+agencyMoved) + `
END;
CREATE TRIGGER agencies_parts_delete AFTER DELETE ON agencies BEGIN
  ` + bump(`SELECT OLD.id AS a`) + `
END;

CREATE TRIGGER standard_rows_parts_insert AFTER INSERT ON standard_rows BEGIN
  ` + bumpEvery("true") + `
END;
CREATE TRIGGER standard_rows_parts_update AFTER UPDATE ON standard_rows BEGIN
  ` + bumpEvery("true") + `
END;
CREATE TRIGGER standard_rows_parts_delete AFTER DELETE ON standard_rows BEGIN
  ` + bumpEvery("true") + `
END;
`

const (
	sqlPartCounter  = `SELECT coalesce((SELECT n FROM part_counters WHERE agency_id = ?1), 0)`
	sqlLiveAgencies = `SELECT id FROM agencies WHERE deleted_at IS NULL`
	sqlPartHead     = `SELECT as_of, n, every_n, policy FROM part_results WHERE agency_id = ?1`
	sqlPartResult   = `SELECT as_of, n, every_n, policy, results, totals FROM part_results WHERE agency_id = ?1`
	sqlPartTotals   = `SELECT as_of, n, every_n, policy, NULL, totals FROM part_results WHERE agency_id = ?1`
	// sqlPutPart adds or replaces a part, but keeps a stored part of the same day and policy evaluated at a
	// later mark.
	sqlPutPart = `INSERT INTO part_results (agency_id, as_of, n, every_n, policy, results, totals)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (agency_id) DO UPDATE SET as_of = excluded.as_of, n = excluded.n, every_n = excluded.every_n,
  policy = excluded.policy, results = excluded.results, totals = excluded.totals
WHERE NOT (part_results.as_of = excluded.as_of AND part_results.policy = excluded.policy
           AND (part_results.n > excluded.n OR part_results.every_n > excluded.every_n))`
)

// PartHeads returns the heads of the parts of agencies (nil: uuid.Nil and every live agency), by id, read
// in one transaction.
func (s *Store) PartHeads(ctx context.Context, agencies []uuid.UUID) ([]floorplan.PartHead, error) {
	var out []floorplan.PartHead
	err := s.read(ctx, func(q querier) error {
		ids := agencies
		if ids == nil {
			var err error
			if ids, err = liveAgencies(ctx, q); err != nil {
				return err
			}
		}
		ids = sortedIDs(ids)
		var every int64
		if err := q.QueryRowContext(ctx, sqlPartCounter, everyPart).Scan(&every); err != nil {
			return err
		}
		out = make([]floorplan.PartHead, 0, len(ids))
		for _, id := range ids {
			h := floorplan.PartHead{AgencyID: id, Current: floorplan.PartMark{Every: every}}
			if err := q.QueryRowContext(ctx, sqlPartCounter, id.String()).Scan(&h.Current.Agency); err != nil {
				return err
			}
			err := q.QueryRowContext(ctx, sqlPartHead, id.String()).Scan(dateCol{&h.AsOf}, &h.Mark.Agency, &h.Mark.Every,
				&h.Policy)
			switch {
			case err == nil:
				h.Stored = true
			case err != sql.ErrNoRows:
				return err
			}
			out = append(out, h)
		}
		return nil
	})
	return out, err
}

// liveAgencies returns uuid.Nil and the ids of the live agencies.
func liveAgencies(ctx context.Context, q querier) ([]uuid.UUID, error) {
	rows, err := q.QueryContext(ctx, sqlLiveAgencies)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []uuid.UUID{uuid.Nil}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(idCol{&id}); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sortedIDs is ids by bytes, each once.
func sortedIDs(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	seen := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}

// PartResults calls fn with the stored parts of agencies, by id; with totalsOnly, their heads and totals.
// The parts are read in one transaction, then handed to fn.
func (s *Store) PartResults(ctx context.Context, agencies []uuid.UUID, totalsOnly bool,
	fn func(floorplan.StoredPart) error) error {
	q := sqlPartResult
	if totalsOnly {
		q = sqlPartTotals
	}
	type encodedPart struct {
		floorplan.StoredPart
		results []byte
	}
	var parts []encodedPart
	err := s.read(ctx, func(qr querier) error {
		for _, id := range sortedIDs(agencies) {
			p := encodedPart{StoredPart: floorplan.StoredPart{AgencyID: id}}
			var totals sql.NullString
			err := qr.QueryRowContext(ctx, q, id.String()).Scan(dateCol{&p.AsOf}, &p.Mark.Agency, &p.Mark.Every,
				&p.Policy, &p.results, &totals)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			if totals.Valid {
				if err := json.Unmarshal([]byte(totals.String), &p.Totals); err != nil {
					return fmt.Errorf("gpkg: the totals of the stored part of agency %s: %w", id, err)
				}
			}
			parts = append(parts, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The results are decoded one part at a time, as fn takes them.
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

// PutParts adds or replaces parts, in one write transaction (or InTx's).
func (s *Store) PutParts(ctx context.Context, parts []floorplan.StoredPart) error {
	for _, p := range parts {
		if p.AsOf.IsZero() {
			return fmt.Errorf("gpkg: the part of agency %s has no day: %w", p.AgencyID, floorplan.ErrInvalid)
		}
	}
	return s.write(ctx, func(q querier) error {
		for _, p := range parts {
			results, err := floorplan.EncodePartResults(p)
			if err != nil {
				return err
			}
			var totals any
			if len(p.Totals) > 0 {
				b, err := json.Marshal(p.Totals)
				if err != nil {
					return err
				}
				totals = string(b)
			}
			if _, err := q.ExecContext(ctx, sqlPutPart, p.AgencyID.String(), nullDate(p.AsOf), p.Mark.Agency,
				p.Mark.Every, p.Policy, results, totals); err != nil {
				return fmt.Errorf("store the part of agency %s: %w", p.AgencyID, err)
			}
		}
		return nil
	})
}
