package dxf

import (
	"strings"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// Usages. A drawing says what a room is used for in three ways, tried in this order: a name on the
// names layer (or the further lines of its label) such as "Restroom" or "会议室"; the prefix of its
// number, as in CAD packages that number corridors CIRC101 and lifts ELV101; and the layer its outline
// is drawn on ("A-AREA-CIRC", "STAIRS"). Each goes through the usage map (imports.UsageMap).

// usageClue says what told a room's usage, for the summary's notes.
type usageClue int

const (
	clueNone usageClue = iota
	clueName
	clueNumber
	clueLayer
)

// roomsLayers returns the layers the rooms are read from: the layer chosen, or each layer of a given
// comma-separated list, and the sub-layers of those whose names tell a usage (the NCS's A-AREA-CIRC
// under A-AREA, RM$-STAIR under RM$). A sub-layer that tells none (A-AREA-GROS, A-AREA-PATT) is left
// alone: it holds outlines or hatches, not rooms.
func (rr *roomReader) roomsLayers() ([]string, error) {
	chosen, err := chooseLayer(rr.layers, rr.opt.RoomsLayer, "--rooms-layer", roomLayerNames, func(l Layer) int { return l.Closed })
	if err != nil && strings.Contains(rr.opt.RoomsLayer, ",") {
		return rr.givenLayers()
	}
	if err != nil || chosen == "" {
		return nil, err
	}
	return rr.withSubLayers([]string{chosen}), nil
}

// givenLayers reads a comma-separated --rooms-layer list: every layer must exist.
func (rr *roomReader) givenLayers() ([]string, error) {
	var out []string
	for _, name := range strings.Split(rr.opt.RoomsLayer, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		l, err := chooseLayer(rr.layers, name, "--rooms-layer", nil, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return rr.withSubLayers(out), nil
}

// withSubLayers adds to the layers their sub-layers with closed polylines whose names tell a usage.
func (rr *roomReader) withSubLayers(layers []string) []string {
	out := append([]string(nil), layers...)
	for _, l := range rr.layers {
		if l.Closed == 0 || containsFold(out, l.Name) || strings.EqualFold(l.Name, rr.opt.OutlineLayer) {
			continue
		}
		for _, parent := range layers {
			rest, ok := cutPrefixFold(l.Name, parent)
			if !ok || rest == "" || (rest[0] != '-' && rest[0] != '_' && rest[0] != '$') {
				continue
			}
			if _, ok := rr.usages.Usage(rest); ok {
				out = append(out, l.Name)
				break
			}
		}
	}
	return out
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// setUsage gives a room its usage and its category in the drawing's terms: by its name, else by its
// number's prefix, else by its layer; else an office, assumed (a re-import keeps a usage a planner has
// set since). The category is the name when there is one (the room type of the names layer), else the
// prefix or the layer that told the usage.
func (rr *roomReader) setUsage(r *imports.Room, layer string) usageClue {
	r.Category = r.Name
	if u, ok := rr.usages.Usage(r.Name); ok {
		r.Usage = u
		return clueName
	}
	if !r.GeneratedNumber {
		if u, prefix, ok := rr.usages.NumberUsage(r.Number); ok {
			r.Usage = u
			if r.Category == "" {
				r.Category = prefix
			}
			return clueNumber
		}
	}
	if u, ok := rr.usages.Usage(layer); ok {
		r.Usage = u
		if r.Category == "" {
			r.Category = layer
		}
		return clueLayer
	}
	r.Usage, r.UsageAssumed = floorplan.UsageOffice, true
	return clueNone
}

// noteUsages notes how many rooms' usages the names, the numbers and the layers told, and how many
// rooms were taken as offices for want of any.
func (rr *roomReader) noteUsages(clues map[usageClue]int) {
	if told := clues[clueName] + clues[clueNumber] + clues[clueLayer]; told > 0 {
		rr.ds.Notes = append(rr.ds.Notes, imports.Notef("the drawing tells the usages of %d rooms: %d by their names, %d by their numbers' prefixes (CIRC, WC, STAIR…), %d by their layers",
			told, clues[clueName], clues[clueNumber], clues[clueLayer]))
	}
	if n := clues[clueNone]; n > 0 {
		rr.ds.Notes = append(rr.ds.Notes, imports.Notef("%d rooms have no name, number prefix or layer that says their use and were imported as office", n))
	}
}
