package roomlist

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"officemap/floorplan/imports"
)

// maxTextRows is how many rooms of each list WriteText prints; the JSON summary has them all.
const maxTextRows = 30

// WriteText writes the summary for a person, in a language ("en" for English, Chinese otherwise): the
// counts, the area differences as a table, the rows with no drawn room, the drawn rooms not listed, the
// rows skipped and the notes.
func (s *Summary) WriteText(w io.Writer, lang string) error {
	say := func(format string, args ...any) string { return imports.Notef(format, args...).In(lang) }
	head := say("imported %s", s.File)
	if s.DryRun {
		head = say("dry run (nothing written) of %s", s.File)
	}
	var b strings.Builder
	fmt.Fprintln(&b, head+say(" (%s, header on row %d)", strings.TrimSpace(s.Format+" "+s.Sheet), s.HeaderRow))
	fmt.Fprintln(&b, say("rows: %d read, %d matched (%d updated, %d unchanged), %d with no drawn room, %d skipped",
		s.Rows.Read, s.Rows.Matched, s.Rows.Updated, s.Rows.Unchanged, s.Rows.NoRoom, s.Rows.Skipped))
	if len(s.AreaDifferences) > 0 {
		fmt.Fprintln(&b, say("recorded area differs from the measured area (largest first):"))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, say("row\tbuilding\tfloor\tnumber\trecorded m²\tmeasured m²\tdifference m²\t%%\t"))
		for i, d := range s.AreaDifferences {
			if i == maxTextRows {
				break
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.2f\t%.2f\t%+.2f\t%+.2f\t\n", d.Row, d.Building, d.Floor, d.Number,
				d.RecordedM2, d.MeasuredM2, d.DifferenceM2, d.Percent)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		more(&b, len(s.AreaDifferences), say)
	}
	if len(s.NoRoom) > 0 {
		fmt.Fprintln(&b, say("rows with no drawn room:"))
		for i, r := range s.NoRoom {
			if i == maxTextRows {
				break
			}
			fmt.Fprintln(&b, "  "+say("row %d: %s", r.Row, r.Reason))
		}
		more(&b, len(s.NoRoom), say)
	}
	if len(s.NotListed) > 0 {
		rooms := make([]string, 0, min(len(s.NotListed), maxTextRows))
		for i, r := range s.NotListed {
			if i == maxTextRows {
				break
			}
			rooms = append(rooms, strings.TrimSpace(r.Floor+" "+r.Number))
		}
		fmt.Fprintln(&b, say("drawn rooms not in the list (%d): %s", len(s.NotListed), strings.Join(rooms, ", ")))
		more(&b, len(s.NotListed), say)
	}
	for _, part := range []struct {
		title string
		lines []string
	}{{say("skipped:"), problemLines(s.Skipped, lang)}, {say("notes:"), s.Notes}} {
		if len(part.lines) > 0 {
			fmt.Fprintln(&b, part.title)
			for _, l := range part.lines {
				fmt.Fprintln(&b, "  "+l)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// more says how many of n were left out of a list cut at maxTextRows.
func more(b *strings.Builder, n int, say func(string, ...any) string) {
	if n > maxTextRows {
		fmt.Fprintln(b, "  "+say("… and %d more (--json lists them all)", n-maxTextRows))
	}
}

func problemLines(ps []imports.Problem, lang string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text(lang)
	}
	return out
}
