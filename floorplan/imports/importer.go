package imports

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// DefaultSiteCategory is the category of a site Import creates for a new building when no site is
// given (see Options.SiteID).
const DefaultSiteCategory = "office.party_government"

// DefaultSnap is the snapping tolerance of sliver repair (Options.Snap), in metres: 5 mm. Digitising
// noise between two rooms drawn along one wall (OSM ways traced twice, CAD vertices a hair apart) is
// well under it, and no real wall or niche is that thin.
const DefaultSnap = 0.005

// DefaultMaxRepair is the largest overlap between two rooms that sliver repair cuts away
// (Options.MaxRepair), in m²: 0.1 m², a strip 1 cm wide along a 10 m wall. A larger overlap is a
// drawing error a planner must look at, and stays a problem.
const DefaultMaxRepair = 0.1

// Options configures Import.
type Options struct {
	// Building is the target building, by id or by name (the --building flag). When set, every room of
	// the source goes into it; a name that no building has makes a new building of that name.
	Building string
	// SiteID is the site a new building joins; uuid.Nil makes a new site (named after the source) with
	// SiteCategory (DefaultSiteCategory when empty) and ownership "unclear" until a planner records it.
	SiteID       uuid.UUID
	SiteCategory string
	// Level, when set, keeps only the rooms on that floor ordinal (for sources with several levels).
	Level *int
	// Origin and Rotation georeference a new building (the --origin and --rotation flags): required for
	// a source in local coordinates that has no georeference; for a lon/lat source, they replace the
	// default frame (origin at the outline's centroid, rotation 0).
	Origin   *orb.Point
	Rotation *float64
	// SkipInvalid imports the valid rooms and lists the rest in Summary.Skipped; otherwise any problem
	// rejects the whole file.
	SkipInvalid bool
	// DryRun plans and validates only: nothing is written.
	DryRun bool
	// Lang is the language of the summary's notes and warnings: "en" for English, Chinese otherwise.
	Lang string
	// Snap is the tolerance, in metres, within which the vertices of neighbouring rooms on one floor are
	// moved onto each other (and onto a neighbour's edge) before overlaps are checked: 0 takes
	// DefaultSnap, a negative value turns snapping off, more than MaxSnap is refused (the --snap flag).
	Snap float64
	// MaxRepair is the largest overlap, in m², between two rooms that the import cuts from one of them
	// instead of rejecting a room (the larger of two imported rooms gives it up; a room the import
	// leaves alone never does): 0 takes DefaultMaxRepair, a negative value turns repair off, more than
	// MaxMaxRepair is refused (the --max-repair flag). Every repair is listed in Summary.Repairs.
	MaxRepair float64
	// IgnoreFootprint does not take the source's footprint of a building when it disagrees with the
	// rooms, and places the building by its rooms (the --ignore-footprint flag): a lon/lat footprint
	// more than FarFootprintM from the rooms (without it, the source is rejected), or one that rooms
	// reach more than FarOutsideM out of (without it, a warning). The building keeps the footprint it
	// has, or gets one made from its rooms.
	IgnoreFootprint bool
	// Progress, when set, is called as rooms are written (done of total).
	Progress func(done, total int)
}

// Counts says how many records were created, updated or found unchanged.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Target is one building an import wrote to (or, in a dry run, would write to).
type Target struct {
	ID     uuid.UUID `json:"id"` // uuid.Nil for a building a dry run would create
	Name   string    `json:"name"`
	Op     string    `json:"op"` // created, updated or unchanged
	Floors int       `json:"floors"`
	Rooms  int       `json:"rooms"` // rooms of the source imported into it
	// AreaM2 is their usable area: of the rooms with a floor (shafts and voids do not count).
	AreaM2 float64 `json:"area_m2"`
}

// Summary is the outcome of Import.
type Summary struct {
	File      string    `json:"file"`
	Format    string    `json:"format"`
	DryRun    bool      `json:"dry_run"`
	Buildings Counts    `json:"buildings"`
	Floors    Counts    `json:"floors"`
	Rooms     Counts    `json:"rooms"`
	Skipped   []Problem `json:"skipped"`
	Notes     []string  `json:"notes"`
	// Repairs lists every change sliver repair made to a room: vertices snapped (Options.Snap) and
	// overlaps cut (Options.MaxRepair).
	Repairs []Repair `json:"repairs"`
	// Warnings are placement checks that found something a planner should look at (rooms outside
	// their footprint, levels without rooms, a building on top of another), told in Options.Lang.
	Warnings []string `json:"warnings"`
	Targets  []Target `json:"targets"`
}

// Repair is one change sliver repair made to a room of a floor: its vertices snapped onto a
// neighbour's (Kind RepairSnap), or its overlap with a neighbour cut from it (RepairCut). A room's
// imported area differs from the source's by no more than the areas of its repairs.
type Repair struct {
	Floor string `json:"floor"` // the floor's name
	// Room is the room that changed, Other the neighbour it was snapped onto or that kept the overlap:
	// each by number and feature in the source ("E023 (way/4711)"), or by either when it lacks the other.
	Room   string  `json:"room"`
	Other  string  `json:"other"`
	AreaM2 float64 `json:"area_m2"` // how much Room's area changed
	Kind   string  `json:"kind"`    // RepairSnap or RepairCut
	Action string  `json:"action"`  // what was done, told in Options.Lang
}

// Operations on a record.
const (
	opCreate    = "created"
	opUpdate    = "updated"
	opUnchanged = "unchanged"
)

// Import writes a dataset into the store: all of it in one transaction, or nothing (see the package
// comment). The error is an *Error (errors.Is(err, ErrRejected)) naming the file, the features and the
// reasons when the source has problems, or the store's error. With DryRun the summary says what an
// import would do.
func Import(ctx context.Context, reg *floorplan.Register, d *Dataset, opt Options) (*Summary, error) {
	if err := opt.checkRepair(); err != nil {
		return nil, err
	}
	sum := &Summary{File: d.File, Format: d.Format, DryRun: opt.DryRun, Skipped: []Problem{}, Notes: []string{},
		Repairs: []Repair{}, Warnings: []string{}}
	req := floorplan.Request{Op: floorplan.OpBatch, Entity: floorplan.EntityRoom, What: "import " + d.Format + " " + d.File}
	if opt.DryRun {
		if err := reg.Check(ctx, req); err != nil {
			return nil, err
		}
		p, err := newPlan(ctx, reg.Reader(), d, opt)
		if err != nil {
			return nil, err
		}
		p.summarise(sum)
		return sum, nil
	}
	var p *plan
	_, err := reg.Batch(ctx, req, func(tx floorplan.Store) error {
		var err error
		if p, err = newPlan(ctx, tx, d, opt); err != nil {
			return err
		}
		return p.apply(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	p.summarise(sum)
	return sum, nil
}

// plan is what Import will write.
type plan struct {
	d         *Dataset
	opt       Options
	site      *floorplan.Site // a new site, or nil
	buildings []*buildingPlan
	problems  []Problem
	notes     []Note
	warnings  []Note
	repairs   []repair
	agencies  []floorplan.Agency // loaded on first use
	loadedAg  bool
	all       []floorplan.Building // every live building, loaded on first use (allBuildings)
	loadedAll bool
}

type buildingPlan struct {
	b     floorplan.Building
	old   *floorplan.Building // the building as it is, for one that exists
	op    string
	frame *geo.Frame
	src   *Building // the source building (its footprint dropped when it disagrees with the rooms)
	// floors are the building's floors and the new ones; used are those the import touches, in the
	// order first seen.
	floors   []*floorPlan
	used     []*floorPlan
	levels   map[string]*floorPlan // the floor of each level the source declares, by its source id
	rooms    []*roomPlan
	existing []floorplan.Room // the building's live rooms before the import
}

type floorPlan struct {
	f        floorplan.Floor
	op       string
	declared bool // the source declares this floor
	srcRooms int  // rooms of the source on it
}

type roomPlan struct {
	src      *Room
	r        floorplan.Room // as it will be written
	old      *floorplan.Room
	op       string
	rejected bool
	bound    orb.Bound
	// kept is set when the room's stored geometry is the source's at the source's precision: it is
	// written as stored, and sliver repair moves no vertex of it.
	kept bool
}

// reject records a problem with a room of the source; err's message is the reason (made with Reasonf,
// or wrapping another error with reasonErr, so that it can be told in the reader's language).
func (p *plan) reject(rp *roomPlan, err error) { p.rejectFor(rp, err.Error(), err) }

// rejectFor records a problem with a room of the source, for a reason other than err's message.
func (p *plan) rejectFor(rp *roomPlan, reason string, err error) {
	rp.rejected = true
	p.problems = append(p.problems, Problem{Feature: rp.src.Ref, SourceID: rp.src.SourceID, Number: rp.src.Number,
		Reason: reason, Err: err})
}

// newPlan resolves targets, converts, validates and matches every room, repairs slivers, checks overlaps
// and placement.
func newPlan(ctx context.Context, s floorplan.Reader, d *Dataset, opt Options) (*plan, error) {
	p := &plan{d: d, opt: opt}
	if len(d.Buildings) == 0 {
		return nil, Errorf(d.File, "", "no rooms found")
	}
	if opt.SiteID != uuid.Nil {
		if _, err := s.Site(ctx, opt.SiteID); err != nil {
			return nil, fmt.Errorf("--site %s: %w", opt.SiteID, err)
		}
	}
	groups := d.Buildings
	if opt.Building != "" && len(groups) > 1 {
		groups = []Building{merge(groups)}
	}
	for gi := range groups {
		g := &groups[gi]
		if len(g.Rooms) == 0 && len(g.Floors) == 0 {
			p.notes = append(p.notes, Notef("building %q has no rooms in the source and was left out", g.Name))
			continue
		}
		bp, err := p.target(ctx, s, g)
		if err != nil {
			return nil, err
		}
		if err := p.planBuilding(ctx, s, bp); err != nil {
			return nil, err
		}
		p.buildings = append(p.buildings, bp)
	}
	if len(p.buildings) == 0 {
		return nil, Errorf(d.File, "", "no rooms found")
	}
	for _, bp := range p.buildings {
		p.repairSlivers(bp)
		p.settle(bp)
		if err := p.place(ctx, s, bp); err != nil {
			return nil, err
		}
	}
	if len(p.problems) > 0 && !opt.SkipInvalid {
		return nil, &Error{File: d.File, Problems: p.problems}
	}
	p.planSite()
	return p, nil
}

// planBuilding loads what a building has, then plans the floors and rooms of its source.
func (p *plan) planBuilding(ctx context.Context, s floorplan.Reader, bp *buildingPlan) error {
	if bp.op != opCreate {
		var err error
		if bp.existing, err = s.Rooms(ctx, floorplan.RoomFilter{BuildingID: bp.b.ID}); err != nil {
			return err
		}
		floors, err := s.Floors(ctx, bp.b.ID)
		if err != nil {
			return err
		}
		for _, f := range floors {
			bp.floors = append(bp.floors, &floorPlan{f: f, op: opUnchanged})
		}
	}
	if err := p.planFloors(ctx, s, bp); err != nil {
		return err
	}
	return p.planRooms(ctx, s, bp)
}

// planSite gives the new buildings their site: Options.SiteID, or a new site.
func (p *plan) planSite() {
	for _, bp := range p.buildings {
		if bp.op != opCreate {
			continue
		}
		if p.opt.SiteID == uuid.Nil && p.site == nil {
			p.site = &floorplan.Site{ID: uuid.New(), Name: siteName(p.d, p.buildings), Category: siteCategory(p.opt),
				Ownership: floorplan.OwnershipUnclear, Records: []floorplan.OwnershipRecord{},
				Note: fmt.Sprintf("created by the import of %s", p.d.File)}
		}
		if p.site != nil {
			bp.b.SiteID = p.site.ID
		} else {
			bp.b.SiteID = p.opt.SiteID
		}
	}
}

// allBuildings lists every live building (loaded once).
func (p *plan) allBuildings(ctx context.Context, s floorplan.Reader) ([]floorplan.Building, error) {
	if !p.loadedAll {
		b, err := s.Buildings(ctx, uuid.Nil)
		if err != nil {
			return nil, err
		}
		p.all, p.loadedAll = b, true
	}
	return p.all, nil
}

func siteCategory(opt Options) string {
	if opt.SiteCategory != "" {
		return opt.SiteCategory
	}
	return DefaultSiteCategory
}

// siteName names a new site: after its one new building, or after the file.
func siteName(d *Dataset, bps []*buildingPlan) string {
	var names []string
	for _, bp := range bps {
		if bp.op == opCreate {
			names = append(names, bp.b.Name)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return baseName(d.File)
}

// baseName is a file's name without directory and extension.
func baseName(file string) string {
	b := filepath.Base(file)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// merge puts the rooms and floors of several source buildings into one (for --building).
func merge(bs []Building) Building {
	out := Building{Name: bs[0].Name}
	for _, b := range bs {
		out.Floors = append(out.Floors, b.Floors...)
		out.Rooms = append(out.Rooms, b.Rooms...)
		if out.Georef == nil {
			out.Georef = b.Georef
		}
		out.Lang = cmp.Or(out.Lang, b.Lang)
	}
	return out
}

// summarise fills the summary's counts, skipped list, repairs, warnings, notes and targets.
func (p *plan) summarise(sum *Summary) {
	if p.site != nil && p.opt.DryRun {
		p.notes = append(p.notes, Notef("a new site %q would be created for the new buildings", p.site.Name))
	} else if p.site != nil {
		p.notes = append(p.notes, Notef("new site %q (%s) created for the new buildings", p.site.Name, p.site.ID))
	}
	for _, bp := range p.buildings {
		count(&sum.Buildings, bp.op)
		t := Target{ID: bp.b.ID, Name: bp.b.Name, Op: bp.op}
		if p.opt.DryRun && bp.op == opCreate {
			t.ID = uuid.Nil
		}
		for _, fp := range bp.used {
			count(&sum.Floors, fp.op)
			t.Floors++
		}
		for _, rp := range bp.rooms {
			if rp.rejected {
				continue
			}
			count(&sum.Rooms, rp.op)
			t.Rooms++
			if rp.r.Usage.HasFloor() {
				t.AreaM2 += geo.Area(rp.r.Geometry)
			}
		}
		sum.Targets = append(sum.Targets, t)
	}
	for _, pr := range p.problems {
		sum.Skipped = append(sum.Skipped, pr.In(p.opt.Lang))
	}
	for _, r := range p.repairs {
		sum.Repairs = append(sum.Repairs, r.in(p.opt.Lang))
	}
	for _, n := range p.warnings {
		sum.Warnings = append(sum.Warnings, n.In(p.opt.Lang))
	}
	for _, n := range append(slices.Clip(p.d.Notes), p.notes...) {
		sum.Notes = append(sum.Notes, n.In(p.opt.Lang))
	}
}

func count(c *Counts, op string) {
	switch op {
	case opCreate:
		c.Created++
	case opUpdate:
		c.Updated++
	default:
		c.Unchanged++
	}
}
