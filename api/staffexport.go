package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/imports/sheet"
	"officemap/floorplan/imports/staff"
)

// The staff spreadsheets out: the empty template of each kind, and the register's agencies, people and
// assignments exported in exactly that layout, so that a clerk can export, edit and import back.

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// staffExportRouteRules are the authorisation rules of the templates and the staff exports, for
// routeRules. A template holds no data: anyone who may import staff gets it (an agency manager keeps its
// people: write_people). The exports are audited like the other exports (export.agencies …); people and
// assignments are personal data, exported by a role that exports or keeps its people and sees personal
// data (a viewer is refused), each record then kept or not by the caller's scope.
func staffExportRouteRules() map[string]routeRule {
	const v1 = "/api/v1"
	personalExport := routeRule{access: accessAction, action: identity.ActionExport, orAction: identity.ActionWritePeople,
		personal: true, audit: "export"}
	return map[string]routeRule{
		"GET " + v1 + "/templates/{kind}.xlsx":                {access: accessAction, action: identity.ActionImport, orAction: identity.ActionWritePeople},
		"GET " + v1 + "/exports/" + string(staff.Agencies):    audited(may(identity.ActionExport), "export"),
		"GET " + v1 + "/exports/" + string(staff.People):      personalExport,
		"GET " + v1 + "/exports/" + string(staff.Assignments): personalExport,
	}
}

// staffExportRoutes registers the template and staff export routes with get; the exports go before
// GET /exports/{format}, which would take their paths otherwise.
func (s *Server) staffExportRoutes(get func(path string, h handlerFunc)) {
	const v1 = "/api/v1"
	get(v1+"/templates/{kind}.xlsx", s.staffTemplate)
	for _, k := range staff.Kinds {
		get(v1+"/exports/"+string(k), gated(s.exports, s.exportStaff(k)))
	}
}

// staffTemplate writes the empty XLSX template of a kind (staff.WriteTemplate), its headers and
// instructions in lang (zh by default, or en).
func (s *Server) staffTemplate(w http.ResponseWriter, r *http.Request) error {
	k := staff.Kind(mux.Vars(r)["kind"])
	if !k.Valid() {
		return errRouteNotFound()
	}
	lang, err := documentLang(r, "lang")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := staff.WriteTemplate(&buf, k, lang); err != nil {
		return fmt.Errorf("api: template %s: %w", k, err)
	}
	return attachment(w, &buf, xlsxType, "officemap-"+string(k)+"-template.xlsx")
}

// exportStaff writes the register's records of kind k in its template's layout (staff.Export), as xlsx
// (the default) or csv (UTF-8 with a byte-order mark), in lang (zh by default: ranks and statuses as
// their Chinese labels; en: their keys). Only the records of the caller's scope are written: an agency
// manager gets its agency's people and their assignments.
func (s *Server) exportStaff(k staff.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		x, err := s.sheetExportOf(r)
		if err != nil {
			return err
		}
		t, err := staff.Export(r.Context(), s.store, k, staff.ExportOptions{Lang: x.lang, Scope: x.scope.read})
		if err != nil {
			return err
		}
		return x.attach(w, t, string(k))
	}
}

// sheetExport is what an export in an import's layout is asked for: its format, xlsx (the default) or
// csv; lang, the language of its headers and labels (zh by default, or en); and the caller's scope.
type sheetExport struct {
	format sheet.Format
	lang   string
	scope  scope
}

// sheetExportOf reads the parameters of an export in an import's layout (format, lang) and the
// caller's scope.
func (s *Server) sheetExportOf(r *http.Request) (sheetExport, error) {
	q := queryOf(r)
	x := sheetExport{format: nextParam(q, "format", choice(sheet.FormatXLSX, map[string]sheet.Format{"xlsx": sheet.FormatXLSX,
		"csv": sheet.FormatCSV}, "xlsx or csv"))}
	x.lang = nextParam(q, "lang", documentLang)
	if q.err != nil {
		return x, q.err
	}
	var err error
	x.scope, err = s.scopeOf(r.Context())
	return x, err
}

// attach answers 200 with the export t written in the format, as the file officemap-WHAT-DAY.FORMAT to
// download.
func (x sheetExport) attach(w http.ResponseWriter, t sheet.Writer, what string) error {
	var buf bytes.Buffer
	if err := sheet.Write(&buf, t, x.format); err != nil {
		return fmt.Errorf("api: export %s: %w", what, err)
	}
	contentType := xlsxType
	if x.format == sheet.FormatCSV {
		contentType = "text/csv; charset=utf-8"
	}
	name := fmt.Sprintf("officemap-%s-%s.%s", what, floorplan.DayOf(time.Now()).Format(floorplan.DateLayout), x.format)
	return attachment(w, &buf, contentType, name)
}

// attachment answers 200 with buf as a file to download.
func attachment(w http.ResponseWriter, buf *bytes.Buffer, contentType, name string) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
	return nil
}

// staffExportOperations documents the templates and the staff exports.
func staffExportOperations() []opDoc {
	const v1 = "/api/v1"
	binary := map[string]any{"type": "string", "format": "binary"}
	langParam := paramDoc{"lang", "language of the headers and labels: zh (default) or en", map[string]any{"type": "string", "enum": []string{"zh", "en"}}}
	ops := []opDoc{{method: "GET", path: v1 + "/templates/{kind}.xlsx", tag: "transfer",
		summary: "The empty XLSX template of a staff spreadsheet (kind: agencies, people or assignments): the header row of the import's layout (frozen), drop-down lists of the allowed values (levels, ranks, statuses, kinds) and an instructions sheet (说明) with each column's help, whether it is required, its allowed values and an example",
		query:   []paramDoc{langParam}, result: binary, resultType: xlsxType}}
	for _, k := range []struct{ kind, what string }{
		{"agencies", "the agencies (parents first)"},
		{"people", "the people (personal data: roles that see it; an agency manager gets its agency's people)"},
		{"assignments", "the room assignments (personal data: roles that see it; those whose person and room are in the caller's scope)"},
	} {
		ops = append(ops, opDoc{method: "GET", path: v1 + "/exports/" + k.kind, tag: "transfer",
			summary: "Export " + k.what + " in the layout of the template GET /api/v1/templates/" + k.kind + ".xlsx, to edit and import back (POST /api/v1/imports/" + k.kind + "); ranks, levels and statuses as their Chinese labels (lang=en: their keys); text cells neutralised against formulas",
			query: []paramDoc{
				q("format", paramDoc{"", "xlsx (the template's workbook) or csv (UTF-8 with BOM)", map[string]any{"type": "string", "enum": []string{"xlsx", "csv"}, "default": "xlsx"}}),
				langParam,
			}, result: binary, resultType: "application/octet-stream"})
	}
	return ops
}
