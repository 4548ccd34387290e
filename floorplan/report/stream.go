package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Parts yields the parts of an evaluation in order, calling fn with each: a *floorplan.Report holding
// one agency's findings, people, totals and rooms (floorplan.Register.EvaluateParts with its day and
// agencies bound), or a whole report as its only part (Whole). It stops at, and returns, fn's first
// error.
type Parts func(fn func(part *floorplan.Report) error) error

// Whole yields rep as its only part: Write is Stream over Whole.
func Whole(rep *floorplan.Report) Parts {
	return func(fn func(part *floorplan.Report) error) error { return fn(rep) }
}

// Stream writes in format f the report whose parts parts yields, as Write writes the whole report,
// writing each part's rows as the part arrives: it holds one part, the per-agency totals and, for the
// text table only, the rows spooled to a temporary file (its column widths need every row). day is the
// report's day when no part arrives; otherwise the first part's AsOf and Notes head the report (every
// part carries the evaluation's). The per-agency totals, sorted by agency name, follow the findings.
//
// The findings come in the parts' order; when several parts hold the findings of one report (Whole
// does not), that is by agency id and then as each part orders them, which is floorplan.Report's
// order too. An error from parts (or from w) ends the output where it stands: callers who must not
// send half a report buffer it or tell the reader (api's report handler does the latter).
func Stream(w io.Writer, day time.Time, parts Parts, f Format, opt Options) error {
	s, err := newSink(w, f, opt.en(), false)
	if err != nil {
		return err
	}
	return run(day, parts, opt, s)
}

// StreamTotals writes only the per-agency totals (with a total row) of the report whose parts parts
// yields, as WriteTotals does; XLSX writes the whole workbook, its findings streamed as Stream does.
func StreamTotals(w io.Writer, day time.Time, parts Parts, f Format, opt Options) error {
	opt.Rules = nil
	s, err := newSink(w, f, opt.en(), true)
	if err != nil {
		return err
	}
	return run(day, parts, opt, s)
}

// Prefetch yields the parts of parts as they are, with the next one made (read, decoded, evaluated) in
// another goroutine while fn writes the one before: the writing of a part and the making of the next use
// both cores. It holds at most two parts: the one being written and the next, being made or made and
// waiting. fn's error stops parts (its fn returns errStopped, which parts returns) and is returned; a panic
// in parts comes back as an error. Only for parts whose making shares nothing with the writing (the
// Options' RoomNumber included) but the parts themselves: the CLI's report uses it; api's does not (its
// room book follows the part being written).
func Prefetch(parts Parts) Parts {
	return func(fn func(part *floorplan.Report) error) error {
		next := make(chan *floorplan.Report)
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			defer close(next)
			defer func() {
				if r := recover(); r != nil {
					done <- fmt.Errorf("report: making the parts: %v", r)
				}
			}()
			done <- parts(func(p *floorplan.Report) error {
				select {
				case next <- p:
					return nil
				case <-stop:
					return errStopped
				}
			})
		}()
		for p := range next {
			if err := fn(p); err != nil {
				close(stop)
				for range next { // let parts see stop and end
				}
				<-done
				return err
			}
		}
		return <-done
	}
}

// errStopped ends the parts of Prefetch when the writer has failed.
var errStopped = errors.New("report: stopped")

// head is what precedes the rows of every format: the day and the notes.
type head struct {
	AsOf  string
	Notes []NoteRow
}

// sink is one format's writer of a streamed report: start once before any row, finding per row (only
// when the format shows findings), finish once at the end with the per-agency rows in their order and
// their sum, close always (after finish, or instead of it on an error).
type sink interface {
	start(h *head) error
	finding(r *FindingRow) error
	finish(h *head, findings int, agencies []AgencyRow, total AgencyRow) error
	close() error
	wantsFindings() bool
}

// newSink returns the writer of format f to w; totals chooses WriteTotals's output. An unknown format
// is an error before anything is written.
func newSink(w io.Writer, f Format, en, totals bool) (sink, error) {
	switch f {
	case JSON:
		return newJSONSink(w, totals), nil
	case CSV:
		return newCSVSink(w, en, totals), nil
	case XLSX:
		return &xlsxSink{w: w, en: en}, nil
	case Table, "":
		return &tableSink{w: w, en: en, totals: totals}, nil
	}
	return nil, floorplan.Invalidf("format %q is not one of table, csv, json, xlsx", string(f))
}

// agencySort is a per-agency row with the name its report gave, which breaks ties of display names as
// floorplan.Report's order (name, then id) does.
type agencySort struct {
	row  AgencyRow
	name string
}

// run feeds the parts to s: the head from the first part, each part's findings as rows, and at the end
// the per-agency rows sorted by the displayed name (then the report's name and the agency id: the
// report's own order), with their sum.
func run(day time.Time, parts Parts, opt Options, s sink) (err error) {
	defer func() {
		if cerr := s.close(); err == nil {
			err = cerr
		}
	}()
	keepRule := map[string]bool{}
	for _, r := range opt.Rules {
		keepRule[r] = true
	}
	var h *head
	var agencies []agencySort
	findings := 0
	err = parts(func(p *floorplan.Report) error {
		if p == nil {
			return fmt.Errorf("report: %w: no report", floorplan.ErrInvalid)
		}
		if h == nil {
			h = headOf(p.AsOf, p.Notes, opt)
			if err := s.start(h); err != nil {
				return err
			}
		}
		n := newNames(p, opt)
		if s.wantsFindings() {
			for i := range p.Findings {
				f := &p.Findings[i]
				if !keepFinding(f, opt, keepRule) {
					continue
				}
				row := findingRow(f, n)
				if err := s.finding(&row); err != nil {
					return err
				}
				findings++
			}
		}
		for i := range p.Agencies {
			if a := &p.Agencies[i]; opt.AgencyID == uuid.Nil || a.AgencyID == opt.AgencyID {
				agencies = append(agencies, agencySort{row: agencyRow(a, n), name: a.Name})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if h == nil {
		h = headOf(day, []floorplan.Note{}, opt)
		if err := s.start(h); err != nil {
			return err
		}
	}
	rows, total := sortedAgencies(agencies, opt)
	return s.finish(h, findings, rows, total)
}

// headOf is the head of a report of day with notes, in opt's language.
func headOf(asOf time.Time, notes []floorplan.Note, opt Options) *head {
	h := &head{AsOf: day(asOf), Notes: make([]NoteRow, 0, len(notes))}
	for _, nt := range notes {
		row := NoteRow{Code: nt.Code, Message: nt.Message}
		if opt.en() {
			row.Message = nt.MessageEN
		}
		h.Notes = append(h.Notes, row)
	}
	return h
}

// keepFinding reports whether opt keeps f: its agency (Options.AgencyID) and its rule (keepRule, empty
// for all).
func keepFinding(f *floorplan.Finding, opt Options, keepRule map[string]bool) bool {
	if opt.AgencyID != uuid.Nil && f.AgencyID != opt.AgencyID {
		return false
	}
	return len(keepRule) == 0 || keepRule[f.RuleID]
}

// sortedAgencies sums the per-agency rows into the total row ("合计" / "Total") in floorplan.Report's
// order of agencies (name, then id), so that the sum does not depend on how the parts came, and orders
// them by displayed name, ties kept in that order.
func sortedAgencies(list []agencySort, opt Options) ([]AgencyRow, AgencyRow) {
	slices.SortFunc(list, func(a, b agencySort) int {
		return cmp.Or(strings.Compare(a.name, b.name), slices.Compare(a.row.AgencyID[:], b.row.AgencyID[:]))
	})
	total := AgencyRow{Agency: "合计"}
	if opt.en() {
		total.Agency = "Total"
	}
	rows := make([]AgencyRow, len(list))
	for i, a := range list {
		rows[i] = a.row
		total.People += a.row.People
		total.Rooms += a.row.Rooms
		total.OfficeAreaM2 += a.row.OfficeAreaM2
		total.StandardAreaM2 += a.row.StandardAreaM2
		total.OfficeSpaceAreaM2 += a.row.OfficeSpaceAreaM2
		total.ApprovedAreaM2 += a.row.ApprovedAreaM2
		total.Findings += a.row.Findings
	}
	slices.SortStableFunc(rows, func(a, b AgencyRow) int { return strings.Compare(a.Agency, b.Agency) })
	return rows, total
}

// docSink collects the rows into a Document (Build).
type docSink struct{ doc *Document }

func (d *docSink) start(h *head) error {
	d.doc.AsOf, d.doc.Notes = h.AsOf, h.Notes
	return nil
}

func (d *docSink) finding(r *FindingRow) error {
	d.doc.Findings = append(d.doc.Findings, *r)
	return nil
}

func (d *docSink) finish(_ *head, _ int, agencies []AgencyRow, total AgencyRow) error {
	d.doc.Agencies, d.doc.Total = agencies, total
	return nil
}

func (d *docSink) close() error        { return nil }
func (d *docSink) wantsFindings() bool { return true }

// RoomNumbersFrom returns an Options.RoomNumber for streamed reports: a part knows the numbers of its
// own agency's rooms only, and a finding may name another agency's room (a person's office there).
// It reads such a room with room (a store's Room: the number as now known) once, remembering it; a room
// it cannot read is shown by its id.
func RoomNumbersFrom(ctx context.Context, room func(context.Context, uuid.UUID) (floorplan.Room, error)) func(uuid.UUID) string {
	known := map[uuid.UUID]string{}
	return func(id uuid.UUID) string {
		n, ok := known[id]
		if !ok {
			if r, err := room(ctx, id); err == nil {
				n = r.Number
			}
			known[id] = n
		}
		return n
	}
}
