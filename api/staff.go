package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/sheet"
	"officemap/floorplan/imports/staff"
)

// The bureau's own spreadsheets over HTTP (issue 19): POST /api/v1/imports/{agencies|people|assignments}
// takes an .xlsx workbook or a CSV file of one kind (staff.Import), and PUT /api/v1/agencies/{id}/staff
// makes one agency's staff what the organisation department's system lists (staff.Sync). Both write
// through the register, all-or-nothing, so its permission hook decides what the caller may change: an
// agency manager imports and syncs the staff and assignments of its own agency (and sub-agencies) only,
// and a refusal writes nothing.

// maxSyncPeople bounds the people of one sync request: an agency's staff, not a city's.
const maxSyncPeople = 20000

// staffRouteRules are the authorisation rules of the staff routes, for routeRules. Agencies are the
// register's records (import); people and assignments are personal data, which a role that keeps its
// people (write_people: the agency manager) may import and sync as well as one that imports.
func staffRouteRules() map[string]routeRule {
	const v1 = "/api/v1"
	peopleImport := routeRule{access: accessAction, action: identity.ActionImport, orAction: identity.ActionWritePeople,
		personal: true, audit: "import"}
	sync := personal(may(identity.ActionWritePeople))
	sync.orAction, sync.audit = identity.ActionImport, "staff.sync"
	return map[string]routeRule{
		"POST " + v1 + "/imports/" + string(staff.Agencies):    audited(may(identity.ActionImport), "import"),
		"POST " + v1 + "/imports/" + string(staff.People):      peopleImport,
		"POST " + v1 + "/imports/" + string(staff.Assignments): peopleImport,
		"PUT " + v1 + "/agencies/{id}/staff":                   sync,
	}
}

// staffRoutes registers the staff routes with route; they go before POST /imports/{format}, which
// would take their paths otherwise.
func (s *Server) staffRoutes(route func(method, path string, h handlerFunc)) {
	const v1 = "/api/v1"
	for _, k := range staff.Kinds {
		route(http.MethodPost, v1+"/imports/"+string(k), gated(s.imports, s.importStaff(k)))
	}
	route(http.MethodPut, v1+"/agencies/{id}/staff", gated(s.imports, s.syncStaff))
}

// importStaff imports the request body, a spreadsheet of kind k (.xlsx, or CSV in UTF-8, GB18030 or
// UTF-16), with staff.Import: every row checked and matched by its stable key, all-or-nothing unless
// skip_invalid, nothing written with dry_run. A rejected file is a 422 import_rejected whose problems
// name each row and column; notes, problems and events are told in Chinese when Accept-Language ranks
// Chinese first, else in English (as the other imports tell them).
func (s *Server) importStaff(k staff.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		opt, err := staffOptions(r, k)
		if err != nil {
			return err
		}
		name, data, err := readSheetUpload(r, string(k), string(k)+" list", kindsZH[k]+"表")
		if err != nil {
			return err
		}
		sc, err := s.scopeOf(r.Context())
		if err != nil {
			return err
		}
		opt.Visible = sc.agency
		var preview *staffPreviewJSON
		if opt.DryRun {
			preview = staffPreview(k, name, data, opt)
		}
		sum, err := staff.Import(r.Context(), s.register, k, name, data, opt)
		if err != nil {
			err = importError(err, opt.Lang)
			if ae, ok := err.(*apiError); ok && ae.Extra != nil && preview != nil {
				ae.Extra["preview"] = preview // the rows, to show the problems on
			}
			return err
		}
		out := staffSummaryOut(sum)
		out.Preview = preview
		return writeJSON(w, http.StatusOK, out)
	}
}

// maxPreviewRows bounds the rows of a dry run's preview.
const maxPreviewRows = 1000

// staffPreviewJSON is the sheet a dry run read, as text, for the browser to show the problems on their
// rows: the header row and the rows below it (the first maxPreviewRows), each with its number in the
// sheet, as the problems name them.
type staffPreviewJSON struct {
	Header    []string         `json:"header"`
	HeaderRow int              `json:"header_row"`
	Rows      []previewRowJSON `json:"rows"`
	// More is the number of rows after the last one given.
	More int `json:"more"`
}

// previewRowJSON is one row of a preview: its number in the sheet and its cells.
type previewRowJSON struct {
	Row   int      `json:"row"`
	Cells []string `json:"cells"`
}

// staffPreview reads the sheet of an import as staff.Import does (sheet.Read) and returns its header row
// (the first row with two known headers of k's layout, or every column opt.Columns names) and the rows
// below it; nil when the sheet cannot be read, which the import's own error then says.
func staffPreview(k staff.Kind, name string, data []byte, opt staff.Options) *staffPreviewJSON {
	fd := sheet.Finder[string]{FieldOf: sheet.FieldOf(staff.Layout(k)), Explicit: opt.Columns,
		IsHeader: func(col map[string]int) bool { return len(col) >= 2 },
		NoHeader: func() *sheet.Failure { return &sheet.Failure{} }}
	g, f := sheet.Read(name, data, opt.Sheet, fd.Has)
	if f != nil {
		return nil
	}
	h, f := fd.Find(g.Rows)
	if f != nil || h == nil {
		return nil
	}
	p := &staffPreviewJSON{Header: g.Rows[h.Row], HeaderRow: g.Lines[h.Row], Rows: []previewRowJSON{}}
	for i := h.Row + 1; i < len(g.Rows); i++ {
		if len(p.Rows) == maxPreviewRows {
			p.More = len(g.Rows) - i
			break
		}
		p.Rows = append(p.Rows, previewRowJSON{Row: g.Lines[i], Cells: g.Rows[i]})
	}
	return p
}

// staffOptions reads the query parameters of a staff import: dry_run, skip_invalid, sheet, columns
// (field=header or field=letter pairs, comma-separated, fields of k's layout) and the language.
func staffOptions(r *http.Request, k staff.Kind) (staff.Options, error) {
	qv, q := r.URL.Query(), queryOf(r)
	opt := staff.Options{DryRun: q.bool("dry_run"), SkipInvalid: q.bool("skip_invalid"), Sheet: qv.Get("sheet"),
		Lang: requestLang(r)}
	if q.err != nil {
		return opt, q.err
	}
	cols, err := parseStaffColumns(k, qv.Get("columns"))
	if err != nil {
		return opt, err
	}
	opt.Columns = cols
	return opt, nil
}

// requestLang is the language an import tells its summary in: "zh-CN" when Accept-Language ranks Chinese
// first, else "en" (prefersChinese, as error messages are told).
func requestLang(r *http.Request) string {
	if prefersChinese(r.Header.Get("Accept-Language")) {
		return "zh-CN"
	}
	return "en"
}

// parseStaffColumns reads the columns parameter: "staff_no=人员编号,rank=D" names the column of a field
// by its header or its letter. Each field must be one of k's layout, named once; nil for "".
func parseStaffColumns(k staff.Kind, raw string) (map[string]string, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var fields []string
	for _, c := range staff.Layout(k) {
		fields = append(fields, c.Field)
	}
	out := map[string]string{}
	for _, pair := range strings.Split(raw, ",") {
		field, header, ok := strings.Cut(pair, "=")
		field, header = strings.TrimSpace(field), strings.TrimSpace(header)
		switch {
		case !ok || field == "" || header == "":
			return nil, columnsError(fmt.Sprintf("%q is not field=header", pair), fmt.Sprintf("“%s”不是“字段=表头”的形式", pair))
		case !slices.Contains(fields, field):
			return nil, columnsError(fmt.Sprintf("%q is not a field of the %s layout (%s)", field, k, strings.Join(fields, ", ")),
				fmt.Sprintf("“%s”不是%s表的字段（%s）", field, kindsZH[k], strings.Join(fields, "、")))
		case out[field] != "":
			return nil, columnsError(fmt.Sprintf("field %s is named twice", field), fmt.Sprintf("字段 %s 指定了两次", field))
		}
		out[field] = header
	}
	return out, nil
}

// columnsError is the 400 of a columns parameter that cannot be read.
func columnsError(en, zh string) *apiError {
	e := badRequest("parameter columns: %s", en)
	e.MessageZH = "参数 columns 有误：" + zh
	return e
}

// kindsZH names the kinds of staff spreadsheets in Chinese.
var kindsZH = map[staff.Kind]string{staff.Agencies: "单位", staff.People: "人员", staff.Assignments: "房间分配"}

// readSheetUpload reads the upload of a spreadsheet import: the file's name (the filename parameter, else
// def, the content telling .xlsx from CSV) and the request body, which must not be empty; what and whatZH
// name the list the body must be, for that error.
func readSheetUpload(r *http.Request, def, what, whatZH string) (string, []byte, error) {
	name := filepath.Base(r.URL.Query().Get("filename"))
	if name == "." || name == "/" {
		name = def
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", nil, err
		}
		return "", nil, badRequest("the request body could not be read")
	}
	if len(data) == 0 {
		e := badRequest("the request body is empty; it must be the %s (.xlsx or .csv)", what)
		e.MessageZH = "请求体为空；应为" + whatZH + "（.xlsx 或 .csv）"
		return "", nil, e
	}
	return name, data, nil
}

// staffSummaryOut returns the summary with its lists present (empty rather than absent), as clients
// read them.
func staffSummaryOut(sum *staff.Summary) staffSummaryJSON {
	out := staffSummaryJSON{File: sum.File, Kind: sum.Kind, DryRun: sum.DryRun, Rows: sum.Rows, Records: sum.Records,
		Problems: sum.Problems, Events: sum.Events, Notes: sum.Notes}
	if out.Problems == nil {
		out.Problems = []imports.Problem{}
	}
	if out.Events == nil {
		out.Events = []staff.Event{}
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	return out
}

// staffSummaryJSON is a staff import's or sync's summary on the wire (staff.Summary, its lists always
// present).
type staffSummaryJSON struct {
	File   string `json:"file"`
	Kind   string `json:"kind"`
	DryRun bool   `json:"dry_run"`
	// Rows is the number of rows read (the people of a sync).
	Rows    int          `json:"rows"`
	Records staff.Counts `json:"records"`
	// Problems are the rows skipped (skip_invalid), each naming its row and column.
	Problems []imports.Problem `json:"problems"`
	// Events are the changes that started a legal deadline: retirements, transfers, mergers.
	Events []staff.Event `json:"events"`
	Notes  []string      `json:"notes"`
	// Preview is the sheet a dry run of an import read (nil otherwise).
	Preview *staffPreviewJSON `json:"preview,omitempty"`
}

// staffSyncJSON documents the body of PUT /api/v1/agencies/{id}/staff (syncStaff reads the same
// members): the agency's staff as the organisation department's system lists them on as_of.
type staffSyncJSON struct {
	// AsOf is the day the list is true (YYYY-MM-DD): the status date of the people who left it.
	AsOf string `json:"as_of"`
	// People is the whole staff of the agency; someone in the register and not in the list has left.
	People []staff.StaffRow `json:"people"`
}

// syncStaff makes agency {id}'s staff what the body lists (staff.Sync): the people who joined are
// created, those whose rank, title, status or posts changed are updated, and those not listed have left
// as of as_of; all-or-nothing, nothing written with dry_run. Sending the same list again changes
// nothing. The agency must be one the caller reads (else 404); the register's permission hook decides
// whether the caller may change its staff (403, nothing written).
func (s *Server) syncStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := queryOf(r)
	opt := staff.Options{DryRun: q.bool("dry_run"), Lang: requestLang(r)}
	if q.err != nil {
		return q.err
	}
	var body struct {
		AsOf   *string           `json:"as_of"`
		People *[]staff.StaffRow `json:"people"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	asOf, err := syncBody(body.AsOf, body.People)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	_, err = s.store.Agency(ctx, id)
	if err := s.inScope(ctx, sc, "agency", id, id, about("agency", err)); err != nil {
		return err
	}
	opt.Visible = sc.agency
	sum, err := staff.Sync(ctx, s.register, id, asOf, *body.People, opt)
	if err != nil {
		return importError(err, opt.Lang)
	}
	return writeJSON(w, http.StatusOK, staffSummaryOut(sum))
}

// syncBody checks a sync's body: as_of a day, people present and not more than maxSyncPeople.
func syncBody(asOf *string, people *[]staff.StaffRow) (time.Time, error) {
	if asOf == nil || *asOf == "" {
		e := badRequest("as_of is missing: the day the list is true (YYYY-MM-DD)")
		e.MessageZH = "缺少 as_of：名单所反映的日期（YYYY-MM-DD）"
		return time.Time{}, e
	}
	day, err := floorplan.ParseDate(*asOf)
	if err != nil {
		e := badRequest("as_of %q is not a day (YYYY-MM-DD)", *asOf)
		e.MessageZH = fmt.Sprintf("as_of“%s”不是日期（YYYY-MM-DD）", *asOf)
		return time.Time{}, e
	}
	if people == nil {
		e := badRequest("people is missing: the agency's whole staff (an empty list says that nobody works there)")
		e.MessageZH = "缺少 people：该单位的全部人员（空列表表示该单位已无人员）"
		return time.Time{}, e
	}
	if len(*people) > maxSyncPeople {
		e := badRequest("people lists %d people; at most %d in one request", len(*people), maxSyncPeople)
		e.MessageZH = fmt.Sprintf("people 列出 %d 人；一次请求最多 %d 人", len(*people), maxSyncPeople)
		return time.Time{}, e
	}
	return day, nil
}
