package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/source"
	"officemap/floorplan/imports/staff"
	"officemap/geo"
)

// importFlags are the flags of officemap import.
type importFlags struct {
	building, site                                    string
	level                                             int
	roomsLayer, labelsLayer, namesLayer, outlineLayer string
	listLayers                                        bool
	units, origin                                     string
	rotation, snap, maxRepair                         float64
	usageMap                                          string
	ignoreFootprint                                   bool
	skipInvalid, dryRun, asJSON, noProgress           bool
	validFrom, reason, lang                           string
}

func importCmd(e *env) *cobra.Command {
	var o importFlags
	cmd := &cobra.Command{
		Use:   "import geojson|imdf|osm|dxf PATH",
		Short: "import rooms from a GeoJSON, IMDF, OpenStreetMap or DXF file, all-or-nothing",
		Long: `import reads the rooms of a file and writes them into the store in one transaction: the whole file
imports, or nothing changes. Every problem is named with the file, the feature (DXF entity number and
handle, OSM way, IMDF or GeoJSON feature) and the reason; --skip-invalid imports the valid rooms and
lists the rest. Importing the same source again updates the rooms it imported before (matched by their
source id) instead of adding them twice. --dry-run checks everything, overlaps included, and writes
nothing. Slivers between neighbouring rooms (digitising noise) are repaired: vertices within --snap
are snapped together, and an overlap under --max-repair is cut from the larger of the two; each repair is
listed. The summary, its notes, warnings and reasons are told in --lang (zh by default, or en).

  dxf      closed polylines of the rooms layer numbered by the texts inside them; units from $INSUNITS
           or --units; needs --origin (and --rotation) for a new building; one floor (--level)
  osm      OSM XML (.osm) or OSM GeoJSON: indoor=room|area|corridor with level=*, ref/name
  imdf     an IMDF archive (.zip or folder): buildings, levels, units, occupants
  geojson  a FeatureCollection of room polygons (lon/lat, or "crs": "local" metres with --origin)
  agencies|people|assignments
           the bureau's spreadsheets (.xlsx or .csv) in the layout of the templates (export agencies…),
           matched by code, staff no. and room; --columns and --sheet as for rooms
  properties
           the bureau's register of properties (.xlsx or .csv), matched by title number, else by
           name and address; --map 'header=field,…' (or a JSON file) names columns; all-or-nothing`,
		Example: `  officemap import dxf plan.dxf --building "市政府1号楼" --level 2 --origin 119.974,31.811 --rotation 12
  officemap import dxf plan.dxf --list-layers
  officemap import osm building.osm --skip-invalid --json --lang en
  officemap import imdf venue.zip --dry-run --ignore-footprint`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return errorIn(o.lang, "import needs a format and a file: officemap import geojson|imdf|osm|dxf PATH",
					"import 需要格式和文件：officemap import geojson|imdf|osm|dxf 文件路径")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runImport(cmd, args[0], args[1], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.building, "building", "", "the target building, by id or name (a new building of that name if none has it)")
	f.StringVar(&o.site, "site", "", "the site (id) a new building joins (default: a new site)")
	f.IntVar(&o.level, "level", 0, "the floor ordinal of a single-floor source (0 ground, -1 first basement); for a source of several levels, import only this one")
	f.StringVar(&o.roomsLayer, "rooms-layer", "", "DXF: the layer of the room polylines (default: UNITS, RM$… or the layer with the most closed polylines)")
	f.StringVar(&o.labelsLayer, "labels-layer", "", "DXF: the layer of the room numbers (default: UNITLABELS, A-IDEN-NUMR-EXST… or the layer with the most texts inside rooms)")
	f.StringVar(&o.namesLayer, "names-layer", "", "DXF: the layer of the room names, which also give the usage (default: A-IDEN-NAME-EXST… if present)")
	f.StringVar(&o.outlineLayer, "outline-layer", "", "DXF: the layer of the building's outline, its footprint (default: OUTLINE, GROS$, A-AREA-GROS… if present)")
	f.BoolVar(&o.listLayers, "list-layers", false, "DXF: list the layers with their entity counts and stop")
	f.StringVar(&o.units, "units", "", "DXF: drawing units mm|cm|m|in|ft (default: the header's $INSUNITS)")
	f.StringVar(&o.usageMap, "usage-map", "", "DXF, OSM, GeoJSON: a file of words and the usages they mean (\"走廊, circulation\" a line), tried before officemap's own")
	f.StringVar(&o.origin, "origin", "", "LON,LAT of the source's local origin (0,0), for a new building")
	f.Float64Var(&o.rotation, "rotation", 0, "degrees clockwise from north to the source's +Y axis, for a new building")
	f.Float64Var(&o.snap, "snap", imports.DefaultSnap, fmt.Sprintf("metres within which neighbouring rooms' vertices and edges are snapped together (0 off, at most %g)", source.MaxSnap))
	f.Float64Var(&o.maxRepair, "max-repair", imports.DefaultMaxRepair, fmt.Sprintf("m²: an overlap of two rooms up to this is cut from the larger of the two and listed, a larger one is a problem (0 off, at most %g)", source.MaxRepair))
	f.BoolVar(&o.ignoreFootprint, "ignore-footprint", false, "place a new building by its rooms and drop the source's footprint when it lies far from them")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "import the valid rooms and list what was skipped")
	f.BoolVar(&o.dryRun, "dry-run", false, "check everything and write nothing")
	f.BoolVar(&o.asJSON, "json", false, "print the summary as JSON on standard output")
	f.BoolVar(&o.noProgress, "no-progress", false, "no progress bar, even on a terminal")
	f.StringVar(&o.validFrom, "valid-from", "", "YYYY-MM-DD: the day the imported rooms and buildings exist from (a survey of an older building), and from which a re-import's changes hold (default: today)")
	f.StringVar(&o.reason, "reason", "", "why the import is made, kept in the history")
	f.StringVar(&o.lang, "lang", "zh", "the language of the summary and the messages: zh or en")
	addRoomListFlags(f) // officemap import rooms (roomlist.go)
	addPropertyFlags(f) // officemap import properties (properties.go)
	return cmd
}

// errorIn returns an error told in English or in Chinese (for a --lang), from a format in each with the
// same arguments (%w wraps in both).
func errorIn(lang, en, zh string, args ...any) error {
	if imports.English(lang) {
		return fmt.Errorf(en, args...)
	}
	return fmt.Errorf(zh, args...)
}

// request translates the flags into a source.Request and validates it.
func (o importFlags) request(cmd *cobra.Command, format, path string) (source.Request, error) {
	flags := cmd.Flags()
	req := source.Request{Format: format, Path: path, Building: o.building, RoomsLayer: o.roomsLayer,
		LabelsLayer: o.labelsLayer, NamesLayer: o.namesLayer, OutlineLayer: o.outlineLayer, Units: o.units,
		IgnoreFootprint: o.ignoreFootprint, SkipInvalid: o.skipInvalid, DryRun: o.dryRun, Reason: o.reason, Lang: o.lang}
	if err := source.CheckLang(o.lang); err != nil {
		return req, paramError(o.lang, err)
	}
	if o.site != "" {
		id, err := uuid.Parse(o.site)
		if err != nil {
			return req, errorIn(o.lang, "--site: %q is not a UUID", "--site 有误：%q 不是 UUID", o.site)
		}
		req.SiteID = id
	}
	if o.origin != "" {
		p, err := geo.ParseLonLat(o.origin)
		if err != nil {
			return req, errorIn(o.lang, "--origin: %w", "--origin 有误：%w", err)
		}
		req.Origin = &p
	}
	for _, v := range []struct {
		flag string
		to   **float64
		v    *float64
	}{{"rotation", &req.Rotation, &o.rotation}, {"snap", &req.Snap, &o.snap}, {"max-repair", &req.MaxRepair, &o.maxRepair}} {
		if flags.Changed(v.flag) {
			*v.to = v.v
		}
	}
	if flags.Changed("level") {
		req.Level = &o.level
	}
	if o.validFrom != "" {
		d, err := floorplan.ParseDate(o.validFrom)
		if err != nil {
			return req, errorIn(o.lang, "--valid-from: %q is not a day YYYY-MM-DD", "--valid-from 有误：%q 不是 YYYY-MM-DD 格式的日期", o.validFrom)
		}
		req.ValidFrom = d
	}
	if err := req.Validate(); err != nil {
		return req, paramError(o.lang, err)
	}
	if o.usageMap != "" {
		if strings.EqualFold(format, "imdf") {
			return req, errorIn(o.lang, "--usage-map applies to dxf, osm and geojson imports only (IMDF units give their category)",
				"--usage-map 仅适用于 dxf、osm 和 geojson 导入（IMDF 的单元自带类别）")
		}
		m, err := imports.ReadUsageMap(o.usageMap)
		if err != nil {
			return req, errorIn(o.lang, "--usage-map: %w", "--usage-map 有误：%w", err)
		}
		req.Usages = m
	}
	return req, nil
}

// paramError tells a request's *source.ParamError with the flag's name (the parameter's with dashes).
func paramError(lang string, err error) error {
	var pe *source.ParamError
	if !errors.As(err, &pe) {
		return err
	}
	if pe.Param == "format" {
		return errorIn(lang, "import: %s", "import：%s", pe.ProblemIn(lang))
	}
	flag := "--" + strings.ReplaceAll(pe.Param, "_", "-")
	return errorIn(lang, "%s %s", "%s 有误：%s", flag, pe.ProblemIn(lang))
}

// runImport translates the flags into a source.Request, reads the file, then imports it.
func (e *env) runImport(cmd *cobra.Command, format, path string, o importFlags) error {
	if strings.EqualFold(format, "rooms") {
		return e.runRoomList(cmd, path, o) // the bureau's room register (roomlist.go)
	}
	if k := staff.Kind(strings.ToLower(format)); k.Valid() {
		return e.runStaffImport(cmd, k, path, o) // agencies, people, assignments (staff.go)
	}
	if strings.EqualFold(format, "properties") {
		return e.runPropertyImport(cmd, path, o) // the property register (properties.go)
	}
	req, err := o.request(cmd, format, path)
	if err != nil {
		return err
	}
	if o.listLayers {
		if !strings.EqualFold(format, "dxf") {
			return errorIn(o.lang, "--list-layers applies to dxf imports only", "--list-layers 仅适用于 dxf 导入")
		}
		return e.listLayers(path, o.asJSON)
	}
	var bar *progressbar.ProgressBar
	if !o.noProgress && isTerminal(e.stderr) {
		req.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription(wordsIn(o.lang).progress), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
	}
	f, err := source.Read(req)
	if err != nil {
		return e.importFailed(o, err)
	}

	ctx := floorplan.WithActor(cmd.Context(), "import")
	var sum *imports.Summary
	err = e.withStore(ctx, func(s store, _ string) error {
		sum, err = f.Import(ctx, floorplan.NewRegister(s))
		return err
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return e.importFailed(o, err)
	}
	if o.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	printSummary(e.stdout, sum, o.lang)
	return nil
}

// toldError is an error told in the user's language; errors.Is and errors.As still reach the error it
// tells.
type toldError struct {
	msg string
	err error
}

func (e *toldError) Error() string { return e.msg }
func (e *toldError) Unwrap() error { return e.err }

// importFailed returns the error to print on stderr, told in --lang; with --json it also prints the
// problems as JSON on standard output, for scripts.
func (e *env) importFailed(o importFlags, err error) error {
	var ie *imports.Error
	if !errors.As(err, &ie) {
		return err
	}
	msg := imports.ErrorIn(err, o.lang)
	if o.asJSON {
		problems := make([]imports.Problem, len(ie.Problems))
		for i, p := range ie.Problems {
			problems[i] = p.In(o.lang)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"file": ie.File, "error": msg, "problems": problems})
	}
	return &toldError{msg: msg, err: err}
}

// listLayers prints the layers of a drawing (--list-layers).
func (e *env) listLayers(path string, asJSON bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := dxf.Parse(f, dxf.Limits{})
	if err != nil {
		return imports.Wrap(filepath.Base(path), "", err)
	}
	layers, err := dxf.Layers(d, dxf.Limits{})
	if err != nil {
		return imports.Wrap(filepath.Base(path), "", err)
	}
	return e.printLayers(path, d, layers, asJSON)
}

// printLayers prints a drawing's layers with their counts.
func (e *env) printLayers(path string, d *dxf.Drawing, layers []dxf.Layer, asJSON bool) error {
	units := ""
	if _, name, err := dxf.UnitScale(d, ""); err == nil {
		units = name
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"file": filepath.Base(path), "version": d.Version, "units": units, "layers": layers})
	}
	fmt.Fprintf(e.stdout, "%s: %s, units %s\n", filepath.Base(path), d.Version, orDash(units))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LAYER\tENTITIES\tCLOSED POLYLINES\tTEXTS\tTYPES")
	for _, l := range layers {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", l.Name, l.Entities, l.Closed, l.Texts, typeCounts(l.ByType))
	}
	return tw.Flush()
}

func typeCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// summaryWords are the words of printSummary (and the progress bar) in one language.
type summaryWords struct {
	imported, dryRun, counts, target, newID, progress string
	ops                                               map[string]string
	warnings, repairs, repair, skipped, notes         string
}

var (
	summaryEN = summaryWords{
		imported: "imported", dryRun: "dry run (nothing written) of",
		counts: "%s %s (%s): rooms %d created, %d updated, %d unchanged, %d skipped; floors %d created; buildings %d created, %d updated\n",
		target: "  building %q (%s, %s): %d rooms, %.2f m² on %d floors\n", newID: "new", progress: "importing rooms",
		ops:      map[string]string{},
		warnings: "warnings:", repairs: "repairs:", repair: "  floor %s, room %s: %s\n",
		skipped: "skipped:", notes: "notes:",
	}
	summaryZH = summaryWords{
		imported: "已导入", dryRun: "试导入（未写入任何数据）",
		counts: "%s %s（%s）：房间 新建 %d、更新 %d、未变 %d、跳过 %d；楼层 新建 %d；楼栋 新建 %d、更新 %d\n",
		target: "  楼栋 %q（%s，%s）：%d 个房间，使用面积 %.2f 平方米，%d 个楼层\n", newID: "尚无编号", progress: "正在导入房间",
		ops:      map[string]string{"created": "新建", "updated": "更新", "unchanged": "未变"},
		warnings: "警告：", repairs: "修复：", repair: "  楼层 %s，房间 %s：%s\n",
		skipped: "跳过：", notes: "说明：",
	}
)

// wordsIn returns the summary's words in a language (English for a tag starting with "en").
func wordsIn(lang string) summaryWords {
	if imports.English(lang) {
		return summaryEN
	}
	return summaryZH
}

// printSummary prints an import's summary for a person, in a language.
func printSummary(w io.Writer, s *imports.Summary, lang string) {
	words := wordsIn(lang)
	verb := words.imported
	if s.DryRun {
		verb = words.dryRun
	}
	fmt.Fprintf(w, words.counts, verb, s.File, s.Format, s.Rooms.Created, s.Rooms.Updated, s.Rooms.Unchanged,
		len(s.Skipped), s.Floors.Created, s.Buildings.Created, s.Buildings.Updated)
	for _, t := range s.Targets {
		id := t.ID.String()
		if t.ID == uuid.Nil {
			id = words.newID
		}
		op := cmp.Or(words.ops[t.Op], t.Op)
		fmt.Fprintf(w, words.target, t.Name, id, op, t.Rooms, t.AreaM2, t.Floors)
	}
	printList(w, words.warnings, s.Warnings)
	if len(s.Repairs) > 0 {
		fmt.Fprintln(w, words.repairs)
		for _, r := range s.Repairs {
			fmt.Fprintf(w, words.repair, r.Floor, r.Room, r.Action) // the action names the other room and the area
		}
	}
	skipped := make([]string, len(s.Skipped))
	for i, p := range s.Skipped {
		skipped[i] = p.Text(lang)
	}
	printList(w, words.skipped, skipped)
	printList(w, words.notes, s.Notes)
}

// printList prints a heading and the lines under it, when there are any.
func printList(w io.Writer, heading string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, heading)
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

// isTerminal reports whether w is a terminal (progress bars are drawn only there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// exportFormats are the formats officemap export writes.
var exportFormats = []string{"geojson", "imdf", "gpkg", "csv", "xlsx"}

func exportCmd(e *env) *cobra.Command {
	var out, building, floor, crs, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "export geojson|imdf|gpkg|csv|xlsx|agencies|people|assignments --out PATH",
		Short: "export buildings, floors and rooms as GeoJSON, IMDF, GeoPackage, CSV or Excel",
		Long: `export writes the register (or one building, or one floor) to a file, atomically (a temporary
file renamed into place when complete):

  geojson  rooms as a FeatureCollection in lon/lat (--crs local: one building's local metres), with
           number, usage, agency, area, occupants, standard and status
  imdf     an IMDF archive (zip): venue, building, footprint, level, unit; officemap's attributes
           under the "officemap:" namespace
  gpkg     a new GeoPackage: an officemap store QGIS opens, plus a flat rooms_export layer
  csv      rooms with occupants and areas (UTF-8 with a byte-order mark, for Excel)
  xlsx     the same as an Excel workbook
  agencies, people, assignments
           the staff spreadsheets in their import layout, to edit and import back: --out FILE.xlsx
           (the template's workbook) or FILE.csv (UTF-8 with a byte-order mark)
  properties
           the property register in the import's layout: --out FILE.xlsx or FILE.csv
  archive  archive packages: --site ID|NAME --out FILE.zip, or --all --out FILE.zip (a folder per
           property) or --all --out DIR (one zip per property)`,
		Example: `  officemap export imdf --out venue.zip --building 3f1c…
  officemap export geojson --out floor.geojson --floor 9a2e…
  officemap export gpkg --out register.gpkg`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("export needs a format: officemap export %s --out PATH", strings.Join(exportFormats, "|"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			format := strings.ToLower(args[0])
			if k := staff.Kind(format); k.Valid() { // the staff spreadsheets (staffexport.go)
				return e.runStaffExport(cmd.Context(), k, out, lang, asJSON)
			}
			switch format { // the property register and the archive packages (properties.go)
			case "properties":
				return e.runPropertyExport(cmd.Context(), out, lang, asJSON)
			case "archive":
				return e.runArchiveExport(cmd, out, asJSON)
			}
			return e.runMapExport(cmd.Context(), format, mapExport{out: out, building: building, floor: floor, crs: crs,
				lang: lang, asJSON: asJSON})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the file to write (required)")
	cmd.Flags().StringVar(&building, "building", "", "only this building (id or name)")
	cmd.Flags().StringVar(&floor, "floor", "", "only this floor (id)")
	cmd.Flags().StringVar(&crs, "crs", "", "geojson: lonlat (default) or local (the building's metres)")
	cmd.Flags().StringVar(&lang, "lang", "zh", "csv, xlsx: zh or en")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	addArchiveFlags(cmd.Flags()) // officemap export archive (properties.go)
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// mapExport is what officemap export geojson|imdf|gpkg|csv|xlsx was given.
type mapExport struct {
	out, building, floor, crs, lang string
	asJSON                          bool
}

// runMapExport writes the register's buildings, floors and rooms (or one building's, or one floor's) in format.
func (e *env) runMapExport(ctx context.Context, format string, x mapExport) error {
	known := false
	for _, f := range exportFormats {
		known = known || f == format
	}
	if !known {
		return fmt.Errorf("export: unknown format %q (use %s)", format, strings.Join(exportFormats, ", "))
	}
	if x.crs != "" && x.crs != "local" && x.crs != "lonlat" {
		return fmt.Errorf("--crs %q: use local or lonlat", x.crs)
	}
	if x.crs != "" && format != "geojson" {
		return fmt.Errorf("--crs applies to geojson exports only")
	}
	opt := exports.Options{}
	if x.floor != "" {
		var err error
		if opt.FloorID, err = uuid.Parse(x.floor); err != nil {
			return fmt.Errorf("--floor: %q is not a UUID", x.floor)
		}
	}
	var d *exports.Data
	err := e.withStore(ctx, func(s store, _ string) error {
		var err error
		if x.building != "" {
			if opt.BuildingID, err = findBuilding(ctx, s, x.building); err != nil {
				return err
			}
		}
		d, err = exports.Load(ctx, s, opt)
		return err
	})
	if err != nil {
		return err
	}
	var notes []string
	switch format {
	case "geojson":
		err = e.writeOut(x.out, func(w io.Writer) error {
			return exports.WriteGeoJSON(w, d, exports.GeoJSONOptions{Local: x.crs == "local"})
		})
	case "imdf":
		err = e.writeOut(x.out, func(w io.Writer) error {
			notes, err = exports.WriteIMDF(w, d, "officemap")
			return err
		})
	case "gpkg":
		err = writeGeoPackage(ctx, d, x.out)
	case "csv":
		err = e.writeOut(x.out, func(w io.Writer) error { return exports.WriteCSV(w, d, exports.TableOptions{Lang: x.lang}) })
	case "xlsx":
		err = e.writeOut(x.out, func(w io.Writer) error { return exports.WriteXLSX(w, d, exports.TableOptions{Lang: x.lang}) })
	}
	if err != nil {
		return err
	}
	sum := map[string]any{"format": format, "out": x.out, "buildings": len(d.Buildings), "floors": len(d.Floors),
		"rooms": len(d.Rooms), "as_of": d.AsOf.Format(floorplan.DateLayout), "notes": append([]string{}, notes...)}
	if x.asJSON {
		return json.NewEncoder(e.stdout).Encode(sum)
	}
	fmt.Fprintf(e.stdout, "exported %d buildings, %d floors, %d rooms to %s (%s)\n", len(d.Buildings), len(d.Floors), len(d.Rooms), x.out, format)
	for _, n := range notes {
		fmt.Fprintf(e.stdout, "  note: %s\n", n)
	}
	return nil
}

// findBuilding resolves --building: an id, or the name of exactly one building.
func findBuilding(ctx context.Context, s floorplan.Store, v string) (uuid.UUID, error) {
	return findNamed("--building", v, "building", "buildings",
		func(id uuid.UUID) error { _, err := s.Building(ctx, id); return err },
		func() ([]floorplan.Building, error) { return s.Buildings(ctx, uuid.Nil) },
		func(b floorplan.Building) (uuid.UUID, string) { return b.ID, b.Name })
}

// findNamed resolves a flag that names a record by its id (which exists checks) or by the exact name of
// exactly one of the records all lists (key gives a record's id and name); one and many name the records
// in the errors ("building", "buildings").
func findNamed[T any](flag, v, one, many string, exists func(uuid.UUID) error, all func() ([]T, error),
	key func(T) (uuid.UUID, string)) (uuid.UUID, error) {
	if id, err := uuid.Parse(v); err == nil {
		if err := exists(id); err != nil {
			return uuid.Nil, fmt.Errorf("%s %s: %w", flag, id, err)
		}
		return id, nil
	}
	list, err := all()
	if err != nil {
		return uuid.Nil, err
	}
	var found []uuid.UUID
	for _, r := range list {
		if id, name := key(r); name == v {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return uuid.Nil, fmt.Errorf("%s %q: no %s has that id or name", flag, v, one)
	case 1:
		return found[0], nil
	}
	return uuid.Nil, fmt.Errorf("%s %q: %d %s have that name; give the id", flag, v, len(found), many)
}

// writeGeoPackage writes a new GeoPackage (gpkg.Export) beside path and renames it into place when complete.
func writeGeoPackage(ctx context.Context, d *exports.Data, path string) error {
	dir, base := filepath.Dir(path), filepath.Base(path)
	tmp := filepath.Join(dir, "."+base+".tmp-"+uuid.NewString()[:8]+".gpkg")
	cleanup := func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			_ = os.Remove(tmp + suffix)
		}
	}
	if err := gpkg.Export(ctx, d, tmp); err != nil {
		cleanup()
		return fmt.Errorf("--out %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		cleanup()
		return fmt.Errorf("--out %s: %w", path, err)
	}
	cleanup()
	return nil
}

// envUsageMap names the usage map file of serve and demo when --usage-map is not given.
const envUsageMap = "OFFICEMAP_USAGE_MAP"

// serverUsageMap reads the usage map of the imports a server runs (imports.ReadUsageMap): the file of
// --usage-map, else of $OFFICEMAP_USAGE_MAP; nil (officemap's own) when neither is set. A file that
// cannot be read stops the server from starting, naming the flag or variable and the line.
func serverUsageMap(flag string, getenv func(string) string) (*imports.UsageMap, error) {
	path, name := strings.TrimSpace(flag), "--usage-map"
	if path == "" {
		path, name = strings.TrimSpace(getenv(envUsageMap)), envUsageMap
	}
	if path == "" {
		return nil, nil
	}
	m, err := imports.ReadUsageMap(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errUsage, name, err)
	}
	return m, nil
}
