package imports

import (
	"strings"

	"officemap/floorplan"
)

// usageWords lists the words found in room names (CAD room-name labels, OSM names) by the usage they
// mean, in the order they are tried: the first word contained in the lower-cased name wins, so more
// specific words come first ("restroom" before "rest room"). Chinese words are those of the 2014
// standard's examples.
var usageWords = []struct {
	usage floorplan.Usage
	words []string
}{
	// toilets
	{floorplan.UsageToilet, []string{"卫生间", "厕所", "洗手间", "restroom", "toilet", "wc", "lavatory", "washroom"}},
	// a leader's rest room
	{floorplan.UsageRestRoom, []string{"休息室", "rest room"}},
	// circulation
	{floorplan.UsageCirculation, []string{"楼梯", "电梯", "走廊", "走道", "大厅", "门厅", "stair", "elevator", "lift",
		"corridor", "hallway", "lobby", "foyer", "vestibule", "circulation"}},
	// equipment rooms
	{floorplan.UsageEquipment, []string{"配电", "变电", "水泵", "空调机房", "机房", "弱电", "mech", "elec", "server",
		"plant room", "boiler", "janitor", "idf", "mdf"}},
	// ancillary rooms
	{floorplan.UsageAncillary, []string{"食堂", "餐厅", "厨房", "车库", "人防", "警卫", "kitchen", "canteen", "cafeteria",
		"pantry", "garage", "parking", "security", "mother"}},
	// service rooms
	{floorplan.UsageService, []string{"会议", "接待", "档案", "文印", "资料", "收发", "储藏", "库房", "开水", "conference",
		"meeting", "reception", "archive", "copy", "print", "mail", "storage", "store room", "focus", "phone",
		"lounge", "library", "seminar", "training"}},
	// offices
	{floorplan.UsageOffice, []string{"办公", "office", "büro", "bureau"}},
}

// UsageFromName guesses a room's usage from its name ("Conference" → service, "卫生间" → toilet); ok is
// false when no known word is in the name.
func UsageFromName(name string) (u floorplan.Usage, ok bool) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "" {
		return "", false
	}
	for _, g := range usageWords {
		for _, w := range g.words {
			if containsWord(s, w) {
				return g.usage, true
			}
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

// UsageTable turns a reader's table of usages and the words (tag values, categories) that mean them
// into a lookup by word. A word may stand under one usage only.
func UsageTable(words map[floorplan.Usage][]string) map[string]floorplan.Usage {
	out := map[string]floorplan.Usage{}
	for u, ws := range words {
		for _, w := range ws {
			if prev, ok := out[w]; ok {
				panic("imports: usage table: " + w + " means both " + string(prev) + " and " + string(u))
			}
			out[w] = u
		}
	}
	return out
}
