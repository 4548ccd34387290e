package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRegisterKinds: a property's page names its kind, and a building's own kind, from the
// classification in force (GET /api/v1/classification) in the UI's language, and shows each title record's
// land-use expiry and a link to its scan.
func TestBrowserRegisterKinds(t *testing.T) {
	chromium(t)
	s := startServer(t)
	b := openBrowser(t, s.URL)
	var classification struct {
		Groups []struct {
			Categories []struct {
				Code   string `json:"code"`
				Name   string `json:"name"`
				NameEN string `json:"name_en"`
			} `json:"categories"`
		} `json:"groups"`
	}
	s.get("/api/v1/classification", &classification)
	names := map[string][2]string{}
	for _, g := range classification.Groups {
		for _, c := range g.Categories {
			names[c.Code] = [2]string{c.Name, c.NameEN}
		}
	}
	var sites []struct {
		ID, Name, Category string
		Records            []map[string]any
	}
	s.get("/api/v1/sites", &sites)
	centre := sites[0]
	for _, site := range sites {
		if site.Name == "常州市行政中心" {
			centre = site
		}
	}
	if _, ok := names[centre.Category]; !ok || len(centre.Records) == 0 {
		t.Fatalf("the centre's category %q is not in the classification, or it has no titles", centre.Category)
	}
	var docs struct {
		Documents []struct{ ID, Name, DocType string } `json:"documents"`
	}
	s.get("/api/v1/documents?site_id="+centre.ID+"&doc_type=title_certificate", &docs)
	if len(docs.Documents) == 0 {
		t.Fatal("the centre has no title certificate in its archive")
	}
	scan := docs.Documents[0]
	records := centre.Records
	records[0]["expires_on"], records[0]["document_id"] = "2053-06-30", scan.ID
	if code, _, body := s.do("PATCH", "/api/v1/sites/"+centre.ID, map[string]any{"records": records},
		map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": "*"}); code != http.StatusOK {
		t.Fatalf("PATCH the centre's titles: %d %s", code, body)
	}
	var buildings []struct{ ID, Name string }
	s.get("/api/v1/buildings?site_id="+centre.ID, &buildings)
	if code, _, body := s.do("PATCH", "/api/v1/buildings/"+buildings[0].ID, map[string]any{"category": "residential.turnover"},
		map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": "*"}); code != http.StatusOK {
		t.Fatalf("PATCH a building's kind: %d %s", code, body)
	}

	for _, tc := range []struct {
		lang string
		i    int
	}{{"zh", 0}, {"en", 1}} {
		b.do(chromedp.Navigate(s.URL + "/"))
		b.eval(fmt.Sprintf(`localStorage.setItem('officemap.lang', %q), true`, tc.lang), nil)
		b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(s.URL+"/#/register?site="+centre.ID))
		b.wait(tc.lang+": the property's kind", fmt.Sprintf(`document.querySelector('#register-kind')?.textContent === %q`,
			names[centre.Category][tc.i]))
		b.wait(tc.lang+": the building's kind", fmt.Sprintf(`document.querySelector('#register-plans .building-kind[data-kind="residential.turnover"]')?.textContent === %q`,
			" · "+names["residential.turnover"][tc.i]))
		var expires, link string
		b.eval(`document.querySelector('#register-titles tbody td.expires')?.textContent || ''`, &expires)
		b.eval(`document.querySelector('#register-titles tbody td.scan a')?.textContent || ''`, &link)
		if expires != "2053-06-30" || link != scan.Name {
			t.Errorf("%s: the title's expiry %q and scan %q; want 2053-06-30 and %q", tc.lang, expires, link, scan.Name)
		}
	}
	b.eval(`localStorage.setItem('officemap.lang', 'zh'), true`, nil)
}
