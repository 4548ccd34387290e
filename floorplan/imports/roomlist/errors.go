package roomlist

import "officemap/floorplan/imports"

// failure is what makes a list unreadable as a whole — a sheet without a header row, a file that is not
// text — told as a note so that it can be told in the reader's language, with the row of the sheet it is
// about (from 1; 0 when none).
type failure struct {
	why  imports.Note
	line int
}

func fail(format string, args ...any) *failure { return &failure{why: imports.Notef(format, args...)} }

// rowName names a row of the sheet in a language: "row 7", "第 7 行".
func rowName(line int, lang string) string { return imports.Notef("row %d", line).In(lang) }

// rejected is the *imports.Error of a list that cannot be read: the file, the row and why (an
// *imports.NoteError, which Problem.In and imports.ErrorIn tell in the reader's language).
func rejected(file string, f *failure, lang string) *imports.Error {
	err := &imports.NoteError{Note: f.why}
	p := imports.Problem{Reason: err.Error(), Err: err}
	if f.line > 0 {
		p.Feature = rowName(f.line, lang)
	}
	return &imports.Error{File: file, Problems: []imports.Problem{p}}
}
