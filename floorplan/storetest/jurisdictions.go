package storetest

import (
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// testJurisdictions checks the jurisdiction tree (issue 12): nodes with codes and parents, read back
// and listed by code; a parent that is unknown, the node itself or below it refused; sites and agencies
// placed in a jurisdiction (uuid.Nil: the city level) and moved; the history of the tree; the
// snapshot's agencies carrying their jurisdiction.
func testJurisdictions(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx

	list, err := s.Jurisdictions(ctx)
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("a new store has %d jurisdictions, want none", len(list))
	}
	city := floorplan.Jurisdiction{Name: "常州市", Code: "320400"}
	must(t, s.CreateJurisdiction(ctx, &city))
	if city.ID == uuid.Nil {
		t.Fatal("CreateJurisdiction assigned no id")
	}
	tianning := floorplan.Jurisdiction{Name: "天宁区", Code: "320402", ParentID: city.ID}
	zhonglou := floorplan.Jurisdiction{Name: "钟楼区", Code: "320404", ParentID: city.ID}
	must(t, s.CreateJurisdiction(ctx, &tianning))
	must(t, s.CreateJurisdiction(ctx, &zhonglou))
	street := floorplan.Jurisdiction{Name: "天宁街道", ParentID: tianning.ID}
	must(t, s.CreateJurisdiction(ctx, &street))

	got, err := s.Jurisdiction(ctx, tianning.ID)
	must(t, err)
	sameJSON(t, "jurisdiction read back", got, tianning)
	list, err = s.Jurisdictions(ctx)
	must(t, err)
	if len(list) != 4 || list[0].ID != street.ID || list[1].ID != city.ID || list[2].ID != tianning.ID || list[3].ID != zhonglou.ID {
		t.Errorf("Jurisdictions = %+v, want by code: 天宁街道 (no code), 常州市, 天宁区, 钟楼区", list)
	}
	if p := floorplan.JurisdictionPath(list, street.ID); len(p) != 3 || p[0] != street.ID || p[1] != tianning.ID || p[2] != city.ID {
		t.Errorf("JurisdictionPath(天宁街道) = %v", p)
	}
	_, err = s.Jurisdiction(ctx, uuid.New())
	wantErr(t, "an unknown jurisdiction", err, floorplan.ErrNotFound)

	for _, bad := range []floorplan.Jurisdiction{
		{Name: " "},
		{Name: "坏代码", Code: "3204"},
		{Name: "孤儿", ParentID: uuid.New()},
	} {
		wantErr(t, "CreateJurisdiction "+bad.Name, s.CreateJurisdiction(ctx, &bad), floorplan.ErrInvalid)
	}
	// A node cannot be moved below itself.
	loop := city
	loop.ParentID = street.ID
	wantErr(t, "a jurisdiction moved below itself", s.UpdateJurisdiction(ctx, &loop), floorplan.ErrInvalid)
	self := tianning
	self.ParentID = tianning.ID
	wantErr(t, "a jurisdiction its own parent", s.UpdateJurisdiction(ctx, &self), floorplan.ErrInvalid)
	missing := floorplan.Jurisdiction{ID: uuid.New(), Name: "无此区"}
	wantErr(t, "UpdateJurisdiction of an unknown one", s.UpdateJurisdiction(ctx, &missing), floorplan.ErrNotFound)

	// Move and rename: 天宁街道 under 钟楼区.
	street.ParentID, street.Name, street.Code = zhonglou.ID, "西林街道", "320404001"
	must(t, s.UpdateJurisdiction(ctx, &street))
	got, err = s.Jurisdiction(ctx, street.ID)
	must(t, err)
	sameJSON(t, "jurisdiction updated", got, street)
	h, err := s.History(ctx, floorplan.EntityJurisdiction, street.ID)
	must(t, err)
	if len(h) != 2 || h[0].Op != "insert" || h[1].Op != "update" || h[1].Actor != Actor {
		t.Errorf("History of a jurisdiction = %+v, want insert and update by %s", h, Actor)
	}

	// Sites and agencies in a jurisdiction.
	if f.site.JurisdictionID != uuid.Nil {
		t.Errorf("a site created without a jurisdiction has %v", f.site.JurisdictionID)
	}
	site := f.site
	site.JurisdictionID = tianning.ID
	must(t, s.UpdateSite(ctx, &site))
	gotSite, err := s.Site(ctx, site.ID)
	must(t, err)
	sameJSON(t, "site in 天宁区", gotSite, site)
	other := floorplan.Site{Name: "钟楼区行政中心", Category: "office.party_government", Ownership: floorplan.OwnershipFiled,
		Records: []floorplan.OwnershipRecord{}, JurisdictionID: zhonglou.ID}
	must(t, s.CreateSite(ctx, &other))
	gotSite, err = s.Site(ctx, other.ID)
	must(t, err)
	sameJSON(t, "site created in 钟楼区", gotSite, other)
	bad := floorplan.Site{Name: "无此区的房产", Category: "office.party_government", Ownership: floorplan.OwnershipFiled,
		JurisdictionID: uuid.New()}
	wantErr(t, "a site in an unknown jurisdiction", s.CreateSite(ctx, &bad), floorplan.ErrInvalid)

	agency := f.agencies[0]
	agency.JurisdictionID = tianning.ID
	must(t, s.UpdateAgency(ctx, &agency))
	gotAgency, err := s.Agency(ctx, agency.ID)
	must(t, err)
	sameJSON(t, "agency in 天宁区", gotAgency, agency)
	sub := floorplan.Agency{Name: "钟楼区机关事务服务中心", Level: floorplan.LevelCounty, JurisdictionID: zhonglou.ID}
	must(t, s.CreateAgency(ctx, &sub))
	gotAgency, err = s.Agency(ctx, sub.ID)
	must(t, err)
	sameJSON(t, "agency created in 钟楼区", gotAgency, sub)
	orphan := floorplan.Agency{Name: "无此区的单位", Level: floorplan.LevelCounty, JurisdictionID: uuid.New()}
	wantErr(t, "an agency in an unknown jurisdiction", s.CreateAgency(ctx, &orphan), floorplan.ErrInvalid)

	// Back to the city level.
	agency.JurisdictionID = uuid.Nil
	must(t, s.UpdateAgency(ctx, &agency))
	gotAgency, err = s.Agency(ctx, agency.ID)
	must(t, err)
	sameJSON(t, "agency back at the city level", gotAgency, agency)

	snap, err := s.Snapshot(ctx, clockOf(t, s).Now())
	must(t, err)
	found := false
	for _, a := range snap.Agencies {
		if a.ID == sub.ID {
			found = true
			if a.JurisdictionID != zhonglou.ID {
				t.Errorf("snapshot agency %s: jurisdiction %v, want 钟楼区", a.Name, a.JurisdictionID)
			}
		}
	}
	if !found {
		t.Error("the snapshot misses the agency created in 钟楼区")
	}
}
