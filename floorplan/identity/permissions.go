package identity

import (
	"slices"

	"github.com/google/uuid"
)

// Action is what a request does, as the role matrix knows it.
type Action string

// The actions.
const (
	ActionRead          Action = "read"           // maps, plans, lists, items, search, tiles
	ActionWriteGeometry Action = "write_geometry" // sites, buildings, floors, rooms: outlines and attributes
	ActionWritePeople   Action = "write_people"   // people, posts and assignments
	ActionWriteRegister Action = "write_register" // agencies, space standards, the register's other records
	ActionImport        Action = "import"
	ActionExport        Action = "export"
	ActionReport        Action = "report" // findings and reports
	ActionAdminUsers    Action = "admin_users"
	ActionAdminRoles    Action = "admin_roles"
	ActionAuditRead     Action = "audit_read"
	// ActionFileDocuments files a document in the archive where its subject is: photos and measurements
	// from the field, an agency's evidence, an approver's decision. Hiding one stays write_register.
	ActionFileDocuments Action = "file_documents"
)

// Actions lists every action.
var Actions = []Action{
	ActionRead, ActionWriteGeometry, ActionWritePeople, ActionWriteRegister, ActionImport,
	ActionExport, ActionReport, ActionAdminUsers, ActionAdminRoles, ActionAuditRead, ActionFileDocuments,
}

// actionSet is a set of actions as bits.
type actionSet uint16

// bit returns the set holding a alone: the bit of a's position in Actions, or the empty set for an
// unknown action.
func bit(a Action) actionSet {
	i := slices.Index(Actions, a)
	if i < 0 {
		return 0
	}
	return 1 << i
}

// actions returns the set holding each of as.
func actions(as ...Action) actionSet {
	var set actionSet
	for _, a := range as {
		set |= bit(a)
	}
	return set
}

// roleMatrix is the role matrix. The administrators are separated (三员分立): none of them may read or
// edit the register, and none may do another's job.
var roleMatrix = map[Role]actionSet{
	RoleSysAdmin: actions(ActionAdminUsers),
	RoleSecAdmin: actions(ActionAdminRoles),
	RoleAuditor:  actions(ActionAuditRead),
	RoleBureauAdmin: actions(ActionRead, ActionWriteGeometry, ActionWritePeople, ActionWriteRegister,
		ActionImport, ActionExport, ActionReport, ActionFileDocuments),
	RolePlanner:       actions(ActionRead, ActionWriteGeometry, ActionWritePeople, ActionImport, ActionFileDocuments),
	RoleAgencyManager: actions(ActionRead, ActionWritePeople, ActionFileDocuments),
	RoleInspector:     actions(ActionRead, ActionReport, ActionExport, ActionFileDocuments),
	RoleViewer:        actions(ActionRead),
	RoleApprover:      actions(ActionRead, ActionReport, ActionFileDocuments),
}

// roleActions returns r's row of the role matrix: the empty set for an unknown role.
func roleActions(r Role) actionSet { return roleMatrix[r] }

// Permissions is a role matrix: the actions each role may take within the scope of its grant.
type Permissions map[Role][]Action

// Matrix returns officemap's role matrix, the one Allowed applies (for the administrators' page and
// the authorisation tests).
func Matrix() Permissions {
	p := make(Permissions, len(Roles))
	for _, r := range Roles {
		set := roleActions(r)
		for _, a := range Actions {
			if set&bit(a) != 0 {
				p[r] = append(p[r], a)
			}
		}
	}
	return p
}

// Target is the record an action is on, placed in the two trees that scopes refer to. The caller
// supplies the ancestor chains (nearest first), so that a grant on a district covers its towns and a
// grant on an agency covers its sub-agencies. A record with no agency (a vacant room, a building)
// leaves AgencyID Nil: only grants without an agency scope reach it. The zero Target is a record
// outside every jurisdiction: only unscoped grants reach it (administrative actions use it).
type Target struct {
	AgencyID              uuid.UUID
	AgencyAncestors       []uuid.UUID // AgencyID's parent, its parent, …
	JurisdictionID        uuid.UUID
	JurisdictionAncestors []uuid.UUID // JurisdictionID's parent, its parent, …
}

// Allowed reports whether some grant allows action on target: its role's row of the matrix holds the
// action and its scope covers the target.
func Allowed(grants []Grant, action Action, target Target) bool {
	b := bit(action)
	if b == 0 {
		return false
	}
	for _, g := range grants {
		if roleActions(g.Role)&b != 0 && Covers(g, target) {
			return true
		}
	}
	return false
}

// Can reports whether some grant allows action anywhere in its scope: whether to offer the action at
// all (a route, a button). Each record still needs Allowed, or a store read filtered by the scope.
func Can(grants []Grant, action Action) bool {
	b := bit(action)
	for _, g := range grants {
		if b != 0 && roleActions(g.Role)&b != 0 && !(g.Role == RoleAgencyManager && g.Scope.Agency == uuid.Nil) {
			return true
		}
	}
	return false
}

// Covers reports whether g's scope covers target: the target lies in the grant's jurisdiction
// subtree (or the grant has none) and in its agency subtree (or the grant has none). An agency
// manager's grant without an agency covers nothing.
func Covers(g Grant, t Target) bool {
	if g.Role == RoleAgencyManager && g.Scope.Agency == uuid.Nil {
		return false
	}
	if j := g.Scope.Jurisdiction; j != uuid.Nil && t.JurisdictionID != j && !slices.Contains(t.JurisdictionAncestors, j) {
		return false
	}
	if a := g.Scope.Agency; a != uuid.Nil && t.AgencyID != a && !slices.Contains(t.AgencyAncestors, a) {
		return false
	}
	return true
}

// SeesPersonalData reports whether a user with grants may see personal data (names beyond plans,
// ranks, posts, assignments): every business role but the viewer. The administrators see none: they do
// not read the register at all.
func SeesPersonalData(grants []Grant) bool {
	for _, g := range grants {
		switch g.Role {
		case RoleBureauAdmin, RolePlanner, RoleAgencyManager, RoleInspector, RoleApprover:
			return true
		}
	}
	return false
}
