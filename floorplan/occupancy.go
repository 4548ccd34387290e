package floorplan

// Per-person usable area (人均使用面积) is computed here.
//
// A room's usable area (使用面积) is the planar area of its polygon in the building's local metres
// (Room.Area). On a given day:
//
//  1. A room's occupants are the people with an assignment active that day (main or second office),
//     each counted once. SplitRoom divides the room's area among them: equally by default (实际分摊面积),
//     or in proportion to each one's standard (SplitByStandard).
//  2. A person's office area is the sum of their shares of the rooms they hold as their MAIN office whose
//     usage counts as office (Usage.CountsAsOffice: the office and a leader's rest room, which the 2014
//     standard puts inside the limit), plus their shares of private toilets (usage toilet) they hold as
//     main.
//  3. Their limit is the area of their standard row (Standards.Lookup for their agency's
//     Agency.StandardScale and their rank, in force that day). With Policy.ToiletOnTop the limit rises by
//     min(toilet share, the row's ToiletAllowanceM2); by default the toilet sits inside the limit, as the
//     standard words it.
//  4. Excess = area − limit; the person is over standard when the excess is above AreaEpsilonM2, so exactly
//     at the limit is compliant. ExcessPct = excess / limit × 100.
//
// Second offices (AssignSecond) are not added to the main office area: each is judged on its own, by its
// share against the person's standard (art. 19: it must be smaller). Deleted rooms, people and
// assignments (DeletedAt on or before the day) are left out.

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Share is one person's part of one room's usable area.
type Share struct {
	PersonID uuid.UUID `json:"person_id"`
	RoomID   uuid.UUID `json:"room_id"`
	AreaM2   float64   `json:"area_m2"`
}

// SplitRoom divides a room of areaM2 among its occupants and returns one Share per distinct occupant,
// ordered by person id (duplicates are counted once; no occupants, no shares).
//
// With SplitEqual (or an empty policy) each share is areaM2 / n. With SplitByStandard each share is
// areaM2 × standard / Σ standards, standards[id] being the occupant's standard in m²; when an occupant has
// no positive standard the room falls back to the equal split.
func SplitRoom(roomID uuid.UUID, areaM2 float64, occupants []uuid.UUID, standards map[uuid.UUID]float64, p SplitPolicy) []Share {
	ids := slices.Clone(occupants)
	slices.SortFunc(ids, compareID)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	stds := make([]float64, len(ids))
	for i, id := range ids {
		stds[i] = standards[id]
	}
	areas := make([]float64, len(ids))
	splitArea(areaM2, stds, p, areas)
	out := make([]Share, len(ids))
	for i, id := range ids {
		out[i] = Share{PersonID: id, RoomID: roomID, AreaM2: areas[i]}
	}
	return out
}

// splitArea writes each occupant's share of area into out (len(out) == len(stds)).
func splitArea(area float64, stds []float64, p SplitPolicy, out []float64) {
	n := len(stds)
	if p == SplitByStandard {
		sum := 0.0
		ok := true
		for _, s := range stds {
			if !(s > 0) {
				ok = false
				break
			}
			sum += s
		}
		if ok {
			for i, s := range stds {
				out[i] = area * s / sum
			}
			return
		}
	}
	for i := range out {
		out[i] = area / float64(n)
	}
}

// RoomStatus is how a room (or a person) stands against the standard on a day; it is what the map
// colours by.
type RoomStatus string

// Room statuses. A person's status uses the same words: over_standard, compliant or no_standard.
const (
	// StatusOverStandard: an occupant is over standard because of this room (their main office area, or an
	// approved second office not smaller than their standard). A tolerated excess is over_standard too;
	// the finding's severity says it is tolerated.
	StatusOverStandard RoomStatus = "over_standard"
	// StatusCompliant: every occupant is within their standard.
	StatusCompliant RoomStatus = "compliant"
	// StatusVacant: an office or rest room with nobody assigned that day. Vacant is not compliant.
	StatusVacant RoomStatus = "vacant"
	// StatusNonOffice: the usage is not office or rest_room; no per-person standard applies.
	StatusNonOffice RoomStatus = "non_office"
	// StatusNoStandard: an occupant's rank has no standard row in force (a township agency without a local
	// table, or a rank the scale's table does not have), and nobody is over standard.
	StatusNoStandard RoomStatus = "no_standard"
)

// OccupantInfo is one occupant of a room and their share of it.
type OccupantInfo struct {
	PersonID  uuid.UUID      `json:"person_id"`
	Name      string         `json:"name"`
	Rank      Rank           `json:"rank"`
	RankTitle string         `json:"rank_title"`
	Kind      AssignmentKind `json:"kind"`
	ShareM2   float64        `json:"share_m2"`
}

// RoomResult is one room on the day: its area, occupants and status.
type RoomResult struct {
	RoomID   uuid.UUID `json:"room_id"`
	Number   string    `json:"number"`
	FloorID  uuid.UUID `json:"floor_id"`
	AgencyID uuid.UUID `json:"agency_id"`
	Usage    Usage     `json:"usage"`
	AreaM2   float64   `json:"area_m2"`
	// Occupants are ordered by rank (from the top), name and id.
	Occupants []OccupantInfo `json:"occupants"`
	// PerPersonM2 is AreaM2 divided by the number of occupants (0 when vacant), whatever the split policy.
	PerPersonM2 float64 `json:"per_person_m2"`
	// StandardM2 is the sum of the occupants' standards (the single occupant's standard for a private
	// office); occupants without a standard add nothing.
	StandardM2 float64    `json:"standard_m2"`
	Status     RoomStatus `json:"status"`
}

// PersonResult is one person on the day: their office area against their standard.
type PersonResult struct {
	PersonID  uuid.UUID `json:"person_id"`
	Name      string    `json:"name"`
	AgencyID  uuid.UUID `json:"agency_id"`
	Rank      Rank      `json:"rank"`
	RankTitle string    `json:"rank_title"` // the standard's words for the rank at the agency's scale
	// OfficeAreaM2 is the sum of the shares of their main office rooms, rest rooms and private toilets.
	OfficeAreaM2 float64 `json:"office_area_m2"`
	// ToiletAreaM2 is the private toilet part of OfficeAreaM2.
	ToiletAreaM2 float64 `json:"toilet_area_m2"`
	// StandardM2 is their limit: the row's area (plus the toilet allowance used, with Policy.ToiletOnTop);
	// 0 with no standard.
	StandardM2 float64    `json:"standard_m2"`
	ExcessM2   float64    `json:"excess_m2"`  // OfficeAreaM2 − StandardM2 when over, else 0
	ExcessPct  float64    `json:"excess_pct"` // ExcessM2 / StandardM2 × 100
	Status     RoomStatus `json:"status"`     // over_standard, compliant or no_standard
	// RoomIDs are the rooms counted in OfficeAreaM2, in the order of Occupancy.Rooms (floor, number).
	RoomIDs []uuid.UUID `json:"room_ids"`
}

// Occupancy is who uses which room on one day and how much usable area each person has, against their
// standard. Build it with NewOccupancy; Evaluate builds one and adds the rules on top.
type Occupancy struct {
	AsOf   time.Time      // the calendar day evaluated
	Rooms  []RoomResult   // every live room, by floor id, number and room id
	People []PersonResult // every live person, by agency id, name and person id

	roomIndex   map[uuid.UUID]int // → position in Rooms
	personIndex map[uuid.UUID]int // → position in People

	// Working state, kept for the rules. rooms and people are parallel to Rooms and People: a room or a
	// person is known by its position there (its rank), an order of ids and names that does not depend on
	// the order of the snapshot's slices, so that sums of floats come out the same whatever that order.
	snap      *Snapshot
	agency    map[uuid.UUID]int // agency id → position in snap.Agencies
	rooms     []roomCalc
	people    []personCalc
	holds     []holding      // active holdings, by person then room
	occupants []OccupantInfo // every room's occupants, a room's together
}

// roomUse is what a room's usage means for per-person area, kept small so that hot loops need not read
// the Room.
type roomUse uint8

const (
	useOther    roomUse = iota
	useOffice           // UsageOffice
	useRestRoom         // UsageRestRoom
	useToilet           // UsageToilet
)

func useOf(u Usage) roomUse {
	switch u {
	case UsageOffice:
		return useOffice
	case UsageRestRoom:
		return useRestRoom
	case UsageToilet:
		return useToilet
	}
	return useOther
}

func (u roomUse) countsAsOffice() bool { return u == useOffice || u == useRestRoom }

// counted reports whether a main hold on a room of this use counts in the person's office area.
func (u roomUse) counted() bool { return u != useOther }

type roomCalc struct {
	pos       int32 // position in snap.Rooms
	use       roomUse
	active    bool  // has an active assignment
	assigned  bool  // has had a (started) assignment
	over      bool  // coloured over_standard
	noStd     bool  // an occupant without a standard
	occupants int32 // distinct active occupants
	from      int32 // where its occupants start in Occupancy.occupants
	area      float64
	standard  float64
	lastEnd   time.Time
}

type personCalc struct {
	pos      int32 // position in snap.People
	agency   int32 // position in snap.Agencies, -1 when unknown
	from, to int32 // range of holds
	hasRow   bool
	over     bool
	row      *StandardRow // never nil: a zero row when hasRow is false
	office   float64      // main office + rest room shares
	toilet   float64      // private toilet shares
	limit    float64
	excess   float64
	pct      float64
}

// holding is one person's active hold on one room that day.
type holding struct {
	person, room int32 // ranks: positions in Occupancy.people, Occupancy.rooms
	asg          int32 // position in snap.Assignments
	use          roomUse
	main         bool // AssignMain (else AssignSecond)
	notSmaller   bool // an approved second office not smaller than the standard
	share        float64
}

func (h *holding) kind() AssignmentKind {
	if h.main {
		return AssignMain
	}
	return AssignSecond
}

// deletedBy reports whether something deleted at t is gone on day d.
func deletedBy(t, d time.Time) bool { return !t.IsZero() && !DayOf(t).After(d) }

// NewOccupancy computes rooms and people on day snap.AsOf (taken as a calendar day) with the given
// standards (nil: the national table plus snap.StandardRows) and policy. It fails only for an invalid
// policy, invalid local standard rows or a nil snapshot; errors wrap ErrInvalid.
func NewOccupancy(snap *Snapshot, std *Standards, pol Policy) (*Occupancy, error) {
	if snap == nil {
		return nil, Invalidf("no snapshot to evaluate")
	}
	if err := pol.Validate(); err != nil {
		return nil, err
	}
	if std == nil {
		var err error
		if std, err = NewStandards(snap.StandardRows); err != nil {
			return nil, err
		}
	}
	asOf := DayOf(snap.AsOf)
	o := &Occupancy{AsOf: asOf, snap: snap, agency: make(map[uuid.UUID]int, len(snap.Agencies))}
	for i, a := range snap.Agencies {
		o.agency[a.ID] = i
	}

	// Live rooms and people, in their result order. The sort keys are copied into one compact slice, which
	// sorts several times faster than positions compared through the large structs.
	roomOrder := make([]sortKey, 0, len(snap.Rooms))
	for i := range snap.Rooms {
		if r := &snap.Rooms[i]; !deletedBy(r.DeletedAt, asOf) {
			roomOrder = append(roomOrder, newSortKey(r.FloorID, r.Number, r.ID, i))
		}
	}
	slices.SortFunc(roomOrder, compareSortKeys)
	o.rooms = make([]roomCalc, len(roomOrder))
	o.roomIndex = make(map[uuid.UUID]int, len(roomOrder))
	for k, key := range roomOrder {
		i := key.pos
		r := &snap.Rooms[i]
		o.rooms[k] = roomCalc{pos: i, use: useOf(r.Usage), area: r.Area()}
		o.roomIndex[r.ID] = k
	}

	personOrder := make([]sortKey, 0, len(snap.People))
	for i := range snap.People {
		if p := &snap.People[i]; !deletedBy(p.DeletedAt, asOf) {
			personOrder = append(personOrder, newSortKey(p.AgencyID, p.Name, p.ID, i))
		}
	}
	slices.SortFunc(personOrder, compareSortKeys)
	// Each person's standard row, looked up once per (scale, rank).
	type lookup struct {
		row *StandardRow
		ok  bool
	}
	cache := make(map[standardKey]lookup)
	noRow := &StandardRow{}
	o.people = make([]personCalc, len(personOrder))
	o.personIndex = make(map[uuid.UUID]int, len(personOrder))
	for k, key := range personOrder {
		i := key.pos
		p := &snap.People[i]
		pc := &o.people[k]
		pc.pos, pc.agency, pc.row = i, -1, noRow
		o.personIndex[p.ID] = k
		ai, ok := o.agency[p.AgencyID]
		if !ok {
			continue
		}
		pc.agency = int32(ai)
		sk := standardKey{snap.Agencies[ai].StandardScale(), p.Rank}
		l, seen := cache[sk]
		if !seen {
			l.row = noRow
			if row, ok := std.Lookup(sk.scale, sk.rank, asOf); ok {
				l.row, l.ok = &row, true
			}
			cache[sk] = l
		}
		pc.row, pc.hasRow = l.row, l.ok
	}

	// Assignments: the active ones become holdings; all started ones date the room's last use.
	holds := make([]holding, 0, len(snap.Assignments))
	for i := range snap.Assignments {
		a := &snap.Assignments[i]
		if deletedBy(a.DeletedAt, asOf) || (!a.Start.IsZero() && a.Start.After(asOf)) {
			continue // deleted, or not started yet
		}
		rk, okR := o.roomIndex[a.RoomID]
		pk, okP := o.personIndex[a.PersonID]
		if !okR || !okP {
			continue
		}
		rc := &o.rooms[rk]
		rc.assigned = true
		if a.Active(asOf) {
			rc.active = true
			holds = append(holds, holding{person: int32(pk), room: int32(rk), asg: int32(i), use: rc.use, main: a.Kind == AssignMain})
		} else if a.End.After(rc.lastEnd) {
			rc.lastEnd = a.End
		}
	}

	// Split each room among its distinct occupants. Two stable counting sorts (O(n)), by person then by
	// room, give room-then-person order; one holding is kept per pair.
	buf := make([]holding, len(holds))
	countingSort(holds, buf, len(o.people), func(h *holding) int32 { return h.person })
	countingSort(buf, holds, len(o.rooms), func(h *holding) int32 { return h.room })
	holds = compactHoldings(holds, snap.Assignments)
	o.occupants = make([]OccupantInfo, 0, len(holds))
	var stds, areas []float64
	for lo := 0; lo < len(holds); {
		hi := lo + 1
		for hi < len(holds) && holds[hi].room == holds[lo].room {
			hi++
		}
		group := holds[lo:hi]
		stds, areas = stds[:0], areas[:0]
		for _, h := range group {
			stds = append(stds, o.people[h.person].row.AreaM2) // 0 without a row
			areas = append(areas, 0)
		}
		rc := &o.rooms[group[0].room]
		splitArea(rc.area, stds, pol.Split, areas)
		rc.occupants, rc.from = int32(len(group)), int32(len(o.occupants))
		for j := range group {
			h := &group[j]
			h.share = areas[j]
			p := &snap.People[o.people[h.person].pos]
			o.occupants = append(o.occupants, OccupantInfo{
				PersonID: p.ID, Name: p.Name, Rank: p.Rank, RankTitle: o.rankTitle(int(h.person)),
				Kind: h.kind(), ShareM2: h.share,
			})
		}
		slices.SortFunc(o.occupants[rc.from:], compareOccupants)
		lo = hi
	}

	// Per person: office area against the limit.
	o.holds = buf[:len(holds)]
	countingSort(holds, o.holds, len(o.people), func(h *holding) int32 { return h.person })
	for lo := 0; lo < len(o.holds); {
		hi := lo + 1
		for hi < len(o.holds) && o.holds[hi].person == o.holds[lo].person {
			hi++
		}
		pc := &o.people[o.holds[lo].person]
		pc.from, pc.to = int32(lo), int32(hi)
		for _, h := range o.holds[lo:hi] {
			switch {
			case !h.main:
			case h.use.countsAsOffice():
				pc.office += h.share
			case h.use == useToilet:
				pc.toilet += h.share
			}
		}
		lo = hi
	}
	for k := range o.people {
		pc := &o.people[k]
		if !pc.hasRow {
			continue
		}
		pc.limit = pc.row.AreaM2
		if pol.ToiletOnTop {
			pc.limit += min(pc.toilet, pc.row.ToiletAllowanceM2)
		}
		if ex := pc.office + pc.toilet - pc.limit; ex > AreaEpsilonM2 {
			pc.over, pc.excess, pc.pct = true, ex, ex/pc.limit*100
		}
		// An approved second office must be smaller than the standard (art. 19).
		for j := pc.from; j < pc.to; j++ {
			h := &o.holds[j]
			if !h.main && h.use.countsAsOffice() && snap.Assignments[h.asg].ApprovalRef != "" &&
				h.share > pc.row.AreaM2-AreaEpsilonM2 {
				h.notSmaller = true
			}
		}
	}

	// Rooms: standard, colour.
	for _, h := range o.holds {
		rc, pc := &o.rooms[h.room], &o.people[h.person]
		if !pc.hasRow {
			rc.noStd = true
		} else {
			rc.standard += pc.row.AreaM2
		}
		if h.notSmaller || (pc.over && h.main && h.use.countsAsOffice()) {
			rc.over = true
		}
	}

	o.buildResults()
	return o, nil
}

// sortKey orders rooms (floor id, number, id) and people (agency id, name, id). Ids are kept as pairs of
// big-endian halves, which order as their bytes do and compare without a call.
type sortKey struct {
	group [2]uint64
	name  string
	id    [2]uint64
	pos   int32 // position in the snapshot's slice
}

func newSortKey(group uuid.UUID, name string, id uuid.UUID, pos int) sortKey {
	return sortKey{group: idHalves(group), name: name, id: idHalves(id), pos: int32(pos)}
}

func idHalves(id uuid.UUID) [2]uint64 {
	return [2]uint64{binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint64(id[8:])}
}

func compareHalves(a, b [2]uint64) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

func compareSortKeys(a, b sortKey) int {
	if c := compareHalves(a.group, b.group); c != 0 {
		return c
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return compareHalves(a.id, b.id)
}

func compareOccupants(a, b OccupantInfo) int {
	if c := cmp.Compare(rankOrder(a.Rank), rankOrder(b.Rank)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return compareID(a.PersonID, b.PersonID)
}

// countingSort writes src into dst (of the same length) ordered by key, which lies in [0, n); it is
// stable.
func countingSort(src, dst []holding, n int, key func(*holding) int32) {
	start := make([]int32, n+1)
	for i := range src {
		start[key(&src[i])+1]++
	}
	for k := 1; k <= n; k++ {
		start[k] += start[k-1]
	}
	for i := range src {
		k := key(&src[i])
		dst[start[k]] = src[i]
		start[k]++
	}
}

// compactHoldings keeps one holding per (room, person) pair of holds, which is ordered by room then
// person: the main one if any, then the one of the smallest assignment id, so that the choice does not
// depend on the snapshot's order.
func compactHoldings(holds []holding, asgs []Assignment) []holding {
	better := func(a, b *holding) bool { // a beats b
		if a.main != b.main {
			return a.main
		}
		return compareID(asgs[a.asg].ID, asgs[b.asg].ID) < 0
	}
	out := holds[:0]
	for i := range holds {
		h := holds[i]
		if n := len(out); n > 0 && out[n-1].room == h.room && out[n-1].person == h.person {
			if better(&h, &out[n-1]) {
				out[n-1] = h
			}
			continue
		}
		out = append(out, h)
	}
	return out
}

// buildResults fills Rooms and People, in the order of rooms and people.
func (o *Occupancy) buildResults() {
	snap := o.snap
	o.Rooms = make([]RoomResult, len(o.rooms))
	for k := range o.rooms {
		rc := &o.rooms[k]
		r := &snap.Rooms[rc.pos]
		res := &o.Rooms[k]
		*res = RoomResult{
			RoomID: r.ID, Number: r.Number, FloorID: r.FloorID, AgencyID: r.AgencyID, Usage: r.Usage,
			AreaM2: rc.area, StandardM2: rc.standard, Occupants: []OccupantInfo{},
		}
		if n := rc.occupants; n > 0 {
			res.Occupants = o.occupants[rc.from : rc.from+n : rc.from+n]
			res.PerPersonM2 = rc.area / float64(n)
		}
		switch {
		case !rc.use.countsAsOffice():
			res.Status = StatusNonOffice
		case rc.occupants == 0:
			res.Status = StatusVacant
		case rc.over:
			res.Status = StatusOverStandard
		case rc.noStd:
			res.Status = StatusNoStandard
		default:
			res.Status = StatusCompliant
		}
	}

	// Room ids counted in each person's area share one backing array.
	ids := make([]uuid.UUID, 0, len(o.holds))
	o.People = make([]PersonResult, len(o.people))
	for k := range o.people {
		pc := &o.people[k]
		p := &snap.People[pc.pos]
		from := len(ids)
		for _, h := range o.holds[pc.from:pc.to] { // in the order of Rooms
			if h.main && h.use.counted() {
				ids = append(ids, o.Rooms[h.room].RoomID)
			}
		}
		res := &o.People[k]
		*res = PersonResult{
			PersonID: p.ID, Name: p.Name, AgencyID: p.AgencyID, Rank: p.Rank, RankTitle: o.rankTitle(k),
			OfficeAreaM2: pc.office + pc.toilet, ToiletAreaM2: pc.toilet, StandardM2: pc.limit,
			ExcessM2: pc.excess, ExcessPct: pc.pct, RoomIDs: ids[from:len(ids):len(ids)],
		}
		switch {
		case !pc.hasRow:
			res.Status = StatusNoStandard
		case pc.over:
			res.Status = StatusOverStandard
		default:
			res.Status = StatusCompliant
		}
	}
}

// rankTitle is the title of person k's rank: their row's words, or the grade's name without a row.
func (o *Occupancy) rankTitle(k int) string {
	pc := &o.people[k]
	if pc.hasRow && pc.row.Title != "" {
		return pc.row.Title
	}
	return RankTitle(o.snap.People[pc.pos].Rank)
}

// Room returns the result of the room with the given id.
func (o *Occupancy) Room(id uuid.UUID) (RoomResult, bool) {
	i, ok := o.roomIndex[id]
	if !ok {
		return RoomResult{}, false
	}
	return o.Rooms[i], true
}

// Person returns the result of the person with the given id.
func (o *Occupancy) Person(id uuid.UUID) (PersonResult, bool) {
	i, ok := o.personIndex[id]
	if !ok {
		return PersonResult{}, false
	}
	return o.People[i], true
}

// compareID orders uuids by their bytes.
func compareID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
