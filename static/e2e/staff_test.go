package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// The staff import page: an agency manager downloads the people template, uploads a CSV of its people
// whose second row has a rank that does not exist, sees the dry run's table with the problem on that row
// (and the upload's progress), then uploads a good file, sees what it would create and confirms; the
// people are in the register. A viewer has no such tab.

const managerPassword = "Manager-2026!"

// writeCSV writes rows as a UTF-8 CSV file in dir and returns its path.
func writeCSV(t *testing.T, dir, name string, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBrowserStaffImport(t *testing.T) {
	chromium(t)
	s, svc, token := serveUser(t, "admin", identity.RoleBureauAdmin, plannerPassword)
	ctx := context.Background()
	var agencies []struct {
		ID   uuid.UUID
		Name string
	}
	s.getAs(token, "/api/v1/agencies", &agencies)
	if len(agencies) == 0 {
		t.Fatal("the sample has no agencies")
	}
	agency := agencies[0]
	if _, _, err := svc.AddUser(ctx, "manager", []identity.Grant{{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: agency.ID}}},
		managerPassword); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddUser(ctx, "viewer", []identity.Grant{{Role: identity.RoleViewer}}, viewerPassword); err != nil {
		t.Fatal(err)
	}
	peopleOf := func() map[string]string {
		var list []struct{ Name, Rank string }
		s.getAs(token, "/api/v1/people?agency_id="+agency.ID.String(), &list)
		out := map[string]string{}
		for _, p := range list {
			out[p.Name] = p.Rank
		}
		return out
	}
	before := len(peopleOf())
	dir := t.TempDir()
	header := []string{"工号", "姓名", "单位", "职级", "职务"}
	bad := writeCSV(t, dir, "bad.csv", [][]string{header,
		{"E2E-001", "测试甲", agency.Name, "科员及以下", "科员"},
		{"E2E-002", "测试乙", agency.Name, "大元帅", "科员"}})
	good := writeCSV(t, dir, "good.csv", [][]string{header,
		{"E2E-001", "测试甲", agency.Name, "科员及以下", "科员"},
		{"E2E-002", "测试乙", agency.Name, "乡科级正职", "科长"}})

	b := openBrowser(t, s.URL)
	if !t.Run("a dry run shows the bad row with its problem", func(t *testing.T) {
		b.t = t
		b.signInAt(s.URL+"/", "manager", managerPassword)
		if !b.visible(`[data-tab="staff"]`) || b.text(`[data-tab="staff"]`) != "单位人员导入" {
			t.Fatal("the agency manager has no 单位人员导入 tab")
		}
		if b.visible(`[data-tab="import"]`) {
			t.Error("the agency manager, who may not import drawings, has the 导入 tab")
		}
		b.clickSel(`[data-tab="staff"]`)
		b.wait("the staff page", `officemap.state().tab === 'staff' && !!document.querySelector('#staff-form')`)
		var kinds struct {
			Agencies bool   `json:"agencies"`
			Kind     string `json:"kind"`
			Href     string `json:"href"`
		}
		b.eval(`({agencies: document.querySelector('#staff-kind option[value="agencies"]').disabled,
			kind: document.querySelector('#staff-kind').value, href: document.querySelector('#staff-template').getAttribute('href')})`, &kinds)
		if !kinds.Agencies || kinds.Kind != "people" || kinds.Href != "/api/v1/templates/people.xlsx?lang=zh" {
			t.Errorf("kinds %+v, want agencies disabled for the manager, people chosen, its template", kinds)
		}
		// The template link answers with a workbook, in the manager's session.
		var tpl []any
		b.eval(`fetch(document.querySelector('#staff-template').href).then(async (r) => [r.status, (await r.arrayBuffer()).byteLength])`, &tpl)
		if len(tpl) != 2 || tpl[0] != 200.0 || tpl[1].(float64) < 1000 {
			t.Errorf("the template link gave %v, want 200 and a workbook", tpl)
		}
		var disabled bool
		b.eval(`document.querySelector('#staff-run').disabled`, &disabled)
		if !disabled {
			t.Error("the import button is offered before a dry run")
		}
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#staff-file"), []string{bad}))
		b.clickSel("#staff-dry-run")
		b.wait("the refused dry run's rows", `!!document.querySelector('#staff-error #staff-preview') && !officemap.state().busy`)
		b.extraShot("staff-dry-run-bad.png")
		var rows []struct {
			Row      string `json:"row"`
			Problems string `json:"problems"`
			Text     string `json:"text"`
			Bad      bool   `json:"bad"`
		}
		b.eval(`[...document.querySelectorAll('#staff-preview tbody tr')].map((tr) => ({row: tr.dataset.row,
			problems: tr.dataset.problems, text: tr.querySelector('td.problem').textContent, bad: tr.classList.contains('bad')}))`, &rows)
		if len(rows) != 2 || rows[0].Row != "2" || rows[0].Bad || rows[1].Row != "3" || !rows[1].Bad ||
			!strings.Contains(rows[1].Text, "职级") || !strings.Contains(rows[1].Text, "大元帅") {
			t.Errorf("preview rows %+v, want row 2 clean and row 3 with the rank's problem", rows)
		}
		size, err := os.Stat(bad)
		if err != nil {
			t.Fatal(err)
		}
		var loaded string
		b.eval(`document.querySelector('#staff-progress').dataset.loaded`, &loaded)
		if loaded != strconv.FormatInt(size.Size(), 10) {
			t.Errorf("the upload's progress ended at %s bytes, the file has %d", loaded, size.Size())
		}
		b.eval(`document.querySelector('#staff-run').disabled`, &disabled)
		if !disabled {
			t.Error("the import button is offered after a refused dry run")
		}
		if n := len(peopleOf()); n != before {
			t.Errorf("the dry run wrote people: %d, then %d", before, n)
		}
	}) {
		return
	}

	if !t.Run("a good file is checked, then imported", func(t *testing.T) {
		b.t = t
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#staff-file"), []string{good}))
		b.clickSel("#staff-dry-run")
		b.wait("the dry run's summary", `document.querySelector('#staff-summary')?.dataset.dryRun === 'true' && !officemap.state().busy`)
		status, _, body := s.do(http.MethodPost, "/api/v1/imports/people?dry_run=true&filename=good.csv", mustRead(t, good),
			map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/octet-stream"})
		var sum struct{ Records struct{ Created int } }
		if status != http.StatusOK || json.Unmarshal(body, &sum) != nil {
			t.Fatalf("the API's dry run: %d %s", status, body)
		}
		if got := b.text(`#staff-counts td[data-count="created"]`); got != strconv.Itoa(sum.Records.Created) || got != "2" {
			t.Errorf("the page says %q to create, the API %d; want 2", got, sum.Records.Created)
		}
		var clean int
		b.eval(`document.querySelectorAll('#staff-preview tbody tr:not(.bad)').length`, &clean)
		if clean != 2 {
			t.Errorf("%d clean rows in the preview, want 2", clean)
		}
		b.clickSel("#staff-run")
		b.wait("the import's summary", `document.querySelector('#staff-summary')?.dataset.dryRun === 'false' && !officemap.state().busy`)
		after := peopleOf()
		if after["测试甲"] != "staff" || after["测试乙"] != "section" || len(after) != before+2 {
			t.Errorf("after the import the agency's people are %v, want 测试甲 (staff) and 测试乙 (section) added", after)
		}
		// In English, the page follows.
		b.clickSel("#lang")
		if got := b.text("#staff-dry-run"); got != "Dry run (writes nothing)" {
			t.Errorf("dry-run button in English %q", got)
		}
		b.clickSel("#lang")
	}) {
		return
	}

	if !t.Run("a user with the import tab reaches the page from the import page", func(t *testing.T) {
		b.t = t
		b.signOut()
		b.signIn("admin", plannerPassword)
		b.inApp()
		if b.visible(`[data-tab="staff"]`) || !b.visible(`[data-tab="import"]`) {
			t.Error("the bureau administrator should reach the staff page through 导入, not a tab of its own")
		}
		b.clickSel(`[data-tab="import"]`)
		b.wait("the import page's switch", `!!document.querySelector('#import-switch a[href="#/staff"]')`)
		b.clickSel(`#import-switch a[href="#/staff"]`)
		b.wait("the staff page", `officemap.state().tab === 'staff' && !!document.querySelector('#staff-form')`)
		var st struct {
			Agencies bool `json:"agencies"`
			Active   bool `json:"active"`
		}
		b.eval(`({agencies: !document.querySelector('#staff-kind option[value="agencies"]').disabled,
			active: document.querySelector('[data-tab="import"]').classList.contains('active')})`, &st)
		if !st.Agencies || !st.Active {
			t.Errorf("%+v: want the agencies list offered to the bureau and the 导入 tab marked", st)
		}
	}) {
		return
	}

	t.Run("a viewer has no staff tab", func(t *testing.T) {
		b.t = t
		b.signOut()
		b.signIn("viewer", viewerPassword)
		b.inApp()
		b.noTab(s.URL, "staff")
	})
	b.checkClean(t, s.URL, func(st string) bool {
		return st == "401 GET /api/v1/me" || strings.HasPrefix(st, "422 POST /api/v1/imports/people?")
	})
}

// noTab checks that the signed-in user is not offered tab, and that asking for it by its address
// (base/#/tab) shows the map instead.
func (b *browser) noTab(base, tab string) {
	b.t.Helper()
	if b.visible(fmt.Sprintf(`[data-tab=%q]`, tab)) {
		b.t.Errorf("the user is offered the tab %s", tab)
	}
	b.do(chromedp.Navigate(base + "/#/" + tab))
	b.inApp()
	if st := b.state(); st.Tab != "map" {
		b.t.Errorf("asking for #/%s gives the tab %q, want map", tab, st.Tab)
	}
}

// mustRead reads a file the test wrote.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
