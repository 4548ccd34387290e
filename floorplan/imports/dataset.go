// Package imports turns rooms read from outside sources — CAD drawings (DXF), OpenStreetMap indoor data,
// IMDF archives and GeoJSON — into writes to a floorplan.Store.
//
// The readers live in sub-packages (imports/dxf, imports/osm, imports/imdf, imports/geojson); each
// turns its file into a Dataset. Import then plans and applies the Dataset:
//
//   - Plan: find or make the target building (by --building, by the source's id, or a new one), its
//     georeference and floors; convert every room to the building's local metres, validate it
//     (geo.Validate, with the reason), match it to an existing room by its SourceID (so a re-import
//     updates instead of duplicating), repair slivers between neighbours (Options.Snap and MaxRepair,
//     repair.go), and check that the final state has no overlapping rooms: among the imported rooms and
//     against the rooms already on the floor (geo.Overlaps). Every problem names the file, the feature
//     and the reason. Then check where the building lies (placement.go): a footprint far from its rooms,
//     rooms out of the footprint, levels without rooms, a building on top of another; and give a building
//     without a footprint one made from its rooms (footprint.go).
//   - Apply: in one Store.InTx, so that a file imports completely or changes nothing.
//
// With Options.SkipInvalid the valid part is imported and the rest is listed in the Summary; with
// Options.DryRun only the plan runs, and nothing is written.
package imports

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// Dataset is what a reader makes of one source file.
type Dataset struct {
	Format string // "dxf", "osm", "imdf", "geojson"
	File   string // the file's name, for messages
	// LonLat is true when every geometry of the dataset is in lon/lat (WGS84); otherwise geometry is
	// in the building's local frame, in metres.
	LonLat bool
	// SourcePrefix starts the SourceID of every room the source can give (e.g. "dxf:plan.dxf:"). Rooms
	// of the target building whose SourceID has the prefix but that the source no longer has are
	// listed in the summary's notes (and left as they are).
	SourcePrefix string
	// MatchWithinFloor makes a source room match an existing room only on the same floor: a drawing of
	// one floor imported onto two levels makes two sets of rooms, and a re-import onto a level updates
	// that level's rooms.
	MatchWithinFloor bool
	Buildings        []Building
	// CoordPrecision is the rounding of the source's coordinates, in its units (degrees for a lon/lat
	// source): an officemap IMDF export rounds to 1e-7°. A re-import counts a room unchanged when its
	// stored geometry, taken to the source's frame and rounded so, equals the source's. 0: exact.
	CoordPrecision float64
	// Notes are remarks of the reader for the summary (labels outside every room, defaults taken…).
	Notes []Note
}

// Building is one building of a source with its floors and rooms.
type Building struct {
	SourceID string
	// ID is an officemap id the source carries (an archive officemap exported); a live building with
	// that id is the target.
	ID        uuid.UUID
	Name      string
	Address   string
	Footprint orb.Polygon // in the dataset's coordinates; optional
	// Georef is the source's own georeference of its local frame (nil when it has none).
	Georef *geo.Georef
	// Lang is the language tag of the names the source gives ("en"); empty when unknown.
	Lang   string
	Floors []Floor // floors the source declares; floors used by rooms are added as needed
	Rooms  []Room
}

// Floor is a level a source declares.
type Floor struct {
	SourceID  string
	ID        uuid.UUID // an officemap id the source carries
	Ordinal   int
	Name      string
	Elevation float64
	Outline   orb.Polygon // in the dataset's coordinates; optional
	// Openings are the level's doors and other openings (in the dataset's coordinates), kept for plans.
	Openings orb.MultiLineString
}

// Room is one room of a source.
type Room struct {
	// Ref says where the room is in the source, for messages: "entity 57 (LWPOLYLINE, handle 3A)",
	// "way/123", "unit.geojson feature 4 (id …)".
	Ref      string
	SourceID string
	ID       uuid.UUID // an officemap id the source carries
	Ordinal  int       // the floor's ordinal
	// FloorSourceID is the SourceID of the Floor of the source the room is on, when the source declares
	// its floors (IMDF levels): it tells apart two floors of one ordinal. Empty: the floor of Ordinal.
	FloorSourceID string
	Number        string
	// GeneratedNumber is set when the source had no number for the room and the reader made one up;
	// a re-import then keeps a number a planner has typed in since.
	GeneratedNumber bool
	Name            string
	Usage           floorplan.Usage // empty: other
	// Category is the room's category in the source's own terms (IMDF category, OSM room=* value, DXF
	// room type), kept on the room (floorplan.Room.SourceCategory) for a lossless export.
	Category string
	// RecordedAreaM2 is an area the source records for the room (a room register's 账面面积); 0: none.
	RecordedAreaM2 float64
	// State and IdleSince are the room's state as the source records it (an officemap archive does);
	// an empty State leaves an existing room's state as it is and makes a new room in use.
	State     floorplan.RoomState
	IdleSince time.Time
	// ValidFrom is the day the room exists from in the world when the source knows it (an officemap
	// archive); zero: the import's day.
	ValidFrom time.Time
	// UsageAssumed is set when the source does not say the usage and the reader took a default or a
	// guess: a re-import then keeps the usage a planner has set since.
	UsageAssumed bool
	AgencyID     uuid.UUID   // uuid.Nil: keep (or leave unallocated)
	AgencyName   string      // matched to an agency by name when AgencyID is not set
	Geometry     orb.Polygon // in the dataset's coordinates
	// Err is set when the reader found the room unusable (an unclosed way, no level…); the room is
	// reported (or skipped with SkipInvalid), never silently dropped.
	Err error
}

// OnePolygon takes a room's polygon from a geometry: a Polygon, or a MultiPolygon of one part. ok is
// false for other kinds of geometry.
func OnePolygon(g orb.Geometry) (p orb.Polygon, ok bool, err error) {
	switch t := g.(type) {
	case orb.Polygon:
		return t, true, nil
	case orb.MultiPolygon:
		if len(t) == 1 {
			return t[0], true, nil
		}
		return nil, true, fmt.Errorf("the multipolygon has %d parts: a room must be one polygon", len(t))
	}
	return nil, false, nil
}
