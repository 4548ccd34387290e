package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// registrationOut is a property's registration as the API gives it.
type registrationOut struct {
	SiteID string `json:"site_id"`
	State  string `json:"state"`
	Steps  []struct {
		Step        string      `json:"step"`
		Date        *string     `json:"date"`
		Start       *string     `json:"start"`
		End         *string     `json:"end"`
		Number      string      `json:"number"`
		DocumentIDs []uuid.UUID `json:"document_ids"`
		RecordedBy  string      `json:"recorded_by"`
	} `json:"steps"`
	History []struct {
		State      string  `json:"state"`
		Effective  *string `json:"effective"`
		Reason     string  `json:"reason"`
		RecordedBy string  `json:"recorded_by"`
	} `json:"history"`
}

// timelineOut is an event of a property's timeline as the API gives it.
type timelineOut struct {
	ID          uuid.UUID   `json:"id"`
	Date        string      `json:"date"`
	Kind        string      `json:"kind"`
	Source      string      `json:"source"`
	Title       string      `json:"title"`
	TitleEN     string      `json:"title_en"`
	Note        string      `json:"note"`
	Entity      string      `json:"entity"`
	EntityID    uuid.UUID   `json:"entity_id"`
	DocumentIDs []uuid.UUID `json:"document_ids"`
	RecordedBy  string      `json:"recorded_by"`
}

// TestRegistration: the bureau moves a property through the filing path over HTTP — state changes with
// their history, the three steps with dates and documents, filed at the end — and every refused value is a
// 422 naming the field with nothing written.
func TestRegistration(t *testing.T) {
	s, boss := newScopeBoss(t)
	site := "/api/v1/sites/" + s.f.site.String()
	doc := func(name, typ string) uuid.UUID {
		var d documentOut
		fileDocument(t, boss, name+".pdf", append(pdfBytes(), name...), "site", s.f.site, typ).expect(t, 201).decode(t, &d)
		return d.ID
	}
	confirm, notice, filing := doc("确权", "filing_confirmation"), doc("公示", "public_notice"), doc("备案", "filing_document")
	otherSite := boss.fixture()
	var elsewhere documentOut
	fileDocument(t, boss, "别处.pdf", pdfBytes(), "site", otherSite.site, "other").expect(t, 201).decode(t, &elsewhere)

	var reg registrationOut
	boss.do("GET", site+"/registration", nil).expect(t, 200).decode(t, &reg)
	if reg.State != "registered" || len(reg.Steps) != 0 || len(reg.History) != 0 || reg.SiteID != s.f.site.String() {
		t.Fatalf("a new property's registration: %+v", reg)
	}
	boss.do("POST", site+"/registration", map[string]any{"state": "filing", "effective": "2024-06-01", "reason": "原产权资料遗失，启动备案"}).
		expect(t, 200).decode(t, &reg)
	if reg.State != "filing" || len(reg.History) != 1 || *reg.History[0].Effective != "2024-06-01" || reg.History[0].RecordedBy != "bureau" {
		t.Fatalf("after the change: %+v", reg)
	}

	// Refused values: 422 naming the field, and the registration as it was.
	before := boss.do("GET", site+"/registration", nil).expect(t, 200).body
	for _, c := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/registration", map[string]any{"state": "lost", "reason": "x"}, "state"},
		{"/registration", map[string]any{"state": "filing", "reason": "再次"}, "state"},
		{"/registration", map[string]any{"state": "disputed", "effective": "2024-05-01", "reason": "倒签"}, "effective"},
		{"/registration", map[string]any{"state": "disputed", "effective": "2024-13-01", "reason": "x"}, "effective"},
		{"/registration", map[string]any{"state": "disputed"}, "reason"},
		{"/registration", map[string]any{"state": "filed", "reason": "备案完成"}, "steps"},
		{"/registration/steps", map[string]any{"step": "notice", "start": "2024-07-05", "end": "2024-07-20"}, "step"},
		{"/registration/steps", map[string]any{"step": "confirmation"}, "date"},
		{"/registration/steps", map[string]any{"step": "confirmation", "date": "2024-07-01", "document_ids": []uuid.UUID{uuid.New()}}, "document_ids[0]"},
		{"/registration/steps", map[string]any{"step": "confirmation", "date": "2024-07-01", "document_ids": []uuid.UUID{confirm, elsewhere.ID}}, "document_ids[1]"},
		{"/registration/steps", map[string]any{"step": "survey", "date": "2024-07-01"}, "step"},
		{"/timeline", map[string]any{"date": "2024-05-01", "kind": "sold", "title": "x"}, "kind"},
		{"/timeline", map[string]any{"date": "2024-05-01", "kind": "renovated"}, "title"},
		{"/timeline", map[string]any{"kind": "renovated", "title": "x"}, "date"},
		{"/timeline", map[string]any{"date": "2024-05-01", "kind": "renovated", "title": "x", "document_ids": []uuid.UUID{elsewhere.ID}}, "document_ids[0]"},
	} {
		e := boss.do("POST", site+c.path, c.body).expectError(t, 422, "invalid_input")
		if e["field"] != c.field {
			t.Errorf("POST %s %v: field %v; want %s (%v)", c.path, c.body, e["field"], c.field, e["message"])
		}
	}
	if after := boss.do("GET", site+"/registration", nil).expect(t, 200).body; !bytes.Equal(after, before) {
		t.Errorf("refused requests changed the registration:\n%s\nwas\n%s", after, before)
	}

	// The path in order, each step checked against the one before.
	step := func(body map[string]any) response { return boss.do("POST", site+"/registration/steps", body) }
	step(map[string]any{"step": "confirmation", "date": "2024-07-01", "document_ids": []uuid.UUID{confirm}, "note": "财政局、不动产登记中心确认"}).
		expect(t, 201).decode(t, &reg)
	if len(reg.Steps) != 1 || reg.Steps[0].Step != "confirmation" || !equalIDs(reg.Steps[0].DocumentIDs, confirm) {
		t.Fatalf("after the confirmation: %+v", reg.Steps)
	}
	e := step(map[string]any{"step": "notice", "start": "2024-07-20", "end": "2024-07-05"}).expectError(t, 422, "invalid_input")
	if e["field"] != "end" {
		t.Errorf("a notice ending before it starts: field %v", e["field"])
	}
	e = step(map[string]any{"step": "notice", "start": "2024-06-20", "end": "2024-07-05"}).expectError(t, 422, "invalid_input")
	if e["field"] != "start" {
		t.Errorf("a notice before the confirmation: field %v", e["field"])
	}
	step(map[string]any{"step": "notice", "start": "2024-07-05", "end": "2024-07-20", "document_ids": []uuid.UUID{notice}}).expect(t, 201)
	e = step(map[string]any{"step": "filing_document", "date": "2024-07-10", "number": "常管办〔2024〕12号"}).expectError(t, 422, "invalid_input")
	if e["field"] != "date" {
		t.Errorf("a filing document dated before the notice ends: field %v", e["field"])
	}
	step(map[string]any{"step": "filing_document", "date": "2024-08-01", "number": "常管办〔2024〕12号", "form": "minutes",
		"document_ids": []uuid.UUID{filing}}).expect(t, 201).decode(t, &reg)
	if len(reg.Steps) != 3 || reg.Steps[1].Start == nil || *reg.Steps[1].Start != "2024-07-05" || reg.Steps[2].Number != "常管办〔2024〕12号" {
		t.Fatalf("the three steps: %+v", reg.Steps)
	}
	boss.do("POST", site+"/registration", map[string]any{"state": "filed", "effective": "2024-08-02", "reason": "备案完成"}).
		expect(t, 200).decode(t, &reg)
	var siteOut struct{ Ownership string }
	boss.do("GET", site, nil).expect(t, 200).decode(t, &siteOut)
	if reg.State != "filed" || len(reg.History) != 2 || siteOut.Ownership != "filed" {
		t.Errorf("filed: registration %+v, site ownership %s", reg, siteOut.Ownership)
	}

	// The timeline: the manual event with its document, the automatic ones, oldest first.
	var ev timelineOut
	boss.do("POST", site+"/timeline", map[string]any{"date": "2019-05-01", "kind": "renovated", "title": "外立面改造",
		"note": "竣工验收合格", "document_ids": []uuid.UUID{filing}}).expect(t, 201).decode(t, &ev)
	if ev.Source != "manual" || ev.RecordedBy != "bureau" || ev.Date != "2019-05-01" || !equalIDs(ev.DocumentIDs, filing) {
		t.Errorf("the manual event: %+v", ev)
	}
	var events []timelineOut
	boss.do("GET", site+"/timeline", nil).expect(t, 200).decode(t, &events)
	kinds := map[string]int{}
	for i, x := range events {
		kinds[x.Kind+"/"+x.Source]++
		if i > 0 && x.Date < events[i-1].Date {
			t.Errorf("timeline not oldest first at %d: %s after %s", i, x.Date, events[i-1].Date)
		}
	}
	if len(events) == 0 || events[0].ID != ev.ID {
		t.Errorf("the first event: %+v; want the renovation of 2019-05-01, before the staff placed in 2020", events[:min(1, len(events))])
	}
	for _, k := range []string{"acquired/auto", "built/auto", "filed/auto", "allocated/auto", "renovated/manual"} {
		if kinds[k] == 0 {
			t.Errorf("no %s event in %+v", k, kinds)
		}
	}

	// The archive package's index carries the same timeline.
	res := boss.do("GET", site+"/archive.zip", nil).expect(t, 200)
	var index struct{ Timeline []timelineOut }
	if err := json.Unmarshal(unzip(t, res.body)["index.json"], &index); err != nil {
		t.Fatalf("index.json of the archive: %v", err)
	}
	if len(index.Timeline) != len(events) || len(index.Timeline) == 0 || index.Timeline[0].ID != ev.ID {
		t.Errorf("the archive index's timeline has %d events; want the property's %d, the renovation first", len(index.Timeline), len(events))
	}

	boss.do("GET", "/api/v1/sites/"+uuid.NewString()+"/registration", nil).expectError(t, 404, "not_found")
	boss.do("POST", "/api/v1/sites/"+uuid.NewString()+"/timeline", map[string]any{"date": "2024-05-01", "kind": "other", "title": "x"}).
		expectError(t, 404, "not_found")
}

// TestRegistrationScope: an agency manager reads the registration and timeline of a property their agency
// uses (without the other agency's rooms), gets 404 for another property, and may change none.
func TestRegistrationScope(t *testing.T) {
	s, boss := newScopeBoss(t)
	other := boss.fixture() // a property agency A does not use
	m := s.e.signedIn("managerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	site := "/api/v1/sites/" + s.f.site.String()

	m.do("GET", site+"/registration", nil).expect(t, 200)
	var events []timelineOut
	m.do("GET", site+"/timeline", nil).expect(t, 200).decode(t, &events)
	text, _ := json.Marshal(events)
	if !strings.Contains(string(text), s.numberA) || strings.Contains(string(text), s.numberB) {
		t.Errorf("the manager's timeline names room A %v, room B %v; want A only: %s", strings.Contains(string(text), s.numberA),
			strings.Contains(string(text), s.numberB), text)
	}
	for _, path := range []string{"/registration", "/timeline"} {
		hidden := m.do("GET", "/api/v1/sites/"+other.site.String()+path, nil).expectError(t, 404, "not_found")
		missing := m.do("GET", "/api/v1/sites/"+uuid.NewString()+path, nil).expectError(t, 404, "not_found")
		if !sameShape(hidden, missing) {
			t.Errorf("%s of a hidden property %v; of a missing one %v", path, hidden, missing)
		}
	}
	m.do("POST", site+"/registration", map[string]any{"state": "disputed", "reason": "x"}).expectError(t, 403, "forbidden")
	m.do("POST", site+"/timeline", map[string]any{"date": "2024-05-01", "kind": "other", "title": "x"}).expectError(t, 403, "forbidden")
	m.do("POST", site+"/registration/steps", map[string]any{"step": "confirmation", "date": "2024-05-01"}).expectError(t, 403, "forbidden")
	var reg registrationOut
	boss.do("GET", site+"/registration", nil).expect(t, 200).decode(t, &reg)
	if reg.State != "registered" || len(reg.History) != 0 {
		t.Errorf("after the manager's refused changes: %+v", reg)
	}
}

// equalIDs reports whether ids is exactly want.
func equalIDs(ids []uuid.UUID, want ...uuid.UUID) bool {
	if len(ids) != len(want) {
		return false
	}
	for i := range ids {
		if ids[i] != want[i] {
			return false
		}
	}
	return true
}

// TestSitePatchOwnership: a PATCH of a property's ownership is a change of its registration state: filed
// without the filing steps is refused (422 naming the steps, nothing written), and another state is
// recorded in the state's history with the editor.
func TestSitePatchOwnership(t *testing.T) {
	s, boss := newScopeBoss(t)
	site := "/api/v1/sites/" + s.f.site.String()
	patch := func(state string) response {
		res := boss.do("GET", site, nil).expect(t, 200)
		return boss.do("PATCH", site, map[string]any{"ownership": state},
			"If-Match", res.header.Get("ETag"), "Content-Type", "application/merge-patch+json")
	}
	e := patch("filed").expectError(t, 422, "invalid_input")
	if msg, _ := e["message"].(string); !strings.Contains(msg, "steps") || e["field"] != "steps" {
		t.Errorf("filed without steps: %v; want it to name the steps", e)
	}
	var reg registrationOut
	boss.do("GET", site+"/registration", nil).expect(t, 200).decode(t, &reg)
	if reg.State != "registered" || len(reg.History) != 0 {
		t.Fatalf("after the refused PATCH: %+v; want it registered with no history", reg)
	}
	patch("disputed").expect(t, 200)
	boss.do("GET", site+"/registration", nil).expect(t, 200).decode(t, &reg)
	if reg.State != "disputed" || len(reg.History) != 1 || reg.History[0].State != "disputed" || reg.History[0].RecordedBy != "bureau" {
		t.Errorf("after a PATCH to disputed: %+v; want it in the state's history, by bureau", reg)
	}
}
