package floorplan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/google/uuid"
)

// The Register's usage certificates (certificates.go): issued and revoked through the permission hook
// (a certificate is placed at its agency), with the acting user from the context.

// IssueCertificate issues a usage certificate to agency for rooms, each live and allocated to it now
// (refused otherwise, 422 naming the room), recording their numbers, buildings, floors and usable areas
// as they are today; application is the application it carries out (uuid.Nil for none). The returned
// certificate has its id, code and issue time.
func (g *Register) IssueCertificate(ctx context.Context, agency uuid.UUID, rooms []uuid.UUID, application uuid.UUID) (Certificate, error) {
	c, err := g.prepareCertificate(ctx, agency, rooms, application, "")
	if err != nil {
		return Certificate{}, err
	}
	err = g.store.InTx(ctx, func(tx Store) error { return issueCertificateTx(ctx, tx, &c, rooms) })
	if err != nil {
		return Certificate{}, err
	}
	_, err = g.done(ctx, Changes{})
	return c, err
}

// prepareCertificate checks what an issue checks before its transaction (the agency, the number of rooms,
// the permission hook: with role set when an application's step issues it, Request.Role) and returns the
// certificate to issue, with its code.
func (g *Register) prepareCertificate(ctx context.Context, agency uuid.UUID, rooms []uuid.UUID, application uuid.UUID, role string) (Certificate, error) {
	const rec = "certificate"
	if agency == uuid.Nil {
		return Certificate{}, fieldError(rec, "agency_id", FieldOutOfRange, "is required")
	}
	if len(rooms) == 0 {
		return Certificate{}, fieldError(rec, "room_ids", FieldOutOfRange, "is empty: a certificate lists at least one room")
	}
	if len(rooms) > maxCertificateRooms {
		return Certificate{}, fieldError(rec, "room_ids", FieldOutOfRange, "has %d rooms, more than %d", len(rooms), maxCertificateRooms)
	}
	if _, err := g.store.Agency(ctx, agency); errors.Is(err, ErrNotFound) {
		return Certificate{}, fieldError(rec, "agency_id", FieldOutOfRange, "is %s, not an agency", agency)
	} else if err != nil {
		return Certificate{}, err
	}
	if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityCertificate, AgencyID: agency, Role: role}); err != nil {
		return Certificate{}, err
	}
	code, err := NewCertificateCode()
	if err != nil {
		return Certificate{}, err
	}
	return Certificate{Code: code, AgencyID: agency, ApplicationID: application}, nil
}

// issueCertificateTx records rooms on c as they are in tx (each live and allocated to c's agency, else a
// *FieldError naming it) and creates c through tx.
func issueCertificateTx(ctx context.Context, tx Store, c *Certificate, rooms []uuid.UUID) error {
	c.Rooms, c.TotalAreaM2 = nil, 0
	for i, id := range rooms {
		cr, err := certificateRoom(ctx, tx, i, id, c.AgencyID)
		if err != nil {
			return err
		}
		c.Rooms = append(c.Rooms, cr)
		c.TotalAreaM2 += cr.AreaM2
	}
	c.TotalAreaM2 = math.Round(c.TotalAreaM2*100) / 100
	if err := c.Validate(); err != nil {
		return err
	}
	return tx.CreateCertificate(ctx, c)
}

// certificateRoom reads room id (the i-th of the request) as a certificate records it, refusing one that
// is not live or not allocated to agency.
func certificateRoom(ctx context.Context, tx Store, i int, id, agency uuid.UUID) (CertificateRoom, error) {
	field := fmt.Sprintf("room_ids[%d]", i)
	room, err := tx.Room(ctx, id)
	if errors.Is(err, ErrNotFound) || err == nil && !room.DeletedAt.IsZero() {
		return CertificateRoom{}, fieldError("certificate", field, FieldOutOfRange, "is %s, not a room of the register", id)
	} else if err != nil {
		return CertificateRoom{}, err
	}
	if room.AgencyID != agency {
		return CertificateRoom{}, fieldError("certificate", field, FieldOutOfRange, "is room %s, which is not allocated to this agency", room.Number)
	}
	floor, err := tx.Floor(ctx, room.FloorID)
	if err != nil {
		return CertificateRoom{}, err
	}
	b, err := tx.Building(ctx, floor.BuildingID)
	if err != nil {
		return CertificateRoom{}, err
	}
	return CertificateRoom{ID: room.ID, Number: room.Number, BuildingID: b.ID, Building: b.Name, FloorID: floor.ID,
		Floor: floor.Name, AreaM2: math.Round(room.Area()*100) / 100}, nil
}

// RevokeCertificate revokes certificate id for reason (required), as the acting user. A certificate
// already revoked is a conflict (ErrConflict).
func (g *Register) RevokeCertificate(ctx context.Context, id uuid.UUID, reason string) (Certificate, error) {
	reason = strings.TrimSpace(reason)
	if blank(reason) {
		return Certificate{}, fieldError("certificate", "reason", FieldOutOfRange, "is required: say why the certificate is revoked")
	}
	if err := checkText(recordLabel{kind: "certificate"}, "reason", reason, TextRule{MaxRunes: 500, Lines: true}); err != nil {
		return Certificate{}, err
	}
	c, err := g.store.Certificate(ctx, id)
	if err != nil {
		return Certificate{}, err
	}
	if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityCertificate, ID: id, AgencyID: c.AgencyID}); err != nil {
		return Certificate{}, err
	}
	err = g.store.InTx(ctx, func(tx Store) error {
		return tx.RevokeCertificate(ctx, id, ActorFrom(ctx), reason)
	})
	if err != nil {
		return Certificate{}, err
	}
	if _, err := g.done(ctx, Changes{}); err != nil {
		return Certificate{}, err
	}
	return g.store.Certificate(ctx, id)
}
