package osm

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// maxLevelSpan bounds the levels one range may cover ("0-3" covers 4).
const maxLevelSpan = 200

var levelRange = regexp.MustCompile(`^(-?\d+)\s*-\s*(-?\d+)$`)

// ParseLevels parses an OSM level value: a whole number ("2", "-1"), a range ("0-3", "-1-3", "-3--1")
// or a list of either separated by semicolons ("0;1", "-1;0-2"). Levels come back in the order given,
// without repeats. A fractional level (a mezzanine, "0.5") is refused: a room is on a whole floor.
func ParseLevels(v string) ([]int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, imports.Reasonf("the level is empty")
	}
	var out []int
	seen := map[int]bool{}
	add := func(l int) {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if n, err := strconv.Atoi(part); err == nil {
			add(n)
			continue
		}
		if m := levelRange.FindStringSubmatch(part); m != nil {
			a, errA := strconv.Atoi(m[1])
			b, errB := strconv.Atoi(m[2])
			if errA != nil || errB != nil {
				return nil, imports.Reasonf("level %q: %q is out of range", v, part)
			}
			if a > b {
				a, b = b, a
			}
			if b-a >= maxLevelSpan {
				return nil, imports.Reasonf("level %q: the range %q spans more than %d levels", v, part, maxLevelSpan)
			}
			for l := a; l <= b; l++ {
				add(l)
			}
			continue
		}
		if f, err := strconv.ParseFloat(part, 64); err == nil && !math.IsNaN(f) {
			return nil, imports.Reasonf("level %q: %q is not a whole floor (officemap keeps rooms on whole floors)", v, part)
		}
		return nil, imports.Reasonf("level %q: %q is not a level number, range or list", v, part)
	}
	if len(out) == 0 {
		return nil, imports.Reasonf("the level %q has no level number", v)
	}
	return out, nil
}

// levels returns the levels of a room: its level tag plus its repeat_on tag (Simple Indoor Tagging's
// way to put one feature on several levels).
func levels(tags map[string]string) ([]int, error) {
	v, ok := tags["level"]
	if !ok {
		return nil, imports.Reasonf("no level tag: the room's floor is unknown")
	}
	out, err := ParseLevels(v)
	if err != nil {
		return nil, err
	}
	if rep := strings.TrimSpace(tags["repeat_on"]); rep != "" {
		more, err := ParseLevels(rep)
		if err != nil {
			return nil, imports.Reasonf("repeat_on: %v", err)
		}
		for _, l := range more {
			if !containsInt(out, l) {
				out = append(out, l)
			}
		}
	}
	return out, nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Usage values of OSM tags.
var (
	roomTagUsage = imports.UsageTable(map[floorplan.Usage][]string{
		floorplan.UsageOffice: {"office", "administration", "study"},
		floorplan.UsageToilet: {"toilet", "toilets", "bathroom", "shower"},
		floorplan.UsageService: {"conference", "meeting", "reception", "waiting", "archive", "storage", "library",
			"class", "lecture", "auditorium", "computer", "copy"},
		floorplan.UsageTechnical: {"laboratory", "workshop"},
		floorplan.UsageEquipment: {"technical", "utility", "server", "electrical", "mechanical", "plant"},
		floorplan.UsageCirculation: {"stairs", "elevator", "lift", "corridor", "entrance", "lobby", "hall",
			"foyer"},
		floorplan.UsageAncillary:   {"kitchen", "canteen", "restaurant", "cafeteria", "parking", "security"},
		floorplan.UsageCommercial:  {"shop", "retail"},
		floorplan.UsageResidential: {"bedroom", "living"},
		floorplan.UsageShaft:       {"shaft"},
		floorplan.UsageVoid:        {"void"},
		floorplan.UsageOther:       {"disused"},
	})
	amenityUsage = imports.UsageTable(map[floorplan.Usage][]string{
		floorplan.UsageToilet: {"toilets", "shower"},
		floorplan.UsageAncillary: {"restaurant", "cafe", "fast_food", "canteen", "food_court", "parking",
			"kitchen"},
		floorplan.UsageCommercial: {"bar", "pub", "bank", "pharmacy"},
		floorplan.UsageService: {"library", "conference_centre", "archive", "post_office", "printer",
			"lecture_hall"},
		floorplan.UsageOffice: {"townhall", "courthouse", "office"},
	})
)

// usage decides a room's usage from its tags, in this order: indoor=corridor is circulation; room=*
// (a value of roomTagUsage, else its free text through the usage map: room=会议室), amenity=* (likewise),
// shop=* (commercial), office=* (office), highway=elevator|steps or stairs=yes (circulation); then the
// usage map's word in its name; then indoor=area (an open area: circulation); else an untagged
// indoor=room is an office — the kind of room the register is for — marked as assumed, so that a
// re-import keeps a usage a planner has set since.
func usage(tags map[string]string, m *imports.UsageMap) (u floorplan.Usage, assumed bool) {
	if tags["indoor"] == "corridor" {
		return floorplan.UsageCirculation, false
	}
	for _, t := range []struct {
		key   string
		table map[string]floorplan.Usage
	}{{"room", roomTagUsage}, {"amenity", amenityUsage}} {
		v := strings.TrimSpace(tags[t.key])
		if u, ok := t.table[strings.ToLower(v)]; ok {
			return u, false
		}
		if u, ok := m.Usage(strings.ReplaceAll(v, "_", " ")); ok {
			return u, false
		}
	}
	if s := tags["shop"]; s != "" && s != "no" && s != "vacant" {
		return floorplan.UsageCommercial, false
	}
	if o := tags["office"]; o != "" && o != "no" {
		return floorplan.UsageOffice, false
	}
	if h := tags["highway"]; h == "elevator" || h == "steps" || tags["stairs"] == "yes" || tags["elevator"] == "yes" {
		return floorplan.UsageCirculation, false
	}
	if u, ok := m.Usage(tags["name"]); ok {
		return u, false
	}
	if tags["indoor"] == "area" {
		return floorplan.UsageCirculation, true
	}
	return floorplan.UsageOffice, true
}

// isRoom reports whether a feature's tags make it a room: indoor=room, area or corridor.
func isRoom(tags map[string]string) bool {
	switch tags["indoor"] {
	case "room", "area", "corridor":
		return true
	}
	return false
}

// isBuilding reports whether a feature's tags make it a building outline (building=*, but not
// building=no or a roof).
func isBuilding(tags map[string]string) bool {
	v, ok := tags["building"]
	return ok && v != "no" && v != "roof" && !isRoom(tags)
}

// buildingName names a building by its name, else its address, else its id.
func buildingName(id string, tags map[string]string) string {
	if n := strings.TrimSpace(tags["name"]); n != "" {
		return n
	}
	if a := address(tags); a != "" {
		return a
	}
	return id
}

// address formats an OSM address ("Nöthnitzer Straße 46, 01187 Dresden").
func address(tags map[string]string) string {
	street := strings.TrimSpace(tags["addr:street"] + " " + tags["addr:housenumber"])
	city := strings.TrimSpace(tags["addr:postcode"] + " " + tags["addr:city"])
	switch {
	case street != "" && city != "":
		return street + ", " + city
	case street != "":
		return street
	}
	return city
}
