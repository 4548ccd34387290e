package floorplan

// The findings engine: the automated inspection (督查). Each rule has an id, a legal source and a sentence
// in Chinese and English; its check is in a file of its own (rule_*.go) and its entry in the registry
// (rules.go). Evaluate runs them all on a Snapshot as of its day; this file holds what they share.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Finding is one breach of a rule, with its numbers, legal source and sentence.
type Finding struct {
	RuleID    string    `json:"rule_id"`
	Severity  string    `json:"severity"` // SeverityViolation, SeverityTolerated or SeverityNotice
	Subject   Entity    `json:"subject"`  // person, agency or room
	SubjectID uuid.UUID `json:"subject_id"`
	AgencyID  uuid.UUID `json:"agency_id"`
	PersonID  uuid.UUID `json:"person_id"` // uuid.Nil unless the subject is a person
	// RoomIDs are the rooms concerned, ordered by id.
	RoomIDs    []uuid.UUID `json:"room_ids"`
	AreaM2     float64     `json:"area_m2"`
	StandardM2 float64     `json:"standard_m2"`
	ExcessM2   float64     `json:"excess_m2"`
	ExcessPct  float64     `json:"excess_pct"`
	// Deadline is the last compliant day of a time-limited duty (vacating: that day itself is compliant,
	// the day after is a finding), or the day a room reached the idle period; zero for the others.
	Deadline time.Time `json:"deadline,omitzero"`
	// Action and ActionZH are the tolerance band's action for an over-standard person, if any.
	Action   string `json:"action,omitempty"`
	ActionZH string `json:"action_zh,omitempty"`
	Source   string `json:"source"`
	// Basis (zh) and BasisEN name the policy choices the verdict depends on: the survey precision of
	// areas, how a shared office is split, how a private toilet is read, the grace periods, what the
	// approved area measures, e.g. "面积按0.01平方米计（四舍五入）；共用办公室按人数平均分摊（split=equal）".
	// Empty when the verdict depends on none.
	Basis     string `json:"basis,omitempty"`
	BasisEN   string `json:"basis_en,omitempty"`
	Message   string `json:"message"`    // zh-CN
	MessageEN string `json:"message_en"` // English
}

// AgencyTotals sums up one agency on the day.
type AgencyTotals struct {
	AgencyID uuid.UUID `json:"agency_id"`
	Name     string    `json:"name"`
	People   int       `json:"people"` // its live people
	Rooms    int       `json:"rooms"`  // live rooms allocated to it (Room.AgencyID)
	// OfficeAreaM2 is the sum of its people's office areas (PersonResult.OfficeAreaM2).
	OfficeAreaM2 float64 `json:"office_area_m2"`
	// StandardAreaM2 is the sum of its people's standards (PersonResult.StandardM2, for those with one).
	StandardAreaM2 float64 `json:"standard_area_m2"`
	// OfficeSpaceAreaM2 is the usable area of the office-space rooms allocated to it (Usage.IsOfficeSpace),
	// the sum of their rounded areas: the figure compared with ApprovedAreaM2 (after conversion to gross
	// area with Policy.ApprovedAreaBasis gross).
	OfficeSpaceAreaM2 float64 `json:"office_space_area_m2"`
	ApprovedAreaM2    float64 `json:"approved_area_m2"`
	Findings          int     `json:"findings"`
}

// Note is a remark on a whole report, which qualifies everything in it (e.g. a day before the register
// began).
type Note struct {
	Code      string `json:"code"`       // NoteBeforeRegister
	Message   string `json:"message"`    // zh-CN
	MessageEN string `json:"message_en"` // English
}

// NoteBeforeRegister: the day asked precedes the register's first room (Snapshot.FirstKnown), or the
// register has no room that day, so that the report cannot describe that day.
const NoteBeforeRegister = "before_register"

// NoteAsRecorded: the report reads the register as recorded at a past moment (Snapshot.RecordedAt), not
// as now known.
const NoteAsRecorded = "as_recorded"

// Report is the outcome of Evaluate: the findings and the state of every room, person and agency.
type Report struct {
	AsOf   time.Time `json:"as_of"`
	Policy Policy    `json:"policy"`
	// Notes qualify the whole report (empty, never nil, when there is nothing to say).
	Notes    []Note         `json:"notes"`
	Findings []Finding      `json:"findings"` // by agency id, subject (agency, person, room), subject id, rule
	Rooms    []RoomResult   `json:"rooms"`    // by floor id, number, room id
	People   []PersonResult `json:"people"`   // by agency id, name, person id
	Agencies []AgencyTotals `json:"agencies"` // by name, agency id

	roomIndex   map[uuid.UUID]int
	personIndex map[uuid.UUID]int
}

// Room returns the result of the room with the given id.
func (r *Report) Room(id uuid.UUID) (RoomResult, bool) {
	return lookup(r.Rooms, r.roomIndex, id, func(x *RoomResult) uuid.UUID { return x.RoomID })
}

// Person returns the result of the person with the given id.
func (r *Report) Person(id uuid.UUID) (PersonResult, bool) {
	return lookup(r.People, r.personIndex, id, func(x *PersonResult) uuid.UUID { return x.PersonID })
}

// lookup returns the item with the given id, through index, or by a scan when there is no index (a
// Report not made by Evaluate, e.g. decoded from JSON).
func lookup[T any](items []T, index map[uuid.UUID]int, id uuid.UUID, idOf func(*T) uuid.UUID) (T, bool) {
	if index == nil {
		for i := range items {
			if idOf(&items[i]) == id {
				return items[i], true
			}
		}
	} else if i, ok := index[id]; ok {
		return items[i], true
	}
	var zero T
	return zero, false
}

// Evaluate runs every rule on the snapshot as of snap.AsOf, taken as a calendar day (DayOf), and returns
// the findings with the state of every room, person and agency. std is the standards to use; nil means the
// national table plus snap.StandardRows.
//
// Entities deleted on or before the day are ignored, and so are assignments not active that day (except
// that ended assignments date a room's last use for the idle rule); a deleted person's assignments still
// date and mark their room's use. Deadlines are calendar months after
// the triggering day, clamped to the month's end (31 January + 1 month = 28/29 February); the deadline
// day itself is compliant and the day after is a finding. The output is sorted and does not depend on
// the order of the snapshot's slices; nothing reads the clock.
//
// Areas are compared at the survey precision (RoundM2). Report.Notes warns when the day precedes the
// register (Snapshot.FirstKnown) or the register has no room that day.
//
// Evaluate fails only for an invalid policy (or invalid local rows when std is nil, or a nil snapshot);
// errors wrap ErrInvalid.
func Evaluate(snap *Snapshot, std *Standards, pol Policy) (*Report, error) {
	o, err := NewOccupancy(snap, std, pol)
	if err != nil {
		return nil, err
	}
	e := evaluation{o: o, snap: snap, asOf: o.AsOf, pol: pol}
	e.tallyAgencies()
	e.run()

	slices.SortFunc(e.findings, compareFindings)
	rep := &Report{
		AsOf:        o.AsOf,
		Policy:      pol,
		Notes:       registerNotes(snap, o.AsOf, len(o.Rooms)),
		Findings:    e.findings,
		Rooms:       o.Rooms,
		People:      o.People,
		Agencies:    e.totals(),
		roomIndex:   o.roomIndex,
		personIndex: o.personIndex,
	}
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep, nil
}

type evaluation struct {
	o        *Occupancy
	snap     *Snapshot
	asOf     time.Time
	pol      Policy
	findings []Finding

	// Per agency, parallel to snap.Agencies (filled by tallyAgencies).
	officeSpace []int64 // usable area of the office-space rooms allocated to it, in hundredths of m²
	allocated   []int   // number of rooms allocated to it
}

func (e *evaluation) add(f Finding) {
	if f.RoomIDs == nil {
		f.RoomIDs = []uuid.UUID{}
	}
	slices.SortFunc(f.RoomIDs, compareID)
	e.findings = append(e.findings, f)
}

// personCtx is what the person rules share about one person.
type personCtx struct {
	pc    *personCalc
	p     *Person
	title string    // the rank's title
	holds []holding // their active holds, in the order of Rooms
}

// finding starts a finding of rule id on the person: a violation, citing source.
func (c *personCtx) finding(id, source string) Finding {
	return Finding{RuleID: id, Severity: SeverityViolation, Source: source,
		Subject: EntityPerson, SubjectID: c.p.ID, AgencyID: c.p.AgencyID, PersonID: c.p.ID}
}

// secondOffices yields the person's holds on second offices (AssignSecond), in the order of Rooms.
func (c *personCtx) secondOffices(yield func(*holding) bool) {
	for i := range c.holds {
		if h := &c.holds[i]; !h.main && !yield(h) {
			return
		}
	}
}

// heldRoomFinding starts a finding of rule id on the person about one room they hold: the room, and
// their share of it at the survey precision.
func (e *evaluation) heldRoomFinding(c *personCtx, h *holding, id, source string) (Finding, *RoomResult) {
	r := &e.o.Rooms[h.room]
	f := c.finding(id, source)
	f.RoomIDs, f.AreaM2 = []uuid.UUID{r.RoomID}, RoundM2(h.share)
	return f, r
}

// run runs the rules of the registry: the person rules for each person in turn, then the agency and room
// rules.
func (e *evaluation) run() {
	o := e.o
	// One personCtx, reused: the checks are called through func values, so it escapes to the heap, once.
	var c personCtx
	for k := range o.people {
		pc := &o.people[k]
		c = personCtx{pc: pc, p: &e.snap.People[pc.pos], title: o.rankTitle(k), holds: o.holds[pc.from:pc.to]}
		for _, r := range registry {
			if r.subject == EntityPerson {
				r.person(e, &c)
			}
		}
	}
	for _, r := range registry {
		if r.subject != EntityPerson {
			r.register(e)
		}
	}
}

// countedRooms lists the rooms counted in the person's office area (holding.counted), in the order of
// Rooms, and says whether one of them is a second office without approval.
func (e *evaluation) countedRooms(c *personCtx) (ids []uuid.UUID, unapproved bool) {
	ids = make([]uuid.UUID, 0, len(c.holds))
	for _, h := range c.holds {
		if h.counted() {
			ids = append(ids, e.o.Rooms[h.room].RoomID)
			unapproved = unapproved || !h.main
		}
	}
	return ids, unapproved
}

// findPost returns the post with the given id among posts.
func findPost(posts []Post, id uuid.UUID) (Post, bool) {
	if id == uuid.Nil {
		return Post{}, false
	}
	for _, p := range posts {
		if p.ID == id {
			return p, true
		}
	}
	return Post{}, false
}

// tallyAgencies counts the rooms allocated to each agency and the usable area of its office space, for
// agency.over_approved_area and the totals.
func (e *evaluation) tallyAgencies() {
	o := e.o
	n := len(e.snap.Agencies)
	e.officeSpace, e.allocated = make([]int64, n), make([]int, n)
	for k := range o.rooms { // live rooms, in a fixed order
		r := &o.Rooms[k]
		ai, ok := o.agency[r.AgencyID]
		if !ok {
			continue
		}
		e.allocated[ai]++
		if r.Usage.IsOfficeSpace() {
			e.officeSpace[ai] += hundredths(r.AreaM2) // a rounded area: exact in hundredths
		}
	}
}

// registerNotes are the report's notes: a day before the register's first room, or no room at all.
func registerNotes(snap *Snapshot, asOf time.Time, rooms int) []Note {
	notes := []Note{}
	if at := snap.RecordedAt; !at.IsZero() {
		notes = append(notes, Note{Code: NoteAsRecorded,
			Message: fmt.Sprintf("本报告按登记簿截至%s所载内容生成（当时所知），其后补录或更正的信息未计入。",
				at.Format("2006-01-02 15:04:05 -07:00")),
			MessageEN: fmt.Sprintf("This report shows the register as recorded at %s: what was entered or corrected later is not counted.",
				at.Format("2006-01-02 15:04:05 -07:00")),
		})
	}
	return append(notes, knownNotes(snap, asOf, rooms)...)
}

// knownNotes says when the day asked precedes every room the register knows.
func knownNotes(snap *Snapshot, asOf time.Time, rooms int) []Note {
	if !snap.FirstKnown.IsZero() {
		if first := DayOf(snap.FirstKnown); asOf.Before(first) {
			return []Note{{Code: NoteBeforeRegister,
				Message:   fmt.Sprintf("登记簿中没有该日之前的房间记录（最早记录始于%s），本报告不代表该日实际情况。", day(first)),
				MessageEN: fmt.Sprintf("The register holds no rooms before %s: this report does not describe that day.", day(first)),
			}}
		}
	}
	if rooms == 0 {
		return []Note{{Code: NoteBeforeRegister,
			Message:   fmt.Sprintf("登记簿中没有%s的房间记录，本报告不代表该日实际情况。", day(asOf)),
			MessageEN: fmt.Sprintf("The register holds no rooms on %s: this report does not describe that day.", day(asOf)),
		}}
	}
	return []Note{}
}

// totals sums up each agency.
func (e *evaluation) totals() []AgencyTotals {
	snap, o := e.snap, e.o
	out := make([]AgencyTotals, len(snap.Agencies))
	for i, a := range snap.Agencies {
		out[i] = AgencyTotals{
			AgencyID: a.ID, Name: a.Name, Rooms: e.allocated[i], OfficeSpaceAreaM2: m2Of(e.officeSpace[i]),
			ApprovedAreaM2: a.ApprovedAreaM2,
		}
	}
	// Sums of rounded areas, in hundredths of m², so that they are exact whatever the order.
	office, standard := make([]int64, len(out)), make([]int64, len(out))
	for k := range o.people {
		pc := &o.people[k]
		if pc.agency < 0 {
			continue
		}
		out[pc.agency].People++
		office[pc.agency] += pc.areaH
		standard[pc.agency] += pc.limitH
	}
	for i := range out {
		out[i].OfficeAreaM2, out[i].StandardAreaM2 = m2Of(office[i]), m2Of(standard[i])
	}
	for _, f := range e.findings {
		if ai, ok := o.agency[f.AgencyID]; ok {
			out[ai].Findings++
		}
	}
	slices.SortFunc(out, func(a, b AgencyTotals) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return compareID(a.AgencyID, b.AgencyID)
	})
	return out
}

func subjectOrder(s Entity) int {
	switch s {
	case EntityAgency:
		return 0
	case EntityPerson:
		return 1
	case EntityRoom:
		return 2
	}
	return 3
}

func compareFindings(a, b Finding) int {
	if c := compareID(a.AgencyID, b.AgencyID); c != 0 {
		return c
	}
	if c := cmp.Compare(subjectOrder(a.Subject), subjectOrder(b.Subject)); c != 0 {
		return c
	}
	if c := compareID(a.SubjectID, b.SubjectID); c != 0 {
		return c
	}
	if c := strings.Compare(a.RuleID, b.RuleID); c != 0 {
		return c
	}
	var ra, rb uuid.UUID
	if len(a.RoomIDs) > 0 {
		ra = a.RoomIDs[0]
	}
	if len(b.RoomIDs) > 0 {
		rb = b.RoomIDs[0]
	}
	return compareID(ra, rb)
}

// AddMonths returns day d plus n calendar months, as the rules count a period (see addMonths): the last
// day by which something due n months after d must be done.
func AddMonths(d time.Time, n int) time.Time { return addMonths(DayOf(d), n) }

// addMonths returns day d plus n calendar months, clamped to the last day of the target month (the way
// Chinese law counts a period of months: 31 January + 1 month is the last day of February).
func addMonths(d time.Time, n int) time.Time {
	y, m, dd := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, d.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(dd, last), d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), d.Location())
}

func m2(v float64) string { return fmt.Sprintf("%.2f", v) }

// pctZH and pctEN print an excess percentage to 0.1 %; a positive excess that would print as 0.0 % prints
// as "不足0.1%" / "under 0.1%", so that no printed number hides a breach.
func pctZH(v float64) string {
	if s := fmt.Sprintf("%.1f", v); s != "0.0" || !(v > 0) {
		return s + "%"
	}
	return "不足0.1%"
}

func pctEN(v float64) string {
	if s := fmt.Sprintf("%.1f", v); s != "0.0" || !(v > 0) {
		return s + "%"
	}
	return "under 0.1%"
}

func day(t time.Time) string {
	return t.Format(DateLayout)
}

// monthsEN is "1 month" or "n months".
func monthsEN(n int) string {
	if n == 1 {
		return "1 month"
	}
	return strconv.Itoa(n) + " months"
}

// lastDayZH and lastDayEN say a deadline as the last compliant day.
func lastDayZH(d time.Time) string { return "最迟于" + day(d) + "（含当日）" }
func lastDayEN(d time.Time) string { return "by " + day(d) + " at the latest (that day included)" }

// basis collects the policy choices a verdict depends on (Finding.Basis).
type basis struct{ zh, en []string }

func (b *basis) add(zh, en string) {
	b.zh, b.en = append(b.zh, zh), append(b.en, en)
}

func (b *basis) set(f *Finding) {
	f.Basis, f.BasisEN = strings.Join(b.zh, "；"), strings.Join(b.en, "; ")
}

// precision states the survey precision of areas.
func (b *basis) precision() {
	b.add("面积按0.01平方米计（四舍五入）", "areas to 0.01 m², half up")
}

// either adds the first wording (zh, en) when cond holds, the second otherwise: a policy choice.
func (b *basis) either(cond bool, zh, en, elseZH, elseEN string) {
	if cond {
		b.add(zh, en)
	} else {
		b.add(elseZH, elseEN)
	}
}

// split states how a shared office is divided.
func (b *basis) split(p Policy) {
	b.either(p.Split == SplitByStandard,
		"共用办公室按各人标准面积比例分摊（split=by_standard）", "shared offices split in proportion to the occupants' standards (split=by_standard)",
		"共用办公室按人数平均分摊（split=equal）", "shared offices split equally among their occupants (split=equal)")
}

// toilet states how a private toilet is read.
func (b *basis) toilet(p Policy) {
	b.either(p.ToiletOnTop,
		"专用卫生间在标准面积之外另计，以允许面积为限（toilet_on_top=true）", "a private toilet comes on top of the standard, up to its allowance (toilet_on_top=true)",
		"专用卫生间计入标准面积（toilet_on_top=false）", "a private toilet counts inside the standard (toilet_on_top=false)")
}
