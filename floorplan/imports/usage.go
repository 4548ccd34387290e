package imports

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"officemap/floorplan"
)

// usagesCSV is the default usage map (see UsageMap for its format).
//
//go:embed usages.csv
var usagesCSV string

// UsageMap tells a room's usage from the words a source gives about it: its name (CAD room-name texts,
// OSM names, free-text tag values), the prefix of its number ("CIRC101", "WC-2"), the layer it is drawn
// on ("A-AREA-CIRC", "STAIRS"). It is read from a text file an operator can edit, one entry a line:
//
//	# comment
//	走廊, circulation
//	会议室, 服务用房
//	open to below, void
//
// The word comes first, then the usage, separated by the last comma (or a tab); the usage is its
// English key (office, rest_room, toilet, service, equipment, ancillary, technical, circulation, shaft,
// void, commercial, residential, other) or its Chinese name (办公室, 休息室, 卫生间, 服务用房, 设备用房,
// 附属用房, 技术业务用房, 交通, 管井, 中庭上空, 商业, 住宅, 其他). Letters are compared without case.
//
// A name is looked up by trying the entries in order: the first word found in the name wins, so more
// specific words come first ("电梯井" before "电梯"). A Latin word of up to 4 letters ("wc", "circ",
// "duct") must stand apart from other letters — digits and signs may touch it ("WC101", "A-AREA-CIRC")
// — so that "duct" is not found in "production"; longer words are found anywhere ("stair" in
// "Stairwell"), as are Chinese ones.
//
// A UsageMap is not changed after it is made and may be shared.
type UsageMap struct {
	entries []usageEntry
}

type usageEntry struct {
	word  string // lower case
	usage floorplan.Usage
	short bool // a Latin word of up to 4 letters: must stand apart
}

// usageNames are the Chinese names a map file may give for a usage.
var usageNames = map[string]floorplan.Usage{
	"办公室": floorplan.UsageOffice, "办公用房": floorplan.UsageOffice, "休息室": floorplan.UsageRestRoom,
	"卫生间": floorplan.UsageToilet, "服务用房": floorplan.UsageService, "设备用房": floorplan.UsageEquipment,
	"附属用房": floorplan.UsageAncillary, "技术业务用房": floorplan.UsageTechnical, "交通": floorplan.UsageCirculation,
	"管井": floorplan.UsageShaft, "中庭上空": floorplan.UsageVoid, "商业": floorplan.UsageCommercial,
	"住宅": floorplan.UsageResidential, "其他": floorplan.UsageOther,
}

var defaultUsageMap = mustUsageMap()

func mustUsageMap() *UsageMap {
	m, err := parseUsageMap("usages.csv", strings.NewReader(usagesCSV))
	if err != nil {
		panic("imports: the embedded usage map: " + err.Error())
	}
	return m
}

// DefaultUsageMap returns officemap's own usage map (floorplan/imports/usages.csv, embedded): the words of
// the 2014 standard's room types in Chinese and English, and the abbreviations of CAD drawings (CIRC,
// WC, STAIR, ELEV, MECH…).
func DefaultUsageMap() *UsageMap { return defaultUsageMap }

// ReadUsageMap reads an operator's usage map file (see UsageMap and ParseUsageMap). A file that cannot
// be opened, or a line that cannot be read, is an error naming the file (and the line).
func ReadUsageMap(path string) (*UsageMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("usage map: %w", err)
	}
	defer f.Close()
	return ParseUsageMap(path, f)
}

// ParseUsageMap reads an operator's usage map (see UsageMap) from in; name names it in errors. Its
// entries are tried before the default map's, so a word it gives overrides the default's meaning, and
// words it does not give keep theirs. A line that cannot be read is an error naming the line.
func ParseUsageMap(name string, in io.Reader) (*UsageMap, error) {
	own, err := parseUsageMap(name, in)
	if err != nil {
		return nil, err
	}
	return &UsageMap{entries: append(own.entries, defaultUsageMap.entries...)}, nil
}

// maxUsageMapLine bounds one line of a map file.
const maxUsageMapLine = 4096

// parseUsageMap reads the entries of a map file; a word given twice with different usages is an error.
func parseUsageMap(name string, in io.Reader) (*UsageMap, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 256), maxUsageMapLine)
	m := &UsageMap{}
	seen := map[string]int{} // word → line
	n := 1
	for ; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := usageLine(line)
		if err != nil {
			return nil, fmt.Errorf("usage map %s, line %d: %w", name, n, err)
		}
		if prev, ok := seen[e.word]; ok {
			if u := m.entries[indexOfWord(m.entries, e.word)].usage; u != e.usage {
				return nil, fmt.Errorf("usage map %s, line %d: %q is %s here but %s on line %d", name, n, e.word, e.usage, u, prev)
			}
			continue
		}
		seen[e.word] = n
		m.entries = append(m.entries, e)
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, fmt.Errorf("usage map %s, line %d: longer than %d bytes", name, n, maxUsageMapLine)
	} else if err != nil {
		return nil, fmt.Errorf("usage map %s, line %d: %w", name, n, err)
	}
	return m, nil
}

func indexOfWord(es []usageEntry, w string) int {
	for i, e := range es {
		if e.word == w {
			return i
		}
	}
	return -1
}

// usageLine reads one entry: "word, usage" (or "word<TAB>usage").
func usageLine(line string) (usageEntry, error) {
	if !utf8.ValidString(line) {
		return usageEntry{}, fmt.Errorf("the line is not UTF-8 text")
	}
	i := strings.LastIndexAny(line, ",\t，")
	if i < 0 {
		return usageEntry{}, fmt.Errorf("%q has no usage: write the word, a comma and the usage (e.g. \"走廊, circulation\")", line)
	}
	_, size := utf8.DecodeRuneInString(line[i:])
	word := strings.ToLower(strings.TrimSpace(line[:i]))
	name := strings.TrimSpace(line[i+size:])
	if word == "" {
		return usageEntry{}, fmt.Errorf("%q has no word before the usage", line)
	}
	u := floorplan.Usage(strings.ToLower(name))
	if !u.Valid() {
		var ok bool
		if u, ok = usageNames[name]; !ok {
			return usageEntry{}, fmt.Errorf("%q is not a usage (use office, rest_room, toilet, service, equipment, ancillary, technical, circulation, shaft, void, commercial, residential, other, or their Chinese names)", name)
		}
	}
	return usageEntry{word: word, usage: u, short: shortLatin(word)}, nil
}

// shortLatin reports whether w is a Latin word of up to 4 letters, which must stand apart in a name.
func shortLatin(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsLetter(r) || r > unicode.MaxLatin1 && !unicode.Is(unicode.Latin, r) {
			return false
		}
		n++
	}
	return n <= 4
}

// Usage returns the usage the name means: that of the first entry whose word is in it. ok is false
// when no word of the map is in the name.
func (m *UsageMap) Usage(name string) (u floorplan.Usage, ok bool) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "" || m == nil {
		return "", false
	}
	for _, e := range m.entries {
		if e.short && standsApart(s, e.word) || !e.short && strings.Contains(s, e.word) {
			return e.usage, true
		}
	}
	return "", false
}

// NumberUsage returns the usage a room number's prefix means, and the word found there as written: the
// letters the number starts with ("CIRC" of "CIRC101", "ELVB" of a basement's "ELVB01", "WC" of "WC-2")
// begin with a word of the map ("CIRC", "ELV", "WC"). ok is false for a number that starts with no
// letters or no word.
func (m *UsageMap) NumberUsage(number string) (u floorplan.Usage, prefix string, ok bool) {
	number = strings.TrimSpace(number)
	end := 0
	for i, r := range number {
		if !unicode.IsLetter(r) {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	if end == 0 || m == nil {
		return "", "", false
	}
	prefix = number[:end]
	lower := strings.ToLower(prefix)
	for _, e := range m.entries {
		if strings.HasPrefix(lower, e.word) {
			return e.usage, prefix[:len(e.word)], true
		}
	}
	return "", "", false
}

// UsageFromName guesses a room's usage from its name with the default map ("Conference" → service,
// "卫生间" → toilet, "CIRC101" → circulation); ok is false when no known word is in the name.
func UsageFromName(name string) (u floorplan.Usage, ok bool) { return defaultUsageMap.Usage(name) }

// standsApart reports whether w occurs in s with no letter just before or after it.
func standsApart(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:j])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (j == 0 || !unicode.IsLetter(before)) && (end == len(s) || !unicode.IsLetter(after)) {
			return true
		}
		i = j + 1
	}
}

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
