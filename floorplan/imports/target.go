package imports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/geo"
)

// FarFootprintM is how far, in metres, a lon/lat source's footprint may lie from its rooms before the
// two are taken to contradict each other: 1 km. A local frame placed at such a footprint would distort
// every area (by 30 % for a footprint 2,700 km away), so Import refuses the source unless
// Options.IgnoreFootprint places the building by its rooms.
const FarFootprintM = 1000.0

// target finds or makes the building a source building goes into.
func (p *plan) target(ctx context.Context, s floorplan.Reader, g *Building) (*buildingPlan, error) {
	g, err := p.checkFootprint(g)
	if err != nil {
		return nil, err
	}
	bp := &buildingPlan{src: g}
	name := strings.TrimSpace(g.Name)
	if name == "" {
		name = baseName(p.d.File)
	}
	found, name, err := p.find(ctx, s, g, name)
	if err != nil {
		return nil, err
	}
	if found != nil {
		bp.b, bp.old, bp.op = *found, found, opUnchanged
		bp.frame = found.Georef.Frame()
		if p.opt.Origin != nil || p.opt.Rotation != nil {
			p.notes = append(p.notes, Notef("--origin/--rotation ignored: building %q keeps its georeference", found.Name))
		}
		if fp := p.footprint(g, bp.frame, found.Footprint); fp != nil {
			bp.b.Footprint = fp
		}
		bp.b.Lang = cmp.Or(g.Lang, found.Lang)
		return bp, nil
	}
	gr, err := p.georef(g)
	if err != nil {
		return nil, err
	}
	id, err := p.freeID(ctx, s, floorplan.EntityBuilding, g.ID)
	if err != nil {
		return nil, err
	}
	bp.op = opCreate
	bp.b = floorplan.Building{ID: id, Name: name, Address: g.Address, Georef: gr, SourceID: g.SourceID, Lang: g.Lang}
	bp.frame = gr.Frame()
	bp.b.Footprint = p.footprint(g, bp.frame, nil)
	return bp, nil
}

// find finds the live building a source building goes into: --building (by id, or by name: a name no
// building has gives nil and that name), else the source's officemap id, else its source id.
func (p *plan) find(ctx context.Context, s floorplan.Reader, g *Building, name string) (*floorplan.Building, string, error) {
	if p.opt.Building != "" {
		if id, err := uuid.Parse(p.opt.Building); err == nil {
			b, err := s.Building(ctx, id)
			if errors.Is(err, floorplan.ErrNotFound) {
				return nil, "", fmt.Errorf("--building %s: no such building", id)
			} else if err != nil {
				return nil, "", err
			}
			return &b, name, nil
		}
		name = strings.TrimSpace(p.opt.Building)
		all, err := p.allBuildings(ctx, s)
		if err != nil {
			return nil, "", err
		}
		var same []floorplan.Building
		for _, b := range all {
			if b.Name == name {
				same = append(same, b)
			}
		}
		if len(same) > 1 {
			return nil, "", fmt.Errorf("--building %q: %d buildings have that name; give the id of one (%s, %s…)",
				name, len(same), same[0].ID, same[1].ID)
		}
		if len(same) == 1 {
			return &same[0], name, nil
		}
		return nil, name, nil
	}
	if g.ID != uuid.Nil {
		if b, err := s.Building(ctx, g.ID); err == nil {
			return &b, name, nil
		} else if !errors.Is(err, floorplan.ErrNotFound) {
			return nil, "", err
		}
	}
	if g.SourceID != "" {
		all, err := p.allBuildings(ctx, s)
		if err != nil {
			return nil, "", err
		}
		for i := range all {
			if all[i].SourceID == g.SourceID {
				return &all[i], name, nil
			}
		}
	}
	return nil, name, nil
}

// freeID returns id when no record of the entity has ever had it (live or deleted: its history is empty),
// so that a record an officemap export carries keeps its id; else (and for uuid.Nil) a new id.
func (p *plan) freeID(ctx context.Context, s floorplan.Reader, e floorplan.Entity, id uuid.UUID) (uuid.UUID, error) {
	if id == uuid.Nil {
		return uuid.New(), nil
	}
	h, err := s.History(ctx, e, id)
	if err != nil && !errors.Is(err, floorplan.ErrNotFound) {
		return uuid.Nil, err
	}
	if len(h) > 0 {
		return uuid.New(), nil
	}
	var live error
	switch e {
	case floorplan.EntityBuilding:
		_, live = s.Building(ctx, id)
	case floorplan.EntityFloor:
		_, live = s.Floor(ctx, id)
	default:
		_, live = s.Room(ctx, id)
	}
	if errors.Is(live, floorplan.ErrNotFound) {
		return id, nil
	}
	if live != nil {
		return uuid.Nil, live
	}
	return uuid.New(), nil
}

// checkFootprint compares a lon/lat source's footprint with its rooms. One that lies more than
// FarFootprintM from them contradicts them: an error naming the building and the distance, unless
// Options.IgnoreFootprint drops the footprint (a warning); the building is then placed by its rooms.
func (p *plan) checkFootprint(g *Building) (*Building, error) {
	if !p.d.LonLat || len(g.Footprint) == 0 || len(g.Footprint[0]) < 4 {
		return g, nil
	}
	c, ok := roomsCentre(g)
	if !ok || checkLonLat(g.Footprint) != nil {
		return g, nil
	}
	d := distanceToPolygon(c, g.Footprint)
	if d <= FarFootprintM {
		return g, nil
	}
	if !p.opt.IgnoreFootprint {
		return nil, Wrap(p.d.File, cmp.Or(g.SourceID, g.Name), Reasonf(
			"the footprint of building %q lies %s from its rooms: a local frame there would make every area wrong; "+
				"pass --ignore-footprint (Options.IgnoreFootprint) to place the building by its rooms and drop the footprint",
			g.Name, formatDistance(d)))
	}
	p.warnings = append(p.warnings, Notef("building %q: the source's footprint lies %s from its rooms and was dropped; the building is placed by its rooms",
		g.Name, formatDistance(d)))
	out := *g
	out.Footprint = nil
	return &out, nil
}

// roomsCentre is the centre of the bound of a lon/lat source building's rooms (of those whose
// coordinates are longitudes and latitudes).
func roomsCentre(g *Building) (orb.Point, bool) {
	var b orb.Bound
	first := true
	for _, r := range g.Rooms {
		if r.Err != nil || len(r.Geometry) == 0 || len(r.Geometry[0]) == 0 || checkLonLat(r.Geometry) != nil {
			continue
		}
		rb := r.Geometry.Bound()
		if first {
			b, first = rb, false
		} else {
			b = b.Union(rb)
		}
	}
	return b.Center(), !first
}

// distanceToPolygon is the distance in metres on the earth from a lon/lat point to a lon/lat polygon: 0
// inside it, else to the nearest point of its outer ring (found in a local frame at the point, measured
// by the haversine formula, so that it is right however far the polygon lies).
func distanceToPolygon(c orb.Point, poly orb.Polygon) float64 {
	if planar.PolygonContains(poly, c) {
		return 0
	}
	f := geo.Georef{Origin: c}.Frame()
	best, at := math.Inf(1), c
	r := poly[0]
	for i := 1; i < len(r); i++ {
		a, b := f.ToLocal(r[i-1]), f.ToLocal(r[i])
		q := nearestOnSegment(orb.Point{}, a, b)
		if d := math.Hypot(q[0], q[1]); d < best {
			best, at = d, f.ToLonLat(q)
		}
	}
	return orbgeo.DistanceHaversine(c, at)
}

// nearestOnSegment is the point of the segment a–b nearest to q.
func nearestOnSegment(q, a, b orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return a
	}
	t := ((q[0]-a[0])*dx + (q[1]-a[1])*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}

// formatDistance writes a distance in m below 10 km, in km (thousands separated) above.
func formatDistance(d float64) string {
	if d < 10_000 {
		return fmt.Sprintf("%.0f m", d)
	}
	km := int64(math.Round(d / 1000))
	s := fmt.Sprint(km)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + " km"
}

// georef is the georeference of a new building: --origin and --rotation, else the source's own, else
// (lon/lat sources) a frame at the centroid of the outline (or of the rooms) with rotation 0.
func (p *plan) georef(g *Building) (geo.Georef, error) {
	gr := geo.Georef{Scale: 1}
	switch {
	case p.opt.Origin != nil:
		gr.Origin = *p.opt.Origin
		if g.Georef != nil {
			gr.RotationDeg = g.Georef.RotationDeg
		}
	case g.Georef != nil:
		gr.Origin, gr.RotationDeg = g.Georef.Origin, g.Georef.RotationDeg
	case p.d.LonLat:
		gr.Origin = centre(g)
		if len(g.Footprint) > 0 {
			p.notes = append(p.notes, Notef("building %q: local frame origin at %.7f, %.7f (centroid of its outline), rotation 0",
				g.Name, gr.Origin[0], gr.Origin[1]))
		} else {
			p.notes = append(p.notes, Notef("building %q: local frame origin at %.7f, %.7f (centre of its rooms), rotation 0",
				g.Name, gr.Origin[0], gr.Origin[1]))
		}
	default:
		return gr, Errorf(p.d.File, "", "the source has no georeference: give --origin LON,LAT (and --rotation DEG) to place it")
	}
	if p.opt.Rotation != nil {
		gr.RotationDeg = *p.opt.Rotation
	}
	if err := gr.Validate(); err != nil {
		return gr, fmt.Errorf("georeference: %w", err)
	}
	return gr, nil
}

// centre is the centroid of a lon/lat building's outline, or the centre of its rooms' bound.
func centre(g *Building) orb.Point {
	if len(g.Footprint) > 0 && len(g.Footprint[0]) >= 4 {
		if c, a := planar.CentroidArea(g.Footprint); a > 0 && finite(c) {
			return c
		}
	}
	c, _ := roomsCentre(g)
	return c
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// footprint converts a source building's outline to local metres, or returns nil (with a note) when it
// has none or it is invalid. stored is the building's footprint as stored (nil for a new building): a
// lon/lat outline that is the stored one at the source's precision gives the stored one.
func (p *plan) footprint(g *Building, f *geo.Frame, stored orb.Polygon) orb.Polygon {
	if len(g.Footprint) == 0 {
		return nil
	}
	if p.samePrecise(stored, g.Footprint, f) {
		return stored
	}
	fp, err := p.toLocal(g.Footprint, f)
	if err != nil {
		p.notes = append(p.notes, Notef("building %q: outline left out: %v", g.Name, err))
		return nil
	}
	return fp
}

// toLocal takes a polygon of the dataset to the building's local metres, validated and normalised.
func (p *plan) toLocal(poly orb.Polygon, f *geo.Frame) (orb.Polygon, error) {
	if p.d.LonLat {
		if err := checkLonLat(poly); err != nil {
			return nil, err
		}
		poly = f.PolygonToLocal(poly)
	}
	if err := geo.Validate(poly); err != nil {
		return nil, err
	}
	return geo.Normalize(poly), nil
}
