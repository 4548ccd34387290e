package dxf

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// decoder returns how the drawing's strings are turned into UTF-8. From AutoCAD 2007 (AC1021) DXF is
// UTF-8; older files are in the code page $DWGCODEPAGE names — ANSI_936 (GBK) for drawings made on a
// Chinese system, which is what most legacy government floor plans are. Strings that are valid UTF-8
// are kept as they are whatever the header says; others are decoded with the code page (Windows-1252
// when it is unknown), so a mislabelled file still reads.
func decoder(version, codePage string) func(string) string {
	var enc encoding.Encoding = charmap.Windows1252
	switch codePage {
	case "ANSI_936", "GB2312", "GBK", "DOS936":
		enc = simplifiedchinese.GBK
	case "ANSI_950", "BIG5":
		enc = traditionalchinese.Big5
	case "ANSI_1251":
		enc = charmap.Windows1251
	case "ANSI_1250":
		enc = charmap.Windows1250
	}
	_ = version // UTF-8 files are recognised by their content
	return func(s string) string {
		if isASCII(s) || utf8.ValidString(s) {
			return s
		}
		out, err := enc.NewDecoder().String(s)
		if err != nil {
			return strings.ToValidUTF8(s, "\uFFFD")
		}
		return out
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// CleanText returns the plain text of a TEXT or MTEXT value: MTEXT formatting codes are removed
// ({\fArial|b1;…}, \H2.5x;, \C1;, \L…), paragraph breaks (\P, \X) become new lines, \~ a space, stacked
// fractions (\S1^2;) "1/2", \U+XXXX the character, and the %% codes of TEXT (%%c, %%d, %%p) Ø, ° and ±.
// Lines are trimmed; empty lines dropped.
func CleanText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i = mtextCode(&b, s, i)
		case c == '{' || c == '}':
			i++
		case c == '%' && strings.HasPrefix(s[i:], "%%") && i+2 < len(s):
			switch s[i+2] {
			case 'c', 'C':
				b.WriteString("Ø")
			case 'd', 'D':
				b.WriteString("°")
			case 'p', 'P':
				b.WriteString("±")
			case '%':
				b.WriteByte('%')
			case 'u', 'U', 'o', 'O', 'k', 'K':
			default:
				b.WriteString(s[i : i+3])
			}
			i += 3
		default:
			b.WriteByte(c)
			i++
		}
	}
	lines := strings.Split(b.String(), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// mtextCode writes what the MTEXT code at s[i] (a backslash) stands for and returns the index after it.
func mtextCode(b *strings.Builder, s string, i int) int {
	c := s[i+1]
	switch c {
	case 'P', 'X', 'N':
		b.WriteByte('\n')
		return i + 2
	case '~':
		b.WriteByte(' ')
		return i + 2
	case '\\', '{', '}':
		b.WriteByte(c)
		return i + 2
	case 'L', 'l', 'O', 'o', 'K', 'k':
		return i + 2
	case 'U', 'u':
		if i+7 <= len(s) && s[i+2] == '+' {
			if r, err := strconv.ParseUint(s[i+3:i+7], 16, 32); err == nil {
				b.WriteRune(rune(r))
				return i + 7
			}
		}
	case 'S':
		end := strings.IndexByte(s[i:], ';')
		if end < 0 {
			break
		}
		stack := s[i+2 : i+end]
		b.WriteString(strings.NewReplacer("^", "/", "#", "/", " ", "").Replace(stack))
		return i + end + 1
	case 'f', 'F', 'H', 'h', 'W', 'w', 'Q', 'q', 'T', 't', 'A', 'a', 'C', 'c', 'p':
		if end := strings.IndexByte(s[i:], ';'); end >= 0 {
			return i + end + 1
		}
	}
	b.WriteByte('\\')
	return i + 1
}
