package floorplan

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// What an action on an application does to the register besides moving the application on: approving
// an allocation applies its scenario (application_scenario.go), handing over its handling issues the
// usage certificate; closing a maintenance records its cost in the ledger, handing over a disposal writes
// its result to the register and the ledger (application_results.go). prepareEffects checks what it can
// before the write (fields, permissions, the scenario's evaluation); the effect runs in the transaction
// that stores the application, so that both happen or neither does.

// effect is a prepared effect of an action: run makes its writes through tx and adds what they change
// to c (its Revision, Layers and Rooms); it may change a (e.g. the certificate it issued).
type effect interface {
	run(ctx context.Context, tx Store, a *Application, c *Changes) error
}

// noEffect is the effect of an action that only moves the application on.
type noEffect struct{}

func (noEffect) run(context.Context, Store, *Application, *Changes) error { return nil }

// prepareEffects returns the effect of in on a at step.
func (g *Register) prepareEffects(ctx context.Context, a *Application, step Step, in ActionInput) (effect, error) {
	switch a.Kind {
	case KindAllocation:
		return g.allocationEffect(ctx, a, step, in)
	case KindMaintenance, KindDisposal:
		return g.resultEffect(ctx, a, step, in)
	}
	return noEffect{}, nil
}

// roomsDisposer is an effect that disposes of rooms (a disposal's result): the certificates on them end.
type roomsDisposer interface {
	disposedRooms() []uuid.UUID
}

// revokeOvertaken revokes, in tx, the usage certificates that an action's writes overtook ("reallocation
// or disposal revokes it", art. 18): for a disposal handed over, every certificate with a room it disposes
// of; otherwise every certificate with a room the action wrote (c.Rooms) that is no longer valid, e.g. a
// room an approved scenario gave to another agency. The revocation names the application and its actor; it
// is not asked of the permission hook again: it follows from the action the hook allowed, and a refusal
// inside the transaction would have to audit through the store the transaction holds. A direct edit
// outside the procedures does not revoke: the certificate then reads not valid, and why (CertificateValidity).
func (g *Register) revokeOvertaken(ctx context.Context, tx Store, a *Application, e effect, c Changes) error {
	touched, disposed := map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	for _, r := range c.Rooms {
		touched[r.RoomID] = true
	}
	if d, ok := e.(roomsDisposer); ok {
		for _, id := range d.disposedRooms() {
			touched[id], disposed[id] = true, true
		}
	}
	if len(touched) == 0 {
		return nil
	}
	list, err := tx.Certificates(ctx, CertificateFilter{})
	if err != nil {
		return err
	}
	for _, cert := range list {
		if cert.Revoked() || cert.ApplicationID == a.ID {
			continue
		}
		hit, gone := false, false
		for _, cr := range cert.Rooms {
			hit, gone = hit || touched[cr.ID], gone || disposed[cr.ID]
		}
		if !hit {
			continue
		}
		reason := fmt.Sprintf("处置 disposal (%s) by application %s «%s»", a.Fields.Mode, a.ID, a.Title)
		if !gone {
			v, err := CertificateValidity(ctx, tx, cert)
			if err != nil {
				return err
			}
			if v.Valid {
				continue
			}
			reason = fmt.Sprintf("调配 reallocation by application %s «%s»: %s", a.ID, a.Title, v.Reason)
		}
		if r := []rune(reason); len(r) > 500 {
			reason = string(r[:499]) + "…"
		}
		if err := tx.RevokeCertificate(ctx, cert.ID, ActorFrom(ctx), reason); err != nil {
			return err
		}
	}
	return nil
}
