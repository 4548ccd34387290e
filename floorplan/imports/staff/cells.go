package staff

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// A cell of a choice is read by its Chinese label or its English key, in any case and width.

// rankAliases are other ways a personnel sheet writes a rank.
var rankAliases = map[string]floorplan.Rank{
	"正部级": floorplan.RankMinister, "副部级": floorplan.RankViceMinister, "正厅级": floorplan.RankBureau,
	"副厅级": floorplan.RankViceBureau, "正局级": floorplan.RankBureau, "副局级": floorplan.RankViceBureau,
	"正处级": floorplan.RankDivision, "副处级": floorplan.RankViceDivision, "正科级": floorplan.RankSection,
	"副科级": floorplan.RankViceSection, "科员": floorplan.RankStaff, "办事员": floorplan.RankStaff,
}

func parseRank(s string) (floorplan.Rank, *imports.Note) {
	k := sheet.ChoiceKey(s)
	for _, r := range floorplan.Ranks {
		if k == string(r) || k == RankLabel(r) {
			return r, nil
		}
	}
	if r, ok := rankAliases[k]; ok {
		return r, nil
	}
	return "", ptr(imports.Notef("%q is not a rank (use one of %s)", s, strings.Join(rankChoices(), "、")))
}

func parseLevel(s string) (floorplan.AdminLevel, *imports.Note) {
	k := sheet.ChoiceKey(s)
	for _, l := range floorplan.AdminLevels {
		if k == string(l) || k == LevelLabel(l) || k+"机关" == LevelLabel(l) {
			return l, nil
		}
	}
	return "", ptr(imports.Notef("%q is not an administrative level (use one of %s)", s, strings.Join(levelChoices(), "、")))
}

// parseChoice reads a cell among labelled keys; format is the note when it is none of them (with the cell
// and the choices as arguments).
func parseChoice[K ~string](ls []label[K], s, format string) (K, *imports.Note) {
	k := sheet.ChoiceKey(s)
	for _, l := range ls {
		if k == string(l.key) || k == l.zh {
			return l.key, nil
		}
	}
	return "", ptr(imports.Notef(format, s, strings.Join(labelChoices(ls), "、")))
}

func parseInt(s string) (int, *imports.Note) {
	n, err := strconv.Atoi(strings.ReplaceAll(width.Narrow.String(s), ",", ""))
	if err != nil || n < 0 {
		return 0, ptr(imports.Notef("%q is not a whole number of 0 or more", s))
	}
	return n, nil
}

func parseArea(s string) (float64, *imports.Note) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(width.Narrow.String(s), ",", ""), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, ptr(imports.Notef("%q is not an area in m² (a number such as 24.5)", s))
	}
	return v, nil
}

// postIn is a concurrent post as a cell gives it: its title, the agency (code or name) it is held in, and
// its dates when the cell gives them (dated).
type postIn struct {
	title, agency string
	start, end    time.Time
	dated         bool
}

// parsePosts reads a cell of concurrent posts, "主任（市档案馆）；委员（市编委，2024-01-01至2026-03-31）": each a
// title with, in brackets (full or half width), its agency and optionally its dates (FormatPost),
// separated by ；, ; or a line break. A post without an agency is held in the person's own agency.
func parsePosts(s string) ([]postIn, *imports.Note) {
	var out []postIn
	s = strings.NewReplacer("(", "（", ")", "）", ";", PostSeparator, "\n", PostSeparator).Replace(s)
	for part := range strings.SplitSeq(s, PostSeparator) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		in, ok := parsePost(part)
		if !ok {
			return nil, ptr(imports.Notef("%q is not a post as 职务（单位） or 职务（单位，2024-01-01至2026-03-31）", part))
		}
		out = append(out, in)
	}
	return out, nil
}

// parsePost reads one post of a cell: the brackets are the last ones, matched from the end, so that a
// title or an agency may hold brackets of its own ("局长（兼）（市统计局）", "主任（市委办公室（市档案局））").
func parsePost(part string) (postIn, bool) {
	if !strings.HasSuffix(part, "）") {
		if strings.Contains(part, "（") {
			return postIn{}, false
		}
		return postIn{title: part}, true
	}
	i := openingOf(part)
	if i < 0 {
		return postIn{}, false
	}
	in := postIn{title: strings.TrimSpace(part[:i])}
	inner := strings.TrimSuffix(part[i+len("（"):], "）")
	for _, bit := range strings.FieldsFunc(inner, func(r rune) bool { return r == '，' || r == ',' }) {
		bit = strings.TrimSpace(bit)
		if start, end, ok := parseSpan(bit); ok {
			in.start, in.end, in.dated = start, end, true
		} else if in.agency == "" {
			in.agency = bit
		} else {
			return postIn{}, false
		}
	}
	return in, in.title != ""
}

// parseSpan reads the dates of a post: "2024-01-01至2026-03-31", "2024-01-01起", "至2026-03-31" (also
// with ~ or "to").
func parseSpan(s string) (start, end time.Time, ok bool) {
	s = strings.NewReplacer("~", "至", " to ", "至", "起", "").Replace(s)
	from, to, ranged := strings.Cut(s, "至")
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if from == "" && to == "" {
		return time.Time{}, time.Time{}, false
	}
	var n *imports.Note
	if from != "" {
		if start, n = sheet.ParseDate(from); n != nil {
			return time.Time{}, time.Time{}, false
		}
	}
	if ranged && to != "" {
		if end, n = sheet.ParseDate(to); n != nil {
			return time.Time{}, time.Time{}, false
		}
	}
	return start, end, true
}

// openingOf returns where the "（" is that matches part's final "）", or -1 when the brackets do not match.
func openingOf(part string) int {
	depth := 0
	for i := len(part); i > 0; {
		r, size := utf8.DecodeLastRuneInString(part[:i])
		i -= size
		switch r {
		case '）':
			depth++
		case '（':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// FormatPost writes a concurrent post as a cell of the people sheet gives it: "主任（市档案馆）", with its
// dates when it has any ("主任（市档案馆，2024-01-01起）", "主任（市档案馆，2024-01-01至2026-03-31）"); agency is
// the agency's code or name ("" for the person's own).
func FormatPost(title, agency string, start, end time.Time) string {
	var bits []string
	if agency != "" {
		bits = append(bits, agency)
	}
	switch {
	case !end.IsZero():
		bits = append(bits, sheet.DayText(start)+"至"+sheet.DayText(end))
	case !start.IsZero():
		bits = append(bits, sheet.DayText(start)+"起")
	}
	if len(bits) == 0 && !strings.ContainsAny(title, "（(") {
		return title
	}
	// A title with brackets of its own keeps empty ones after it ("局长（兼）（）"), read back as the title alone.
	return title + "（" + strings.Join(bits, "，") + "）"
}

func ptr[T any](v T) *T { return &v }
