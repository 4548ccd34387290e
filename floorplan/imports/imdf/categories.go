package imdf

import (
	"strings"

	"officemap/floorplan"
)

// unitUsage maps IMDF unit categories (and the Azure Maps drawing-package categories "room.office",
// "room.mechanical"… once their "room." prefix is dropped) to usages.
var unitUsage = map[string]floorplan.Usage{
	"office": floorplan.UsageOffice,

	"conferenceroom": floorplan.UsageService, "huddleroom": floorplan.UsageService, "meeting": floorplan.UsageService,
	"classroom": floorplan.UsageService, "library": floorplan.UsageService, "mailroom": floorplan.UsageService,
	"storage": floorplan.UsageService, "phoneroom": floorplan.UsageService, "waitingroom": floorplan.UsageService,
	"lounge": floorplan.UsageService, "auditorium": floorplan.UsageService, "copyroom": floorplan.UsageService,
	"focus": floorplan.UsageService, "reception": floorplan.UsageService, "archive": floorplan.UsageService,

	"restroom": floorplan.UsageToilet, "shower": floorplan.UsageToilet,

	"privatelounge": floorplan.UsageRestRoom,

	"stairs": floorplan.UsageCirculation, "steps": floorplan.UsageCirculation, "elevator": floorplan.UsageCirculation,
	"escalator": floorplan.UsageCirculation, "walkway": floorplan.UsageCirculation, "movingwalkway": floorplan.UsageCirculation,
	"lobby": floorplan.UsageCirculation, "ramp": floorplan.UsageCirculation, "footbridge": floorplan.UsageCirculation,
	"corridor": floorplan.UsageCirculation, "circulation": floorplan.UsageCirculation, "opentobelow": floorplan.UsageCirculation,

	"mechanical": floorplan.UsageEquipment, "electrical": floorplan.UsageEquipment, "serverroom": floorplan.UsageEquipment,
	"utility": floorplan.UsageEquipment, "it": floorplan.UsageEquipment, "telecom": floorplan.UsageEquipment,

	"kitchen": floorplan.UsageAncillary, "foodservice": floorplan.UsageAncillary, "parking": floorplan.UsageAncillary,
	"mothersroom": floorplan.UsageAncillary, "firstaid": floorplan.UsageAncillary, "fitnessroom": floorplan.UsageAncillary,
	"smokingarea": floorplan.UsageAncillary, "breakroom": floorplan.UsageAncillary, "pantry": floorplan.UsageAncillary,

	"laboratory": floorplan.UsageTechnical,

	"retail": floorplan.UsageCommercial, "shop": floorplan.UsageCommercial,
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
	switch u {
	case floorplan.UsageOffice:
		return "office"
	case floorplan.UsageRestRoom:
		return "privatelounge"
	case floorplan.UsageToilet:
		return "restroom"
	case floorplan.UsageService:
		return "conferenceroom"
	case floorplan.UsageEquipment:
		return "nonpublic"
	case floorplan.UsageAncillary:
		return "kitchen"
	case floorplan.UsageTechnical:
		return "laboratory"
	case floorplan.UsageCirculation:
		return "walkway"
	}
	return "room"
}
