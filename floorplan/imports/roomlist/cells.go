package roomlist

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"officemap/floorplan"
	"officemap/floorplan/imports"
)

// maxAreaM2 is the largest area a row may record for one room (10 ha): more is a typing slip.
const maxAreaM2 = 1e5

// maxCellRunes is the longest text a cell the list reads may hold (the register's limit for names).
const maxCellRunes = 200

// key is a name, number or floor as compared: full-width letters and digits made narrow, runs of spaces
// made one, upper case. "３０１" and "301", "a-12" and "A-12", "市政府 1号楼" and "市政府1号楼" are not
// the same texts but name the same thing, except the last two: inner spaces stay (as one).
func key(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(width.Narrow.String(s)), " "))
}

// thousands is a number with thousands separators: 1,234.5.
var thousands = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$`)

// areaUnits are the units a bureau writes after an area, longest first.
var areaUnits = []string{"平方米", "平米", "m²", "m2", "㎡"}

// parseArea reads an area cell: a number of m² (1234.5, 1,234.5, 12.5㎡, 12.5 平方米), more than 0 and
// at most maxAreaM2. Its note says what is wrong.
func parseArea(s string) (float64, *imports.Note) {
	t := strings.TrimSpace(width.Narrow.String(s))
	for _, u := range areaUnits {
		if cut, ok := strings.CutSuffix(strings.ToLower(t), strings.ToLower(u)); ok {
			t = strings.TrimSpace(cut)
			break
		}
	}
	if thousands.MatchString(t) {
		t = strings.ReplaceAll(t, ",", "")
	}
	v, err := strconv.ParseFloat(t, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		n := imports.Notef("%q is not an area in m² (a number such as 24.5)", s)
		return 0, &n
	case v <= 0:
		n := imports.Notef("%q: an area must be more than 0 m² (leave the cell empty when none is recorded)", s)
		return 0, &n
	case v > maxAreaM2:
		n := imports.Notef("%q m² is more than the %.0f m² a room may have", s, float64(maxAreaM2))
		return 0, &n
	}
	return v, nil
}

// parseOrdinal reads an ordinal cell: an integer (0 the ground floor, -1 the first basement).
func parseOrdinal(s string) (int, *imports.Note) {
	t := strings.TrimSpace(width.Narrow.String(s))
	t = strings.TrimSuffix(t, ".0") // a number cell as some spreadsheets write it
	n, err := strconv.Atoi(t)
	if err != nil || n < -100 || n > 500 {
		note := imports.Notef("%q is not a floor ordinal (an integer: 0 the ground floor, -1 the first basement)", s)
		return 0, &note
	}
	return n, nil
}

// checkText refuses a cell longer than the register takes for its field.
func checkText(s string, limit int) *imports.Note {
	if n := utf8.RuneCountInString(s); n > limit {
		note := imports.Notef("%d characters, more than the %d allowed", n, limit)
		return &note
	}
	return nil
}

// numberRunes is the register's limit for a room number.
var numberRunes = floorplan.TextRules["room.number"].MaxRunes

// chineseDigits are the values of the Chinese numerals that floor names use.
var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6,
	'七': 7, '八': 8, '九': 9}

// chineseNumber reads a Chinese numeral up to 99 (三, 十, 十二, 二十, 二十三) or Arabic digits.
func chineseNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0
	}
	r := []rune(s)
	if len(r) == 0 || len(r) > 3 {
		return 0, false
	}
	tens, i := 0, 0
	if j := indexRune(r, '十'); j >= 0 {
		tens = 1
		if j == 1 {
			d, ok := chineseDigits[r[0]]
			if !ok || d == 0 {
				return 0, false
			}
			tens = d
		} else if j != 0 {
			return 0, false
		}
		i = j + 1
	}
	units := 0
	switch len(r) - i {
	case 0:
		if tens == 0 {
			return 0, false
		}
	case 1:
		d, ok := chineseDigits[r[i]]
		if !ok {
			return 0, false
		}
		units = d
	default:
		return 0, false
	}
	return tens*10 + units, true
}

func indexRune(r []rune, c rune) int {
	for i, x := range r {
		if x == c {
			return i
		}
	}
	return -1
}

// storeyForms are the ways a floor is written around its number, as regular expressions over key(s)
// with the number in group 1: above ground (3F, F3, 3层, 三层, 第三层, 3楼, 三楼) and below it (B1, B1F,
// -1F, 地下一层, 负一层).
var (
	aboveGround = regexp.MustCompile(`^(?:第)?([0-9]+|[零〇一二两三四五六七八九十]+)(?:F|层|楼|楼层)?$|^F([0-9]+)$`)
	belowGround = regexp.MustCompile(`^(?:B|-|地下|负)([0-9]+|[一二两三四五六七八九十]+)(?:F|层|楼)?$`)
)

// floorOrdinal reads a floor as a bureau writes it and gives the ordinal officemap counts it by: 1F,
// 一层, 首层 and a plain 1 are the ground floor (0), 3F and 三层 ordinal 2, B1 and 地下一层 -1.
func floorOrdinal(s string) (int, bool) {
	k := strings.ReplaceAll(key(s), " ", "")
	if k == "首层" || k == "首" || k == "底层" {
		return 0, true
	}
	if m := belowGround.FindStringSubmatch(k); m != nil {
		n, ok := chineseNumber(m[1])
		if !ok || n == 0 {
			return 0, false
		}
		return -n, true
	}
	if m := aboveGround.FindStringSubmatch(k); m != nil {
		digits := m[1] + m[2]
		n, ok := chineseNumber(digits)
		if !ok || n == 0 {
			return 0, false
		}
		return n - 1, true
	}
	return 0, false
}

// usageLabels are the Chinese names of the usages as officemap's tables write them (exports, the
// app's legend), by name.
var usageLabels = map[string]floorplan.Usage{
	"办公室": floorplan.UsageOffice, "休息室": floorplan.UsageRestRoom, "卫生间": floorplan.UsageToilet,
	"服务用房": floorplan.UsageService, "设备用房": floorplan.UsageEquipment, "附属用房": floorplan.UsageAncillary,
	"技术业务用房": floorplan.UsageTechnical, "交通": floorplan.UsageCirculation, "管井": floorplan.UsageShaft,
	"中庭上空": floorplan.UsageVoid, "商业": floorplan.UsageCommercial, "住宅": floorplan.UsageResidential,
	"其他": floorplan.UsageOther,
}

// parseUsage reads a usage cell: a usage's key (office, circulation) or Chinese name (办公室, 交通), else a
// room type the usage map knows (会议室 → service, corridor → circulation).
func parseUsage(s string, words *imports.UsageMap) (floorplan.Usage, *imports.Note) {
	t := strings.TrimSpace(width.Narrow.String(s))
	if u := floorplan.Usage(strings.ToLower(t)); u.Valid() {
		return u, nil
	}
	if u, ok := usageLabels[t]; ok {
		return u, nil
	}
	if words == nil {
		words = imports.DefaultUsageMap()
	}
	if u, ok := words.Usage(t); ok {
		return u, nil
	}
	n := imports.Notef("%q is not a usage (use a usage's name such as 办公室, 服务用房, 交通, or its key such as office)", s)
	return "", &n
}

// totalWords mark a row of totals, which a register often has at its end.
var totalWords = []string{"合计", "总计", "小计", "TOTAL", "SUBTOTAL", "SUM"}

// isTotal reports whether a cell says its row is a total.
func isTotal(cell string) bool {
	k := strings.ReplaceAll(key(cell), " ", "")
	for _, w := range totalWords {
		if k == w || strings.HasPrefix(k, w+":") {
			return true
		}
	}
	return false
}
