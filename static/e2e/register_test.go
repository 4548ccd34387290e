package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan/identity"
)

// TestBrowserRegister: the property register lists the sample's properties; a property's page shows its
// documents and ledger line; a PDF and an image uploaded through the page (with its progress bar) are
// listed, and the bytes the page downloads are the bytes uploaded; the ledger's workbook it links to opens
// with the 总账 sheet and its totals row.
func TestBrowserRegister(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)
	var sites []struct {
		ID, Name string
	}
	s.get("/api/v1/sites", &sites)
	var centre struct{ ID, Name string }
	for _, site := range sites {
		if site.Name == "常州市行政中心" {
			centre = site
		}
	}

	b.do(chromedp.Navigate(s.URL + "/#/register"))
	b.wait("the property list", fmt.Sprintf(`document.querySelector('#register-list a[data-site-id=%q]') !== null`, centre.ID))
	b.clickSel(fmt.Sprintf(`#register-list a[data-site-id=%q]`, centre.ID))
	b.wait("the property's page", fmt.Sprintf(`document.querySelector('#register-site-name')?.textContent === %q`, centre.Name))
	var before int
	b.eval(`document.querySelectorAll('#register-documents li').length`, &before)
	if before != 2 {
		t.Errorf("the centre's page lists %d documents; want the sample's 2", before)
	}
	b.wait("the ledger line", `document.querySelector('#register-ledger') !== null`)

	dir := t.TempDir()
	files := map[string][]byte{
		"封面照片.png": {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89},
		"竣工图.pdf":  []byte("%PDF-1.4\n% completion drawings, uploaded in the browser test\n%%EOF\n"),
	}
	n := before
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#register-file"), []string{path}))
		b.do(chromedp.SetValue(chromedp.CSS("#register-doc-type"), map[bool]string{true: "completion_drawings", false: "photo"}[filepath.Ext(name) == ".pdf"]))
		b.clickSel(`#register-upload button[type=submit]`)
		n++
		b.wait("the upload listed", fmt.Sprintf(`document.querySelectorAll('#register-documents li').length === %d`, n))
		sum := sha256.Sum256(data)
		want := hex.EncodeToString(sum[:])
		// The page downloads the document and hashes what it got.
		var got string
		b.eval(fmt.Sprintf(`(async () => {
			const li = [...document.querySelectorAll('#register-documents li')].find((li) => li.dataset.sha256 === %q);
			if (!li) return 'not listed';
			const res = await fetch(li.querySelector('a').href);
			const digest = await crypto.subtle.digest('SHA-256', await res.arrayBuffer());
			return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, '0')).join('');
		})()`, want), &got)
		if got != want {
			t.Errorf("%s: the page downloaded bytes hashing to %s; want %s (the upload)", name, got, want)
		}
	}

	var href string
	b.eval(`document.querySelector('#register-ledger-xlsx').getAttribute('href')`, &href)
	status, _, body := s.do(http.MethodGet, href, nil, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s = %d", href, status)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("总账")
	if err != nil || len(rows) < 4 || rows[len(rows)-1][0] != "合计" {
		t.Errorf("总账: %v, %v; want the title, the header, the properties and 合计", rows, err)
	}
}

// regSite is a property as the API lists it.
type regSite struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Category       string  `json:"category"`
	Ownership      string  `json:"ownership"`
	JurisdictionID *string `json:"jurisdiction_id"`
	Records        []struct {
		AreaM2 float64 `json:"area_m2"`
	} `json:"records"`
}

// regLedger is a ledger as GET /api/v1/ledger gives it: a line per property.
type regLedger struct {
	Lines []struct {
		SiteID       string  `json:"site_id"`
		GrossAreaM2  float64 `json:"gross_area_m2"`
		UsableAreaM2 float64 `json:"usable_area_m2"`
	} `json:"lines"`
}

// registerView is what the register's list shows: its totals (data attributes), the properties listed
// and the address.
type registerView struct {
	Count, TitleArea, GrossArea, AgencyArea string
	Rows                                    []string
	Hash                                    string
	None                                    bool
}

func (b *browser) registerList() registerView {
	b.t.Helper()
	var v registerView
	b.eval(`(() => { const d = document.getElementById('register-totals')?.dataset || {};
		return {Count: d.count || '', TitleArea: d.titleArea || '', GrossArea: d.grossArea || '', AgencyArea: d.agencyArea || '',
			Rows: [...document.querySelectorAll('#register-list tbody tr')].map((tr) => tr.dataset.siteId),
			Hash: decodeURIComponent(location.hash), None: !!document.getElementById('register-none')}; })()`, &v)
	return v
}

// choose picks value in the select sel as a user does (with its change event).
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	var ok bool
	b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q);
		if (!el || ![...el.options].some((o) => o.value === %q)) return false;
		el.value = %q; el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, sel, value, value), &ok)
	if !ok {
		b.t.Fatalf("%s has no option %q", sel, value)
	}
}

// sameArea reports whether the page's figure (two decimals) is want.
func sameArea(got string, want float64) bool {
	var v float64
	_, err := fmt.Sscan(got, &v)
	return err == nil && math.Abs(v-want) < 0.006
}

// TestBrowserRegisterList: the register's list filters by kind (a group or a category), registration state,
// district (a jurisdiction and below) and agency (the properties where it uses rooms), each in the address
// so that a link reopens the same list; the totals (count, title area, measured gross area, the agency's
// usable area) are those of the properties shown, as the API computes them.
func TestBrowserRegisterList(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)

	var districts []struct{ ID, Name string }
	s.get("/api/v1/jurisdictions", &districts)
	district := func(name string) string {
		for _, d := range districts {
			if d.Name == name {
				return d.ID
			}
		}
		t.Fatalf("no jurisdiction %s in the sample", name)
		return ""
	}
	// A third property, of another kind, state and district, with a title area.
	status, _, body := s.do(http.MethodPost, "/api/v1/sites", map[string]any{"name": "湖塘公寓", "address": "常州市武进区湖塘镇",
		"category": "residential.apartment", "ownership": "unclear", "jurisdiction_id": district("武进区"),
		"records": []map[string]any{{"kind": "房屋所有权证", "number": "武房权证字第001号", "area_m2": 512.4}}}, nil)
	if status != http.StatusCreated {
		t.Fatalf("POST /api/v1/sites = %d: %s", status, body)
	}
	var sites []regSite
	s.get("/api/v1/sites", &sites)
	year := time.Now().Year()
	var general regLedger
	s.get(fmt.Sprintf("/api/v1/ledger?year=%d", year), &general)
	gross := map[string]float64{}
	for _, l := range general.Lines {
		gross[l.SiteID] = l.GrossAreaM2
	}
	var agencies []struct {
		ID        string
		ShortName string `json:"short_name"`
	}
	s.get("/api/v1/agencies", &agencies)
	var street string
	for _, a := range agencies {
		if a.ShortName == "天宁街道" {
			street = a.ID
		}
	}
	var sub regLedger
	s.get(fmt.Sprintf("/api/v1/ledger?year=%d&agency_id=%s", year, street), &sub)
	usable := map[string]float64{}
	for _, l := range sub.Lines {
		usable[l.SiteID] = l.UsableAreaM2
	}
	tianning := district("天宁区")

	cases := []struct {
		name    string
		filters [][2]string // in the order chosen
		keep    func(regSite) bool
	}{
		{"all", nil, func(regSite) bool { return true }},
		{"kind: the residential group", [][2]string{{"kind", "residential"}}, func(s regSite) bool { return strings.HasPrefix(s.Category, "residential.") }},
		{"kind: turnover offices", [][2]string{{"kind", "office.turnover"}}, func(s regSite) bool { return s.Category == "office.turnover" }},
		{"state: filed", [][2]string{{"state", "filed"}}, func(s regSite) bool { return s.Ownership == "filed" }},
		{"district: 天宁区", [][2]string{{"district", tianning}}, func(s regSite) bool { return s.JurisdictionID != nil && *s.JurisdictionID == tianning }},
		{"district: the city and below", [][2]string{{"district", district("常州市")}}, func(regSite) bool { return true }},
		{"agency: 天宁街道", [][2]string{{"agency", street}}, func(s regSite) bool { _, ok := usable[s.ID]; return ok }},
		{"office and unclear: none", [][2]string{{"kind", "office"}, {"state", "unclear"}}, func(s regSite) bool {
			return strings.HasPrefix(s.Category, "office.") && s.Ownership == "unclear"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b.t = t
			var ids []string
			var title, grossSum, agencySum float64
			for _, site := range sites {
				if tc.keep(site) {
					ids = append(ids, site.ID)
					for _, r := range site.Records {
						title += r.AreaM2
					}
					grossSum += gross[site.ID]
					agencySum += usable[site.ID]
				}
			}
			if tc.name != "all" && tc.name != "district: the city and below" && len(ids) == len(sites) {
				t.Fatalf("the case keeps every property: it tests nothing")
			}
			check := func(how string) {
				b.wait(how, fmt.Sprintf(`document.getElementById('register-totals')?.dataset.count === '%d'`, len(ids)))
				v := b.registerList()
				if !slices.Equal(v.Rows, ids) {
					t.Errorf("%s: the list shows %v; want %v", how, v.Rows, ids)
				}
				if !sameArea(v.TitleArea, title) || !sameArea(v.GrossArea, grossSum) {
					t.Errorf("%s: totals title %s, gross %s; want %.2f, %.2f", how, v.TitleArea, v.GrossArea, title, grossSum)
				}
				if tc.filters != nil && tc.filters[0][0] == "agency" && !sameArea(v.AgencyArea, agencySum) {
					t.Errorf("%s: the agency's usable area %s; want %.2f (its sub-ledger)", how, v.AgencyArea, agencySum)
				}
				if v.None != (len(ids) == 0) {
					t.Errorf("%s: the 'none' line shown %v with %d properties", how, v.None, len(ids))
				}
				for _, f := range tc.filters {
					if !strings.Contains(v.Hash, f[0]+"="+f[1]) {
						t.Errorf("%s: the address %s lacks %s=%s", how, v.Hash, f[0], f[1])
					}
					var value string
					b.eval(fmt.Sprintf(`document.getElementById('register-%s').value`, f[0]), &value)
					if value != f[1] {
						t.Errorf("%s: the %s filter shows %q; want %q", how, f[0], value, f[1])
					}
				}
			}
			b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/register"))
			b.wait("the list", fmt.Sprintf(`document.getElementById('register-totals')?.dataset.count === '%d'`, len(sites)))
			for _, f := range tc.filters {
				b.choose("#register-"+f[0], f[1])
			}
			check("chosen")
			var link string
			b.eval(`location.href`, &link)
			b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(link))
			check("the link reopened")
			if len(tc.filters) > 0 {
				b.clickSel("#register-clear")
				b.wait("the filters cleared", fmt.Sprintf(`document.getElementById('register-totals')?.dataset.count === '%d' && location.hash === '#/register'`, len(sites)))
			}
		})
	}

	t.Run("a link with filters that name nothing", func(t *testing.T) {
		b.t = t
		offices := 0
		for _, site := range sites {
			if strings.HasPrefix(site.Category, "office.") {
				offices++
			}
		}
		b.do(chromedp.Navigate("about:blank"),
			chromedp.Navigate(s.URL+"/#/register?kind=office&state=bogus&agency=00000000-0000-0000-0000-000000000001"))
		b.wait("the list without them", fmt.Sprintf(`document.getElementById('register-totals')?.dataset.count === '%d'`, offices))
		if v := b.registerList(); v.Hash != "#/register?kind=office" || !b.visible("#register-notice") {
			t.Errorf("the address is %s and the notice shown %v; want #/register?kind=office and a notice", v.Hash, b.visible("#register-notice"))
		}
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/register?state=filed&site=00000000-0000-0000-0000-000000000001"))
		b.wait("the refusal", `document.querySelector('#register-view [role=alert]') !== null`)
		if href := b.attr("#register-back", "href"); href != "#/register?state=filed" {
			t.Errorf("the way back from a property that is not there is %q; want the list's #/register?state=filed", href)
		}
	})
}

// regRegistration is GET /api/v1/sites/{id}/registration.
type regRegistration struct {
	State string `json:"state"`
	Steps []struct {
		Step, Date, Start, End, Number string
		DocumentIDs                    []string `json:"document_ids"`
	} `json:"steps"`
	History []struct{ State string } `json:"history"`
}

// regEvent is an event of GET /api/v1/sites/{id}/timeline.
type regEvent struct {
	Date, Kind, Source, Title string
	DocumentIDs               []string `json:"document_ids"`
}

// TestBrowserRegisterProperty: the filed demo property's page shows its state, its three filing steps
// with their days and documents, its state history and its timeline, as the API gives them; the plan of
// every floor of the centre loads (HTTP 200, an image); a keeper changes the centre's state, records a
// step with a document, is told what is wrong with a notice that ends before it starts (nothing
// recorded), and adds an event to the timeline.
func TestBrowserRegisterProperty(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)
	var sites []regSite
	s.get("/api/v1/sites", &sites)
	byName := map[string]regSite{}
	for _, site := range sites {
		byName[site.Name] = site
	}
	turnover, centre := byName["局前街周转办公楼"], byName["常州市行政中心"]
	if turnover.ID == "" || centre.ID == "" {
		t.Fatalf("the sample lacks its two properties: %v", sites)
	}
	registration := func(id string) regRegistration {
		var reg regRegistration
		if status, _, body := s.do(http.MethodGet, "/api/v1/sites/"+id+"/registration", nil, nil); status != http.StatusOK {
			t.Fatalf("GET registration = %d: %s", status, body)
		} else if err := json.Unmarshal(body, &reg); err != nil {
			t.Fatal(err)
		}
		return reg
	}
	timeline := func(id string) []regEvent {
		var events []regEvent
		s.get("/api/v1/sites/"+id+"/timeline", &events)
		return events
	}

	t.Run("the filed property: steps, history, timeline", func(t *testing.T) {
		b.t = t
		reg, events := registration(turnover.ID), timeline(turnover.ID)
		if reg.State != "filed" || len(reg.Steps) != 3 || len(events) == 0 {
			t.Fatalf("the sample's filed property: state %s, %d steps, %d events; want filed, 3 and some", reg.State, len(reg.Steps), len(events))
		}
		b.do(chromedp.Navigate(s.URL + "/#/register?site=" + turnover.ID))
		b.wait("the three steps", `document.querySelectorAll('#register-steps li[data-done=true]').length === 3`)
		if got := b.attr("#register-state", "data-state"); got != "filed" {
			t.Errorf("the page shows the state %q; want filed", got)
		}
		for _, st := range reg.Steps {
			var li struct {
				When string
				Docs []string
			}
			b.eval(fmt.Sprintf(`(() => { const li = document.querySelector('#register-steps li[data-step=%q]');
				return {When: li.querySelector('.step-when').textContent, Docs: [...li.querySelectorAll('.doc-links li')].map((d) => d.dataset.docId)}; })()`, st.Step), &li)
			for _, d := range []string{st.Date, st.Start, st.End} {
				if d != "" && !strings.Contains(li.When, d[:10]) {
					t.Errorf("step %s shows %q; want its day %s", st.Step, li.When, d[:10])
				}
			}
			if !slices.Equal(li.Docs, st.DocumentIDs) || len(li.Docs) == 0 {
				t.Errorf("step %s links documents %v; want %v", st.Step, li.Docs, st.DocumentIDs)
			}
		}
		var n struct{ History, Timeline int }
		b.eval(`({History: document.querySelectorAll('#register-state-history li').length, Timeline: document.querySelectorAll('#register-timeline > li').length})`, &n)
		if n.History != len(reg.History) || n.Timeline != min(len(events), 100) {
			t.Errorf("the page shows %d state changes and %d events; want %d and %d", n.History, n.Timeline, len(reg.History), len(events))
		}
	})

	t.Run("the plans of every floor load", func(t *testing.T) {
		b.t = t
		var buildings []struct{ ID string }
		s.get("/api/v1/buildings?site_id="+centre.ID, &buildings)
		floors := 0
		for _, bl := range buildings {
			var fl []struct{ ID string }
			s.get("/api/v1/buildings/"+bl.ID+"/floors", &fl)
			floors += len(fl)
		}
		if floors < 2 {
			t.Fatalf("the centre has %d floors", floors)
		}
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/register?site="+centre.ID))
		b.wait("the plans", fmt.Sprintf(`document.querySelectorAll('#register-plans img').length === %d`, floors))
		var bad []string
		b.eval(`(async () => { const bad = [];
			for (const img of document.querySelectorAll('#register-plans img')) {
				img.scrollIntoView();
				try { await img.decode(); } catch (e) { bad.push(img.src + ': not decoded'); continue; }
				if (!img.naturalWidth) bad.push(img.src + ': no width');
				const res = await fetch(img.src);
				const size = (await res.blob()).size;
				if (res.status !== 200 || size === 0) bad.push(img.src + ': ' + res.status + ', ' + size + ' bytes');
				const link = img.closest('li').querySelector('a[href*="plan.png"]');
				if (!link) bad.push(img.src + ': no PNG link');
			}
			return bad; })()`, &bad)
		if len(bad) > 0 {
			t.Errorf("plans that do not load: %v", bad)
		}
	})

	t.Run("a keeper records the registration and the timeline", func(t *testing.T) {
		b.t = t
		var docs struct {
			Documents []struct{ ID, Name string }
		}
		s.get("/api/v1/documents?site_id="+centre.ID, &docs)
		if len(docs.Documents) == 0 {
			t.Fatal("the centre has no documents")
		}
		doc := docs.Documents[0]
		before := registration(centre.ID)
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/register?site="+centre.ID))
		b.wait("the forms", `document.querySelector('#register-state-form') !== null`)

		b.eval(`document.getElementById('register-state-fold').open = true`, nil)
		b.choose("#register-new-state", "filing")
		b.typeText("#register-state-reason", "原始资料缺失，启动备案")
		b.clickSel("#register-state-form button[type=submit]")
		b.wait("the new state", `document.getElementById('register-state')?.dataset.state === 'filing'`)
		if reg := registration(centre.ID); reg.State != "filing" || len(reg.History) != len(before.History)+1 {
			t.Errorf("after the change: state %s, %d changes; want filing, %d", reg.State, len(reg.History), len(before.History)+1)
		}

		day := time.Now().Format("2006-01-02")
		b.eval(`document.getElementById('register-step-fold').open = true`, nil)
		b.choose("#register-step-kind", "confirmation")
		b.eval(fmt.Sprintf(`document.getElementById('register-step-date').value = %q`, day), nil)
		b.clickSel(fmt.Sprintf(`#register-step-docs input[value=%q]`, doc.ID))
		b.clickSel("#register-step-form-el button[type=submit]")
		b.wait("the step", `document.querySelector('#register-steps li[data-step=confirmation][data-done=true]') !== null`)
		if reg := registration(centre.ID); len(reg.Steps) != 1 || !slices.Equal(reg.Steps[0].DocumentIDs, []string{doc.ID}) {
			t.Errorf("after the step: %+v; want one confirmation with %s", reg.Steps, doc.ID)
		}

		// A notice that ends before it starts: the form says so, nothing is recorded.
		b.eval(`document.getElementById('register-step-fold').open = true`, nil)
		b.choose("#register-step-kind", "notice")
		b.eval(fmt.Sprintf(`document.getElementById('register-step-start').value = %q; document.getElementById('register-step-end').value = %q`,
			day, time.Now().AddDate(0, 0, -3).Format("2006-01-02")), nil)
		b.clickSel("#register-step-form-el button[type=submit]")
		b.wait("the refusal", `document.querySelector('#register-step-form-el .form-error').textContent !== ''`)
		if msg := b.text("#register-step-form-el .form-error"); !strings.Contains(msg, "end") {
			t.Errorf("the refusal says %q; want it to name the end day", msg)
		}
		if reg := registration(centre.ID); len(reg.Steps) != 1 {
			t.Errorf("a refused notice was recorded: %+v", reg.Steps)
		}

		eventsBefore := timeline(centre.ID) // the state's change is an event of its own
		b.eval(`document.getElementById('register-event-fold').open = true`, nil)
		b.choose("#register-event-kind", "renovated")
		b.typeText("#register-event-title", "主楼外立面维修")
		b.clickSel(fmt.Sprintf(`#register-event-docs input[value=%q]`, doc.ID))
		b.clickSel("#register-event-form button[type=submit]")
		b.wait("the event", `[...document.querySelectorAll('#register-timeline li[data-source=manual]')].some((li) => li.textContent.includes('主楼外立面维修'))`)
		events := timeline(centre.ID)
		i := slices.IndexFunc(events, func(e regEvent) bool { return e.Title == "主楼外立面维修" })
		if len(events) != len(eventsBefore)+1 || i < 0 || events[i].Source != "manual" || !slices.Equal(events[i].DocumentIDs, []string{doc.ID}) {
			t.Errorf("the timeline after the event (%d before): %+v", len(eventsBefore), events)
		}
		// The page lists the latest 100 events, and all of them on request.
		var shown int
		b.eval(`document.querySelectorAll('#register-timeline > li').length`, &shown)
		if shown != min(len(events), 100) {
			t.Errorf("the page shows %d events; want the latest %d of the API's %d", shown, min(len(events), 100), len(events))
		}
		if len(events) > 100 {
			b.clickSel("#register-timeline-all")
			b.wait("every event", fmt.Sprintf(`document.querySelectorAll('#register-timeline > li').length === %d`, len(events)))
		}
	})
}

// TestBrowserRegisterPhone: on a 390×844 phone the register's list and a property's page are no wider
// than the screen and their controls are at least 44×44 px; axe finds no serious violation; a keyboard
// reaches a property from the list (focus on its heading) and comes back.
func TestBrowserRegisterPhone(t *testing.T) {
	chromium(t)
	axeSource(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)
	var sites []regSite
	s.get("/api/v1/sites", &sites)
	var centre regSite
	for _, site := range sites {
		if site.Name == "常州市行政中心" {
			centre = site
		}
	}

	b.emulatePhone()
	for _, page := range []struct{ name, lang, hash, ready string }{
		{"the list", "zh", "#/register?state=registered", `document.querySelector('#register-list a') !== null`},
		{"a property", "zh", "#/register?site=" + centre.ID, `document.querySelectorAll('#register-plans img').length > 0`},
		{"a property in English", "en", "#/register?site=" + centre.ID,
			`document.querySelector('#register-registration-h')?.textContent === 'Registration and filing'`},
	} {
		t.Run("phone: "+page.name, func(t *testing.T) {
			b.t = t
			b.do(chromedp.Navigate(s.URL + "/"))
			b.eval(fmt.Sprintf(`localStorage.setItem('officemap.lang', %q), true`, page.lang), nil)
			b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/"+page.hash))
			b.wait(page.name, page.ready)
			// Open every folded form: their controls count too.
			b.eval(`document.querySelectorAll('#register-view details').forEach((d) => { d.open = true; }), true`, nil)
			if over := b.pageOverflow(); len(over) > 0 {
				t.Errorf("%s is wider than the phone: %v", page.name, over)
			}
			if small := b.smallTargets("#register-view select, #register-view button, #register-view input:not([type=checkbox]), #register-view summary, #register-view label.check"); len(small) > 0 {
				t.Errorf("%s: controls under 44×44 px: %v", page.name, small)
			}
			b.axe(t, page.name)
		})
	}

	t.Run("keyboard", func(t *testing.T) {
		b.t = t
		b.emulateDesktop()
		b.eval(`localStorage.setItem('officemap.lang', 'zh'), true`, nil)
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/register"))
		b.wait("the list", `document.activeElement?.id === 'register-title'`)
		link := fmt.Sprintf(`#register-list a[data-site-id=%q]`, centre.ID)
		if !b.tabTo(link, false, 30) {
			t.Fatalf("Tab does not reach the centre's link; focus on %s", b.focused())
		}
		b.enter()
		b.wait("the property's heading focused", `document.activeElement?.id === 'register-site-name'`)
		if !b.tabTo("#register-back", true, 5) {
			t.Fatalf("Shift+Tab does not reach the back link; focus on %s", b.focused())
		}
		b.enter()
		b.wait("the list's heading focused", `document.activeElement?.id === 'register-title'`)
		b.axe(t, "the list, desktop")
	})
}

// TestBrowserRegisterViewer: a viewer (read only: no ledger, no writes) filters the register by agency
// through the agency's rooms — the properties and the usable area its rooms give, as the API lists them —
// is told that measured areas are the ledger's, and sees a property's registration without the forms.
func TestBrowserRegisterViewer(t *testing.T) {
	chromium(t)
	const password = "Viewer-Register-2026!"
	s, _, token := serveUser(t, "viewer", identity.RoleViewer, password)
	b := openBrowser(t, s.URL)

	var agencies []struct {
		ID        string
		ShortName string `json:"short_name"`
	}
	s.getAs(token, "/api/v1/agencies", &agencies)
	var street string
	for _, a := range agencies {
		if a.ShortName == "天宁街道" {
			street = a.ID
		}
	}
	// The street office's rooms, placed by their floors' buildings' sites.
	var rooms struct {
		Features []struct {
			Properties struct {
				FloorID string  `json:"floor_id"`
				AreaM2  float64 `json:"area_m2"`
			} `json:"properties"`
		} `json:"features"`
	}
	s.getAs(token, "/api/v1/rooms?agency_id="+street, &rooms)
	want := map[string]float64{}
	for _, r := range rooms.Features {
		var fl struct {
			BuildingID string `json:"building_id"`
		}
		var bl struct {
			SiteID string `json:"site_id"`
		}
		s.getAs(token, "/api/v1/floors/"+r.Properties.FloorID, &fl)
		s.getAs(token, "/api/v1/buildings/"+fl.BuildingID, &bl)
		want[bl.SiteID] += r.Properties.AreaM2
	}
	if len(want) == 0 {
		t.Fatal("the street office uses no rooms in the sample")
	}
	var total float64
	var ids []string
	for id, a := range want {
		total += a
		ids = append(ids, id)
	}

	b.signInAt(s.URL+"/", "viewer", password)
	b.do(chromedp.Navigate(s.URL + "/#/register?agency=" + street))
	b.wait("the agency's properties", fmt.Sprintf(`document.getElementById('register-totals')?.dataset.count === '%d'`, len(ids)))
	v := b.registerList()
	slices.Sort(ids)
	slices.Sort(v.Rows)
	if !slices.Equal(v.Rows, ids) || !sameArea(v.AgencyArea, total) {
		t.Errorf("the viewer's list for the street office: %v with %s m²; want %v with %.2f m² (its rooms)", v.Rows, v.AgencyArea, ids, total)
	}
	if v.GrossArea != "" || !b.visible("#register-totals .total.hint") {
		t.Errorf("a viewer sees measured totals (%q) or no word of where they are", v.GrossArea)
	}

	b.clickSel(fmt.Sprintf(`#register-list a[data-site-id=%q]`, ids[0]))
	b.wait("the property's registration", `document.getElementById('register-state') !== null && document.getElementById('register-site-name') !== null`)
	for _, sel := range []string{"#register-state-form", "#register-step-form-el", "#register-event-form", "#register-upload", "#register-ledger"} {
		if b.visible(sel) {
			t.Errorf("a viewer is shown %s", sel)
		}
	}
}
