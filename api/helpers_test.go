package api_test

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// Setup shared by test files of several features: districts, application roles and zips.

// districtWorld is a city's two districts (天宁区 tn, 钟楼区 zl) and an agency of each, made by a security
// administrator and a bureau administrator.
type districtWorld struct {
	sec, boss          *client
	sfx                string // makes this world's names unique
	tn, zl             uuid.UUID
	tnAgency, zlAgency uuid.UUID
}

// newDistricts makes a districtWorld in e, its administrators named prefix_sec and prefix_bureau.
func newDistricts(t *testing.T, e *authEnv, prefix string) districtWorld {
	t.Helper()
	secU := e.addUser(prefix+"_sec", identity.Grant{Role: identity.RoleSecAdmin})
	e.addUser(prefix+"_bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	d := districtWorld{sec: e.signIn(prefix+"_sec", e.nextCode(e.withTOTP(secU))), boss: e.signIn(prefix + "_bureau"),
		sfx: uuid.NewString()[:8]}
	_, d.tn, d.zl = districts(t, d.sec, d.sfx)
	d.tnAgency = newAgency(t, d.boss, "天宁区民政局"+d.sfx, map[string]any{"jurisdiction_id": d.tn})
	d.zlAgency = newAgency(t, d.boss, "钟楼区民政局"+d.sfx, map[string]any{"jurisdiction_id": d.zl})
	return d
}

// applicationUsers signs in the roles of an application's steps in s: the managers of agencies A and B,
// the bureau, an approver and a planner.
func applicationUsers(s *scopeEnv) (m, mb, boss, leader, planner *client) {
	s.e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("managerB", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.b}})
	s.e.addUser("approver", identity.Grant{Role: identity.RoleApprover})
	s.e.addUser("planner", identity.Grant{Role: identity.RolePlanner})
	return s.e.signIn("manager"), s.e.signIn("managerB"), s.e.signIn("bureau"), s.e.signIn("approver"), s.e.signIn("planner")
}

// unzip reads a zip's files by name.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip (%v): %.200s", err, data)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}
