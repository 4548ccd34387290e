package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/report"
)

// TestReportPartsScope: the report, written agency by agency, keeps scope.report's rule: an inspector of
// A sees A's findings and those of another agency's person in A's room (the finding names a room they
// see), nothing else of B; the same rows in CSV; the room's findings show that person's finding too.
func TestReportPartsScope(t *testing.T) {
	s, boss := newScopeBoss(t)
	guest := newStaff(t, boss, "王五"+s.numberA, s.b)                             // B's, in A's 25 m² room: over standard
	roomA2 := agencyRoom(t, boss, s.f, s.numberA+"-2", s.a, rect(10, 0, 15, 5)) // 25 m²
	assignMain(t, boss, guest, roomA2)

	in := s.e.signedIn("inspectorA", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Agency: s.a}})
	var doc report.Document
	in.do("GET", "/api/v1/reports/over-standard?format=json", nil).expect(t, 200).decode(t, &doc)
	guestRows := 0
	for _, f := range doc.Findings {
		if f.PersonID == guest {
			guestRows++
			if len(f.Rooms) != 1 || f.Rooms[0] != s.numberA+"-2" {
				t.Errorf("the guest's finding names rooms %q, want A's room by its number", f.Rooms)
			}
		}
		if f.AgencyID == s.b && f.PersonID != guest {
			t.Errorf("A's inspector sees a finding of B that names no room of A: %+v", f)
		}
		if f.PersonID == s.personB || slicesHas(f.RoomIDs, s.roomB) {
			t.Errorf("A's inspector sees B's person or room: %+v", f)
		}
	}
	if guestRows == 0 {
		t.Errorf("A's inspector does not see the finding of B's person in A's room: %+v", doc.Findings)
	}
	for _, a := range doc.Agencies {
		if a.AgencyID != s.a {
			t.Errorf("A's inspector sees the totals of %s (%s)", a.Agency, a.AgencyID)
		}
	}
	body := in.do("GET", "/api/v1/reports/over-standard?format=csv", nil).expect(t, 200).body
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(doc.Findings) {
		t.Errorf("CSV: %d rows, want a header and %d findings", len(rows), len(doc.Findings))
	}
	var mine roomFindingsAnswer
	in.do("GET", "/api/v1/rooms/"+roomA2.String()+"/findings", nil).expect(t, 200).decode(t, &mine)
	if len(mine.Findings) == 0 || mine.Findings[0]["person_id"] != guest.String() {
		t.Errorf("the findings of A's second room: %v", mine.Findings)
	}
}

func slicesHas(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestReportStreamedAsBefore: with nothing hidden, the streamed report (parts, agency by agency) is byte
// for byte report.Write of the whole evaluation, in JSON, CSV and the text table, findings and totals.
func TestReportStreamedAsBefore(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	ag := newAgency(t, e, "报告单位"+uuid.NewString()[:6], nil)
	for i, w := range []float64{3, 5, 6} {
		p := newStaff(t, e, "员工"+string(rune('甲'+i)), ag)
		assignMain(t, e, p, agencyRoom(t, e, f, "R"+uuid.NewString()[:6], ag, rect(float64(i)*7, 10, float64(i)*7+w, 15)))
	}
	ctx := context.Background()
	whole, err := floorplan.NewAssessor(e.store, nil, floorplan.DefaultPolicy()).AsOf(ctx, floorplan.DayOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		write func(*bytes.Buffer) error
	}{
		{"format=json", func(b *bytes.Buffer) error { return report.Write(b, whole, report.JSON, report.Options{Lang: "zh"}) }},
		{"format=csv&lang=en", func(b *bytes.Buffer) error { return report.Write(b, whole, report.CSV, report.Options{Lang: "en"}) }},
		{"format=table", func(b *bytes.Buffer) error { return report.Write(b, whole, report.Table, report.Options{Lang: "zh"}) }},
		{"format=json&totals=true", func(b *bytes.Buffer) error {
			return report.WriteTotals(b, whole, report.JSON, report.Options{Lang: "zh"})
		}},
		{"format=csv&agency_id=" + ag.String(), func(b *bytes.Buffer) error {
			return report.Write(b, whole, report.CSV, report.Options{Lang: "zh", AgencyID: ag})
		}},
	} {
		var want bytes.Buffer
		if err := c.write(&want); err != nil {
			t.Fatal(err)
		}
		got := e.do("GET", "/api/v1/reports/over-standard?"+c.query, nil).expect(t, 200).body
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: the streamed report differs from the whole one (%d and %d bytes)", c.query, len(got), want.Len())
		}
	}
	var doc report.Document
	if err := json.Unmarshal(e.do("GET", "/api/v1/reports/over-standard?agency_id="+ag.String(), nil).expect(t, 200).body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) < 2 || len(doc.Agencies) != 1 {
		t.Errorf("the agency's report: %d findings, %d agencies", len(doc.Findings), len(doc.Agencies))
	}
}
