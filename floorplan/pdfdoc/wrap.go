package pdfdoc

import (
	"math"
	"strings"
	"unicode"
)

// wrap breaks text into the lines that fit a cell w mm wide in the current font: at a space (dropped at
// the break), before or after a CJK character (not before closing punctuation nor after opening), and
// within a word only when the word alone is wider than the line; "\n" always breaks. fpdf's own
// MultiCell and SplitText (v0.12.0) drop the Chinese character at every break they make there, so every
// text is broken here and handed to MultiCell as lines that fit (multiCell).
func (d *Doc) wrap(text string, w float64) []string {
	_, unit := d.pdf.GetFontSize()
	if unit <= 0 {
		return strings.Split(text, "\n")
	}
	limit := int(math.Floor((w - 2*d.pdf.GetCellMargin()) * 1000 / unit))
	var lines []string
	text = strings.TrimRight(strings.ReplaceAll(text, "\r", ""), "\n") // as MultiCell does
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, d.wrapLine([]rune(para), limit)...)
	}
	return lines
}

// wrapLine breaks one line of text (no "\n") into lines at most limit glyph units wide.
func (d *Doc) wrapLine(s []rune, limit int) []string {
	var lines []string
	for len(s) > 0 {
		width, cut, next := 0, -1, -1 // cut: the end of the line at the last break; next: where the next line starts
		i := 0
		for ; i < len(s); i++ {
			width += d.pdf.GetStringSymbolWidth(string(s[i]))
			if width > limit && i > 0 {
				if unicode.IsSpace(s[i]) {
					cut, next = i, i+1
				}
				break
			}
			switch {
			case unicode.IsSpace(s[i]):
				cut, next = i, i+1
			case i+1 < len(s) && (cjk(s[i]) || cjk(s[i+1])) && !unicode.IsSpace(s[i+1]) && !closing(s[i+1]) && !opening(s[i]):
				cut, next = i+1, i+1
			}
		}
		if i == len(s) {
			lines = append(lines, string(s))
			break
		}
		if cut <= 0 {
			cut, next = i, i // no break on the line: break the word
		}
		lines = append(lines, strings.TrimRightFunc(string(s[:cut]), unicode.IsSpace))
		s = s[next:]
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// cjk reports whether r is a Chinese, Japanese or Korean character, or CJK punctuation: a line may break
// before or after it.
func cjk(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// closing reports whether r is punctuation that never starts a line (，。、；：！？）」』》 and their ASCII kin).
func closing(r rune) bool {
	return strings.ContainsRune("，。、；：！？）」』》〉】〕,.;:!?)]}%", r)
}

// opening reports whether r is punctuation that never ends a line (（「『《〈【〔 and their ASCII kin).
func opening(r rune) bool { return strings.ContainsRune("（「『《〈【〔([{", r) }

// multiCell writes text as MultiCell does, broken into lines by wrap.
func (d *Doc) multiCell(w, h float64, text, align string) {
	d.pdf.MultiCell(w, h, strings.Join(d.wrap(text, w), "\n"), "", align, false)
}

// lineCount is the number of lines text takes in a cell w mm wide (at least 1).
func (d *Doc) lineCount(text string, w float64) int { return max(1, len(d.wrap(text, w))) }
