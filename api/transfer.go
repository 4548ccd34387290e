package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/source"
	"officemap/geo"
)

// exportFormats are the {format} values of the export route.
var exportFormats = []string{"geojson", "imdf", "gpkg", "csv", "xlsx"}

func known(formats []string, f string) bool {
	for _, k := range formats {
		if k == f {
			return true
		}
	}
	return false
}

// importFile imports the request body, a file of {format}, all-or-nothing (source.Import). A
// rejected file is a 422 import_rejected listing the problems; nothing is written. The summary's notes,
// warnings and reasons, like the problems of a rejection, are told in Chinese when Accept-Language
// ranks Chinese first (prefersChinese, as error messages are), else in English.
func (s *Server) importFile(w http.ResponseWriter, r *http.Request) error {
	req, err := s.importRequest(r)
	if err != nil {
		return err
	}
	if req.Data, err = io.ReadAll(r.Body); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return badRequest("the request body could not be read")
	}
	if len(req.Data) == 0 {
		return badRequest("the request body is empty; it must be the %s file", strings.ToLower(req.Format))
	}
	sum, err := source.Import(r.Context(), s.register, req)
	if err != nil {
		return importError(err, req.Lang)
	}
	if sum.Skipped == nil {
		sum.Skipped = []imports.Problem{}
	}
	if sum.Notes == nil {
		sum.Notes = []string{}
	}
	return writeJSON(w, http.StatusOK, sum)
}

// importRequest reads an import's query parameters and language into a validated source.Request.
func (s *Server) importRequest(r *http.Request) (source.Request, error) {
	qv, q := r.URL.Query(), queryOf(r)
	req := source.Request{Format: mux.Vars(r)["format"], Name: qv.Get("filename"), Building: qv.Get("building"),
		RoomsLayer: qv.Get("rooms_layer"), LabelsLayer: qv.Get("labels_layer"), NamesLayer: qv.Get("names_layer"),
		OutlineLayer: qv.Get("outline_layer"), Units: qv.Get("units"), SiteID: q.uuid("site_id"),
		IgnoreFootprint: q.bool("ignore_footprint"), SkipInvalid: q.bool("skip_invalid"), DryRun: q.bool("dry_run"),
		Usages: s.cfg.UsageMap, Lang: "en"}
	if q.err != nil {
		return req, q.err
	}
	if prefersChinese(r.Header.Get("Accept-Language")) {
		req.Lang = "zh-CN"
	}
	if raw := qv.Get("origin"); raw != "" {
		p, err := geo.ParseLonLat(raw)
		if err != nil {
			return req, badParam("origin", err.Error())
		}
		req.Origin = &p
	}
	var err error
	for _, p := range []struct {
		name, what string
		to         **float64
	}{{"rotation", "a number of degrees", &req.Rotation}, {"snap", "a number of metres", &req.Snap},
		{"max_repair", "a number of m²", &req.MaxRepair}} {
		if *p.to, err = queryNumber(qv, p.name, p.what); err != nil {
			return req, err
		}
	}
	if qv.Has("level") {
		level, err := queryInt(r, "level", 0, source.MinLevel, source.MaxLevel)
		if err != nil {
			return req, err
		}
		req.Level = &level
	}
	if req.ValidFrom, err = queryDate(r, "valid_from"); err != nil {
		return req, err
	}
	if err := req.Validate(); err != nil {
		return req, requestError(err)
	}
	return req, nil
}

// queryNumber reads an optional number parameter: nil when it is absent; what says what it must be.
func queryNumber(qv url.Values, name, what string) (*float64, error) {
	raw := qv.Get(name)
	if raw == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return nil, badParam(name, fmt.Sprintf("must be %s, not %q", what, raw))
	}
	return &v, nil
}

// requestError maps a source.Request that Validate refused to a 400 naming the parameter, in English
// and Chinese.
func requestError(err error) error {
	var pe *source.ParamError
	if !errors.As(err, &pe) {
		return badRequest("%s", err.Error())
	}
	if pe.Param == "format" {
		e := badRequest("%s", pe.Problem)
		e.MessageZH = pe.ProblemIn("zh")
		return e
	}
	e := badParam(pe.Param, pe.Problem)
	e.MessageZH = fmt.Sprintf("参数 %s 有误：%s", pe.Param, pe.ProblemIn("zh"))
	return e
}

// flagsAsParams names the CLI's flags that the readers' and the importer's messages give (a hint such
// as "--skip-invalid imports the rest") by the query parameters of an import over HTTP.
var flagsAsParams = strings.NewReplacer("--skip-invalid", "skip_invalid=true", "--ignore-footprint", "ignore_footprint=true",
	"--rooms-layer", "rooms_layer", "--labels-layer", "labels_layer", "--names-layer", "names_layer",
	"--outline-layer", "outline_layer", "--units", "units", "--origin", "origin", "--rotation", "rotation",
	"--level", "level", "--building", "building", "--site", "site_id", "--snap", "snap", "--max-repair", "max_repair")

// importError maps a rejected source to 422 import_rejected with its problems, told in lang; other
// errors (the store's) go to the adapter as they are.
func importError(err error, lang string) error {
	var ie *imports.Error
	if !errors.As(err, &ie) {
		return err
	}
	forHTTP := func(msg string) string { return flagsAsParams.Replace(safeReason(msg)) }
	problems := make([]imports.Problem, len(ie.Problems))
	for i, p := range ie.Problems {
		problems[i] = p.In(lang)
		problems[i].Reason = forHTTP(problems[i].Reason)
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "import_rejected",
		Message:   forHTTP(ie.Error()),
		MessageZH: "导入被拒绝，未写入任何数据：" + forHTTP(ie.In("zh")),
		Extra:     map[string]any{"file": ie.File, "problems": problems}, Err: err}
}

// safeReason keeps database text away from clients: a reason that looks like it is replaced by a fixed
// sentence.
func safeReason(s string) string {
	if strings.Contains(s, "SQLSTATE") || strings.Contains(s, "pgx") {
		return "the store refused the record"
	}
	return s
}

// exportFile writes the register (or one building, or one floor for geojson) as a file of {format},
// as an attachment.
func (s *Server) exportFile(w http.ResponseWriter, r *http.Request) error {
	format := strings.ToLower(mux.Vars(r)["format"])
	if !known(exportFormats, format) {
		return badRequest("unknown export format %q (use %s)", format, strings.Join(exportFormats, ", "))
	}
	ctx := r.Context()
	q := queryOf(r)
	opt := exports.Options{BuildingID: q.uuid("building_id"), FloorID: q.uuid("floor_id")}
	if q.err != nil {
		return q.err
	}
	if opt.FloorID != uuid.Nil && format != "geojson" {
		return badParam("floor_id", "applies to geojson exports only")
	}
	lang, err := choice("zh", map[string]string{"zh": "zh", "en": "en"}, "zh or en")(r, "lang")
	if err != nil {
		return err
	}
	base := "officemap"
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	if opt.BuildingID != uuid.Nil {
		if _, err := s.store.Building(ctx, opt.BuildingID); err != nil {
			return about("building", err)
		}
		if !sc.building(opt.BuildingID) {
			return s.denyRead(ctx, "building", opt.BuildingID)
		}
		base += "-" + opt.BuildingID.String()[:8]
	}
	if opt.FloorID != uuid.Nil {
		f, err := s.store.Floor(ctx, opt.FloorID)
		if err != nil {
			return about("floor", err)
		}
		if !sc.building(f.BuildingID) {
			return s.denyRead(ctx, "floor", opt.FloorID)
		}
		base += "-floor-" + opt.FloorID.String()[:8]
	}
	d, err := exports.Load(ctx, s.store, opt)
	if err != nil {
		return err
	}
	d = sc.data(d)
	base += "-" + d.AsOf.Format(floorplan.DateLayout)

	attach := func(contentType, ext string) {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, base, ext))
		h.Set("X-Content-Type-Options", "nosniff")
	}
	// Every format but gpkg is written to memory first, so that a failure is still an error response.
	var buf bytes.Buffer
	switch format {
	case "geojson":
		err = exports.WriteGeoJSON(&buf, d, exports.GeoJSONOptions{})
		attach("application/geo+json", "geojson")
	case "imdf":
		_, err = exports.WriteIMDF(&buf, d, "officemap")
		attach("application/zip", "imdf.zip")
	case "csv":
		err = exports.WriteCSV(&buf, d, exports.TableOptions{Lang: lang})
		attach("text/csv; charset=utf-8", "csv")
	case "xlsx":
		err = exports.WriteXLSX(&buf, d, exports.TableOptions{Lang: lang})
		attach("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
	case "gpkg":
		return s.exportGeoPackage(w, r, d, func() { attach("application/geopackage+sqlite3", "gpkg") })
	}
	if err != nil {
		return fmt.Errorf("api: export %s: %w", format, err)
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
	return nil
}

// exportGeoPackage writes a GeoPackage to a temporary file with Deps.ExportGeoPackage, streams it and
// removes it.
func (s *Server) exportGeoPackage(w http.ResponseWriter, r *http.Request, d *exports.Data, attach func()) error {
	if s.exportGeoPackageTo == nil {
		return &apiError{Status: http.StatusNotImplemented, Code: "not_implemented",
			Message:   "this server was started without a GeoPackage writer; export geojson, imdf, csv or xlsx",
			MessageZH: "此服务未配置 GeoPackage 导出，请改用 geojson、imdf、csv 或 xlsx 格式"}
	}
	dir, err := os.MkdirTemp("", "officemap-export-")
	if err != nil {
		return fmt.Errorf("api: export gpkg: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "export.gpkg")
	if err := s.exportGeoPackageTo(r.Context(), d, path); err != nil {
		return fmt.Errorf("api: export gpkg: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("api: export gpkg: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("api: export gpkg: %w", err)
	}
	attach()
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f)
	return nil
}
