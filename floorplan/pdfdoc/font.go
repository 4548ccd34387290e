package pdfdoc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/golang/freetype/truetype"

	"officemap/floorplan/render"
)

// ErrNoFont is returned by FindFont when none of the paths holds a TrueType font with Chinese glyphs.
var ErrNoFont = errors.New("pdfdoc: no TrueType font with Chinese glyphs found")

// Font is a TrueType font that a Doc embeds (as a subset: only the glyphs the document uses). Load it once
// with FindFont or LoadFont and share it between documents: it is read-only.
type Font struct {
	// TTF is the standalone TrueType file (a face taken out of a collection when the file was a .ttc).
	TTF []byte
	// Path is the file it was read from, "" for one given as bytes.
	Path string
}

// cjkProbe are glyphs every officemap document needs: common Chinese words, digits, the area unit.
const cjkProbe = "办公用房使用单位页共第合计0123456789m²"

// FindFont returns the first usable font among paths, DefaultFontPaths when none are given: a TrueType
// font (a .ttf, or the first TrueType face of a .ttc collection) that has Chinese glyphs. OpenType fonts
// with CFF outlines (Noto CJK .otf) are skipped: the PDF writer embeds TrueType outlines only. The error
// wraps ErrNoFont and says why each path was refused.
func FindFont(paths ...string) (*Font, error) {
	if len(paths) == 0 {
		paths = DefaultFontPaths()
	}
	var why []string
	for _, p := range paths {
		f, err := LoadFont(p)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			why = append(why, err.Error())
		}
	}
	if len(why) == 0 {
		return nil, fmt.Errorf("%w (tried %d paths, none exists; install fonts-wqy-microhei)", ErrNoFont, len(paths))
	}
	return nil, fmt.Errorf("%w: %s", ErrNoFont, strings.Join(why, "; "))
}

// DefaultFontPaths are the places FindFont looks: the CJK fonts the plans are drawn with
// (render.DefaultFontPaths).
func DefaultFontPaths() []string { return render.DefaultFontPaths() }

// LoadFont reads a .ttf, or a .ttc collection of which it takes the first TrueType face with Chinese
// glyphs, and checks that the font draws Chinese.
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	f, err := ParseFont(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.Path = path
	return f, nil
}

// ParseFont is LoadFont on a file's bytes.
func ParseFont(data []byte) (*Font, error) {
	if !isCollection(data) {
		if err := checkTrueType(data); err != nil {
			return nil, err
		}
		return &Font{TTF: data}, nil
	}
	n, err := collectionSize(data)
	if err != nil {
		return nil, err
	}
	var last error
	for i := range n {
		ttf, err := ExtractFace(data, i)
		if err == nil {
			err = checkTrueType(ttf)
		}
		if err == nil {
			return &Font{TTF: ttf}, nil
		}
		last = fmt.Errorf("face %d: %w", i, err)
	}
	return nil, last
}

// checkTrueType reports why ttf cannot be embedded: not TrueType outlines, unreadable, or no Chinese.
func checkTrueType(ttf []byte) error {
	if len(ttf) < 4 {
		return errors.New("not a font file")
	}
	switch string(ttf[:4]) {
	case "\x00\x01\x00\x00", "true":
	case "OTTO":
		return errors.New("OpenType with CFF outlines; a TrueType font is needed")
	default:
		return errors.New("not a TrueType font")
	}
	tt, err := truetype.Parse(ttf)
	if err != nil {
		return fmt.Errorf("unreadable TrueType font: %w", err)
	}
	for _, r := range cjkProbe {
		if tt.Index(r) == 0 {
			return fmt.Errorf("no glyph for %q: not a Chinese font", r)
		}
	}
	return nil
}

// A TrueType Collection (.ttc) starts with "ttcf", a version, the number of fonts and the offset of each
// font's table directory. A table directory is the sfnt version, the number of tables (with three search
// fields) and 16 bytes per table: tag, checksum, offset from the file's start, length.

func isCollection(data []byte) bool { return len(data) >= 12 && string(data[:4]) == "ttcf" }

// collectionSize is the number of faces in a collection.
func collectionSize(data []byte) (int, error) {
	if !isCollection(data) {
		return 0, errors.New("not a TrueType collection")
	}
	n := int(binary.BigEndian.Uint32(data[8:]))
	if n == 0 || 12+4*n > len(data) {
		return 0, fmt.Errorf("collection header names %d fonts in %d bytes", n, len(data))
	}
	return n, nil
}

// tableRecord is a table of a face: where its data lies in the source file.
type tableRecord struct {
	tag            string
	checksum       uint32
	offset, length uint32
}

// ExtractFace returns face i of a TrueType Collection as a standalone font file: its table directory
// rebuilt with the tables laid out one after the other (4-byte aligned) and their offsets recomputed, and
// the head table's checksum adjustment set again. Table data is copied as it is.
func ExtractFace(ttc []byte, i int) ([]byte, error) {
	n, err := collectionSize(ttc)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= n {
		return nil, fmt.Errorf("pdfdoc: face %d of a collection of %d", i, n)
	}
	dir := int(binary.BigEndian.Uint32(ttc[12+4*i:]))
	if dir < 0 || dir+12 > len(ttc) {
		return nil, fmt.Errorf("pdfdoc: face %d: table directory at %d is past the end (%d bytes)", i, dir, len(ttc))
	}
	numTables := int(binary.BigEndian.Uint16(ttc[dir+4:]))
	if numTables == 0 || dir+12+16*numTables > len(ttc) {
		return nil, fmt.Errorf("pdfdoc: face %d: %d tables do not fit the file", i, numTables)
	}
	tables := make([]tableRecord, numTables)
	for k := range tables {
		rec := ttc[dir+12+16*k:]
		t := tableRecord{tag: string(rec[:4]), checksum: binary.BigEndian.Uint32(rec[4:]),
			offset: binary.BigEndian.Uint32(rec[8:]), length: binary.BigEndian.Uint32(rec[12:])}
		if uint64(t.offset)+uint64(t.length) > uint64(len(ttc)) {
			return nil, fmt.Errorf("pdfdoc: face %d: table %q runs past the end of the file", i, t.tag)
		}
		tables[k] = t
	}
	return buildSfnt(ttc[dir:dir+4], ttc, tables), nil
}

// buildSfnt writes a font file with version and the tables (read from src), sorted by tag as the format
// asks.
func buildSfnt(version, src []byte, tables []tableRecord) []byte {
	sort.Slice(tables, func(a, b int) bool { return tables[a].tag < tables[b].tag })
	n := len(tables)
	size := 12 + 16*n
	for _, t := range tables {
		size += int(pad4(t.length))
	}
	out := make([]byte, size)
	copy(out, version)
	entry, pow := 0, 1
	for pow*2 <= n {
		pow *= 2
		entry++
	}
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(entry))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*pow))
	at := uint32(12 + 16*n)
	head := -1
	for k, t := range tables {
		rec := out[12+16*k:]
		copy(rec, t.tag)
		binary.BigEndian.PutUint32(rec[4:], t.checksum)
		binary.BigEndian.PutUint32(rec[8:], at)
		binary.BigEndian.PutUint32(rec[12:], t.length)
		copy(out[at:], src[t.offset:t.offset+t.length])
		if t.tag == "head" && t.length >= 12 {
			head = int(at)
		}
		at += pad4(t.length)
	}
	if head >= 0 { // checkSumAdjustment: 0xB1B0AFBA minus the sum of the whole file with it zeroed
		binary.BigEndian.PutUint32(out[head+8:], 0)
		binary.BigEndian.PutUint32(out[head+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

func pad4(n uint32) uint32 { return (n + 3) &^ 3 }

// checksum is the TrueType checksum: the sum of big-endian uint32s (b is padded with zeros).
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
