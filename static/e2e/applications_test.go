package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// The online handling in the browser (issue 17): an agency manager files an allocation request and
// submits it, a bureau administrator drafts a scenario (a vacant room allocated to the agency), sees it
// before and after and proposes it, then submits with the decision document attached; a leader sees the
// scenario read-only and approves with that document; the planner hands over, which issues the usage
// certificate; the agency manager downloads it (a PDF). Each page's flowchart has one box per step of
// the procedure, with the current step highlighted.

const (
	bureauPassword   = "Bureau-2026!"
	approverPassword = "Approver-2026!"
)

// vacantRoomFor finds a vacant office room allocated to no agency or to another agency than agency, whose
// number's search finds it among the first hits, as the scenario editor's picker will.
func vacantRoomFor(t *testing.T, s *server, token, agency string) room {
	t.Helper()
	for _, sf := range s.floors(token, crsLonLat) {
		for _, r := range sf.rooms {
			if r.Properties.Status != "vacant" || r.Properties.Usage != "office" || r.Properties.State != "in_use" {
				continue
			}
			var props struct {
				Properties struct {
					AgencyID *string `json:"agency_id"`
				} `json:"properties"`
			}
			s.read(token, "/api/v1/rooms/"+r.ID, &props)
			if props.Properties.AgencyID != nil && *props.Properties.AgencyID == agency {
				continue
			}
			var hits struct {
				Hits []searchHit `json:"hits"`
			}
			s.read(token, "/api/v1/search?limit=20&q="+r.Properties.Number, &hits)
			for _, h := range hits.Hits {
				if h.ID == r.ID {
					return r
				}
			}
		}
	}
	t.Fatal("the sample has no vacant office room of another agency that its number finds")
	return room{}
}

// appAt waits until the application page shows the application at state.
// A refusal the page shows instead (#act-error, #new-error) fails at once, with its text.
func (b *browser) appAt(state string) {
	b.t.Helper()
	refused := `(document.querySelector('#act-error')?.textContent || document.querySelector('#new-error')?.textContent || '')`
	b.wait("the application at "+state, fmt.Sprintf(`(document.querySelector('#app-summary')?.dataset.state === %q || !!%s) && !officemap.state().busy`, state, refused))
	var said string
	b.eval(refused, &said)
	if said != "" {
		b.t.Fatalf("waiting for the application at %s, the page says: %s", state, said)
	}
}

// openApplication navigates to an application's page, signs user in and waits for the page.
func (b *browser) openApplication(base, id, user, password string) {
	b.t.Helper()
	b.signInAt(base+"/#/applications?id="+id, user, password)
	b.wait("the application page", `!!document.querySelector('#app-summary')`)
	b.settle()
}

// hashParam returns the parameter name of the query in the page address's hash ("" if there is none).
func (b *browser) hashParam(name string) string {
	b.t.Helper()
	var v string
	b.eval(fmt.Sprintf(`new URLSearchParams(location.hash.split('?')[1]).get(%q) || ''`, name), &v)
	return v
}

// flowBoxes returns the steps of the page's flowchart and the one marked current.
func (b *browser) flowBoxes() (steps []string, current string) {
	b.t.Helper()
	var out struct {
		Steps   []string `json:"steps"`
		Current string   `json:"current"`
	}
	b.eval(`({steps: [...document.querySelectorAll('#app-flowchart svg g.fc-step')].map((g) => g.dataset.step),
		current: document.querySelector('#app-flowchart svg g.fc-step[data-state="current"]')?.dataset.step || ''})`, &out)
	return out.Steps, out.Current
}

// minimalPDF is a one-page PDF, enough for the archive's sniffing.
const minimalPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// pdfFile writes minimalPDF as name in a temporary directory and returns its path, to upload.
func pdfFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(minimalPDF), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// handlingEnv is the sample served with accounts and the users of the online handling: the bureau, a
// leader (approver) and a planner, each with an API token; agency managers are added with manager.
type handlingEnv struct {
	s      *server
	svc    *identity.Service
	tokens map[string]string // user name → API token
}

func newHandlingEnv(t *testing.T) *handlingEnv {
	t.Helper()
	s, svc, _ := serveAccounts(t, identity.Options{SignInPerMinute: 100, MaxHashing: 2})
	e := &handlingEnv{s: s, svc: svc, tokens: map[string]string{}}
	e.user(t, "bureau", bureauPassword, identity.Grant{Role: identity.RoleBureauAdmin})
	e.user(t, "approver", approverPassword, identity.Grant{Role: identity.RoleApprover})
	e.user(t, "planner", plannerPassword, identity.Grant{Role: identity.RolePlanner})
	return e
}

// user adds a user with one grant and returns their API token.
func (e *handlingEnv) user(t *testing.T, name, password string, g identity.Grant) string {
	t.Helper()
	ctx := context.Background()
	u, _, err := e.svc.AddUser(ctx, name, []identity.Grant{g}, password)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.svc.NewToken(ctx, u.ID, "e2e", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens[name] = tok
	return tok
}

// manager adds "manager", the agency manager of agency, and returns their API token.
func (e *handlingEnv) manager(t *testing.T, agency uuid.UUID) string {
	return e.user(t, "manager", managerPassword, identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: agency}})
}

// allocationFlow is the browser flow: the application, its agency, the room the scenario gives it.
type allocationFlow struct {
	e        *handlingEnv
	b        *browser
	agency   uuid.UUID
	target   room
	steps    []string // the allocation procedure's steps
	decision string   // the decision document to upload
	id       string   // the application, once filed
}

func TestBrowserApplications(t *testing.T) {
	chromium(t)
	e := newHandlingEnv(t)
	token := e.tokens["bureau"]
	var agencies []struct {
		ID uuid.UUID `json:"id"`
	}
	e.s.read(token, "/api/v1/agencies", &agencies)
	if len(agencies) == 0 {
		t.Fatal("the sample has no agencies")
	}
	f := &allocationFlow{e: e, agency: agencies[0].ID, decision: pdfFile(t, "批复.pdf")}
	f.target = vacantRoomFor(t, e.s, token, f.agency.String())
	e.manager(t, f.agency)
	var procs struct {
		Procedures []struct {
			Kind  string `json:"kind"`
			Steps []struct {
				Code string `json:"code"`
			} `json:"steps"`
		} `json:"procedures"`
	}
	e.s.read(token, "/api/v1/procedures", &procs)
	for _, p := range procs.Procedures {
		for _, st := range p.Steps {
			if p.Kind == "allocation" {
				f.steps = append(f.steps, st.Code)
			}
		}
	}
	f.b = openBrowser(t, e.s.URL)
	for _, st := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"the agency manager files and submits an allocation request", f.file},
		{"the bureau drafts a scenario, sees it before and after, proposes it and submits", f.propose},
		{"the leader sees the scenario read-only and approves with the decision", f.approve},
		{"the planner carries it out: the certificate is issued", f.handOver},
		{"the agency manager downloads the certificate", f.download},
		{"the agency manager's list, filters and notices", f.notices},
	} {
		if !t.Run(st.name, func(t *testing.T) {
			f.b.t = t
			st.run(t)
		}) {
			return
		}
	}
}

// open opens the flow's application in its browser, signed in as user, and returns the browser.
func (f *allocationFlow) open(user, password string) *browser {
	f.b.openApplication(f.e.s.URL, f.id, user, password)
	return f.b
}

func (f *allocationFlow) file(t *testing.T) {
	b := f.b
	b.signInAt(f.e.s.URL+"/#/applications", "manager", managerPassword)
	if !b.visible(`[data-tab="applications"]`) || b.text(`[data-tab="applications"] [data-i18n]`) != "办理" {
		t.Fatal("the agency manager has no 办理 tab")
	}
	b.wait("the applications page", `!!document.querySelector('#apps-title') && !!document.querySelector('#app-new')`)
	b.clickSel("#app-new")
	b.wait("the allocation form", `document.querySelector('#new-application')?.dataset.kind === 'allocation'`)
	b.eval(fmt.Sprintf(`document.querySelector('#new-agency').value = %q`, f.agency), nil)
	b.typeText("#new-title", "申请增加办公用房（e2e）")
	b.typeText("#new-area", "30")
	b.typeText("#new-reason", "新增编制")
	b.clickSel("#new-submit")
	b.appAt("draft")
	if got := b.text("#app-title"); got != "申请增加办公用房（e2e）" {
		t.Errorf("the page's title is %q", got)
	}
	f.id = b.hashParam("id")
	if _, err := uuid.Parse(f.id); err != nil {
		t.Fatalf("the address names no application: %q", f.id)
	}
	boxes, current := b.flowBoxes()
	if strings.Join(boxes, ",") != strings.Join(f.steps, ",") || current != "draft" {
		t.Errorf("the flowchart's steps are %v (current %q), want the procedure's %v at draft", boxes, current, f.steps)
	}
	if arrows := b.count(`#app-flowchart svg g.fc-arrow`); arrows < len(f.steps) {
		t.Errorf("the flowchart has %d arrows for %d steps", arrows, len(f.steps))
	}
	b.clickSel("#act-submit")
	b.appAt("review")
	if b.visible("#app-act") {
		t.Error("the manager is offered actions at the review step")
	}
	b.signOut()
}

func (f *allocationFlow) propose(t *testing.T) {
	b, target := f.b, f.target
	b.signInAt(f.e.s.URL+"/#/applications", "bureau", bureauPassword)
	b.wait("the inbox", fmt.Sprintf(`!!document.querySelector('#inbox-list tr[data-application-id=%q] a')`, f.id))
	b.clickSel(fmt.Sprintf(`#inbox-list tr[data-application-id=%q] a`, f.id))
	b.appAt("review")
	b.wait("the scenario editor", `!!document.querySelector('#scenario-editor #scn-room-q')`)
	b.pick("scn-room", target.Properties.Number, target.ID)
	b.eval(fmt.Sprintf(`(() => { const s = document.querySelector('#scn-agency'); s.value = %q; return s.value; })()`, f.agency), nil)
	b.clickSel("#scn-add")
	b.wait("the change listed", `document.querySelectorAll('#scn-changes li[data-op="set_agency"]').length === 1`)
	b.clickSel("#scn-evaluate")
	b.wait("the before/after view", fmt.Sprintf(`!!document.querySelector('#scn-view #scn-rooms tr[data-room-id=%q]') && !officemap.state().busy`, target.ID))
	if figures, changed := b.count(`#scn-view figure.scn-plan`), b.count(`#scn-view figure.scn-plan path.scn-changed`); figures != 2 || changed != 2 {
		t.Errorf("the plans: %d figures, %d rooms outlined; want the room's floor before and after with the room outlined on each", figures, changed)
	}
	b.screenshot("applications-scenario.png")
	b.axe(t, "the scenario editor and its before/after view")
	b.clickSel("#scn-propose")
	b.wait("the proposal in the trail", `!!document.querySelector('#app-trail tr[data-action="propose"]')`)
	b.settle()
	b.attach(f.decision, "filing_document")
	b.clickSel("#act-submit")
	b.appAt("approval")
	if n := b.count(`#app-trail a.trail-doc`); n != 1 {
		t.Errorf("the trail links %d documents, want the decision", n)
	}
	b.signOut()
}

func (f *allocationFlow) approve(t *testing.T) {
	b := f.open("approver", approverPassword)
	b.appAt("approval")
	if !b.visible("#scenario-view #scn-view") || b.visible("#scenario-editor") {
		t.Error("the leader does not see the scenario read-only")
	}
	b.extraShot("applications-approval.png")
	b.axe(t, "the leader's application page")
	// The flowchart follows the language.
	b.clickSel("#lang")
	b.wait("the flowchart in English", `document.querySelector('#app-flowchart g.fc-step[data-step="approval"] .fc-name')?.textContent === 'approval'`)
	b.clickSel("#lang")
	b.wait("the flowchart in Chinese", `document.querySelector('#app-flowchart g.fc-step[data-step="approval"] .fc-name')?.textContent === '审批'`)
	b.settle()
	var picked string
	b.eval(`document.querySelector('#act-doc-filing_document')?.value || ''`, &picked)
	if picked == "" {
		t.Error("the approval's document is not offered from the trail")
	}
	if b.count("#act-upload-filing_document") != 1 {
		t.Error("the leader, who may file documents (file_documents), is not offered an upload of the decision")
	}
	b.typeText("#act-comment", "同意")
	b.clickSel("#act-approve")
	b.appAt("handling")
	if _, current := b.flowBoxes(); current != "handling" {
		t.Errorf("the flowchart's current step is %q, want handling", current)
	}
	var done []string
	b.eval(`[...document.querySelectorAll('#app-flowchart g.fc-step[data-state="done"]')].map((g) => g.dataset.step)`, &done)
	if strings.Join(done, ",") != "draft,review,approval" {
		t.Errorf("the steps marked done: %v", done)
	}
	b.signOut()
}

func (f *allocationFlow) handOver(t *testing.T) {
	b := f.open("planner", plannerPassword)
	b.appAt("handling")
	b.clickSel("#act-hand_over")
	b.appAt("acceptance")
	b.wait("the certificate link", `!!document.querySelector('#app-certificate')`)
	b.signOut()
}

func (f *allocationFlow) download(t *testing.T) {
	b := f.open("manager", managerPassword)
	b.wait("the certificate link", `!!document.querySelector('#app-certificate')`)
	var pdf []any
	b.eval(`fetch(document.querySelector('#app-certificate').href).then(async (r) => [r.status, r.headers.get('Content-Type'),
		new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))])`, &pdf)
	if len(pdf) != 3 || pdf[0] != 200.0 || pdf[2] != "%PDF-" {
		t.Errorf("the certificate link gave %v, want 200 and a PDF", pdf)
	}
	var got struct {
		Properties struct {
			AgencyID string `json:"agency_id"`
		} `json:"properties"`
	}
	f.e.s.read(f.e.tokens["bureau"], "/api/v1/rooms/"+f.target.ID, &got)
	if got.Properties.AgencyID != f.agency.String() {
		t.Errorf("the room is allocated to %q after the approval, want %s", got.Properties.AgencyID, f.agency)
	}
}

// notices: the list filtered by step, and the notices: marking one read takes it off the badge.
func (f *allocationFlow) notices(t *testing.T) {
	b := f.b
	b.do(chromedp.Navigate(f.e.s.URL + "/#/applications?state=acceptance"))
	b.wait("the list at acceptance", fmt.Sprintf(`!!document.querySelector('#app-list tr[data-application-id=%q]') && !officemap.state().busy`, f.id))
	b.eval(`(() => { const s = document.querySelector('#app-filter-state'); s.value = 'closed'; s.dispatchEvent(new Event('change')); })()`, nil)
	b.wait("the list of closed ones", `!!document.querySelector('#app-none') && !officemap.state().busy`)
	b.settle()
	b.axe(t, "the applications list with the inbox and notices")
	b.extraShot("applications-list.png")
	var unread struct {
		Badge string `json:"badge"`
		Items int    `json:"items"`
	}
	b.eval(`({badge: document.querySelector('#notice-badge').hidden ? '0' : document.querySelector('#notice-badge').textContent,
		items: document.querySelectorAll('#notice-list li.unread').length})`, &unread)
	if unread.Items == 0 || unread.Badge != fmt.Sprint(unread.Items) {
		t.Fatalf("notices: badge %q for %d unread, want the manager told of the moves of the application", unread.Badge, unread.Items)
	}
	b.clickSel("#notice-list li.unread button.mark-read")
	left := unread.Items - 1
	b.wait("one fewer unread", fmt.Sprintf(`document.querySelectorAll('#notice-list li.unread').length === %d && (%d === 0
		? document.querySelector('#notice-badge').hidden : document.querySelector('#notice-badge').textContent === '%d')`, left, left, left))
	// The only error answers: who is signed in, asked on each sign-in page.
	b.checkClean(t, f.e.s.URL, func(st string) bool { return st == "401 GET /api/v1/me" })
}

// pick types q in the search picker id and chooses the hit of record want.
func (b *browser) pick(id, q, want string) {
	b.t.Helper()
	b.typeText("#"+id+"-q", q)
	b.wait("the record among the hits", fmt.Sprintf(`!!document.querySelector('#%s-hits button[data-id=%q]')`, id, want))
	b.clickSel(fmt.Sprintf(`#%s-hits button[data-id=%q]`, id, want))
	b.wait("the record chosen", fmt.Sprintf(`document.querySelector('#%s-chosen')?.dataset.id === %q`, id, want))
}

// attach sets the action form's further document: the file at path, of docType.
func (b *browser) attach(path, docType string) {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#act-attach-file"), []string{path}))
	b.eval(fmt.Sprintf(`document.querySelector('#act-attach-type').value = %q`, docType), nil)
}

// count returns the number of elements sel matches.
func (b *browser) count(sel string) int {
	b.t.Helper()
	var n int
	b.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

// TestBrowserMaintenance walks a maintenance through its steps in the browser: the agency manager files
// it for a property with a budget (refused first without one), the bureau assesses, the leader approves
// the plan, the planner hands the works over and the bureau closes the acceptance with the acceptance
// document uploaded on the page and the final cost (refused first without the document), which the
// application then shows.
func TestBrowserMaintenance(t *testing.T) {
	chromium(t)
	e := newHandlingEnv(t)
	e.manager(t, usingAgency(t, e.s, e.tokens["bureau"]))
	b := openBrowser(t, e.s.URL)
	var id string
	act := func(t *testing.T, user, password, from, action, to string) {
		b.t = t
		b.openApplication(e.s.URL, id, user, password)
		b.appAt(from)
		b.clickSel("#act-" + action)
		b.appAt(to)
		b.signOut()
	}
	if !t.Run("the agency manager files a maintenance and submits it", func(t *testing.T) {
		b.t = t
		id = fileMaintenance(t, b, e.s.URL)
		b.clickSel("#act-submit")
		b.appAt("assessment")
		b.signOut()
	}) {
		return
	}
	for _, st := range []struct{ name, user, password, from, action, to string }{
		{"the bureau assesses", "bureau", bureauPassword, "assessment", "submit", "approval"},
		{"the leader approves the plan and budget", "approver", approverPassword, "approval", "approve", "works"},
		{"the planner hands the works over", "planner", plannerPassword, "works", "hand_over", "acceptance"},
	} {
		if !t.Run(st.name, func(t *testing.T) { act(t, st.user, st.password, st.from, st.action, st.to) }) {
			return
		}
	}
	t.Run("the bureau closes with the acceptance document and the cost", func(t *testing.T) {
		b.t = t
		b.openApplication(e.s.URL, id, "bureau", bureauPassword)
		b.appAt("acceptance")
		b.clickSel("#act-close")
		b.wait("the refusal naming the document", `/acceptance/.test(document.querySelector('#act-error')?.textContent || '')`)
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#act-upload-acceptance"), []string{pdfFile(t, "验收单.pdf")}))
		b.typeText("#act-cost", "12345.67")
		b.clickSel("#act-close")
		b.appAt("closed")
		if got := b.text("#app-cost"); !strings.Contains(got, "12345.67") {
			t.Errorf("the page shows the cost %q", got)
		}
		var a struct {
			Cost    float64 `json:"cost"`
			Actions []struct {
				DocumentIDs []string `json:"document_ids"`
			} `json:"actions"`
		}
		e.s.read(e.tokens["bureau"], "/api/v1/applications/"+id, &a)
		if a.Cost != 12345.67 || len(a.Actions) != 5 || len(a.Actions[4].DocumentIDs) != 1 {
			t.Errorf("the application: cost %v, actions %+v; want the cost and the closing with its document", a.Cost, a.Actions)
		}
		b.checkClean(t, e.s.URL, func(st string) bool {
			return st == "401 GET /api/v1/me" || st == "422 POST /api/v1/applications" || st == "422 POST /api/v1/applications/"+id+"/actions"
		})
	})
}

// usingAgency returns an agency that uses rooms, so that its manager sees their property.
func usingAgency(t *testing.T, s *server, token string) uuid.UUID {
	t.Helper()
	for _, sf := range s.floors(token, crsLonLat) {
		var fc struct {
			Features []struct {
				Properties struct {
					AgencyID *uuid.UUID `json:"agency_id"`
				} `json:"properties"`
			} `json:"features"`
		}
		s.read(token, "/api/v1/floors/"+sf.floor.ID+"/rooms", &fc)
		for _, f := range fc.Features {
			if f.Properties.AgencyID != nil {
				return *f.Properties.AgencyID
			}
		}
	}
	t.Fatal("the sample has no room allocated to an agency")
	return uuid.Nil
}

// fileMaintenance signs the agency manager in and files a maintenance of their agency's first property
// on the page, first without a budget (refused, naming it); it returns the application's id.
func fileMaintenance(t *testing.T, b *browser, base string) string {
	b.signInAt(base+"/#/applications", "manager", managerPassword)
	b.wait("the new application choice", `!!document.querySelector('#app-new-kind option[value="maintenance"]')`)
	var kinds []string
	b.eval(`[...document.querySelectorAll('#app-new-kind option')].map((o) => o.value)`, &kinds)
	if strings.Join(kinds, ",") != "allocation,second_office,maintenance,recovery" {
		t.Errorf("the manager may file %v, want the kinds whose first step is theirs", kinds)
	}
	// Each kind's form asks for what its kind needs.
	for kind, controls := range map[string]string{"second_office": "#new-person-q, #new-post, #new-office-q, #new-distance",
		"recovery": "#new-finding, #new-room-q, #new-deadline", "allocation": "#new-area, #new-reason, #new-room-q"} {
		b.do(chromedp.Navigate(base + "/#/applications?new=" + kind))
		b.wait("the "+kind+" form", fmt.Sprintf(`document.querySelector('#new-application')?.dataset.kind === %q`, kind))
		if n := b.count(controls); n != strings.Count(controls, ",")+1 {
			t.Errorf("the %s form has %d of %s", kind, n, controls)
		}
	}
	b.do(chromedp.Navigate(base + "/#/applications"))
	b.wait("the list", `!!document.querySelector('#app-new-kind')`)
	b.eval(`document.querySelector('#app-new-kind').value = 'maintenance'`, nil)
	b.clickSel("#app-new")
	b.wait("the maintenance form with the properties", `document.querySelector('#new-application')?.dataset.kind === 'maintenance' &&
		document.querySelectorAll('#new-site option').length > 0`)
	b.typeText("#new-title", "屋面防水维修")
	b.clickSel("#new-submit")
	b.wait("the refusal naming the budget", `/budget/.test(document.querySelector('#new-error')?.textContent || '')`)
	b.typeText("#new-budget", "20000")
	b.clickSel("#new-submit")
	b.appAt("draft")
	id := b.hashParam("id")
	if steps, current := b.flowBoxes(); len(steps) != 5 || current != "draft" {
		t.Errorf("the flowchart's steps: %v, current %q", steps, current)
	}
	return id
}

// apiAs sends one API request with token and a JSON body, and decodes a 2xx answer into out.
func (s *server) apiAs(token, method, path string, body, out any) int {
	s.t.Helper()
	status, _, b := s.do(method, path, body, map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"})
	if status/100 == 2 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return status
}

// overStandardMove finds a person and a vacant office room whose assignment would make the person over
// standard (the evaluation says so), both found by the editor's search: the person by name, the room by
// number.
func overStandardMove(t *testing.T, s *server, token string) (person struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	AgencyID uuid.UUID `json:"agency_id"`
	Version  int64     `json:"version"`
}, target room) {
	t.Helper()
	found := func(q, id string) bool {
		var hits struct {
			Hits []searchHit `json:"hits"`
		}
		s.read(token, "/api/v1/search?limit=20&q="+url.QueryEscape(q), &hits)
		return slices.ContainsFunc(hits.Hits, func(h searchHit) bool { return h.ID == id })
	}
	var rooms []room
	for _, sf := range s.floors(token, crsLonLat) {
		for _, r := range sf.rooms {
			if r.Properties.Status == "vacant" && r.Properties.Usage == "office" && r.Properties.State == "in_use" {
				rooms = append(rooms, r)
			}
		}
	}
	slices.SortStableFunc(rooms, func(a, b room) int { return cmp.Compare(b.Properties.AreaM2, a.Properties.AreaM2) }) // the largest first
	var people []struct {
		ID       string    `json:"id"`
		Name     string    `json:"name"`
		AgencyID uuid.UUID `json:"agency_id"`
		Version  int64     `json:"version"`
		Rank     string    `json:"rank"`
	}
	s.read(token, "/api/v1/people", &people)
	for _, r := range rooms {
		if !found(r.Properties.Number, r.ID) {
			continue
		}
		for i, p := range people {
			if i > 40 {
				break
			}
			if p.Rank != "staff" && p.Rank != "vice_section" && p.Rank != "section" {
				continue
			}
			var ev struct {
				NewOverStandard bool `json:"new_over_standard"`
			}
			change := map[string]any{"op": "assign", "person_id": p.ID, "person_version": p.Version, "room_id": r.ID, "room_version": r.Properties.Version}
			if s.apiAs(token, "POST", "/api/v1/scenarios/evaluate", map[string]any{"changes": []any{change}}, &ev) == 200 && ev.NewOverStandard && found(p.Name, p.ID) {
				person.ID, person.Name, person.AgencyID, person.Version = p.ID, p.Name, p.AgencyID, p.Version
				return person, r
			}
		}
	}
	t.Fatal("the sample has no person whom a vacant office would put over standard")
	return person, target
}

// TestBrowserOverStandardScenario: a scenario that puts a person over standard is flagged in the
// before/after view (the finding that appears in red); the leader is told a reason is needed, is refused
// without one (the message names override_reason) and approves with one, which the scenario then shows.
func TestBrowserOverStandardScenario(t *testing.T) {
	chromium(t)
	e := newHandlingEnv(t)
	s := e.s
	person, target := overStandardMove(t, s, e.tokens["bureau"])
	manager := e.manager(t, person.AgencyID)
	var a struct {
		ID string `json:"id"`
	}
	if st := s.apiAs(manager, "POST", "/api/v1/applications", map[string]any{"kind": "allocation", "agency_id": person.AgencyID,
		"title": "申请调整办公室", "fields": map[string]any{"area_m2": 20, "reason": "工作需要"}}, &a); st != 201 {
		t.Fatalf("filing: %d", st)
	}
	if st := s.apiAs(manager, "POST", "/api/v1/applications/"+a.ID+"/actions", map[string]any{"action": "submit"}, nil); st != 200 {
		t.Fatalf("submitting: %d", st)
	}
	decision := pdfFile(t, "批复.pdf")

	b := openBrowser(t, s.URL)
	if !t.Run("the bureau sees the over-standard finding appear and proposes", func(t *testing.T) {
		b.t = t
		b.openApplication(s.URL, a.ID, "bureau", bureauPassword)
		b.appAt("review")
		b.eval(`(() => { const s = document.querySelector('#scn-op'); s.value = 'assign'; s.dispatchEvent(new Event('change')); })()`, nil)
		b.pick("scn-person", person.Name, person.ID)
		// Moving or ending needs the person's assignment: the editor offers the rooms they hold.
		setOp := func(op string) {
			b.eval(fmt.Sprintf(`(() => { const s = document.querySelector('#scn-op'); s.value = %q; s.dispatchEvent(new Event('change')); })()`, op), nil)
		}
		setOp("end")
		if b.count("#scn-assignment option") == 0 || b.count("#scn-room-q") != 0 {
			t.Error("ending an assignment does not offer the person's rooms (or asks for a room)")
		}
		setOp("assign")
		b.pick("scn-room", target.Properties.Number, target.ID)
		b.clickSel("#scn-add")
		b.clickSel("#scn-evaluate")
		b.wait("the before/after view", `!!document.querySelector('#scn-view') && !officemap.state().busy`)
		var view struct {
			Over     bool `json:"over"`
			Appeared int  `json:"appeared"`
			Person   bool `json:"person"`
		}
		b.eval(fmt.Sprintf(`({over: !!document.querySelector('#scn-over'), appeared: document.querySelectorAll('#scn-findings li.appeared').length,
			person: !!document.querySelector('#scn-people tr[data-person-id=%q] td.changed')})`, person.ID), &view)
		b.eval(`document.querySelector('#scn-view').scrollIntoView()`, nil)
		b.extraShot("applications-over-standard.png")
		if !view.Over || view.Appeared == 0 || !view.Person {
			t.Errorf("the view: %+v, want the warning, the finding that appears and the person's area changed", view)
		}
		b.clickSel("#scn-propose")
		b.wait("the proposal in the trail", `!!document.querySelector('#app-trail tr[data-action="propose"]')`)
		b.settle()
		b.attach(decision, "filing_document")
		b.clickSel("#act-submit")
		b.appAt("approval")
		b.signOut()
	}) {
		return
	}
	t.Run("the leader needs a reason to approve", func(t *testing.T) {
		b.t = t
		b.openApplication(s.URL, a.ID, "approver", approverPassword)
		b.appAt("approval")
		if !b.visible("#act-override-hint.warn") {
			t.Error("the leader is not told that approving needs a reason")
		}
		b.clickSel("#act-approve")
		b.wait("the refusal", `/override_reason/.test(document.querySelector('#act-error')?.textContent || '')`)
		if state := b.text("#app-summary dd#app-state"); state != "审批" {
			t.Errorf("after the refusal the application is at %q", state)
		}
		b.typeText("#act-override", "领导职务调整，按规定过渡使用")
		b.clickSel("#act-approve")
		b.appAt("handling")
		b.wait("the reason with the scenario", `/领导职务调整/.test(document.querySelector('#scenario-view')?.textContent || '')`)
		b.checkClean(t, s.URL, func(st string) bool {
			return st == "401 GET /api/v1/me" || st == "422 POST /api/v1/applications/"+a.ID+"/actions"
		})
	})
}

// fileSiteDocument files a PDF of docType in a property's archive through the API, as the bureau does on
// the register's property page; it returns the document's id.
func fileSiteDocument(t *testing.T, s *server, token, site, docType, name string) string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range map[string]string{"subject_type": "site", "subject_id": site, "doc_type": docType} {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write([]byte(minimalPDF)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	status, _, b := s.do("POST", "/api/v1/documents", body.Bytes(), map[string]string{"Authorization": "Bearer " + token,
		"Content-Type": w.FormDataContentType()})
	var d struct {
		ID string `json:"id"`
	}
	if status != 201 || json.Unmarshal(b, &d) != nil {
		t.Fatalf("filing %s: %d %s", name, status, b)
	}
	return d.ID
}

// TestBrowserDisposal: the bureau proposes leasing a property by public tender with the decision
// attached, the leader approves, and the planner, who may not file documents, hands over picking the
// lease contract the bureau filed in the property's archive and giving the rent: the application shows
// the result.
func TestBrowserDisposal(t *testing.T) {
	chromium(t)
	e := newHandlingEnv(t)
	s, token := e.s, e.tokens["bureau"]
	var agencies []struct {
		ID string `json:"id"`
	}
	s.read(token, "/api/v1/agencies", &agencies)
	if len(agencies) == 0 {
		t.Fatal("the sample has no agency")
	}
	// A vacant room, leased out with its property named: leasing needs the rooms vacated.
	target := vacantRoomFor(t, s, token, "")
	var buildings []struct {
		ID     string `json:"id"`
		SiteID string `json:"site_id"`
	}
	s.read(token, "/api/v1/buildings", &buildings)
	siteOf := map[string]string{}
	for _, bl := range buildings {
		siteOf[bl.ID] = bl.SiteID
	}
	var fl floor
	s.read(token, "/api/v1/floors/"+target.Properties.FloorID, &fl)
	site, agency := siteOf[fl.BuildingID], agencies[0].ID
	contract := fileSiteDocument(t, s, token, site, "contract", "租赁合同.pdf")
	decision := pdfFile(t, "批复.pdf")

	b := openBrowser(t, s.URL)
	var id string
	if !t.Run("the bureau proposes a lease by tender with the decision attached", func(t *testing.T) {
		b.t = t
		b.signInAt(s.URL+"/#/applications?new=disposal", "bureau", bureauPassword)
		b.wait("the disposal form with the properties", fmt.Sprintf(`document.querySelector('#new-application')?.dataset.kind === 'disposal' &&
			!!document.querySelector('#new-site option[value=%q]')`, site))
		b.eval(fmt.Sprintf(`(() => { const q = (s) => document.querySelector(s); q('#new-agency').value = %q; q('#new-site').value = %q;
			q('#new-mode').value = 'lease_tender'; return true; })()`, agency, site), nil)
		b.pick("new-room", target.Properties.Number, target.ID)
		b.wait("the room added", fmt.Sprintf(`!!document.querySelector('#new-rooms li[data-room-id=%q]')`, target.ID))
		b.typeText("#new-title", "闲置房产公开招租")
		b.typeText("#new-finding", "idle")
		b.clickSel("#new-submit")
		b.appAt("draft")
		id = b.hashParam("id")
		b.attach(decision, "filing_document")
		b.clickSel("#act-submit")
		b.appAt("approval")
		b.signOut()
	}) {
		return
	}
	if !t.Run("the leader approves", func(t *testing.T) {
		b.t = t
		b.openApplication(s.URL, id, "approver", approverPassword)
		b.clickSel("#act-approve")
		b.appAt("handling")
		b.signOut()
	}) {
		return
	}
	t.Run("the planner hands over with the contract and the rent", func(t *testing.T) {
		b.t = t
		b.openApplication(s.URL, id, "planner", plannerPassword)
		b.appAt("handling")
		if b.count("#act-upload-contract") != 1 || b.count(fmt.Sprintf(`#act-doc-contract option[value=%q]`, contract)) != 1 {
			t.Fatal("the planner is not offered the property's contract to pick, and an upload")
		}
		b.eval(fmt.Sprintf(`document.querySelector('#act-doc-contract').value = %q`, contract), nil)
		b.typeText("#act-rent", "56000")
		b.clickSel("#act-hand_over")
		b.appAt("acceptance")
		if got := b.text("#app-result"); !strings.Contains(got, "56000") {
			t.Errorf("the page shows the result %q", got)
		}
		var a struct {
			Result struct {
				ContractDocumentID string  `json:"contract_document_id"`
				RentYuan           float64 `json:"rent_yuan"`
			} `json:"result"`
		}
		s.read(token, "/api/v1/applications/"+id, &a)
		if a.Result.ContractDocumentID != contract || a.Result.RentYuan != 56000 {
			t.Errorf("the application's result: %+v", a.Result)
		}
		b.checkClean(t, s.URL, func(st string) bool { return st == "401 GET /api/v1/me" })
	})
}
