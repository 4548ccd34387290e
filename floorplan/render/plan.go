// Package render draws a floor's plan as a PNG (with gg) or an SVG (written as text): rooms filled by
// status, agency or usage (voids always pale and hatched: they are no floor area), outlined, labelled
// with their number and per-person area where the label fits, the floor's doors over the outlines,
// with a title, a legend, a scale bar in metres and a north arrow. The raster map tiles
// (api/tiles) are drawn here too, by ShapesPNG with the plans' own fill-and-outline drawing, in the
// same palettes.
//
// Plans are drawn in the building's local frame (metres, +Y up), the plane the areas are measured in.
package render

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// Plan is everything a floor's drawing shows.
type Plan struct {
	Floor    floorplan.Floor
	Building floorplan.Building
	Rooms    []PlanRoom
	// Outline is the floor's gross outline in local units, drawn under the rooms (BuildPlan uses the
	// building's footprint when the floor has none); it may be empty.
	Outline orb.Polygon
	// Openings are the floor's doors and other openings in local units (floorplan.Floor.Openings),
	// drawn over the rooms' outlines; nil when none are known.
	Openings orb.MultiLineString
	// AsOf is the day the statuses were evaluated for; zero leaves it out of the title.
	AsOf time.Time
}

// PlanRoom is one room as the plan shows it.
type PlanRoom struct {
	ID         uuid.UUID
	Number     string
	Name       string
	Usage      floorplan.Usage
	AgencyID   uuid.UUID
	AgencyName string
	Status     floorplan.RoomStatus
	AreaM2     float64
	// PerPersonM2 is the per-person usable area (人均使用面积); 0 when nobody is assigned.
	PerPersonM2 float64
	Occupants   int
	Geometry    orb.Polygon // local units: metres unless Building.Georef.Scale says otherwise
}

// ColorBy chooses what a room's fill colour shows.
type ColorBy string

// Colourings.
const (
	ByStatus ColorBy = "status" // the default
	ByAgency ColorBy = "agency"
	ByUsage  ColorBy = "usage"
)

// Options control a drawing.
type Options struct {
	// Width is the image width in pixels (PNG) or user units (SVG); 0 means DefaultWidth. The height
	// follows from the plan's shape.
	Width int
	Color ColorBy // "" means ByStatus
	Lang  string  // "zh" (the default) or "en"
	// Fonts is the typeface for PNG text; nil loads one with LoadFonts on every call, so a server should
	// load it once and pass it here. SVG does not need it: the viewer picks a CJK font by name.
	Fonts *Fonts
}

// Size limits. A PNG is drawn into an RGBA image of width × height pixels (4 bytes each) before it is
// encoded: MaxPixels bounds that image at 128 MiB whatever the floor's shape (a tall, narrow floor at
// MaxWidth would otherwise be several times larger).
const (
	DefaultWidth = 1600
	MinWidth     = 200
	MaxWidth     = 8192
	MaxPixels    = 8192 * 4096
)

func (o Options) normalise() (Options, error) {
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.Width < MinWidth || o.Width > MaxWidth {
		return o, floorplan.Invalidf("width %d is outside %d–%d pixels", o.Width, MinWidth, MaxWidth)
	}
	switch o.Color {
	case "":
		o.Color = ByStatus
	case ByStatus, ByAgency, ByUsage:
	default:
		return o, floorplan.Invalidf("color %q is not one of status, agency, usage", string(o.Color))
	}
	if o.Lang == "" {
		o.Lang = "zh"
	}
	if o.Lang != "zh" && !isEnglish(o.Lang) {
		return o, floorplan.Invalidf("lang %q is not zh or en", o.Lang)
	}
	return o, nil
}

// PlanStore is the part of floorplan.Store that BuildPlan reads.
type PlanStore interface {
	Floor(ctx context.Context, id uuid.UUID) (floorplan.Floor, error)
	Building(ctx context.Context, id uuid.UUID) (floorplan.Building, error)
	Rooms(ctx context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error)
	Agencies(ctx context.Context) ([]floorplan.Agency, error)
}

// BuildPlan assembles the plan of one floor from the store (floor, building, rooms, agency names) and
// an evaluated report (each room's status, per-person area and occupants). rep may be nil: rooms are
// then drawn without a status. Errors from the store are returned wrapped, so a missing floor is
// still floorplan.ErrNotFound.
func BuildPlan(ctx context.Context, store PlanStore, rep *floorplan.Report, floorID uuid.UUID) (Plan, error) {
	fl, b, rooms, err := floorOf(ctx, store, floorID)
	if err != nil {
		return Plan{}, err
	}
	return assemble(ctx, store, fl, b, rooms, rep)
}

// StatesFunc returns the stored states today of the rooms ids, keyed by room: floorplan.Register.States.
type StatesFunc func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]floorplan.StoredStatus, error)

// BuildPlanToday is BuildPlan of today, with each room's status, per-person area and occupants read from
// the stored states of the floor's rooms only (states), not from an evaluation of the whole register:
// its cost is the floor's, whatever the register's size. today is the day the states are for (the
// Register's today), shown in the title. The plan is the one BuildPlan draws from a whole evaluation
// of today, since the stored states are that evaluation's results for their rooms.
func BuildPlanToday(ctx context.Context, store PlanStore, states StatesFunc, today time.Time, floorID uuid.UUID) (Plan, error) {
	fl, b, rooms, err := floorOf(ctx, store, floorID)
	if err != nil {
		return Plan{}, err
	}
	ids := make([]uuid.UUID, len(rooms))
	for i, r := range rooms {
		ids[i] = r.ID
	}
	st := map[uuid.UUID]floorplan.StoredStatus{}
	if len(ids) > 0 { // no ids at all would read every room's state
		if st, err = states(ctx, ids); err != nil {
			return Plan{}, fmt.Errorf("render: states of floor %s: %w", floorID, err)
		}
	}
	rep := floorplan.StatesReport(st)
	rep.AsOf = floorplan.DayOf(today)
	return assemble(ctx, store, fl, b, rooms, rep)
}

// floorOf reads the floor floorID, its building and its rooms.
func floorOf(ctx context.Context, store PlanStore, floorID uuid.UUID) (floorplan.Floor, floorplan.Building, []floorplan.Room, error) {
	fl, err := store.Floor(ctx, floorID)
	if err != nil {
		return fl, floorplan.Building{}, nil, fmt.Errorf("render: floor %s: %w", floorID, err)
	}
	b, err := store.Building(ctx, fl.BuildingID)
	if err != nil {
		return fl, b, nil, fmt.Errorf("render: building %s: %w", fl.BuildingID, err)
	}
	rooms, err := store.Rooms(ctx, floorplan.RoomFilter{FloorID: floorID})
	if err != nil {
		return fl, b, nil, fmt.Errorf("render: rooms of floor %s: %w", floorID, err)
	}
	return fl, b, rooms, nil
}

// assemble makes the plan of the floor fl of building b with its rooms, their statuses from rep (which
// may be nil) and their agencies' names from rep or, for agencies it does not name, from store.
func assemble(ctx context.Context, store PlanStore, fl floorplan.Floor, b floorplan.Building, rooms []floorplan.Room, rep *floorplan.Report) (Plan, error) {
	names := map[uuid.UUID]string{}
	if rep != nil {
		for _, a := range rep.Agencies {
			names[a.AgencyID] = a.Name
		}
	}
	for _, r := range rooms {
		if _, ok := names[r.AgencyID]; !ok && r.AgencyID != uuid.Nil {
			agencies, err := store.Agencies(ctx)
			if err != nil {
				return Plan{}, fmt.Errorf("render: agencies: %w", err)
			}
			for _, a := range agencies {
				names[a.ID] = a.Name
			}
			break
		}
	}
	p := Plan{Floor: fl, Building: b, Outline: fl.Outline, Openings: fl.Openings, Rooms: make([]PlanRoom, 0, len(rooms))}
	if len(p.Outline) == 0 {
		p.Outline = b.Footprint
	}
	if rep != nil {
		p.AsOf = rep.AsOf
	}
	for _, r := range rooms {
		pr := PlanRoom{ID: r.ID, Number: r.Number, Name: r.Name, Usage: r.Usage, AgencyID: r.AgencyID,
			AgencyName: names[r.AgencyID], AreaM2: floorplan.RoundM2(r.Area()), Geometry: r.Geometry}
		if rep != nil {
			if rr, ok := rep.Room(r.ID); ok {
				pr.Status = rr.Status
				pr.PerPersonM2 = rr.PerPersonM2
				pr.Occupants = len(rr.Occupants)
				if rr.AreaM2 > 0 {
					pr.AreaM2 = rr.AreaM2
				}
			}
		}
		p.Rooms = append(p.Rooms, pr)
	}
	sort.SliceStable(p.Rooms, func(i, j int) bool { return p.Rooms[i].Number < p.Rooms[j].Number })
	return p, nil
}
