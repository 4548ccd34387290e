package floorplan

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestFiledPropertyLeased: a room leased by an agency on a filed property is a finding of that agency; the
// same room on a registered property, a filed property's room in use, a leased room of no agency, or a
// room whose floor is in no known building are not.
func TestFiledPropertyLeased(t *testing.T) {
	asOf := Day(2026, time.March, 2)
	floor := uuid.MustParse("00000000-0000-0000-0000-0000000f1000") // world.room's floor
	place := func(w *world, ownership OwnershipStatus) {
		site := Site{ID: w.id(), Name: "局前街周转办公楼", Ownership: ownership}
		bld := Building{ID: w.id(), SiteID: site.ID, Name: "周转楼"}
		w.snap.Sites = append(w.snap.Sites, site, Site{ID: w.id(), Name: "其他房产", Ownership: OwnershipFiled})
		w.snap.Buildings = append(w.snap.Buildings, bld)
		w.snap.Floors = append(w.snap.Floors, Floor{ID: floor, BuildingID: bld.ID, Name: "1F"})
	}
	leased := func(r *Room) { r.State = RoomLeased }
	for _, tc := range []struct {
		name      string
		ownership OwnershipStatus
		state     func(*Room)
		noAgency  bool
		noPlace   bool
		want      bool
	}{
		{"filed and leased", OwnershipFiled, leased, false, false, true},
		{"registered and leased", OwnershipRegistered, leased, false, false, false},
		{"unclear and leased", OwnershipUnclear, leased, false, false, false},
		{"filed and in use", OwnershipFiled, func(*Room) {}, false, false, false},
		{"filed and idle", OwnershipFiled, func(r *Room) { r.State, r.IdleSince = RoomIdle, Day(2025, 1, 1) }, false, false, false},
		{"filed, leased by the bureau (no agency)", OwnershipFiled, leased, true, false, false},
		{"filed, but the floor's building is unknown", OwnershipFiled, leased, false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(asOf)
			if !tc.noPlace {
				place(w, tc.ownership)
			}
			ag := w.agency(LevelMunicipal, func(a *Agency) { a.Name = "市档案馆" })
			owner := ag
			if tc.noAgency {
				owner = uuid.Nil
			}
			room := w.room(owner, UsageOffice, 30, tc.state)
			rep := mustEvaluate(t, &w.snap, DefaultPolicy())
			got := findingsOf(rep, RuleFiledPropertyLeased, room)
			if !tc.want {
				if len(got) != 0 {
					t.Fatalf("findings %+v; want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("%d findings of %s (all: %+v); want 1", len(got), RuleFiledPropertyLeased, rep.Findings)
			}
			f := got[0]
			if f.AgencyID != ag || f.Subject != EntityRoom || f.Severity != SeverityViolation || f.AreaM2 != 30 ||
				len(f.RoomIDs) != 1 || f.RoomIDs[0] != room || f.Source != SourceFiledPropertyLeased {
				t.Errorf("finding %+v; want agency %s's violation on room %s of 30 m²", f, ag, room)
			}
			for _, want := range []string{"市档案馆", "局前街周转办公楼", "30.00平方米", "出租出借", "2026-03-02"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q lacks %q", f.Message, want)
				}
			}
			for _, want := range []string{"市档案馆", "filed property 局前街周转办公楼", "30.00 m²", "leased or lent"} {
				if !strings.Contains(f.MessageEN, want) {
					t.Errorf("English message %q lacks %q", f.MessageEN, want)
				}
			}
		})
	}
}
