package api_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// TestImportPropertiesRoute: the bureau imports its property register (a dry run, then for real, then
// again: nothing changes); a broken file is 422 naming every row, nothing written; a planner may not
// import it; a district's administrator may not put a property in another district.
func TestImportPropertiesRoute(t *testing.T) {
	w := newGapsWorld(t)
	sfx := uuid.NewString()[:8]
	list := "房产名称,坐落,房产类别,权证号,证载面积,权属状态\n" +
		"档案楼" + sfx + ",和平路1号,党政机关办公用房,T-" + sfx + ",1200.5,已登记\n" +
		"车库" + sfx + ",和平路2号,其他办公用房,,,待登记\n"
	post := func(c *client, query, body string) response {
		return c.do("POST", "/api/v1/imports/properties?filename=list.csv"+query, body, "Content-Type", "text/csv", "Accept-Language", "zh-CN")
	}
	var sum struct {
		Records  struct{ Created, Changed, Unchanged int }
		Outcomes []struct {
			SiteID uuid.UUID `json:"site_id"`
			Action string
		}
	}
	sitesBody := func() []byte { return w.boss.do("GET", "/api/v1/sites", nil).expect(t, 200).body }
	post(w.boss, "&dry_run=true", list).expect(t, 200).decode(t, &sum)
	if sum.Records.Created != 2 || bytes.Contains(sitesBody(), []byte("档案楼"+sfx)) {
		t.Fatalf("dry run: %+v (or it wrote)", sum.Records)
	}
	post(w.boss, "", list).expect(t, 200).decode(t, &sum)
	if sum.Records.Created != 2 || len(sum.Outcomes) != 2 || sum.Outcomes[0].SiteID == uuid.Nil {
		t.Fatalf("import: %+v", sum)
	}
	site := sum.Outcomes[0].SiteID
	var got struct {
		Ownership string
		Records   []struct {
			Number string
			AreaM2 float64 `json:"area_m2"`
		}
	}
	w.boss.do("GET", "/api/v1/sites/"+site.String(), nil).expect(t, 200).decode(t, &got)
	if got.Ownership != "registered" || len(got.Records) != 1 || got.Records[0].Number != "T-"+sfx || got.Records[0].AreaM2 != 1200.5 {
		t.Errorf("imported site: %+v", got)
	}
	post(w.boss, "", list).expect(t, 200).decode(t, &sum)
	if sum.Records.Created != 0 || sum.Records.Changed != 0 || sum.Records.Unchanged != 2 {
		t.Errorf("second import: %+v, want 0 created, 0 changed", sum.Records)
	}

	broken := "房产名称,房产类别,权证号,证载面积,权属状态\n" +
		"甲" + sfx + ",党政机关办公用房,X-" + sfx + ",100,已登记\n" +
		"乙" + sfx + ",党政机关办公用房,X-" + sfx + ",100,已登记\n" +
		"丙" + sfx + ",党政机关办公用房,,很大,已登记\n"
	e := post(w.boss, "", broken).expectError(t, 422, "import_rejected")
	problems, _ := e["problems"].([]any)
	text, _ := json.Marshal(problems)
	if len(problems) != 2 || !strings.Contains(string(text), "第 3 行") || !strings.Contains(string(text), "第 4 行") {
		t.Errorf("problems %s, want rows 3 and 4", text)
	}
	if bytes.Contains(sitesBody(), []byte("甲"+sfx)) {
		t.Error("a rejected file wrote a site")
	}
	post(w.boss, "&map="+url.QueryEscape("名称=nonsense"), list).expectError(t, 400, "bad_request")

	w.e.addUser("prop_planner", identity.Grant{Role: identity.RolePlanner})
	post(w.e.signIn("prop_planner"), "", list).expectError(t, 403, "forbidden")

	// A district administrator may import properties of their district, not put one in another.
	d := w.e.signedIn("prop_district", identity.Grant{Role: identity.RoleBureauAdmin, Scope: identity.Scope{Jurisdiction: w.tianning}})
	names := jurisdictionNames(t, w.boss)
	elsewhere := "房产名称,房产类别,权属状态,所在辖区\n外区楼" + sfx + ",党政机关办公用房,已登记," + names[w.zhonglou] + "\n"
	if r := post(d, "", elsewhere); r.status != 403 && r.status != 404 {
		t.Errorf("a property put in another district: %d %s", r.status, r.body)
	}
	if bytes.Contains(sitesBody(), []byte("外区楼"+sfx)) {
		t.Error("the refused import wrote a site")
	}
	// A property of their district (entered by the bureau) they may keep up to date.
	here := "房产名称,房产类别,权属状态,所在辖区,备注\n本区楼" + sfx + ",党政机关办公用房,已登记," + names[w.tianning] + ",\n"
	post(w.boss, "", here).expect(t, 200)
	post(d, "", strings.Replace(here, ",\n", ",已核实\n", 1)).expect(t, 200).decode(t, &sum)
	if sum.Records.Changed != 1 {
		t.Errorf("the district's own property: %+v, want 1 changed", sum.Records)
	}
}

// TestArchiveOfEveryProperty: GET /api/v1/archive.zip holds a package of each property the caller's scope
// shows, each in its folder with an index of that property and a manifest that matches, and no other.
func TestArchiveOfEveryProperty(t *testing.T) {
	w := newGapsWorld(t)
	d := w.e.signedIn("arch_district", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Jurisdiction: w.tianning}})
	fileDocument(t, w.boss, "tn.pdf", append(pdfBytes(), "tn"...), "site", w.tn.site, "title_certificate").expect(t, 201)

	folders := func(c *client) map[uuid.UUID]string {
		res := c.do("GET", "/api/v1/archive.zip", nil).expect(t, 200)
		if res.header.Get("Content-Type") != "application/zip" {
			t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
		}
		files := unzip(t, res.body)
		var list []struct {
			SiteID uuid.UUID `json:"site_id"`
			Folder string
		}
		if err := json.Unmarshal(files["archives.json"], &list); err != nil {
			t.Fatalf("archives.json: %v", err)
		}
		out := map[uuid.UUID]string{}
		for _, p := range list {
			out[p.SiteID] = p.Folder
			var index struct {
				Site struct{ ID uuid.UUID }
			}
			if err := json.Unmarshal(files[p.Folder+"/index.json"], &index); err != nil || index.Site.ID != p.SiteID {
				t.Errorf("%s/index.json: %v, site %s, want %s", p.Folder, err, index.Site.ID, p.SiteID)
			}
			manifest := string(files[p.Folder+"/manifest-sha256.txt"])
			if !strings.Contains(manifest, "  index.json\n") {
				t.Errorf("%s: manifest %q", p.Folder, manifest)
			}
		}
		for name := range files {
			folder, _, _ := strings.Cut(name, "/")
			if name != "archives.json" && !containsValue(out, folder) {
				t.Errorf("%s is in no listed package", name)
			}
		}
		return out
	}
	mine := folders(d)
	if _, ok := mine[w.tn.site]; !ok {
		t.Errorf("the district's own property is not in its archive: %v", mine)
	}
	if _, ok := mine[w.zl.site]; ok {
		t.Errorf("another district's property is in the district's archive")
	}
	all := folders(w.boss)
	if _, ok := all[w.zl.site]; !ok {
		t.Errorf("the bureau's archive lacks a property")
	}
	w.e.addUser("arch_planner", identity.Grant{Role: identity.RolePlanner})
	w.e.signIn("arch_planner").do("GET", "/api/v1/archive.zip", nil).expectError(t, 403, "forbidden")
}

func containsValue(m map[uuid.UUID]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}

// TestExportPropertiesScope: GET /api/v1/exports/properties gives the properties the caller's scope shows
// (a district's inspector: its district's only), in the layout the import reads back unchanged.
func TestExportPropertiesScope(t *testing.T) {
	w := newGapsWorld(t)
	sfx := uuid.NewString()[:8]
	names := jurisdictionNames(t, w.boss)
	list := "房产名称,房产类别,权证号,权属状态,所在辖区\n" +
		"天宁楼" + sfx + ",党政机关办公用房,TN-" + sfx + ",已登记," + names[w.tianning] + "\n" +
		"钟楼楼" + sfx + ",党政机关办公用房,ZL-" + sfx + ",已登记," + names[w.zhonglou] + "\n"
	w.boss.do("POST", "/api/v1/imports/properties?filename=p.csv", list, "Content-Type", "text/csv").expect(t, 200)

	d := w.e.signedIn("exp_district", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Jurisdiction: w.tianning}})
	mine := d.do("GET", "/api/v1/exports/properties?format=csv", nil).expect(t, 200)
	if !strings.HasPrefix(mine.header.Get("Content-Type"), "text/csv") || !bytes.Contains(mine.body, []byte("天宁楼"+sfx)) ||
		bytes.Contains(mine.body, []byte("钟楼楼"+sfx)) {
		t.Errorf("the district's export: %s", mine.body)
	}
	all := w.boss.do("GET", "/api/v1/exports/properties?format=csv", nil).expect(t, 200)
	if !bytes.Contains(all.body, []byte("天宁楼"+sfx)) || !bytes.Contains(all.body, []byte("钟楼楼"+sfx)) {
		t.Errorf("the bureau's export lacks a property")
	}
	xlsx := d.do("GET", "/api/v1/exports/properties", nil).expect(t, 200)
	var sum struct {
		Rows    int
		Records struct{ Created, Changed, Unchanged int }
	}
	w.boss.do("POST", "/api/v1/imports/properties?filename=district.xlsx", xlsx.body).expect(t, 200).decode(t, &sum)
	if sum.Rows < 2 || sum.Records.Created != 0 || sum.Records.Changed != 0 || sum.Records.Unchanged != sum.Rows {
		t.Errorf("the district's export imported back: %+v, want every row unchanged", sum)
	}
	w.e.addUser("exp_planner", identity.Grant{Role: identity.RolePlanner})
	w.e.signIn("exp_planner").do("GET", "/api/v1/exports/properties", nil).expectError(t, 403, "forbidden")
}

// jurisdictionNames is the name of every jurisdiction c reads, by id.
func jurisdictionNames(t *testing.T, c *client) map[uuid.UUID]string {
	t.Helper()
	var jurisdictions []struct {
		ID   uuid.UUID
		Name string
	}
	c.do("GET", "/api/v1/jurisdictions", nil).expect(t, 200).decode(t, &jurisdictions)
	names := map[uuid.UUID]string{}
	for _, j := range jurisdictions {
		names[j.ID] = j.Name
	}
	return names
}
