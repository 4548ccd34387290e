package floorplan

// The findings engine: the automated inspection (督查). Each rule has an id, a legal source and a sentence
// in Chinese and English; Evaluate runs them all on a Snapshot as of its day.

import (
	"cmp"
	"fmt"
	"slices"
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
	// RuleOverStandard: a person's office area is above their standard.
	RuleOverStandard   = "person.over_standard"
	SourceOverStandard = Standard2014Source // a local row's own Source is used when it applies

	// RulePrivateToilet: a private toilet for a rank the standard does not name, or larger than allowed.
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
	// Deadline is the last compliant day of a time-limited duty (vacating), or the day a room reached
	// the idle period; zero for the others.
	Deadline time.Time `json:"deadline,omitzero"`
	// Action and ActionZH are the tolerance band's action for an over-standard person, if any.
	Action    string `json:"action,omitempty"`
	ActionZH  string `json:"action_zh,omitempty"`
	Source    string `json:"source"`
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
	// StandardAreaM2 is the sum of its people's standards (those with one).
	StandardAreaM2 float64 `json:"standard_area_m2"`
	// OfficeSpaceAreaM2 is the area of the office-space rooms allocated to it (Usage.IsOfficeSpace),
	// the figure compared with ApprovedAreaM2.
	OfficeSpaceAreaM2 float64 `json:"office_space_area_m2"`
	ApprovedAreaM2    float64 `json:"approved_area_m2"`
	Findings          int     `json:"findings"`
}

// Report is the outcome of Evaluate: the findings and the state of every room, person and agency.
type Report struct {
	AsOf     time.Time      `json:"as_of"`
	Policy   Policy         `json:"policy"`
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
// that ended assignments date a room's last use for the idle rule). Deadlines are calendar months after
// the triggering day, clamped to the month's end (31 January + 1 month = 28/29 February); the deadline
// day itself is compliant and the day after is a finding. The output is sorted and does not depend on
// the order of the snapshot's slices; nothing reads the clock.
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
	officeSpace []float64 // area of the office-space rooms allocated to it
	allocated   []int     // number of rooms allocated to it
}

func (e *evaluation) add(f Finding) {
	if f.RoomIDs == nil {
		f.RoomIDs = []uuid.UUID{}
	}
	slices.SortFunc(f.RoomIDs, compareID)
	e.findings = append(e.findings, f)
}

// personRules runs the rules whose subject is a person.
func (e *evaluation) personRules() {
	snap, o := e.snap, e.o
	// Scratch lists, reused from person to person and copied into a finding only when there is one.
	var counted, toilets, offices []uuid.UUID
	for k := range o.people {
		pc := &o.people[k]
		p := &snap.People[pc.pos]
		holds := o.holds[pc.from:pc.to]
		title := o.rankTitle(k)
		base := Finding{Subject: EntityPerson, SubjectID: p.ID, AgencyID: p.AgencyID, PersonID: p.ID, Severity: SeverityViolation}

		// Office area: the rooms counted in it.
		counted, toilets = counted[:0], toilets[:0]
		for _, h := range holds {
			if !h.main || !h.use.counted() {
				continue
			}
			id := o.Rooms[h.room].RoomID
			counted = append(counted, id)
			if h.use == useToilet {
				toilets = append(toilets, id)
			}
		}
		area := pc.office + pc.toilet

		switch {
		case pc.over:
			f := base
			f.RuleID, f.Source = RuleOverStandard, pc.row.Source
			f.RoomIDs = slices.Clone(counted)
			f.AreaM2, f.StandardM2, f.ExcessM2, f.ExcessPct = area, pc.limit, pc.excess, pc.pct
			f.Message = fmt.Sprintf("%s（%s）办公室使用面积%s平方米，超过标准%s平方米，超标%s平方米（%s%%）。",
				p.Name, title, m2(area), m2(pc.limit), m2(pc.excess), pct(pc.pct))
			f.MessageEN = fmt.Sprintf("%s (%s) uses %s m² of office space against a standard of %s m²: %s m² (%s%%) over.",
				p.Name, title, m2(area), m2(pc.limit), m2(pc.excess), pct(pc.pct))
			if b, ok := e.pol.band(pc.pct); ok {
				f.Action, f.ActionZH = b.Action, b.ActionZH
				if b.Tolerated {
					f.Severity = SeverityTolerated
				}
				f.Message += b.ActionZH + "。"
				f.MessageEN += " " + b.Action + "."
			}
			e.add(f)
		case !pc.hasRow && area > 0:
			f := base
			f.RuleID, f.Source, f.Severity = RuleNoStandard, SourceNoStandard, SeverityNotice
			f.RoomIDs, f.AreaM2 = slices.Clone(counted), area
			if pc.agency < 0 {
				f.Message = fmt.Sprintf("%s所属单位不在登记中，无法确定其办公用房面积标准。", p.Name)
				f.MessageEN = fmt.Sprintf("%s's agency is not in the register: no space standard can be chosen.", p.Name)
			} else {
				scale := snap.Agencies[pc.agency].StandardScale()
				hint, hintEN := "", ""
				if scale == LevelTownship {
					hint, hintEN = "乡级机关标准由省级人民政府规定，请录入地方标准。", " Township figures are set by the province: add local standard rows."
				}
				f.Message = fmt.Sprintf("%s（%s）在%s没有施行中的办公室面积标准，无法判断是否超标。%s",
					p.Name, title, LevelTitle(scale), hint)
				f.MessageEN = fmt.Sprintf("%s (%s) has no space standard in force at %s agencies; over-standard use cannot be judged.%s",
					p.Name, title, scale, hintEN)
			}
			e.add(f)
		}

		// Private toilet: only the ranks the standard names, at most their allowance.
		if pc.hasRow && pc.toilet > pc.row.ToiletAllowanceM2+AreaEpsilonM2 {
			f := base
			f.RuleID, f.Source = RulePrivateToilet, SourcePrivateToilet
			f.RoomIDs = slices.Clone(toilets)
			f.AreaM2, f.StandardM2, f.ExcessM2 = pc.toilet, pc.row.ToiletAllowanceM2, pc.toilet-pc.row.ToiletAllowanceM2
			if pc.row.ToiletAllowanceM2 > 0 {
				f.ExcessPct = f.ExcessM2 / pc.row.ToiletAllowanceM2 * 100
				f.Message = fmt.Sprintf("%s（%s）专用卫生间%s平方米，超过允许的%s平方米。",
					p.Name, title, m2(pc.toilet), m2(pc.row.ToiletAllowanceM2))
				f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m², above the %s m² allowed.",
					p.Name, title, m2(pc.toilet), m2(pc.row.ToiletAllowanceM2))
			} else {
				f.Message = fmt.Sprintf("%s（%s）配有专用卫生间%s平方米，该职级按标准不得配备专用卫生间。",
					p.Name, title, m2(pc.toilet))
				f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m²; the standard allows none at this rank.",
					p.Name, title, m2(pc.toilet))
			}
			e.add(f)
		}

		// One office per official; further offices only as approved second offices.
		offices = offices[:0]
		mains, unapproved, officeArea := 0, 0, 0.0
		for _, h := range holds {
			if h.use != useOffice {
				continue
			}
			offices = append(offices, o.Rooms[h.room].RoomID)
			officeArea += h.share
			if h.main {
				mains++
			} else if snap.Assignments[h.asg].ApprovalRef == "" {
				unapproved++
			}
		}
		if len(offices) > 1 && (mains > 1 || unapproved > 0) {
			f := base
			f.RuleID, f.Source = RuleMultipleOffices, SourceMultipleOffices
			f.RoomIDs, f.AreaM2 = slices.Clone(offices), officeArea
			f.Message = fmt.Sprintf("%s（%s）同时使用%d间办公室（主办公室%d间，未经批准的兼职办公室%d间），应一人一处办公室，兼职办公室须经批准。",
				p.Name, title, len(offices), mains, unapproved)
			f.MessageEN = fmt.Sprintf("%s (%s) uses %d offices (%d main, %d second without approval); one office per official, a second one only with approval.",
				p.Name, title, len(offices), mains, unapproved)
			e.add(f)
		}

		for _, h := range holds {
			r := &o.Rooms[h.room]
			// An approved second office must be smaller than the standard.
			if h.notSmaller {
				f := base
				f.RuleID, f.Source = RuleSecondOfficeNotSmaller, SourceSecondOfficeNotSmaller
				f.RoomIDs = []uuid.UUID{r.RoomID}
				f.AreaM2, f.StandardM2 = h.share, pc.row.AreaM2
				f.ExcessM2 = max(0, h.share-pc.row.AreaM2)
				f.ExcessPct = f.ExcessM2 / pc.row.AreaM2 * 100
				f.Message = fmt.Sprintf("%s（%s）的兼职办公室%s使用面积%s平方米，不小于其标准%s平方米；兼职办公室面积应小于标准。",
					p.Name, title, r.Number, m2(h.share), m2(pc.row.AreaM2))
				f.MessageEN = fmt.Sprintf("%s (%s) has a second office %s of %s m², not smaller than the standard of %s m²; a second office must be smaller.",
					p.Name, title, r.Number, m2(h.share), m2(pc.row.AreaM2))
				e.add(f)
			}
			// A second office is vacated within the period after the concurrent post ends.
			if !h.main {
				a := &snap.Assignments[h.asg]
				if post, ok := findPost(p.Posts, a.PostID); ok && !post.End.IsZero() {
					deadline := addMonths(DayOf(post.End), e.pol.VacateAfterConcurrentPostMonths)
					if e.asOf.After(deadline) {
						f := base
						f.RuleID, f.Source = RuleNotVacatedAfterConcurrentPost, SourceNotVacatedAfterConcurrentPost
						f.RoomIDs, f.AreaM2, f.Deadline = []uuid.UUID{r.RoomID}, h.share, deadline
						f.Message = fmt.Sprintf("%s已于%s卸任兼职“%s”，兼职办公室%s应于%s前腾退，至%s仍未腾退。",
							p.Name, day(post.End), post.Title, r.Number, day(deadline), day(e.asOf))
						f.MessageEN = fmt.Sprintf("%s left the concurrent post %q on %s; second office %s was due back by %s and is still held on %s.",
							p.Name, post.Title, day(post.End), r.Number, day(deadline), day(e.asOf))
						e.add(f)
					}
				}
			}
		}

		// Retired or transferred: rooms recovered within the period.
		if (p.Status == PersonRetired || p.Status == PersonTransferred) && !p.StatusDate.IsZero() && len(holds) > 0 {
			deadline := addMonths(DayOf(p.StatusDate), e.pol.VacateAfterLeavingMonths)
			if e.asOf.After(deadline) {
				ids := make([]uuid.UUID, len(holds))
				held := 0.0
				for j, h := range holds {
					ids[j] = o.Rooms[h.room].RoomID
					held += h.share
				}
				what, whatEN := "退休", "retired"
				if p.Status == PersonTransferred {
					what, whatEN = "调离", "was transferred"
				}
				f := base
				f.RuleID, f.Source = RuleNotVacatedAfterLeaving, SourceNotVacatedAfterLeaving
				f.RoomIDs, f.AreaM2, f.Deadline = ids, held, deadline
				f.Message = fmt.Sprintf("%s（%s）已于%s%s，应于%s前腾退办公用房，至%s仍占用%d间。",
					p.Name, title, day(p.StatusDate), what, day(deadline), day(e.asOf), len(ids))
				f.MessageEN = fmt.Sprintf("%s (%s) %s on %s; the rooms were due back by %s and %d are still held on %s.",
					p.Name, title, whatEN, day(p.StatusDate), day(deadline), len(ids), day(e.asOf))
				e.add(f)
			}
		}
	}
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
	officeSpace := make([]float64, n)
	allocated := make([]int, n)
	for k := range o.rooms { // live rooms, in a fixed order
		r := &o.Rooms[k]
		ai, ok := o.agency[r.AgencyID]
		if !ok {
			continue
		}
		allocated[ai]++
		if r.Usage.IsOfficeSpace() {
			officeSpace[ai] += r.AreaM2
		}
	}
	e.officeSpace, e.allocated = officeSpace, allocated

	// Merged or abolished agencies past their deadline.
	due := make(map[int]time.Time)
	for i, a := range snap.Agencies {
		if (a.Status != AgencyMerged && a.Status != AgencyAbolished) || a.StatusDate.IsZero() {
			continue
		}
		if deadline := addMonths(DayOf(a.StatusDate), e.pol.VacateAfterMergerMonths); e.asOf.After(deadline) {
			due[i] = deadline
		}
	}
	if len(due) > 0 {
		rooms := make(map[int][]uuid.UUID, len(due))
		area := make(map[int]float64, len(due))
		allocatedRooms := make(map[int]int, len(due))
		people := make(map[int]int, len(due))
		for _, r := range o.Rooms {
			if ai, ok := o.agency[r.AgencyID]; ok {
				if _, isDue := due[ai]; isDue {
					rooms[ai] = append(rooms[ai], r.RoomID)
					area[ai] += r.AreaM2
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
			e.add(Finding{
				RuleID: RuleNotVacatedAfterMerger, Severity: SeverityViolation, Source: SourceNotVacatedAfterMerger,
				Subject: EntityAgency, SubjectID: a.ID, AgencyID: a.ID, RoomIDs: ids, AreaM2: area[ai], Deadline: deadline,
				Message: fmt.Sprintf("%s已于%s%s，应于%s前腾退原办公用房，至%s仍有%d间房间登记在该单位名下、%d人仍在使用办公用房。",
					a.Name, day(a.StatusDate), what, day(deadline), day(e.asOf), allocatedRooms[ai], people[ai]),
				MessageEN: fmt.Sprintf("%s was %s on %s and was due to vacate by %s; on %s %d rooms are still allocated to it and %d of its people still hold rooms.",
					a.Name, whatEN, day(a.StatusDate), day(deadline), day(e.asOf), allocatedRooms[ai], people[ai]),
			})
		}
	}

	// Office space above the approved area.
	for i, a := range snap.Agencies {
		if a.ApprovedAreaM2 <= 0 {
			continue
		}
		ex := officeSpace[i] - a.ApprovedAreaM2
		if ex <= AreaEpsilonM2 {
			continue
		}
		p := ex / a.ApprovedAreaM2 * 100
		e.add(Finding{
			RuleID: RuleOverApprovedArea, Severity: SeverityViolation, Source: SourceOverApprovedArea,
			Subject: EntityAgency, SubjectID: a.ID, AgencyID: a.ID,
			AreaM2: officeSpace[i], StandardM2: a.ApprovedAreaM2, ExcessM2: ex, ExcessPct: p,
			Message: fmt.Sprintf("%s使用办公用房%s平方米，超过核定面积%s平方米，超出%s平方米（%s%%）。",
				a.Name, m2(officeSpace[i]), m2(a.ApprovedAreaM2), m2(ex), pct(p)),
			MessageEN: fmt.Sprintf("%s uses %s m² of office space against an approved %s m²: %s m² (%s%%) over.",
				a.Name, m2(officeSpace[i]), m2(a.ApprovedAreaM2), m2(ex), pct(p)),
		})
	}
}

// roomRules runs the rules whose subject is a room.
func (e *evaluation) roomRules() {
	snap, o := e.snap, e.o
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
			since = rc.lastEnd
		default:
			since = r.CreatedAt
		}
		if since.IsZero() {
			continue
		}
		since = DayOf(since)
		reached := addMonths(since, e.pol.IdleMonths)
		if e.asOf.Before(reached) {
			continue
		}
		e.add(Finding{
			RuleID: RuleIdle, Severity: SeverityViolation, Source: SourceIdle,
			Subject: EntityRoom, SubjectID: r.ID, AgencyID: r.AgencyID, RoomIDs: []uuid.UUID{r.ID},
			AreaM2: rc.area, Deadline: reached,
			Message: fmt.Sprintf("房间%s（%s平方米）自%s起闲置，至%s已满%d个月。",
				r.Number, m2(rc.area), day(since), day(e.asOf), e.pol.IdleMonths),
			MessageEN: fmt.Sprintf("Room %s (%s m²) has been idle since %s: %d months or more on %s.",
				r.Number, m2(rc.area), day(since), e.pol.IdleMonths, day(e.asOf)),
		})
	}
}

// totals sums up each agency.
func (e *evaluation) totals() []AgencyTotals {
	snap, o := e.snap, e.o
	out := make([]AgencyTotals, len(snap.Agencies))
	for i, a := range snap.Agencies {
		out[i] = AgencyTotals{
			AgencyID: a.ID, Name: a.Name, Rooms: e.allocated[i], OfficeSpaceAreaM2: e.officeSpace[i],
			ApprovedAreaM2: a.ApprovedAreaM2,
		}
	}
	for _, p := range o.People { // in a fixed order, so that the sums do not depend on the snapshot's
		ai, ok := o.agency[p.AgencyID]
		if !ok {
			continue
		}
		t := &out[ai]
		t.People++
		t.OfficeAreaM2 += p.OfficeAreaM2
		t.StandardAreaM2 += p.StandardM2
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

func m2(v float64) string  { return fmt.Sprintf("%.2f", v) }
func pct(v float64) string { return fmt.Sprintf("%.1f", v) }
func day(t time.Time) string {
	return t.Format(DateLayout)
}
