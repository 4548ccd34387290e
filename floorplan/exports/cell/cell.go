// Package cell makes text safe to put in a spreadsheet cell (CSV and XLSX exports and reports): a cell
// that starts like a formula is neutralised, so that a room or agency named "=HYPERLINK(…)" opens as
// text in Excel or LibreOffice rather than as a formula (CSV injection, OWASP).
package cell

import "regexp"

// number is a plain decimal number as the writers format them ("-3.50", "12", "1e-05"): such a cell is a
// number, not a formula, and is left as it is.
var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// Text returns s as a spreadsheet cell's text: s itself, or, when s starts with a character a
// spreadsheet reads as the start of a formula (= + - @) or with a tab or a carriage return, s after a
// single quote ('), as OWASP recommends. A plain number ("-3.50") is left alone: it is data, not a
// formula.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '+', '-':
		if number.MatchString(s) {
			return s
		}
		return "'" + s
	case '=', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Row returns the cells of a row through Text.
func Row(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = Text(c)
	}
	return out
}
