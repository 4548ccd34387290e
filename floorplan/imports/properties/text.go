package properties

import (
	"fmt"
	"io"
	"strings"

	"officemap/floorplan/imports"
)

// WriteText writes the summary for a person, in a language ("en" for English, Chinese otherwise): the
// counts, the rows that change something and the notes.
func (s *Summary) WriteText(w io.Writer, lang string) error {
	say := func(format string, args ...any) string { return imports.Notef(format, args...).In(lang) }
	var b strings.Builder
	if s.DryRun {
		fmt.Fprintln(&b, say("dry run (nothing written) of %s", s.File))
	} else {
		fmt.Fprintln(&b, say("imported %s", s.File))
	}
	fmt.Fprintln(&b, say("properties: %d rows; %d created, %d changed, %d unchanged", s.Rows,
		s.Records.Created, s.Records.Changed, s.Records.Unchanged))
	for _, o := range s.Outcomes {
		switch o.Action {
		case "created":
			fmt.Fprintln(&b, "  "+say("row %d: %s created", o.Row, o.Name))
		case "changed":
			fmt.Fprintln(&b, "  "+say("row %d: %s changed", o.Row, o.Name))
		}
	}
	if len(s.Notes) > 0 {
		fmt.Fprintln(&b, say("notes:"))
		for _, n := range s.Notes {
			fmt.Fprintln(&b, "  "+n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
