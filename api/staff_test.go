package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// staffSummary is a staff import's or sync's summary as the tests read it.
type staffSummary struct {
	File     string
	Kind     string
	DryRun   bool `json:"dry_run"`
	Rows     int
	Records  struct{ Created, Updated, Unchanged int }
	Problems []struct {
		Feature, Reason string
	}
	Events []struct {
		Person, Agency, What, Text string
		Effective, Deadline        time.Time
	}
	Notes []string
}

// utf8CSV writes rows as CSV in UTF-8.
func utf8CSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// peopleHeader is the header of the people template, as the bureau's clerk fills it in.
var peopleHeader = []string{"工号", "姓名", "单位", "职级", "职务", "状态", "状态日期"}

// staffOf reads an agency's people straight from the package's database, by staff number.
func staffOf(t *testing.T, agency uuid.UUID) map[string]floorplan.Person {
	t.Helper()
	list, err := openStore(t).People(context.Background(), floorplan.PersonFilter{AgencyID: agency})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]floorplan.Person{}
	for _, p := range list {
		out[p.StaffNo] = p
	}
	return out
}

// staffNos returns the staff numbers of people, sorted.
func staffNos(people map[string]floorplan.Person) []string {
	var out []string
	for no := range people {
		out = append(out, no)
	}
	sort.Strings(out)
	return out
}

func TestImportStaffPeople(t *testing.T) {
	e := newEnv(t, api.Config{})
	sfx := uuid.NewString()[:6]
	name := "常州市审计局" + sfx
	agency := newAgency(t, e, name, nil)
	no := func(i int) string { return fmt.Sprintf("SJ%s-%03d", sfx, i) }
	good := utf8CSV(t, [][]string{
		peopleHeader,
		{no(1), "张三", name, "县处级正职", "局长", "在职", ""},
		{no(2), "李四", name, "科员及以下", "科员", "", ""},
	})

	t.Run("dry run writes nothing", func(t *testing.T) {
		var sum staffSummary
		e.do("POST", "/api/v1/imports/people?dry_run=true&filename=人员.csv", good).expect(t, 200).decode(t, &sum)
		if !sum.DryRun || sum.Kind != "people" || sum.Rows != 2 || sum.Records.Created != 2 {
			t.Errorf("dry run summary %+v, want 2 rows to create", sum)
		}
		if got := staffOf(t, agency); len(got) != 0 {
			t.Errorf("the dry run wrote %v", staffNos(got))
		}
	})
	t.Run("import", func(t *testing.T) {
		var sum staffSummary
		e.do("POST", "/api/v1/imports/people?filename=人员.csv", good).expect(t, 200).decode(t, &sum)
		if sum.DryRun || sum.File != "人员.csv" || sum.Records.Created != 2 || sum.Records.Updated != 0 {
			t.Errorf("summary %+v, want 2 created", sum)
		}
		got := staffOf(t, agency)
		if p := got[no(1)]; p.Name != "张三" || p.Rank != floorplan.RankDivision || p.Title != "局长" || p.Status != floorplan.PersonActive {
			t.Errorf("%s = %+v", no(1), p)
		}
		if p := got[no(2)]; p.Name != "李四" || p.Rank != floorplan.RankStaff {
			t.Errorf("%s = %+v", no(2), p)
		}
	})
	t.Run("again: nothing changes", func(t *testing.T) {
		before := staffOf(t, agency)
		var sum staffSummary
		e.do("POST", "/api/v1/imports/people", good).expect(t, 200).decode(t, &sum)
		if sum.Records.Created != 0 || sum.Records.Updated != 0 || sum.Records.Unchanged != 2 {
			t.Errorf("re-import records %+v, want 2 unchanged", sum.Records)
		}
		for k, p := range staffOf(t, agency) {
			if p.Version != before[k].Version {
				t.Errorf("%s: version %d → %d on a re-import", k, before[k].Version, p.Version)
			}
		}
	})
	t.Run("a bad rank is refused with its row and column", func(t *testing.T) {
		bad := utf8CSV(t, [][]string{
			peopleHeader,
			{no(3), "王五", name, "科员及以下", "", "", ""},
			{no(4), "赵六", name, "大将军", "", "", ""},
		})
		body := e.do("POST", "/api/v1/imports/people?filename=bad.csv", bad, "Accept-Language", "en").expectError(t, 422, "import_rejected")
		problems, _ := body["problems"].([]any)
		if len(problems) != 1 {
			t.Fatalf("problems %v, want one", body["problems"])
		}
		p := problems[0].(map[string]any)
		if text := fmt.Sprint(p["feature"], " ", p["reason"]); !strings.Contains(text, "row 3") || !strings.Contains(text, "职级") ||
			!strings.Contains(text, "大将军") {
			t.Errorf("problem %v, want row 3, column 职级 and the value", p)
		}
		zh := e.do("POST", "/api/v1/imports/people?filename=bad.csv", bad, "Accept-Language", "zh-CN").expectError(t, 422, "import_rejected")
		if msg, _ := zh["message"].(string); !strings.Contains(msg, "第 3 行") || !strings.Contains(msg, "职级") || !strings.Contains(msg, "未写入") {
			t.Errorf("Chinese message %q, want row 3 (第 3 行), column 职级 and that nothing was written", msg)
		}
		if got := staffOf(t, agency); len(got) != 2 {
			t.Errorf("a rejected file wrote: %v", staffNos(got))
		}
		// A dry run's refusal carries the rows read, for the browser to show the problem on its row.
		dry := e.do("POST", "/api/v1/imports/people?dry_run=true", bad).expectError(t, 422, "import_rejected")
		preview, _ := dry["preview"].(map[string]any)
		rows, _ := preview["rows"].([]any)
		if len(rows) != 2 || fmt.Sprint(preview["header"]) != fmt.Sprint(peopleHeader) || preview["header_row"] != 1.0 {
			t.Fatalf("preview %v, want the header on row 1 and two rows", dry["preview"])
		}
		if r := rows[1].(map[string]any); r["row"] != 3.0 || !strings.Contains(fmt.Sprint(r["cells"]), "大将军") {
			t.Errorf("preview row %v, want row 3 with 大将军", r)
		}
		var sum staffSummary
		e.do("POST", "/api/v1/imports/people?skip_invalid=true&dry_run=true", bad).expect(t, 200).decode(t, &sum)
		if sum.Records.Created != 1 || len(sum.Problems) != 1 || !strings.Contains(sum.Problems[0].Feature+sum.Problems[0].Reason, "3") {
			t.Errorf("skip_invalid dry run %+v, want one row to create and row 3 listed", sum)
		}
	})
	t.Run("columns named by letter, GB18030", func(t *testing.T) {
		// A Chinese Excel's CSV whose staff number column has a header no synonym knows: named by its letter.
		other := gb18030CSV(t, [][]string{{"内部编码", "姓名", "使用单位", "职务层次"}, {no(1), "张三", name, "县处级正职"}})
		var sum staffSummary
		e.do("POST", "/api/v1/imports/people?dry_run=true&columns=staff_no=A", other).expect(t, 200).decode(t, &sum)
		if sum.Records.Unchanged != 1 || sum.Records.Created+sum.Records.Updated != 0 {
			t.Errorf("summary %+v, want 张三 matched by staff number and unchanged", sum)
		}
		e.do("POST", "/api/v1/imports/people?dry_run=true", other).expectError(t, 422, "import_rejected")
	})
	t.Run("bad requests", func(t *testing.T) {
		for _, tt := range []struct{ name, query, want string }{
			{"unknown field", "?columns=salary=工资", "salary"},
			{"not a pair", "?columns=staff_no", "columns"},
			{"dry_run", "?dry_run=maybe", "dry_run"},
		} {
			body := e.do("POST", "/api/v1/imports/people"+tt.query, good).expectError(t, 400, "bad_request")
			if msg, _ := body["message"].(string); !strings.Contains(msg, tt.want) {
				t.Errorf("%s: message %q, want %q in it", tt.name, msg, tt.want)
			}
		}
		e.do("POST", "/api/v1/imports/people", []byte{}).expectError(t, 400, "bad_request")
	})
}

// An agency manager imports and syncs its own agency's staff only: a file or a list that touches
// another agency is refused (403) and writes nothing, a dry run included; the agencies list is the
// bureau's (import), and a viewer, who sees no personal data, reaches none of it.
func TestImportStaffScope(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.signedIn("st_admin", identity.Grant{Role: identity.RoleBureauAdmin})
	sfx := uuid.NewString()[:6]
	mineName, otherName := "常州市教育局"+sfx, "常州市民政局"+sfx
	mine := newAgency(t, admin, mineName, nil)
	other := newAgency(t, admin, otherName, nil)
	e.addUser("st_manager", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: mine}})
	e.addUser("st_viewer", identity.Grant{Role: identity.RoleViewer})
	manager := e.signIn("st_manager")
	ours := utf8CSV(t, [][]string{peopleHeader, {"JY" + sfx + "-1", "周一", mineName, "科员及以下", "", "", ""}})
	mixed := utf8CSV(t, [][]string{peopleHeader,
		{"JY" + sfx + "-2", "吴二", mineName, "科员及以下", "", "", ""},
		{"MZ" + sfx + "-1", "郑三", otherName, "科员及以下", "", "", ""}})

	var sum staffSummary
	manager.do("POST", "/api/v1/imports/people", ours).expect(t, 200).decode(t, &sum)
	if sum.Records.Created != 1 || len(staffOf(t, mine)) != 1 {
		t.Errorf("the manager's own people: %+v, stored %v", sum, staffNos(staffOf(t, mine)))
	}
	if !e.hasAudit("st_manager", "import.people", "", identity.OutcomeOK) {
		t.Error("the manager's import is not audited")
	}
	for _, q := range []string{"?dry_run=true", ""} {
		manager.do("POST", "/api/v1/imports/people"+q, mixed).expectError(t, 403, "forbidden")
	}
	if got := staffOf(t, mine); len(got) != 1 {
		t.Errorf("a refused file wrote the manager's own row: %v", staffNos(got))
	}
	if got := staffOf(t, other); len(got) != 0 {
		t.Errorf("a refused file wrote another agency's row: %v", staffNos(got))
	}
	if !e.hasAudit("st_manager", "permission.denied", "", identity.OutcomeDenied) {
		t.Error("the refusal is not audited")
	}
	agencies := utf8CSV(t, [][]string{{"单位名称", "机关级别"}, {"常州市新设局" + sfx, "市级机关"}})
	manager.do("POST", "/api/v1/imports/agencies", agencies).expectError(t, 403, "forbidden")
	viewer := e.signIn("st_viewer")
	viewer.do("POST", "/api/v1/imports/people", ours).expectError(t, 403, "forbidden")
	viewer.do("PUT", "/api/v1/agencies/"+mine.String()+"/staff", map[string]any{"as_of": "2026-01-05", "people": []any{}}).
		expectError(t, 403, "forbidden")

	// Sync: the manager's own agency, not another (which it does not even see).
	list := map[string]any{"as_of": "2026-01-05", "people": []map[string]any{
		{"staff_no": "JY" + sfx + "-1", "name": "周一", "rank": "staff", "title": "科员"}}}
	batches := len(e.auditLog(identity.AuditFilter{User: "st_manager", Action: "write.batch"}))
	manager.do("PUT", "/api/v1/agencies/"+mine.String()+"/staff", list).expect(t, 200).decode(t, &sum)
	if sum.Records.Updated != 1 || staffOf(t, mine)["JY"+sfx+"-1"].Title != "科员" {
		t.Errorf("the manager's sync: %+v, want 周一 updated", sum)
	}
	if !e.hasAudit("st_manager", "staff.sync", "/api/v1/agencies/"+mine.String(), identity.OutcomeOK) ||
		len(e.auditLog(identity.AuditFilter{User: "st_manager", Action: "write.batch"})) != batches+1 {
		t.Error("the manager's sync is not audited (the request and its write)")
	}
	manager.do("PUT", "/api/v1/agencies/"+other.String()+"/staff", list).expectError(t, 404, "not_found")
	if got := staffOf(t, other); len(got) != 0 {
		t.Errorf("a refused sync wrote %v", staffNos(got))
	}
	// A list that would move another agency's person into the manager's agency is refused too: the
	// person is not one the manager may read, so the row is a problem (the hook would refuse the write).
	admin.do("PUT", "/api/v1/agencies/"+other.String()+"/staff", map[string]any{"as_of": "2026-01-05",
		"people": []map[string]any{{"staff_no": "MZ" + sfx + "-9", "name": "钱九", "rank": "staff"}}}).expect(t, 200)
	grab := map[string]any{"as_of": "2026-01-05", "people": []map[string]any{
		{"staff_no": "JY" + sfx + "-1", "name": "周一", "rank": "staff"},
		{"staff_no": "MZ" + sfx + "-9", "name": "钱九", "rank": "staff"}}}
	manager.do("PUT", "/api/v1/agencies/"+mine.String()+"/staff", grab).expectError(t, 422, "import_rejected")
	if got := staffOf(t, other); len(got) != 1 || got["MZ"+sfx+"-9"].AgencyID != other {
		t.Errorf("a refused sync moved 钱九: %v", got)
	}
	// A file repeating another agency's person as the register has it is not "unchanged": the manager
	// may not read that person, so the row is refused without telling whose the number is.
	peek := utf8CSV(t, [][]string{peopleHeader, {"MZ" + sfx + "-9", "钱九", otherName, "科员及以下", "", "", ""}})
	res := manager.do("POST", "/api/v1/imports/people?dry_run=true", peek, "Accept-Language", "en")
	res.expectError(t, 422, "import_rejected")
	if body := string(res.body); !strings.Contains(body, "outside the agencies you manage") || strings.Contains(body, otherName) && strings.Contains(body, "unchanged") {
		t.Errorf("another agency's person in a manager's file: %s", body)
	}
}

func TestSyncStaff(t *testing.T) {
	e := newEnv(t, api.Config{})
	sfx := uuid.NewString()[:6]
	agency := newAgency(t, e, "常州市统计局"+sfx, nil)
	path := "/api/v1/agencies/" + agency.String() + "/staff"
	no := func(i int) string { return fmt.Sprintf("TJ%s-%d", sfx, i) }
	list := map[string]any{"as_of": "2026-01-05", "people": []map[string]any{
		{"staff_no": no(1), "name": "孙一", "rank": "division", "title": "局长"},
		{"staff_no": no(2), "name": "孙二", "rank": "科员及以下"},
		{"staff_no": no(3), "name": "孙三", "rank": "staff"},
	}}

	var sum staffSummary
	e.do("PUT", path+"?dry_run=true", list).expect(t, 200).decode(t, &sum)
	if !sum.DryRun || sum.Records.Created != 3 || len(staffOf(t, agency)) != 0 {
		t.Errorf("dry run %+v wrote %v", sum, staffNos(staffOf(t, agency)))
	}
	e.do("PUT", path, list).expect(t, 200).decode(t, &sum)
	if sum.Records.Created != 3 {
		t.Errorf("first sync %+v, want 3 created", sum.Records)
	}
	before := staffOf(t, agency)
	if p := before[no(1)]; p.Rank != floorplan.RankDivision || p.Title != "局长" || p.Name != "孙一" {
		t.Errorf("%s = %+v", no(1), p)
	}
	e.do("PUT", path, list).expect(t, 200).decode(t, &sum)
	if sum.Records.Created != 0 || sum.Records.Updated != 0 || sum.Records.Unchanged != 3 || len(sum.Events) != 0 {
		t.Errorf("the same list again: %+v, want nothing changed", sum)
	}
	for k, p := range staffOf(t, agency) {
		if p.Version != before[k].Version {
			t.Errorf("%s: version %d → %d on the same list", k, before[k].Version, p.Version)
		}
	}

	// 孙二 is promoted, 孙三 has left the list: transferred as of the list's day, with a deadline.
	changed := map[string]any{"as_of": "2026-02-02", "people": []map[string]any{
		{"staff_no": no(1), "name": "孙一", "rank": "division", "title": "局长"},
		{"staff_no": no(2), "name": "孙二", "rank": "section", "title": "科长"},
	}}
	e.do("PUT", path, changed, "Accept-Language", "zh-CN").expect(t, 200).decode(t, &sum)
	if sum.Records.Updated != 2 || sum.Records.Unchanged != 1 {
		t.Errorf("changed list: %+v, want 2 updated (promoted, left) and 1 unchanged", sum.Records)
	}
	after := staffOf(t, agency)
	if p := after[no(2)]; p.Rank != floorplan.RankSection || p.Title != "科长" {
		t.Errorf("promoted %s = %+v", no(2), p)
	}
	if p := after[no(3)]; p.Status != floorplan.PersonTransferred || !p.StatusDate.Equal(floorplan.Day(2026, 2, 2)) {
		t.Errorf("%s left the list: status %s on %v, want transferred on 2026-02-02", no(3), p.Status, p.StatusDate)
	}
	if len(sum.Events) != 1 || sum.Events[0].Person != "孙三" || !strings.Contains(sum.Events[0].Text, "孙三") {
		t.Errorf("events %+v, want 孙三's transfer", sum.Events)
	}
	e.do("PUT", path, changed).expect(t, 200).decode(t, &sum)
	if sum.Records.Created+sum.Records.Updated != 0 || len(sum.Events) != 0 {
		t.Errorf("the changed list again: %+v, want nothing changed", sum)
	}

	t.Run("bad requests", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			body any
			want string
		}{
			{"no as_of", map[string]any{"people": []any{}}, "as_of"},
			{"bad as_of", map[string]any{"as_of": "5.1.2026", "people": []any{}}, "as_of"},
			{"no people", map[string]any{"as_of": "2026-01-05"}, "people"},
			{"not JSON", "people", ""},
		} {
			body := e.do("PUT", path, tt.body).expectError(t, 400, "bad_request")
			if msg, _ := body["message"].(string); !strings.Contains(msg, tt.want) {
				t.Errorf("%s: message %q, want %q in it", tt.name, msg, tt.want)
			}
		}
		e.do("PUT", "/api/v1/agencies/"+uuid.NewString()+"/staff", list).expectError(t, 404, "not_found")
	})
}
