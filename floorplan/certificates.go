package floorplan

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Usage certificates (分配使用凭证, art. 18 of 《党政机关办公用房管理办法》): a record, issued to an agency,
// of the rooms allocated to it, with their usable areas on the day of issue. Each carries a verification
// code (128 random bits, base32 without padding) that the public verification page (/verify/{code})
// looks up: the code is public by design (it is in the certificate's QR code) and unguessable, so it is
// stored as it is. A certificate is never changed once issued, except to be revoked (who, when, why).
//
// Whether a certificate is valid is not stored: it is valid while it is not revoked and every room on it
// is still live and allocated to its agency (CertificateValidity reads the register as it is now).

// EntityCertificate is a usage certificate, for the permission hook and the audit log.
const EntityCertificate Entity = "certificate"

// maxCertificateRooms bounds the rooms of one certificate.
const maxCertificateRooms = 500

// CertificateRoom is a room as a certificate records it on the day of issue.
type CertificateRoom struct {
	ID         uuid.UUID `json:"id"`
	Number     string    `json:"number"`
	BuildingID uuid.UUID `json:"building_id"`
	Building   string    `json:"building"`
	FloorID    uuid.UUID `json:"floor_id"`
	Floor      string    `json:"floor"`
	// AreaM2 is the room's usable area (使用面积) in m² when the certificate was issued.
	AreaM2 float64 `json:"area_m2"`
}

// Certificate is a usage certificate.
type Certificate struct {
	ID uuid.UUID `json:"id"`
	// Code is the verification code of the public page (NewCertificateCode).
	Code     string            `json:"code"`
	AgencyID uuid.UUID         `json:"agency_id"`
	Rooms    []CertificateRoom `json:"rooms"`
	// TotalAreaM2 is the sum of the rooms' areas at issue.
	TotalAreaM2 float64 `json:"total_area_m2"`
	// ApplicationID is the application (online handling) the certificate carries out, uuid.Nil for none.
	ApplicationID uuid.UUID `json:"application_id,omitzero"`
	IssuedAt      time.Time `json:"issued_at"`
	IssuedBy      string    `json:"issued_by"`
	RevokedAt     time.Time `json:"revoked_at,omitzero"`
	RevokedBy     string    `json:"revoked_by,omitempty"`
	RevokeReason  string    `json:"revoke_reason,omitempty"`
}

// Number is the certificate's number as printed: the year of issue and the first eight hex digits of its
// id ("2026-3F2A9C01").
func (c Certificate) Number() string {
	return fmt.Sprintf("%d-%s", c.IssuedAt.Year(), strings.ToUpper(strings.ReplaceAll(c.ID.String(), "-", "")[:8]))
}

// Revoked reports whether the certificate has been revoked.
func (c Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// certificateEncoding is base32 (RFC 4648) without padding: 26 characters for 128 bits.
var certificateEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewCertificateCode returns a fresh verification code: 128 bits from crypto/rand in base32 without
// padding.
func NewCertificateCode() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return certificateEncoding.EncodeToString(b[:]), nil
}

// ValidCertificateCode reports whether code has the form of a verification code (26 base32 letters and
// digits, decoding to 16 bytes), so that anything else is refused before any lookup.
func ValidCertificateCode(code string) bool {
	if len(code) != 26 {
		return false
	}
	b, err := certificateEncoding.DecodeString(code)
	return err == nil && len(b) == 16
}

// Validate checks a certificate before it is stored: its code, agency, rooms (at least one, none twice)
// and total.
func (c *Certificate) Validate() error {
	const rec = "certificate"
	switch {
	case !ValidCertificateCode(c.Code):
		return fieldError(rec, "code", FieldOutOfRange, "is not a verification code")
	case c.AgencyID == uuid.Nil:
		return fieldError(rec, "agency_id", FieldOutOfRange, "is required")
	case len(c.Rooms) == 0:
		return fieldError(rec, "room_ids", FieldOutOfRange, "is empty: a certificate lists at least one room")
	case len(c.Rooms) > maxCertificateRooms:
		return fieldError(rec, "room_ids", FieldOutOfRange, "has %d rooms, more than %d", len(c.Rooms), maxCertificateRooms)
	}
	var total float64
	for i, r := range c.Rooms {
		if r.ID == uuid.Nil {
			return fieldError(rec, fmt.Sprintf("room_ids[%d]", i), FieldOutOfRange, "is not a room id")
		}
		if slices.IndexFunc(c.Rooms, func(o CertificateRoom) bool { return o.ID == r.ID }) != i {
			return fieldError(rec, fmt.Sprintf("room_ids[%d]", i), FieldOutOfRange, "names room %s twice", r.ID)
		}
		if math.IsNaN(r.AreaM2) || r.AreaM2 < 0 {
			return fieldError(rec, fmt.Sprintf("rooms[%d].area_m2", i), FieldOutOfRange, "must be a non-negative area")
		}
		total += r.AreaM2
	}
	if math.Abs(total-c.TotalAreaM2) > 0.01 {
		return fieldError(rec, "total_area_m2", FieldOutOfRange, "is %.2f, not the rooms' sum %.2f", c.TotalAreaM2, total)
	}
	return nil
}

// CertificateFilter narrows a list of certificates; zero fields do not filter.
type CertificateFilter struct {
	AgencyID uuid.UUID
}

// CertificateReader reads the usage certificates.
type CertificateReader interface {
	// Certificate returns a certificate, revoked or not.
	Certificate(ctx context.Context, id uuid.UUID) (Certificate, error)
	// CertificateByCode returns the certificate of a verification code (ErrNotFound when none has it).
	CertificateByCode(ctx context.Context, code string) (Certificate, error)
	// Certificates lists certificates, newest first.
	Certificates(ctx context.Context, f CertificateFilter) ([]Certificate, error)
}

// CertificateStore keeps the usage certificates. Both stores implement it. CreateCertificate sets ID
// (when uuid.Nil), IssuedBy (the actor of ctx) and IssuedAt; RevokeCertificate records by, now and reason
// on a certificate not yet revoked (ErrConflict when it is). Only the Register calls the writes.
type CertificateStore interface {
	CertificateReader
	CreateCertificate(ctx context.Context, c *Certificate) error
	RevokeCertificate(ctx context.Context, id uuid.UUID, by, reason string) error
}

// Validity is whether a certificate is valid now, and why not.
type Validity struct {
	Valid bool `json:"valid"`
	// Reason is empty when valid; else a sentence in English, ReasonZH in Chinese.
	Reason   string `json:"reason,omitempty"`
	ReasonZH string `json:"reason_zh,omitempty"`
	// RoomID is the room that makes the certificate invalid, uuid.Nil when it is revoked or valid.
	RoomID uuid.UUID `json:"room_id,omitzero"`
}

// CertificateValidity says whether c is valid now: not revoked, and every room on it live and allocated
// to c's agency in r as it is now.
func CertificateValidity(ctx context.Context, r Reader, c Certificate) (Validity, error) {
	if c.Revoked() {
		v := Validity{Reason: "revoked on " + c.RevokedAt.Format(DateLayout), ReasonZH: "已于 " + c.RevokedAt.Format(DateLayout) + " 撤销"}
		if c.RevokeReason != "" {
			v.Reason += ": " + c.RevokeReason
			v.ReasonZH += "：" + c.RevokeReason
		}
		return v, nil
	}
	for _, cr := range c.Rooms {
		room, err := r.Room(ctx, cr.ID)
		if errors.Is(err, ErrNotFound) || err == nil && !room.DeletedAt.IsZero() {
			return Validity{RoomID: cr.ID, Reason: "room " + cr.Number + " no longer exists",
				ReasonZH: "房间 " + cr.Number + " 已删除"}, nil
		}
		if err != nil {
			return Validity{}, err
		}
		if room.AgencyID != c.AgencyID {
			if room.AgencyID == uuid.Nil {
				return Validity{RoomID: cr.ID, Reason: "room " + cr.Number + " is no longer allocated to the agency",
					ReasonZH: "房间 " + cr.Number + " 已不再分配给该单位"}, nil
			}
			return Validity{RoomID: cr.ID, Reason: "room " + cr.Number + " is now allocated to another agency",
				ReasonZH: "房间 " + cr.Number + " 现已分配给其他单位"}, nil
		}
	}
	return Validity{Valid: true}, nil
}
