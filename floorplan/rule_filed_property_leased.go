package floorplan

import (
	"fmt"

	"github.com/google/uuid"
)

// RuleFiledPropertyLeased: a room of a filed property (备案, OwnershipFiled) that a using agency has leased
// or lent (RoomLeased). A filed property is managed by the bureau, and its using agencies may not lease,
// lend or dispose of it. SourceFiledPropertyLeased is its source.
const (
	RuleFiledPropertyLeased   = "room.filed_property_leased"
	SourceFiledPropertyLeased = "《党政机关办公用房管理办法》(2017) 第五条、第十八条；" +
		"常州市党政机关办公用房督查重点（未经批准出租、出借办公用房）"
)

// filedPropertyLeased judges each live room recorded as leased or lent (RoomLeased) and allocated to an
// agency: when its property (its floor's building's site) is filed, the agency has leased or lent a
// property it may not dispose of. A leased room of no agency is the bureau's own letting, and a room
// whose floor, building or site the snapshot lacks is not judged. The finding is the room's agency's.
//
// The rule reads the room's state and agency and its site's ownership only: no room's status (over
// standard, vacant…) depends on it, so the stored room states need nothing when a site's ownership
// changes; the stores move on the stored parts of the agencies with leased rooms on the site instead.
func (e *evaluation) filedPropertyLeased() {
	var leased []int32 // positions in snap.Rooms
	for k := range e.o.rooms {
		rc := &e.o.rooms[k]
		if r := &e.snap.Rooms[rc.pos]; r.State == RoomLeased && r.AgencyID != uuid.Nil {
			leased = append(leased, int32(k))
		}
	}
	if len(leased) == 0 {
		return
	}
	filed := map[uuid.UUID]*Site{}
	for i := range e.snap.Sites {
		if s := &e.snap.Sites[i]; s.Ownership == OwnershipFiled {
			filed[s.ID] = s
		}
	}
	if len(filed) == 0 {
		return
	}
	siteOf := map[uuid.UUID]*Site{} // building id → its filed site
	for _, b := range e.snap.Buildings {
		if s := filed[b.SiteID]; s != nil {
			siteOf[b.ID] = s
		}
	}
	floorSite := map[uuid.UUID]*Site{} // floor id → its filed site
	for _, f := range e.snap.Floors {
		if s := siteOf[f.BuildingID]; s != nil {
			floorSite[f.ID] = s
		}
	}
	for _, k := range leased {
		rc := &e.o.rooms[k]
		r := &e.snap.Rooms[rc.pos]
		site := floorSite[r.FloorID]
		if site == nil {
			continue
		}
		agency := "使用单位"
		agencyEN := "its using agency"
		if ai, ok := e.o.agency[r.AgencyID]; ok {
			agency, agencyEN = e.snap.Agencies[ai].Name, e.snap.Agencies[ai].Name
		}
		e.add(Finding{
			RuleID: RuleFiledPropertyLeased, Severity: SeverityViolation, Source: SourceFiledPropertyLeased,
			Subject: EntityRoom, SubjectID: r.ID, AgencyID: r.AgencyID, RoomIDs: []uuid.UUID{r.ID}, AreaM2: rc.area,
			Message: fmt.Sprintf("%s将已备案房产“%s”的房间%s（%s平方米）出租出借；备案房产由机关事务管理局统一管理，使用单位不得出租、出借或处置（截至%s）。",
				agency, site.Name, r.Number, m2(rc.area), day(e.asOf)),
			MessageEN: fmt.Sprintf("%s has leased or lent room %s (%s m²) of the filed property %s: a filed property is managed by the bureau, and its using agencies may not lease, lend or dispose of it (as of %s).",
				agencyEN, r.Number, m2(rc.area), site.Name, day(e.asOf)),
		})
	}
}
