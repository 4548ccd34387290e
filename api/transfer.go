package api

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/geojson"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/osm"
	"officemap/geo"
)

// importFormats and exportFormats are the {format} values of the import and export routes.
var (
	importFormats = []string{"dxf", "osm", "imdf", "geojson"}
	exportFormats = []string{"geojson", "imdf", "gpkg", "csv", "xlsx"}
)

// dxfOnlyParams are the import parameters that only a DXF import takes.
var dxfOnlyParams = []string{"rooms_layer", "labels_layer", "names_layer", "units"}

func known(formats []string, f string) bool {
	for _, k := range formats {
		if k == f {
			return true
		}
	}
	return false
}

// importFile imports the request body, a file of {format}, all-or-nothing (imports.Import). A
// rejected file is a 422 import_rejected listing the problems; nothing is written.
func (s *Server) importFile(w http.ResponseWriter, r *http.Request) error {
	format := strings.ToLower(mux.Vars(r)["format"])
	if !known(importFormats, format) {
		return badRequest("unknown import format %q (use %s)", format, strings.Join(importFormats, ", "))
	}
	qv := r.URL.Query()
	if format != "dxf" {
		for _, name := range dxfOnlyParams {
			if qv.Has(name) {
				return badParam(name, "applies to dxf imports only")
			}
		}
	}
	opt := imports.Options{Building: strings.TrimSpace(qv.Get("building"))}
	var err error
	if opt.SiteID, err = queryUUID(r, "site_id"); err != nil {
		return err
	}
	if opt.SkipInvalid, err = queryBool(r, "skip_invalid"); err != nil {
		return err
	}
	if opt.DryRun, err = queryBool(r, "dry_run"); err != nil {
		return err
	}
	if raw := qv.Get("origin"); raw != "" {
		p, err := geo.ParseLonLat(raw)
		if err != nil {
			return badParam("origin", err.Error())
		}
		opt.Origin = &p
	}
	if raw := qv.Get("rotation"); raw != "" {
		rot, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(rot) || math.IsInf(rot, 0) {
			return badParam("rotation", fmt.Sprintf("must be a number of degrees, not %q", raw))
		}
		opt.Rotation = &rot
	}
	level := 0
	if qv.Has("level") {
		if level, err = queryInt(r, "level", 0, -100, 500); err != nil {
			return err
		}
	}
	units := qv.Get("units")
	switch units {
	case "", "mm", "cm", "m", "in", "ft":
	default:
		return badParam("units", fmt.Sprintf("must be mm, cm, m, in or ft, not %q", units))
	}
	name := filepath.Base(strings.TrimSpace(qv.Get("filename")))
	if name == "" || name == "." || name == string(filepath.Separator) {
		name = "upload." + format
	}

	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return badRequest("the request body could not be read")
	}
	if len(data) == 0 {
		return badRequest("the request body is empty; it must be the %s file", format)
	}

	var ds *imports.Dataset
	switch format {
	case "dxf":
		ds, err = dxf.Read(name, bytes.NewReader(data), dxf.Options{RoomsLayer: qv.Get("rooms_layer"),
			LabelsLayer: qv.Get("labels_layer"), NamesLayer: qv.Get("names_layer"), Units: units, Level: level})
	case "osm":
		ds, err = osm.Read(name, bytes.NewReader(data), osm.Limits{})
		if qv.Has("level") {
			opt.Level = &level
		}
	case "imdf":
		ds, err = readIMDF(name, data)
		if qv.Has("level") {
			opt.Level = &level
		}
	case "geojson":
		ds, err = geojson.Read(name, bytes.NewReader(data), geojson.Options{Level: level})
	}
	if err != nil {
		return importError(err)
	}
	ctx := r.Context()
	if d, err := queryDate(r, "valid_from"); err != nil {
		return err
	} else if !d.IsZero() {
		ctx = floorplan.WithEffective(ctx, d)
	}
	sum, err := imports.Import(ctx, s.store, ds, opt)
	if err != nil {
		return importError(err)
	}
	if !sum.DryRun {
		s.changed(floorplan.LayerBuildings, floorplan.LayerRooms)
	}
	if sum.Skipped == nil {
		sum.Skipped = []imports.Problem{}
	}
	if sum.Notes == nil {
		sum.Notes = []string{}
	}
	return writeJSON(w, http.StatusOK, sum)
}

// readIMDF reads an uploaded IMDF archive (a zip) from memory.
func readIMDF(name string, data []byte) (*imports.Dataset, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, imports.Errorf(name, "", "not a zip archive: %v", err)
	}
	return imdf.ReadFS(name, z)
}

// importError maps a rejected source to 422 import_rejected with its problems; other errors (the
// store's) go to the adapter as they are.
func importError(err error) error {
	var ie *imports.Error
	if !errors.As(err, &ie) {
		return err
	}
	problems := make([]imports.Problem, len(ie.Problems))
	copy(problems, ie.Problems)
	for i := range problems {
		problems[i].Reason = safeReason(problems[i].Reason)
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "import_rejected",
		Message:   strings.Replace(safeReason(ie.Error()), "--skip-invalid", "skip_invalid=true", 1),
		MessageZH: fmt.Sprintf("文件 %s 无法导入（%d 个问题），未写入任何数据", ie.File, len(ie.Problems)),
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

// queryBool returns an optional true/false query parameter (false when absent).
func queryBool(r *http.Request, name string) (bool, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(raw)
	if err != nil {
		return false, badParam(name, fmt.Sprintf("must be true or false, not %q", raw))
	}
	return v, nil
}

// exportFile writes the register (or one building, or one floor for geojson) as a file of {format},
// as an attachment.
func (s *Server) exportFile(w http.ResponseWriter, r *http.Request) error {
	format := strings.ToLower(mux.Vars(r)["format"])
	if !known(exportFormats, format) {
		return badRequest("unknown export format %q (use %s)", format, strings.Join(exportFormats, ", "))
	}
	ctx := r.Context()
	var opt exports.Options
	var err error
	if opt.BuildingID, err = queryUUID(r, "building_id"); err != nil {
		return err
	}
	if opt.FloorID, err = queryUUID(r, "floor_id"); err != nil {
		return err
	}
	if opt.FloorID != uuid.Nil && format != "geojson" {
		return badParam("floor_id", "applies to geojson exports only")
	}
	lang := r.URL.Query().Get("lang")
	switch lang {
	case "":
		lang = "zh"
	case "zh", "en":
	default:
		return badParam("lang", fmt.Sprintf("must be zh or en, not %q", lang))
	}
	base := "officemap"
	if opt.BuildingID != uuid.Nil {
		if _, err := s.store.Building(ctx, opt.BuildingID); err != nil {
			return about("building", err)
		}
		base += "-" + opt.BuildingID.String()[:8]
	}
	if opt.FloorID != uuid.Nil {
		if _, err := s.store.Floor(ctx, opt.FloorID); err != nil {
			return about("floor", err)
		}
		base += "-floor-" + opt.FloorID.String()[:8]
	}
	d, err := exports.Load(ctx, s.store, opt)
	if err != nil {
		return err
	}
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

// exportGeoPackage writes a GeoPackage to a temporary file, streams it and removes it.
func (s *Server) exportGeoPackage(w http.ResponseWriter, r *http.Request, d *exports.Data, attach func()) error {
	dir, err := os.MkdirTemp("", "officemap-export-")
	if err != nil {
		return fmt.Errorf("api: export gpkg: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "export.gpkg")
	if err := exports.WriteGeoPackage(r.Context(), d, path); err != nil {
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
