package staff

import (
	"io"

	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
)

// WriteText writes the summary for a person, in a language ("en" for English, Chinese otherwise): the
// counts, the deadlines started, the rows skipped and the notes.
func (s *Summary) WriteText(w io.Writer, lang string) error {
	t := sheet.NewText(s.File, s.DryRun, lang)
	t.Line(imports.Notef("%s: %d rows; %d created, %d updated, %d unchanged, %d skipped", kindName(s.Kind, lang), s.Rows,
		s.Records.Created, s.Records.Updated, s.Records.Unchanged, len(s.Problems)))
	events := make([]string, len(s.Events))
	for i, e := range s.Events {
		events[i] = e.Text
	}
	t.Section(imports.Notef("deadlines started:"), events)
	t.Section(imports.Notef("skipped:"), problemLines(s.Problems, lang))
	t.Section(imports.Notef("notes:"), s.Notes)
	_, err := t.WriteTo(w)
	return err
}

// kindName names a kind in a language.
func kindName(k, lang string) string {
	if imports.English(lang) {
		return k
	}
	switch Kind(k) {
	case Agencies:
		return "单位"
	case People:
		return "人员"
	case Assignments:
		return "用房"
	}
	return k
}

func problemLines(ps []imports.Problem, lang string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text(lang)
	}
	return out
}
