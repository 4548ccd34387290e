package sheet

import (
	"slices"

	"officemap/floorplan/imports"
)

// Problems gathers what is wrong with the rows of a file, each problem named by its row (and column),
// told in the reader's language.
type Problems struct {
	file  string
	lang  string
	list  []imports.Problem
	lines []int        // the row of each problem
	bad   map[int]bool // rows (by line) with a problem
}

// NewProblems starts the problems of a file, to be told in a language.
func NewProblems(file, lang string) *Problems {
	return &Problems{file: file, lang: lang, bad: map[int]bool{}}
}

// Cell records a problem of a cell: the row, the column's header and why.
func (p *Problems) Cell(line int, column string, why imports.Note) {
	p.Add(line, imports.Reasonf("column %s: %s", column, &imports.NoteError{Note: why}))
}

// Note records a problem of a cell when n is one, and reports whether it is.
func (p *Problems) Note(line int, column string, n *imports.Note) bool {
	if n != nil {
		p.Cell(line, column, *n)
	}
	return n != nil
}

// Row records a problem of a whole row.
func (p *Problems) Row(line int, why imports.Note) { p.Add(line, &imports.NoteError{Note: why}) }

// Add records a problem of a row.
func (p *Problems) Add(line int, err error) {
	p.bad[line] = true
	p.lines = append(p.lines, line)
	p.list = append(p.list, imports.Problem{Feature: RowName(line, p.lang), Reason: err.Error(), Err: err})
}

// Bad reports whether a row (by line) has a problem.
func (p *Problems) Bad(line int) bool { return p.bad[line] }

// Err returns the problems, in the order they were found, as an *imports.Error; nil when there are none.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &imports.Error{File: p.file, Problems: p.list}
}

// ErrByRow is Err with the problems by row (those of one row in the order they were found).
func (p *Problems) ErrByRow() error {
	if len(p.list) == 0 {
		return nil
	}
	order := make([]int, len(p.list))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return p.lines[a] - p.lines[b] })
	list := make([]imports.Problem, len(order))
	for i, j := range order {
		list[i] = p.list[j]
	}
	return &imports.Error{File: p.file, Problems: list}
}

// Told returns the problems told in the language.
func (p *Problems) Told() []imports.Problem {
	out := make([]imports.Problem, len(p.list))
	for i, pr := range p.list {
		out[i] = pr.In(p.lang)
	}
	return out
}
