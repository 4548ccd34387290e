package storetest

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunClassification runs the conformance tests of a building's own kind (Building.Category, checked against
// the store's classification, the built-in one) and of the title records' expiry and scan
// (OwnershipRecord.ExpiresOn, DocumentID, checked by the Register), on a store of its own from newStore for
// each test.
func RunClassification(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"BuildingCategory", testBuildingCategory},
		{"TitleRecords", testTitleRecords},
		{"TitleRecordRefusals", testTitleRecordRefusals},
	})
}

// buildingIn returns the building with id in list, and whether it is there.
func buildingIn(list []floorplan.Building, id uuid.UUID) (floorplan.Building, bool) {
	i := slices.IndexFunc(list, func(b floorplan.Building) bool { return b.ID == id })
	if i < 0 {
		return floorplan.Building{}, false
	}
	return list[i], true
}

func testBuildingCategory(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	if got, err := s.Building(ctx, f.building.ID); err != nil || got.Category != "" {
		t.Fatalf("a building created without a category: %q, %v; want empty (its site's kind)", got.Category, err)
	}
	b := createEastBuilding(t, f, floorplan.Building{Name: "职工宿舍楼", Category: "residential.turnover"},
		"a housing block in an office compound")
	all, err := s.Buildings(ctx, f.site.ID)
	must(t, err)
	if x, ok := buildingIn(all, b.ID); !ok || x.Category != "residential.turnover" {
		t.Errorf("Buildings: the building's category is %q, want residential.turnover", x.Category)
	}
	if img := lastImage(t, f, floorplan.EntityBuilding, b.ID); img["category"] != "residential.turnover" {
		t.Errorf("the history image of the building has category %v, want residential.turnover", img["category"])
	}

	before, err := s.Buildings(ctx, uuid.Nil)
	must(t, err)
	refusal{name: "a building of an unknown kind", write: func() error {
		x := floorplan.Building{SiteID: f.site.ID, Name: "仓库", Category: "office.warehouse", Georef: b.Georef}
		return s.CreateBuilding(ctx, &x)
	}, field: "category", reason: floorplan.FieldOutOfRange, mention: "office.warehouse"}.check(t)
	refusal{name: "a group's code as a building's kind", write: func() error {
		x := b
		x.Category = "residential"
		return s.UpdateBuilding(ctx, &x)
	}, field: "category", reason: floorplan.FieldOutOfRange, mention: `"residential"`}.check(t)
	after, err := s.Buildings(ctx, uuid.Nil)
	must(t, err)
	if len(after) != len(before) {
		t.Errorf("the refused building was written: %d buildings, %d before", len(after), len(before))
	}
	if x, _ := buildingIn(after, b.ID); x.Version != b.Version || x.Category != b.Category {
		t.Errorf("the refused update was written: version %d category %q, want %d %q", x.Version, x.Category, b.Version, b.Category)
	}

	b = updateBuildingAged(t, f, b.ID, func(b *floorplan.Building) { b.Category = "" }, "the building back to its site's kind")
	past, err := s.Snapshot(ctx, day(c, -2))
	must(t, err)
	if x, ok := buildingIn(past.Buildings, b.ID); !ok || x.Category != "residential.turnover" {
		t.Errorf("a past snapshot (rebuilt from the history) has the building's category %q (found: %v), want residential.turnover", x.Category, ok)
	}
	now, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	if x, ok := buildingIn(now.Buildings, b.ID); !ok || x.Category != "" {
		t.Errorf("today's snapshot has the building's category %q, want empty", x.Category)
	}
}

// titleScan files a scan of a title certificate against site and returns it.
func titleScan(t *testing.T, f *fixture, site uuid.UUID, data string) floorplan.Document {
	t.Helper()
	d, err := fileDoc(t, f, floorplan.SubjectSite, site, "title_certificate", []byte("%PDF-1.7\n"+data), uuid.Nil)
	must(t, err)
	return d
}

func testTitleRecords(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	scan := titleScan(t, f, f.site.ID, "不动产权证书 第0000001号")
	site, err := f.s.Site(ctx, f.site.ID)
	must(t, err)
	site.Records = []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "苏(2020)常州市不动产权第0000001号",
		IssuedOn: floorplan.Day(2020, 5, 12), ExpiresOn: floorplan.Day(2060, 5, 11), DocumentID: scan.ID,
		Holder: "常州市机关事务管理局", AreaM2: 12040.5},
		{Kind: "土地使用证", Number: "常国用(2001)第123号", IssuedOn: floorplan.Day(2001, 3, 1)}}
	_, err = g.UpdateSite(ctx, &site)
	must(t, err)
	got, err := f.s.Site(ctx, site.ID)
	must(t, err)
	sameJSON(t, "title records with expiry and scan", got, site)
	r := got.Records[0]
	if !r.ExpiresOn.Equal(floorplan.Day(2060, 5, 11)) || r.DocumentID != scan.ID {
		t.Errorf("the title record read back: expires %v, scan %v; want 2060-05-11, %v", r.ExpiresOn, r.DocumentID, scan.ID)
	}
	if !got.Records[1].ExpiresOn.IsZero() || got.Records[1].DocumentID != uuid.Nil {
		t.Errorf("a record without expiry and scan read back with %v, %v", got.Records[1].ExpiresOn, got.Records[1].DocumentID)
	}
	all, err := f.s.Sites(ctx)
	must(t, err)
	if i := slices.IndexFunc(all, func(s floorplan.Site) bool { return s.ID == site.ID }); i < 0 || all[i].Records[0].DocumentID != scan.ID {
		t.Errorf("Sites: the title record's scan is lost")
	}

	// A new site's record may not point at a scan: none of its documents exists yet.
	other := floorplan.Site{Name: "第二办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered,
		Records: []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "2", IssuedOn: floorplan.Day(2021, 1, 4),
			ExpiresOn: floorplan.Day(2071, 1, 3)}}}
	_, err = g.CreateSite(ctx, &other)
	must(t, err)
	if got, err := f.s.Site(ctx, other.ID); err != nil || !got.Records[0].ExpiresOn.Equal(floorplan.Day(2071, 1, 3)) {
		t.Errorf("a new site's title expiry: %v, %v; want 2071-01-03", got.Records, err)
	}
}

func testTitleRecordRefusals(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	other := floorplan.Site{Name: "第二办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
	_, err := g.CreateSite(ctx, &other)
	must(t, err)
	otherScan := titleScan(t, f, other.ID, "另一房产的证书")
	hidden := titleScan(t, f, f.site.ID, "作废的扫描件")
	must(t, f.s.HideDocument(ctx, hidden.ID, "bureau", "扫描错误"))
	before, err := f.s.Site(ctx, f.site.ID)
	must(t, err)
	record := func(mod func(*floorplan.OwnershipRecord)) floorplan.Site {
		s := before
		r := floorplan.OwnershipRecord{Kind: "不动产权证", Number: "1", IssuedOn: floorplan.Day(2020, 5, 12)}
		mod(&r)
		s.Records = []floorplan.OwnershipRecord{{Kind: "房屋所有权证", Number: "0"}, r}
		return s
	}
	for _, tc := range []struct {
		name, field, mention string
		mod                  func(*floorplan.OwnershipRecord)
	}{
		{"an expiry before the issue", "records[1].expires_on", "2019-12-31",
			func(r *floorplan.OwnershipRecord) { r.ExpiresOn = floorplan.Day(2019, 12, 31) }},
		{"a scan of another property", "records[1].document_id", otherScan.ID.String(),
			func(r *floorplan.OwnershipRecord) { r.DocumentID = otherScan.ID }},
		{"a hidden scan", "records[1].document_id", hidden.ID.String(),
			func(r *floorplan.OwnershipRecord) { r.DocumentID = hidden.ID }},
		{"an unknown scan", "records[1].document_id", "not a live document",
			func(r *floorplan.OwnershipRecord) { r.DocumentID = uuid.New() }},
	} {
		s := record(tc.mod)
		refusal{name: tc.name, write: func() error { _, err := g.UpdateSite(ctx, &s); return err },
			field: tc.field, reason: floorplan.FieldOutOfRange, mention: tc.mention}.check(t)
	}
	after, err := f.s.Site(ctx, f.site.ID)
	must(t, err)
	sameJSON(t, "the site after the refused updates", after, before)

	sites, err := f.s.Sites(ctx)
	must(t, err)
	third := floorplan.Site{Name: "第三办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered,
		Records: []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "3", DocumentID: otherScan.ID}}}
	refusal{name: "a new site with another property's scan", write: func() error { _, err := g.CreateSite(ctx, &third); return err },
		field: "records[0].document_id", reason: floorplan.FieldOutOfRange, mention: otherScan.ID.String()}.check(t)
	if now, err := f.s.Sites(ctx); err != nil || len(now) != len(sites) {
		t.Errorf("the refused site was written: %d sites, %d before (%v)", len(now), len(sites), err)
	}
}
