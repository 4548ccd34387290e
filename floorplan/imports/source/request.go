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

// formats are the formats Read reads, as the messages list them.
const formats = "dxf, osm, imdf or geojson"

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

	// DXF only: the layers of the rooms, of their numbers and of their names, and the drawing units
	// (see dxf.Options); "" chooses.
	RoomsLayer, LabelsLayer, NamesLayer, Units string

	SkipInvalid, DryRun bool
	// ValidFrom, when set, is the day the import holds from (floorplan.WithEffective); Reason is kept
	// in the history (floorplan.WithReason).
	ValidFrom time.Time
	Reason    string
	Progress  func(done, total int) // imports.Options.Progress
}

// ParamError is a Request that Validate refuses: the parameter, by its name in the HTTP API (the
// CLI's flag is the same with dashes), and what is wrong with it.
type ParamError struct {
	Param   string // format, rooms_layer, labels_layer, names_layer, units, level or rotation
	Problem string // e.g. "applies to dxf imports only"; for the format, the whole sentence
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
		return &ParamError{"format", fmt.Sprintf("unknown format %q (use %s)", format, formats)}
	}
	if format != "dxf" {
		for _, p := range []struct{ name, value string }{
			{"rooms_layer", r.RoomsLayer}, {"labels_layer", r.LabelsLayer}, {"names_layer", r.NamesLayer}, {"units", r.Units},
		} {
			if p.value != "" {
				return &ParamError{p.name, "applies to dxf imports only"}
			}
		}
	}
	if r.Units != "" && !slices.Contains(units, strings.ToLower(r.Units)) {
		return &ParamError{"units", fmt.Sprintf("must be mm, cm, m, in or ft, not %q", r.Units)}
	}
	if r.Level != nil && (*r.Level < MinLevel || *r.Level > MaxLevel) {
		return &ParamError{"level", fmt.Sprintf("must be an integer from %d to %d, not %d", MinLevel, MaxLevel, *r.Level)}
	}
	if r.Rotation != nil && (math.IsNaN(*r.Rotation) || math.IsInf(*r.Rotation, 0)) {
		return &ParamError{"rotation", fmt.Sprintf("must be a number of degrees, not %v", *r.Rotation)}
	}
	return nil
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
		SkipInvalid: r.SkipInvalid, DryRun: r.DryRun, Progress: r.Progress,
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
				NamesLayer: r.NamesLayer, Units: r.Units, Level: level, Limits: dxf.DefaultLimits})
		})
	case "osm":
		f.Dataset, err = r.read(name, func(in io.Reader) (*imports.Dataset, error) {
			return osm.Read(name, in, osm.DefaultLimits)
		})
		f.Options.Level = r.Level
	case "imdf":
		f.Dataset, err = r.readIMDF(name)
		f.Options.Level = r.Level
	case "geojson":
		f.Dataset, err = r.read(name, func(in io.Reader) (*imports.Dataset, error) {
			return geojson.Read(name, in, geojson.Options{Level: level})
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
// with its Reason when they were given.
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
