package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserArchiveFindings: the dashboard's panel of the archive's findings lists the sample's missing
// completion drawings and title-area mismatch (账实) of the centre, each linked to the property's page, which
// the link opens; in English the panel reads in English. The findings list shows the sample's filed turnover
// building leased by the sub-district office (room.filed_property_leased).
func TestBrowserArchiveFindings(t *testing.T) {
	chromium(t)
	s := startServer(t)
	var sites []struct{ ID, Name string }
	s.get("/api/v1/sites", &sites)
	var centre struct{ ID, Name string }
	for _, site := range sites {
		if site.Name == "常州市行政中心" {
			centre = site
		}
	}
	if centre.ID == "" {
		t.Fatalf("the sample has no 常州市行政中心 among %v", sites)
	}
	var api []struct {
		RuleID  string `json:"rule_id"`
		SiteID  string `json:"site_id"`
		DocType string `json:"doc_type"`
	}
	s.get("/api/v1/register/findings", &api)
	rows := map[string]bool{}
	for _, f := range api {
		rows[f.SiteID+" "+f.RuleID+" "+f.DocType] = true
	}
	for _, want := range []string{centre.ID + " archive.missing_document completion_drawings", centre.ID + " ledger.title_vs_measured "} {
		if !rows[want] {
			t.Errorf("the archive's findings lack %q: %+v", want, api)
		}
	}

	b := openBrowser(t, s.URL)
	b.do(chromedp.Navigate(s.URL + "/#/dashboard"))
	b.wait("the archive panel", `document.querySelectorAll('#dash-archive-findings tbody tr').length > 0`)
	var shown int
	b.eval(`document.querySelectorAll('#dash-archive-findings tbody tr').length`, &shown)
	if shown != len(api) {
		t.Errorf("the panel lists %d findings; the API gives %d", shown, len(api))
	}
	row := func(rule string) string {
		return fmt.Sprintf(`#dash-archive-findings tr[data-site-id=%q][data-rule=%q]`, centre.ID, rule)
	}
	for _, rule := range []string{"archive.missing_document", "ledger.title_vs_measured"} {
		var n int
		b.eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, row(rule)), &n)
		if n == 0 {
			t.Errorf("the panel has no %s row of the centre", rule)
		}
	}
	if text := b.text(row("ledger.title_vs_measured")); !strings.Contains(text, "账实不符") || !strings.Contains(text, "常州市行政中心") {
		t.Errorf("the 账实 row reads %q; want the rule's name and the property", text)
	}
	if text := b.text(row("archive.missing_document")); !strings.Contains(text, "竣工图") {
		t.Errorf("the missing-document row reads %q; want 竣工图", text)
	}

	// The property's link opens its page in the register.
	b.clickSel(row("ledger.title_vs_measured") + ` a.archive-site`)
	b.wait("the property's page", fmt.Sprintf(`document.querySelector('#register-site-name')?.textContent === %q`, centre.Name))
	var hash string
	b.eval(`location.hash`, &hash)
	if !strings.HasPrefix(hash, "#/register") || !strings.Contains(hash, "site="+centre.ID) {
		t.Errorf("the link went to %q; want the register's page of %s", hash, centre.ID)
	}

	// In English.
	b.eval(`localStorage.setItem('officemap.lang', 'en'), true`, nil)
	b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/dashboard"))
	b.wait("the English panel", `document.querySelector('#dash-archive-title')?.textContent.startsWith('Archive findings')`)
	if text := b.text(row("ledger.title_vs_measured")); !strings.Contains(text, "Title vs measured area") || !strings.Contains(text, "title area") {
		t.Errorf("the English 账实 row reads %q", text)
	}

	// The findings engine's rule on the filed property: in the report and in the dashboard's findings list.
	var rep struct {
		Findings []struct {
			RuleID  string `json:"rule_id"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	s.get("/api/v1/reports/over-standard?format=json&lang=zh", &rep)
	filed := 0
	for _, f := range rep.Findings {
		if f.RuleID == "room.filed_property_leased" {
			filed++
			if !strings.Contains(f.Message, "局前街周转办公楼") {
				t.Errorf("the filed property's finding reads %q; want the property named", f.Message)
			}
		}
	}
	if filed != 1 {
		t.Errorf("%d findings of room.filed_property_leased in the sample's report; want 1", filed)
	}
	b.eval(`localStorage.setItem('officemap.lang', 'zh'), true`, nil)
	b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/dashboard?view=findings"))
	b.wait("the filed property's finding", `[...document.querySelectorAll('#dash-findings tbody tr')].some((tr) => tr.textContent.includes('局前街周转办公楼') && tr.textContent.includes('出租出借'))`)
}
