package imports

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/geo"
)

// FarOutsideM is how far, in metres, a room may reach out of its building's footprint before the
// import warns: 2 m, more than an outer wall and the drift between an outline and indoor plans traced
// from different imagery.
const FarOutsideM = 2.0

// OnTopM2 is how much, in m², a new building's footprint may overlap an existing building's before the
// import warns that it was placed on top of it: 5 m², more than two outlines of neighbours drawn to a
// shared wall overlap.
const OnTopM2 = 5.0

// outsideStep is the spacing, in metres, of the points at which geo.Outside measures how far a room
// reaches out of a footprint.
const outsideStep = 0.25

// place checks where a building's rooms and footprint lie, and gives the building a footprint when
// it has none: rooms far out of the footprint (a warning; with IgnoreFootprint the source's footprint
// is dropped instead), levels without rooms, a new building on top of an existing one.
func (p *plan) place(ctx context.Context, s floorplan.Reader, bp *buildingPlan) error {
	if err := p.checkOutside(bp); err != nil {
		return err
	}
	p.ensureFootprint(bp)
	if bp.old != nil && (!samePolygon(bp.b.Footprint, bp.old.Footprint) || bp.b.Lang != bp.old.Lang) {
		bp.op = opUpdate
	}
	p.checkEmptyLevels(bp)
	return p.checkOnTop(ctx, s, bp)
}

// placedRooms are the geometries of the building's rooms after the import: the imported ones and those
// it leaves as they are.
func placedRooms(bp *buildingPlan) (imported []*roomPlan, all []orb.Polygon) {
	for _, rp := range bp.rooms {
		if !rp.rejected {
			imported = append(imported, rp)
			all = append(all, rp.r.Geometry)
		}
	}
	for _, e := range fixedRooms(bp) {
		all = append(all, e.Geometry)
	}
	return imported, all
}

// checkOutside warns of imported rooms that reach more than FarOutsideM out of the building's
// footprint, with how many and how far. When the source gives a footprint and Options.IgnoreFootprint
// is set, that footprint is not taken instead: the building keeps the one it has, or gets one made
// from its rooms.
func (p *plan) checkOutside(bp *buildingPlan) error {
	fp := bp.b.Footprint
	if len(fp) == 0 {
		return nil
	}
	imported, _ := placedRooms(bp)
	n, far, farthest := 0, 0.0, ""
	for _, rp := range imported {
		d, err := reachOut(rp.r.Geometry, fp)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", p.d.File, rp.src.Ref, err)
		}
		if d > FarOutsideM {
			n++
			if d > far {
				far, farthest = d, roomLabel(rp)
			}
		}
	}
	if n == 0 {
		return nil
	}
	if p.opt.IgnoreFootprint && len(bp.src.Footprint) > 0 {
		p.warnings = append(p.warnings, Notef("building %q: %d rooms reach more than %.0f m out of the source's footprint (room %s by %.1f m); that footprint was not taken",
			bp.b.Name, n, FarOutsideM, farthest, far))
		bp.b.Footprint = nil
		if bp.old != nil {
			bp.b.Footprint = bp.old.Footprint // as it was; made from the rooms when it has none
		}
		return nil
	}
	p.warnings = append(p.warnings, Notef("building %q: %d rooms reach more than %.0f m out of its footprint, the farthest room %s by %.1f m (--ignore-footprint makes the footprint from the rooms)",
		bp.b.Name, n, FarOutsideM, farthest, far))
	return nil
}

// reachOut is how far a room reaches out of a footprint: 0 when every vertex is inside it, else as
// geo.Outside measures it.
func reachOut(room, fp orb.Polygon) (float64, error) {
	inside := true
	for _, q := range room[0] {
		if !planar.PolygonContains(fp, q) {
			inside = false
			break
		}
	}
	if inside {
		return 0, nil
	}
	out, err := geo.Outside(room, fp, outsideStep)
	return out.Depth, err
}

// ensureFootprint gives a building without a footprint one made from its rooms (roomsFootprint), so
// that every imported building can be seen and found on the map.
func (p *plan) ensureFootprint(bp *buildingPlan) {
	if len(bp.b.Footprint) > 0 {
		return
	}
	_, rooms := placedRooms(bp)
	fp, parts, err := roomsFootprint(rooms)
	if err != nil {
		p.warnings = append(p.warnings, Notef("building %q has no footprint: none in the source, and its rooms make none (%v)", bp.b.Name, err))
		return
	}
	bp.b.Footprint = fp
	p.notes = append(p.notes, Notef("building %q: footprint of %.0f m² made from its rooms, each grown by %.2f m to the outer walls",
		bp.b.Name, geo.Area(fp), WallThickness))
	if parts > 1 {
		p.warnings = append(p.warnings, Notef("building %q: its rooms make %d separate parts; the footprint is the largest, and rooms of the others lie outside it",
			bp.b.Name, parts))
	}
}

// checkEmptyLevels warns of levels the source declares that have no rooms in it.
func (p *plan) checkEmptyLevels(bp *buildingPlan) {
	var empty []string
	for _, fp := range bp.used {
		if fp.declared && fp.srcRooms == 0 {
			empty = append(empty, fmt.Sprintf("%s (%d)", fp.f.Name, fp.f.Ordinal))
		}
	}
	if len(empty) > 0 {
		p.warnings = append(p.warnings, Notef("building %q: %d levels of the source have no rooms: %s",
			bp.b.Name, len(empty), listed(empty, 10)))
	}
}

// checkOnTop warns when a new building's footprint overlaps the footprint of a building already in the
// register by more than OnTopM2 (compared in the new building's local metres), naming it and the area.
func (p *plan) checkOnTop(ctx context.Context, s floorplan.Reader, bp *buildingPlan) error {
	if bp.op != opCreate || len(bp.b.Footprint) == 0 {
		return nil
	}
	all, err := p.allBuildings(ctx, s)
	if err != nil {
		return err
	}
	fp := bp.b.Footprint
	box := bp.frame.BoundToLonLat(fp.Bound())
	for _, o := range all {
		if len(o.Footprint) == 0 || o.Georef.Validate() != nil {
			continue
		}
		of := o.Georef.Frame()
		if !box.Intersects(of.BoundToLonLat(o.Footprint.Bound())) {
			continue
		}
		theirs := bp.frame.PolygonToLocal(of.PolygonToLonLat(o.Footprint))
		a, err := geo.OverlapArea(fp, theirs)
		if err != nil {
			continue // a footprint the overlay cannot take is no reason to refuse the import
		}
		if a > OnTopM2 {
			p.warnings = append(p.warnings, Notef("building %q lies on top of building %q (%s): their footprints overlap by %.0f m²",
				bp.b.Name, o.Name, o.ID, a))
		}
	}
	return nil
}
