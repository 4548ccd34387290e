package imdf

import (
	"strings"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// unitUsage maps IMDF unit categories (and the Azure Maps drawing-package categories "room.office",
// "room.mechanical"… once their "room." prefix is dropped) to usages.
var unitUsage = imports.UsageTable(map[floorplan.Usage][]string{
	floorplan.UsageOffice: {"office"},
	floorplan.UsageService: {"conferenceroom", "huddleroom", "meeting", "classroom", "library", "mailroom", "storage",
		"phoneroom", "waitingroom", "lounge", "auditorium", "copyroom", "focus", "reception", "archive"},
	floorplan.UsageToilet:   {"restroom", "shower"},
	floorplan.UsageRestRoom: {"privatelounge"},
	floorplan.UsageCirculation: {"stairs", "steps", "elevator", "escalator", "walkway", "movingwalkway", "lobby", "ramp",
		"footbridge", "corridor", "circulation", "opentobelow"},
	floorplan.UsageEquipment: {"mechanical", "electrical", "serverroom", "utility", "it", "telecom"},
	floorplan.UsageAncillary: {"kitchen", "foodservice", "parking", "mothersroom", "firstaid", "fitnessroom",
		"smokingarea", "breakroom", "pantry"},
	floorplan.UsageTechnical:  {"laboratory"},
	floorplan.UsageCommercial: {"retail", "shop"},
})

// unitCategory is the IMDF unit category of each usage that has one of its own.
var unitCategory = map[floorplan.Usage]string{
	floorplan.UsageOffice: "office", floorplan.UsageRestRoom: "privatelounge", floorplan.UsageToilet: "restroom",
	floorplan.UsageService: "conferenceroom", floorplan.UsageEquipment: "nonpublic", floorplan.UsageAncillary: "kitchen",
	floorplan.UsageTechnical: "laboratory", floorplan.UsageCirculation: "walkway",
}

// UsageOf maps an IMDF unit category to a usage: office → office; conferenceroom, storage, library… →
// service; restroom.* → toilet; privatelounge → rest_room; stairs, elevator, walkway.* → circulation;
// mechanical, electrical, serverroom → equipment; kitchen, foodservice, parking → ancillary;
// laboratory → technical. ok is false for other categories (structure, unspecified, nonpublic…).
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

// CategoryOf is the IMDF unit category a room of a usage is exported with (the usage itself travels in
// the officemap:usage property).
func CategoryOf(u floorplan.Usage) string {
	if c, ok := unitCategory[u]; ok {
		return c
	}
	return "room"
}
