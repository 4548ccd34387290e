package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.NoticeStore = (*Store)(nil)

// The in-app notices of the online handling (migration 0025, floorplan/notices.go) and who read them.
// Notices are not part of the register: each is written in one statement outside the register's write
// path (no history, no revision).

const (
	// insertNoticeSQL stores a notice; with a key ($10) its application has already, it stores nothing and
	// returns no row (migration 0031).
	insertNoticeSQL = `
INSERT INTO notices (id, created_at, role, agency_id, user_id, application_id, kind, title, body, once)
VALUES ($1, coalesce($2, now()), $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (application_id, once) WHERE once IS NOT NULL DO NOTHING
RETURNING created_at`
	// noticesSQL: $1 application, $2 kind, $3 roles (NULL for any), $4 the user (recipient and reader),
	// $5 unread only, $6 created after, $7 the limit, $8 one notice.
	noticesSQL = `
SELECT n.id, n.created_at, coalesce(n.role, ''), n.agency_id, n.user_id, n.application_id, n.kind, n.title, n.body,
       EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = $4)
  FROM notices n
 WHERE ($1::uuid IS NULL OR n.application_id = $1) AND ($2 = '' OR n.kind = $2)
   AND (($3::text[] IS NULL AND $4::uuid IS NULL) OR n.role = ANY ($3) OR n.user_id = $4)
   AND (NOT $5 OR NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.user_id = $4))
   AND ($6::timestamptz IS NULL OR n.created_at > $6) AND ($8::uuid IS NULL OR n.id = $8)
 ORDER BY n.created_at DESC, n.seq DESC LIMIT $7`
	// markReadSQL records a read of a notice that exists, once, and counts the notice (0: none).
	markReadSQL = `
WITH n AS (SELECT id FROM notices WHERE id = $1),
     ins AS (INSERT INTO notice_reads (notice_id, user_id, read_at) SELECT id, $2, $3 FROM n ON CONFLICT DO NOTHING)
SELECT count(*) FROM n`
	// claimDeliverySQL claims the delivery of a notice that exists ($1) at $2, unless it is claimed already,
	// and counts the notice (0: none) and the claims it made (1: this one is the first).
	claimDeliverySQL = `
WITH n AS (SELECT id FROM notices WHERE id = $1),
     ins AS (INSERT INTO notice_deliveries (notice_id, claimed_at) SELECT id, $2 FROM n ON CONFLICT DO NOTHING
             RETURNING notice_id)
SELECT (SELECT count(*) FROM n), (SELECT count(*) FROM ins)`
)

// AddNotice stores n (see floorplan.NoticeStore).
func (s *Store) AddNotice(ctx context.Context, n *floorplan.Notice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	var role, once any
	if n.Role != "" {
		role = n.Role
	}
	if n.Once != "" {
		once = n.Once
	}
	id := newID(n.ID)
	var at time.Time
	err := s.exec(ctx, func(q querier) error {
		return q.QueryRow(ctx, insertNoticeSQL, id, nullTime(n.CreatedAt), role, nullID(n.AgencyID), nullID(n.UserID),
			n.ApplicationID, n.Kind, n.Title, n.Body, once).Scan(&at)
	})
	if errors.Is(err, pgx.ErrNoRows) { // the key is taken: another notice of the application has it
		n.ID = uuid.Nil
		return nil
	}
	if err != nil {
		return mapError(err)
	}
	n.ID, n.CreatedAt = id, at.In(s.loc)
	return nil
}

// Notices lists the notices f selects, newest first.
func (s *Store) Notices(ctx context.Context, f floorplan.NoticeFilter) ([]floorplan.Notice, error) {
	var roles any
	if len(f.Roles) > 0 {
		roles = f.Roles
	}
	limit := f.Limit
	if limit <= 0 || limit > floorplan.MaxNotices {
		limit = floorplan.MaxNotices
	}
	out, err := readAll(ctx, s, s.scanNotice, noticesSQL, nullID(f.ApplicationID), f.Kind, roles, nullID(f.UserID),
		f.Unread, nullTime(f.After), limit, nullID(f.ID))
	if out == nil && err == nil {
		out = []floorplan.Notice{}
	}
	return out, mapError(err)
}

func (s *Store) scanNotice(row pgx.Row) (floorplan.Notice, error) {
	var n floorplan.Notice
	err := row.Scan(uuidDst(&n.ID), &n.CreatedAt, &n.Role, optionalIDDst(&n.AgencyID), optionalIDDst(&n.UserID),
		uuidDst(&n.ApplicationID), &n.Kind, &n.Title, &n.Body, &n.Read)
	n.CreatedAt = n.CreatedAt.In(s.loc)
	return n, err
}

// MarkRead records that user read notice id at at; again is no change.
func (s *Store) MarkRead(ctx context.Context, id, user uuid.UUID, at time.Time) error {
	var found int
	err := s.exec(ctx, func(q querier) error {
		return q.QueryRow(ctx, markReadSQL, id, user, at).Scan(&found)
	})
	if err != nil {
		return mapError(err)
	}
	if found == 0 {
		return notFound("notice", id)
	}
	return nil
}

// ClaimDelivery claims the delivery of notice id at at: true when this is the first claim (migration 0029).
func (s *Store) ClaimDelivery(ctx context.Context, id uuid.UUID, at time.Time) (bool, error) {
	var found, claimed int
	err := s.exec(ctx, func(q querier) error {
		return q.QueryRow(ctx, claimDeliverySQL, id, at).Scan(&found, &claimed)
	})
	if err != nil {
		return false, mapError(err)
	}
	if found == 0 {
		return false, notFound("notice", id)
	}
	return claimed == 1, nil
}
