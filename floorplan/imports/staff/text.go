package staff

import (
	"fmt"
	"io"
	"strings"

	"officemap/floorplan/imports"
)

// WriteText writes the summary for a person, in a language ("en" for English, Chinese otherwise): the
// counts, the deadlines started, the rows skipped and the notes.
func (s *Summary) WriteText(w io.Writer, lang string) error {
	say := func(format string, args ...any) string { return imports.Notef(format, args...).In(lang) }
	var b strings.Builder
	if s.DryRun {
		fmt.Fprintln(&b, say("dry run (nothing written) of %s", s.File))
	} else {
		fmt.Fprintln(&b, say("imported %s", s.File))
	}
	fmt.Fprintln(&b, say("%s: %d rows; %d created, %d updated, %d unchanged, %d skipped", kindName(s.Kind, lang), s.Rows,
		s.Records.Created, s.Records.Updated, s.Records.Unchanged, len(s.Problems)))
	if len(s.Events) > 0 {
		fmt.Fprintln(&b, say("deadlines started:"))
		for _, e := range s.Events {
			fmt.Fprintln(&b, "  "+e.Text)
		}
	}
	section(&b, say("skipped:"), problemLines(s.Problems, lang))
	section(&b, say("notes:"), s.Notes)
	_, err := io.WriteString(w, b.String())
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

// section writes a title and its indented lines, or nothing when there are none.
func section(b *strings.Builder, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	b.WriteString(title + "\n")
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
}

func problemLines(ps []imports.Problem, lang string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text(lang)
	}
	return out
}
