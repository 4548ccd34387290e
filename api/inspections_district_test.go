package api_test

import (
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// TestInspectionPlanInDistrict: a district's inspector plans the district's inspection and one of its
// agencies', but not another district's nor the whole city's (403); the city's inspector plans any. The
// scope may be given in short.
func TestInspectionPlanInDistrict(t *testing.T) {
	e := newAuthEnv(t)
	w := newDistricts(t, e, "ipd")
	sfx, tn, zl, tnAgency, zlAgency := w.sfx, w.tn, w.zl, w.tnAgency, w.zlAgency
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

	// The scope in short: "all", a district's id, a list of agency ids; none is every agency.
	var got struct {
		Scope struct {
			Kind           string      `json:"kind"`
			JurisdictionID uuid.UUID   `json:"jurisdiction_id"`
			AgencyIDs      []uuid.UUID `json:"agency_ids"`
		} `json:"scope"`
	}
	body := func(scope any) map[string]any {
		b := map[string]any{"kind": "annual", "as_of": "2026-01-05"}
		if scope != nil {
			b["scope"] = scope
		}
		return b
	}
	city.do("POST", "/api/v1/inspections", body("all")).expect(t, 201).decode(t, &got)
	if got.Scope.Kind != "all" {
		t.Errorf(`scope "all": %+v`, got.Scope)
	}
	city.do("POST", "/api/v1/inspections", body(nil)).expect(t, 201).decode(t, &got)
	if got.Scope.Kind != "all" {
		t.Errorf("no scope: %+v, want every agency", got.Scope)
	}
	d.do("POST", "/api/v1/inspections", body(tn.String())).expect(t, 201).decode(t, &got)
	if got.Scope.Kind != "jurisdiction" || got.Scope.JurisdictionID != tn {
		t.Errorf("scope of a district's id: %+v", got.Scope)
	}
	d.do("POST", "/api/v1/inspections", body([]uuid.UUID{tnAgency})).expect(t, 201).decode(t, &got)
	if got.Scope.Kind != "agencies" || len(got.Scope.AgencyIDs) != 1 || got.Scope.AgencyIDs[0] != tnAgency {
		t.Errorf("scope of a list of agencies: %+v", got.Scope)
	}
	if res := city.do("POST", "/api/v1/inspections", body("everything")); res.status != 400 && res.status != 422 {
		t.Errorf(`scope "everything": %d, want refused`, res.status)
	}
}
