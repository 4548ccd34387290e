package imports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// matcher finds the live room a source room updates: by the officemap id it carries, else by its source
// id (on its floor, for a source whose rooms MatchWithinFloor).
type matcher struct {
	withinFloor bool
	byID        map[uuid.UUID]*floorplan.Room
	bySource    map[string]*floorplan.Room
	claimed     map[uuid.UUID]string // existing room → the feature that updates it
	seen        map[string]string    // source id → feature
	taken       map[uuid.UUID]bool   // ids of the source given to new rooms
}

func newMatcher(existing []floorplan.Room, withinFloor bool) *matcher {
	m := &matcher{withinFloor: withinFloor, byID: map[uuid.UUID]*floorplan.Room{}, bySource: map[string]*floorplan.Room{},
		claimed: map[uuid.UUID]string{}, seen: map[string]string{}, taken: map[uuid.UUID]bool{}}
	for i := range existing {
		r := &existing[i]
		m.byID[r.ID] = r
		if r.SourceID != "" {
			if k := m.key(r.SourceID, r.FloorID); m.bySource[k] == nil {
				m.bySource[k] = r
			}
		}
	}
	return m
}

func (m *matcher) key(sourceID string, floor uuid.UUID) string {
	if m.withinFloor {
		return sourceID + "@" + floor.String()
	}
	return sourceID
}

// match returns the live room src updates (nil for none) or a reason it cannot be imported.
func (m *matcher) match(src *Room, floor uuid.UUID) (*floorplan.Room, error) {
	var old *floorplan.Room
	if src.ID != uuid.Nil {
		old = m.byID[src.ID]
	}
	if old == nil && src.SourceID != "" {
		old = m.bySource[m.key(src.SourceID, floor)]
	}
	if old != nil {
		if other, taken := m.claimed[old.ID]; taken {
			return nil, Reasonf("matches the same room %s (%s) as %s", old.Number, old.ID, other)
		}
	}
	return old, nil
}

// planRooms converts, validates and matches the rooms of a source building.
func (p *plan) planRooms(ctx context.Context, s floorplan.Reader, bp *buildingPlan) error {
	m := newMatcher(bp.existing, p.d.MatchWithinFloor)
	filtered := 0
	for i := range bp.src.Rooms {
		src := &bp.src.Rooms[i]
		if p.opt.Level != nil && src.Ordinal != *p.opt.Level && src.Err == nil {
			filtered++
			continue
		}
		rp := &roomPlan{src: src}
		bp.rooms = append(bp.rooms, rp)
		if err := p.planRoom(ctx, s, bp, m, rp); err != nil {
			return err
		}
	}
	if filtered > 0 {
		p.notes = append(p.notes, Notef("%d rooms on other levels than --level %d were left out", filtered, *p.opt.Level))
	}
	p.noteRepeatedNumbers(bp)
	p.noteGone(bp, m)
	return nil
}

// planRoom converts, validates and matches one room of the source; a problem with it rejects it, and
// only a failing store is an error.
func (p *plan) planRoom(ctx context.Context, s floorplan.Reader, bp *buildingPlan, m *matcher, rp *roomPlan) error {
	src := rp.src
	if src.Err != nil {
		p.reject(rp, src.Err)
		return nil
	}
	if src.SourceID != "" {
		if other, dup := m.seen[src.SourceID]; dup {
			p.reject(rp, Reasonf("source id %q is also that of %s", src.SourceID, other))
			return nil
		}
		m.seen[src.SourceID] = src.Ref
	}
	fl := p.roomFloor(bp, src)
	old, err := m.match(src, fl.f.ID)
	if err != nil {
		p.reject(rp, err)
		return nil
	}
	var geom orb.Polygon
	if old != nil && p.samePrecise(old.Geometry, src.Geometry, bp.frame) {
		geom, rp.kept = old.Geometry, true
	} else if geom, err = p.toLocal(src.Geometry, bp.frame); err != nil {
		p.reject(rp, err)
		return nil
	}
	agency, err := p.agency(ctx, s, src)
	if err != nil {
		return err
	}
	rp.r = p.room(src, old, fl.f.ID, geom, agency)
	if old == nil && src.ID != uuid.Nil && !m.taken[src.ID] {
		if rp.r.ID, err = p.freeID(ctx, s, floorplan.EntityRoom, src.ID); err != nil {
			return err
		}
		m.taken[rp.r.ID] = true
	}
	if !p.meetsRules(rp, fl.f) {
		return nil
	}
	if old != nil {
		m.claimed[old.ID] = src.Ref
	}
	p.use(bp, fl)
	rp.old, rp.bound = old, geom.Bound()
	return nil
}

// noteGone notes the rooms of an earlier import of the source that the source no longer has.
func (p *plan) noteGone(bp *buildingPlan, m *matcher) {
	if p.d.SourcePrefix == "" {
		return
	}
	used := map[uuid.UUID]bool{}
	for _, fp := range bp.used {
		used[fp.f.ID] = true
	}
	var gone []string
	for _, r := range bp.existing {
		if p.d.MatchWithinFloor && !used[r.FloorID] {
			continue
		}
		if _, ok := m.claimed[r.ID]; !ok && strings.HasPrefix(r.SourceID, p.d.SourcePrefix) {
			gone = append(gone, r.Number)
		}
	}
	if len(gone) > 0 {
		p.notes = append(p.notes, Notef("building %q: %d rooms of an earlier import of this source are no longer in it and were left as they are: %s",
			bp.b.Name, len(gone), listed(gone, 10)))
	}
}

// settle decides, once slivers are repaired, whether each matched room changes.
func (p *plan) settle(bp *buildingPlan) {
	for _, rp := range bp.rooms {
		switch {
		case rp.rejected:
		case rp.old == nil:
			rp.op = opCreate
		case sameRoom(*rp.old, rp.r):
			rp.op = opUnchanged
		default:
			rp.op = opUpdate
		}
	}
}

// meetsRules checks a planned room against the register's rules (field limits, its floor's outline),
// room by room, so that a bad room is a problem of its own (skipped with skip-invalid) rather than the end
// of the whole import.
func (p *plan) meetsRules(rp *roomPlan, f floorplan.Floor) bool {
	err := cmp.Or(rp.r.Validate(), floorplan.RoomInOutline(f, rp.r))
	if err == nil {
		return true
	}
	reason := err.Error()
	if fe := (*floorplan.FieldError)(nil); errors.As(err, &fe) {
		reason = fe.Message
	}
	p.rejectFor(rp, reason, err)
	return false
}

// reasonErr is the reason of a problem, told as a note (in the reader's language), around the error
// behind it (which errors.Is and errors.As reach).
type reasonErr struct {
	reason Note
	err    error
}

func (e *reasonErr) Error() string   { return e.reason.String() }
func (e *reasonErr) Unwrap() []error { return []error{&NoteError{Note: e.reason}, e.err} }

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

// listed joins up to n strings and says how many more there are, in no language: "a, b … (+3)".
func listed(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" … (+%d)", len(xs)-n)
}

// checkLonLat rejects lon/lat geometry whose coordinates cannot be degrees.
func checkLonLat(p orb.Polygon) error {
	for _, r := range p {
		for _, q := range r {
			if !(q[0] >= -180 && q[0] <= 180 && q[1] > -90 && q[1] < 90) {
				return Reasonf("coordinate (%g, %g) is not a longitude and latitude", q[0], q[1])
			}
		}
	}
	return nil
}

// room is the room to write for a source room: a new one, or the existing one with what the source
// says. A re-import keeps what the source does not say: the agency, the state, a name the source lacks,
// a number a planner typed in for a room the source has no number for, a usage the reader only assumed,
// a category or recorded area the source does not give. A room without a source id takes the source's,
// unless the source found it by its officemap id (an officemap export: re-importing it changes nothing).
func (p *plan) room(src *Room, old *floorplan.Room, floorID uuid.UUID, geom orb.Polygon, agency uuid.UUID) floorplan.Room {
	usage := src.Usage
	if usage == "" {
		usage = floorplan.UsageOther
	}
	recorded := 0.0
	if src.RecordedAreaM2 > 0 {
		recorded = src.RecordedAreaM2
	}
	if old == nil {
		return floorplan.Room{ID: uuid.New(), FloorID: floorID, Number: strings.TrimSpace(src.Number),
			Name: strings.TrimSpace(src.Name), Usage: usage, AgencyID: agency,
			State: cmp.Or(src.State, floorplan.RoomInUse), IdleSince: src.IdleSince, ValidFrom: src.ValidFrom,
			Geometry: geom, SourceID: src.SourceID, SourceCategory: src.Category, RecordedAreaM2: recorded}
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
	if r.SourceID == "" && src.ID != old.ID {
		r.SourceID = src.SourceID // a room found by its officemap id (in an export) needs none
	}
	r.SourceCategory = cmp.Or(src.Category, r.SourceCategory)
	if recorded > 0 {
		r.RecordedAreaM2 = recorded
	}
	if src.State != "" {
		r.State, r.IdleSince = src.State, src.IdleSince
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
		a.AgencyID == b.AgencyID && a.SourceID == b.SourceID && a.SourceCategory == b.SourceCategory &&
		a.RecordedAreaM2 == b.RecordedAreaM2 && a.State == b.State && a.IdleSince.Equal(b.IdleSince) &&
		samePolygon(a.Geometry, b.Geometry)
}

// samePolygon reports whether two polygons have the same rings to within 1e-9 (a nanometre in metres).
func samePolygon(a, b orb.Polygon) bool { return geo.EqualWithin(a, b, 1e-9) }
