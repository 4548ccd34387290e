package api_test

import (
	"reflect"
	"testing"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// classificationOut is the classification as the API gives it.
type classificationOut struct {
	Groups []struct {
		Code       string `json:"code"`
		Name       string `json:"name"`
		NameEN     string `json:"name_en"`
		Categories []struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			NameEN string `json:"name_en"`
		} `json:"categories"`
	} `json:"groups"`
}

// domain converts the wire classification for comparison.
func (c classificationOut) domain() floorplan.Classification {
	var out floorplan.Classification
	for _, g := range c.Groups {
		dg := floorplan.CategoryGroup{Code: g.Code, Name: g.Name, NameEN: g.NameEN}
		for _, cat := range g.Categories {
			dg.Categories = append(dg.Categories, floorplan.Category{Code: cat.Code, Name: cat.Name, NameEN: cat.NameEN})
		}
		out.Groups = append(out.Groups, dg)
	}
	return out
}

// TestClassificationRoute: GET /api/v1/classification gives the list in force — the built-in one, or the
// deployment's — whole, with both names.
func TestClassificationRoute(t *testing.T) {
	var got classificationOut
	newEnv(t, api.Config{}).do("GET", "/api/v1/classification", nil).expect(t, 200).decode(t, &got)
	if want := floorplan.BuiltinClassification(); !reflect.DeepEqual(got.domain(), want) {
		t.Errorf("the built-in list: got %+v, want %+v", got.domain(), want)
	}
	own := floorplan.Classification{Groups: []floorplan.CategoryGroup{{Code: "office", Name: "办公用房", NameEN: "Office",
		Categories: []floorplan.Category{{Code: "office.a01", Name: "党政机关办公用房", NameEN: "Party and government offices"}}}}}
	got = classificationOut{}
	newEnv(t, api.Config{Classification: &own}).do("GET", "/api/v1/classification", nil).expect(t, 200).decode(t, &got)
	if !reflect.DeepEqual(got.domain(), own) {
		t.Errorf("the deployment's list: got %+v, want %+v", got.domain(), own)
	}
}

// TestClassificationSignedIn: any signed-in user reads the classification, whatever their role and scope;
// nobody else does.
func TestClassificationSignedIn(t *testing.T) {
	e := newAuthEnv(t)
	e.anonymous().do("GET", "/api/v1/classification", nil).expectError(t, 401, "unauthenticated")
	e.addUser("viewer", identity.Grant{Role: identity.RoleViewer})
	e.addUser("inspector", identity.Grant{Role: identity.RoleInspector})
	e.addUser("manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: uuid.New()}})
	for _, name := range []string{"viewer", "inspector", "manager"} {
		var got classificationOut
		e.signIn(name).do("GET", "/api/v1/classification", nil).expect(t, 200).decode(t, &got)
		if len(got.Groups) != len(floorplan.BuiltinClassification().Groups) {
			t.Errorf("%s: %d groups", name, len(got.Groups))
		}
	}
}

// buildingOut is the part of a building's JSON these tests read.
type buildingCategoryOut struct {
	ID       uuid.UUID `json:"id"`
	Category string    `json:"category"`
	Version  int64     `json:"version"`
}

// TestBuildingCategory: a building's own kind over HTTP — given, read back, changed, cleared — and a code
// the classification lacks is a 422 naming the field, with nothing written.
func TestBuildingCategory(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	path := "/api/v1/buildings/" + f.building.String()
	var b buildingCategoryOut
	e.do("GET", path, nil).expect(t, 200).decode(t, &b)
	if b.Category != "" {
		t.Fatalf("a building created without a kind has category %q", b.Category)
	}
	e.do("PATCH", path, map[string]any{"category": "residential.turnover"}, "Content-Type", "application/merge-patch+json", "If-Match", "*").
		expect(t, 200).decode(t, &b)
	if b.Category != "residential.turnover" {
		t.Fatalf("after the patch: category %q", b.Category)
	}
	body := e.do("PATCH", path, map[string]any{"category": "residential.castle"}, "Content-Type", "application/merge-patch+json", "If-Match", "*").
		expectError(t, 422, "invalid_input")
	if body["field"] != "category" {
		t.Errorf("the refusal names %v, want category (%v)", body["field"], body)
	}
	var after buildingCategoryOut
	e.do("GET", path, nil).expect(t, 200).decode(t, &after)
	if after != b {
		t.Errorf("the refused patch was written: %+v, before %+v", after, b)
	}
	e.do("PATCH", path, map[string]any{"category": ""}, "Content-Type", "application/merge-patch+json", "If-Match", "*").expect(t, 200).decode(t, &b)
	if b.Category != "" {
		t.Errorf("cleared: category %q", b.Category)
	}
	created := e.do("POST", "/api/v1/buildings", map[string]any{"site_id": f.site, "name": "宿舍楼", "category": "office",
		"georef": map[string]any{"origin": []float64{f.georef.Origin[0] + 0.001, f.georef.Origin[1]}, "rotation_deg": 0, "scale": 1}}).
		expectError(t, 422, "invalid_input")
	if created["field"] != "category" {
		t.Errorf("a group's code as a new building's kind: %v", created)
	}
}

// siteRecordsOut is the part of a site's JSON these tests read.
type siteRecordsOut struct {
	Version int64 `json:"version"`
	Records []struct {
		Kind       string     `json:"kind"`
		IssuedOn   *string    `json:"issued_on"`
		ExpiresOn  *string    `json:"expires_on"`
		DocumentID *uuid.UUID `json:"document_id"`
	} `json:"records"`
}

// TestTitleRecords: a title record's land-use expiry and scan over HTTP; an expiry before the issue, a
// scan of another property or a hidden one is a 422 naming the field, with nothing written.
func TestTitleRecords(t *testing.T) {
	e := newEnv(t, api.Config{})
	f, other := e.fixture(), e.fixture()
	var scan, elsewhere, hidden documentOut
	fileDocument(t, e, "产权证.pdf", pdfBytes(), "site", f.site, "title_certificate").expect(t, 201).decode(t, &scan)
	fileDocument(t, e, "别处.pdf", append(pdfBytes(), "别处"...), "site", other.site, "title_certificate").expect(t, 201).decode(t, &elsewhere)
	fileDocument(t, e, "作废.pdf", append(pdfBytes(), "作废"...), "site", f.site, "title_certificate").expect(t, 201).decode(t, &hidden)
	e.do("DELETE", "/api/v1/documents/"+hidden.ID.String()+"?reason=扫描错误", nil).expect(t, 204)

	path := "/api/v1/sites/" + f.site.String()
	record := func(expires string, doc any) map[string]any {
		return map[string]any{"records": []map[string]any{{"kind": "不动产权证", "number": "苏(2020)常州市不动产权第0001号",
			"issued_on": "2020-05-01", "expires_on": expires, "document_id": doc}}}
	}
	patch := func(body map[string]any) response {
		return e.do("PATCH", path, body, "Content-Type", "application/merge-patch+json", "If-Match", "*")
	}
	var site siteRecordsOut
	patch(record("2060-04-30", scan.ID)).expect(t, 200).decode(t, &site)
	r := site.Records[0]
	if r.ExpiresOn == nil || *r.ExpiresOn != "2060-04-30" || r.DocumentID == nil || *r.DocumentID != scan.ID {
		t.Fatalf("the record read back: %+v", r)
	}
	for _, tc := range []struct {
		name, field string
		body        map[string]any
	}{
		{"an expiry before the issue", "records[0].expires_on", record("2020-04-30", nil)},
		{"a scan of another property", "records[0].document_id", record("", elsewhere.ID)},
		{"a hidden scan", "records[0].document_id", record("", hidden.ID)},
	} {
		body := patch(tc.body).expectError(t, 422, "invalid_input")
		if body["field"] != tc.field {
			t.Errorf("%s: the refusal names %v, want %s (%v)", tc.name, body["field"], tc.field, body)
		}
	}
	var after siteRecordsOut
	e.do("GET", path, nil).expect(t, 200).decode(t, &after)
	if after.Version != site.Version || after.Records[0].DocumentID == nil || *after.Records[0].DocumentID != scan.ID {
		t.Errorf("a refused patch was written: %+v, before %+v", after, site)
	}
	patch(record("", nil)).expect(t, 200).decode(t, &site)
	if site.Records[0].ExpiresOn != nil || site.Records[0].DocumentID != nil {
		t.Errorf("cleared: %+v", site.Records[0])
	}
}
