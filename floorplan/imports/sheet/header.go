package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Header is the header row found: the column of each field and its header text.
type Header[F ~string] struct {
	Row    int // index in the grid
	Col    map[F]int
	Text   map[F]string
	Unused []string // the headers of the other columns
}

// Cell returns the trimmed text of a field's cell in a row; "" when the row has no such column.
func (h *Header[F]) Cell(cells []string, f F) string {
	j, ok := h.Col[f]
	if !ok || j >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[j])
}

// Finder finds the header row of a kind of sheet.
type Finder[F ~string] struct {
	// FieldOf is the field of each known header, as NormalHeader leaves it.
	FieldOf map[string]F
	// Explicit names the column of some fields by header or letter; they win over FieldOf.
	Explicit map[F]string
	// IsHeader says whether the known columns found in a row make it the header.
	IsHeader func(col map[F]int) bool
	// NoHeader is the failure when no row among the first MaxHeaderScan is the header.
	NoHeader func() *Failure
}

// Find finds the header row among the first rows of grid: the first row IsHeader accepts, or, with
// explicit names, the first row that has every named header.
func (fd Finder[F]) Find(grid [][]string) (*Header[F], *Failure) {
	for i := 0; i < len(grid) && i < MaxHeaderScan; i++ {
		h, err := fd.Match(grid[i])
		if err != nil {
			err.Line = i + 1
			return nil, err
		}
		if h != nil {
			h.Row = i
			return h, nil
		}
	}
	return nil, fd.NoHeader()
}

// Has reports whether grid has a header row (for Read's choice of a workbook's sheet).
func (fd Finder[F]) Has(grid [][]string) bool {
	_, err := fd.Find(grid)
	return err == nil
}

// Match matches the cells of one row to the fields; nil when the row is not the header.
func (fd Finder[F]) Match(cells []string) (*Header[F], *Failure) {
	h := &Header[F]{Col: map[F]int{}, Text: map[F]string{}}
	named := map[string]F{}
	for f, name := range fd.Explicit {
		if j := ColumnLetter(name); j >= 0 && !headerIn(cells, name) {
			h.Col[f] = j
			h.Text[f] = name
			continue
		}
		named[NormalHeader(name)] = f
	}
	var dup *Failure
	for j, cell := range cells {
		key := NormalHeader(cell)
		if key == "" {
			continue
		}
		f, ok := named[key]
		if !ok {
			if f, ok = fd.FieldOf[key]; ok && fd.Explicit[f] != "" {
				ok = false // the operator named another column for it
			}
		}
		if !ok {
			h.Unused = append(h.Unused, strings.TrimSpace(cell))
			continue
		}
		if k, seen := h.Col[f]; seen && dup == nil {
			dup = Fail("columns %q and %q both give the %s: name the one to read (columns %s=…)",
				strings.TrimSpace(cells[k]), strings.TrimSpace(cell), f, f)
			continue
		}
		h.Col[f], h.Text[f] = j, strings.TrimSpace(cell)
	}
	if !fd.IsHeader(h.Col) {
		return nil, nil
	}
	for f, name := range fd.Explicit {
		if _, ok := h.Col[f]; !ok {
			return nil, Fail("no column %q (named for the %s) in the header", name, f)
		}
	}
	return h, dup
}

// headerIn reports whether a row has a cell whose header is name.
func headerIn(cells []string, name string) bool {
	key := NormalHeader(name)
	for _, c := range cells {
		if NormalHeader(c) == key {
			return true
		}
	}
	return false
}

// NormalHeader is a header as synonym lists give it: full-width letters made narrow, lower case, a
// bracketed part (a unit, a remark), spaces, underscores, dots, stars and colons left out.
func NormalHeader(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("([【〔", r):
			depth++
		case strings.ContainsRune(")]】〕", r):
			depth = max(depth-1, 0)
		case depth > 0, unicode.IsSpace(r), strings.ContainsRune("_.*:-/", r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ColumnLetter returns the column a letter reference names ("A" is 0, "AB" 27), or -1 for anything else
// (up to three letters, as Excel's columns).
func ColumnLetter(s string) int {
	if len(s) == 0 || len(s) > 3 {
		return -1
	}
	n := 0
	for _, r := range strings.ToUpper(s) {
		if r < 'A' || r > 'Z' {
			return -1
		}
		n = n*26 + int(r-'A'+1)
	}
	return n - 1
}
