package identity_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// matrix is the role matrix, written out independently of the package's.
var matrix = map[identity.Role][]identity.Action{
	identity.RoleSysAdmin:      {identity.ActionAdminUsers},
	identity.RoleSecAdmin:      {identity.ActionAdminRoles},
	identity.RoleAuditor:       {identity.ActionAuditRead},
	identity.RoleBureauAdmin:   {identity.ActionRead, identity.ActionWriteGeometry, identity.ActionWritePeople, identity.ActionWriteRegister, identity.ActionImport, identity.ActionExport, identity.ActionReport, identity.ActionFileDocuments},
	identity.RolePlanner:       {identity.ActionRead, identity.ActionWriteGeometry, identity.ActionWritePeople, identity.ActionImport, identity.ActionFileDocuments},
	identity.RoleAgencyManager: {identity.ActionRead, identity.ActionWritePeople, identity.ActionFileDocuments},
	identity.RoleInspector:     {identity.ActionRead, identity.ActionReport, identity.ActionExport, identity.ActionFileDocuments},
	identity.RoleViewer:        {identity.ActionRead},
	identity.RoleApprover:      {identity.ActionRead, identity.ActionReport, identity.ActionFileDocuments},
}

// The trees: city → district → town; agency → sub-agency. Another district and agency are out of
// scope.
var (
	city, district, town, otherDistrict = uuid.New(), uuid.New(), uuid.New(), uuid.New()
	agency, subAgency, otherAgency      = uuid.New(), uuid.New(), uuid.New()
)

// scopeFor is the scope a role is granted in the matrix test: business roles a district (the agency
// manager also an agency in it), administrators nothing (they work system-wide).
func scopeFor(r identity.Role) identity.Scope {
	switch {
	case r.Admin():
		return identity.Scope{}
	case r == identity.RoleAgencyManager:
		return identity.Scope{Jurisdiction: district, Agency: agency}
	}
	return identity.Scope{Jurisdiction: district}
}

func TestAllowedMatrix(t *testing.T) {
	targets := []struct {
		name    string
		target  identity.Target
		inScope func(identity.Role) bool
	}{
		{"the scope itself", identity.Target{
			JurisdictionID: district, JurisdictionAncestors: []uuid.UUID{city},
			AgencyID: agency,
		}, func(identity.Role) bool { return true }},
		{"inside the scope", identity.Target{
			JurisdictionID: town, JurisdictionAncestors: []uuid.UUID{district, city},
			AgencyID: subAgency, AgencyAncestors: []uuid.UUID{agency},
		}, func(identity.Role) bool { return true }},
		{"another agency in the district", identity.Target{
			JurisdictionID: town, JurisdictionAncestors: []uuid.UUID{district, city},
			AgencyID: otherAgency,
		}, func(r identity.Role) bool { return r != identity.RoleAgencyManager }},
		{"no agency, in the district", identity.Target{
			JurisdictionID: district, JurisdictionAncestors: []uuid.UUID{city},
		}, func(r identity.Role) bool { return r != identity.RoleAgencyManager }},
		{"another district", identity.Target{
			JurisdictionID: otherDistrict, JurisdictionAncestors: []uuid.UUID{city},
			AgencyID: subAgency, AgencyAncestors: []uuid.UUID{agency},
		}, func(r identity.Role) bool { return r.Admin() }},
		{"the city above", identity.Target{JurisdictionID: city},
			func(r identity.Role) bool { return r.Admin() }},
		{"nowhere (the zero target)", identity.Target{},
			func(r identity.Role) bool { return r.Admin() }},
	}
	for _, role := range identity.Roles {
		grants := []identity.Grant{{Role: role, Scope: scopeFor(role)}}
		for _, action := range identity.Actions {
			for _, tg := range targets {
				want := slices.Contains(matrix[role], action) && tg.inScope(role)
				if got := identity.Allowed(grants, action, tg.target); got != want {
					t.Errorf("%s may %s on %s: %v, want %v", role, action, tg.name, got, want)
				}
			}
			if got, want := identity.Can(grants, action), slices.Contains(matrix[role], action); got != want {
				t.Errorf("Can(%s, %s) = %v, want %v", role, action, got, want)
			}
		}
	}
}

func TestAllowedScopes(t *testing.T) {
	inTown := identity.Target{JurisdictionID: town, JurisdictionAncestors: []uuid.UUID{district, city}, AgencyID: otherAgency}
	elsewhere := identity.Target{JurisdictionID: otherDistrict, JurisdictionAncestors: []uuid.UUID{city}}
	tests := []struct {
		name   string
		grants []identity.Grant
		action identity.Action
		target identity.Target
		want   bool
	}{
		{"city bureau (unscoped) sees every district", []identity.Grant{{Role: identity.RoleBureauAdmin}}, identity.ActionWriteGeometry, elsewhere, true},
		{"city bureau (scoped to the city) sees every district", []identity.Grant{{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: city}}}, identity.ActionRead, elsewhere, true},
		{"district bureau does not see another district", []identity.Grant{{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: district}}}, identity.ActionRead, elsewhere, false},
		{"grants add up", []identity.Grant{
			{Role: identity.RoleViewer, Scope: identity.Scope{Jurisdiction: otherDistrict}},
			{Role: identity.RolePlanner, Scope: identity.Scope{Jurisdiction: district}},
		}, identity.ActionWriteGeometry, inTown, true},
		{"grants do not mix: a planner's write stays in its district", []identity.Grant{
			{Role: identity.RoleViewer, Scope: identity.Scope{Jurisdiction: otherDistrict}},
			{Role: identity.RolePlanner, Scope: identity.Scope{Jurisdiction: district}},
		}, identity.ActionWriteGeometry, elsewhere, false},
		{"agency manager without an agency covers nothing", []identity.Grant{{Role: identity.RoleAgencyManager}}, identity.ActionRead, inTown, false},
		{"unknown action", []identity.Grant{{Role: identity.RoleBureauAdmin}}, identity.Action("delete_everything"), inTown, false},
		{"unknown role", []identity.Grant{{Role: identity.Role("root")}}, identity.ActionRead, inTown, false},
		{"no grants", nil, identity.ActionRead, inTown, false},
	}
	for _, tc := range tests {
		if got := identity.Allowed(tc.grants, tc.action, tc.target); got != tc.want {
			t.Errorf("%s: Allowed = %v, want %v", tc.name, got, tc.want)
		}
	}
	if identity.Can([]identity.Grant{{Role: identity.RoleAgencyManager}}, identity.ActionRead) {
		t.Error("Can: an agency manager without an agency may read")
	}
}

func TestMatrix(t *testing.T) {
	got := identity.Matrix()
	for _, r := range identity.Roles {
		if fmt.Sprint(sorted(got[r])) != fmt.Sprint(sorted(matrix[r])) {
			t.Errorf("Matrix()[%s] = %v, want %v", r, got[r], matrix[r])
		}
	}
	if len(got) != len(identity.Roles) {
		t.Errorf("Matrix has %d roles, want %d", len(got), len(identity.Roles))
	}
}

func TestSeparationOfDuties(t *testing.T) {
	business := []identity.Action{identity.ActionRead, identity.ActionWriteGeometry, identity.ActionWritePeople,
		identity.ActionWriteRegister, identity.ActionImport, identity.ActionExport, identity.ActionReport, identity.ActionFileDocuments}
	admin := []identity.Action{identity.ActionAdminUsers, identity.ActionAdminRoles, identity.ActionAuditRead}
	for _, r := range identity.Roles {
		g := []identity.Grant{{Role: r}}
		n := 0
		for _, a := range admin {
			if identity.Can(g, a) {
				n++
			}
		}
		for _, a := range business {
			if r.Admin() && identity.Can(g, a) {
				t.Errorf("administrator %s may %s", r, a)
			}
		}
		if r.Admin() && n != 1 || !r.Admin() && n != 0 {
			t.Errorf("%s holds %d administrative actions", r, n)
		}
	}
}

func TestSeesPersonalData(t *testing.T) {
	want := map[identity.Role]bool{
		identity.RoleBureauAdmin: true, identity.RolePlanner: true, identity.RoleAgencyManager: true, identity.RoleInspector: true,
		identity.RoleApprover: true, // approves second offices and allocations for named people
	}
	for _, r := range identity.Roles {
		if got := identity.SeesPersonalData([]identity.Grant{{Role: r}}); got != want[r] {
			t.Errorf("SeesPersonalData(%s) = %v, want %v", r, got, want[r])
		}
	}
	if !identity.SeesPersonalData([]identity.Grant{{Role: identity.RoleViewer}, {Role: identity.RoleInspector}}) {
		t.Error("a viewer who is also an inspector does not see personal data")
	}
	if identity.SeesPersonalData(nil) {
		t.Error("no grants see personal data")
	}
}

func TestRoles(t *testing.T) {
	for _, r := range identity.Roles {
		if !r.Valid() {
			t.Errorf("%s is not Valid", r)
		}
		if got, want := r.Admin(), r == identity.RoleSysAdmin || r == identity.RoleSecAdmin || r == identity.RoleAuditor; got != want {
			t.Errorf("%s.Admin() = %v", r, got)
		}
	}
	if identity.Role("root").Valid() || identity.Role("").Valid() {
		t.Error("an unknown role is Valid")
	}
	u := identity.User{Grants: []identity.Grant{{Role: identity.RolePlanner}, {Role: identity.RoleViewer}, {Role: identity.RolePlanner, Scope: identity.Scope{Agency: agency}}}}
	if got := u.RoleNames(); got != "planner,viewer" {
		t.Errorf("RoleNames = %q", got)
	}
}

func sorted(as []identity.Action) []identity.Action {
	as = slices.Clone(as)
	slices.Sort(as)
	return as
}
