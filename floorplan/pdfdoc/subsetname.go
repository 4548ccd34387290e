package pdfdoc

import (
	"bytes"
	"crypto/sha256"
	"strings"

	"github.com/golang/freetype/truetype"
)

// fpdf embeds only the glyphs a document uses, but names the font "utf8" + its family, without the
// subset tag that the PDF format asks of a subset font (ISO 32000-1, 9.6.4: six upper-case letters and
// "+" before the PostScript name, as in "KQZVTA+WenQuanYiMicroHei"); readers such as pdffonts go by that
// tag. The family is therefore chosen so that fpdf's name is exactly as long as the tagged name, and
// Bytes swaps one for the other: the file's object offsets do not move.

// postScriptName is the font's PostScript name, reduced to the characters a PDF name needs no escape
// for; "CJKFont" when it has none (or one shorter than 3 characters).
func (f *Font) postScriptName() string {
	name := ""
	if tt, err := truetype.Parse(f.TTF); err == nil {
		name = tt.Name(truetype.NameIDPostscriptName)
	}
	name = strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, name)
	if len(name) < 3 {
		name = "CJKFont"
	}
	return name[:min(len(name), 48)]
}

// registeredFamily is the family to register a font of PostScript name ps under: fpdf writes it as
// "utf8" + family, which is then as long as "ABCDEF+" + ps.
func registeredFamily(ps string) string { return "pdfdoc" + strings.Repeat("x", len(ps)-3) }

// subsetName renames the font in pdf to its tagged subset name. The tag is drawn from a hash of the
// document, so that two different subsets of a font get different tags.
func (d *Doc) subsetName(pdf []byte) []byte {
	from := []byte("/utf8" + d.family)
	sum := sha256.Sum256(pdf)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	to := []byte("/" + string(tag) + "+" + d.psName)
	if len(from) != len(to) {
		return pdf // never: registeredFamily keeps them the same length
	}
	out := append([]byte{}, pdf...)
	for at := 0; ; {
		i := bytes.Index(out[at:], from)
		if i < 0 {
			return out
		}
		at += i + len(from)
		if at == len(out) || bytes.IndexByte([]byte(" \t\r\n/<>[]()%"), out[at]) >= 0 { // the whole name
			copy(out[at-len(from):], to)
		}
	}
}
