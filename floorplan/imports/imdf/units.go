package imdf

import (
	"github.com/google/uuid"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// placedRoom is the room of a unit and the building it goes into.
type placedRoom struct {
	b *imports.Building
	r imports.Room
	// sourceID is the unit's officemap:source_id, the source id of the room it was exported from ("" for
	// a unit without one).
	sourceID string
}

// units reads the unit features as rooms on their levels. A unit exported by officemap gets back the
// source id of its room (officemap:source_id: the drawing or map the room came from) when no other unit
// of the archive has the same one; any other unit's source id is its IMDF id ("imdf:…").
func (a *archive) units(levels map[uuid.UUID]level, features []*feature) ([]placedRoom, error) {
	var rooms []placedRoom
	count := map[string]int{}
	for _, f := range features {
		lid, err := a.reference(f, "level_id")
		if err != nil {
			return nil, err
		}
		lv, ok := levels[lid]
		if !ok {
			return nil, a.failAt(f, "level_id %s is not in level.geojson", lid)
		}
		p := placedRoom{b: lv.b, r: unitRoom(f, lv), sourceID: str(f.props[Namespace+"source_id"])}
		count[p.sourceID]++
		rooms = append(rooms, p)
	}
	for i := range rooms {
		if s := rooms[i].sourceID; s != "" && count[s] == 1 {
			rooms[i].r.SourceID = s
		}
	}
	return rooms, nil
}

// unitRoom is the room a unit describes: officemap's own properties where the unit has them, else
// IMDF's (name for the number, category for the usage and the source category).
func unitRoom(f *feature, lv level) imports.Room {
	r := imports.Room{Ref: f.ref(), SourceID: "imdf:" + f.id.String(), ID: f.id, Ordinal: lv.ordinal,
		FloorSourceID: lv.sourceID}
	r.Number = str(f.props[Namespace+"number"])
	if r.Number == "" {
		r.Number = label(f.props["name"])
	}
	r.Name = str(f.props[Namespace+"name"])
	if r.Name == "" && f.props[Namespace+"number"] == nil {
		r.Name = label(f.props["alt_name"])
	}
	category := str(f.props["category"])
	if u := floorplan.Usage(str(f.props[Namespace+"usage"])); u.Valid() {
		r.Usage = u
	} else if u, ok := UsageOf(category); ok {
		r.Usage = u
	} else {
		r.Usage, r.UsageAssumed = floorplan.UsageOther, true
	}
	r.Category = category
	if v, ok := f.props[Namespace+"source_category"]; ok {
		r.Category = str(v) // what officemap had, which may be no IMDF category, or none
	}
	if area, ok := f.props[Namespace+"recorded_area_m2"].(float64); ok && area > 0 {
		r.RecordedAreaM2 = area
	}
	if st := floorplan.RoomState(str(f.props[Namespace+"state"])); st.Valid() {
		r.State = st
		if d, err := time.Parse(time.DateOnly, str(f.props[Namespace+"idle_since"])); err == nil && st == floorplan.RoomIdle {
			r.IdleSince = d
		}
	}
	if d, err := time.Parse(time.DateOnly, str(f.props[Namespace+"valid_from"])); err == nil {
		r.ValidFrom = d
	}
	if id, err := idOf(f.props[Namespace+"agency_id"]); err == nil {
		r.AgencyID = id
	}
	r.AgencyName = str(f.props[Namespace+"agency_name"])
	r.Geometry, r.Err = onePolygon(f.geom)
	return r
}

// occupants names the agency of the room an occupant's anchor is in, unless the room names one. An
// occupant whose anchor, or its anchor's unit, is not in the archive is a problem of its own, returned
// as a room with an error, so that the import reports it (or skips it with --skip-invalid) as it does a
// unit it cannot take.
func (a *archive) occupants(rooms []placedRoom, anchors, occupants []*feature) ([]imports.Room, error) {
	byUnit := make(map[uuid.UUID]*imports.Room, len(rooms))
	for i := range rooms {
		byUnit[rooms[i].r.ID] = &rooms[i].r
	}
	anchorUnit := map[uuid.UUID]uuid.UUID{}
	for _, f := range anchors {
		uid, err := a.reference(f, "unit_id")
		if err != nil {
			return nil, err
		}
		anchorUnit[f.id] = uid
	}
	var problems []imports.Room
	problem := func(f *feature, format string, args ...any) {
		problems = append(problems, imports.Room{Ref: f.ref(), SourceID: "imdf:" + f.id.String(),
			Name: label(f.props["name"]), Err: imports.Reasonf(format, args...)})
	}
	for _, f := range occupants {
		aid, err := a.reference(f, "anchor_id")
		if err != nil {
			return nil, err
		}
		uid, ok := anchorUnit[aid]
		if !ok {
			problem(f, "occupant %q: its anchor %s is not in anchor.geojson", label(f.props["name"]), aid)
			continue
		}
		r, ok := byUnit[uid]
		if !ok {
			problem(f, "occupant %q: its anchor's unit %s is not in unit.geojson", label(f.props["name"]), uid)
			continue
		}
		if r.AgencyID == uuid.Nil && r.AgencyName == "" {
			r.AgencyName = label(f.props["name"])
		}
	}
	return problems, nil
}
