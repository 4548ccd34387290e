package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

var _ floorplan.CertificateStore = (*Store)(nil)

// The usage certificates (floorplan/certificates.go) as an attribute table: the rooms as recorded at
// issue are a JSON array; a row is never changed except to be revoked once, and never deleted.

// sqlMigrateV18 creates the certificates' table, empty, as the PostGIS migration 0024_certificates.
const sqlMigrateV18 = `
CREATE TABLE certificates (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL UNIQUE CHECK (length(code) = 26),
  agency_id TEXT NOT NULL REFERENCES agencies (id),
  rooms TEXT NOT NULL CHECK (json_type(rooms) = 'array'),
  total_area_m2 REAL NOT NULL CHECK (total_area_m2 >= 0),
  application_id TEXT,
  issued_by TEXT NOT NULL,
  issued_at DATETIME NOT NULL,
  revoked_at DATETIME,
  revoked_by TEXT NOT NULL DEFAULT '',
  revoke_reason TEXT NOT NULL DEFAULT '',
  CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
);
CREATE INDEX certificates_agency_idx ON certificates (agency_id, issued_at);
CREATE TRIGGER certificates_revoke_only BEFORE UPDATE ON certificates
  WHEN OLD.revoked_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.code IS NOT OLD.code OR NEW.agency_id IS NOT OLD.agency_id
    OR NEW.rooms IS NOT OLD.rooms OR NEW.total_area_m2 IS NOT OLD.total_area_m2 OR NEW.issued_at IS NOT OLD.issued_at
BEGIN SELECT RAISE(ABORT, 'certificates are never changed, only revoked once'); END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted (revoke them)'); END;
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('certificates', 'attributes', 'certificates', 'usage certificates (分配使用凭证, floorplan/certificates.go)', NULL);
`

const (
	sqlCertificateAgency = `SELECT count(*) FROM agencies WHERE id = ?1 AND deleted_at IS NULL`
	sqlInsertCertificate = `INSERT INTO certificates (id, code, agency_id, rooms, total_area_m2, application_id, issued_by, issued_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`
	sqlCertificateColumns = `SELECT id, code, agency_id, rooms, total_area_m2, application_id, issued_by, CAST(issued_at AS TEXT),
       CAST(revoked_at AS TEXT), revoked_by, revoke_reason FROM certificates`
	sqlCertificateByID   = sqlCertificateColumns + ` WHERE id = ?1`
	sqlCertificateByCode = sqlCertificateColumns + ` WHERE code = ?1`
	sqlCertificates      = sqlCertificateColumns + ` WHERE (?1 IS NULL OR agency_id = ?1) ORDER BY issued_at DESC, fid DESC`
	sqlRevokeCertificate = `UPDATE certificates SET revoked_at = ?2, revoked_by = ?3, revoke_reason = ?4
 WHERE id = ?1 AND revoked_at IS NULL`
	sqlCertificateExists = `SELECT count(*) FROM certificates WHERE id = ?1`
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
	err = s.create(ctx, &c.ID, func(q querier, id uuid.UUID, now time.Time) error {
		var live int
		if err := q.QueryRowContext(ctx, sqlCertificateAgency, c.AgencyID.String()).Scan(&live); err != nil {
			return err
		}
		if live == 0 {
			return notFound("agency", c.AgencyID)
		}
		var text string
		at, text = instant(now)
		_, err := q.ExecContext(ctx, sqlInsertCertificate, id.String(), c.Code, c.AgencyID.String(), string(rooms),
			c.TotalAreaM2, nullID(c.ApplicationID), by, text)
		return err
	})
	if err != nil {
		return wrapErr(err)
	}
	c.IssuedAt, c.IssuedBy = at, by
	return nil
}

// RevokeCertificate revokes a certificate not yet revoked.
func (s *Store) RevokeCertificate(ctx context.Context, id uuid.UUID, by, reason string) error {
	if reason == "" {
		return fmt.Errorf("%w: a revocation needs a reason", floorplan.ErrInvalid)
	}
	return wrapErr(s.write(ctx, func(q querier) error {
		_, at := instant(s.now())
		res, err := q.ExecContext(ctx, sqlRevokeCertificate, id.String(), at, by, reason)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var found int
		if err := q.QueryRowContext(ctx, sqlCertificateExists, id.String()).Scan(&found); err != nil {
			return err
		}
		if found == 0 {
			return notFound("certificate", id)
		}
		return fmt.Errorf("%w: certificate %s is already revoked", floorplan.ErrConflict, id)
	}))
}

// Certificate returns a certificate by id.
func (s *Store) Certificate(ctx context.Context, id uuid.UUID) (floorplan.Certificate, error) {
	c, err := s.scanCertificate(s.reader().QueryRowContext(ctx, sqlCertificateByID, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("certificate", id)
	}
	return c, wrapErr(err)
}

// CertificateByCode returns the certificate of a verification code.
func (s *Store) CertificateByCode(ctx context.Context, code string) (floorplan.Certificate, error) {
	c, err := s.scanCertificate(s.reader().QueryRowContext(ctx, sqlCertificateByCode, code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: certificate code", floorplan.ErrNotFound)
	}
	return c, wrapErr(err)
}

// Certificates lists certificates, newest first.
func (s *Store) Certificates(ctx context.Context, f floorplan.CertificateFilter) ([]floorplan.Certificate, error) {
	return collect(ctx, s.reader(), s.scanCertificate, sqlCertificates, nullID(f.AgencyID))
}

func (s *Store) scanCertificate(row scanner) (floorplan.Certificate, error) {
	var c floorplan.Certificate
	var rooms string
	err := row.Scan(idCol{&c.ID}, &c.Code, idCol{&c.AgencyID}, &rooms, &c.TotalAreaM2, idCol{&c.ApplicationID}, &c.IssuedBy,
		instantCol{&c.IssuedAt, s.loc}, instantCol{&c.RevokedAt, s.loc}, &c.RevokedBy, &c.RevokeReason)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(rooms), &c.Rooms); err != nil {
		return c, fmt.Errorf("gpkg: certificate rooms: %w", err)
	}
	return c, nil
}
