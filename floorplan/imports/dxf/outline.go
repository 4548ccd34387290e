package dxf

import (
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan/imports"
	"officemap/geo"
)

// Footprints. A drawing package usually has a layer with the building's outline (Azure Maps Creator's
// "exterior" layer, the BOMA gross area GROS$, the NCS's A-AREA-GROS, 外轮廓 in Chinese drawings). Its
// largest closed polyline around the rooms is the building's footprint, so that an imported building
// is drawn on the map at once.

// outlineLayerNames are common names of the outline layer, tried (case-insensitively) first;
// outlineWords, found in a layer's name, make it a candidate after them.
var (
	outlineLayerNames = []string{"OUTLINE", "GROS$", "A-AREA-GROS", "A-GROS", "GROSS", "EXTERIOR", "FOOTPRINT",
		"BLDG-OUTLINE", "A-BLDG-OUTL", "BUILDING_OUTLINE", "外轮廓", "建筑外轮廓", "建筑轮廓", "轮廓"}
	outlineWords = []string{"outline", "outl", "gros", "footprint", "exterior", "轮廓"}
)

// outlineLayer returns the layer of the building's outline: Options.OutlineLayer (which must exist),
// else a common name, else a layer named like an outline with closed polylines; "" when there is none.
// A layer the rooms are read from is never the outline layer.
func (rr *roomReader) outlineLayer(roomsLayers []string) (string, error) {
	score := func(l Layer) int {
		if containsFold(roomsLayers, l.Name) {
			return 0
		}
		name := strings.ToLower(l.Name)
		for _, w := range outlineWords {
			if strings.Contains(name, w) {
				return l.Closed
			}
		}
		if containsFold(outlineLayerNames, l.Name) {
			return l.Closed
		}
		return 0
	}
	return chooseLayer(rr.layers, rr.opt.OutlineLayer, "--outline-layer", outlineLayerNames, score)
}

// footprint returns the building's footprint, in metres: of the closed polylines of the outline layer,
// the one around the most rooms (a room is around when its centroid is inside), the largest on a tie.
// Which layer and polyline it is, and rooms outside it, are noted; so is the lack of one (nil).
func (rr *roomReader) footprint(roomsLayers []string) (orb.Polygon, error) {
	layer, err := rr.outlineLayer(roomsLayers)
	if err != nil {
		return nil, err
	}
	if layer == "" {
		rr.note(imports.Notef("no outline layer (OUTLINE, GROS$, A-AREA-GROS, 外轮廓…): the drawing gives no footprint (--outline-layer names one)"))
		return nil, nil
	}
	centres := make([]orb.Point, 0, len(rr.rooms))
	for _, c := range rr.rooms {
		if p, a := planar.CentroidArea(c.poly); a > 0 {
			centres = append(centres, p)
		}
	}
	var best *candidate
	bestIn := 0
	for i := range rr.placed {
		p := &rr.placed[i]
		if p.Layer != layer || !isPolyline(p.Entity.Type) || !closedRing(*p) {
			continue
		}
		c := rr.candidate(p, "")
		in := 0
		for _, q := range centres {
			if c.bound.Contains(q) && planar.PolygonContains(c.poly, q) {
				in++
			}
		}
		if in > bestIn || in == bestIn && in > 0 && c.area > best.area {
			best, bestIn = c, in
		}
	}
	if best == nil {
		rr.note(imports.Notef("no closed polyline on the outline layer %q is around the rooms: the drawing gives no footprint", layer))
		return nil, nil
	}
	if err := geo.Validate(best.poly); err != nil {
		rr.note(imports.Notef("the outline %s on layer %q is not a valid polygon (%v): the drawing gives no footprint", best.placed.Ref, layer, err))
		return nil, nil
	}
	rr.note(imports.Notef("footprint from layer %q: %s, %.1f m²", layer, best.placed.Ref, geo.Area(best.poly)))
	if out := len(centres) - bestIn; out > 0 {
		rr.note(imports.Notef("%d of %d rooms lie outside the footprint from layer %q", out, len(centres), layer))
	}
	return best.poly, nil
}
