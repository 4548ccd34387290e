package e2e

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// Inspections in the browser (issue 18): at phone width (390 px) the inspector adds a manual item in the
// field — picks the floor, taps a room on its plan, fills the point, notes, a measured area and a photo
// (the camera's file input) — and the item appears with its photo; then the agency's manager answers it
// (once notified) with an evidence file. axe checks the pages as shown.

const inspectorPassword = "Inspector-2026!"

// tinyPNG writes a 1×1 PNG in a temporary directory and returns its path, to upload as a photo.
func tinyPNG(t *testing.T) string {
	t.Helper()
	b, err := hex.DecodeString("89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
		"1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// inspectionItem is an item as the API gives it, as far as the test reads it.
type inspectionItem struct {
	ID           string    `json:"id"`
	State        string    `json:"state"`
	RoomID       string    `json:"room_id"`
	FloorID      string    `json:"floor_id"`
	AgencyID     string    `json:"agency_id"`
	PointCode    string    `json:"point_code"`
	Position     []float64 `json:"position"`
	Notes        string    `json:"notes"`
	PhotoIDs     []string  `json:"photo_ids"`
	Measurements []struct {
		Value float64 `json:"value"`
		Unit  string  `json:"unit"`
	} `json:"measurements"`
	Trail []struct {
		Action      string   `json:"action"`
		DocumentIDs []string `json:"document_ids"`
	} `json:"trail"`
}

// agencyRoomOn finds a room of some agency, and its floor, reading the register with token.
func agencyRoomOn(t *testing.T, s *server, token string) (floorID, roomID, number, agency string) {
	t.Helper()
	var buildings []building
	s.read(token, "/api/v1/buildings", &buildings)
	for _, bl := range buildings {
		var fls []floor
		s.read(token, "/api/v1/buildings/"+bl.ID+"/floors", &fls)
		for _, f := range fls {
			var rs struct {
				Features []struct {
					ID         string `json:"id"`
					Properties struct {
						Number   string  `json:"number"`
						AgencyID *string `json:"agency_id"`
						AreaM2   float64 `json:"area_m2"`
					} `json:"properties"`
				} `json:"features"`
			}
			s.read(token, "/api/v1/floors/"+f.ID+"/rooms", &rs)
			for _, r := range rs.Features {
				if r.Properties.AgencyID != nil && *r.Properties.AgencyID != "" && r.Properties.AreaM2 >= 12 {
					return f.ID, r.ID, r.Properties.Number, *r.Properties.AgencyID
				}
			}
		}
	}
	t.Fatal("the sample has no room of an agency")
	return
}

// api sends a JSON request with token and decodes the answer into out, which must have status want.
func (e *handlingEnv) api(t *testing.T, token, method, path string, body any, want int, out any) {
	t.Helper()
	status, _, b := e.s.do(method, path, body, map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"})
	if status != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// tapInView scrolls the element sel into the middle of the screen and taps it.
func (b *browser) tapInView(sel string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { document.querySelector(%q)?.scrollIntoView({block: 'center'}); return true; })()`, sel), nil)
	b.tap(sel)
}

func TestBrowserInspections(t *testing.T) {
	chromium(t)
	e := newHandlingEnv(t)
	tok := e.user(t, "inspector", inspectorPassword, identity.Grant{Role: identity.RoleInspector})
	floorID, roomID, number, agency := agencyRoomOn(t, e.s, tok)
	e.user(t, "manager", managerPassword, identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: uuid.MustParse(agency)}})

	var plan struct {
		ID string `json:"id"`
	}
	e.api(t, tok, "POST", "/api/v1/inspections", map[string]any{"kind": "special", "title": "专项督查 e2e",
		"as_of": time.Now().Format("2006-01-02"), "scope": map[string]any{"kind": "all"}}, http.StatusCreated, &plan)
	e.api(t, tok, "POST", "/api/v1/inspections/"+plan.ID+"/start", map[string]any{}, http.StatusOK, nil)

	b := openBrowser(t, e.s.URL)
	b.emulatePhone()
	b.signInAt(e.s.URL+"/#/inspections?field="+plan.ID, "inspector", inspectorPassword)
	b.wait("the field entry's floors", fmt.Sprintf(`!!document.querySelector('#fe-floor option[value=%q]')`, floorID))
	b.settle()
	b.axe(t, "the field entry at phone width")
	if o := b.pageOverflow(); len(o) > 0 {
		t.Errorf("the field entry is wider than a phone: %v", o)
	}

	// Pick the floor from the list, then tap the room on its plan.
	b.eval(fmt.Sprintf(`(() => { const s = document.querySelector('#fe-floor'); s.value = %q; s.dispatchEvent(new Event('change')); return true; })()`, floorID), nil)
	b.wait("the floor's plan", fmt.Sprintf(`!!document.querySelector('#fe-plan svg path[data-room-id=%q]')`, roomID))
	var at [2]float64
	b.eval(fmt.Sprintf(`(() => { const p = document.querySelector('#fe-plan svg path[data-room-id=%q]'); p.scrollIntoView({block: 'center'});
		const svg = p.ownerSVGElement, bb = p.getBBox();
		for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
			const q = svg.createSVGPoint(); q.x = bb.x + bb.width * i / 10; q.y = bb.y + bb.height * j / 10;
			if (!p.isPointInFill(q)) continue;
			const s = q.matrixTransform(svg.getScreenCTM()); return [s.x, s.y];
		}
		return [0, 0]; })()`, roomID), &at)
	if at == [2]float64{} {
		t.Fatalf("no point inside room %s on the plan", number)
	}
	b.touchPoints(at)
	b.wait("the tapped room", fmt.Sprintf(`(document.querySelector('#fe-where')?.textContent || '').includes(%q)`, number))
	var chosen string
	b.eval(`document.querySelector('#fe-agency').value`, &chosen)
	if chosen != agency {
		t.Errorf("the agency after tapping room %s is %q, want the room's %s", number, chosen, agency)
	}
	b.eval(`(() => { const s = document.querySelector('#fe-point'); s.value = 'A1'; s.dispatchEvent(new Event('change')); return true; })()`, nil)
	b.typeText("#fe-notes", "现场发现出借给其他单位使用")
	b.typeText("#fe-area", "12.5")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#fe-photo"), []string{tinyPNG(t)}))
	b.tapInView("#fe-submit")
	b.wait("the item with its photo", `!!document.querySelector('#insp-item') && !!document.querySelector('#insp-photos a.insp-photo') || !!(document.querySelector('#fe-error')?.textContent)`)
	if msg := b.text("#fe-error"); msg != "" {
		t.Fatalf("the field entry was refused: %s", msg)
	}
	b.settle()
	b.axe(t, "the item page at phone width")
	if o := b.pageOverflow(); len(o) > 0 {
		t.Errorf("the item page is wider than a phone: %v", o)
	}
	var itemID, photoHref string
	itemID = b.hashParam("item")
	b.eval(`document.querySelector('#insp-photos a.insp-photo').getAttribute('href')`, &photoHref)
	var it inspectionItem
	e.api(t, tok, "GET", "/api/v1/inspection-items/"+itemID, nil, http.StatusOK, &it)
	if it.RoomID != roomID || it.FloorID != floorID || it.AgencyID != agency || it.PointCode != "A1" || len(it.Position) != 2 ||
		!strings.Contains(it.Notes, "出借") || len(it.Measurements) != 1 || it.Measurements[0].Value != 12.5 || len(it.PhotoIDs) != 1 {
		t.Fatalf("the item saved is %+v", it)
	}
	if want := "/api/v1/documents/" + it.PhotoIDs[0] + "/content"; !strings.HasPrefix(photoHref, want) {
		t.Errorf("the photo link is %q, want %s…", photoHref, want)
	}
	var doc struct {
		SubjectType string `json:"subject_type"`
		DocType     string `json:"doc_type"`
		MediaType   string `json:"media_type"`
	}
	e.api(t, tok, "GET", "/api/v1/documents/"+it.PhotoIDs[0], nil, http.StatusOK, &doc)
	if doc.SubjectType != "room" || doc.DocType != "photo" || doc.MediaType != "image/png" {
		t.Errorf("the photo is filed as %+v, want a PNG photo of the room", doc)
	}
	b.wait("the item on the floor plan", fmt.Sprintf(`!!document.querySelector('#insp-item-plan g.insp-dot[data-item-id=%q]')`, itemID))

	// Notified, the agency's manager answers it with evidence from the phone.
	deadline := time.Now().AddDate(0, 0, 14).Format("2006-01-02")
	e.api(t, tok, "POST", "/api/v1/inspection-items/"+itemID+"/actions", map[string]any{"action": "notify", "deadline": deadline}, http.StatusOK, nil)
	// Signed out as the app does (the user menu is behind the phone's menu button), then in as the manager.
	var out int
	b.eval(`fetch('/api/v1/session', {method: 'DELETE', headers: {Accept: 'application/json'}}).then((r) => r.status)`, &out)
	if out != http.StatusNoContent {
		t.Fatalf("signing out = %d", out)
	}
	b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(e.s.URL+"/#/inspections"))
	b.signIn("manager", managerPassword)
	b.inApp()
	b.wait("the manager's items", fmt.Sprintf(`!!document.querySelector('#insp-my-items tr[data-item-id=%q] a')`, itemID))
	b.settle()
	b.axe(t, "the agency manager's items at phone width")
	b.tapInView(fmt.Sprintf(`#insp-my-items tr[data-item-id=%q] a`, itemID))
	b.wait("the item's answer form", `!!document.querySelector('#insp-act option[value="answer"]')`)
	var offered []string
	b.eval(`[...document.querySelectorAll('#insp-act option')].map((o) => o.value)`, &offered)
	if len(offered) != 1 || offered[0] != "answer" {
		t.Errorf("the agency manager is offered %v, want [answer]", offered)
	}
	b.typeText("#insp-act-comment", "已收回房间，见交接单")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#insp-act-file"), []string{pdfFile(t, "交接单.pdf")}))
	b.tapInView("#insp-act-submit")
	b.wait("the answered item", `document.querySelector('#insp-item')?.dataset.state === 'answered' || !!(document.querySelector('#insp-act-error')?.textContent)`)
	if msg := b.text("#insp-act-error"); msg != "" {
		t.Fatalf("the answer was refused: %s", msg)
	}
	b.wait("the evidence on the trail", `!!document.querySelector('#insp-trail li[data-action="answer"] a.insp-evidence')`)
	e.api(t, tok, "GET", "/api/v1/inspection-items/"+itemID, nil, http.StatusOK, &it)
	last := it.Trail[len(it.Trail)-1]
	if it.State != "answered" || last.Action != "answer" || len(last.DocumentIDs) != 1 {
		t.Errorf("after the answer the item is %s with trail %+v", it.State, it.Trail)
	}
}
