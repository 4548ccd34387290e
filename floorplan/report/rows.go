// Package report writes the findings of an evaluation (floorplan.Report) for people and scripts:
// JSON, CSV (UTF-8 with a byte-order mark, so Excel opens Chinese text), XLSX with a findings sheet
// (超标问题) and a per-agency sheet (单位汇总), and a fixed-width text table for a terminal.
//
// Every format carries the same rows: one per finding with its rule, severity, agency, person,
// rooms, areas, excess, deadline, legal source, sentence and policy basis, and one per agency with its
// people, rooms and areas. The report's notes (floorplan.Report.Notes, e.g. a day before the register
// began) come first: the JSON member "notes", and a line each before the rows of CSV, XLSX and the
// table. Names come from the report; Options can supply the ones it lacks.
//
// Stream writes a report from its parts, agency by agency (floorplan.Register.EvaluateParts), as they
// are made: memory is one part and the per-agency totals, whatever the register's size. Write is Stream
// over the whole report, for callers that hold one (an evaluation as recorded, which is rebuilt whole).
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Format is an output format.
type Format string

// Formats.
const (
	JSON  Format = "json"
	CSV   Format = "csv"
	XLSX  Format = "xlsx"
	Table Format = "table"
)

// ParseFormat reads a format name; "" means Table. Unknown names give an error wrapping
// floorplan.ErrInvalid.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return Table, nil
	case JSON, CSV, XLSX, Table:
		return f, nil
	}
	return "", floorplan.Invalidf("format %q is not one of table, csv, json, xlsx", s)
}

// ContentType is the media type of the format, for HTTP.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json; charset=utf-8"
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/plain; charset=utf-8"
}

// Ext is the file name extension of the format, with its dot.
func (f Format) Ext() string {
	if f == Table {
		return ".txt"
	}
	return "." + string(f)
}

// Options control what is written and how.
type Options struct {
	// Lang is "zh" (the default) or "en": the language of headers, severities and sentences.
	Lang string
	// AgencyID keeps only the findings and the totals of one agency; uuid.Nil keeps all.
	AgencyID uuid.UUID
	// Rules keeps only the findings of these rule ids (e.g. floorplan.RuleOverStandard); empty keeps all.
	Rules []string
	// AgencyName, PersonName and RoomNumber supply names the report lacks (nil: the id is shown). A
	// streamed part knows only its own agency's rooms: RoomNumbersFrom names the others.
	AgencyName func(uuid.UUID) string
	PersonName func(uuid.UUID) string
	RoomNumber func(uuid.UUID) string
}

func (o Options) en() bool { return strings.HasPrefix(strings.ToLower(o.Lang), "en") }

// Document is everything a report contains; it is the JSON format's shape.
type Document struct {
	AsOf string `json:"as_of"` // YYYY-MM-DD
	// Notes qualify the whole report (floorplan.Report.Notes), in the report's language; every format
	// prints them before its rows.
	Notes    []NoteRow    `json:"notes"`
	Findings []FindingRow `json:"findings"`
	Agencies []AgencyRow  `json:"agencies"`
	// Total sums the agencies' rows (Agency is "合计" / "Total").
	Total AgencyRow `json:"total"`
}

// NoteRow is one note on the whole report.
type NoteRow struct {
	Code    string `json:"code"` // e.g. floorplan.NoteBeforeRegister
	Message string `json:"message"`
}

// FindingRow is one finding as reports show it: ids, names and numbers.
type FindingRow struct {
	RuleID     string      `json:"rule_id"`
	Rule       string      `json:"rule"` // the rule's title in the report's language
	Severity   string      `json:"severity"`
	Subject    string      `json:"subject"`
	SubjectID  uuid.UUID   `json:"subject_id"`
	AgencyID   uuid.UUID   `json:"agency_id"`
	Agency     string      `json:"agency"`
	PersonID   uuid.UUID   `json:"person_id"`
	Person     string      `json:"person"`
	RoomIDs    []uuid.UUID `json:"room_ids"`
	Rooms      []string    `json:"rooms"` // room numbers
	AreaM2     float64     `json:"area_m2"`
	StandardM2 float64     `json:"standard_m2"`
	ExcessM2   float64     `json:"excess_m2"`
	ExcessPct  float64     `json:"excess_pct"`
	Deadline   string      `json:"deadline,omitempty"` // YYYY-MM-DD
	Action     string      `json:"action,omitempty"`
	Source     string      `json:"source"`
	Message    string      `json:"message"`
	// Basis names the policy choices the verdict depends on (floorplan.Finding.Basis).
	Basis string `json:"basis,omitempty"`
}

// AgencyRow is one agency's totals.
type AgencyRow struct {
	AgencyID          uuid.UUID `json:"agency_id"`
	Agency            string    `json:"agency"`
	People            int       `json:"people"`
	Rooms             int       `json:"rooms"`
	OfficeAreaM2      float64   `json:"office_area_m2"`
	StandardAreaM2    float64   `json:"standard_area_m2"`
	OfficeSpaceAreaM2 float64   `json:"office_space_area_m2"`
	ApprovedAreaM2    float64   `json:"approved_area_m2"`
	Findings          int       `json:"findings"`
}

// names resolves display names: the report's first, then Options' functions, then the id. The report's
// people and rooms are indexed on the first look-up: a part made by filtering (api's scope) has no index
// of its own, and Report.Person and Report.Room would scan.
type names struct {
	rep      *floorplan.Report
	opt      Options
	agencies map[uuid.UUID]string
	rules    map[string]floorplan.Rule
	people   map[uuid.UUID]string // by id, indexed on first use
	rooms    map[uuid.UUID]string
}

func newNames(rep *floorplan.Report, opt Options) *names {
	n := &names{rep: rep, opt: opt, agencies: make(map[uuid.UUID]string, len(rep.Agencies)),
		rules: map[string]floorplan.Rule{}}
	for _, a := range rep.Agencies {
		if a.Name != "" {
			n.agencies[a.AgencyID] = a.Name
		}
	}
	for _, r := range floorplan.Rules() {
		n.rules[r.ID] = r
	}
	return n
}

// agency names an agency: its name in the report, else Options.AgencyName's, else its id; "" for none.
func (n *names) agency(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return nameOr(n.agencies[id], n.opt.AgencyName, id)
}

// person names a person: their name in the report, else Options.PersonName's, else their id; "" for none.
func (n *names) person(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	if n.people == nil {
		n.people = make(map[uuid.UUID]string, len(n.rep.People))
		for _, p := range n.rep.People {
			n.people[p.PersonID] = p.Name
		}
	}
	return nameOr(n.people[id], n.opt.PersonName, id)
}

// room names a room: its number in the report, else Options.RoomNumber's, else its id.
func (n *names) room(id uuid.UUID) string {
	if n.rooms == nil {
		n.rooms = make(map[uuid.UUID]string, len(n.rep.Rooms))
		for _, r := range n.rep.Rooms {
			n.rooms[r.RoomID] = r.Number
		}
	}
	return nameOr(n.rooms[id], n.opt.RoomNumber, id)
}

// nameOr returns known unless it is empty, else what fallback (when set) gives for id unless that is
// empty, else id itself.
func nameOr(known string, fallback func(uuid.UUID) string, id uuid.UUID) string {
	if known != "" {
		return known
	}
	if fallback != nil {
		if s := fallback(id); s != "" {
			return s
		}
	}
	return id.String()
}

func (n *names) rule(id string) string {
	r, ok := n.rules[id]
	switch {
	case !ok:
		return id
	case n.opt.en():
		return r.TitleEN
	}
	return r.Title
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(floorplan.DateLayout)
}

// Build turns a report into the rows every format writes, filtered by opt.
func Build(rep *floorplan.Report, opt Options) (*Document, error) {
	if rep == nil {
		return nil, fmt.Errorf("report: %w: no report", floorplan.ErrInvalid)
	}
	doc := &Document{Findings: make([]FindingRow, 0, len(rep.Findings))}
	if err := run(rep.AsOf, Whole(rep), opt, &docSink{doc: doc}); err != nil {
		return nil, err
	}
	return doc, nil
}

// findingRow is the row of finding f, named by n.
func findingRow(f *floorplan.Finding, n *names) FindingRow {
	row := FindingRow{
		RuleID: f.RuleID, Rule: n.rule(f.RuleID), Severity: f.Severity, Subject: string(f.Subject),
		SubjectID: f.SubjectID, AgencyID: f.AgencyID, Agency: n.agency(f.AgencyID),
		PersonID: f.PersonID, Person: n.person(f.PersonID),
		RoomIDs: f.RoomIDs, Rooms: make([]string, len(f.RoomIDs)),
		AreaM2: f.AreaM2, StandardM2: f.StandardM2, ExcessM2: f.ExcessM2, ExcessPct: f.ExcessPct,
		Deadline: day(f.Deadline), Action: f.ActionZH, Source: f.Source, Message: f.Message, Basis: f.Basis,
	}
	if row.RoomIDs == nil {
		row.RoomIDs = []uuid.UUID{}
	}
	for k, id := range f.RoomIDs {
		row.Rooms[k] = n.room(id)
	}
	if n.opt.en() {
		row.Action, row.Message, row.Basis = f.Action, f.MessageEN, f.BasisEN
	}
	return row
}

// agencyRow is the row of an agency's totals, named by n.
func agencyRow(a *floorplan.AgencyTotals, n *names) AgencyRow {
	return AgencyRow{AgencyID: a.AgencyID, Agency: n.agency(a.AgencyID), People: a.People, Rooms: a.Rooms,
		OfficeAreaM2: a.OfficeAreaM2, StandardAreaM2: a.StandardAreaM2, OfficeSpaceAreaM2: a.OfficeSpaceAreaM2,
		ApprovedAreaM2: a.ApprovedAreaM2, Findings: a.Findings}
}

// severity is the display word of a severity.
func severity(s string, en bool) string {
	if en {
		return s
	}
	switch s {
	case floorplan.SeverityViolation:
		return "违规"
	case floorplan.SeverityTolerated:
		return "暂缓整改"
	case floorplan.SeverityNotice:
		return "提示"
	}
	return s
}

// roomsList joins room numbers for one cell.
func roomsList(rooms []string, en bool) string {
	if en {
		return strings.Join(rooms, ", ")
	}
	return strings.Join(rooms, "、")
}

// findingHeader and the cells of a finding, shared by CSV, XLSX and the table.
func findingHeader(en bool) []string {
	if en {
		return []string{"Rule ID", "Rule", "Severity", "Agency", "Person", "Rooms", "Area (m²)", "Standard (m²)",
			"Excess (m²)", "Excess (%)", "Deadline", "Action", "Legal source", "Finding", "Agency ID", "Person ID", "Room IDs",
			"Policy basis"}
	}
	return []string{"规则编号", "规则", "严重程度", "使用单位", "人员", "房间", "使用面积(m²)", "标准面积(m²)",
		"超标面积(m²)", "超标比例(%)", "整改期限", "处理意见", "依据", "问题说明", "单位ID", "人员ID", "房间ID", "判定口径"}
}

func agencyHeader(en bool) []string {
	if en {
		return []string{"Agency", "People", "Rooms", "Office area (m²)", "Standard area (m²)",
			"Office space area (m²)", "Approved area (m²)", "Findings", "Agency ID"}
	}
	return []string{"使用单位", "人数", "房间数", "办公室面积(m²)", "标准面积(m²)", "办公用房面积(m²)", "核定面积(m²)",
		"问题数", "单位ID"}
}

// noteLine is a note as one line of text, with its label.
func noteLine(n NoteRow, en bool) string {
	if en {
		return "Note: " + n.Message
	}
	return "注：" + n.Message
}

func idCell(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

func idsCell(ids []uuid.UUID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, " ")
}
