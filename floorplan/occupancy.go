package floorplan

// Per-person usable area (人均使用面积) is computed here.
//
// A room's usable area (使用面积) is the planar area of its polygon in the building's local metres
// (Room.Area), taken at the survey precision: RoundM2(Room.Area()), the surveyed figure to 0.01 m². On a
// given day:
//
//  1. A room's occupants are the people with an assignment active that day (main or second office) who
//     are in the register that day, each counted once. SplitRoom divides the room's rounded area among
//     them: equally by default (实际分摊面积), or in proportion to each one's standard (SplitByStandard).
//     A room whose active assignment names a person missing from the register (deleted) is still in use:
//     it is neither vacant nor idle, but no person finding can be made for it.
//  2. A person's office area is RoundM2 of the sum of their shares of the rooms counted for them: the
//     rooms they hold as their MAIN office whose usage counts as office (Usage.CountsAsOffice: the office
//     and a leader's rest room, which the 2014 standard puts inside the limit), the private toilets (usage
//     toilet) they hold as main, and the second offices they hold WITHOUT approval (office or rest room:
//     without approval a "second" office is simply another office).
//  3. Their limit is the area of their standard row (Standards.Lookup for their agency's
//     Agency.StandardScale and their rank, in force that day). With Policy.ToiletOnTop the limit rises by
//     min(rounded toilet share, the row's ToiletAllowanceM2); by default the toilet sits inside the limit,
//     as the standard words it. A township (乡级) person with no row in force is held to TownshipCapM2
//     (24 m², the national cap on township figures): above it they are over standard; at or under it
//     they have no standard.
//  4. Over standard ⇔ the rounded office area is at least 0.01 m² above the limit. Excess = rounded area
//     − limit; ExcessPct = excess / limit × 100.
//
// Approved second offices (AssignSecond with an ApprovalRef) are not added to the office area: each is
// judged on its own, by its rounded share against the person's standard (art. 19: it must be smaller).
// Deleted rooms, people and assignments (DeletedAt on or before the day) are left out, except that a
// deleted person's assignments still date and mark the use of their rooms.

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
	// StatusOverStandard: an occupant is over standard because of this room (a room counted in their office
	// area, or an approved second office not smaller than their standard; a township person over the
	// TownshipCapM2 cap too). A tolerated excess is over_standard too; the finding's severity says it is
	// tolerated.
	StatusOverStandard RoomStatus = "over_standard"
	// StatusCompliant: every occupant is within their standard.
	StatusCompliant RoomStatus = "compliant"
	// StatusVacant: an office or rest room with no active assignment that day. Vacant is not compliant.
	StatusVacant RoomStatus = "vacant"
	// StatusNonOffice: the usage is not office or rest_room; no per-person standard applies.
	StatusNonOffice RoomStatus = "non_office"
	// StatusNoStandard: an occupant's rank has no standard row in force (a township agency without a local
	// table, or a rank the scale's table does not have), and nobody is over standard; or the room is in use
	// (an active assignment) only by people missing from the register, so that nobody can be judged.
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
	AreaM2   float64   `json:"area_m2"` // the surveyed usable area: RoundM2(Room.Area())
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
	// OfficeAreaM2 is RoundM2 of the sum of the shares of the rooms counted for them: main office rooms,
	// rest rooms and private toilets, and second offices held without approval.
	OfficeAreaM2 float64 `json:"office_area_m2"`
	// ToiletAreaM2 is the private toilet part of OfficeAreaM2 (rounded to 0.01 m² on its own).
	ToiletAreaM2 float64 `json:"toilet_area_m2"`
	// StandardM2 is their limit: the row's area (plus the toilet allowance used, with Policy.ToiletOnTop),
	// or TownshipCapM2 for a township person with no row who is over it; 0 with no standard.
	StandardM2 float64    `json:"standard_m2"`
	ExcessM2   float64    `json:"excess_m2"`  // OfficeAreaM2 − StandardM2 when over (≥ 0.01), else 0
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
	active    bool  // has an active assignment, whether or not its person is in the register
	assigned  bool  // has had a (started) assignment
	over      bool  // coloured over_standard
	noStd     bool  // an occupant without a standard
	occupants int32 // distinct active occupants in the register
	from      int32 // where its occupants start in Occupancy.occupants
	area      float64
	standard  float64
	lastEnd   time.Time
}

// shared reports whether more than one person occupies the room.
func (rc *roomCalc) shared() bool { return rc.occupants > 1 }

type personCalc struct {
	pos      int32 // position in snap.People
	agency   int32 // position in snap.Agencies, -1 when unknown
	from, to int32 // range of holds
	hasRow   bool
	capped   bool // a township person with no row, held to TownshipCapM2 and over it
	over     bool
	shared   bool         // a room counted in their area is shared
	reading  reading      // which debatable note touched their row (readings.go)
	row      *StandardRow // never nil: a zero row when hasRow is false
	office   float64      // shares of the office rooms counted (main offices, rest rooms, unapproved seconds)
	toilet   float64      // private toilet shares
	// In hundredths of m² (the survey precision): the rounded office area (toilet included), the rounded
	// toilet area, the limit (0 without one) and the excess over it.
	areaH, toiletH, limitH, excessH int64
	pct                             float64
}

// holding is one person's active hold on one room that day.
type holding struct {
	person, room int32 // ranks: positions in Occupancy.people, Occupancy.rooms
	asg          int32 // position in snap.Assignments
	use          roomUse
	main         bool // AssignMain (else AssignSecond)
	approved     bool // a second office with an approval reference
	notSmaller   bool // an approved second office not smaller than the standard
	share        float64
}

func (h *holding) kind() AssignmentKind {
	if h.main {
		return AssignMain
	}
	return AssignSecond
}

// counted reports whether the hold counts in the person's office area: a main office, rest room or
// private toilet, or a second office or rest room held without approval.
func (h *holding) counted() bool {
	if h.main {
		return h.use.counted()
	}
	return !h.approved && h.use.countsAsOffice()
}

// countedOffice reports whether the hold is an office or rest room counted in the person's office area
// (what is coloured over_standard when the person is over).
func (h *holding) countedOffice() bool { return h.use.countsAsOffice() && h.counted() }

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
	o := &Occupancy{AsOf: DayOf(snap.AsOf), snap: snap, agency: make(map[uuid.UUID]int, len(snap.Agencies))}
	for i, a := range snap.Agencies {
		o.agency[a.ID] = i
	}
	o.indexRooms()
	o.indexPeople(std, pol)
	holds := o.collectHoldings()

	// Split each room among its distinct occupants. Two stable counting sorts (O(n)), by person then by
	// room, give room-then-person order; one holding is kept per pair.
	buf := make([]holding, len(holds))
	countingSort(holds, buf, len(o.people), func(h *holding) int32 { return h.person })
	countingSort(buf, holds, len(o.rooms), func(h *holding) int32 { return h.room })
	holds = compactHoldings(holds, snap.Assignments)
	o.splitRooms(holds, pol.Split)

	// Per person: office area against the limit; then the rooms' colours.
	o.holds = buf[:len(holds)]
	countingSort(holds, o.holds, len(o.people), func(h *holding) int32 { return h.person })
	o.personAreas(pol)
	o.colourRooms()
	o.buildResults()
	return o, nil
}

// indexRooms lists the live rooms in their result order, with their surveyed (rounded) areas. The sort
// keys are copied into one compact slice, which sorts several times faster than positions compared
// through the large structs.
func (o *Occupancy) indexRooms() {
	snap := o.snap
	order := make([]sortKey, 0, len(snap.Rooms))
	for i := range snap.Rooms {
		if r := &snap.Rooms[i]; !deletedBy(r.DeletedAt, o.AsOf) {
			order = append(order, newSortKey(r.FloorID, r.Number, r.ID, i))
		}
	}
	slices.SortFunc(order, compareSortKeys)
	o.rooms = make([]roomCalc, len(order))
	o.roomIndex = make(map[uuid.UUID]int, len(order))
	for k, key := range order {
		r := &snap.Rooms[key.pos]
		o.rooms[k] = roomCalc{pos: key.pos, use: useOf(r.Usage), area: RoundM2(r.Area())}
		o.roomIndex[r.ID] = k
	}
}

// indexPeople lists the live people in their result order, each with their standard row, looked up once
// per (scale, rank).
func (o *Occupancy) indexPeople(std *Standards, pol Policy) {
	snap := o.snap
	order := make([]sortKey, 0, len(snap.People))
	for i := range snap.People {
		if p := &snap.People[i]; !deletedBy(p.DeletedAt, o.AsOf) {
			order = append(order, newSortKey(p.AgencyID, p.Name, p.ID, i))
		}
	}
	slices.SortFunc(order, compareSortKeys)
	type lookup struct {
		row *StandardRow
		ok  bool
	}
	cache := make(map[standardKey]lookup)
	noRow := &StandardRow{}
	o.people = make([]personCalc, len(order))
	o.personIndex = make(map[uuid.UUID]int, len(order))
	for k, key := range order {
		p := &snap.People[key.pos]
		pc := &o.people[k]
		pc.pos, pc.agency, pc.row = key.pos, -1, noRow
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
			if row, ok := std.Lookup(sk.scale, sk.rank, o.AsOf); ok {
				l.row, l.ok = &row, true
			}
			cache[sk] = l
		}
		pc.row, pc.hasRow, pc.reading = readRow(pol, std, &snap.Agencies[ai], p, l.row, l.ok, o.AsOf)
	}
}

// collectHoldings marks the rooms' use and returns the active holds of the people in the register. Every
// started assignment of a live room dates the room's use, whatever happened to its person: an ended one
// sets the room's last use, an active one keeps the room in use even when its person is missing from the
// register (deleted), though no holding (no occupant, no share) is made for such a person.
func (o *Occupancy) collectHoldings() []holding {
	snap := o.snap
	holds := make([]holding, 0, len(snap.Assignments))
	for i := range snap.Assignments {
		a := &snap.Assignments[i]
		if deletedBy(a.DeletedAt, o.AsOf) || (!a.Start.IsZero() && a.Start.After(o.AsOf)) {
			continue // deleted, or not started yet
		}
		rk, ok := o.roomIndex[a.RoomID]
		if !ok {
			continue
		}
		rc := &o.rooms[rk]
		rc.assigned = true
		if !a.Active(o.AsOf) {
			if a.End.After(rc.lastEnd) {
				rc.lastEnd = a.End
			}
			continue
		}
		rc.active = true
		pk, ok := o.personIndex[a.PersonID]
		if !ok {
			continue // in use by someone the register no longer has
		}
		main := a.Kind == AssignMain
		holds = append(holds, holding{person: int32(pk), room: int32(rk), asg: int32(i), use: rc.use, main: main,
			approved: !main && !blank(a.ApprovalRef)})
	}
	return holds
}

// splitRooms divides each room's rounded area among its holds (ordered by room then person, one per
// pair) and lists each room's occupants.
func (o *Occupancy) splitRooms(holds []holding, split SplitPolicy) {
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
		splitArea(rc.area, stds, split, areas)
		rc.occupants, rc.from = int32(len(group)), int32(len(o.occupants))
		for j := range group {
			h := &group[j]
			h.share = areas[j]
			p := &o.snap.People[o.people[h.person].pos]
			o.occupants = append(o.occupants, OccupantInfo{
				PersonID: p.ID, Name: p.Name, Rank: p.Rank, RankTitle: o.rankTitle(int(h.person)),
				Kind: h.kind(), ShareM2: h.share,
			})
		}
		slices.SortFunc(o.occupants[rc.from:], compareOccupants)
		lo = hi
	}
}

// personAreas sums each person's counted shares (o.holds is ordered by person) and compares the rounded
// sum with their limit at the survey precision; it also marks approved second offices not smaller than
// the standard.
func (o *Occupancy) personAreas(pol Policy) {
	for lo := 0; lo < len(o.holds); {
		hi := lo + 1
		for hi < len(o.holds) && o.holds[hi].person == o.holds[lo].person {
			hi++
		}
		pc := &o.people[o.holds[lo].person]
		pc.from, pc.to = int32(lo), int32(hi)
		for _, h := range o.holds[lo:hi] {
			if !h.counted() {
				continue
			}
			if h.use == useToilet {
				pc.toilet += h.share
			} else {
				pc.office += h.share
			}
			pc.shared = pc.shared || o.rooms[h.room].shared()
		}
		lo = hi
	}
	capH := hundredths(TownshipCapM2)
	for k := range o.people {
		pc := &o.people[k]
		pc.areaH, pc.toiletH = hundredths(pc.office+pc.toilet), hundredths(pc.toilet)
		switch {
		case pc.hasRow:
			pc.limitH = hundredths(pc.row.AreaM2)
			if pol.ToiletOnTop {
				pc.limitH += min(pc.toiletH, hundredths(pc.row.ToiletAllowanceM2))
			}
		case pc.agency >= 0 && o.snap.Agencies[pc.agency].StandardScale() == LevelTownship && pc.areaH > capH:
			pc.capped, pc.limitH = true, capH
		default:
			continue
		}
		if pc.areaH > pc.limitH { // at least 0.01 m² over
			pc.over, pc.excessH = true, pc.areaH-pc.limitH
			pc.pct = m2Of(pc.excessH) / m2Of(pc.limitH) * 100
		}
		if !pc.hasRow {
			continue
		}
		// An approved second office must be smaller than the standard (art. 19).
		stdH := hundredths(pc.row.AreaM2)
		for j := pc.from; j < pc.to; j++ {
			if h := &o.holds[j]; h.approved && h.use.countsAsOffice() && hundredths(h.share) >= stdH {
				h.notSmaller = true
			}
		}
	}
}

// colourRooms adds up each room's standards and marks the rooms that make an occupant over standard.
func (o *Occupancy) colourRooms() {
	for _, h := range o.holds {
		rc, pc := &o.rooms[h.room], &o.people[h.person]
		if !pc.hasRow {
			rc.noStd = true
		} else {
			rc.standard += pc.row.AreaM2
		}
		if h.notSmaller || (pc.over && h.countedOffice()) {
			rc.over = true
		}
	}
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
		case rc.occupants == 0 && !rc.active:
			res.Status = StatusVacant
		case rc.over:
			res.Status = StatusOverStandard
		case rc.noStd || rc.occupants == 0: // nobody with a standard, or in use by people the register lacks
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
			if h.counted() {
				ids = append(ids, o.Rooms[h.room].RoomID)
			}
		}
		res := &o.People[k]
		*res = PersonResult{
			PersonID: p.ID, Name: p.Name, AgencyID: p.AgencyID, Rank: p.Rank, RankTitle: o.rankTitle(k),
			OfficeAreaM2: m2Of(pc.areaH), ToiletAreaM2: m2Of(pc.toiletH), StandardM2: m2Of(pc.limitH),
			ExcessM2: m2Of(pc.excessH), ExcessPct: pc.pct, RoomIDs: ids[from:len(ids):len(ids)],
		}
		switch {
		case pc.over:
			res.Status = StatusOverStandard
		case !pc.hasRow:
			res.Status = StatusNoStandard
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
