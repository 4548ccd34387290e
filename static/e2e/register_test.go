package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
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
