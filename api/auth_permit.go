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

// agencyReader is what the permission hook reads: an agency, to place a record in the agency tree. A
// reader that is also a placeReader (the stores are) places records in the jurisdiction tree too.
type agencyReader interface {
	Agency(ctx context.Context, id uuid.UUID) (floorplan.Agency, error)
}

// placeReader reads what places a record in the jurisdiction tree.
type placeReader interface {
	Building(ctx context.Context, id uuid.UUID) (floorplan.Building, error)
	Site(ctx context.Context, id uuid.UUID) (floorplan.Site, error)
	Jurisdictions(ctx context.Context) ([]floorplan.Jurisdiction, error)
}

// place is a record's place in both trees: its agency chain, and the jurisdictions that may cover it
// (its agency's, its site's), any of which suffices. No jurisdiction: the city level.
type place struct {
	agency        identity.Target // agency and ancestors, no jurisdiction
	jurisdictions []uuid.UUID
	parent        map[uuid.UUID]uuid.UUID // the jurisdiction tree
}

// targets returns the place as identity targets, one per jurisdiction (one at the city level if none).
func (p place) targets() []identity.Target {
	if len(p.jurisdictions) == 0 {
		return []identity.Target{p.agency}
	}
	out := make([]identity.Target, 0, len(p.jurisdictions))
	for _, j := range p.jurisdictions {
		t := p.agency
		path := floorplan.JurisdictionPathOf(p.parent, j)
		t.JurisdictionID = j
		if len(path) > 1 {
			t.JurisdictionAncestors = path[1:]
		}
		out = append(out, t)
	}
	return out
}

// allowedAny reports whether some target of a place (alternatives) allows action.
func allowedAny(grants []identity.Grant, action identity.Action, alternatives []identity.Target) bool {
	for _, t := range alternatives {
		if identity.Allowed(grants, action, t) {
			return true
		}
	}
	return false
}

// allowedAll reports whether every place allows action (each through one of its alternatives).
func allowedAll(grants []identity.Grant, action identity.Action, places [][]identity.Target) bool {
	for _, alts := range places {
		if !allowedAny(grants, action, alts) {
			return false
		}
	}
	return true
}

// requestTargets returns the places a change must be allowed at: where the record is, and, for a change
// that puts a site or an agency in a jurisdiction, where it goes. A jurisdiction's own change is placed
// nowhere (the zero target: unscoped grants only).
func requestTargets(ctx context.Context, agencies agencyReader, req floorplan.Request) ([][]identity.Target, error) {
	if req.Entity == floorplan.EntityJurisdiction {
		return [][]identity.Target{{{}}}, nil
	}
	at, err := agencyTarget(ctx, agencies, req.AgencyID)
	if err != nil {
		return nil, err
	}
	pr, ok := agencies.(placeReader)
	if !ok {
		return [][]identity.Target{{at}}, nil
	}
	js, err := pr.Jurisdictions(ctx)
	if err != nil {
		return nil, err
	}
	if len(js) == 0 { // no tree: nothing to place in it
		return [][]identity.Target{{at}}, nil
	}
	here := place{agency: at, parent: make(map[uuid.UUID]uuid.UUID, len(js))}
	for _, j := range js {
		here.parent[j.ID] = j.ParentID
	}
	if j, err := agencyJurisdiction(ctx, agencies, req.AgencyID); err != nil {
		return nil, err
	} else if j != uuid.Nil {
		here.jurisdictions = append(here.jurisdictions, j)
	}
	siteJurisdiction := func(id uuid.UUID) (uuid.UUID, error) {
		if id == uuid.Nil {
			return uuid.Nil, nil
		}
		s, err := pr.Site(ctx, id)
		if err != nil && !errors.Is(err, floorplan.ErrNotFound) {
			return uuid.Nil, err
		}
		return s.JurisdictionID, nil
	}
	// A building's change names its new site (req.SiteID): it is placed at the site it is on, and a move
	// must be allowed at the site it joins too (moveTo).
	siteID, moveTo := req.SiteID, uuid.Nil
	if req.BuildingID != uuid.Nil {
		b, err := pr.Building(ctx, req.BuildingID)
		if err != nil && !errors.Is(err, floorplan.ErrNotFound) {
			return nil, err
		}
		if err == nil && b.SiteID != uuid.Nil {
			if siteID != uuid.Nil && siteID != b.SiteID {
				moveTo = siteID
			}
			siteID = b.SiteID
		}
	}
	if j, err := siteJurisdiction(siteID); err != nil {
		return nil, err
	} else if j != uuid.Nil {
		here.jurisdictions = append(here.jurisdictions, j)
	}
	if req.Entity == floorplan.EntityInspection && req.JurisdictionID != uuid.Nil {
		// A district's inspection plan is placed in its district.
		here.jurisdictions = append(here.jurisdictions, req.JurisdictionID)
	}
	places := [][]identity.Target{here.targets()}
	if moveTo != uuid.Nil {
		there := place{agency: at, parent: here.parent}
		if j, err := siteJurisdiction(moveTo); err != nil {
			return nil, err
		} else if j != uuid.Nil {
			there.jurisdictions = []uuid.UUID{j}
		}
		places = append(places, there.targets())
	}
	moving := req.Entity == floorplan.EntitySite || req.Entity == floorplan.EntityAgency
	if moving && (req.Op == floorplan.OpCreate || req.Op == floorplan.OpUpdate) {
		there := place{agency: at, parent: here.parent}
		j := req.JurisdictionID
		if j == uuid.Nil && req.Entity == floorplan.EntityAgency && req.Op == floorplan.OpCreate {
			// A new agency without one belongs to its parent's jurisdiction: where it is created.
			j, err = agencyJurisdiction(ctx, agencies, req.AgencyID)
			if err != nil {
				return nil, err
			}
		}
		if j != uuid.Nil {
			there.jurisdictions = []uuid.UUID{j}
		}
		if req.Op == floorplan.OpCreate {
			return [][]identity.Target{there.targets()}, nil
		}
		places = append(places, there.targets())
	}
	return places, nil
}

// agencyJurisdiction returns the jurisdiction of agency id: its own or its nearest ancestor's.
func agencyJurisdiction(ctx context.Context, agencies agencyReader, id uuid.UUID) (uuid.UUID, error) {
	seen := map[uuid.UUID]bool{}
	for cur := id; cur != uuid.Nil && !seen[cur] && len(seen) < maxAgencyDepth; {
		seen[cur] = true
		a, err := agencies.Agency(ctx, cur)
		if errors.Is(err, floorplan.ErrNotFound) {
			return uuid.Nil, nil
		} else if err != nil {
			return uuid.Nil, err
		}
		if a.JurisdictionID != uuid.Nil {
			return a.JurisdictionID, nil
		}
		cur = a.ParentID
	}
	return uuid.Nil, nil
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
// A record is placed in the jurisdiction tree by its agency's jurisdiction (the agency's own, or its
// nearest ancestor's) and by its site's (buildings, floors and rooms through their building): a grant on
// a district covers it when either lies in the district's subtree. A change that moves a site or an
// agency (its new jurisdiction, Request.JurisdictionID) must be allowed where it goes as well as where
// it is. The jurisdiction tree itself is configuration that scopes refer to: only the security
// administrator maintains it (identity.ActionAdminRoles, unscoped), as they grant the scopes.
func IdentityPermit(svc *identity.Service, agencies agencyReader) floorplan.Permit {
	return func(ctx context.Context, req floorplan.Request) error {
		c, ok := identity.CallerFrom(ctx)
		if !ok {
			return nil
		}
		targets, err := requestTargets(ctx, agencies, req)
		if err != nil {
			return err
		}
		action := writeAction(req)
		allowed := allowedAll(c.User.Grants, action, targets)
		if req.Role != "" {
			// An application's step: only a caller holding the step's role where the record is (api/applications.go).
			allowed = allowedAll(roleGrants(c.User.Grants, identity.Role(req.Role)), identity.ActionRead, targets)
		}
		if allowed {
			if t := trailFrom(ctx); t != nil {
				t.add(req)
			}
			return nil
		}
		target := targets[0]
		refusal := floorplan.ErrForbidden
		// A document is placed at its subject, which exists: one the caller may not read is a 404.
		known := req.ID != uuid.Nil || req.Entity == floorplan.EntityDocument
		if known && !allowedAny(c.User.Grants, identity.ActionRead, target) {
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

// roleGrants returns those of grants that are of role: the grants an application's step may be acted on with.
func roleGrants(grants []identity.Grant, role identity.Role) []identity.Grant {
	var out []identity.Grant
	for _, g := range grants {
		if g.Role == role {
			out = append(out, g)
		}
	}
	return out
}

// writeAction is the action of the role matrix that a change needs.
func writeAction(req floorplan.Request) identity.Action {
	if req.Op == floorplan.OpBatch {
		if req.Entity == floorplan.EntityPerson || req.Entity == floorplan.EntityAssignment {
			// A staff list (an import or a sync) needs what each of its changes needs: an agency
			// manager keeps its own agency's people in bulk as it does one by one.
			return identity.ActionWritePeople
		}
		return identity.ActionImport
	}
	switch req.Entity {
	case floorplan.EntityJurisdiction:
		return identity.ActionAdminRoles
	case floorplan.EntityBuilding, floorplan.EntityFloor, floorplan.EntityRoom:
		return identity.ActionWriteGeometry
	case floorplan.EntityPerson, floorplan.EntityAssignment:
		return identity.ActionWritePeople
	case floorplan.EntityDocument:
		if req.Op == floorplan.OpCreate {
			// Filing is open to every business role but the viewer, where the subject is (an inspector's
			// photo, an agency's evidence, an approver's decision); hiding stays the bureau's.
			return identity.ActionFileDocuments
		}
	case floorplan.EntityCertificate:
		// A usage certificate records an allocation of rooms: issued and revoked by those who allocate them.
		return identity.ActionWriteGeometry
	case floorplan.EntityLedgerEntry:
		if req.AgencyID != uuid.Nil {
			// An agency's sub-ledger entry: kept by whoever keeps the agency (its manager), placed at the
			// agency and the property; the general ledger's entries are the bureau's (write_register).
			return identity.ActionWritePeople
		}
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
	for _, w := range t.writes { // one record's write asked at several places (a plan at each of its agencies) is one
		if req.ID != uuid.Nil && w.ID == req.ID && writeAuditAction(w) == writeAuditAction(req) {
			return
		}
	}
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
