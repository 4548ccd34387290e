package imdf

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan/imports"
)

// lenient turns the error of a file read leniently — one the rooms do not need — into a note told with
// format (where in the file, why), so that the rooms are imported without the file; but an error of
// the archive's Limits refuses the archive whatever file it is met in, and is returned.
func (a *archive) lenient(file string, err error, format string) error {
	if errors.Is(err, ErrLimit) {
		return err
	}
	where, why := unreadable(file, err)
	a.note(format, where, why)
	return nil
}

// unreadable splits the error of a file read leniently into where in the file it is and why, for a note.
func unreadable(file string, err error) (where string, why error) {
	var e *imports.Error
	if errors.As(err, &e) && len(e.Problems) == 1 && e.Problems[0].Err != nil {
		return cmp.Or(e.Problems[0].Feature, file), e.Problems[0].Err
	}
	return file, err
}

// openings reads opening.geojson (leniently): each opening's line goes to the floor of its level, for
// the plans. An opening on a level the archive does not have is left out, with a note.
func (a *archive) openings(levels map[uuid.UUID]level) error {
	features, err := a.load("opening")
	if err != nil {
		return a.lenient("opening.geojson", err, "%s cannot be read (%v): the rooms were imported without its openings (doors)")
	}
	var lost []string
	read, on := 0, map[uuid.UUID]bool{}
	for _, f := range features {
		lid, err := idOf(f.props["level_id"])
		lv, found := levels[lid]
		line, isLine := f.geom.(orb.LineString)
		if err != nil || !found || !isLine || len(line) < 2 {
			lost = append(lost, f.ref())
			continue
		}
		fl := &lv.b.Floors[lv.floor]
		fl.Openings = append(fl.Openings, line)
		read++
		on[lid] = true
	}
	if read > 0 {
		a.note("%d openings (doors) read for the plans of %d levels", read, len(on))
	}
	if len(lost) > 0 {
		a.note("%d openings left out: their level_id is not a level of the archive: %s", len(lost), listed(lost, 3))
	}
	return nil
}

// others reads the archive's other feature files — amenity, fixture, section, kiosk, detail, geofence,
// relationship, address… — leniently, to say in a note what was left out: officemap keeps none of them.
// One that cannot be read is a note too.
func (a *archive) others() error {
	entries, err := fs.ReadDir(a.fsys, a.root)
	if err != nil {
		return imports.AsError(a.name, "", err)
	}
	var left []string
	for _, e := range entries {
		typ, isGeoJSON := strings.CutSuffix(e.Name(), ".geojson")
		if e.IsDir() || !isGeoJSON || typ == "opening" || slices.Contains(strictTypes, typ) {
			continue
		}
		n, err := a.count(e.Name())
		if err != nil {
			if err := a.lenient(e.Name(), err, "%s cannot be read (%v): officemap does not use this file"); err != nil {
				return err
			}
		} else if n > 0 {
			left = append(left, fmt.Sprintf("%s (%d)", e.Name(), n))
		}
	}
	if len(left) > 0 {
		a.note("features officemap does not keep were left out: %s", strings.Join(left, ", "))
	}
	return nil
}

// count reads a file of the archive as a FeatureCollection and counts its features.
func (a *archive) count(file string) (int, error) {
	n := 0
	err := a.stream(file, func(int, json.RawMessage) error { n++; return nil })
	return n, err
}

// listed joins up to n strings and says how many more there are.
func listed(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" (%d more)", len(xs)-n)
}
