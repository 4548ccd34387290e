package api_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// applicationResultOut is what these tests read of an application beside applicationOut.
type applicationResultOut struct {
	applicationOut
	Cost   *float64 `json:"cost"`
	Result *struct {
		ContractDocumentID uuid.UUID `json:"contract_document_id"`
		RentYuan           float64   `json:"rent_yuan"`
	} `json:"result"`
}

// countUpdates counts the audit records of actions on application id.
func countUpdates(s *scopeEnv, id uuid.UUID) int {
	n := 0
	for _, r := range s.e.auditLog(identity.AuditFilter{Action: "write.application.update"}) {
		if r.Target == "application "+id.String() {
			n++
		}
	}
	return n
}

// (This file sorts after applications_test.go on purpose: TestApplicationAllocation counts every
// application of the package's shared register, so tests that file more must run after it.)

// TestApplicationResultsAudit: a maintenance closed with its cost and a disposal handed over with its
// result, each step by its role over HTTP. Closing without the cost and handing over without what the
// mode needs are 422 naming cost and result.<field>, writing nothing; the cost and the result are on the
// application, the cost in the ledger and the let room leased. The audit log has one record per action
// taken (none for a refused one) and the result's own writes; the application's history has one row per
// write, read where the application is visible.
func TestApplicationResultsAudit(t *testing.T) {
	s := newScopeEnv(t)
	m, mb, boss, leader, planner := applicationUsers(s)
	var acceptance, filing, contract documentOut
	fileDocument(t, boss, "验收单.pdf", pdfBytes(), "site", s.f.site, "acceptance").expect(t, 201).decode(t, &acceptance)
	fileDocument(t, boss, "批复.pdf", pdfBytes(), "site", s.f.site, "filing_document").expect(t, 201).decode(t, &filing)
	fileDocument(t, boss, "租赁合同.pdf", pdfBytes(), "site", s.f.site, "contract").expect(t, 201).decode(t, &contract)

	// Maintenance: filed by the agency, closed by the bureau with its cost.
	var a applicationResultOut
	m.do("POST", "/api/v1/applications", map[string]any{"kind": "maintenance", "agency_id": s.a, "title": "卫生间改造",
		"fields": map[string]any{"site_id": s.f.site, "budget": 20000}}).expect(t, 201).decode(t, &a)
	path := "/api/v1/applications/" + a.ID.String()
	act := func(c *client, body map[string]any) response {
		if body["comment"] == nil {
			body["comment"] = "意见 " + body["action"].(string)
		}
		return c.do("POST", path+"/actions", body)
	}
	act(m, map[string]any{"action": "submit"}).expect(t, 200)
	act(boss, map[string]any{"action": "submit"}).expect(t, 200)
	act(leader, map[string]any{"action": "approve"}).expect(t, 200)
	act(planner, map[string]any{"action": "hand_over", "cost": 100}).expectError(t, 422, "invalid_input")
	act(planner, map[string]any{"action": "hand_over"}).expect(t, 200)
	closing := map[string]any{"action": "close", "document_ids": []uuid.UUID{acceptance.ID}}
	res := act(boss, closing)
	res.expectError(t, 422, "invalid_input")
	if !has(res.body, "cost") {
		t.Errorf("closing without the cost: %s, want the error to name cost", res.body)
	}
	closing["cost"] = 18650.4
	act(boss, closing).expect(t, 200).decode(t, &a)
	if a.State != "closed" || a.Cost == nil || *a.Cost != 18650.4 {
		t.Fatalf("closed maintenance: state %s, cost %v; want closed with 18650.4", a.State, a.Cost)
	}
	year := time.Now().Year()
	var list struct {
		Entries []struct {
			Kind       string    `json:"kind"`
			Amount     float64   `json:"amount"`
			DocumentID uuid.UUID `json:"document_id"`
		} `json:"entries"`
	}
	boss.do("GET", "/api/v1/ledger/entries?site_id="+s.f.site.String()+"&year="+strconv.Itoa(year), nil).expect(t, 200).decode(t, &list)
	entries := list.Entries
	if len(entries) != 1 || entries[0].Kind != "maintenance" || entries[0].Amount != 18650.4 || entries[0].DocumentID != acceptance.ID {
		t.Errorf("ledger entries %+v, want the maintenance's cost with the acceptance document", entries)
	}
	if n := countUpdates(s, a.ID); n != 5 {
		t.Errorf("%d actions of the maintenance in the audit log, want 5 (the refused ones not)", n)
	}
	if n := len(s.e.auditLog(identity.AuditFilter{Action: "write.ledger_entry.create"})); n != 1 {
		t.Errorf("%d ledger entries in the audit log, want the cost's", n)
	}
	var history []struct {
		Op     string `json:"op"`
		Actor  string `json:"actor"`
		Reason string `json:"reason"`
	}
	m.do("GET", path+"/history", nil).expect(t, 200).decode(t, &history)
	if len(history) != 6 || history[0].Op != "insert" || history[5].Reason != "意见 close" {
		t.Errorf("history %+v, want the filing and 5 actions, the last because 意见 close", history)
	}
	mb.do("GET", path+"/history", nil).expectError(t, 404, "not_found")

	// Disposal: a lease by public tender of a room of A, carried out by the planner.
	room := agencyRoom(t, boss, s.f, "D"+uuid.NewString()[:6], s.a, rect(20, 0, 26, 5))
	var d applicationResultOut
	boss.do("POST", "/api/v1/applications", map[string]any{"kind": "disposal", "agency_id": s.a, "title": "闲置用房公开招租",
		"fields": map[string]any{"room_ids": []uuid.UUID{room}, "mode": "lease_tender", "finding": "room.idle"}}).expect(t, 201).decode(t, &d)
	path = "/api/v1/applications/" + d.ID.String()
	act(boss, map[string]any{"action": "submit"}).expect(t, 200)
	act(leader, map[string]any{"action": "approve", "document_ids": []uuid.UUID{filing.ID}}).expect(t, 200)
	handing := map[string]any{"action": "hand_over", "document_ids": []uuid.UUID{contract.ID},
		"result": map[string]any{"contract_document_id": contract.ID}}
	res = act(planner, handing)
	res.expectError(t, 422, "invalid_input")
	if !has(res.body, "result.rent_yuan") {
		t.Errorf("a lease without its rent: %s, want the error to name result.rent_yuan", res.body)
	}
	handing["result"] = map[string]any{"contract_document_id": contract.ID, "rent_yuan": 36000}
	act(planner, handing).expect(t, 200).decode(t, &d)
	if d.State != "acceptance" || d.Result == nil || d.Result.RentYuan != 36000 || d.Result.ContractDocumentID != contract.ID {
		t.Fatalf("handed over: state %s, result %+v; want at acceptance with the rent and the contract", d.State, d.Result)
	}
	var r struct {
		Properties struct {
			State    string     `json:"state"`
			AgencyID *uuid.UUID `json:"agency_id"`
		} `json:"properties"`
	}
	boss.do("GET", "/api/v1/rooms/"+room.String(), nil).expect(t, 200).decode(t, &r)
	if r.Properties.State != "leased" || r.Properties.AgencyID != nil {
		t.Errorf("the let room: %+v, want leased with no agency", r.Properties)
	}
	if n := countUpdates(s, d.ID); n != 3 {
		t.Errorf("%d actions of the disposal in the audit log, want 3", n)
	}
	if n := len(s.e.auditLog(identity.AuditFilter{Action: "write.ledger_entry.create"})); n != 2 {
		t.Errorf("%d ledger entries in the audit log, want the cost's and the rent's", n)
	}
}
