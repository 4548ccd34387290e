package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
)

var _ floorplan.CertificateStore = (*Store)(nil)

// The usage certificates (migration 0024): the rooms as recorded at issue are a jsonb array; a row is
// revoked once and otherwise never changed (a trigger refuses the rest).

const (
	insertCertificateSQL = `
INSERT INTO certificates (id, code, agency_id, rooms, total_area_m2, application_id, issued_by)
SELECT $1, $2, $3, $4::jsonb, $5, $6, $7
 WHERE EXISTS (SELECT 1 FROM agencies WHERE id = $3 AND deleted_at IS NULL)
RETURNING issued_at`
	certificateColumnsSQL = `
SELECT id, code, agency_id, rooms::text, total_area_m2, application_id, issued_by, issued_at, revoked_at, revoked_by, revoke_reason
  FROM certificates`
	certificateSQL       = certificateColumnsSQL + ` WHERE id = $1`
	certificateByCodeSQL = certificateColumnsSQL + ` WHERE code = $1`
	certificatesSQL      = certificateColumnsSQL + ` WHERE ($1::uuid IS NULL OR agency_id = $1) ORDER BY issued_at DESC, seq DESC`
	revokeCertificateSQL = `
UPDATE certificates SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL`
	certificateExistsSQL = `SELECT count(*) FROM certificates WHERE id = $1`
)

// CreateCertificate stores c for a live agency.
func (s *Store) CreateCertificate(ctx context.Context, c *floorplan.Certificate) error {
	if err := c.Validate(); err != nil {
		return err
	}
	rooms, err := json.Marshal(c.Rooms)
	if err != nil {
		return err
	}
	by := floorplan.ActorFrom(ctx)
	var at time.Time
	err = s.create(ctx, &c.ID, func(tx pgx.Tx, id uuid.UUID) error {
		err := tx.QueryRow(ctx, insertCertificateSQL, id, c.Code, c.AgencyID, string(rooms), c.TotalAreaM2,
			nullID(c.ApplicationID), by).Scan(&at)
		if err == pgx.ErrNoRows {
			return notFound("agency", c.AgencyID)
		}
		return err
	})
	if err != nil {
		return mapError(err)
	}
	c.IssuedAt, c.IssuedBy = at.In(s.loc), by
	return nil
}

// RevokeCertificate revokes a certificate not yet revoked.
func (s *Store) RevokeCertificate(ctx context.Context, id uuid.UUID, by, reason string) error {
	if reason == "" {
		return fmt.Errorf("%w: a revocation needs a reason", floorplan.ErrInvalid)
	}
	return mapError(s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, revokeCertificateSQL, id, by, reason)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var found int
		if err := tx.QueryRow(ctx, certificateExistsSQL, id).Scan(&found); err != nil {
			return err
		}
		if found == 0 {
			return notFound("certificate", id)
		}
		return newError(floorplan.ErrConflict, nil, "certificate %s is already revoked", id)
	}))
}

// Certificate returns a certificate by id.
func (s *Store) Certificate(ctx context.Context, id uuid.UUID) (floorplan.Certificate, error) {
	return readOne(ctx, s, s.scanCertificate, certificateSQL, "certificate", id)
}

// CertificateByCode returns the certificate of a verification code.
func (s *Store) CertificateByCode(ctx context.Context, code string) (floorplan.Certificate, error) {
	c, err := readRow(ctx, s, s.scanCertificate, certificateByCodeSQL, code)
	if err == pgx.ErrNoRows {
		return c, newError(floorplan.ErrNotFound, nil, "certificate code")
	}
	return c, mapError(err)
}

// Certificates lists certificates, newest first.
func (s *Store) Certificates(ctx context.Context, f floorplan.CertificateFilter) ([]floorplan.Certificate, error) {
	return readAll(ctx, s, s.scanCertificate, certificatesSQL, nullID(f.AgencyID))
}

func (s *Store) scanCertificate(row pgx.Row) (floorplan.Certificate, error) {
	var c floorplan.Certificate
	var rooms string
	err := row.Scan(uuidDst(&c.ID), &c.Code, uuidDst(&c.AgencyID), &rooms, &c.TotalAreaM2, optionalIDDst(&c.ApplicationID),
		&c.IssuedBy, &c.IssuedAt, instantDst(&c.RevokedAt, s.loc), &c.RevokedBy, &c.RevokeReason)
	if err != nil {
		return c, err
	}
	c.IssuedAt = c.IssuedAt.In(s.loc)
	if err := json.Unmarshal([]byte(rooms), &c.Rooms); err != nil {
		return c, fmt.Errorf("postgis: certificate rooms: %w", err)
	}
	return c, nil
}
