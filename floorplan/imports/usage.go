package imports

import (
	"strings"

	"officemap/floorplan"
)

// usageWords maps words found in room names (CAD room-name labels, OSM names) to usages, in the order
// they are tried: the first word contained in the lower-cased name wins, so more specific words come
// first ("restroom" before "rest room"). Chinese words are those of the 2014 standard's examples.
var usageWords = []struct {
	word  string
	usage floorplan.Usage
}{
	// toilets
	{"卫生间", floorplan.UsageToilet}, {"厕所", floorplan.UsageToilet}, {"洗手间", floorplan.UsageToilet},
	{"restroom", floorplan.UsageToilet}, {"toilet", floorplan.UsageToilet}, {"wc", floorplan.UsageToilet},
	{"lavatory", floorplan.UsageToilet}, {"washroom", floorplan.UsageToilet},
	// a leader's rest room
	{"休息室", floorplan.UsageRestRoom}, {"rest room", floorplan.UsageRestRoom},
	// circulation
	{"楼梯", floorplan.UsageCirculation}, {"电梯", floorplan.UsageCirculation}, {"走廊", floorplan.UsageCirculation},
	{"走道", floorplan.UsageCirculation}, {"大厅", floorplan.UsageCirculation}, {"门厅", floorplan.UsageCirculation},
	{"stair", floorplan.UsageCirculation}, {"elevator", floorplan.UsageCirculation}, {"lift", floorplan.UsageCirculation},
	{"corridor", floorplan.UsageCirculation}, {"hallway", floorplan.UsageCirculation}, {"lobby", floorplan.UsageCirculation},
	{"foyer", floorplan.UsageCirculation}, {"vestibule", floorplan.UsageCirculation}, {"circulation", floorplan.UsageCirculation},
	// equipment rooms
	{"配电", floorplan.UsageEquipment}, {"变电", floorplan.UsageEquipment}, {"水泵", floorplan.UsageEquipment},
	{"空调机房", floorplan.UsageEquipment}, {"机房", floorplan.UsageEquipment}, {"弱电", floorplan.UsageEquipment},
	{"mech", floorplan.UsageEquipment}, {"elec", floorplan.UsageEquipment}, {"server", floorplan.UsageEquipment},
	{"plant room", floorplan.UsageEquipment}, {"boiler", floorplan.UsageEquipment}, {"janitor", floorplan.UsageEquipment},
	{"idf", floorplan.UsageEquipment}, {"mdf", floorplan.UsageEquipment},
	// ancillary rooms
	{"食堂", floorplan.UsageAncillary}, {"餐厅", floorplan.UsageAncillary}, {"厨房", floorplan.UsageAncillary},
	{"车库", floorplan.UsageAncillary}, {"人防", floorplan.UsageAncillary}, {"警卫", floorplan.UsageAncillary},
	{"kitchen", floorplan.UsageAncillary}, {"canteen", floorplan.UsageAncillary}, {"cafeteria", floorplan.UsageAncillary},
	{"pantry", floorplan.UsageAncillary}, {"garage", floorplan.UsageAncillary}, {"parking", floorplan.UsageAncillary},
	{"security", floorplan.UsageAncillary}, {"mother", floorplan.UsageAncillary},
	// service rooms
	{"会议", floorplan.UsageService}, {"接待", floorplan.UsageService}, {"档案", floorplan.UsageService},
	{"文印", floorplan.UsageService}, {"资料", floorplan.UsageService}, {"收发", floorplan.UsageService},
	{"储藏", floorplan.UsageService}, {"库房", floorplan.UsageService}, {"开水", floorplan.UsageService},
	{"conference", floorplan.UsageService}, {"meeting", floorplan.UsageService}, {"reception", floorplan.UsageService},
	{"archive", floorplan.UsageService}, {"copy", floorplan.UsageService}, {"print", floorplan.UsageService},
	{"mail", floorplan.UsageService}, {"storage", floorplan.UsageService}, {"store room", floorplan.UsageService},
	{"focus", floorplan.UsageService}, {"phone", floorplan.UsageService}, {"lounge", floorplan.UsageService},
	{"library", floorplan.UsageService}, {"seminar", floorplan.UsageService}, {"training", floorplan.UsageService},
	// offices
	{"办公", floorplan.UsageOffice}, {"office", floorplan.UsageOffice}, {"büro", floorplan.UsageOffice},
	{"bureau", floorplan.UsageOffice},
}

// UsageFromName guesses a room's usage from its name ("Conference" → service, "卫生间" → toilet); ok is
// false when no known word is in the name.
func UsageFromName(name string) (u floorplan.Usage, ok bool) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "" {
		return "", false
	}
	for _, w := range usageWords {
		if containsWord(s, w.word) {
			return w.usage, true
		}
	}
	return "", false
}

// containsWord reports whether w occurs in s; a short Latin word (3 letters or fewer, such as "wc" or
// "idf") must stand alone, so that "wc" is not found in "awcx".
func containsWord(s, w string) bool {
	if len(w) > 3 || w[0] >= 0x80 {
		return strings.Contains(s, w)
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isLetter(s[j-1])) && (end == len(s) || !isLetter(s[end])) {
			return true
		}
		i = j + 1
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
