package gpkg

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.NoticeStore = (*Store)(nil)

// The in-app notices of the online handling (floorplan/notices.go) and who read them, as attribute tables.
// Notices are not part of the register: no history, no revision. A notice is never changed; a read is
// recorded once per user.

// sqlMigrateV19 is the schema part of version 19: the in-app notices (notices.go), empty, as the PostGIS
// migration 0025_notices. It may run again on a file that has them (IF NOT EXISTS, OR IGNORE).
const sqlMigrateV19 = `
CREATE TABLE IF NOT EXISTS notices (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created_at DATETIME NOT NULL,
  role TEXT,
  agency_id TEXT,
  user_id TEXT,
  application_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  CHECK (role IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS notices_created_idx ON notices (created_at);
CREATE INDEX IF NOT EXISTS notices_application_idx ON notices (application_id, kind);
CREATE TABLE IF NOT EXISTS notice_reads (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id TEXT NOT NULL REFERENCES notices (id),
  user_id TEXT NOT NULL,
  read_at DATETIME NOT NULL,
  UNIQUE (notice_id, user_id)
);
CREATE TRIGGER IF NOT EXISTS notices_unchanged BEFORE UPDATE ON notices
BEGIN SELECT RAISE(ABORT, 'notices are never changed'); END;
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('notices', 'attributes', 'notices', 'the online handling''s notices (floorplan/notices.go)', NULL),
  ('notice_reads', 'attributes', 'notice_reads', 'who read which notice (floorplan/notices.go)', NULL);
`

// sqlMigrateV23 is the schema part of version 23: the claims of the notices' deliveries outside the app, as
// the PostGIS migration 0029_notice_deliveries (one server hands each notice over: ClaimDelivery). It may run
// again on a file that has them.
const sqlMigrateV23 = `
CREATE TABLE IF NOT EXISTS notice_deliveries (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id TEXT NOT NULL UNIQUE REFERENCES notices (id),
  claimed_at DATETIME NOT NULL
);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('notice_deliveries', 'attributes', 'notice_deliveries', 'which notices a server has handed over (floorplan/notices.go)', NULL);
`

// sqlMigrateV24 is the schema part of version 24: a notice's key among its application's (once), as the
// PostGIS migration 0031_notice_once (an overdue step visit is escalated once, whichever server checks first).
const sqlMigrateV24 = `
ALTER TABLE notices ADD COLUMN once TEXT;
CREATE UNIQUE INDEX notices_once_idx ON notices (application_id, once) WHERE once IS NOT NULL;
`

const (
	// sqlClaimDelivery claims the delivery of notice ?1 at ?2 unless it is claimed already.
	sqlClaimDelivery = `INSERT INTO notice_deliveries (notice_id, claimed_at) VALUES (?1, ?2) ON CONFLICT (notice_id) DO NOTHING`
	// sqlInsertNotice stores a notice; with a key (?10) its application has already, it stores nothing.
	sqlInsertNotice = `INSERT INTO notices (id, created_at, role, agency_id, user_id, application_id, kind, title, body, once)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
    ON CONFLICT (application_id, once) WHERE once IS NOT NULL DO NOTHING`
	// sqlNotices: ?1 application, ?2 kind, ?3 roles (a JSON array, NULL for any), ?4 the user (recipient
	// and reader), ?5 unread only, ?6 created after (DATETIME text), ?7 the limit, ?8 one notice.
	sqlNotices = `SELECT n.id, CAST(n.created_at AS TEXT), coalesce(n.role, ''), n.agency_id, n.user_id, n.application_id,
       n.kind, n.title, n.body,
       EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = ?4)
  FROM notices n
 WHERE (?1 IS NULL OR n.application_id = ?1) AND (?2 = '' OR n.kind = ?2)
   AND ((?3 IS NULL AND ?4 IS NULL) OR n.role IN (SELECT value FROM json_each(?3)) OR n.user_id = ?4)
   AND (?5 = 0 OR NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = ?4))
   AND (?6 IS NULL OR n.created_at > ?6) AND (?8 IS NULL OR n.id = ?8)
 ORDER BY n.created_at DESC, n.fid DESC LIMIT ?7`
	sqlNoticeExists = `SELECT count(*) FROM notices WHERE id = ?1`
	sqlMarkRead     = `INSERT INTO notice_reads (notice_id, user_id, read_at) VALUES (?1, ?2, ?3)
 ON CONFLICT (notice_id, user_id) DO NOTHING`
)

// AddNotice stores n (see floorplan.NoticeStore).
func (s *Store) AddNotice(ctx context.Context, n *floorplan.Notice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	at := n.CreatedAt
	if at.IsZero() {
		at = s.now()
	}
	at, text := instant(at)
	var role, once any
	if n.Role != "" {
		role = n.Role
	}
	if n.Once != "" {
		once = n.Once
	}
	id := newID(n.ID)
	var stored int64
	err := s.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, sqlInsertNotice, id.String(), text, role, nullID(n.AgencyID), nullID(n.UserID),
			n.ApplicationID.String(), n.Kind, n.Title, n.Body, once)
		if err != nil {
			return err
		}
		stored, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return wrapErr(err)
	}
	if stored == 0 { // the key is taken: another notice of the application has it
		n.ID = uuid.Nil
		return nil
	}
	n.ID, n.CreatedAt = id, at.In(s.loc)
	return nil
}

// Notices lists the notices f selects, newest first.
func (s *Store) Notices(ctx context.Context, f floorplan.NoticeFilter) ([]floorplan.Notice, error) {
	var roles any
	if len(f.Roles) > 0 {
		b, err := json.Marshal(f.Roles)
		if err != nil {
			return nil, err
		}
		roles = string(b)
	}
	unread := 0
	if f.Unread {
		unread = 1
	}
	limit := f.Limit
	if limit <= 0 || limit > floorplan.MaxNotices {
		limit = floorplan.MaxNotices
	}
	return collect(ctx, s.reader(), s.scanNotice, sqlNotices, nullID(f.ApplicationID), f.Kind, roles, nullID(f.UserID),
		unread, nullInstant(f.After), limit, nullID(f.ID))
}

func (s *Store) scanNotice(row scanner) (floorplan.Notice, error) {
	var n floorplan.Notice
	err := row.Scan(idCol{&n.ID}, instantCol{&n.CreatedAt, s.loc}, &n.Role, idCol{&n.AgencyID}, idCol{&n.UserID},
		idCol{&n.ApplicationID}, &n.Kind, &n.Title, &n.Body, &n.Read)
	return n, err
}

// MarkRead records that user read notice id at at; again is no change.
func (s *Store) MarkRead(ctx context.Context, id, user uuid.UUID, at time.Time) error {
	_, text := instant(at)
	return wrapErr(s.write(ctx, func(q querier) error {
		var found int
		if err := q.QueryRowContext(ctx, sqlNoticeExists, id.String()).Scan(&found); err != nil {
			return err
		}
		if found == 0 {
			return notFound("notice", id)
		}
		_, err := q.ExecContext(ctx, sqlMarkRead, id.String(), user.String(), text)
		return err
	}))
}

// ClaimDelivery claims the delivery of notice id at at: true when this is the first claim (schema version 23).
func (s *Store) ClaimDelivery(ctx context.Context, id uuid.UUID, at time.Time) (bool, error) {
	_, text := instant(at)
	var claimed bool
	err := s.write(ctx, func(q querier) error {
		var found int
		if err := q.QueryRowContext(ctx, sqlNoticeExists, id.String()).Scan(&found); err != nil {
			return err
		}
		if found == 0 {
			return notFound("notice", id)
		}
		res, err := q.ExecContext(ctx, sqlClaimDelivery, id.String(), text)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, wrapErr(err)
}
