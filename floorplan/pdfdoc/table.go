package pdfdoc

import "fmt"

// Align is a column's alignment.
type Align string

// Alignments.
const (
	Left   Align = "L"
	Center Align = "C"
	Right  Align = "R"
)

// Column is a column of a Table.
type Column struct {
	Title string
	// Width in mm; columns of width 0 share what the others leave of ContentWidth.
	Width float64
	Align Align // "" is Left
}

// Table is a table with a header row, body rows and an optional closing row (a total).
type Table struct {
	Columns []Column
	Rows    [][]string
	// Foot is a last row drawn shaded (a total), nil for none.
	Foot []string
}

// cellPad is the space above and below a cell's text, in mm.
const cellPad = 1.2

// Table writes t: cells wrap within their column, a row that does not fit the page starts the next one
// and the header is drawn again at the top of every page the table runs over. A row with more cells than
// columns is an error; missing cells are blank.
func (d *Doc) Table(t Table) {
	if !d.ok() {
		return
	}
	widths, err := columnWidths(t.Columns)
	if err != nil {
		d.err = err
		return
	}
	for i, row := range append(t.Rows, t.Foot) {
		if len(row) > len(t.Columns) {
			d.err = fmt.Errorf("pdfdoc: table row %d has %d cells for %d columns", i+1, len(row), len(t.Columns))
			return
		}
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Title
	}
	d.font(sizeBody, colorInk)
	// The header stays with the first row.
	first := d.rowHeight(widths, header)
	if len(t.Rows) > 0 {
		first += d.rowHeight(widths, t.Rows[0])
	}
	d.NeedSpace(first)
	d.tableRow(t.Columns, widths, header, true)
	for _, row := range t.Rows {
		if d.Remaining() < d.rowHeight(widths, row) {
			d.pdf.AddPage()
			d.tableRow(t.Columns, widths, header, true)
		}
		d.tableRow(t.Columns, widths, row, false)
	}
	if t.Foot != nil {
		d.NeedSpace(d.rowHeight(widths, t.Foot))
		d.tableRow(t.Columns, widths, t.Foot, true)
	}
	d.pdf.Ln(3)
}

// columnWidths resolves the columns' widths.
func columnWidths(cols []Column) ([]float64, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("pdfdoc: a table needs columns")
	}
	widths := make([]float64, len(cols))
	fixed, shared := 0.0, 0
	for i, c := range cols {
		if c.Width < 0 {
			return nil, fmt.Errorf("pdfdoc: column %q has negative width %g", c.Title, c.Width)
		}
		widths[i] = c.Width
		fixed += c.Width
		if c.Width == 0 {
			shared++
		}
	}
	if fixed > ContentWidth+0.01 || (shared > 0 && ContentWidth-fixed < 5*float64(shared)) {
		return nil, fmt.Errorf("pdfdoc: columns of %.1f mm leave no room in %.0f mm", fixed, ContentWidth)
	}
	for i := range widths {
		if widths[i] == 0 {
			widths[i] = (ContentWidth - fixed) / float64(shared)
		}
	}
	return widths, nil
}

// rowHeight is the height of a row of cells: its tallest wrapped cell.
func (d *Doc) rowHeight(widths []float64, cells []string) float64 {
	lines := 1
	for i, s := range cells {
		if s != "" {
			lines = max(lines, d.lineCount(s, widths[i]))
		}
	}
	return float64(lines)*lineHeight(sizeBody) + 2*cellPad
}

// tableRow draws one row of cells with borders, shaded when shade is set.
func (d *Doc) tableRow(cols []Column, widths []float64, cells []string, shade bool) {
	p := d.pdf
	h := d.rowHeight(widths, cells)
	x, y := MarginSide, p.GetY()
	p.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
	p.SetFillColor(colorShade[0], colorShade[1], colorShade[2])
	p.SetLineWidth(0.2)
	style := "D"
	if shade {
		style = "FD"
	}
	for i, c := range cols {
		p.Rect(x, y, widths[i], h, style)
		if i < len(cells) && cells[i] != "" {
			align := string(c.Align)
			if align == "" {
				align = string(Left)
			}
			p.SetXY(x, y+cellPad)
			d.multiCell(widths[i], lineHeight(sizeBody), cells[i], align)
		}
		x += widths[i]
	}
	p.SetXY(MarginSide, y+h)
}
