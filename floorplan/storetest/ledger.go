package storetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunLedger runs the conformance tests of the ledger (floorplan.LedgerStore, floorplan.BuildLedger) on a
// store of its own from newStore for each test.
func RunLedger(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"Entries", testLedgerEntries},
		{"Build", testLedgerBuild},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newFixture(t, newStore(t)))
		})
	}
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
	l, err := floorplan.BuildLedger(f.ctx, f.s, 2026, uuid.Nil, nil, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Lines) != 1 {
		t.Fatalf("general ledger lines: %d; want 1", len(l.Lines))
	}
	line := l.Lines[0]
	want := floorplan.LedgerLine{SiteID: site.ID, SiteName: site.Name, Category: site.Category, Ownership: site.Ownership,
		TitleAreaM2: 4000, BookAreaM2: 4000, GrossAreaM2: 3600, UsableAreaM2: 30 + 50 + 40 + 20, OfficeAreaM2: 50,
		ServiceAreaM2: 50, OtherAreaM2: 40, Rooms: 4, BookValue: 9e6, Maintenance: 600.5}
	if line != want {
		t.Errorf("ledger line\n%+v\nwant\n%+v", line, want)
	}
	if l.Totals.UsableAreaM2 != 140 || l.Totals.Maintenance != 600.5 {
		t.Errorf("totals %+v", l.Totals)
	}
	if len(l.Checks) != 1 || l.Checks[0].Check != "title_vs_measured" || l.Checks[0].DiffPct != -10 {
		t.Errorf("checks %+v; want the 账实 difference of -10 %%", l.Checks)
	}
	// Agency 0's sub-ledger: its two rooms, no title, book or money.
	sub, err := floorplan.BuildLedger(f.ctx, f.s, 2026, f.agencies[0].ID, nil, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
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
