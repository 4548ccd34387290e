package imdf

import (
	"slices"
	"strings"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// UnitCategories lists the unit categories of IMDF 1.0.0 (OGC 20-094, UNIT-CATEGORY).
var UnitCategories = []string{
	"auditorium", "brick", "classroom", "column", "concrete", "conferenceroom", "drywall", "elevator", "escalator",
	"fieldofplay", "firstaid", "fitnessroom", "foodservice", "footbridge", "glass", "huddleroom", "kitchen",
	"laboratory", "library", "lobby", "lounge", "mailroom", "mothersroom", "movietheater", "movingwalkway",
	"nonpublic", "office", "opentobelow", "parking", "phoneroom", "platform", "privatelounge", "ramp", "recreation",
	"restroom", "restroom.family", "restroom.female", "restroom.female.wheelchair", "restroom.male",
	"restroom.male.wheelchair", "restroom.transgender", "restroom.transgender.wheelchair", "restroom.unisex",
	"restroom.unisex.wheelchair", "restroom.wheelchair", "road", "room", "serverroom", "shower", "smokingarea",
	"stairs", "steps", "storage", "structure", "terrace", "theater", "unenclosedarea", "unspecified", "vegetation",
	"waitingroom", "walkway", "walkway.island", "wood",
}

// unitUsage maps IMDF unit categories (and the Azure Maps drawing-package categories "room.office",
// "room.mechanical"… once their "room." prefix is dropped) to usages. What is drawn but has no floor —
// a space open to the level below, and the building's structure (walls and columns, which IMDF
// categorises by material) — takes the usages that never count as usable area: void and shaft.
var unitUsage = imports.UsageTable(map[floorplan.Usage][]string{
	floorplan.UsageOffice: {"office"},
	floorplan.UsageService: {"conferenceroom", "huddleroom", "meeting", "classroom", "library", "mailroom", "storage",
		"phoneroom", "waitingroom", "lounge", "auditorium", "theater", "movietheater", "copyroom", "focus", "reception",
		"archive"},
	floorplan.UsageToilet:   {"restroom", "shower"},
	floorplan.UsageRestRoom: {"privatelounge"},
	floorplan.UsageCirculation: {"stairs", "steps", "elevator", "escalator", "walkway", "movingwalkway", "lobby", "ramp",
		"footbridge", "platform", "road", "corridor", "circulation"},
	floorplan.UsageVoid:      {"opentobelow"},
	floorplan.UsageShaft:     {"structure", "column", "brick", "concrete", "drywall", "glass", "wood", "shaft"},
	floorplan.UsageEquipment: {"mechanical", "electrical", "serverroom", "utility", "it", "telecom"},
	floorplan.UsageAncillary: {"kitchen", "foodservice", "parking", "mothersroom", "firstaid", "fitnessroom",
		"recreation", "smokingarea", "breakroom", "pantry"},
	floorplan.UsageTechnical:  {"laboratory"},
	floorplan.UsageCommercial: {"retail", "shop"},
})

// unitCategory is the IMDF unit category of a room of each usage that nothing more specific is known of.
var unitCategory = map[floorplan.Usage]string{
	floorplan.UsageOffice: "office", floorplan.UsageRestRoom: "privatelounge", floorplan.UsageToilet: "restroom",
	floorplan.UsageService: "conferenceroom", floorplan.UsageEquipment: "nonpublic", floorplan.UsageAncillary: "room",
	floorplan.UsageTechnical: "laboratory", floorplan.UsageCirculation: "walkway", floorplan.UsageShaft: "structure",
	floorplan.UsageVoid: "opentobelow",
}

// categoryWords are words of room names and source categories (a CAD layer, an OSM tag value) that tell
// a more specific IMDF category than a usage does, tried in order: the first whose category means the
// room's usage and one of whose words the name contains wins ("电梯厅" is a lobby, "电梯" an elevator).
var categoryWords = []struct {
	category string
	words    []string
}{
	{"lobby", []string{"电梯厅", "候梯厅", "大厅", "门厅", "lobby", "foyer"}},
	{"escalator", []string{"扶梯", "escalator"}},
	{"elevator", []string{"电梯", "elevator", "elev", "lift"}},
	{"stairs", []string{"楼梯", "stair"}},
	{"ramp", []string{"坡道", "ramp"}},
	{"parking", []string{"车库", "停车", "garage", "parking"}},
	{"foodservice", []string{"食堂", "餐厅", "canteen", "cafeteria", "dining"}},
	{"kitchen", []string{"厨房", "茶水", "kitchen", "pantry"}},
	{"firstaid", []string{"医务", "first aid", "firstaid"}},
	{"fitnessroom", []string{"健身", "fitness", "gym"}},
	{"shower", []string{"淋浴", "shower"}},
	{"storage", []string{"储藏", "库房", "storage", "store room"}},
	{"library", []string{"图书", "阅览", "library"}},
	{"mailroom", []string{"收发", "mail"}},
	{"classroom", []string{"培训", "教室", "training", "classroom"}},
	{"serverroom", []string{"服务器", "网络机房", "server"}},
}

// UsageOf maps an IMDF unit category to a usage: office → office; conferenceroom, storage, library… →
// service; restroom.* → toilet; privatelounge → rest_room; stairs, elevator, escalator, walkway.* →
// circulation; opentobelow → void; structure and the structural materials (column, brick, concrete,
// drywall, glass, wood) → shaft; serverroom → equipment; kitchen, foodservice, parking → ancillary;
// laboratory → technical. ok is false for the categories that say nothing of a use (room, unspecified,
// nonpublic, unenclosedarea, terrace, fieldofplay, vegetation) and for unknown ones.
func UsageOf(category string) (u floorplan.Usage, ok bool) {
	c := strings.ToLower(strings.TrimSpace(category))
	c = strings.TrimPrefix(c, "room.")
	if u, ok := unitUsage[c]; ok {
		return u, true
	}
	if i := strings.IndexByte(c, '.'); i > 0 { // restroom.female, walkway.island
		u, ok := unitUsage[c[:i]]
		return u, ok
	}
	return "", false
}

// CategoryOf is the IMDF unit category a room of a usage is exported with when nothing more specific is
// known of it (the usage itself travels in the officemap:usage property): office, privatelounge,
// restroom, conferenceroom, nonpublic (equipment), room (ancillary, commercial and the rest), laboratory,
// walkway (circulation), structure (shaft), opentobelow (void).
func CategoryOf(u floorplan.Usage) string {
	if c, ok := unitCategory[u]; ok {
		return c
	}
	return "room"
}

// IsUnitCategory reports whether c is one of IMDF's unit categories, as it spells them.
func IsUnitCategory(c string) bool {
	_, found := slices.BinarySearch(UnitCategories, c)
	return found
}

// RoomCategory is the IMDF unit category a room is exported with: the category of the source it came
// from when that is one of IMDF's and still fits the room's usage (a planner may have changed the usage
// since), else a category its name or source category tells (stairs, elevator, parking… of a room of that
// usage), else CategoryOf its usage.
func RoomCategory(r floorplan.Room) string {
	src := strings.ToLower(strings.TrimSpace(r.SourceCategory))
	if IsUnitCategory(src) {
		u, ok := UsageOf(src)
		if (ok && u == r.Usage) || (!ok && r.Usage == floorplan.UsageOther) {
			return src
		}
	}
	for _, text := range []string{src, strings.ToLower(r.Name), strings.ToLower(r.Number)} {
		if text == "" {
			continue
		}
		for _, cw := range categoryWords {
			if u, _ := UsageOf(cw.category); u != r.Usage {
				continue
			}
			for _, w := range cw.words {
				if strings.Contains(text, w) {
					return cw.category
				}
			}
		}
	}
	return CategoryOf(r.Usage)
}
