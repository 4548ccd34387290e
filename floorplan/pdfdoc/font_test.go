package pdfdoc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// makeCollection packs fonts into a TrueType Collection the way font tools do: one header, then each
// font's table directory, then every table's data, with offsets from the start of the file.
func makeCollection(t *testing.T, fonts ...[]byte) []byte {
	t.Helper()
	var dirs, data bytes.Buffer
	headerLen := 12 + 4*len(fonts)
	dirsLen := 0
	for _, f := range fonts {
		dirsLen += 12 + 16*int(binary.BigEndian.Uint16(f[4:]))
	}
	offsets := make([]uint32, len(fonts))
	for i, f := range fonts {
		offsets[i] = uint32(headerLen + dirs.Len())
		n := int(binary.BigEndian.Uint16(f[4:]))
		dirs.Write(f[:12])
		for k := range n {
			rec := f[12+16*k : 12+16*k+16]
			off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
			at := uint32(headerLen + dirsLen + data.Len())
			data.Write(f[off : off+length])
			for data.Len()%4 != 0 {
				data.WriteByte(0)
			}
			out := append([]byte{}, rec...)
			binary.BigEndian.PutUint32(out[8:], at)
			dirs.Write(out)
		}
	}
	var out bytes.Buffer
	out.WriteString("ttcf")
	binary.Write(&out, binary.BigEndian, uint32(0x00010000))
	binary.Write(&out, binary.BigEndian, uint32(len(fonts)))
	for _, o := range offsets {
		binary.Write(&out, binary.BigEndian, o)
	}
	out.Write(dirs.Bytes())
	out.Write(data.Bytes())
	return out.Bytes()
}

// tables reads a standalone font's tables by tag.
func tables(t *testing.T, ttf []byte) map[string][]byte {
	t.Helper()
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	out := map[string][]byte{}
	for k := range n {
		rec := ttf[12+16*k:]
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if int(off)%4 != 0 {
			t.Errorf("table %q at offset %d is not 4-byte aligned", rec[:4], off)
		}
		out[string(rec[:4])] = ttf[off : off+length]
	}
	return out
}

// TestExtractFace: each face of a collection comes out as a font that parses, with the same tables as
// the font that went in, aligned, and a whole-file checksum of 0xB1B0AFBA as the format asks.
func TestExtractFace(t *testing.T) {
	ttc := makeCollection(t, goregular.TTF, gobold.TTF)
	for i, orig := range [][]byte{goregular.TTF, gobold.TTF} {
		ttf, err := ExtractFace(ttc, i)
		if err != nil {
			t.Fatalf("face %d: %v", i, err)
		}
		f, err := truetype.Parse(ttf)
		if err != nil {
			t.Fatalf("face %d does not parse: %v", i, err)
		}
		want, _ := truetype.Parse(orig)
		if f.Name(truetype.NameIDFontFullName) != want.Name(truetype.NameIDFontFullName) {
			t.Errorf("face %d is %q; want %q", i, f.Name(truetype.NameIDFontFullName), want.Name(truetype.NameIDFontFullName))
		}
		got, exp := tables(t, ttf), tables(t, orig)
		if len(got) != len(exp) {
			t.Errorf("face %d: %d tables; want %d", i, len(got), len(exp))
		}
		for tag, b := range exp {
			if tag == "head" { // its checksum adjustment is recomputed
				b, got[tag] = b[12:], got[tag][12:]
			}
			if !bytes.Equal(got[tag], b) {
				t.Errorf("face %d: table %q differs from the original", i, tag)
			}
		}
		if sum := checksum(ttf); sum != 0xB1B0AFBA {
			t.Errorf("face %d: file checksum %#x; want 0xb1b0afba", i, sum)
		}
	}
}

// TestExtractFaceRefuses: bad collections are errors that say what is wrong, never a panic.
func TestExtractFaceRefuses(t *testing.T) {
	ttc := makeCollection(t, goregular.TTF)
	cut := ttc[:len(ttc)/2]
	badDir := append([]byte{}, ttc...)
	binary.BigEndian.PutUint32(badDir[12:], uint32(len(ttc)+100))
	for _, c := range []struct {
		name string
		data []byte
		face int
		want string
	}{
		{"not a collection", goregular.TTF, 0, "not a TrueType collection"},
		{"face out of range", ttc, 1, "face 1 of a collection of 1"},
		{"negative face", ttc, -1, "face -1"},
		{"truncated", cut, 0, "runs past the end"},
		{"directory past the end", badDir, 0, "past the end"},
		{"empty", nil, 0, "not a TrueType collection"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ExtractFace(c.data, c.face)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want one saying %q", err, c.want)
			}
		})
	}
}

// TestParseFont: a Latin-only font, a CFF font and junk are refused, each saying why.
func TestParseFont(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"Latin only", goregular.TTF, "not a Chinese font"},
		{"Latin collection", makeCollection(t, goregular.TTF), "not a Chinese font"},
		{"CFF outlines", []byte("OTTO\x00\x00\x00\x00"), "CFF outlines"},
		{"junk", []byte("hello world"), "not a TrueType font"},
		{"empty", nil, "not a font file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFont(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want one saying %q", err, c.want)
			}
		})
	}
}

// TestFindFontNone: with no usable font the error is ErrNoFont and says what to install or why each
// file was refused.
func TestFindFontNone(t *testing.T) {
	_, err := FindFont(t.TempDir()+"/missing.ttc", "/nonexistent/font.ttf")
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "fonts-wqy-microhei") {
		t.Errorf("no fonts: %v", err)
	}
	latin := t.TempDir() + "/latin.ttf"
	if err := os.WriteFile(latin, goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = FindFont(latin)
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), latin) || !strings.Contains(err.Error(), "not a Chinese font") {
		t.Errorf("Latin font only: %v", err)
	}
}

// systemFont is the machine's CJK font: the test fails without one in CI (CI=true) and skips elsewhere.
func systemFont(t *testing.T) *Font {
	t.Helper()
	f, err := FindFont()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs a CJK TrueType font (fonts-wqy-microhei): %v", err)
		}
		t.Skip(err)
	}
	return f
}

// TestFindFontSystem: the machine's collection (wqy-microhei in CI) yields a standalone TrueType font
// with Chinese glyphs.
func TestFindFontSystem(t *testing.T) {
	f := systemFont(t)
	tt, err := truetype.Parse(f.TTF)
	if err != nil {
		t.Fatalf("%s: extracted font does not parse: %v", f.Path, err)
	}
	for _, r := range "使用凭证" {
		if tt.Index(r) == 0 {
			t.Errorf("%s: no glyph for %q", f.Path, r)
		}
	}
	if string(f.TTF[:4]) == "ttcf" {
		t.Errorf("%s: still a collection", f.Path)
	}
}
