// Package source is the one entry to an import, for the CLI and the HTTP route alike: a Request says
// which file, in which format, with which options; Validate checks it; Read picks the format's reader
// (imports/dxf, osm, imdf or geojson) and turns the file into a dataset and imports.Options; Import
// writes it with imports.Import.
//
// It is a package of its own because the readers import package imports: the switch over them cannot
// live there.
package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/geojson"
	"officemap/floorplan/imports/imdf"
	"officemap/floorplan/imports/osm"
)

// The floor ordinals a Request may name (Request.Level).
const (
	MinLevel = -100
	MaxLevel = 500
)

// The largest Snap (metres) and MaxRepair (m²) a Request may give: snapping farther than 10 cm would
// move walls, and an overlap of more than 1 m² (a strip 10 cm wide along a 10 m wall) is a drawing
// error to correct in the drawing, not a sliver.
const (
	MaxSnap   = 0.1
	MaxRepair = 1.0
)

// formats are the formats Read reads, as the messages list them.
const (
	formats   = "dxf, osm, imdf or geojson"
	formatsZH = "dxf、osm、imdf 或 geojson"
)

// units are the DXF drawing units a Request may give (dxf.Options.Units).
var units = []string{"mm", "cm", "m", "in", "ft"}

// Request is one file to import and how.
type Request struct {
	Format string // dxf, osm, imdf or geojson (any case)
	// Path is the file to read (an IMDF archive: a .zip file or a folder); or else Data holds the file
	// (an IMDF archive as a zip) and Name its name ("upload.<format>" when empty; only the base is kept).
	Path string
	Data []byte
	Name string

	Building string    // imports.Options.Building
	SiteID   uuid.UUID // imports.Options.SiteID
	// Level is the floor of a single-floor source (DXF, GeoJSON rooms without a level: 0 when nil), or
	// the only floor imported from a source of several (OSM, IMDF: all when nil).
	Level    *int
	Origin   *orb.Point // imports.Options.Origin
	Rotation *float64   // imports.Options.Rotation, degrees

	// DXF only: the layers of the rooms, of their numbers, of their names and of the building's
	// outline, and the drawing units (see dxf.Options); "" chooses.
	RoomsLayer, LabelsLayer, NamesLayer, OutlineLayer, Units string
	// Usages tells rooms' usages from their names, layers and tags (DXF, OSM and GeoJSON; IMDF units
	// say their category): nil is imports.DefaultUsageMap.
	Usages *imports.UsageMap

	// Snap is the tolerance, in metres, within which the vertices of neighbouring rooms are snapped
	// together before overlaps are checked, and MaxRepair the largest overlap, in m², cut from one of
	// two rooms instead of rejecting one (imports.Options.Snap, MaxRepair): nil takes the default
	// (imports.DefaultSnap, DefaultMaxRepair), 0 turns it off.
	Snap, MaxRepair *float64
	// IgnoreFootprint places a new building by its rooms when the source's footprint disagrees with
	// them (imports.Options.IgnoreFootprint).
	IgnoreFootprint bool
	// Lang is the language of the summary's notes, warnings and reasons: "en…" for English, else
	// Chinese (imports.Options.Lang).
	Lang string

	SkipInvalid, DryRun bool
	// ValidFrom, when set, is the day the import holds from (floorplan.WithEffective); Reason is kept
	// in the history (floorplan.WithReason).
	ValidFrom time.Time
	Reason    string
	Progress  func(done, total int) // imports.Options.Progress
}

// ParamError is a Request that Validate refuses: the parameter, by its name in the HTTP API (the
// CLI's flag is the same with dashes), and what is wrong with it, in English and in Chinese.
type ParamError struct {
	Param     string // format, rooms_layer, labels_layer, names_layer, outline_layer, units, level, rotation, snap, max_repair or lang
	Problem   string // e.g. "applies to dxf imports only"; for the format, the whole sentence
	ProblemZH string // the same in Chinese, e.g. "仅适用于 dxf 导入"
}

// ProblemIn is the problem in a language: English for a tag starting with "en", Chinese otherwise.
func (e *ParamError) ProblemIn(lang string) string {
	if imports.English(lang) || e.ProblemZH == "" {
		return e.Problem
	}
	return e.ProblemZH
}

// Error returns "units must be mm, cm, m, in or ft, not "furlong"", or for the format
// "unknown format "shp" (use dxf, osm, imdf or geojson)".
func (e *ParamError) Error() string {
	if e.Param == "format" {
		return e.Problem
	}
	return e.Param + " " + e.Problem
}

// format is the request's format in lower case.
func (r *Request) format() string { return strings.ToLower(r.Format) }

// Validate checks the request's format and options, without reading anything: the error is a
// *ParamError naming the first parameter that is wrong.
func (r *Request) Validate() error {
	format := r.format()
	switch format {
	case "dxf", "osm", "imdf", "geojson":
	default:
		return &ParamError{"format", fmt.Sprintf("unknown format %q (use %s)", format, formats),
			fmt.Sprintf("未知的格式 %q（可用 %s）", format, formatsZH)}
	}
	if format != "dxf" {
		for _, p := range []struct{ name, value string }{
			{"rooms_layer", r.RoomsLayer}, {"labels_layer", r.LabelsLayer}, {"names_layer", r.NamesLayer},
			{"outline_layer", r.OutlineLayer}, {"units", r.Units},
		} {
			if p.value != "" {
				return &ParamError{p.name, "applies to dxf imports only", "仅适用于 dxf 导入"}
			}
		}
	}
	if r.Units != "" && !slices.Contains(units, strings.ToLower(r.Units)) {
		return &ParamError{"units", fmt.Sprintf("must be mm, cm, m, in or ft, not %q", r.Units),
			fmt.Sprintf("须为 mm、cm、m、in 或 ft，不能是 %q", r.Units)}
	}
	if r.Level != nil && (*r.Level < MinLevel || *r.Level > MaxLevel) {
		return &ParamError{"level", fmt.Sprintf("must be an integer from %d to %d, not %d", MinLevel, MaxLevel, *r.Level),
			fmt.Sprintf("须为 %d 至 %d 之间的整数，不能是 %d", MinLevel, MaxLevel, *r.Level)}
	}
	if r.Rotation != nil && (math.IsNaN(*r.Rotation) || math.IsInf(*r.Rotation, 0)) {
		return &ParamError{"rotation", fmt.Sprintf("must be a number of degrees, not %v", *r.Rotation),
			fmt.Sprintf("须为度数，不能是 %v", *r.Rotation)}
	}
	if err := inRange("snap", r.Snap, MaxSnap, "metres", "米"); err != nil {
		return err
	}
	if err := inRange("max_repair", r.MaxRepair, MaxRepair, "m²", "平方米"); err != nil {
		return err
	}
	return CheckLang(r.Lang)
}

// CheckLang checks a language for Request.Lang: empty (Chinese), or a tag starting with zh or en; the
// error is a *ParamError on lang.
func CheckLang(lang string) error {
	if l := strings.ToLower(strings.TrimSpace(lang)); l != "" && !imports.English(l) && !strings.HasPrefix(l, "zh") {
		return &ParamError{"lang", fmt.Sprintf("must be zh or en, not %q", lang), fmt.Sprintf("须为 zh 或 en，不能是 %q", lang)}
	}
	return nil
}

// inRange checks an optional number of a unit (named in English and Chinese) against [0, max].
func inRange(param string, v *float64, max float64, unit, unitZH string) error {
	if v != nil && !(*v >= 0 && *v <= max) {
		return &ParamError{param, fmt.Sprintf("must be a number of %s from 0 (off) to %g, not %v", unit, max, *v),
			fmt.Sprintf("须为 0（关闭）至 %g %s之间的数，不能是 %v", max, unitZH, *v)}
	}
	return nil
}

// tolerance turns a Request's Snap or MaxRepair into the imports.Options value: 0 (the default) when
// not given, -1 (off) for 0.
func tolerance(v *float64) float64 {
	switch {
	case v == nil:
		return 0
	case *v == 0:
		return -1
	}
	return *v
}

// File is a source read and ready to import.
type File struct {
	Dataset *imports.Dataset
	Options imports.Options

	validFrom time.Time
	reason    string
}

// Read validates the request and reads its file with the format's reader, under the readers' default
// limits. A file that cannot be read gives the reader's error (an *imports.Error naming the file and
// the problems, or the error opening it).
func Read(r Request) (*File, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	format := r.format()
	name := strings.TrimSpace(r.Name)
	if name == "" {
		name = r.Path
	}
	if name = filepath.Base(name); name == "." || name == string(filepath.Separator) {
		name = "upload." + format
	}
	f := &File{validFrom: r.ValidFrom, reason: r.Reason, Options: imports.Options{
		Building: strings.TrimSpace(r.Building), SiteID: r.SiteID, Origin: r.Origin, Rotation: r.Rotation,
		SkipInvalid: r.SkipInvalid, DryRun: r.DryRun, Progress: r.Progress, Lang: r.Lang,
		Snap: tolerance(r.Snap), MaxRepair: tolerance(r.MaxRepair), IgnoreFootprint: r.IgnoreFootprint,
	}}
	level := 0
	if r.Level != nil {
		level = *r.Level
	}
	var err error
	switch format {
	case "dxf":
		f.Dataset, err = r.read(name, func(in io.Reader) (*imports.Dataset, error) {
			return dxf.Read(name, in, dxf.Options{RoomsLayer: r.RoomsLayer, LabelsLayer: r.LabelsLayer,
				NamesLayer: r.NamesLayer, OutlineLayer: r.OutlineLayer, Usages: r.Usages, Units: r.Units,
				Level: level, Limits: dxf.DefaultLimits})
		})
	case "osm":
		f.Dataset, err = r.read(name, func(in io.Reader) (*imports.Dataset, error) {
			return osm.ReadWith(name, in, osm.Options{Limits: osm.DefaultLimits, Usages: r.Usages})
		})
		f.Options.Level = r.Level
	case "imdf":
		f.Dataset, err = r.readIMDF(name)
		f.Options.Level = r.Level
	case "geojson":
		f.Dataset, err = r.read(name, func(in io.Reader) (*imports.Dataset, error) {
			return geojson.Read(name, in, geojson.Options{Level: level, Usages: r.Usages})
		})
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// read opens the request's file, or its data, for a reader.
func (r *Request) read(name string, read func(io.Reader) (*imports.Dataset, error)) (*imports.Dataset, error) {
	if r.Path == "" {
		return read(bytes.NewReader(r.Data))
	}
	in, err := os.Open(r.Path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return read(in)
}

// readIMDF reads an IMDF archive: a zip or a folder at Path, or a zip in Data.
func (r *Request) readIMDF(name string) (*imports.Dataset, error) {
	if r.Path != "" {
		return imdf.Read(r.Path, imdf.DefaultLimits)
	}
	return imdf.ReadZip(name, bytes.NewReader(r.Data), int64(len(r.Data)), imdf.DefaultLimits)
}

// Import writes the file through the register with imports.Import, from the request's ValidFrom and
// with its Reason when they were given. The summary is told in the request's Lang; a rejection
// (*imports.Error) tells itself in a language with its In method.
func (f *File) Import(ctx context.Context, reg *floorplan.Register) (*imports.Summary, error) {
	if !f.validFrom.IsZero() {
		ctx = floorplan.WithEffective(ctx, f.validFrom)
	}
	if f.reason != "" {
		ctx = floorplan.WithReason(ctx, f.reason)
	}
	return imports.Import(ctx, reg, f.Dataset, f.Options)
}

// Import reads the request's file and imports it: Read, then File.Import.
func Import(ctx context.Context, reg *floorplan.Register, r Request) (*imports.Summary, error) {
	f, err := Read(r)
	if err != nil {
		return nil, err
	}
	return f.Import(ctx, reg)
}
