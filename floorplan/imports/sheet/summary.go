package sheet

import (
	"io"
	"slices"
	"strings"

	"officemap/floorplan/imports"
)

// ToldNotes returns an import's notes told in a language, with a note that nothing was written last
// when it was a dry run.
func ToldNotes(notes []imports.Note, dryRun bool, lang string) []string {
	notes = slices.Clip(notes)
	if dryRun {
		notes = append(notes, imports.Notef("dry run: nothing was written"))
	}
	out := []string{}
	for _, n := range notes {
		out = append(out, n.In(lang))
	}
	return out
}

// Text is an import's summary written for a person, in a language ("en" for English, Chinese
// otherwise), a line at a time.
type Text struct {
	b    strings.Builder
	lang string
}

// NewText starts the summary of a file's import: "imported FILE", or "dry run (nothing written) of FILE".
func NewText(file string, dryRun bool, lang string) *Text {
	t := &Text{lang: lang}
	if dryRun {
		t.Line(imports.Notef("dry run (nothing written) of %s", file))
	} else {
		t.Line(imports.Notef("imported %s", file))
	}
	return t
}

// Line writes a line.
func (t *Text) Line(n imports.Note) { t.b.WriteString(n.In(t.lang) + "\n") }

// Item writes an indented line, under the line before.
func (t *Text) Item(n imports.Note) { t.b.WriteString("  " + n.In(t.lang) + "\n") }

// Section writes a title and its indented lines, or nothing when there are none.
func (t *Text) Section(title imports.Note, lines []string) {
	if len(lines) == 0 {
		return
	}
	t.Line(title)
	for _, l := range lines {
		t.b.WriteString("  " + l + "\n")
	}
}

// WriteTo writes the summary to w.
func (t *Text) WriteTo(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, t.b.String())
	return int64(n), err
}
