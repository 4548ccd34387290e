// Package osm reads the rooms of OpenStreetMap indoor data (Simple Indoor Tagging) from OSM XML
// (streamed with encoding/xml) or from the GeoJSON that OSM tools export.
//
// What is read:
//   - Rooms: ways and multipolygon relations tagged indoor=room, indoor=area or indoor=corridor. The
//     room's number is its ref (else its name), its name its name. A room on several levels
//     (level=0-3, level=0;1, or repeat_on) is imported once per level.
//   - Usage, in this order: indoor=corridor → circulation; room=* (office → office, toilets → toilet,
//     conference/storage/… → service, technical/server → equipment, stairs/elevator/entrance →
//     circulation, kitchen/canteen → ancillary, shop → commercial, shaft, void…); amenity=* (toilets →
//     toilet, restaurant/cafe → ancillary…); a free-text room=* or amenity=* value (room=会议室,
//     room=pipe_shaft) through the usage map (Options.Usages, an operator's file or
//     imports.DefaultUsageMap); shop=* → commercial; office=* → office; a word of the map in the name;
//     indoor=area without any of these → circulation (an open area); an indoor=room without any of
//     these → office, counted in the summary's notes and marked assumed (a re-import keeps a usage a
//     planner has set since). The room=* value is kept as the room's category.
//   - Buildings: one per building=* outline that has rooms in it (a room belongs to the smallest outline
//     containing its centroid); rooms outside every outline go into a building named after the file.
//     Coordinates are lon/lat; the importer places each new building's local frame at the centroid of
//     its outline (rotation 0) unless --origin is given.
//
// Both are read as streams, and whole or not at all: a file that ends early (XML elements left open,
// JSON cut inside a value) is an error wrapping imports.ErrTruncated that names the line or byte where
// it ends and what was still open there.
//
// A room way that is not closed, whose nodes are missing, that has no level or an unreadable one is
// kept as a room with a problem: the import reports it (or skips it with --skip-invalid), never drops
// it silently. Rooms are identified for re-imports as "osm:way/123" ("osm:way/123@2" for one level of
// a room on several).
package osm

import (
	"bufio"
	"bytes"
	"io"
	"path/filepath"

	"officemap/floorplan/imports"
)

// Limits bound what Read accepts, so that a huge or hostile file cannot take unbounded memory or time.
type Limits struct {
	MaxNodes    int   // nodes kept (XML)
	MaxWays     int   // ways kept, and relations (XML)
	MaxWayNodes int   // node references of one way, members of one relation
	MaxRefs     int   // node references and members in all
	MaxBytes    int64 // bytes of a GeoJSON file (read as a stream: this bounds the time, not the memory)
}

// DefaultLimits hold a city district's indoor data.
var DefaultLimits = Limits{
	MaxNodes:    20_000_000,
	MaxWays:     2_000_000,
	MaxWayNodes: 100_000,
	MaxRefs:     50_000_000,
	MaxBytes:    1 << 30,
}

// Options says how ReadWith reads a file.
type Options struct {
	Limits Limits // a zero Limits means DefaultLimits
	// Usages tells the usage of free-text tag values and names (nil: the default map).
	Usages *imports.UsageMap
}

// Read reads a file with the default usage map (see ReadWith).
func Read(file string, in io.Reader, lim Limits) (*imports.Dataset, error) {
	return ReadWith(file, in, Options{Limits: lim})
}

// ReadWith reads OSM XML or OSM GeoJSON (told apart by the first character: '<' or '{') and returns its
// rooms as a dataset for imports.Import. Errors that stop the reading name the file and the line (XML)
// or feature (GeoJSON).
func ReadWith(file string, in io.Reader, opt Options) (*imports.Dataset, error) {
	lim := opt.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	usages := opt.Usages
	if usages == nil {
		usages = imports.DefaultUsageMap()
	}
	base := filepath.Base(file)
	br := bufio.NewReader(in)
	first := firstByte(br)
	switch first {
	case '{', '[':
		feats, notes, err := readGeoJSON(br, lim)
		if err != nil {
			return nil, imports.Wrap(base, "", err)
		}
		return dataset(file, feats, notes, usages)
	case '<':
		x, err := readXML(br, lim)
		if err != nil {
			return nil, imports.Wrap(base, "", err)
		}
		return dataset(file, x.features(), nil, usages)
	}
	return nil, imports.Errorf(base, "", "neither OSM XML nor GeoJSON")
}

// firstByte returns the first byte after white space and a UTF-8 byte-order mark, without consuming it.
func firstByte(br *bufio.Reader) byte {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.Discard(1)
		default:
			return b[0]
		}
	}
}
