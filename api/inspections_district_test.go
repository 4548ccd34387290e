package api_test

import (
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// TestInspectionPlanInDistrict: a district's inspector plans the district's inspection and one of its
// agencies', but not another district's nor the whole city's (403); the city's inspector plans any.
func TestInspectionPlanInDistrict(t *testing.T) {
	e := newAuthEnv(t)
	secU := e.addUser("ipd_sec", identity.Grant{Role: identity.RoleSecAdmin})
	e.addUser("ipd_bureau", identity.Grant{Role: identity.RoleBureauAdmin})
	sec, boss := e.signIn("ipd_sec", e.nextCode(e.withTOTP(secU))), e.signIn("ipd_bureau")
	sfx := uuid.NewString()[:8]
	_, tn, zl := districts(t, sec, sfx)
	tnAgency := newAgency(t, boss, "天宁区民政局"+sfx, map[string]any{"jurisdiction_id": tn})
	zlAgency := newAgency(t, boss, "钟楼区民政局"+sfx, map[string]any{"jurisdiction_id": zl})
	e.addUser("ipd_tn", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Jurisdiction: tn}})
	e.addUser("ipd_city", identity.Grant{Role: identity.RoleInspector})
	d, city := e.signIn("ipd_tn"), e.signIn("ipd_city")

	plan := func(scope map[string]any) map[string]any {
		return map[string]any{"kind": "special", "title": "专项检查" + sfx, "as_of": "2026-01-05", "due_on": "2026-06-30",
			"scope": scope}
	}
	inDistrict := plan(map[string]any{"kind": "jurisdiction", "jurisdiction_id": tn})
	var p struct {
		ID uuid.UUID `json:"id"`
	}
	d.do("POST", "/api/v1/inspections", inDistrict).expect(t, 201).decode(t, &p)
	d.do("POST", "/api/v1/inspections/"+p.ID.String()+"/start", nil).expect(t, 200)
	d.do("POST", "/api/v1/inspections", plan(map[string]any{"kind": "agencies", "agency_ids": []uuid.UUID{tnAgency}})).expect(t, 201)
	for name, scope := range map[string]map[string]any{
		"another district":              {"kind": "jurisdiction", "jurisdiction_id": zl},
		"an agency of another district": {"kind": "agencies", "agency_ids": []uuid.UUID{tnAgency, zlAgency}},
		"the whole city":                {"kind": "all"},
	} {
		if res := d.do("POST", "/api/v1/inspections", plan(scope)); res.status != 403 && res.status != 404 {
			t.Errorf("the district's inspector planning %s: %d, want 403 or 404\n%s", name, res.status, res.body)
		}
	}
	city.do("POST", "/api/v1/inspections", plan(map[string]any{"kind": "jurisdiction", "jurisdiction_id": zl})).expect(t, 201)
	city.do("POST", "/api/v1/inspections", plan(map[string]any{"kind": "all"})).expect(t, 201)
}
