package imports

import (
	"context"
	"fmt"
	"math"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// floorName is the display name of a new floor: 1F for the ground floor, B1 for the first basement.
func floorName(ordinal int) string {
	if ordinal < 0 {
		return fmt.Sprintf("B%d", -ordinal)
	}
	return fmt.Sprintf("%dF", ordinal+1)
}

// planFloors adds the floors the source declares, matched to the building's floors by officemap id,
// by source id, else by ordinal; when the source declares several levels of one ordinal with different
// names (an IMDF venue's mezzanine), by ordinal and name, and each becomes a floor of its own.
func (p *plan) planFloors(ctx context.Context, s floorplan.Reader, bp *buildingPlan) error {
	names := map[int]map[string]bool{}
	bp.levels = map[string]*floorPlan{}
	for _, sf := range bp.src.Floors {
		if names[sf.Ordinal] == nil {
			names[sf.Ordinal] = map[string]bool{}
		}
		names[sf.Ordinal][sf.Name] = true
	}
	for i := range bp.src.Floors {
		sf := &bp.src.Floors[i]
		if p.opt.Level != nil && sf.Ordinal != *p.opt.Level {
			continue
		}
		fp, err := p.declaredFloor(ctx, s, bp, sf, len(names[sf.Ordinal]) > 1)
		if err != nil {
			return err
		}
		if sf.SourceID != "" {
			bp.levels[sf.SourceID] = fp
		}
		p.updateFloor(bp, fp, sf)
	}
	return nil
}

// declaredFloor finds or adds the floor a declared level of the source goes to.
func (p *plan) declaredFloor(ctx context.Context, s floorplan.Reader, bp *buildingPlan, sf *Floor, shared bool) (*floorPlan, error) {
	var fp *floorPlan
	for _, c := range bp.floors {
		if (sf.ID != uuid.Nil && c.f.ID == sf.ID) || (sf.SourceID != "" && c.f.SourceID == sf.SourceID) {
			fp = c
			break
		}
	}
	if fp == nil {
		for _, c := range bp.floors {
			if c.f.Ordinal != sf.Ordinal {
				continue
			}
			if sf.Name != "" && c.f.Name == sf.Name {
				fp = c
				break
			}
			if !shared && fp == nil {
				fp = c
			}
		}
	}
	if fp == nil {
		id, err := p.freeID(ctx, s, floorplan.EntityFloor, sf.ID)
		if err != nil {
			return nil, err
		}
		fp = p.newFloor(bp, id, sf.Ordinal)
	}
	fp.declared = true
	p.use(bp, fp)
	return fp, nil
}

// updateFloor takes what a declared level says into its floor: name, outline, openings, source id.
func (p *plan) updateFloor(bp *buildingPlan, fp *floorPlan, sf *Floor) {
	outline := fp.f.Outline
	if len(sf.Outline) > 0 && !p.samePrecise(fp.f.Outline, sf.Outline, bp.frame) {
		var err error
		if outline, err = p.toLocal(sf.Outline, bp.frame); err != nil {
			p.notes = append(p.notes, Notef("level %d: outline left out: %v", sf.Ordinal, err))
			outline = fp.f.Outline
		}
	}
	openings := fp.f.Openings
	if len(sf.Openings) > 0 && !p.sameLines(fp.f.Openings, sf.Openings, bp.frame) {
		openings = p.openings(bp, sf)
	}
	if fp.op == opCreate {
		if sf.Name != "" {
			fp.f.Name = sf.Name
		}
		fp.f.Elevation, fp.f.Outline, fp.f.Openings, fp.f.SourceID = sf.Elevation, outline, openings, sf.SourceID
		return
	}
	changed := false
	if sf.Name != "" && sf.Name != fp.f.Name {
		fp.f.Name, changed = sf.Name, true
	}
	if !samePolygon(outline, fp.f.Outline) {
		fp.f.Outline, changed = outline, true
	}
	if !sameLines(openings, fp.f.Openings) {
		fp.f.Openings, changed = openings, true
	}
	if sf.SourceID != "" && fp.f.SourceID == "" && sf.ID != fp.f.ID {
		fp.f.SourceID, changed = sf.SourceID, true
	}
	if changed {
		fp.op = opUpdate
	}
}

// openings converts a level's openings to local metres, leaving out (with a note) those that are not
// lines of two or more distinct finite points within geo.MaxCoordinate.
func (p *plan) openings(bp *buildingPlan, sf *Floor) orb.MultiLineString {
	var out orb.MultiLineString
	bad := 0
	for _, l := range sf.Openings {
		var ok bool
		if l, ok = p.opening(bp, l); ok {
			out = append(out, l)
		} else {
			bad++
		}
	}
	if bad > 0 {
		p.notes = append(p.notes, Notef("level %d: %d openings left out: not lines of two or more points with usable coordinates",
			sf.Ordinal, bad))
	}
	return out
}

// opening is one opening in local metres, and whether it is usable.
func (p *plan) opening(bp *buildingPlan, l orb.LineString) (orb.LineString, bool) {
	out := make(orb.LineString, 0, len(l))
	for _, q := range l {
		if p.d.LonLat {
			if !(q[0] >= -180 && q[0] <= 180 && q[1] > -90 && q[1] < 90) {
				return nil, false
			}
			q = bp.frame.ToLocal(q)
		}
		if !finite(q) || math.Abs(q[0]) > geo.MaxCoordinate || math.Abs(q[1]) > geo.MaxCoordinate {
			return nil, false
		}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	return out, len(out) >= 2
}

// sameLines reports whether two sets of lines have the same points to within 1e-9.
func sameLines(a, b orb.MultiLineString) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !samePolygon(orb.Polygon{orb.Ring(a[i])}, orb.Polygon{orb.Ring(b[i])}) {
			return false
		}
	}
	return true
}

// newFloor adds a new floor to the building's plan.
func (p *plan) newFloor(bp *buildingPlan, id uuid.UUID, ordinal int) *floorPlan {
	fp := &floorPlan{op: opCreate, f: floorplan.Floor{ID: id, BuildingID: bp.b.ID, Ordinal: ordinal,
		Name: floorName(ordinal)}}
	bp.floors = append(bp.floors, fp)
	return fp
}

// use marks a floor as one the import touches.
func (p *plan) use(bp *buildingPlan, fp *floorPlan) {
	for _, u := range bp.used {
		if u == fp {
			return
		}
	}
	bp.used = append(bp.used, fp)
}

// roomFloor is the floor a source room goes on: the declared level it names (FloorSourceID), else a
// declared floor of its ordinal, else the building's floor of that ordinal (of the default name, if it
// has several), else a new floor (written only when a room of the source is imported onto it).
func (p *plan) roomFloor(bp *buildingPlan, src *Room) *floorPlan {
	fp := bp.levels[src.FloorSourceID]
	if fp == nil || src.FloorSourceID == "" {
		fp = p.ordinalFloor(bp, src.Ordinal)
	}
	fp.srcRooms++
	return fp
}

// ordinalFloor is the floor of an ordinal for a room that names no level.
func (p *plan) ordinalFloor(bp *buildingPlan, ordinal int) *floorPlan {
	var first, named *floorPlan
	for _, c := range bp.floors {
		if c.f.Ordinal != ordinal {
			continue
		}
		if c.declared {
			return c
		}
		if first == nil {
			first = c
		}
		if named == nil && c.f.Name == floorName(ordinal) {
			named = c
		}
	}
	switch {
	case named != nil:
		return named
	case first != nil:
		return first
	}
	return p.newFloor(bp, uuid.New(), ordinal)
}
