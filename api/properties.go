package api

import (
	"net/http"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/properties"
)

// The bureau's property register over HTTP (issue 16): POST /api/v1/imports/properties takes an .xlsx
// workbook or a CSV file of properties (properties.Import) and makes the register's sites and their title
// records say what it says, all-or-nothing, idempotent. It is the bureau's: its route needs
// write_register (the bureau administrator), and the register's permission hook checks each site where it
// is (its district) and where the file puts it.

// propertiesRouteRules are the authorisation rules of the property register's import and of the archive
// of every property, for routeRules.
func propertiesRouteRules() map[string]routeRule {
	const v1 = "/api/v1"
	return map[string]routeRule{
		"POST " + v1 + "/imports/properties": audited(may(identity.ActionWriteRegister), "import"),
		"GET " + v1 + "/archive.zip":         audited(may(identity.ActionExport), "export.archive"),
		"GET " + v1 + "/exports/properties":  audited(may(identity.ActionExport), "export"),
	}
}

// importProperties imports the request body, a property register (.xlsx, or CSV in UTF-8, GB18030 or
// UTF-16), with properties.Import: every row checked, matched by title number or by name and address,
// all-or-nothing, nothing written with dry_run. Parameters: dry_run, sheet, map (header=field pairs,
// comma-separated, fields of the layout), filename. A rejected file is a 422 import_rejected whose
// problems name each row and column, told in Chinese when Accept-Language ranks Chinese first.
func (s *Server) importProperties(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	opt := properties.Options{DryRun: q.bool("dry_run"), Sheet: r.URL.Query().Get("sheet"), Lang: requestLang(r),
		Classification: s.cfg.Classification}
	if q.err != nil {
		return q.err
	}
	if raw := r.URL.Query().Get("map"); raw != "" {
		m, err := properties.ParseMap(raw)
		if err != nil {
			e := badRequest("parameter map: %s", imports.ErrorIn(err, "en"))
			e.MessageZH = "参数 map 有误：" + imports.ErrorIn(err, "zh")
			return e
		}
		opt.Map = m
	}
	name, data, err := readSheetUpload(r, "properties", "property register", "房产台账")
	if err != nil {
		return err
	}
	sum, err := properties.Import(r.Context(), s.register, name, data, opt)
	if err != nil {
		return importError(err, opt.Lang)
	}
	return writeJSON(w, http.StatusOK, sum)
}

// exportProperties writes the properties the caller's scope shows in the import's layout
// (properties.Export), as format=xlsx (default) or csv, headers and labels in lang (zh by default, or en):
// to edit and import back.
func (s *Server) exportProperties(w http.ResponseWriter, r *http.Request) error {
	x, err := s.sheetExportOf(r)
	if err != nil {
		return err
	}
	keep := func(site floorplan.Site) bool { return x.scope.site(site.ID) }
	t, err := properties.Export(r.Context(), s.store, properties.ExportOptions{Lang: x.lang, Keep: keep, Classification: s.cfg.Classification})
	if err != nil {
		return err
	}
	return x.attach(w, t, "properties")
}
