package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunLedger runs the conformance tests of the ledger (floorplan.LedgerStore, floorplan.BuildLedger) on a
// store of its own from newStore for each test.
func RunLedger(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"Entries", testLedgerEntries},
		{"Build", testLedgerBuild},
		{"AgencyEntries", testLedgerAgencyEntries},
		{"SubVsGeneral", testLedgerSubVsGeneral},
	})
}

func testLedgerEntries(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "bureau")
	add := func(year int, kind floorplan.LedgerKind, amount float64) (floorplan.LedgerEntry, error) {
		e := floorplan.LedgerEntry{SiteID: f.site.ID, Year: year, Kind: kind, Amount: amount, Note: "发票"}
		err := f.s.AddLedgerEntry(ctx, &e)
		return e, err
	}
	e1, err := add(2026, floorplan.LedgerMaintenance, 12345.67)
	if err != nil {
		t.Fatal(err)
	}
	if e1.ID == uuid.Nil || e1.RecordedBy != "bureau" || e1.RecordedAt.IsZero() {
		t.Errorf("entry %+v: want an id, who and when", e1)
	}
	if _, err := add(2026, floorplan.LedgerMaintenance, -345.67); err != nil { // a correction
		t.Fatal(err)
	}
	if _, err := add(2025, floorplan.LedgerBookValue, 1e8); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []floorplan.LedgerEntry{
		{SiteID: f.site.ID, Year: 2026, Kind: "gift", Amount: 1},
		{SiteID: f.site.ID, Year: 2026, Kind: floorplan.LedgerUtilities, Amount: 0.001},
		{SiteID: f.site.ID, Year: 2026, Kind: floorplan.LedgerUtilities, Amount: 0},
		{SiteID: f.site.ID, Year: 1800, Kind: floorplan.LedgerUtilities, Amount: 1},
	} {
		if err := f.s.AddLedgerEntry(ctx, &bad); !errors.Is(err, floorplan.ErrInvalid) {
			t.Errorf("entry %+v: %v; want ErrInvalid", bad, err)
		}
	}
	unknown := floorplan.LedgerEntry{SiteID: uuid.New(), Year: 2026, Kind: floorplan.LedgerUtilities, Amount: 1}
	if err := f.s.AddLedgerEntry(ctx, &unknown); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("an entry of an unknown site: %v; want ErrNotFound", err)
	}
	got, err := f.s.LedgerEntries(f.ctx, floorplan.LedgerFilter{SiteID: f.site.ID, Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != e1.ID || got[0].Amount != 12345.67 || got[1].Amount != -345.67 || got[0].Note != "发票" {
		t.Errorf("entries of 2026: %+v", got)
	}
	all, err := f.s.LedgerEntries(f.ctx, floorplan.LedgerFilter{})
	if err != nil || len(all) != 3 {
		t.Errorf("all entries: %d, %v; want 3", len(all), err)
	}
}

func testLedgerBuild(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "bureau")
	// Rooms on the ground floor: an office and a meeting room of agency 0, a corridor of none, a shaft.
	for _, r := range []floorplan.Room{
		{Number: "101", Usage: floorplan.UsageOffice, AgencyID: f.agencies[0].ID, Geometry: rect(0, 0, 6, 5)},
		{Number: "102", Usage: floorplan.UsageService, AgencyID: f.agencies[0].ID, Geometry: rect(6, 0, 16, 5)},
		{Number: "103", Usage: floorplan.UsageCirculation, Geometry: rect(0, 5, 20, 7)},
		{Number: "104", Usage: floorplan.UsageShaft, Geometry: rect(20, 5, 21, 7)},
		{Number: "105", Usage: floorplan.UsageOffice, AgencyID: f.agencies[1].ID, Geometry: rect(16, 0, 20, 5)},
	} {
		r.FloorID, r.State = f.floors[1].ID, floorplan.RoomInUse
		must(t, f.s.CreateRoom(ctx, &r))
	}
	// The title says 4 000 m² (the three floors' outlines measure 3 600: 10 % less); the books 4 000.
	site := f.site
	site.Records = []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "苏(2020)0001", AreaM2: 4000}}
	must(t, f.s.UpdateSite(ctx, &site))
	for _, e := range []floorplan.LedgerEntry{{Kind: floorplan.LedgerBookArea, Amount: 4000}, {Kind: floorplan.LedgerMaintenance, Amount: 500.5},
		{Kind: floorplan.LedgerMaintenance, Amount: 100}, {Kind: floorplan.LedgerBookValue, Amount: 9e6}} {
		e.SiteID, e.Year = site.ID, 2026
		must(t, f.s.AddLedgerEntry(ctx, &e))
	}
	l := ledgerOf(t, f, uuid.Nil)
	if len(l.Lines) != 1 {
		t.Fatalf("general ledger lines: %d; want 1", len(l.Lines))
	}
	line := l.Lines[0]
	want := floorplan.LedgerLine{SiteID: site.ID, SiteName: site.Name, Category: site.Category, Ownership: site.Ownership,
		TitleAreaM2: 4000, BookAreaM2: 4000, GrossAreaM2: 3600, UsableAreaM2: 30 + 50 + 40 + 20, OfficeAreaM2: 50,
		ServiceAreaM2: 50, OtherAreaM2: 40, Rooms: 4, BookValue: 9e6, Maintenance: 600.5}
	if !reflect.DeepEqual(line, want) {
		t.Errorf("ledger line\n%+v\nwant\n%+v", line, want)
	}
	if l.Totals.UsableAreaM2 != 140 || l.Totals.Maintenance != 600.5 {
		t.Errorf("totals %+v", l.Totals)
	}
	if len(l.Checks) != 1 || l.Checks[0].Check != "title_vs_measured" || l.Checks[0].DiffPct != -10 {
		t.Errorf("checks %+v; want the 账实 difference of -10 %%", l.Checks)
	}
	// Agency 0's sub-ledger: its two rooms, no title, book or money.
	sub := ledgerOf(t, f, f.agencies[0].ID)
	if len(sub.Lines) != 1 || sub.Lines[0].UsableAreaM2 != 80 || sub.Lines[0].OfficeAreaM2 != 30 || sub.Lines[0].Rooms != 2 ||
		sub.Lines[0].TitleAreaM2 != 0 || sub.Lines[0].Maintenance != 0 || len(sub.Checks) != 0 {
		t.Errorf("sub-ledger %+v", sub)
	}
	// A site the caller may not see is left out.
	hidden, err := floorplan.BuildLedger(f.ctx, f.s, 2026, uuid.Nil, func(floorplan.Site) bool { return false }, f.clock.Now())
	if err != nil || len(hidden.Lines) != 0 {
		t.Errorf("ledger of no visible site: %+v, %v", hidden, err)
	}
}

// testLedgerAgencyEntries: an entry of an agency's sub-ledger keeps its agency; one naming an agency not in
// the register (or deleted) is ErrNotFound and writes nothing; the general ledger's entries keep none.
func testLedgerAgencyEntries(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "bureau")
	general := floorplan.LedgerEntry{SiteID: f.site.ID, Year: 2026, Kind: floorplan.LedgerBookValue, Amount: 1000}
	must(t, f.s.AddLedgerEntry(ctx, &general))
	sub := floorplan.LedgerEntry{SiteID: f.site.ID, AgencyID: f.agencies[0].ID, Year: 2026, Kind: floorplan.LedgerBookValue, Amount: 600.25}
	must(t, f.s.AddLedgerEntry(ctx, &sub))
	gone := f.agencies[len(f.agencies)-1]
	must(t, f.s.DeleteAgency(ctx, gone.ID))
	for _, agency := range []uuid.UUID{uuid.New(), gone.ID} {
		bad := floorplan.LedgerEntry{SiteID: f.site.ID, AgencyID: agency, Year: 2026, Kind: floorplan.LedgerBookValue, Amount: 1}
		if err := f.s.AddLedgerEntry(ctx, &bad); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("an entry of agency %s (unknown or deleted): %v; want ErrNotFound", agency, err)
		}
	}
	got, err := f.s.LedgerEntries(f.ctx, floorplan.LedgerFilter{SiteID: f.site.ID, Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != general.ID || !got[0].General() || got[1].ID != sub.ID ||
		got[1].AgencyID != f.agencies[0].ID || got[1].General() || got[1].Amount != 600.25 {
		t.Errorf("entries %+v; want the general one, then agency 0's of 600.25 (nothing of the refused ones)", got)
	}
}

// testLedgerSubVsGeneral: the 账账 check. The agencies' book values add up to the general ledger's within
// the tolerance; their book areas do not (a check with both figures); their maintenance, which the general
// ledger does not record, fails with no percentage; an agency's entry and its correction compare nothing.
// The sub-ledger shows the agency's own entries, also at a property where it uses no room.
func testLedgerSubVsGeneral(t *testing.T, f *fixture) {
	ctx := floorplan.WithActor(f.ctx, "bureau")
	a0, a1 := f.agencies[0].ID, f.agencies[1].ID
	must(t, f.s.CreateRoom(ctx, &floorplan.Room{FloorID: f.floors[1].ID, Number: "101", Usage: floorplan.UsageOffice,
		AgencyID: a0, State: floorplan.RoomInUse, Geometry: rect(0, 0, 6, 5)}))
	for _, e := range []floorplan.LedgerEntry{
		{Kind: floorplan.LedgerBookValue, Amount: 1_000_000},
		{Kind: floorplan.LedgerBookValue, Amount: 600_000, AgencyID: a0},
		{Kind: floorplan.LedgerBookValue, Amount: 398_000, AgencyID: a1}, // 0.2 % short: within the tolerance
		{Kind: floorplan.LedgerBookArea, Amount: 3600},
		{Kind: floorplan.LedgerBookArea, Amount: 2000, AgencyID: a0},
		{Kind: floorplan.LedgerBookArea, Amount: 1000, AgencyID: a1}, // 3 000 of 3 600
		{Kind: floorplan.LedgerMaintenance, Amount: 800, AgencyID: a1},
		{Kind: floorplan.LedgerUtilities, Amount: 50, AgencyID: a0},
		{Kind: floorplan.LedgerUtilities, Amount: -50, AgencyID: a0}, // the correction of the one before
		{Kind: floorplan.LedgerBookValue, Amount: 5, AgencyID: a0, Year: 2025},
	} {
		e.SiteID = f.site.ID
		if e.Year == 0 {
			e.Year = 2026
		}
		must(t, f.s.AddLedgerEntry(ctx, &e))
	}
	l := ledgerOf(t, f, uuid.Nil)
	if len(l.Lines) != 1 {
		t.Fatalf("general ledger lines: %d; want 1", len(l.Lines))
	}
	line := l.Lines[0]
	if line.BookValue != 1_000_000 || line.BookAreaM2 != 3600 || line.Maintenance != 0 || line.SubVsGeneral != "mismatch" {
		t.Errorf("general line %+v; want the general entries alone and a 账账 mismatch", line)
	}
	wantSums := []floorplan.LedgerKindSum{{Kind: floorplan.LedgerBookValue, SubLedgers: 998_000, General: 1_000_000},
		{Kind: floorplan.LedgerBookArea, SubLedgers: 3000, General: 3600}, {Kind: floorplan.LedgerMaintenance, SubLedgers: 800}}
	if !reflect.DeepEqual(line.SubLedgers, wantSums) {
		t.Errorf("sub-ledger sums %+v; want %+v", line.SubLedgers, wantSums)
	}
	var subChecks []floorplan.LedgerCheck
	for _, c := range l.Checks {
		if c.Check == "sub_vs_general" {
			subChecks = append(subChecks, c)
		}
	}
	if len(subChecks) != 2 || subChecks[0].Kind != floorplan.LedgerBookArea || subChecks[0].General != 3600 ||
		subChecks[0].SubLedgers != 3000 || subChecks[0].DiffPct != -16.67 || subChecks[0].SiteID != f.site.ID ||
		subChecks[1].Kind != floorplan.LedgerMaintenance || subChecks[1].General != 0 || subChecks[1].SubLedgers != 800 ||
		subChecks[1].DiffPct != 0 || subChecks[0].Message == "" || subChecks[1].MessageEN == "" {
		t.Errorf("账账 checks %+v; want book area (3 000 against 3 600, -16.67 %%) and maintenance (800, the general ledger none)", subChecks)
	}
	// Agency 1 uses no room here but has entries: its sub-ledger shows the property with its entries.
	sub := ledgerOf(t, f, a1)
	if len(sub.Lines) != 1 || sub.Lines[0].Rooms != 0 || sub.Lines[0].BookValue != 398_000 || sub.Lines[0].BookAreaM2 != 1000 ||
		sub.Lines[0].Maintenance != 800 || len(sub.Entries) != 3 || len(sub.Checks) != 0 || sub.Lines[0].SubVsGeneral != "" {
		t.Errorf("agency 1's sub-ledger %+v; want its three entries of 2026 and no checks", sub)
	}
	for _, e := range sub.Entries {
		if e.AgencyID != a1 || e.Year != 2026 {
			t.Errorf("agency 1's sub-ledger lists %+v", e)
		}
	}
	sub0 := ledgerOf(t, f, a0)
	if len(sub0.Lines) != 1 || sub0.Lines[0].Rooms != 1 || sub0.Lines[0].BookValue != 600_000 || sub0.Lines[0].Utilities != 0 ||
		len(sub0.Entries) != 4 || sub0.Totals.BookAreaM2 != 2000 {
		t.Errorf("agency 0's sub-ledger %+v; want its room, 600 000 of book value, 2 000 m² and its four entries of 2026", sub0)
	}
	// Once the agencies' book areas add up, only maintenance is left.
	must(t, f.s.AddLedgerEntry(ctx, &floorplan.LedgerEntry{SiteID: f.site.ID, AgencyID: a1, Year: 2026, Kind: floorplan.LedgerBookArea, Amount: 600}))
	must(t, f.s.AddLedgerEntry(ctx, &floorplan.LedgerEntry{SiteID: f.site.ID, Year: 2026, Kind: floorplan.LedgerMaintenance, Amount: 800}))
	l = ledgerOf(t, f, uuid.Nil)
	for _, c := range l.Checks {
		if c.Check == "sub_vs_general" {
			t.Errorf("账账 check %+v after the sub-ledgers were completed", c)
		}
	}
	if l.Lines[0].SubVsGeneral != "ok" {
		t.Errorf("账账 result %q; want ok", l.Lines[0].SubVsGeneral)
	}
}

// ledgerOf builds the ledger of 2026 for agency (uuid.Nil: the general ledger) over every site.
func ledgerOf(t *testing.T, f *fixture, agency uuid.UUID) *floorplan.Ledger {
	t.Helper()
	l, err := floorplan.BuildLedger(f.ctx, f.s, 2026, agency, nil, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return l
}
