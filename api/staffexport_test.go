package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/imports/staff"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/sample"
)

// sampleAuthEnv is an authEnv (accounts on) over a fresh PostGIS database of its own holding the demo
// register, every person with a staff number.
func sampleAuthEnv(t *testing.T) (*authEnv, *sample.Dataset) {
	t.Helper()
	store := pgtest.NewStore(t)
	d := sample.Build(floorplan.DayOf(time.Now()))
	for i := range d.People {
		d.People[i].StaffNo = fmt.Sprintf("S%04d", i+1)
	}
	if err := d.Load(context.Background(), floorplan.NewRegister(store)); err != nil {
		t.Fatal(err)
	}
	id := newTestIdentity()
	e := serveEnv(t, api.Config{}, func(string) api.Deps {
		return api.Deps{Store: store, Register: api.NewRegister(store, id.svc), Identity: id.svc, Now: id.clock.Now,
			ExportGeoPackage: gpkg.Export}
	})
	return id.on(e), d
}

// sheetRows opens an XLSX response and returns the rows of its data sheet.
func sheetRows(t *testing.T, res response, k staff.Kind) [][]string {
	t.Helper()
	if ct := res.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(staff.SheetName(k, "zh"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], staff.Headers(k, "zh")) {
		t.Fatalf("header %q", rows[:min(1, len(rows))])
	}
	return rows[1:]
}

// The staff exports over HTTP follow the caller's scope and the personal-data rule: an agency manager
// gets its own agency's people and their assignments (and no agency list: it does not export); a
// viewer, who sees no personal data, gets 403; the bureau gets everything; each export is audited.
// The templates go to whoever may import staff.
func TestStaffExportScope(t *testing.T) {
	e, d := sampleAuthEnv(t)
	// The agency manager's agency: a leaf agency (its grant covers its sub-agencies) with the most people.
	parents := map[uuid.UUID]bool{}
	for _, a := range d.Agencies {
		parents[a.ParentID] = true
	}
	count := map[uuid.UUID]int{}
	var agency uuid.UUID
	for _, p := range d.People {
		if parents[p.AgencyID] {
			continue
		}
		if count[p.AgencyID]++; count[p.AgencyID] > count[agency] {
			agency = p.AgencyID
		}
	}
	e.addUser("bureau1", identity.Grant{Role: identity.RoleBureauAdmin})
	e.addUser("manager1", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: agency}})
	e.addUser("viewer1", identity.Grant{Role: identity.RoleViewer})
	bureau, manager, viewer := e.signIn("bureau1"), e.signIn("manager1"), e.signIn("viewer1")

	t.Run("bureau", func(t *testing.T) {
		res := bureau.do("GET", "/api/v1/exports/people?format=csv", nil).expect(t, 200)
		if !bytes.HasPrefix(res.body, []byte("\uFEFF")) || res.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Errorf("CSV without a BOM or with Content-Type %q", res.header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != len(d.People)+1 {
			t.Errorf("%d records, want a header and %d people", len(recs), len(d.People))
		}
		agencies := sheetRows(t, bureau.do("GET", "/api/v1/exports/agencies", nil).expect(t, 200), staff.Agencies)
		if len(agencies) != len(d.Agencies) {
			t.Errorf("%d agencies, want %d", len(agencies), len(d.Agencies))
		}
	})
	t.Run("agency manager", func(t *testing.T) {
		var ours []floorplan.Person
		mine := map[uuid.UUID]bool{}
		for _, p := range d.People {
			if p.AgencyID == agency {
				ours = append(ours, p)
				mine[p.ID] = true
			}
		}
		people := sheetRows(t, manager.do("GET", "/api/v1/exports/people", nil).expect(t, 200), staff.People)
		if len(people) != len(ours) || len(ours) == 0 {
			t.Fatalf("%d people exported for the agency manager, want its agency's %d", len(people), len(ours))
		}
		for _, r := range people {
			if !slices.ContainsFunc(ours, func(p floorplan.Person) bool { return p.StaffNo == r[0] && p.Name == r[1] }) {
				t.Errorf("a person outside the manager's agency: %q", r)
			}
		}
		wantAssign := 0
		for _, a := range d.Assignments {
			if mine[a.PersonID] && slices.ContainsFunc(d.Rooms, func(r floorplan.Room) bool { return r.ID == a.RoomID && r.AgencyID == agency }) {
				wantAssign++
			}
		}
		assigns := sheetRows(t, manager.do("GET", "/api/v1/exports/assignments?format=xlsx", nil).expect(t, 200), staff.Assignments)
		if len(assigns) != wantAssign || wantAssign == 0 {
			t.Errorf("%d assignments for the agency manager, want %d (>0)", len(assigns), wantAssign)
		}
		manager.do("GET", "/api/v1/exports/agencies", nil).expectError(t, 403, "forbidden")
		if !e.hasAudit("manager1", "export.people", "/api/v1/exports/people", identity.OutcomeOK) {
			t.Error("the people export is not audited")
		}
	})
	t.Run("viewer", func(t *testing.T) {
		for _, k := range staff.Kinds {
			viewer.do("GET", "/api/v1/exports/"+string(k), nil).expectError(t, 403, "forbidden")
			viewer.do("GET", "/api/v1/templates/"+string(k)+".xlsx", nil).expectError(t, 403, "forbidden")
		}
	})
	t.Run("templates", func(t *testing.T) {
		if rows := sheetRows(t, manager.do("GET", "/api/v1/templates/people.xlsx", nil).expect(t, 200), staff.People); len(rows) != 0 {
			t.Errorf("the template has rows: %q", rows)
		}
		res := bureau.do("GET", "/api/v1/templates/assignments.xlsx?lang=en", nil).expect(t, 200)
		f, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := f.GetSheetList(); !slices.Equal(got, []string{"Assignments", "Instructions"}) {
			t.Errorf("English template sheets %q", got)
		}
		bureau.do("GET", "/api/v1/templates/rooms.xlsx", nil).expectError(t, 404, "not_found")
		bureau.do("GET", "/api/v1/exports/people?format=ods", nil).expectError(t, 400, "bad_request")
	})
	t.Run("the other exports still route", func(t *testing.T) {
		res := bureau.do("GET", "/api/v1/exports/csv", nil).expect(t, 200)
		if res.header.Get("Content-Disposition") == "" || res.status != http.StatusOK {
			t.Error("GET /exports/csv no longer answers")
		}
	})
}
