package properties

import (
	"io"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// WriteText writes the summary for a person, in a language ("en" for English, Chinese otherwise): the
// counts, the rows that change something and the notes.
func (s *Summary) WriteText(w io.Writer, lang string) error {
	t := sheet.NewText(s.File, s.DryRun, lang)
	t.Line(imports.Notef("properties: %d rows; %d created, %d changed, %d unchanged", s.Rows,
		s.Records.Created, s.Records.Changed, s.Records.Unchanged))
	for _, o := range s.Outcomes {
		switch o.Action {
		case "created":
			t.Item(imports.Notef("row %d: %s created", o.Row, o.Name))
		case "changed":
			t.Item(imports.Notef("row %d: %s changed", o.Row, o.Name))
		}
	}
	t.Section(imports.Notef("notes:"), s.Notes)
	_, err := t.WriteTo(w)
	return err
}
