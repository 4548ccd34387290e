package storetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The bureau's keys (issue 19), on every store: a person's staff number (staff_no, 工号) and an agency's
// code go through every write and read of their record — create (and bulk insert), update, read, list, the
// snapshot of today (the live rows) and of a past day (rebuilt from the history), and the history itself —
// and each is unique among live records when not empty, refused with a *floorplan.FieldError naming the
// field and the value (reason taken), while any number of records may have none.

// staffNoOf returns the staff number of person id in people, and whether it is there.
func staffNoOf(people []floorplan.Person, id uuid.UUID) (string, bool) {
	i := slices.IndexFunc(people, func(p floorplan.Person) bool { return p.ID == id })
	if i < 0 {
		return "", false
	}
	return people[i].StaffNo, true
}

// codeOf returns the code of agency id in agencies, and whether it is there.
func codeOf(agencies []floorplan.Agency, id uuid.UUID) (string, bool) {
	i := slices.IndexFunc(agencies, func(a floorplan.Agency) bool { return a.ID == id })
	if i < 0 {
		return "", false
	}
	return agencies[i].Code, true
}

// lastPersonImage returns the row image after the last recorded change of a person's own row (a person's
// history holds their posts' changes too).
func lastPersonImage(t *testing.T, f *fixture, id uuid.UUID) map[string]any {
	t.Helper()
	h, err := f.s.History(f.ctx, floorplan.EntityPerson, id)
	must(t, err)
	h = slices.DeleteFunc(h, func(c floorplan.Change) bool { return c.Entity != floorplan.EntityPerson })
	if len(h) == 0 {
		t.Fatalf("no history of person %s", id)
	}
	var img map[string]any
	must(t, json.Unmarshal(h[len(h)-1].New, &img))
	return img
}

// wantKey fails unless got is there and is want.
func wantKey(t *testing.T, what, got string, there bool, want string) {
	t.Helper()
	if !there {
		t.Errorf("%s: the record is missing", what)
	} else if got != want {
		t.Errorf("%s: key %q, want %q", what, got, want)
	}
}

func testStaffNo(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	p := floorplan.Person{Name: "张三", StaffNo: "CZ-0001", AgencyID: f.agencies[0].ID, Rank: floorplan.RankSection,
		Status: floorplan.PersonActive}
	must(t, s.CreatePerson(ctx, &p))
	bulk := []floorplan.Person{
		{Name: "李四", StaffNo: "CZ-0002", AgencyID: f.agencies[0].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive,
			Posts: []floorplan.Post{{Title: "工会主席（兼）"}}},
		{Name: "王五", AgencyID: f.agencies[1].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive},
	}
	must(t, s.BulkInsertPeople(ctx, bulk))
	wants := map[uuid.UUID]string{p.ID: "CZ-0001", bulk[0].ID: "CZ-0002", bulk[1].ID: ""}

	listed, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)
	ofAgency, err := s.People(ctx, floorplan.PersonFilter{AgencyID: f.agencies[0].ID})
	must(t, err)
	today, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	for id, want := range wants {
		got, err := s.Person(ctx, id)
		must(t, err)
		wantKey(t, "Person", got.StaffNo, true, want)
		no, there := staffNoOf(listed, id)
		wantKey(t, "People", no, there, want)
		no, there = staffNoOf(today.People, id)
		wantKey(t, "today's snapshot", no, there, want)
		if img := lastPersonImage(t, f, id); img["staff_no"] != want {
			t.Errorf("the history image of person %s has staff_no %v, want %q", id, img["staff_no"], want)
		}
	}
	no, there := staffNoOf(ofAgency, bulk[0].ID)
	wantKey(t, "People of an agency", no, there, "CZ-0002")

	// The bureau renumbers: the new number today, the old one in the past (rebuilt from the history).
	c.Pass(t, aged)
	p, err = s.Person(ctx, p.ID)
	must(t, err)
	p.StaffNo = "CZ-1001"
	must(t, s.UpdatePerson(ctx, &p))
	got, err := s.Person(ctx, p.ID)
	must(t, err)
	sameJSON(t, "a person renumbered", got, p)
	keyThenAndNow(t, f, func(snap *floorplan.Snapshot) (string, bool) { return staffNoOf(snap.People, p.ID) }, "CZ-0001", "CZ-1001")
	keyThenAndNow(t, f, func(snap *floorplan.Snapshot) (string, bool) { return staffNoOf(snap.People, bulk[0].ID) },
		"CZ-0002", "CZ-0002")
	h, err := s.History(ctx, floorplan.EntityPerson, p.ID)
	must(t, err)
	if last := h[len(h)-1]; !strings.Contains(string(last.Old), `"CZ-0001"`) || !strings.Contains(string(last.New), `"CZ-1001"`) {
		t.Errorf("the history of the renumbering: old %s new %s", last.Old, last.New)
	}
}

func testAgencyCode(t *testing.T, f *fixture) {
	s, ctx, c := f.s, f.ctx, f.clock
	a := floorplan.Agency{Name: "常州市教育局", Code: "11320400014160776X", Level: floorplan.LevelMunicipal,
		Status: floorplan.AgencyActive, Headcount: 60}
	must(t, s.CreateAgency(ctx, &a))
	got, err := s.Agency(ctx, a.ID)
	must(t, err)
	sameJSON(t, "an agency with a code", got, a)
	all, err := s.Agencies(ctx)
	must(t, err)
	code, there := codeOf(all, a.ID)
	wantKey(t, "Agencies", code, there, a.Code)
	code, there = codeOf(all, f.agencies[0].ID)
	wantKey(t, "Agencies: an agency without a code", code, there, "")
	today, err := s.Snapshot(ctx, day(c, 0))
	must(t, err)
	code, there = codeOf(today.Agencies, a.ID)
	wantKey(t, "today's snapshot", code, there, a.Code)
	if img := lastImage(t, f, floorplan.EntityAgency, a.ID); img["code"] != a.Code {
		t.Errorf("the history image of the agency has code %v, want %q", img["code"], a.Code)
	}

	c.Pass(t, aged)
	a, err = s.Agency(ctx, a.ID)
	must(t, err)
	a.Code = "JY-01"
	must(t, s.UpdateAgency(ctx, &a))
	got, err = s.Agency(ctx, a.ID)
	must(t, err)
	sameJSON(t, "an agency recoded", got, a)
	keyThenAndNow(t, f, func(snap *floorplan.Snapshot) (string, bool) { return codeOf(snap.Agencies, a.ID) },
		"11320400014160776X", "JY-01")
}

// keyThenAndNow checks a record's key, as keyOf finds it in a snapshot, two days ago (then: rebuilt from
// the history when it changed since) and today (now).
func keyThenAndNow(t *testing.T, f *fixture, keyOf func(*floorplan.Snapshot) (string, bool), then, now string) {
	t.Helper()
	past, err := f.s.Snapshot(f.ctx, day(f.clock, -2))
	must(t, err)
	key, there := keyOf(past)
	wantKey(t, "a past snapshot", key, there, then)
	today, err := f.s.Snapshot(f.ctx, day(f.clock, 0))
	must(t, err)
	key, there = keyOf(today)
	wantKey(t, "today's snapshot", key, there, now)
}

// taken is the refusal of a key that another live record has.
func taken(name string, write func() error, field, value string) refusal {
	return refusal{name: name, write: write, field: field, reason: floorplan.FieldTaken, mention: value}
}

func testStaffKeysUnique(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	person := func(name, no string) floorplan.Person {
		return floorplan.Person{Name: name, StaffNo: no, AgencyID: f.agencies[0].ID, Rank: floorplan.RankStaff,
			Status: floorplan.PersonActive}
	}
	// Any number of people and agencies without a key (the fixture's two agencies have none).
	var none []floorplan.Person
	for _, name := range []string{"甲", "乙", "丙"} {
		p := person(name, "")
		must(t, s.CreatePerson(ctx, &p))
		none = append(none, p)
	}
	must(t, s.BulkInsertPeople(ctx, []floorplan.Person{person("丁", ""), person("戊", "")}))
	plain := floorplan.Agency{Name: "常州市档案馆", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(t, s.CreateAgency(ctx, &plain))
	none[0].Title = "科员"
	must(t, s.UpdatePerson(ctx, &none[0]))

	held := person("张三", "CZ-0001")
	must(t, s.CreatePerson(ctx, &held))
	coded := floorplan.Agency{Name: "常州市教育局", Code: "JY-01", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(t, s.CreateAgency(ctx, &coded))
	before, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)

	for _, c := range []refusal{
		taken("a second person with CZ-0001", func() error { p := person("张三丰", "CZ-0001"); return s.CreatePerson(ctx, &p) },
			"staff_no", "CZ-0001"),
		taken("a person renumbered to CZ-0001", func() error { p := none[1]; p.StaffNo = "CZ-0001"; return s.UpdatePerson(ctx, &p) },
			"staff_no", "CZ-0001"),
		taken("a bulk insert whose second person has CZ-0001", func() error {
			return s.BulkInsertPeople(ctx, []floorplan.Person{person("己", "CZ-0100"), person("庚", "CZ-0001")})
		}, "staff_no", "CZ-0001"),
		taken("a bulk insert with CZ-0200 twice", func() error {
			return s.BulkInsertPeople(ctx, []floorplan.Person{person("辛", "CZ-0200"), person("壬", "CZ-0200")})
		}, "staff_no", "CZ-0200"),
		taken("a second agency with JY-01", func() error {
			a := coded
			a.ID, a.Name = uuid.Nil, "常州市教育考试院"
			return s.CreateAgency(ctx, &a)
		}, "code", "JY-01"),
		taken("an agency recoded to JY-01", func() error { a := plain; a.Code = "JY-01"; return s.UpdateAgency(ctx, &a) },
			"code", "JY-01"),
		{name: "a staff number with a space at the end", write: func() error { p := person("癸", "CZ-0300 "); return s.CreatePerson(ctx, &p) },
			field: "staff_no", reason: floorplan.FieldPadded, mention: "staff_no"},
		{name: "a staff number of 51 characters", write: func() error { p := person("癸", strings.Repeat("9", 51)); return s.CreatePerson(ctx, &p) },
			field: "staff_no", reason: floorplan.FieldTooLong, mention: "staff_no"},
		{name: "an agency code with a tab", write: func() error { a := plain; a.Code = "JY\t02"; return s.UpdateAgency(ctx, &a) },
			field: "code", reason: floorplan.FieldControl, mention: "code"},
	} {
		t.Run(c.name, c.check)
	}
	after, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)
	sameJSON(t, "the people after the refusals", after, before)
	if got, err := s.Agency(ctx, plain.ID); err != nil || got.Code != "" || got.Version != plain.Version {
		t.Errorf("the agency after a refused recoding: code %q version %d (%v), want none and %d", got.Code, got.Version, err, plain.Version)
	}

	// A person's own number is theirs to keep; a deleted person's number is free again.
	held.Title = "科长"
	must(t, s.UpdatePerson(ctx, &held))
	must(t, s.DeletePerson(ctx, held.ID))
	again := person("张三", "CZ-0001")
	must(t, s.CreatePerson(ctx, &again))
	must(t, s.DeleteAgency(ctx, coded.ID))
	plain.Code = "JY-01"
	must(t, s.UpdateAgency(ctx, &plain))
}
