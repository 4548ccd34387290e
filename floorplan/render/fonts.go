package render

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// Fonts is the typeface plans are drawn with: a CJK font found on the system, or Go's own Latin font
// when there is none. Load it once with LoadFonts and pass it in Options; it is safe for concurrent use.
type Fonts struct {
	font *sfnt.Font     // OpenType and TrueType, CFF outlines included (Noto CJK)
	tt   *truetype.Font // TrueType read by freetype, for files sfnt refuses (wqy-microhei's unaligned tables)
	cjk  bool
	path string
}

// DefaultFontPaths lists where CJK fonts live on common systems (Debian's fonts-wqy-microhei,
// fonts-wqy-zenhei, fonts-noto-cjk, fonts-arphic, Droid fallback; macOS; Windows), in the order
// LoadFonts tries them.
func DefaultFontPaths() []string {
	return []string{
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/truetype/arphic/uming.ttc",
		"/System/Library/Fonts/PingFang.ttc",
		"/System/Library/Fonts/STHeiti Light.ttc",
		`C:\Windows\Fonts\msyh.ttc`,
		`C:\Windows\Fonts\simhei.ttf`,
	}
}

// LoadFonts returns the first font among paths (DefaultFontPaths when none are given) that can draw
// Chinese, or Go's Latin font (golang.org/x/image/font/gofont) when none can. It never fails: a plan
// drawn with the Latin font labels rooms with numbers only and writes its legend in English.
func LoadFonts(paths ...string) *Fonts {
	if len(paths) == 0 {
		paths = DefaultFontPaths()
	}
	for _, p := range paths {
		if f, err := loadCJK(p); err == nil {
			f.path = p
			return f
		}
	}
	return LatinFonts()
}

// LatinFonts returns Go's own Latin font, with no Chinese glyphs.
func LatinFonts() *Fonts {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil { // the embedded font is known good; keep going without text rather than panic
		return &Fonts{}
	}
	return &Fonts{font: f}
}

// CJK reports whether the font draws Chinese.
func (f *Fonts) CJK() bool { return f != nil && f.cjk }

// Path returns the file the font was read from, or "" for Go's embedded Latin font.
func (f *Fonts) Path() string {
	if f == nil {
		return ""
	}
	return f.path
}

// loadCJK reads a font file (a .ttc collection or a single .ttf/.otf) and returns its first face that
// has both Chinese and Latin glyphs. x/image's sfnt is tried first (it reads CFF outlines); freetype's
// parser second (it accepts the unaligned tables of some collections, and takes their first font).
func loadCJK(path string) (*Fonts, error) {
	data, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	if c, err := opentype.ParseCollection(data); err == nil {
		var buf sfnt.Buffer
		for i := 0; i < c.NumFonts(); i++ {
			if f, err := c.Font(i); err == nil && hasGlyphs(f, &buf, cjkProbe) {
				return &Fonts{font: f, cjk: true}, nil
			}
		}
	}
	if tt, err := truetype.Parse(data); err == nil && ttHasGlyphs(tt, cjkProbe) {
		return &Fonts{tt: tt, cjk: true}, nil
	}
	return nil, fmt.Errorf("render: %s: no font with Chinese glyphs", path)
}

// cjkProbe are glyphs a plan needs: legend words, digits, the area unit.
const cjkProbe = "超标合规空置非办公室无标准人0123456789m²"

func ttHasGlyphs(f *truetype.Font, s string) bool {
	for _, r := range s {
		if f.Index(r) == 0 {
			return false
		}
	}
	return true
}

func hasGlyphs(f *sfnt.Font, buf *sfnt.Buffer, s string) bool {
	for _, r := range s {
		if i, err := f.GlyphIndex(buf, r); err != nil || i == 0 {
			return false
		}
	}
	return true
}

// faces makes font.Faces at the sizes one drawing needs. A font.Face is not safe for concurrent use,
// so each drawing has its own set.
type faces struct {
	fonts *Fonts
	buf   sfnt.Buffer
	bySz  map[float64]font.Face
}

func newFaces(f *Fonts) *faces { return &faces{fonts: f, bySz: map[float64]font.Face{}} }

// face returns the face of size px (nil when the font is unusable).
func (fs *faces) face(px float64) font.Face {
	if f, ok := fs.bySz[px]; ok {
		return f
	}
	var f font.Face
	switch {
	case fs.fonts == nil:
		return nil
	case fs.fonts.font != nil:
		var err error
		if f, err = opentype.NewFace(fs.fonts.font, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone}); err != nil {
			return nil
		}
	case fs.fonts.tt != nil:
		f = truetype.NewFace(fs.fonts.tt, &truetype.Options{Size: px, DPI: 72, Hinting: font.HintingNone})
	default:
		return nil
	}
	fs.bySz[px] = f
	return f
}

// canDraw reports whether every rune of s has a glyph.
func (fs *faces) canDraw(s string) bool {
	switch {
	case fs.fonts == nil:
		return false
	case fs.fonts.font != nil:
		return hasGlyphs(fs.fonts.font, &fs.buf, s)
	case fs.fonts.tt != nil:
		return ttHasGlyphs(fs.fonts.tt, s)
	}
	return false
}

// measure returns the advance width of s at size px, and the line height.
func (fs *faces) measure(s string, px float64) (w, h float64) {
	f := fs.face(px)
	if f == nil {
		return estimateWidth(s, px), px * 1.2
	}
	adv := font.MeasureString(f, s)
	return float64(adv) / 64, float64(f.Metrics().Height) / 64
}

func (fs *faces) close() {
	for _, f := range fs.bySz {
		f.Close()
	}
}

// estimateWidth is the width of s at size px in a typical sans-serif face: what an SVG viewer will
// roughly draw, whichever font it picks. Wide (CJK) runes take a full em, Latin ones about 0.6.
func estimateWidth(s string, px float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x2E80:
			w += 1.0
		case r == ' ' || r == '.' || r == ',' || r == '·':
			w += 0.32
		case r >= 'A' && r <= 'Z', r == 'm', r == 'w', r == 'M', r == 'W':
			w += 0.68
		default:
			w += 0.58
		}
	}
	return w * px
}
