package sheet

import (
	"encoding/csv"
	"fmt"
	"io"

	"officemap/floorplan"
	"officemap/floorplan/exports/cell"
)

// Format is the file format of an export in an import's layout.
type Format string

// The export formats: a workbook, or CSV in UTF-8 with a byte-order mark.
const (
	FormatXLSX Format = "xlsx"
	FormatCSV  Format = "csv"
)

// Writer is an export that writes itself in both formats.
type Writer interface {
	WriteXLSX(w io.Writer) error
	WriteCSV(w io.Writer) error
}

// Write writes t in a format: its WriteXLSX or its WriteCSV.
func Write(w io.Writer, t Writer, f Format) error {
	switch f {
	case FormatXLSX:
		return t.WriteXLSX(w)
	case FormatCSV:
		return t.WriteCSV(w)
	}
	return fmt.Errorf("%w: unknown export format %q (xlsx or csv)", floorplan.ErrInvalid, f)
}

// WriteCSV writes a header and rows as CSV in UTF-8 with a byte-order mark (so that Excel opens Chinese
// text right); text that starts like a formula is neutralised (cell.Text).
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(cell.Row(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
