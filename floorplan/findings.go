package floorplan

// The findings engine: the automated inspection (督查). Each rule has an id, a legal source and a sentence
// in Chinese and English; Evaluate runs them all on a Snapshot as of its day.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Legal sources of the rules.
const (
	// Art19Source is the article on the use of office space: use within the approved area, one office
	// per official, an approved second office smaller than the standard and vacated within 2 months of
	// leaving the concurrent post, the office recovered within 1 month of transfer or retirement.
	Art19Source = "《党政机关办公用房管理办法》(2017) 第十九条"
	// ToiletNoteSource is note 4 to the table of the 2014 standard: a private toilet of at most 6 m² for
	// 省部级 leaders, provincial 厅(局) heads and the party and government heads of cities and counties.
	ToiletNoteSource = "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条 注4"
	// ChangzhouChecklistSource is Changzhou's inspection checklist (督查重点) for agencies.
	ChangzhouChecklistSource = "常州市党政机关办公用房督查重点（机构撤并后未在规定时间内腾退原办公用房；闲置6个月以上）"
)

// Rule ids, each with its legal source next to it.
const (
	// RuleOverStandard: a person's office area is above their standard by 0.01 m² or more (at the survey
	// precision), or a township person with no row in force is above TownshipCapM2.
	RuleOverStandard   = "person.over_standard"
	SourceOverStandard = Standard2014Source // a local row's own Source is used when it applies

	// RulePrivateToilet: a private toilet for a rank the standard does not name (no allowance on the row,
	// or no row in force), or larger than allowed.
	RulePrivateToilet   = "person.private_toilet"
	SourcePrivateToilet = ToiletNoteSource

	// RuleNoStandard (a notice): a person uses an office but no standard row is in force for their rank at
	// their agency's scale (township agencies without a local table, a rank the scale has no row for, an
	// agency missing from the register).
	RuleNoStandard   = "person.no_standard"
	SourceNoStandard = Standard2014Source

	// RuleMultipleOffices: more than one office room, and not every office beyond one main office is an
	// approved second office.
	RuleMultipleOffices   = "person.multiple_offices"
	SourceMultipleOffices = Art19Source

	// RuleSecondOfficeNotSmaller: an approved second office whose share is not smaller than the person's
	// standard.
	RuleSecondOfficeNotSmaller   = "person.second_office_not_smaller"
	SourceSecondOfficeNotSmaller = Art19Source

	// RuleUnapprovedSecondOffice: a second office held without approval by a person who holds no other
	// office (with another office, RuleMultipleOffices applies). Without approval it is simply another
	// office, and it counts in the person's office area.
	RuleUnapprovedSecondOffice   = "person.unapproved_second_office"
	SourceUnapprovedSecondOffice = Art19Source

	// RuleSecondOfficePostUnknown (a notice): an approved second office that names no concurrent post of
	// the person (none, or a post not in their record), so that the deadline to vacate it after the post
	// ends cannot be checked.
	RuleSecondOfficePostUnknown   = "person.second_office_post_unknown"
	SourceSecondOfficePostUnknown = Art19Source

	// RuleNotVacatedAfterLeaving: a retired or transferred person still holds rooms after the deadline.
	RuleNotVacatedAfterLeaving   = "person.not_vacated_after_leaving"
	SourceNotVacatedAfterLeaving = Art19Source

	// RuleNotVacatedAfterConcurrentPost: a second office still held after the deadline that follows the
	// end of the concurrent post it served.
	RuleNotVacatedAfterConcurrentPost   = "person.not_vacated_after_concurrent_post"
	SourceNotVacatedAfterConcurrentPost = Art19Source

	// RuleNotVacatedAfterMerger: a merged or abolished agency still has rooms or people in rooms after
	// the deadline.
	RuleNotVacatedAfterMerger   = "agency.not_vacated_after_merger"
	SourceNotVacatedAfterMerger = ChangzhouChecklistSource

	// RuleOverApprovedArea: an agency's office-space rooms add up to more than its approved area.
	RuleOverApprovedArea   = "agency.over_approved_area"
	SourceOverApprovedArea = Art19Source

	// RuleIdle: an office-space room idle for Policy.IdleMonths or more.
	RuleIdle   = "room.idle"
	SourceIdle = ChangzhouChecklistSource
)

// Rule describes one rule of the findings engine.
type Rule struct {
	ID      string `json:"id"`
	Title   string `json:"title"`    // zh-CN
	TitleEN string `json:"title_en"` // English
	Source  string `json:"source"`
}

// Rules lists every rule Evaluate runs, in a fixed order.
func Rules() []Rule {
	return []Rule{
		{RuleOverStandard, "超标准使用办公用房", "Office area over standard", SourceOverStandard},
		{RulePrivateToilet, "违规配备专用卫生间", "Private toilet not allowed or too large", SourcePrivateToilet},
		{RuleNoStandard, "无适用面积标准", "No space standard in force", SourceNoStandard},
		{RuleMultipleOffices, "未经批准多处占用办公用房", "More than one office without approval", SourceMultipleOffices},
		{RuleSecondOfficeNotSmaller, "兼职办公室面积未小于标准", "Second office not smaller than the standard", SourceSecondOfficeNotSmaller},
		{RuleUnapprovedSecondOffice, "未经批准使用兼职办公室", "Second office without approval", SourceUnapprovedSecondOffice},
		{RuleSecondOfficePostUnknown, "兼职办公室未关联兼职职务", "Second office not linked to a concurrent post", SourceSecondOfficePostUnknown},
		{RuleNotVacatedAfterLeaving, "退休或调离后未按期腾退", "Not vacated after retirement or transfer", SourceNotVacatedAfterLeaving},
		{RuleNotVacatedAfterConcurrentPost, "兼职结束后未按期腾退", "Second office not vacated after the concurrent post", SourceNotVacatedAfterConcurrentPost},
		{RuleNotVacatedAfterMerger, "机构撤并后未按期腾退", "Not vacated after a merger or abolition", SourceNotVacatedAfterMerger},
		{RuleOverApprovedArea, "超出核定面积", "Over the approved area", SourceOverApprovedArea},
		{RuleIdle, "办公用房闲置", "Idle office space", SourceIdle},
	}
}

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
	if r.roomIndex == nil { // a Report not made by Evaluate (decoded from JSON)
		for _, x := range r.Rooms {
			if x.RoomID == id {
				return x, true
			}
		}
		return RoomResult{}, false
	}
	i, ok := r.roomIndex[id]
	if !ok {
		return RoomResult{}, false
	}
	return r.Rooms[i], true
}

// Person returns the result of the person with the given id.
func (r *Report) Person(id uuid.UUID) (PersonResult, bool) {
	if r.personIndex == nil {
		for _, x := range r.People {
			if x.PersonID == id {
				return x, true
			}
		}
		return PersonResult{}, false
	}
	i, ok := r.personIndex[id]
	if !ok {
		return PersonResult{}, false
	}
	return r.People[i], true
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
	e.personRules()
	e.agencyRules()
	e.roomRules()

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

	// Per agency, parallel to snap.Agencies (filled by agencyRules).
	officeSpace []int64 // usable area of the office-space rooms allocated to it, in hundredths of m²
	allocated   []int   // number of rooms allocated to it

	// Scratch lists of room ids, reused from person to person and copied into a finding only when there
	// is one.
	counted, toilets, offices []uuid.UUID
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
	base  Finding   // subject, agency, person, severity violation
}

// personRules runs the rules whose subject is a person.
func (e *evaluation) personRules() {
	o := e.o
	for k := range o.people {
		pc := &o.people[k]
		p := &e.snap.People[pc.pos]
		c := &personCtx{pc: pc, p: p, title: o.rankTitle(k), holds: o.holds[pc.from:pc.to],
			base: Finding{Subject: EntityPerson, SubjectID: p.ID, AgencyID: p.AgencyID, PersonID: p.ID, Severity: SeverityViolation}}
		e.areaRules(c)
		e.toiletRule(c)
		e.officeCountRules(c)
		e.secondOfficeRules(c)
		e.leavingRule(c)
	}
}

// areaRules: person.over_standard, or the person.no_standard notice.
func (e *evaluation) areaRules(c *personCtx) {
	pc, p, o := c.pc, c.p, e.o
	e.counted = e.counted[:0]
	unapproved := false
	for _, h := range c.holds {
		if h.counted() {
			e.counted = append(e.counted, o.Rooms[h.room].RoomID)
			unapproved = unapproved || !h.main
		}
	}
	switch {
	case pc.over:
		f := c.base
		f.RuleID, f.Source = RuleOverStandard, pc.row.Source
		if pc.capped {
			f.Source = Standard2014Source
		}
		area, limit, ex := m2Of(pc.areaH), m2Of(pc.limitH), m2Of(pc.excessH)
		f.RoomIDs = slices.Clone(e.counted)
		f.AreaM2, f.StandardM2, f.ExcessM2, f.ExcessPct = area, limit, ex, pc.pct
		f.Message = fmt.Sprintf("%s（%s）办公室使用面积%s平方米，超过标准%s平方米，超标%s平方米（%s）。",
			p.Name, c.title, m2(area), m2(limit), m2(ex), pctZH(pc.pct))
		f.MessageEN = fmt.Sprintf("%s (%s) uses %s m² of office space against a standard of %s m²: %s m² (%s) over.",
			p.Name, c.title, m2(area), m2(limit), m2(ex), pctEN(pc.pct))
		var b basis
		b.precision()
		if pc.reading.deputy {
			b.deputy(e.pol)
		}
		if pc.capped {
			f.Message += "乡级机关办公室面积标准由省级人民政府规定，但不得超过县级副职的24平方米。"
			f.MessageEN += " Township figures are set by the province, but never above 24 m² (the 县级副职 figure)."
			b.add("乡级机关无地方标准，按上限24平方米（县级副职）判断", "township agency without a local figure: judged against the 24 m² cap (县级副职)")
		}
		if pc.shared {
			b.split(e.pol)
		}
		if pc.toiletH > 0 {
			b.toilet(e.pol)
		}
		if unapproved {
			b.add("未经批准的兼职办公室计入办公室面积", "second offices without approval count in the office area")
		}
		if band, ok := e.pol.band(pc.pct); ok {
			f.Action, f.ActionZH = band.Action, band.ActionZH
			if band.Tolerated {
				f.Severity = SeverityTolerated
			}
			f.Message += band.ActionZH + "。"
			f.MessageEN += " " + band.Action + "."
			b.add("超标比例按本地容忍区间处理（bands）", "the excess is graded by the local tolerance bands (bands)")
		}
		b.set(&f)
		e.add(f)
	case !pc.hasRow && pc.areaH > 0:
		f := c.base
		f.RuleID, f.Source, f.Severity = RuleNoStandard, SourceNoStandard, SeverityNotice
		f.RoomIDs, f.AreaM2 = slices.Clone(e.counted), m2Of(pc.areaH)
		if pc.agency < 0 {
			f.Message = fmt.Sprintf("%s所属单位不在登记中，无法确定其办公用房面积标准。", p.Name)
			f.MessageEN = fmt.Sprintf("%s's agency is not in the register: no space standard can be chosen.", p.Name)
			e.add(f)
			return
		}
		scale := e.snap.Agencies[pc.agency].StandardScale()
		hint, hintEN := "", ""
		if scale == LevelTownship {
			hint = "乡级机关标准由省级人民政府规定（不超过24平方米），请录入地方标准。"
			hintEN = " Township figures are set by the province (at most 24 m²): add local standard rows."
		}
		f.Message = fmt.Sprintf("%s（%s）在%s没有施行中的办公室面积标准，无法判断是否超标。%s",
			p.Name, c.title, LevelTitle(scale), hint)
		f.MessageEN = fmt.Sprintf("%s (%s) has no space standard in force at %s agencies; over-standard use cannot be judged.%s",
			p.Name, c.title, scale, hintEN)
		e.add(f)
	}
}

// toiletRule: person.private_toilet, for the ranks the standard does not name (no allowance on their row,
// or no row in force at all: township ranks, which note 4 never names) or above the allowance.
func (e *evaluation) toiletRule(c *personCtx) {
	pc, p, o := c.pc, c.p, e.o
	allowance := pc.row.ToiletAllowanceM2 // 0 without a row
	allowH := hundredths(allowance)
	if pc.toiletH <= allowH {
		return
	}
	e.toilets = e.toilets[:0]
	shared := false
	for _, h := range c.holds {
		if h.counted() && h.use == useToilet {
			e.toilets = append(e.toilets, o.Rooms[h.room].RoomID)
			shared = shared || o.rooms[h.room].shared()
		}
	}
	toilet := m2Of(pc.toiletH)
	f := c.base
	f.RuleID, f.Source = RulePrivateToilet, SourcePrivateToilet
	f.RoomIDs = slices.Clone(e.toilets)
	f.AreaM2, f.StandardM2, f.ExcessM2 = toilet, allowance, m2Of(pc.toiletH-allowH)
	if allowance > 0 {
		f.ExcessPct = f.ExcessM2 / allowance * 100
		f.Message = fmt.Sprintf("%s（%s）专用卫生间%s平方米，超过允许的%s平方米，超出%s平方米（%s）。",
			p.Name, c.title, m2(toilet), m2(allowance), m2(f.ExcessM2), pctZH(f.ExcessPct))
		f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m², above the %s m² allowed: %s m² (%s) over.",
			p.Name, c.title, m2(toilet), m2(allowance), m2(f.ExcessM2), pctEN(f.ExcessPct))
	} else if pc.reading.toiletRefused {
		f.Message = fmt.Sprintf("%s（%s）配有专用卫生间%s平方米；按本地政策，市县专用卫生间仅限党政正职，其职务不在其列。",
			p.Name, c.title, m2(toilet))
		f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m²; by local policy only the party and government heads of cities and counties may have one, and this post is not one of them.",
			p.Name, c.title, m2(toilet))
	} else {
		f.Message = fmt.Sprintf("%s（%s）配有专用卫生间%s平方米，该职级按标准不得配备专用卫生间。",
			p.Name, c.title, m2(toilet))
		f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m²; the standard allows none at this rank.",
			p.Name, c.title, m2(toilet))
	}
	var b basis
	b.precision()
	if shared {
		b.split(e.pol)
	}
	b.toilet(e.pol)
	if pc.reading.toiletByGrade {
		b.toiletWho(e.pol)
	}
	b.set(&f)
	e.add(f)
}

// officeCountRules: one office per official. person.multiple_offices for more than one office room
// beyond approved second offices; otherwise person.unapproved_second_office for each second office held
// without approval.
func (e *evaluation) officeCountRules(c *personCtx) {
	p, o := c.p, e.o
	e.offices = e.offices[:0]
	mains, unapproved, officeArea := 0, 0, 0.0
	for _, h := range c.holds {
		if h.use != useOffice {
			continue
		}
		e.offices = append(e.offices, o.Rooms[h.room].RoomID)
		officeArea += h.share
		if h.main {
			mains++
		} else if !h.approved {
			unapproved++
		}
	}
	if len(e.offices) > 1 && (mains > 1 || unapproved > 0) {
		f := c.base
		f.RuleID, f.Source = RuleMultipleOffices, SourceMultipleOffices
		f.RoomIDs, f.AreaM2 = slices.Clone(e.offices), RoundM2(officeArea)
		f.Message = fmt.Sprintf("%s（%s）同时使用%d间办公室（主办公室%d间，未经批准的兼职办公室%d间），应一人一处办公室，兼职办公室须经批准。",
			p.Name, c.title, len(e.offices), mains, unapproved)
		f.MessageEN = fmt.Sprintf("%s (%s) uses %d offices (%d main, %d second without approval); one office per official, a second one only with approval.",
			p.Name, c.title, len(e.offices), mains, unapproved)
		e.add(f)
		return
	}
	for _, h := range c.holds {
		if h.main || h.approved || !h.use.countsAsOffice() {
			continue
		}
		r := &o.Rooms[h.room]
		share := RoundM2(h.share)
		f := c.base
		f.RuleID, f.Source = RuleUnapprovedSecondOffice, SourceUnapprovedSecondOffice
		f.RoomIDs, f.AreaM2 = []uuid.UUID{r.RoomID}, share
		f.Message = fmt.Sprintf("%s（%s）未经批准使用兼职办公室%s（%s平方米）；兼职办公室须经批准，未经批准的按办公室计入其办公室使用面积。",
			p.Name, c.title, r.Number, m2(share))
		f.MessageEN = fmt.Sprintf("%s (%s) uses room %s (%s m²) as a second office without approval; a second office needs approval, and without it the room counts in their office area.",
			p.Name, c.title, r.Number, m2(share))
		e.add(f)
	}
}

// secondOfficeRules judges each second office on its own: person.second_office_not_smaller, the
// person.second_office_post_unknown notice, person.not_vacated_after_concurrent_post.
func (e *evaluation) secondOfficeRules(c *personCtx) {
	pc, p, o := c.pc, c.p, e.o
	for _, h := range c.holds {
		if h.main {
			continue
		}
		r := &o.Rooms[h.room]
		share := RoundM2(h.share)
		if h.notSmaller { // an approved second office must be smaller than the standard
			std := pc.row.AreaM2
			f := c.base
			f.RuleID, f.Source = RuleSecondOfficeNotSmaller, SourceSecondOfficeNotSmaller
			f.RoomIDs = []uuid.UUID{r.RoomID}
			f.AreaM2, f.StandardM2 = share, std
			f.ExcessM2 = m2Of(max(0, hundredths(h.share)-hundredths(std)))
			f.ExcessPct = f.ExcessM2 / std * 100
			f.Message = fmt.Sprintf("%s（%s）的兼职办公室%s使用面积%s平方米，不小于其标准%s平方米；兼职办公室面积应小于标准。",
				p.Name, c.title, r.Number, m2(share), m2(std))
			f.MessageEN = fmt.Sprintf("%s (%s) has a second office %s of %s m², not smaller than the standard of %s m²; a second office must be smaller.",
				p.Name, c.title, r.Number, m2(share), m2(std))
			var b basis
			b.precision()
			if o.rooms[h.room].shared() {
				b.split(e.pol)
			}
			b.set(&f)
			e.add(f)
		}
		a := &e.snap.Assignments[h.asg]
		post, ok := findPost(p.Posts, a.PostID)
		switch {
		case !ok && h.approved:
			f := c.base
			f.RuleID, f.Source, f.Severity = RuleSecondOfficePostUnknown, SourceSecondOfficePostUnknown, SeverityNotice
			f.RoomIDs, f.AreaM2 = []uuid.UUID{r.RoomID}, share
			n := e.pol.VacateAfterConcurrentPostMonths
			f.Message = fmt.Sprintf("%s（%s）的兼职办公室%s已经批准（%s），但未关联其所服务的兼职职务，无法核查卸任兼职后%d个月内腾退的期限。",
				p.Name, c.title, r.Number, a.ApprovalRef, n)
			f.MessageEN = fmt.Sprintf("%s (%s) has an approved second office %s (%s) that names no concurrent post of theirs: the %d-month deadline to vacate it after the post ends cannot be checked.",
				p.Name, c.title, r.Number, a.ApprovalRef, n)
			e.add(f)
		case ok && !post.End.IsZero():
			// A second office is vacated within the period after the concurrent post ends.
			n := e.pol.VacateAfterConcurrentPostMonths
			deadline := addMonths(DayOf(post.End), n)
			if !e.asOf.After(deadline) {
				continue
			}
			f := c.base
			f.RuleID, f.Source = RuleNotVacatedAfterConcurrentPost, SourceNotVacatedAfterConcurrentPost
			f.RoomIDs, f.AreaM2, f.Deadline = []uuid.UUID{r.RoomID}, share, deadline
			f.Message = fmt.Sprintf("%s已于%s卸任兼职“%s”，兼职办公室%s%s腾退，至%s仍未腾退。",
				p.Name, day(post.End), post.Title, r.Number, lastDayZH(deadline), day(e.asOf))
			f.MessageEN = fmt.Sprintf("%s left the concurrent post %q on %s; second office %s was due back %s and is still held on %s.",
				p.Name, post.Title, day(post.End), r.Number, lastDayEN(deadline), day(e.asOf))
			var b basis
			b.add(fmt.Sprintf("卸任兼职后%d个月内腾退（vacate_after_concurrent_post_months=%d）", n, n),
				fmt.Sprintf("vacated within %s of leaving the post (vacate_after_concurrent_post_months=%d)", monthsEN(n), n))
			b.set(&f)
			e.add(f)
		}
	}
}

// leavingRule: person.not_vacated_after_leaving, rooms of a retired or transferred person recovered
// within the period.
func (e *evaluation) leavingRule(c *personCtx) {
	p, o := c.p, e.o
	if (p.Status != PersonRetired && p.Status != PersonTransferred) || p.StatusDate.IsZero() || len(c.holds) == 0 {
		return
	}
	n := e.pol.VacateAfterLeavingMonths
	deadline := addMonths(DayOf(p.StatusDate), n)
	if !e.asOf.After(deadline) {
		return
	}
	ids := make([]uuid.UUID, len(c.holds))
	held := 0.0
	for j, h := range c.holds {
		ids[j] = o.Rooms[h.room].RoomID
		held += h.share
	}
	what, whatEN := "退休", "retired"
	if p.Status == PersonTransferred {
		what, whatEN = "调离", "was transferred"
	}
	f := c.base
	f.RuleID, f.Source = RuleNotVacatedAfterLeaving, SourceNotVacatedAfterLeaving
	f.RoomIDs, f.AreaM2, f.Deadline = ids, RoundM2(held), deadline
	f.Message = fmt.Sprintf("%s（%s）已于%s%s，办公用房%s腾退，至%s仍占用%d间。",
		p.Name, c.title, day(p.StatusDate), what, lastDayZH(deadline), day(e.asOf), len(ids))
	f.MessageEN = fmt.Sprintf("%s (%s) %s on %s; the rooms were due back %s and %d are still held on %s.",
		p.Name, c.title, whatEN, day(p.StatusDate), lastDayEN(deadline), len(ids), day(e.asOf))
	var b basis
	b.add(fmt.Sprintf("退休或调离后%d个月内腾退（vacate_after_leaving_months=%d）", n, n),
		fmt.Sprintf("vacated within %s of retirement or transfer (vacate_after_leaving_months=%d)", monthsEN(n), n))
	b.set(&f)
	e.add(f)
}

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

// agencyRules runs the rules whose subject is an agency.
func (e *evaluation) agencyRules() {
	snap, o := e.snap, e.o
	n := len(snap.Agencies)
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
	e.mergerRule()
	e.approvedAreaRule()
}

// mergerRule: agency.not_vacated_after_merger, for merged or abolished agencies past their deadline.
func (e *evaluation) mergerRule() {
	snap, o := e.snap, e.o
	due := make(map[int]time.Time)
	for i, a := range snap.Agencies {
		if (a.Status != AgencyMerged && a.Status != AgencyAbolished) || a.StatusDate.IsZero() {
			continue
		}
		if deadline := addMonths(DayOf(a.StatusDate), e.pol.VacateAfterMergerMonths); e.asOf.After(deadline) {
			due[i] = deadline
		}
	}
	if len(due) == 0 {
		return
	}
	rooms := make(map[int][]uuid.UUID, len(due))
	area := make(map[int]int64, len(due)) // hundredths of m²
	allocatedRooms := make(map[int]int, len(due))
	people := make(map[int]int, len(due))
	for _, r := range o.Rooms {
		if ai, ok := o.agency[r.AgencyID]; ok {
			if _, isDue := due[ai]; isDue {
				rooms[ai] = append(rooms[ai], r.RoomID)
				area[ai] += hundredths(r.AreaM2)
				allocatedRooms[ai]++
			}
		}
	}
	for k := range o.people {
		pc := &o.people[k]
		ai := int(pc.agency)
		if ai < 0 || pc.to == pc.from {
			continue
		}
		if _, isDue := due[ai]; !isDue {
			continue
		}
		people[ai]++
		for _, h := range o.holds[pc.from:pc.to] {
			rooms[ai] = append(rooms[ai], o.Rooms[h.room].RoomID)
		}
	}
	n := e.pol.VacateAfterMergerMonths
	grace, graceEN := fmt.Sprintf("撤并后%d个月内腾退", n), fmt.Sprintf("rooms are handed back within %s of it", monthsEN(n))
	if n == 0 {
		grace, graceEN = "撤并当日腾退", "rooms are handed back on that day"
	}
	var b basis
	b.add(fmt.Sprintf("机构撤并后%d个月内腾退，0为当日（vacate_after_merger_months=%d）", n, n),
		fmt.Sprintf("vacated within %s of a merger or abolition, 0 being that day (vacate_after_merger_months=%d)", monthsEN(n), n))
	for ai, deadline := range due { // order does not matter: findings are sorted
		if allocatedRooms[ai] == 0 && people[ai] == 0 {
			continue
		}
		a := &snap.Agencies[ai]
		ids := rooms[ai]
		slices.SortFunc(ids, compareID)
		ids = slices.Compact(ids)
		what, whatEN := "合并", "merged"
		if a.Status == AgencyAbolished {
			what, whatEN = "撤销", "abolished"
		}
		f := Finding{
			RuleID: RuleNotVacatedAfterMerger, Severity: SeverityViolation, Source: SourceNotVacatedAfterMerger,
			Subject: EntityAgency, SubjectID: a.ID, AgencyID: a.ID, RoomIDs: ids, AreaM2: m2Of(area[ai]), Deadline: deadline,
			Message: fmt.Sprintf("%s已于%s%s；按本地政策，%s，%s腾退原办公用房，至%s仍有%d间房间登记在该单位名下、%d人仍在使用办公用房。",
				a.Name, day(a.StatusDate), what, grace, lastDayZH(deadline), day(e.asOf), allocatedRooms[ai], people[ai]),
			MessageEN: fmt.Sprintf("%s was %s on %s; under the local policy %s, so the rooms were due back %s; on %s %d rooms are still allocated to it and %d of its people still hold rooms.",
				a.Name, whatEN, day(a.StatusDate), graceEN, lastDayEN(deadline), day(e.asOf), allocatedRooms[ai], people[ai]),
		}
		b.set(&f)
		e.add(f)
	}
}

// approvedAreaRule: agency.over_approved_area, the office space above the approved area at the survey
// precision, read as Policy.ApprovedAreaBasis says.
func (e *evaluation) approvedAreaRule() {
	gross := e.pol.ApprovedAreaBasis == ApprovedAreaGross
	ratio := strconv.FormatFloat(e.pol.UsableRatio, 'f', -1, 64)
	var b basis
	b.precision()
	if gross {
		b.add(fmt.Sprintf("核定面积为建筑面积，以使用面积÷使用面积系数%s折算后比较（approved_area_basis=gross，usable_ratio=%s）", ratio, ratio),
			fmt.Sprintf("the approved area is gross area, compared with usable area ÷ %s (approved_area_basis=gross, usable_ratio=%s)", ratio, ratio))
	} else {
		b.add("核定面积按使用面积比较（approved_area_basis=usable）", "the approved area is usable area (approved_area_basis=usable)")
	}
	for i, a := range e.snap.Agencies {
		apprH := hundredths(a.ApprovedAreaM2)
		if apprH <= 0 {
			continue
		}
		usableH := e.officeSpace[i]
		areaH := usableH
		if gross {
			areaH = hundredths(m2Of(usableH) / e.pol.UsableRatio)
		}
		if areaH <= apprH {
			continue
		}
		area, appr, ex := m2Of(areaH), m2Of(apprH), m2Of(areaH-apprH)
		p := ex / appr * 100
		f := Finding{
			RuleID: RuleOverApprovedArea, Severity: SeverityViolation, Source: SourceOverApprovedArea,
			Subject: EntityAgency, SubjectID: a.ID, AgencyID: a.ID,
			AreaM2: area, StandardM2: appr, ExcessM2: ex, ExcessPct: p,
			Message: fmt.Sprintf("%s使用办公用房%s平方米，超过核定面积%s平方米，超出%s平方米（%s）。",
				a.Name, m2(area), m2(appr), m2(ex), pctZH(p)),
			MessageEN: fmt.Sprintf("%s uses %s m² of office space against an approved %s m²: %s m² (%s) over.",
				a.Name, m2(area), m2(appr), m2(ex), pctEN(p)),
		}
		if gross {
			f.Message = fmt.Sprintf("%s办公用房使用面积%s平方米，按使用面积系数%s折合建筑面积%s平方米，超过核定面积%s平方米，超出%s平方米（%s）。",
				a.Name, m2(m2Of(usableH)), ratio, m2(area), m2(appr), m2(ex), pctZH(p))
			f.MessageEN = fmt.Sprintf("%s uses %s m² of usable office space, %s m² gross at a usable ratio of %s, against an approved %s m² (gross): %s m² (%s) over.",
				a.Name, m2(m2Of(usableH)), m2(area), ratio, m2(appr), m2(ex), pctEN(p))
		}
		b.set(&f)
		e.add(f)
	}
}

// roomRules runs the rules whose subject is a room.
func (e *evaluation) roomRules() {
	snap, o := e.snap, e.o
	n := e.pol.IdleMonths
	var b basis
	b.add(fmt.Sprintf("闲置满%d个月为问题（idle_months=%d）", n, n), fmt.Sprintf("idle for %s or more (idle_months=%d)", monthsEN(n), n))
	for k := range o.rooms {
		rc := &o.rooms[k]
		r := &snap.Rooms[rc.pos]
		if rc.active || !r.Usage.IsOfficeSpace() {
			continue
		}
		var since time.Time
		switch {
		case r.State == RoomIdle && !r.IdleSince.IsZero():
			since = r.IdleSince
		case r.Usage != UsageOffice || r.State == RoomLeased || r.State == RoomUnderRepair:
			continue
		case rc.assigned:
			since = rc.lastEnd // whatever became of the people who used it
		case !r.ValidFrom.IsZero():
			since = r.ValidFrom
		default:
			since = r.CreatedAt
		}
		if since.IsZero() {
			continue
		}
		since = DayOf(since)
		reached := addMonths(since, n)
		if e.asOf.Before(reached) {
			continue
		}
		f := Finding{
			RuleID: RuleIdle, Severity: SeverityViolation, Source: SourceIdle,
			Subject: EntityRoom, SubjectID: r.ID, AgencyID: r.AgencyID, RoomIDs: []uuid.UUID{r.ID},
			AreaM2: rc.area, Deadline: reached,
			Message: fmt.Sprintf("房间%s（%s平方米）自%s起闲置，于%s满%d个月，至%s仍闲置。",
				r.Number, m2(rc.area), day(since), day(reached), n, day(e.asOf)),
			MessageEN: fmt.Sprintf("Room %s (%s m²) has been idle since %s: %d months on %s, and still idle on %s.",
				r.Number, m2(rc.area), day(since), n, day(reached), day(e.asOf)),
		}
		b.set(&f)
		e.add(f)
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

// split states how a shared office is divided.
func (b *basis) split(p Policy) {
	if p.Split == SplitByStandard {
		b.add("共用办公室按各人标准面积比例分摊（split=by_standard）",
			"shared offices split in proportion to the occupants' standards (split=by_standard)")
		return
	}
	b.add("共用办公室按人数平均分摊（split=equal）", "shared offices split equally among their occupants (split=equal)")
}

// toilet states how a private toilet is read.
func (b *basis) toilet(p Policy) {
	if p.ToiletOnTop {
		b.add("专用卫生间在标准面积之外另计，以允许面积为限（toilet_on_top=true）",
			"a private toilet comes on top of the standard, up to its allowance (toilet_on_top=true)")
		return
	}
	b.add("专用卫生间计入标准面积（toilet_on_top=false）", "a private toilet counts inside the standard (toilet_on_top=false)")
}
