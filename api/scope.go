package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/google/uuid"

	"officemap/api/tiles"
	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/identity"
)

// scope is the part of the register that the request's caller may read: the agencies whose rooms and
// people they see (identity.Allowed with ActionRead on the agency's place in the agency tree), and
// whether they see personal data (identity.SeesPersonalData). Every read path asks it (scopeOf) and
// answers a record outside it with 404, as if it did not exist.
//
// An agency is placed in the jurisdiction tree by its own jurisdiction or its nearest ancestor's
// (floorplan.JurisdictionOf), so a grant on a district covers the agencies of that district and below.
// A site is placed by its own jurisdiction: the rooms in the buildings of a site that a grant covers are
// visible whatever their agency (or without one) — a district sees the rooms of its district's properties.
// A caller whose read grants are all scoped by jurisdiction alone (a district bureau, a district's
// inspector) sees only the sites and buildings of its districts (places); a caller with an agency-scoped
// grant sees every site and building, which belong to no agency.
type scope struct {
	all      bool               // every record: no caller (accounts off, the console) or an unscoped reader
	agencies map[uuid.UUID]bool // the visible agencies when !all; uuid.Nil when records without an agency are visible
	// sites, buildings and floors are those of the sites in the caller's jurisdictions (!all): every
	// room on those floors is visible.
	sites, buildings, floors map[uuid.UUID]bool
	places                   bool   // sites and buildings are filtered: only sites (and their buildings) are visible
	personal                 bool   // names, ranks and posts of people
	key                      string // names the scope in caches: "" for everything
	// read is the scope as the stores' queries filter it (floorplan.RoomFilter.In, Store.Search).
	read floorplan.ReadScope
}

// everything is the scope of a request without a caller.
var everything = scope{all: true, personal: true}

// scopeCache keeps the scopes computed at one revision of the register, by the grants they were computed
// for: a scope depends on nothing else, and every change to the register (agencies, jurisdictions,
// sites, buildings, floors) moves the revision on.
type scopeCache struct {
	mu      sync.Mutex
	rev     int64
	byGrant map[string]scope
}

// advance carries the scopes kept for revision rev-1 over to rev: the write that committed rev, through
// this server, changed none of what scopes are made of (scopeNeutral). When any other write came between
// (the scopes are of an earlier revision), they are left to be computed again.
func (c *scopeCache) advance(rev int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byGrant != nil && c.rev == rev-1 {
		c.rev = rev
	}
}

// scopeNeutral reports whether a write of records of kind e leaves every scope as it was: scopes are made
// of the agency tree, the jurisdictions, the sites and their buildings and floors.
func scopeNeutral(e floorplan.Entity) bool {
	switch e {
	case floorplan.EntityRoom, floorplan.EntityPerson, floorplan.EntityAssignment:
		return true
	}
	return false
}

// maxCachedScopes bounds the scope cache: past it, the cache starts again.
const maxCachedScopes = 1024

// scopeOf returns the request's scope: its caller's grants over the register as it is now, computed once
// per revision and set of grants. The revision is the one the tiles read (at most every 200 ms, at once after
// a write through this server): a change of agencies or places made through another server reaches the
// scopes here within that time, as it reaches the tiles.
func (s *Server) scopeOf(ctx context.Context) (scope, error) {
	c, ok := identity.CallerFrom(ctx)
	if !ok {
		return everything, nil
	}
	rev, err := s.tiles.Revision(ctx, s.store.Revision)
	if err != nil {
		return scope{}, err
	}
	key := fmt.Sprint(c.User.Grants)
	s.scopes.mu.Lock()
	sc, hit := s.scopes.byGrant[key]
	hit = hit && s.scopes.rev == rev
	s.scopes.mu.Unlock()
	if hit {
		return sc, nil
	}
	if sc, err = s.computeScope(ctx, c.User.Grants); err != nil {
		return scope{}, err
	}
	s.scopes.mu.Lock()
	defer s.scopes.mu.Unlock()
	if s.scopes.byGrant == nil || s.scopes.rev != rev || len(s.scopes.byGrant) >= maxCachedScopes {
		s.scopes.rev, s.scopes.byGrant = rev, map[string]scope{}
	}
	s.scopes.byGrant[key] = sc
	return sc, nil
}

// computeScope computes the scope of grants from the agency tree, the jurisdictions and the sites as they
// are now.
func (s *Server) computeScope(ctx context.Context, grants []identity.Grant) (scope, error) {
	list, err := s.store.Agencies(ctx)
	if err != nil {
		return scope{}, err
	}
	parent := make(map[uuid.UUID]uuid.UUID, len(list))
	byID := make(map[uuid.UUID]floorplan.Agency, len(list))
	for _, a := range list {
		parent[a.ID] = a.ParentID
		byID[a.ID] = a
	}
	js, err := s.store.Jurisdictions(ctx)
	if err != nil {
		return scope{}, err
	}
	jparent := make(map[uuid.UUID]uuid.UUID, len(js))
	for _, j := range js {
		jparent[j.ID] = j.ParentID
	}
	sc := scope{agencies: make(map[uuid.UUID]bool, len(list)+1), personal: identity.SeesPersonalData(grants)}
	ids := make([]uuid.UUID, 0, len(list)+1)
	ids = append(ids, uuid.Nil)
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	visible := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		t := treeTarget(parent, id)
		if path := floorplan.JurisdictionPathOf(jparent, floorplan.JurisdictionOf(byID, id)); len(path) > 0 {
			t.JurisdictionID, t.JurisdictionAncestors = path[0], path[1:]
		}
		if identity.Allowed(grants, identity.ActionRead, t) {
			sc.agencies[id] = true
			visible = append(visible, id)
		}
	}
	sites, err := s.store.Sites(ctx)
	if err != nil {
		return scope{}, err
	}
	var inSites []uuid.UUID
	for _, st := range sites {
		var t identity.Target
		if path := floorplan.JurisdictionPathOf(jparent, st.JurisdictionID); len(path) > 0 {
			t.JurisdictionID, t.JurisdictionAncestors = path[0], path[1:]
		}
		if identity.Allowed(grants, identity.ActionRead, t) {
			inSites = append(inSites, st.ID)
		}
	}
	if len(visible) == len(ids) && len(inSites) == len(sites) {
		sc.all, sc.agencies = true, nil
	} else {
		sc.places = len(inSites) < len(sites) && !readsAgencySubtree(grants)
		sc.sites, sc.buildings, sc.floors = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
		for _, id := range inSites {
			sc.sites[id] = true
		}
		buildings, err := s.store.Buildings(ctx, uuid.Nil)
		if err != nil {
			return scope{}, err
		}
		for _, b := range buildings {
			if sc.sites[b.SiteID] {
				sc.buildings[b.ID] = true
				sc.read.Buildings = append(sc.read.Buildings, b.ID)
			}
		}
		floors, err := s.floorsOf(ctx, sc.read.Buildings)
		if err != nil {
			return scope{}, err
		}
		for _, f := range floors {
			if sc.buildings[f.BuildingID] {
				sc.floors[f.ID] = true
				sc.read.Floors = append(sc.read.Floors, f.ID)
			}
		}
		sc.read = floorplan.ReadScope{Limited: true, Agencies: visible, Floors: sc.read.Floors,
			Places: sc.places, Buildings: sc.read.Buildings}
		h := sha256.New()
		for _, list := range [][]uuid.UUID{slices.Clone(visible), inSites, slices.Clone(sc.read.Floors)} {
			slices.SortFunc(list, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
			for _, id := range list {
				h.Write(id[:])
			}
			h.Write([]byte{'/'})
		}
		if sc.places {
			h.Write([]byte("places"))
		}
		sc.key = hex.EncodeToString(h.Sum(nil)[:16])
	}
	if !sc.personal {
		sc.key += "/np"
		sc.read.NoPeople = true
	}
	return sc, nil
}

// floorsAtOnce is how many buildings a scope must hold for computeScope to read every floor of the register
// in one query rather than each building's: at 1M rooms, 2 500 buildings' floors one building at a time took
// 292–348 ms, every floor at once 58–97 ms, a building's alone ~0.12 ms.
const floorsAtOnce = 200

// floorsOf returns the floors of the buildings, and perhaps others (the caller keeps its own): none for
// none, else every floor of the register once they are floorsAtOnce or more, else each building's.
func (s *Server) floorsOf(ctx context.Context, buildings []uuid.UUID) ([]floorplan.Floor, error) {
	if len(buildings) >= floorsAtOnce {
		return s.store.Floors(ctx, uuid.Nil)
	}
	var out []floorplan.Floor
	for _, b := range buildings {
		fs, err := s.store.Floors(ctx, b)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// treeTarget places agency id in the agency tree given by parent (agencyTarget without the store).
func treeTarget(parent map[uuid.UUID]uuid.UUID, id uuid.UUID) identity.Target {
	t := identity.Target{AgencyID: id}
	seen := map[uuid.UUID]bool{id: true}
	for cur := parent[id]; cur != uuid.Nil && !seen[cur] && len(t.AgencyAncestors) < maxAgencyDepth; cur = parent[cur] {
		seen[cur] = true
		t.AgencyAncestors = append(t.AgencyAncestors, cur)
	}
	return t
}

// readsAgencySubtree reports whether some grant lets its holder read an agency subtree: they see every site
// and building (which belong to no agency).
func readsAgencySubtree(grants []identity.Grant) bool {
	for _, g := range grants {
		if g.Scope.Agency != uuid.Nil && identity.Can([]identity.Grant{g}, identity.ActionRead) {
			return true
		}
	}
	return false
}

// roomAt reports whether a room of agency agencyID on floor floorID is in the scope: its agency is, or
// its building's site is in the caller's jurisdictions.
func (sc scope) roomAt(agencyID, floorID uuid.UUID) bool {
	return sc.all || sc.agencies[agencyID] || sc.floors[floorID]
}

// room reports whether a room is in the scope (roomAt).
func (sc scope) room(r floorplan.Room) bool { return sc.roomAt(r.AgencyID, r.FloorID) }

// site reports whether site id is in the scope: always, unless sites are filtered (places).
func (sc scope) site(id uuid.UUID) bool { return sc.all || !sc.places || sc.sites[id] }

// building reports whether building id is in the scope: always, unless sites are filtered (places).
func (sc scope) building(id uuid.UUID) bool { return sc.all || !sc.places || sc.buildings[id] }

// keepRooms returns the rooms of list in the scope.
func (sc scope) keepRooms(list []floorplan.Room) []floorplan.Room { return keepIf(sc, list, sc.room) }

// agency reports whether records of agency id (uuid.Nil: records without one) are in the scope.
func (sc scope) agency(id uuid.UUID) bool { return sc.all || sc.agencies[id] }

// hides reports whether the scope hides anything at all, personal data included.
func (sc scope) hides() bool { return !sc.all || !sc.personal }

// keep returns the items of list whose agency (agencyOf) is in the scope.
func keep[T any](sc scope, list []T, agencyOf func(T) uuid.UUID) []T {
	return keepIf(sc, list, func(x T) bool { return sc.agency(agencyOf(x)) })
}

// keepIf returns the items of list that ok keeps (all of them when the scope hides nothing).
func keepIf[T any](sc scope, list []T, ok func(T) bool) []T {
	out, _ := keepVisible(sc, list, func(x T) (bool, error) { return ok(x), nil })
	return out
}

// keepVisible returns the items of list that visible keeps (all of them when the scope hides nothing),
// or the first error of visible.
func keepVisible[T any](sc scope, list []T, visible func(T) (bool, error)) ([]T, error) {
	if sc.all {
		return list, nil
	}
	out := make([]T, 0, len(list))
	for _, x := range list {
		ok, err := visible(x)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, x)
		}
	}
	return out, nil
}

// inScope returns err, or a not-found error about entity when the record (id, of agency agencyID) is
// outside sc: the refusal is audited (denyRead).
func (s *Server) inScope(ctx context.Context, sc scope, entity string, id, agencyID uuid.UUID, err error) error {
	if err == nil && !sc.agency(agencyID) {
		return s.denyRead(ctx, entity, id)
	}
	return err
}

// roomInScope is inScope for a room (scope.room).
func (s *Server) roomInScope(ctx context.Context, sc scope, entity string, room floorplan.Room, err error) error {
	if err == nil && !sc.room(room) {
		return s.denyRead(ctx, entity, room.ID)
	}
	return err
}

// denyRead audits a read of a record outside the caller's scope as "permission.denied" and returns
// the not-found error that answers it.
func (s *Server) denyRead(ctx context.Context, entity string, id uuid.UUID) error {
	err := about(entity, floorplan.ErrNotFound)
	if s.identity == nil {
		return err
	}
	_, aerr := s.identity.Audit(context.WithoutCancel(ctx), identity.AuditRecord{Action: "permission.denied",
		Target: entity + " " + id.String(), Outcome: identity.OutcomeDenied, Detail: "read." + entity})
	if aerr != nil {
		return errors.Join(err, fmt.Errorf("api: audit: %w", aerr))
	}
	return err
}

func roomAgency(r floorplan.Room) uuid.UUID     { return r.AgencyID }
func personAgency(p floorplan.Person) uuid.UUID { return p.AgencyID }
func agencyOwn(a floorplan.Agency) uuid.UUID    { return a.ID }

// report returns rep as the scope shows it: the findings, rooms, people and agency totals of the
// visible agencies, without names and ranks when the scope has no personal data. rep itself is
// returned when nothing is hidden; otherwise a copy (whose lookups scan: it is small or rarely read).
func (sc scope) report(rep *floorplan.Report) *floorplan.Report {
	if rep == nil || !sc.hides() {
		return rep
	}
	roomSeen := map[uuid.UUID]bool{}
	shown := make([]floorplan.RoomResult, 0, len(rep.Rooms))
	for _, rr := range rep.Rooms {
		if sc.roomAt(rr.AgencyID, rr.FloorID) {
			roomSeen[rr.RoomID] = true
			shown = append(shown, rr)
		}
	}
	findings := make([]floorplan.Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		ok := sc.agency(f.AgencyID)
		for _, id := range f.RoomIDs {
			ok = ok || roomSeen[id]
		}
		if ok {
			findings = append(findings, f)
		}
	}
	out := &floorplan.Report{AsOf: rep.AsOf, Policy: rep.Policy, Notes: rep.Notes, Findings: findings, Rooms: shown,
		People:   keep(sc, rep.People, func(p floorplan.PersonResult) uuid.UUID { return p.AgencyID }),
		Agencies: keep(sc, rep.Agencies, func(a floorplan.AgencyTotals) uuid.UUID { return a.AgencyID })}
	if sc.personal {
		return out
	}
	rooms := make([]floorplan.RoomResult, len(out.Rooms))
	for i, rr := range out.Rooms {
		occ := make([]floorplan.OccupantInfo, len(rr.Occupants))
		for j, o := range rr.Occupants {
			occ[j] = floorplan.OccupantInfo{Kind: o.Kind, ShareM2: o.ShareM2}
		}
		rr.Occupants = occ
		rooms[i] = rr
	}
	out.Rooms = rooms
	people := make([]floorplan.PersonResult, len(out.People))
	for i, p := range out.People {
		p.Name, p.Rank, p.RankTitle = "", "", ""
		people[i] = p
	}
	out.People = people
	return out
}

// redactRoom removes the occupants' names and ranks from a room on the wire.
func redactRoom(f *roomFeatureJSON) {
	for i := range f.Properties.Occupants {
		o := &f.Properties.Occupants[i]
		o.ID, o.Name, o.Rank, o.RankTitle = uuid.Nil, "", "", ""
	}
}

// scopedPlanStore is a store whose rooms are those of a scope, for rendered plans.
type scopedPlanStore struct {
	floorplan.Reader
	sc scope
}

func (p scopedPlanStore) Rooms(ctx context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error) {
	f.In = p.sc.read
	return p.Reader.Rooms(ctx, f)
}

// visibility tells, for the request's scope sc, whether sc shows a record; ctx is for what it must read
// from the store to know (assignmentVisible).
type visibility[T any] func(ctx context.Context, sc scope) func(T) (bool, error)

// shownIf is the visibility that the scope alone decides: whether in holds.
func shownIf[T any](in func(scope, T) bool) visibility[T] {
	return func(_ context.Context, sc scope) func(T) (bool, error) {
		return func(x T) (bool, error) { return in(sc, x), nil }
	}
}

// byAgency is the visibility of records that agencyOf places in the agency tree.
func byAgency[T any](agencyOf func(T) uuid.UUID) visibility[T] {
	return shownIf(func(sc scope, x T) bool { return sc.agency(agencyOf(x)) })
}

// The visibilities of the places: a site as the scope shows it, a building, and a floor by its building.
var (
	siteShown     = shownIf(func(sc scope, st floorplan.Site) bool { return sc.site(st.ID) })
	buildingShown = shownIf(func(sc scope, b floorplan.Building) bool { return sc.building(b.ID) })
	floorShown    = shownIf(func(sc scope, f floorplan.Floor) bool { return sc.building(f.BuildingID) })
)

// shown returns nil when the request's scope shows rec, the record id of entity; otherwise the audited
// not-found (denyRead), or the error of visible (the refusal is audited all the same).
func shown[T any](ctx context.Context, s *Server, entity string, id uuid.UUID, rec T, visible visibility[T]) error {
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	if ok, err := visible(ctx, sc)(rec); err != nil || !ok {
		return cmp.Or(err, s.denyRead(ctx, entity, id))
	}
	return nil
}

// scopedRead is read that answers a record outside the request's scope as not found.
func scopedRead[T any](s *Server, entity string, read func(context.Context, uuid.UUID) (T, error), visible visibility[T]) func(context.Context, uuid.UUID) (T, error) {
	return func(ctx context.Context, id uuid.UUID) (T, error) {
		rec, err := read(ctx, id)
		if err != nil {
			return rec, err
		}
		if err := shown(ctx, s, entity, id, rec, visible); err != nil {
			var zero T
			return zero, err
		}
		return rec, nil
	}
}

// scopedList is query keeping the records in the request's scope.
func scopedList[T any](s *Server, query func(r *http.Request) ([]T, error), visible visibility[T]) func(r *http.Request) ([]T, error) {
	return func(r *http.Request) ([]T, error) {
		list, err := query(r)
		if err != nil {
			return nil, err
		}
		sc, err := s.scopeOf(r.Context())
		if err != nil {
			return nil, err
		}
		return keepVisible(sc, list, visible(r.Context(), sc))
	}
}

// assignmentVisible returns whether an assignment is in the scope: its person's agency or its room's is.
func (s *Server) assignmentVisible(ctx context.Context, sc scope) func(floorplan.Assignment) (bool, error) {
	people := map[uuid.UUID]bool{}
	rooms := map[uuid.UUID]bool{}
	return func(a floorplan.Assignment) (bool, error) {
		if sc.all {
			return true, nil
		}
		seen, ok := people[a.PersonID]
		if !ok {
			p, err := s.store.Person(ctx, a.PersonID)
			if err != nil && !errors.Is(err, floorplan.ErrNotFound) {
				return false, err
			}
			seen = err == nil && sc.agency(p.AgencyID)
			people[a.PersonID] = seen
		}
		if seen {
			return true, nil
		}
		seen, ok = rooms[a.RoomID]
		if !ok {
			room, err := s.store.Room(ctx, a.RoomID)
			if err != nil && !errors.Is(err, floorplan.ErrNotFound) {
				return false, err
			}
			seen = err == nil && sc.room(room)
			rooms[a.RoomID] = seen
		}
		return seen, nil
	}
}

// data returns an export's data as the scope shows it: the rooms, agencies, people and assignments
// of the visible agencies (an assignment when its person and its room are), and the report
// as scope.report shows it. The sites, buildings and floors kept are those in the caller's jurisdictions
// (scope.sites, buildings, floors) and those that hold a room kept.
func (sc scope) data(d *exports.Data) *exports.Data {
	if !sc.hides() {
		return d
	}
	d.Rooms = sc.keepRooms(d.Rooms)
	floorIn, buildingIn := sc.exportPlaces(d.Rooms, d.Floors)
	d.Floors = keepIf(sc, d.Floors, func(f floorplan.Floor) bool { return floorIn[f.ID] })
	d.Buildings = keepIf(sc, d.Buildings, func(b floorplan.Building) bool { return buildingIn[b.ID] })
	sitesIn := map[uuid.UUID]bool{}
	for _, b := range d.Buildings {
		sitesIn[b.SiteID] = true
	}
	d.Sites = keepIf(sc, d.Sites, func(st floorplan.Site) bool { return sc.sites[st.ID] || sitesIn[st.ID] })
	for id := range d.Agencies {
		if !sc.agency(id) {
			delete(d.Agencies, id)
		}
	}
	d.Report = sc.report(d.Report)
	if snap := d.Snapshot; snap != nil {
		cp := *snap
		cp.Rooms = sc.keepRooms(snap.Rooms)
		floorIn, buildingIn := sc.exportPlaces(cp.Rooms, snap.Floors)
		cp.Floors = keepIf(sc, snap.Floors, func(f floorplan.Floor) bool { return floorIn[f.ID] })
		cp.Buildings = keepIf(sc, snap.Buildings, func(b floorplan.Building) bool { return buildingIn[b.ID] })
		cp.Agencies = keep(sc, snap.Agencies, agencyOwn)
		cp.People = keep(sc, snap.People, personAgency)
		if !sc.personal {
			cp.People, cp.Assignments = nil, nil
		} else {
			people := make(map[uuid.UUID]bool, len(cp.People))
			for _, p := range cp.People {
				people[p.ID] = true
			}
			rooms := make(map[uuid.UUID]bool, len(cp.Rooms))
			for _, r := range cp.Rooms {
				rooms[r.ID] = true
			}
			cp.Assignments = nil
			for _, a := range snap.Assignments {
				if people[a.PersonID] && rooms[a.RoomID] {
					cp.Assignments = append(cp.Assignments, a)
				}
			}
		}
		d.Snapshot = &cp
	}
	return d
}

// exportPlaces returns the floors and buildings an export keeps (scope.data): those of the caller's
// jurisdictions, and those that hold one of rooms (the rooms kept; floors lists the floors exported).
func (sc scope) exportPlaces(rooms []floorplan.Room, floors []floorplan.Floor) (floorIn, buildingIn map[uuid.UUID]bool) {
	floorIn, buildingIn = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	for id := range sc.floors {
		floorIn[id] = true
	}
	for id := range sc.buildings {
		buildingIn[id] = true
	}
	for _, r := range rooms {
		floorIn[r.FloorID] = true
	}
	for _, f := range floors {
		if floorIn[f.ID] {
			buildingIn[f.BuildingID] = true
		}
	}
	return floorIn, buildingIn
}

// tileScope is the request's scope for the tiles (tiles.Options.Scope).
func (s *Server) tileScope(ctx context.Context) (tiles.Scope, error) {
	sc, err := s.scopeOf(ctx)
	if err != nil || sc.all {
		return tiles.Scope{}, err
	}
	// In: the read scope, for the store to apply in the tile's query (tiles.RowStore).
	return tiles.Scope{Key: sc.key, Room: sc.roomAt, Building: sc.building, In: sc.read}, nil
}

// visibleRecord reads the record of the path's id with read, or answers 404 when there is none or when
// visible says it is outside the caller's scope (denyRead: the refusal is audited).
func visibleRecord[T any](s *Server, r *http.Request, entity string, read func(context.Context, uuid.UUID) (T, error),
	visible func(scope, T) bool) (T, error) {
	var zero T
	id, err := pathID(r, "id")
	if err != nil {
		return zero, err
	}
	rec, err := read(r.Context(), id)
	if err != nil {
		return rec, about(entity, err)
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return rec, err
	}
	if !visible(sc, rec) {
		return rec, s.denyRead(r.Context(), entity, id)
	}
	return rec, nil
}
