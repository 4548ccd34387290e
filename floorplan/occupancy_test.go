package floorplan

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// world builds small snapshots for tests, with ids that are deterministic and readable (…0001, …0002).
type world struct {
	snap Snapshot
	next uint64
}

func newWorld(asOf time.Time) *world { return &world{snap: Snapshot{AsOf: asOf}} }

func (w *world) id() uuid.UUID {
	w.next++
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], w.next)
	return id
}

// rect is a w × h metre rectangle at the origin: its area is w·h.
func rect(wm, hm float64) orb.Polygon {
	return orb.Polygon{{{0, 0}, {wm, 0}, {wm, hm}, {0, hm}, {0, 0}}}
}

func (w *world) agency(level AdminLevel, mods ...func(*Agency)) uuid.UUID {
	a := Agency{ID: w.id(), Name: "单位" + string(level), Level: level, Status: AgencyActive}
	for _, m := range mods {
		m(&a)
	}
	w.snap.Agencies = append(w.snap.Agencies, a)
	return a.ID
}

func (w *world) room(agency uuid.UUID, usage Usage, area float64, mods ...func(*Room)) uuid.UUID {
	r := Room{
		ID: w.id(), FloorID: uuid.MustParse("00000000-0000-0000-0000-0000000f1000"), Usage: usage, AgencyID: agency,
		State: RoomInUse, Geometry: rect(1, area), CreatedAt: Day(2015, time.January, 1),
	}
	r.Number = "R" + r.ID.String()[32:]
	for _, m := range mods {
		m(&r)
	}
	w.snap.Rooms = append(w.snap.Rooms, r)
	return r.ID
}

func (w *world) person(agency uuid.UUID, rank Rank, mods ...func(*Person)) uuid.UUID {
	p := Person{ID: w.id(), AgencyID: agency, Rank: rank, Status: PersonActive}
	p.Name = "人员" + p.ID.String()[32:]
	for _, m := range mods {
		m(&p)
	}
	w.snap.People = append(w.snap.People, p)
	return p.ID
}

func (w *world) assign(person, room uuid.UUID, kind AssignmentKind, start time.Time, mods ...func(*Assignment)) uuid.UUID {
	a := Assignment{ID: w.id(), PersonID: person, RoomID: room, Kind: kind, Start: start}
	for _, m := range mods {
		m(&a)
	}
	w.snap.Assignments = append(w.snap.Assignments, a)
	return a.ID
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSplitRoom(t *testing.T) {
	room := uuid.MustParse("00000000-0000-0000-0000-0000000000aa")
	a := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	b := uuid.MustParse("00000000-0000-0000-0000-000000000002")
	c := uuid.MustParse("00000000-0000-0000-0000-000000000003")
	tests := []struct {
		name      string
		area      float64
		occupants []uuid.UUID
		standards map[uuid.UUID]float64
		policy    SplitPolicy
		want      []float64 // shares in person-id order
	}{
		{"private office", 24, []uuid.UUID{a}, nil, SplitEqual, []float64{24}},
		{"equal split, 3 in 27", 27, []uuid.UUID{c, a, b}, nil, SplitEqual, []float64{9, 9, 9}},
		{"empty policy is equal", 28, []uuid.UUID{a, b}, nil, "", []float64{14, 14}},
		{"duplicates counted once", 18, []uuid.UUID{a, a, b}, nil, SplitEqual, []float64{9, 9}},
		{"by standard", 33, []uuid.UUID{a, b}, map[uuid.UUID]float64{a: 24, b: 9}, SplitByStandard, []float64{24, 9}},
		{"by standard, scaled", 66, []uuid.UUID{b, a}, map[uuid.UUID]float64{a: 24, b: 9}, SplitByStandard, []float64{48, 18}},
		{"by standard without a standard falls back to equal", 30, []uuid.UUID{a, b}, map[uuid.UUID]float64{a: 24}, SplitByStandard, []float64{15, 15}},
		{"nobody", 30, nil, nil, SplitEqual, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitRoom(room, tt.area, tt.occupants, tt.standards, tt.policy)
			if len(got) != len(tt.want) {
				t.Fatalf("%d shares, want %d: %+v", len(got), len(tt.want), got)
			}
			sum := 0.0
			for i, s := range got {
				if i > 0 && compareID(got[i-1].PersonID, s.PersonID) >= 0 {
					t.Errorf("shares not in person-id order: %+v", got)
				}
				if s.RoomID != room || !near(s.AreaM2, tt.want[i]) {
					t.Errorf("share %d = %+v, want %v m²", i, s, tt.want[i])
				}
				sum += s.AreaM2
			}
			if len(got) > 0 && !near(sum, tt.area) {
				t.Errorf("shares add up to %v, want %v", sum, tt.area)
			}
		})
	}
	t.Run("does not reorder the caller's slice", func(t *testing.T) {
		in := []uuid.UUID{c, a, b}
		SplitRoom(room, 27, in, nil, SplitEqual)
		if in[0] != c || in[1] != a || in[2] != b {
			t.Fatalf("occupants reordered: %v", in)
		}
	})
}

// TestOccupancy checks per-person area, per-room status and the standards they are compared with.
// Each case is one person of a given rank with a main assignment to one room; others adds what else
// the register holds (room mates, extra rooms, local tables).
func TestOccupancy(t *testing.T) {
	on := Day(2024, time.June, 1)
	start := Day(2023, time.January, 1)
	toiletOnTop := func(p *Policy) { p.ToiletOnTop = true }
	// mates adds n people of a rank in the room, each with a main assignment from start.
	mates := func(n int, rank Rank, mods ...func(*Person)) func(w *world, ag, room, person uuid.UUID) {
		return func(w *world, ag, room, _ uuid.UUID) {
			for range n {
				w.assign(w.person(ag, rank, mods...), room, AssignMain, start)
			}
		}
	}
	// alsoRoom gives the person a second room of a usage and area.
	alsoRoom := func(usage Usage, area float64, kind AssignmentKind, mods ...func(*Assignment)) func(w *world, ag, room, person uuid.UUID) {
		return func(w *world, ag, _, person uuid.UUID) {
			w.assign(person, w.room(ag, usage, area), kind, start, mods...)
		}
	}
	// mate adds one staff member in the room, with a main assignment starting from.
	mate := func(from time.Time, mods ...func(*Assignment)) func(w *world, ag, room, person uuid.UUID) {
		return func(w *world, ag, room, _ uuid.UUID) {
			w.assign(w.person(ag, RankStaff), room, AssignMain, from, mods...)
		}
	}
	type want struct {
		area, standard, excess float64
		status                 RoomStatus
	}
	tests := []struct {
		name   string
		policy func(*Policy)
		level  AdminLevel
		scale  AdminLevel // the agency's Scale, if any
		usage  Usage      // of the person's room; office if empty
		area   float64    // of the person's room
		rank   Rank
		others func(w *world, ag, room, person uuid.UUID)
		person want
		room   RoomStatus
	}{
		{name: "exactly at the limit is compliant", level: LevelMunicipal, area: 9, rank: RankStaff,
			person: want{9, 9, 0, StatusCompliant}, room: StatusCompliant},
		{name: "0.01 m² over is over", level: LevelMunicipal, area: 9.01, rank: RankStaff,
			person: want{9.01, 9, 0.01, StatusOverStandard}, room: StatusOverStandard},
		{name: "3 staff in 27 m² are compliant", level: LevelCounty, area: 27, rank: RankStaff,
			others: mates(2, RankStaff), person: want{9, 9, 0, StatusCompliant}, room: StatusCompliant},
		{name: "3 staff in 28 m² are over", level: LevelCounty, area: 28, rank: RankStaff, others: mates(2, RankStaff),
			person: want{9.33, 9, 0.33, StatusOverStandard}, room: StatusOverStandard}, // 28 / 3 = 9.333… surveyed as 9.33
		{name: "equal split puts the staff member over", level: LevelMunicipal, area: 33, rank: RankStaff,
			others: mates(1, RankDivision), person: want{16.5, 9, 7.5, StatusOverStandard}, room: StatusOverStandard},
		{name: "split by standard keeps both within", policy: func(p *Policy) { p.Split = SplitByStandard },
			level: LevelMunicipal, area: 33, rank: RankStaff, others: mates(1, RankDivision),
			person: want{9, 9, 0, StatusCompliant}, room: StatusCompliant},
		{name: "a rest room counts inside the limit", level: LevelMunicipal, area: 36, rank: RankBureau,
			others: alsoRoom(UsageRestRoom, 8, AssignMain), person: want{44, 42, 2, StatusOverStandard}, room: StatusOverStandard},
		{name: "without the rest room the same office is within", level: LevelMunicipal, area: 36, rank: RankBureau,
			person: want{36, 42, 0, StatusCompliant}, room: StatusCompliant},
		// 市级正职: 42 m², toilet allowed
		{name: "private toilet of an eligible rank, inside the limit (default)", level: LevelMunicipal, area: 40, rank: RankBureau,
			others: alsoRoom(UsageToilet, 5, AssignMain), person: want{45, 42, 3, StatusOverStandard}, room: StatusOverStandard},
		{name: "private toilet of an eligible rank, on top", policy: toiletOnTop, level: LevelMunicipal, area: 40, rank: RankBureau,
			others: alsoRoom(UsageToilet, 5, AssignMain), person: want{45, 47, 0, StatusCompliant}, room: StatusCompliant},
		{name: "on top, the allowance is capped at 6 m²", policy: toiletOnTop, level: LevelMunicipal, area: 42, rank: RankBureau,
			others: alsoRoom(UsageToilet, 8, AssignMain), person: want{50, 48, 2, StatusOverStandard}, room: StatusOverStandard},
		// 市级副职: 30 m², no toilet
		{name: "private toilet of a rank with no allowance, on top", policy: toiletOnTop, level: LevelMunicipal, area: 28, rank: RankViceBureau,
			others: alsoRoom(UsageToilet, 4, AssignMain), person: want{32, 30, 2, StatusOverStandard}, room: StatusOverStandard},
		{name: "a second office is not added to the main office", level: LevelMunicipal, area: 20, rank: RankDivision,
			others: alsoRoom(UsageOffice, 12, AssignSecond, func(a *Assignment) { a.ApprovalRef = "常办〔2023〕1号" }),
			person: want{20, 24, 0, StatusCompliant}, room: StatusCompliant},
		{name: "a meeting room is not office", level: LevelMunicipal, usage: UsageService, area: 60, rank: RankStaff,
			person: want{0, 9, 0, StatusCompliant}, room: StatusNonOffice},
		{name: "township without a local table", level: LevelTownship, area: 9, rank: RankStaff,
			person: want{9, 0, 0, StatusNoStandard}, room: StatusNoStandard},
		{name: "township with a local table", level: LevelTownship, area: 9, rank: RankStaff,
			others: func(w *world, _, _, _ uuid.UUID) {
				w.snap.StandardRows = []StandardRow{localRow(LevelTownship, RankStaff, 9, Day(2016, 1, 1))}
			},
			person: want{9, 9, 0, StatusCompliant}, room: StatusCompliant},
		{name: "副省级 deputy mayor on the provincial scale", level: LevelMunicipal, scale: LevelProvincial, area: 42, rank: RankViceMinister,
			person: want{42, 42, 0, StatusCompliant}, room: StatusCompliant},
		{name: "副省级 department head on the provincial scale", level: LevelMunicipal, scale: LevelProvincial, area: 36, rank: RankBureau,
			person: want{36, 30, 6, StatusOverStandard}, room: StatusOverStandard},
		{name: "a room mate deleted before the day is not counted", level: LevelCounty, area: 18, rank: RankStaff,
			others: mates(1, RankStaff, func(p *Person) { p.DeletedAt = on }),
			person: want{18, 9, 9, StatusOverStandard}, room: StatusOverStandard},
		{name: "a room mate deleted after the day is counted", level: LevelCounty, area: 18, rank: RankStaff,
			others: mates(1, RankStaff, func(p *Person) { p.DeletedAt = on.AddDate(0, 0, 1) }),
			person: want{9, 9, 0, StatusCompliant}, room: StatusCompliant},
		{name: "a deleted assignment is not counted", level: LevelCounty, area: 18, rank: RankStaff,
			others: mate(start, func(a *Assignment) { a.DeletedAt = start }),
			person: want{18, 9, 9, StatusOverStandard}, room: StatusOverStandard},
		{name: "ended and future assignments are not counted", level: LevelCounty, area: 18, rank: RankStaff,
			others: func(w *world, ag, room, person uuid.UUID) {
				mate(start, func(a *Assignment) { a.End = on })(w, ag, room, person)
				mate(on.AddDate(0, 0, 1))(w, ag, room, person)
			},
			person: want{18, 9, 9, StatusOverStandard}, room: StatusOverStandard},
		{name: "an assignment starting on the day counts", level: LevelCounty, area: 18, rank: RankStaff,
			others: mate(on), person: want{9, 9, 0, StatusCompliant}, room: StatusCompliant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(on)
			ag := w.agency(tt.level, func(a *Agency) { a.Scale = tt.scale })
			usage := tt.usage
			if usage == "" {
				usage = UsageOffice
			}
			rid := w.room(ag, usage, tt.area)
			pid := w.person(ag, tt.rank)
			w.assign(pid, rid, AssignMain, start)
			if tt.others != nil {
				tt.others(w, ag, rid, pid)
			}
			o, err := NewOccupancy(&w.snap, nil, policyWith(tt.policy))
			if err != nil {
				t.Fatal(err)
			}
			p, ok := o.Person(pid)
			if !ok {
				t.Fatal("person missing from the result")
			}
			if !near(p.OfficeAreaM2, tt.person.area) || !near(p.StandardM2, tt.person.standard) ||
				!near(p.ExcessM2, tt.person.excess) || p.Status != tt.person.status {
				t.Errorf("person = area %v, standard %v, excess %v, %s; want %+v",
					p.OfficeAreaM2, p.StandardM2, p.ExcessM2, p.Status, tt.person)
			}
			if tt.person.excess > 0 && !near(p.ExcessPct, tt.person.excess/tt.person.standard*100) {
				t.Errorf("excess %% = %v", p.ExcessPct)
			}
			r, ok := o.Room(rid)
			if !ok {
				t.Fatal("room missing from the result")
			}
			if r.Status != tt.room {
				t.Errorf("room status = %s, want %s", r.Status, tt.room)
			}
		})
	}
}

func TestOccupancyRooms(t *testing.T) {
	on := Day(2024, time.June, 1)
	start := Day(2023, time.January, 1)
	w := newWorld(on)
	ag := w.agency(LevelCounty)
	vacant := w.room(ag, UsageOffice, 20)
	deleted := w.room(ag, UsageOffice, 20, func(r *Room) { r.DeletedAt = on })
	shared := w.room(ag, UsageOffice, 30)
	boss := w.person(ag, RankDivision, func(p *Person) { p.Name = "乙" })
	clerk := w.person(ag, RankStaff, func(p *Person) { p.Name = "甲" })
	w.assign(clerk, shared, AssignMain, start)
	w.assign(boss, shared, AssignMain, start)
	w.assign(boss, shared, AssignSecond, start) // the same person twice: counted once
	w.assign(clerk, deleted, AssignMain, start)

	o, err := NewOccupancy(&w.snap, nil, DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("vacant office is vacant, not compliant", func(t *testing.T) {
		r, _ := o.Room(vacant)
		if r.Status != StatusVacant || len(r.Occupants) != 0 || r.PerPersonM2 != 0 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("deleted room left out", func(t *testing.T) {
		if _, ok := o.Room(deleted); ok {
			t.Fatal("a room deleted on the day is in the result")
		}
		if len(o.Rooms) != 2 {
			t.Fatalf("%d rooms", len(o.Rooms))
		}
	})
	t.Run("shared room", func(t *testing.T) {
		r, _ := o.Room(shared)
		if len(r.Occupants) != 2 {
			t.Fatalf("occupants %+v", r.Occupants)
		}
		if r.Occupants[0].PersonID != boss || r.Occupants[0].Kind != AssignMain || r.Occupants[0].RankTitle != "县级正职" {
			t.Errorf("first occupant %+v, want the division head as main", r.Occupants[0])
		}
		if !near(r.PerPersonM2, 15) || !near(r.StandardM2, 39) || r.Status != StatusOverStandard {
			t.Errorf("per person %v, standard %v, status %s", r.PerPersonM2, r.StandardM2, r.Status)
		}
		p, _ := o.Person(clerk)
		if len(p.RoomIDs) != 1 || p.RoomIDs[0] != shared {
			t.Errorf("clerk's rooms %v", p.RoomIDs)
		}
	})
}
