package floorplan

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The timeline of a property (履历): what happened to it, oldest first — acquired, built, registered or
// filed, renovated, allocated, leased, disposed. Automatic events come from officemap's own records: the
// history of the site (entered in the register; its registration state changed), of its buildings
// (entered), of its rooms (allocated to an agency, leased out) and its rooms' assignments (people placed in
// them). Manual events are recorded by the bureau through the Register (AddTimelineEvent), with documents.

// TimelineKind is what a timeline event records.
type TimelineKind string

// Timeline event kinds.
const (
	TimelineAcquired   TimelineKind = "acquired"   // 取得
	TimelineBuilt      TimelineKind = "built"      // 建成
	TimelineRegistered TimelineKind = "registered" // 登记
	TimelineFiled      TimelineKind = "filed"      // 备案
	TimelineRenovated  TimelineKind = "renovated"  // 维修改造
	TimelineAllocated  TimelineKind = "allocated"  // 分配使用
	TimelineLeased     TimelineKind = "leased"     // 出租出借
	TimelineDisposed   TimelineKind = "disposed"   // 处置
	TimelineOther      TimelineKind = "other"      // 其他
)

// TimelineKinds lists the kinds in display order.
var TimelineKinds = []TimelineKind{TimelineAcquired, TimelineBuilt, TimelineRegistered, TimelineFiled, TimelineRenovated,
	TimelineAllocated, TimelineLeased, TimelineDisposed, TimelineOther}

// Timeline event sources.
const (
	TimelineAuto   = "auto"
	TimelineManual = "manual"
)

// TimelineEvent is one event of a property's timeline.
type TimelineEvent struct {
	ID     uuid.UUID    `json:"id"`
	SiteID uuid.UUID    `json:"site_id"`
	Date   time.Time    `json:"date"`
	Kind   TimelineKind `json:"kind"`
	Source string       `json:"source"` // TimelineAuto or TimelineManual
	// Title is the sentence shown (zh-CN); TitleEN its English, empty for a manual event.
	Title   string `json:"title"`
	TitleEN string `json:"title_en"`
	Note    string `json:"note,omitempty"`
	// Entity and EntityID name the record the event is about: the site, or a building.
	Entity      Entity      `json:"entity"`
	EntityID    uuid.UUID   `json:"entity_id"`
	DocumentIDs []uuid.UUID `json:"document_ids"`
	RecordedBy  string      `json:"recorded_by"`
	RecordedAt  time.Time   `json:"recorded_at"`
}

// Validate checks a manual event: a known kind, a day, a title, its texts and document ids.
func (e *TimelineEvent) Validate() error {
	const rec = "timeline event"
	switch {
	case e.SiteID == uuid.Nil:
		return fieldError(rec, "site_id", FieldOutOfRange, "is required")
	case !slices.Contains(TimelineKinds, e.Kind):
		return fieldError(rec, "kind", FieldOutOfRange, "is %q, not one of acquired, built, registered, filed, renovated, allocated, leased, disposed, other", e.Kind)
	case e.Date.IsZero() || e.Date.Year() < 1900 || e.Date.Year() > 2200:
		return fieldError(rec, "date", FieldOutOfRange, "is required: a day YYYY-MM-DD from 1900 to 2200")
	case blank(e.Title):
		return fieldError(rec, "title", FieldOutOfRange, "is required")
	}
	if err := checkText(recordLabel{kind: rec}, "title", e.Title, TextRule{MaxRunes: nameRunes}); err != nil {
		return err
	}
	if err := checkText(recordLabel{kind: rec}, "note", e.Note, TextRule{MaxRunes: noteRunes, Lines: true}); err != nil {
		return err
	}
	return checkDocumentIDs(rec, e.DocumentIDs)
}

// TimelineReader is what BuildTimeline reads.
type TimelineReader interface {
	History(ctx context.Context, entity Entity, id uuid.UUID) ([]Change, error)
	Buildings(ctx context.Context, siteID uuid.UUID) ([]Building, error)
	Rooms(ctx context.Context, f RoomFilter) ([]Room, error)
	Assignments(ctx context.Context, f AssignmentFilter) ([]Assignment, error)
	RegistrationChanges(ctx context.Context, siteID uuid.UUID) ([]RegistrationChange, error)
	TimelineEvents(ctx context.Context, siteID uuid.UUID) ([]TimelineEvent, error)
}

// TimelineScope says what of a property a reader may see: the buildings and rooms (nil: all), and whether
// people's assignments count (they are personal data).
type TimelineScope struct {
	Building    func(id uuid.UUID) bool
	Room        func(r Room) bool
	Assignments bool
}

// BuildTimeline returns the timeline of site, oldest first: the automatic events of its history, its
// buildings' and rooms' (those in is shows), and its manual events. Room events of one day, kind and
// building are one event naming the rooms.
func BuildTimeline(ctx context.Context, r TimelineReader, site Site, in TimelineScope) ([]TimelineEvent, error) {
	t := timeline{site: site, groups: map[string]*roomGroup{}}
	changes, err := r.RegistrationChanges(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	t.stateEvents(changes)
	h, err := r.History(ctx, EntitySite, site.ID)
	if err != nil {
		return nil, err
	}
	t.siteEvents(h, changes)
	buildings, err := r.Buildings(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	for _, b := range buildings {
		if in.Building != nil && !in.Building(b.ID) {
			continue
		}
		if err := t.buildingEvents(ctx, r, b, in); err != nil {
			return nil, err
		}
	}
	t.flushGroups()
	manual, err := r.TimelineEvents(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range manual {
		e.Source = TimelineManual
		if e.DocumentIDs == nil {
			e.DocumentIDs = []uuid.UUID{}
		}
		t.out = append(t.out, e)
	}
	slices.SortStableFunc(t.out, func(a, b TimelineEvent) int {
		return cmp.Or(a.Date.Compare(b.Date), a.RecordedAt.Compare(b.RecordedAt))
	})
	return t.out, nil
}

// timeline collects the events of one property.
type timeline struct {
	site   Site
	out    []TimelineEvent
	groups map[string]*roomGroup
	order  []string
}

// roomGroup is the room events of one day, kind and building.
type roomGroup struct {
	ev    TimelineEvent
	rooms []string
	what  [2]string // zh-CN, English
}

// timelineNS makes the ids of automatic events: the same event has the same id on every read.
var timelineNS = uuid.MustParse("6f1c8f5e-3a0b-4b7e-9d51-2c4e1a7b9f30")

// auto returns an automatic event of the site.
func (t *timeline) auto(c Change, kind TimelineKind, entity Entity, id uuid.UUID, title, titleEN string) TimelineEvent {
	day := c.Effective
	if day.IsZero() {
		day = DayOf(c.At)
	}
	return TimelineEvent{ID: uuid.NewSHA1(timelineNS, fmt.Appendf(nil, "%s/%s/%s/%s/%d", kind, entity, id, day.Format(DateLayout), c.At.UnixNano())),
		SiteID: t.site.ID, Date: day, Kind: kind, Source: TimelineAuto, Title: title, TitleEN: titleEN, Note: c.Reason,
		Entity: entity, EntityID: id, DocumentIDs: []uuid.UUID{}, RecordedBy: c.Actor, RecordedAt: c.At}
}

// stateKind is the kind of the event of a change to state s.
func stateKind(s OwnershipStatus) TimelineKind {
	switch s {
	case OwnershipRegistered:
		return TimelineRegistered
	case OwnershipFiled:
		return TimelineFiled
	}
	return TimelineOther
}

// stateEvents: each recorded change of the registration state.
func (t *timeline) stateEvents(changes []RegistrationChange) {
	for _, c := range changes {
		zh, en := OwnershipName(c.State)
		t.out = append(t.out, t.auto(Change{Effective: c.Effective, At: c.RecordedAt, Actor: c.RecordedBy, Reason: c.Reason},
			stateKind(c.State), EntitySite, t.site.ID, "权属状态变为"+zh, "Registration state now "+en))
	}
}

// siteEvents: the site entered (acquired), and each change of its ownership in its history that no
// recorded registration change of the same state and day stands for (a change made by editing the site).
func (t *timeline) siteEvents(h []Change, changes []RegistrationChange) {
	recorded := func(s OwnershipStatus, day time.Time) bool {
		return slices.ContainsFunc(changes, func(c RegistrationChange) bool { return c.State == s && c.Effective.Equal(day) })
	}
	for _, c := range h {
		var old, cur struct {
			Name      string          `json:"name"`
			Ownership OwnershipStatus `json:"ownership"`
		}
		_ = json.Unmarshal(c.Old, &old)
		_ = json.Unmarshal(c.New, &cur)
		switch {
		case c.Op == "insert":
			t.out = append(t.out, t.auto(c, TimelineAcquired, EntitySite, c.EntityID,
				"房产记入登记册："+cur.Name, "Property entered in the register: "+cur.Name))
		case c.Op == "update" && old.Ownership != cur.Ownership && cur.Ownership != "" && !recorded(cur.Ownership, c.Effective):
			zh, en := OwnershipName(cur.Ownership)
			t.out = append(t.out, t.auto(c, stateKind(cur.Ownership), EntitySite, c.EntityID, "权属状态变为"+zh, "Registration state now "+en))
		}
	}
}

// buildingEvents: the building entered (built), and its rooms' allocations, leases and assignments.
func (t *timeline) buildingEvents(ctx context.Context, r TimelineReader, b Building, in TimelineScope) error {
	h, err := r.History(ctx, EntityBuilding, b.ID)
	if err != nil {
		return err
	}
	for _, c := range h {
		if c.Op == "insert" {
			t.out = append(t.out, t.auto(c, TimelineBuilt, EntityBuilding, b.ID, "建筑记入登记册："+b.Name, "Building entered in the register: "+b.Name))
		}
	}
	rooms, err := r.Rooms(ctx, RoomFilter{BuildingID: b.ID})
	if err != nil {
		return err
	}
	for _, room := range rooms {
		if in.Room != nil && !in.Room(room) {
			continue
		}
		rh, err := r.History(ctx, EntityRoom, room.ID)
		if err != nil {
			return err
		}
		t.roomEvents(b, room, rh)
		if !in.Assignments {
			continue
		}
		as, err := r.Assignments(ctx, AssignmentFilter{RoomID: room.ID})
		if err != nil {
			return err
		}
		for _, a := range as {
			t.group(Change{Effective: a.Start, At: a.Start}, TimelineAllocated, b, room.Number, [2]string{"安排人员使用", "assigned to staff"})
		}
	}
	return nil
}

// roomEvents adds a room's allocations to an agency and its leases.
func (t *timeline) roomEvents(b Building, room Room, h []Change) {
	type image struct {
		State    RoomState `json:"state"`
		AgencyID *string   `json:"agency_id"`
	}
	agency := func(im image) string {
		if im.AgencyID == nil || *im.AgencyID == uuid.Nil.String() {
			return ""
		}
		return *im.AgencyID
	}
	for _, c := range h {
		if c.Op == "delete" {
			continue
		}
		var old, cur image
		_ = json.Unmarshal(c.Old, &old)
		_ = json.Unmarshal(c.New, &cur)
		if a := agency(cur); a != "" && a != agency(old) {
			t.group(c, TimelineAllocated, b, room.Number, [2]string{"分配给使用单位", "allocated to an agency"})
		}
		if cur.State == RoomLeased && old.State != RoomLeased {
			t.group(c, TimelineLeased, b, room.Number, [2]string{"出租出借", "leased or lent out"})
		}
	}
}

// group adds a room to the event of its day, kind and building.
func (t *timeline) group(c Change, kind TimelineKind, b Building, number string, what [2]string) {
	ev := t.auto(Change{Effective: c.Effective, At: c.At, Actor: c.Actor}, kind, EntityBuilding, b.ID, "", "")
	key := ev.Date.Format(DateLayout) + "/" + string(kind) + "/" + what[1] + "/" + b.ID.String()
	g, ok := t.groups[key]
	if !ok {
		ev.ID = uuid.NewSHA1(timelineNS, []byte(key))
		g = &roomGroup{ev: ev, what: what}
		g.ev.Note = ""
		g.ev.Title = b.Name
		t.groups[key] = g
		t.order = append(t.order, key)
	}
	if !slices.Contains(g.rooms, number) {
		g.rooms = append(g.rooms, number)
	}
}

// flushGroups turns the room groups into events: "building: rooms 101, 102 allocated to an agency".
func (t *timeline) flushGroups() {
	for _, key := range t.order {
		g := t.groups[key]
		slices.Sort(g.rooms)
		list, n := g.rooms, len(g.rooms)
		if n > 5 {
			list = list[:5]
		}
		zh, en := strings.Join(list, "、"), strings.Join(list, ", ")
		if n > 5 {
			zh += fmt.Sprintf(" 等 %d 间", n)
			en += fmt.Sprintf(" and %d more", n-5)
		}
		g.ev.TitleEN = fmt.Sprintf("%s: room %s %s", g.ev.Title, en, g.what[1])
		g.ev.Title = fmt.Sprintf("%s：房间 %s %s", g.ev.Title, zh, g.what[0])
		t.out = append(t.out, g.ev)
	}
}

// OwnershipName returns the name of a registration state in zh-CN and English.
func OwnershipName(s OwnershipStatus) (string, string) {
	switch s {
	case OwnershipRegistered:
		return "已登记", "registered"
	case OwnershipToRegister:
		return "待登记", "to register"
	case OwnershipFiling:
		return "备案办理中", "filing in progress"
	case OwnershipFiled:
		return "已备案", "filed"
	case OwnershipUnclear:
		return "权属不清", "title unclear"
	case OwnershipDisputed:
		return "有争议", "disputed"
	}
	return string(s), string(s)
}
