package imports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"officemap/floorplan"
	"officemap/geo"
)

// DefaultSiteCategory is the category of a site Import creates for a new building when no site is
// given (see Options.SiteID).
const DefaultSiteCategory = "office.party_government"

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
	// Lang is the language of the summary's notes: "en" for English, Chinese otherwise.
	Lang string
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
	Rooms  int       `json:"rooms"`   // rooms of the source imported into it
	AreaM2 float64   `json:"area_m2"` // their usable area
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
	Targets   []Target  `json:"targets"`
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
	sum := &Summary{File: d.File, Format: d.Format, DryRun: opt.DryRun, Skipped: []Problem{}, Notes: []string{}}
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
	agencies  []floorplan.Agency // loaded on first use
	loadedAg  bool
}

type buildingPlan struct {
	b        floorplan.Building
	op       string
	frame    *geo.Frame
	floors   map[int]*floorPlan
	order    []int // ordinals in the order first seen
	rooms    []*roomPlan
	existing []floorplan.Room // the building's live rooms before the import
}

type floorPlan struct {
	f  floorplan.Floor
	op string
}

type roomPlan struct {
	src      *Room
	r        floorplan.Room // as it will be written
	old      *floorplan.Room
	op       string
	rejected bool
	bound    orb.Bound
}

// reject records a problem with a room of the source.
func (p *plan) reject(rp *roomPlan, reason string, err error) {
	rp.rejected = true
	number := rp.src.Number
	p.problems = append(p.problems, Problem{Feature: rp.src.Ref, SourceID: rp.src.SourceID, Number: number,
		Reason: reason, Err: err})
}

// newPlan resolves targets, converts, validates and matches every room, and checks overlaps.
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
	var (
		all    []floorplan.Building // every live building, loaded on first use
		loaded bool
	)
	loadAll := func() ([]floorplan.Building, error) {
		if !loaded {
			b, err := s.Buildings(ctx, uuid.Nil)
			if err != nil {
				return nil, err
			}
			all, loaded = b, true
		}
		return all, nil
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
		bp, err := p.target(ctx, s, g, loadAll)
		if err != nil {
			return nil, err
		}
		if bp.op != opCreate {
			if bp.existing, err = s.Rooms(ctx, floorplan.RoomFilter{BuildingID: bp.b.ID}); err != nil {
				return nil, err
			}
			floors, err := s.Floors(ctx, bp.b.ID)
			if err != nil {
				return nil, err
			}
			for _, f := range floors {
				bp.floors[f.Ordinal] = &floorPlan{f: f, op: opUnchanged}
			}
		}
		if err := p.planFloors(bp, g); err != nil {
			return nil, err
		}
		if err := p.planRooms(ctx, s, bp, g); err != nil {
			return nil, err
		}
		p.buildings = append(p.buildings, bp)
	}
	if len(p.buildings) == 0 {
		return nil, Errorf(d.File, "", "no rooms found")
	}
	for _, bp := range p.buildings {
		p.checkOverlaps(bp)
	}
	if len(p.problems) > 0 && !opt.SkipInvalid {
		return nil, &Error{File: d.File, Problems: p.problems}
	}
	for _, bp := range p.buildings {
		if bp.op == opCreate && opt.SiteID == uuid.Nil && p.site == nil {
			p.site = &floorplan.Site{ID: uuid.New(), Name: siteName(d, p.buildings), Category: siteCategory(opt),
				Ownership: floorplan.OwnershipUnclear, Records: []floorplan.OwnershipRecord{},
				Note: fmt.Sprintf("created by the import of %s", d.File)}
		}
		if bp.op == opCreate {
			if p.site != nil {
				bp.b.SiteID = p.site.ID
			} else {
				bp.b.SiteID = opt.SiteID
			}
		}
	}
	return p, nil
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
	}
	return out
}

// target finds or makes the building a source building goes into.
func (p *plan) target(ctx context.Context, s floorplan.Reader, g *Building,
	loadAll func() ([]floorplan.Building, error)) (*buildingPlan, error) {
	bp := &buildingPlan{floors: map[int]*floorPlan{}}
	var found *floorplan.Building
	name := strings.TrimSpace(g.Name)
	if name == "" {
		name = baseName(p.d.File)
	}
	switch {
	case p.opt.Building != "":
		if id, err := uuid.Parse(p.opt.Building); err == nil {
			b, err := s.Building(ctx, id)
			if errors.Is(err, floorplan.ErrNotFound) {
				return nil, fmt.Errorf("--building %s: no such building", id)
			} else if err != nil {
				return nil, err
			}
			found = &b
			break
		}
		name = strings.TrimSpace(p.opt.Building)
		all, err := loadAll()
		if err != nil {
			return nil, err
		}
		var same []floorplan.Building
		for _, b := range all {
			if b.Name == name {
				same = append(same, b)
			}
		}
		if len(same) > 1 {
			return nil, fmt.Errorf("--building %q: %d buildings have that name; give the id of one (%s, %s…)",
				name, len(same), same[0].ID, same[1].ID)
		}
		if len(same) == 1 {
			found = &same[0]
		}
	default:
		if g.ID != uuid.Nil {
			if b, err := s.Building(ctx, g.ID); err == nil {
				found = &b
				break
			} else if !errors.Is(err, floorplan.ErrNotFound) {
				return nil, err
			}
		}
		if g.SourceID != "" {
			all, err := loadAll()
			if err != nil {
				return nil, err
			}
			for i := range all {
				if all[i].SourceID == g.SourceID {
					found = &all[i]
					break
				}
			}
		}
	}
	if found != nil {
		bp.b, bp.op = *found, opUnchanged
		bp.frame = found.Georef.Frame()
		if p.opt.Origin != nil || p.opt.Rotation != nil {
			p.notes = append(p.notes, Notef("--origin/--rotation ignored: building %q keeps its georeference", found.Name))
		}
		if fp := p.footprint(g, bp.frame); fp != nil && !samePolygon(fp, found.Footprint) {
			bp.b.Footprint = fp
			bp.op = opUpdate
		}
		return bp, nil
	}
	gr, err := p.georef(g)
	if err != nil {
		return nil, err
	}
	bp.op = opCreate
	bp.b = floorplan.Building{ID: uuid.New(), Name: name, Address: g.Address, Georef: gr, SourceID: g.SourceID}
	bp.frame = gr.Frame()
	bp.b.Footprint = p.footprint(g, bp.frame)
	return bp, nil
}

// georef is the georeference of a new building: --origin and --rotation, else the source's own, else
// (lon/lat sources) a frame at the centroid of the outline (or of the rooms) with rotation 0.
func (p *plan) georef(g *Building) (geo.Georef, error) {
	gr := geo.Georef{Scale: 1}
	switch {
	case p.opt.Origin != nil:
		gr.Origin = *p.opt.Origin
		if g.Georef != nil {
			gr.RotationDeg = g.Georef.RotationDeg
		}
	case g.Georef != nil:
		gr.Origin, gr.RotationDeg = g.Georef.Origin, g.Georef.RotationDeg
	case p.d.LonLat:
		gr.Origin = centre(g)
		p.notes = append(p.notes, Notef("building %q: local frame origin at %.7f, %.7f (centroid of its %s), rotation 0",
			g.Name, gr.Origin[0], gr.Origin[1], map[bool]string{true: "outline", false: "rooms"}[len(g.Footprint) > 0]))
	default:
		return gr, Errorf(p.d.File, "", "the source has no georeference: give --origin LON,LAT (and --rotation DEG) to place it")
	}
	if p.opt.Rotation != nil {
		gr.RotationDeg = *p.opt.Rotation
	}
	if err := gr.Validate(); err != nil {
		return gr, fmt.Errorf("georeference: %w", err)
	}
	return gr, nil
}

// centre is the centroid of a lon/lat building's outline, or the centre of its rooms' bound.
func centre(g *Building) orb.Point {
	if len(g.Footprint) > 0 && len(g.Footprint[0]) >= 4 {
		if c, a := planar.CentroidArea(g.Footprint); a > 0 && finite(c) {
			return c
		}
	}
	var b orb.Bound
	first := true
	for _, r := range g.Rooms {
		if r.Err != nil || len(r.Geometry) == 0 {
			continue
		}
		rb := r.Geometry.Bound()
		if !finite(rb.Min) || !finite(rb.Max) {
			continue
		}
		if first {
			b, first = rb, false
		} else {
			b = b.Union(rb)
		}
	}
	return b.Center()
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// footprint converts a source building's outline to local metres, or returns nil (with a note) when it
// has none or it is invalid.
func (p *plan) footprint(g *Building, f *geo.Frame) orb.Polygon {
	if len(g.Footprint) == 0 {
		return nil
	}
	fp := g.Footprint
	if p.d.LonLat {
		fp = f.PolygonToLocal(fp)
	}
	if err := geo.Validate(fp); err != nil {
		p.notes = append(p.notes, Notef("building %q: outline left out: %v", g.Name, err))
		return nil
	}
	return geo.Normalize(fp)
}

// floorName is the display name of a new floor: 1F for the ground floor, B1 for the first basement.
func floorName(ordinal int) string {
	if ordinal < 0 {
		return fmt.Sprintf("B%d", -ordinal)
	}
	return fmt.Sprintf("%dF", ordinal+1)
}

// planFloors adds the floors the source declares.
func (p *plan) planFloors(bp *buildingPlan, g *Building) error {
	for _, sf := range g.Floors {
		if p.opt.Level != nil && sf.Ordinal != *p.opt.Level {
			continue
		}
		fp := p.floor(bp, sf.Ordinal)
		outline := sf.Outline
		if len(outline) > 0 && p.d.LonLat {
			outline = bp.frame.PolygonToLocal(outline)
		}
		if len(outline) > 0 {
			if err := geo.Validate(outline); err != nil {
				p.notes = append(p.notes, Notef("level %d: outline left out: %v", sf.Ordinal, err))
				outline = nil
			} else {
				outline = geo.Normalize(outline)
			}
		}
		if fp.op == opCreate {
			if sf.Name != "" {
				fp.f.Name = sf.Name
			}
			fp.f.Elevation, fp.f.Outline, fp.f.SourceID = sf.Elevation, outline, sf.SourceID
			continue
		}
		changed := false
		if sf.Name != "" && sf.Name != fp.f.Name {
			fp.f.Name, changed = sf.Name, true
		}
		if len(outline) > 0 && !samePolygon(outline, fp.f.Outline) {
			fp.f.Outline, changed = outline, true
		}
		if sf.SourceID != "" && fp.f.SourceID == "" {
			fp.f.SourceID, changed = sf.SourceID, true
		}
		if changed {
			fp.op = opUpdate
		}
	}
	return nil
}

// floor returns the plan of the floor with an ordinal, adding a new floor when the building has none.
func (p *plan) floor(bp *buildingPlan, ordinal int) *floorPlan {
	fp, ok := bp.floors[ordinal]
	if !ok {
		fp = &floorPlan{op: opCreate, f: floorplan.Floor{ID: uuid.New(), BuildingID: bp.b.ID, Ordinal: ordinal,
			Name: floorName(ordinal), Elevation: 0}}
		bp.floors[ordinal] = fp
	}
	if !containsInt(bp.order, ordinal) {
		bp.order = append(bp.order, ordinal)
	}
	return fp
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// planRooms converts, validates and matches the rooms of a source building.
func (p *plan) planRooms(ctx context.Context, s floorplan.Reader, bp *buildingPlan, g *Building) error {
	ordinalOf := map[uuid.UUID]int{}
	for o, fp := range bp.floors {
		ordinalOf[fp.f.ID] = o
	}
	key := func(sourceID string, ordinal int) string {
		if p.d.MatchWithinFloor {
			return fmt.Sprintf("%s@%d", sourceID, ordinal)
		}
		return sourceID
	}
	bySource := map[string]*floorplan.Room{}
	byID := map[uuid.UUID]*floorplan.Room{}
	for i := range bp.existing {
		r := &bp.existing[i]
		byID[r.ID] = r
		if r.SourceID != "" {
			k := key(r.SourceID, ordinalOf[r.FloorID])
			if _, dup := bySource[k]; !dup {
				bySource[k] = r
			}
		}
	}
	claimed := map[uuid.UUID]string{} // existing room → the feature that updates it
	seen := map[string]string{}       // source id → feature
	filtered := 0
	for i := range g.Rooms {
		src := &g.Rooms[i]
		if p.opt.Level != nil && src.Ordinal != *p.opt.Level && src.Err == nil {
			filtered++
			continue
		}
		rp := &roomPlan{src: src}
		bp.rooms = append(bp.rooms, rp)
		if src.Err != nil {
			p.reject(rp, src.Err.Error(), src.Err)
			continue
		}
		if src.SourceID != "" {
			if other, dup := seen[src.SourceID]; dup {
				p.reject(rp, fmt.Sprintf("source id %q is also that of %s", src.SourceID, other), nil)
				continue
			}
			seen[src.SourceID] = src.Ref
		}
		geom := src.Geometry
		if p.d.LonLat {
			if err := checkLonLat(geom); err != nil {
				p.reject(rp, err.Error(), err)
				continue
			}
			geom = bp.frame.PolygonToLocal(geom)
		}
		if err := geo.Validate(geom); err != nil {
			p.reject(rp, err.Error(), err)
			continue
		}
		geom = geo.Normalize(geom)
		fl := p.floor(bp, src.Ordinal)
		var old *floorplan.Room
		if src.ID != uuid.Nil {
			old = byID[src.ID]
		}
		if old == nil && src.SourceID != "" {
			old = bySource[key(src.SourceID, src.Ordinal)]
		}
		if old != nil {
			if other, taken := claimed[old.ID]; taken {
				p.reject(rp, fmt.Sprintf("matches the same room %s (%s) as %s", old.Number, old.ID, other), nil)
				continue
			}
		}
		agency, err := p.agency(ctx, s, src)
		if err != nil {
			return err
		}
		rp.r = p.room(src, old, fl.f.ID, geom, agency)
		if !p.meetsRules(rp, fl.f) {
			continue
		}
		if old != nil {
			claimed[old.ID] = src.Ref
		}
		rp.old = old
		rp.bound = geom.Bound()
		switch {
		case old == nil:
			rp.op = opCreate
		case sameRoom(*old, rp.r):
			rp.op = opUnchanged
		default:
			rp.op = opUpdate
		}
	}
	if filtered > 0 {
		p.notes = append(p.notes, Notef("%d rooms on other levels than --level %d were left out", filtered, *p.opt.Level))
	}
	p.noteRepeatedNumbers(bp)
	if p.d.SourcePrefix != "" {
		var gone []string
		for _, r := range bp.existing {
			if p.d.MatchWithinFloor && !containsInt(bp.order, ordinalOf[r.FloorID]) {
				continue
			}
			if _, ok := claimed[r.ID]; !ok && strings.HasPrefix(r.SourceID, p.d.SourcePrefix) {
				gone = append(gone, r.Number)
			}
		}
		if len(gone) > 0 {
			p.notes = append(p.notes, Notef("building %q: %d rooms of an earlier import of this source are no longer in it and were left as they are: %s",
				bp.b.Name, len(gone), listed(gone, 10)))
		}
	}
	return nil
}

// meetsRules checks a planned room against the register's rules (field limits, its floor's outline),
// room by room, so that a bad room is a problem of its own (skipped with skip-invalid) rather than the end
// of the whole import.
func (p *plan) meetsRules(rp *roomPlan, f floorplan.Floor) bool {
	err := cmp.Or(rp.r.Validate(), floorplan.RoomInOutline(f, rp.r))
	if err == nil {
		return true
	}
	msg := err.Error()
	if fe := (*floorplan.FieldError)(nil); errors.As(err, &fe) {
		msg = fe.Message
	}
	p.reject(rp, msg, err)
	return false
}

// noteRepeatedNumbers notes room numbers that the source gives to more than one room of a floor.
func (p *plan) noteRepeatedNumbers(bp *buildingPlan) {
	type key struct {
		floor  uuid.UUID
		number string
	}
	refs := map[key][]string{}
	var order []key
	for _, rp := range bp.rooms {
		if rp.rejected || rp.r.Number == "" {
			continue
		}
		k := key{rp.r.FloorID, rp.r.Number}
		if len(refs[k]) == 0 {
			order = append(order, k)
		}
		refs[k] = append(refs[k], rp.src.Ref)
	}
	for _, k := range order {
		if len(refs[k]) > 1 {
			p.notes = append(p.notes, Notef("building %q: %d rooms are numbered %s on one floor: %s",
				bp.b.Name, len(refs[k]), k.number, listed(refs[k], 5)))
		}
	}
}

// listed joins up to n strings and says how many more there are.
func listed(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" and %d more", len(xs)-n)
}

// checkLonLat rejects lon/lat geometry whose coordinates cannot be degrees.
func checkLonLat(p orb.Polygon) error {
	for _, r := range p {
		for _, q := range r {
			if !(q[0] >= -180 && q[0] <= 180 && q[1] > -90 && q[1] < 90) {
				return fmt.Errorf("coordinate (%g, %g) is not a longitude and latitude", q[0], q[1])
			}
		}
	}
	return nil
}

// room is the room to write for a source room: a new one, or the existing one with what the source
// says. A re-import keeps what the source does not say: the agency, the state, a name the source lacks,
// a number a planner typed in for a room the source has no number for, a usage the reader only assumed.
func (p *plan) room(src *Room, old *floorplan.Room, floorID uuid.UUID, geom orb.Polygon, agency uuid.UUID) floorplan.Room {
	usage := src.Usage
	if usage == "" {
		usage = floorplan.UsageOther
	}
	if old == nil {
		return floorplan.Room{ID: uuid.New(), FloorID: floorID, Number: strings.TrimSpace(src.Number),
			Name: strings.TrimSpace(src.Name), Usage: usage, AgencyID: agency, State: floorplan.RoomInUse,
			Geometry: geom, SourceID: src.SourceID}
	}
	r := *old
	r.FloorID, r.Geometry = floorID, geom
	if n := strings.TrimSpace(src.Number); n != "" && !(src.GeneratedNumber && old.Number != "") {
		r.Number = n
	}
	if n := strings.TrimSpace(src.Name); n != "" {
		r.Name = n
	}
	if src.Usage != "" && !src.UsageAssumed {
		r.Usage = src.Usage
	}
	if agency != uuid.Nil {
		r.AgencyID = agency
	}
	if r.SourceID == "" {
		r.SourceID = src.SourceID
	}
	return r
}

// agency resolves a source room's agency: its id if a live agency has it, else an agency whose name or
// short name is the room's agency name. An unknown agency is noted and the room left as it is.
func (p *plan) agency(ctx context.Context, s floorplan.Reader, src *Room) (uuid.UUID, error) {
	if src.AgencyID == uuid.Nil && src.AgencyName == "" {
		return uuid.Nil, nil
	}
	if !p.loadedAg {
		ag, err := s.Agencies(ctx)
		if err != nil {
			return uuid.Nil, err
		}
		p.agencies, p.loadedAg = ag, true
	}
	for _, a := range p.agencies {
		if src.AgencyID != uuid.Nil && a.ID == src.AgencyID {
			return a.ID, nil
		}
	}
	for _, a := range p.agencies {
		if src.AgencyName != "" && (a.Name == src.AgencyName || a.ShortName == src.AgencyName) {
			return a.ID, nil
		}
	}
	p.notes = append(p.notes, Notef("%s: agency %s is not in the register; the room's agency was left as it is",
		src.Ref, strings.TrimSpace(src.AgencyName+" "+idOrEmpty(src.AgencyID))))
	return uuid.Nil, nil
}

func idOrEmpty(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return "(" + id.String() + ")"
}

// sameRoom reports whether writing b over a would change nothing.
func sameRoom(a, b floorplan.Room) bool {
	return a.FloorID == b.FloorID && a.Number == b.Number && a.Name == b.Name && a.Usage == b.Usage &&
		a.AgencyID == b.AgencyID && a.SourceID == b.SourceID && samePolygon(a.Geometry, b.Geometry)
}

// samePolygon reports whether two polygons have the same rings to within 1e-9 (a nanometre in metres).
func samePolygon(a, b orb.Polygon) bool { return geo.EqualWithin(a, b, 1e-9) }

// summarise fills the summary's counts, skipped list, notes and targets.
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
		for _, o := range bp.order {
			fp := bp.floors[o]
			count(&sum.Floors, fp.op)
			t.Floors++
		}
		for _, rp := range bp.rooms {
			if rp.rejected {
				continue
			}
			count(&sum.Rooms, rp.op)
			t.Rooms++
			t.AreaM2 += geo.Area(rp.r.Geometry)
		}
		sum.Targets = append(sum.Targets, t)
	}
	for _, pr := range p.problems {
		sum.Skipped = append(sum.Skipped, pr)
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
