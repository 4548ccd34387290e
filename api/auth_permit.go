package api

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// agencyReader is what the permission hook reads: an agency, to place a record in the agency tree.
type agencyReader interface {
	Agency(ctx context.Context, id uuid.UUID) (floorplan.Agency, error)
}

// NewRegister returns the register service over store for a server whose Deps.Identity is svc: its
// permission hook is IdentityPermit(svc, store). With svc nil it is the single-user register, which
// allows everything. cmd passes the same Register to the server (Deps.Register), the importers and the
// CLI, so that every door to the register asks the same hook.
func NewRegister(store floorplan.Store, svc *identity.Service, opts ...floorplan.RegisterOption) *floorplan.Register {
	if svc != nil {
		opts = append(opts, floorplan.WithPermit(IdentityPermit(svc, store)))
	}
	return floorplan.NewRegister(store, opts...)
}

// IdentityPermit is the register's permission hook with accounts: it allows a change when one of the
// caller's grants (identity.CallerFrom) allows the change's action (writeAction) on the record's place
// in the agency tree (identity.Allowed). A refusal is audited as "permission.denied" and returned as
// floorplan.ErrForbidden — or floorplan.ErrNotFound when the caller may not even read the record, so
// that a record outside their scope is not shown to exist. A context without a caller is the operator
// at the console (the CLI, the first start, the sample) and may do anything, as in identity.Service.
//
// The jurisdiction tree has no place in the register yet: targets carry no jurisdiction, so a grant
// scoped to a district covers no record until it has.
func IdentityPermit(svc *identity.Service, agencies agencyReader) floorplan.Permit {
	return func(ctx context.Context, req floorplan.Request) error {
		c, ok := identity.CallerFrom(ctx)
		if !ok {
			return nil
		}
		target, err := agencyTarget(ctx, agencies, req.AgencyID)
		if err != nil {
			return err
		}
		if identity.Allowed(c.User.Grants, writeAction(req), target) {
			if t := trailFrom(ctx); t != nil {
				t.add(req)
			}
			return nil
		}
		refusal := floorplan.ErrForbidden
		if req.ID != uuid.Nil && !identity.Allowed(c.User.Grants, identity.ActionRead, target) {
			refusal = floorplan.ErrNotFound
		}
		err = fmt.Errorf("%w: %s", refusal, writeAuditAction(req))
		_, aerr := svc.Audit(context.WithoutCancel(ctx), identity.AuditRecord{Action: "permission.denied",
			Target: writeTarget(req), Outcome: identity.OutcomeDenied, Detail: writeAuditAction(req)})
		if aerr != nil {
			return errors.Join(err, fmt.Errorf("api: audit: %w", aerr))
		}
		return err
	}
}

// writeAction is the action of the role matrix that a change needs.
func writeAction(req floorplan.Request) identity.Action {
	if req.Op == floorplan.OpBatch {
		return identity.ActionImport
	}
	switch req.Entity {
	case floorplan.EntityBuilding, floorplan.EntityFloor, floorplan.EntityRoom:
		return identity.ActionWriteGeometry
	case floorplan.EntityPerson, floorplan.EntityAssignment:
		return identity.ActionWritePeople
	}
	return identity.ActionWriteRegister // sites, agencies, standards and the register's other records
}

// writeAuditAction names a change in the audit log: "write.room.update", "write.batch".
func writeAuditAction(req floorplan.Request) string {
	if req.Op == floorplan.OpBatch {
		return "write.batch"
	}
	return "write." + string(req.Entity) + "." + string(req.Op)
}

// writeTarget names the record of a change in the audit log: "room 3f2…", "room (new)", "batch import dxf".
func writeTarget(req floorplan.Request) string {
	switch {
	case req.Op == floorplan.OpBatch:
		return "batch " + req.What
	case req.ID == uuid.Nil:
		return string(req.Entity) + " (new)"
	}
	return string(req.Entity) + " " + req.ID.String()
}

// maxAgencyDepth bounds the walk up the agency tree (a cycle in the data must not hang a write).
const maxAgencyDepth = 64

// agencyTarget places a record of agency id in the agency tree: the agency and its ancestors, nearest
// first. A record without an agency (uuid.Nil) is placed nowhere: only grants without an agency scope
// reach it.
func agencyTarget(ctx context.Context, agencies agencyReader, id uuid.UUID) (identity.Target, error) {
	t := identity.Target{AgencyID: id}
	seen := map[uuid.UUID]bool{id: true}
	for cur := id; cur != uuid.Nil && len(t.AgencyAncestors) < maxAgencyDepth; {
		a, err := agencies.Agency(ctx, cur)
		if errors.Is(err, floorplan.ErrNotFound) {
			break // a new or unknown agency: the store refuses the write itself
		}
		if err != nil {
			return identity.Target{}, err
		}
		cur = a.ParentID
		if cur == uuid.Nil || seen[cur] {
			break
		}
		seen[cur] = true
		t.AgencyAncestors = append(t.AgencyAncestors, cur)
	}
	return t, nil
}

// auditTrail collects the changes the permission hook allowed during one request, for auditRequest to
// record once the request has succeeded. The register's subscribers cannot: they see neither the
// request's context nor which record changed.
type auditTrail struct {
	mu     sync.Mutex
	writes []floorplan.Request
}

func (t *auditTrail) add(req floorplan.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writes = append(t.writes, req)
}

func (t *auditTrail) list() []floorplan.Request {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]floorplan.Request(nil), t.writes...)
}

type trailKey struct{}

func withTrail(ctx context.Context, t *auditTrail) context.Context {
	return context.WithValue(ctx, trailKey{}, t)
}

func trailFrom(ctx context.Context) *auditTrail {
	t, _ := ctx.Value(trailKey{}).(*auditTrail)
	return t
}
