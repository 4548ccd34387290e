package staff

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/encoding/simplifiedchinese"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/sample"
)

// fixture is the demo register in the embedded store.
type fixture struct {
	s   floorplan.Store
	reg *floorplan.Register
	d   *sample.Dataset
	day time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	day := floorplan.DayOf(time.Now())
	f := &fixture{s: importtest.NewStore(t), d: demo(day), day: day}
	f.reg = floorplan.NewRegister(f.s)
	if err := f.d.Load(context.Background(), f.reg); err != nil {
		t.Fatal(err)
	}
	return f
}

// agencyRef names an agency as the sheets do: its code, else its name.
func (f *fixture) agencyRef(id uuid.UUID) string {
	for _, a := range f.d.Agencies {
		if a.ID == id {
			if a.Code != "" {
				return a.Code
			}
			return a.Name
		}
	}
	return ""
}

func (f *fixture) revision(t *testing.T) int64 {
	t.Helper()
	rev, err := f.s.Revision(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func (f *fixture) person(t *testing.T, staffNo string) (floorplan.Person, bool) {
	t.Helper()
	people, err := f.s.People(context.Background(), floorplan.PersonFilter{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(people, func(p floorplan.Person) bool { return p.StaffNo == staffNo })
	if i < 0 {
		return floorplan.Person{}, false
	}
	return people[i], true
}

// csvOf writes rows as CSV text.
func csvOf(rows [][]string) []byte {
	var b strings.Builder
	if err := csv.NewWriter(&b).WriteAll(rows); err != nil {
		panic(err)
	}
	return []byte(b.String())
}

var peopleHeader = []string{"工号", "姓名", "单位", "职级", "状态", "状态日期"}

// rejected checks that err is an *imports.Error with one problem, told in English as want.
func rejected(t *testing.T, err error, want string) {
	t.Helper()
	var ie *imports.Error
	if !errors.As(err, &ie) || !errors.Is(err, imports.ErrRejected) {
		t.Fatalf("err = %v, want a rejected file", err)
	}
	if len(ie.Problems) != 1 {
		t.Fatalf("%d problems, want 1: %v", len(ie.Problems), err)
	}
	if got := ie.Problems[0].Text("en"); got != want {
		t.Errorf("problem\n got %s\nwant %s", got, want)
	}
}

func TestGB18030WithOtherHeaders(t *testing.T) {
	f := newFixture(t)
	a := f.d.Agencies[1]
	text := string(csvOf([][]string{
		{"人员花名册（2026年）"},
		{"人员编号", "名字", "使用单位", "职务层次", "身份证号码", "现任职务", "在职状态"},
		{"X0001", "王小明", a.Name, "正处级", "320402198001011234", "处长", "在职"},
		{"X0002", "李红", a.Name, "科员及以下", "32040219900101123X", "", ""},
	}))
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	sum := mustImport(t, f.reg, People, "花名册.csv", []byte(gb), Options{})
	if sum.Records != (Counts{Created: 2}) || sum.Rows != 2 {
		t.Fatalf("summary %+v", sum)
	}
	notes := strings.Join(sum.Notes, "\n")
	if !strings.Contains(notes, "GB18030") || !strings.Contains(notes, "身份证号码") {
		t.Errorf("notes: %s", notes)
	}
	p, ok := f.person(t, "X0001")
	if !ok || p.Name != "王小明" || p.AgencyID != a.ID || p.Rank != floorplan.RankDivision || p.Title != "处长" ||
		p.Status != floorplan.PersonActive {
		t.Errorf("X0001 = %+v", p)
	}
	if q, _ := f.person(t, "X0002"); q.Rank != floorplan.RankStaff {
		t.Errorf("X0002 = %+v", q)
	}
	hist, err := f.s.History(context.Background(), floorplan.EntityPerson, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := json.Marshal(hist)
	if strings.Contains(string(all), "320402") {
		t.Error("the national ID number was stored")
	}
}

// TestBadRankRow57 names the row and the column of a bad cell, writes nothing, and with SkipInvalid
// writes the other rows.
func TestBadRankRow57(t *testing.T) {
	f := newFixture(t)
	ref := f.agencyRef(f.d.Agencies[2].ID)
	rows := [][]string{peopleHeader}
	for i := 2; i <= 60; i++ {
		rank := "科员及以下"
		if i == 57 {
			rank = "处长级"
		}
		rows = append(rows, []string{fmt.Sprintf("B%03d", i), fmt.Sprintf("人员%d", i), ref, rank})
	}
	rev := f.revision(t)
	_, err := Import(context.Background(), f.reg, People, "people.csv", csvOf(rows), Options{Lang: "en"})
	rejected(t, err, `row 57: column 职级: "处长级" is not a rank (use one of 省部级正职、省部级副职、厅局级正职、厅局级副职、县处级正职、县处级副职、乡科级正职、乡科级副职、科员及以下)`)
	if f.revision(t) != rev {
		t.Error("a rejected file wrote")
	}
	_, err = Import(context.Background(), f.reg, People, "people.csv", csvOf(rows), Options{})
	if zh := imports.ErrorIn(err, "zh"); zh != `people.csv：第 57 行：职级 列："处长级" 不是可识别的职级（请填写 省部级正职、省部级副职、厅局级正职、厅局级副职、县处级正职、县处级副职、乡科级正职、乡科级副职、科员及以下 之一）` {
		t.Errorf("in Chinese: %s", zh)
	}
	sum := mustImport(t, f.reg, People, "people.csv", csvOf(rows), Options{SkipInvalid: true})
	if sum.Records.Created != 58 || len(sum.Problems) != 1 || !strings.HasPrefix(sum.Problems[0].Feature, "第 57 行") {
		t.Errorf("skip invalid: %+v", sum)
	}
}

func TestDuplicateStaffNo(t *testing.T) {
	f := newFixture(t)
	ref := f.agencyRef(f.d.Agencies[2].ID)
	rows := [][]string{peopleHeader, {"D1", "甲", ref, "科员"}, {"D2", "乙", ref, "科员"}, {"D1", "丙", ref, "科员"}}
	_, err := Import(context.Background(), f.reg, People, "people.csv", csvOf(rows), Options{Lang: "en"})
	rejected(t, err, "row 4: column 工号: staff no. D1 is also that of row 2")
	agencies := [][]string{{"单位名称", "机关级别"}, {"市甲局", "市级机关"}, {"市甲局", "市级"}}
	_, err = Import(context.Background(), f.reg, Agencies, "agencies.csv", csvOf(agencies), Options{Lang: "en"})
	rejected(t, err, "row 3: the same agency as row 2 (市甲局)")
}

// byID returns the record of a list with an id (the zero record when none has it).
func byID[T any](list []T, id uuid.UUID, idOf func(T) uuid.UUID) T {
	var zero T
	if i := slices.IndexFunc(list, func(x T) bool { return idOf(x) == id }); i >= 0 {
		return list[i]
	}
	return zero
}

func TestRoomThatDoesNotExist(t *testing.T) {
	f := newFixture(t)
	a := f.d.Assignments[0]
	room := byID(f.d.Rooms, a.RoomID, func(r floorplan.Room) uuid.UUID { return r.ID })
	fl := byID(f.d.Floors, room.FloorID, func(x floorplan.Floor) uuid.UUID { return x.ID })
	b := byID(f.d.Buildings, fl.BuildingID, func(x floorplan.Building) uuid.UUID { return x.ID })
	p := byID(f.d.People, a.PersonID, func(x floorplan.Person) uuid.UUID { return x.ID })
	rows := [][]string{{"建筑", "楼层", "房间号", "工号", "姓名", "起始日期"},
		{b.Name, fl.Name, "Z999", p.StaffNo, p.Name, "2024-01-02"}}
	_, err := Import(context.Background(), f.reg, Assignments, "rooms.csv", csvOf(rows), Options{Lang: "en"})
	rejected(t, err, fmt.Sprintf("row 2: column 房间号: no room Z999 on floor %s of %s", fl.Name, b.Name))
	rows[1][2], rows[1][3] = room.Number, "NOBODY"
	_, err = Import(context.Background(), f.reg, Assignments, "rooms.csv", csvOf(rows), Options{Lang: "en"})
	rejected(t, err, "row 2: column 工号: no person has staff no. NOBODY (import the people first)")
}

func TestFutureDateRefused(t *testing.T) {
	f := newFixture(t)
	p := f.d.People[0]
	tomorrow := f.day.AddDate(0, 0, 1).Format(floorplan.DateLayout)
	rows := [][]string{peopleHeader, {p.StaffNo, p.Name, f.agencyRef(p.AgencyID), RankLabel(p.Rank), "退休", tomorrow}}
	_, err := Import(context.Background(), f.reg, People, "people.csv", csvOf(rows), Options{Lang: "en"})
	rejected(t, err, fmt.Sprintf("row 2: column 状态日期: %s is in the future: enter a change once it has taken effect", tomorrow))
}

// TestRetirementFortyDaysAgo imports a retirement dated 40 days ago: the not-vacated finding is there
// today, the change holds from that day, and the summary lists the deadline it started.
func TestRetirementFortyDaysAgo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := holder(t, f)
	retired := f.day.AddDate(0, 0, -40)
	rows := [][]string{peopleHeader, {p.StaffNo, p.Name, f.agencyRef(p.AgencyID), RankLabel(p.Rank), "退休",
		retired.Format("2006年1月2日")}}
	before := findingsOf(t, f.s, f.day)
	sum := mustImport(t, f.reg, People, "people.csv", csvOf(rows), Options{})
	if sum.Records != (Counts{Updated: 1}) || len(sum.Events) != 1 {
		t.Fatalf("summary %+v", sum)
	}
	due := floorplan.AddMonths(retired, floorplan.DefaultPolicy().VacateAfterLeavingMonths)
	want := fmt.Sprintf("%s 退休 %s → 最迟 %s 腾退", p.Name, retired.Format(floorplan.DateLayout), due.Format(floorplan.DateLayout))
	if e := sum.Events[0]; e.Text != want || !e.Deadline.Equal(due) || e.Person != p.Name || e.What != "retired" {
		t.Errorf("event %+v, want %s", e, want)
	}
	after := findingsOf(t, f.s, f.day)
	found := func(list []string) bool {
		return slices.ContainsFunc(list, func(s string) bool {
			return strings.HasPrefix(s, floorplan.RuleNotVacatedAfterLeaving+" "+p.Name)
		})
	}
	if found(before) || !found(after) {
		t.Errorf("not-vacated finding for %s: before %v, after %v", p.Name, found(before), found(after))
	}
	for _, c := range []struct {
		day  time.Time
		want floorplan.PersonStatus
	}{{retired.AddDate(0, 0, -1), floorplan.PersonActive}, {retired, floorplan.PersonRetired}} {
		snap, err := f.s.Snapshot(ctx, c.day)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(snap.People, func(q floorplan.Person) bool { return q.ID == p.ID })
		if i < 0 || snap.People[i].Status != c.want {
			t.Errorf("as of %s: %+v, want %s", c.day.Format(floorplan.DateLayout), snap.People, c.want)
		}
	}
	again := mustImport(t, f.reg, People, "people.csv", csvOf(rows), Options{})
	if again.Records != (Counts{Unchanged: 1}) || len(again.Events) != 0 {
		t.Errorf("again: %+v", again)
	}
}

// holder returns an active person of the demo who holds a main office today.
func holder(t *testing.T, f *fixture) floorplan.Person {
	t.Helper()
	for _, a := range f.d.Assignments {
		if a.Kind != floorplan.AssignMain || !a.Active(f.day) {
			continue
		}
		for _, p := range f.d.People {
			if p.ID == a.PersonID && p.Status == floorplan.PersonActive {
				return p
			}
		}
	}
	t.Fatal("no active person holds a room in the demo")
	return floorplan.Person{}
}

func TestDryRunWritesNothing(t *testing.T) {
	f := newFixture(t)
	ref := f.agencyRef(f.d.Agencies[0].ID)
	rows := [][]string{peopleHeader, {"N1", "新人", ref, "县处级副职"}}
	rev := f.revision(t)
	sum := mustImport(t, f.reg, People, "people.csv", csvOf(rows), Options{DryRun: true, Lang: "en"})
	if !sum.DryRun || sum.Records != (Counts{Created: 1}) || !slices.Contains(sum.Notes, "dry run: nothing was written") {
		t.Errorf("dry run: %+v", sum)
	}
	if _, ok := f.person(t, "N1"); ok || f.revision(t) != rev {
		t.Error("a dry run wrote")
	}
}

// TestTenThousandRows imports 10,000 people with progress, within bounded memory.
func TestTenThousandRows(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	f := newFixture(t)
	ref := f.agencyRef(f.d.Agencies[3].ID)
	rows := [][]string{peopleHeader}
	for i := range 10000 {
		rows = append(rows, []string{fmt.Sprintf("T%05d", i), fmt.Sprintf("测试人员%d", i), ref, "科员及以下"})
	}
	data := csvOf(rows)
	var calls, last, total int
	opt := Options{Progress: func(done, n int) {
		if done < last || n != 10000 {
			t.Errorf("progress %d/%d after %d", done, n, last)
		}
		calls, last, total = calls+1, done, n
	}}
	var sum *Summary
	var err error
	peak := importtest.PeakHeap(func() { sum, err = Import(context.Background(), f.reg, People, "big.csv", data, opt) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records.Created != 10000 || last != 10000 || total != 10000 || calls < 100 {
		t.Errorf("created %d, progress %d calls, last %d/%d", sum.Records.Created, calls, last, total)
	}
	t.Logf("peak heap %d MB for a %d kB file", peak>>20, len(data)>>10)
	if peak > 256<<20 {
		t.Errorf("peak heap %d MB", peak>>20)
	}
}

// TestSync gives one agency's staff list with one person gone, one promoted and one new: the new one
// joins, the promoted one changes, the one gone is transferred as of the list's day; the same list again
// changes nothing.
func TestSync(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	agency, staff := f.staffOf(t)
	gone, promoted := staff[0], staff[1]
	var rows []StaffRow
	for _, p := range staff[1:] {
		rows = append(rows, StaffRow{StaffNo: p.StaffNo, Name: p.Name, Rank: string(p.Rank), Title: p.Title,
			Status: string(p.Status), Posts: postsOf(f, p)})
	}
	rows[0].Rank = RankLabel(floorplan.RankBureau)
	rows = append(rows, StaffRow{StaffNo: "NEW1", Name: "新同志", Rank: "科员"})
	asOf := f.day.AddDate(0, 0, -3)
	sum, err := Sync(ctx, f.reg, agency, asOf, rows, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != (Counts{Created: 1, Updated: 2, Unchanged: len(staff) - 2}) {
		t.Errorf("records %+v (staff %d)", sum.Records, len(staff))
	}
	if len(sum.Events) != 1 || sum.Events[0].Person != gone.Name || sum.Events[0].What != "transferred" ||
		!sum.Events[0].Effective.Equal(asOf) {
		t.Errorf("events %+v", sum.Events)
	}
	if p, _ := f.person(t, gone.StaffNo); p.Status != floorplan.PersonTransferred || !p.StatusDate.Equal(asOf) {
		t.Errorf("gone: %+v", p)
	}
	if p, _ := f.person(t, promoted.StaffNo); p.Rank != floorplan.RankBureau {
		t.Errorf("promoted: %+v", p)
	}
	if p, ok := f.person(t, "NEW1"); !ok || p.AgencyID != agency || p.Rank != floorplan.RankStaff {
		t.Errorf("joined: %+v", p)
	}
	rev := f.revision(t)
	again, err := Sync(ctx, f.reg, agency, asOf, rows, Options{})
	if err != nil || again.Records.Created+again.Records.Updated != 0 || f.revision(t) != rev {
		t.Errorf("again: %+v, %v", again, err)
	}
}

// staffOf returns an agency of the demo with at least three active people with staff numbers, and them.
func (f *fixture) staffOf(t *testing.T) (uuid.UUID, []floorplan.Person) {
	t.Helper()
	by := map[uuid.UUID][]floorplan.Person{}
	for _, p := range f.d.People {
		by[p.AgencyID] = append(by[p.AgencyID], p)
	}
	for _, a := range f.d.Agencies {
		people := by[a.ID]
		if len(people) >= 3 && !slices.ContainsFunc(people, func(p floorplan.Person) bool { return p.Status != floorplan.PersonActive }) {
			return a.ID, people
		}
	}
	t.Fatal("no agency of the demo has three active people")
	return uuid.Nil, nil
}

// postsOf writes a person's posts as a staff list gives them (with their dates).
func postsOf(f *fixture, p floorplan.Person) []string {
	var out []string
	for _, po := range p.Posts {
		out = append(out, FormatPost(po.Title, f.agencyRef(po.AgencyID), po.Start, po.End))
	}
	return out
}

// TestAgencyMerged imports an agency's merger dated 10 days ago: the agency is merged into its successor
// from that day, and the summary lists the deadline (the day itself with the default policy).
func TestAgencyMerged(t *testing.T) {
	f := newFixture(t)
	var a, into floorplan.Agency
	for _, x := range f.d.Agencies {
		if x.Status == floorplan.AgencyActive && x.ParentID == uuid.Nil {
			if a.ID == uuid.Nil {
				a = x
			} else if into.ID == uuid.Nil {
				into = x
			}
		}
	}
	merged := f.day.AddDate(0, 0, -10)
	rows := [][]string{{"单位代码", "单位名称", "机关级别", "状态", "状态日期", "并入单位"},
		{a.Code, a.Name, LevelLabel(a.Level), "合并", merged.Format(floorplan.DateLayout), f.agencyRef(into.ID)}}
	sum := mustImport(t, f.reg, Agencies, "单位.csv", csvOf(rows), Options{})
	want := fmt.Sprintf("%s 合并 %s → 最迟 %s 腾退", a.Name, merged.Format(floorplan.DateLayout), merged.Format(floorplan.DateLayout))
	if sum.Records != (Counts{Updated: 1}) || len(sum.Events) != 1 || sum.Events[0].Text != want {
		t.Fatalf("summary %+v, want %s", sum, want)
	}
	got, err := f.s.Agency(context.Background(), a.ID)
	if err != nil || got.Status != floorplan.AgencyMerged || got.SuccessorID != into.ID || !got.StatusDate.Equal(merged) ||
		got.Headcount != a.Headcount {
		t.Errorf("agency %+v, %v", got, err)
	}
	snap, err := f.s.Snapshot(context.Background(), merged.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(snap.Agencies, func(x floorplan.Agency) bool { return x.ID == a.ID }); i < 0 ||
		snap.Agencies[i].Status != floorplan.AgencyActive {
		t.Errorf("the day before the merger the agency is not active")
	}
	if again := mustImport(t, f.reg, Agencies, "单位.csv", csvOf(rows), Options{}); again.Records != (Counts{Unchanged: 1}) {
		t.Errorf("again: %+v", again.Records)
	}
}

// TestConcurrentPostEnded imports a person without one of their concurrent posts, with an effective date:
// the post ends that day, and the summary lists the deadline of the second office it served.
func TestConcurrentPostEnded(t *testing.T) {
	f := newFixture(t)
	i := slices.IndexFunc(f.d.People, func(p floorplan.Person) bool {
		return p.Status == floorplan.PersonActive && slices.ContainsFunc(p.Posts, func(po floorplan.Post) bool { return po.End.IsZero() })
	})
	if i < 0 {
		t.Fatal("no one in the demo holds a concurrent post")
	}
	p := f.d.People[i]
	var kept []string
	var dropped floorplan.Post
	for _, po := range p.Posts {
		if po.End.IsZero() && dropped.ID == uuid.Nil {
			dropped = po
			continue
		}
		kept = append(kept, FormatPost(po.Title, f.agencyRef(po.AgencyID), po.Start, po.End))
	}
	left := f.day.AddDate(0, 0, -5)
	rows := [][]string{{"工号", "姓名", "单位", "职级", "兼职", "变动日期"},
		{p.StaffNo, p.Name, f.agencyRef(p.AgencyID), RankLabel(p.Rank), strings.Join(kept, PostSeparator), left.Format(floorplan.DateLayout)}}
	sum := mustImport(t, f.reg, People, "people.csv", csvOf(rows), Options{Lang: "en"})
	due := floorplan.AddMonths(left, floorplan.DefaultPolicy().VacateAfterConcurrentPostMonths)
	want := fmt.Sprintf("%s left the concurrent post %s %s → its second office due back by %s", p.Name, dropped.Title,
		left.Format(floorplan.DateLayout), due.Format(floorplan.DateLayout))
	if sum.Records != (Counts{Updated: 1}) || len(sum.Events) != 1 || sum.Events[0].Text != want {
		t.Fatalf("summary %+v, want %s", sum, want)
	}
	got, _ := f.person(t, p.StaffNo)
	j := slices.IndexFunc(got.Posts, func(po floorplan.Post) bool { return po.ID == dropped.ID })
	if j < 0 || !got.Posts[j].End.Equal(left) || len(got.Posts) != len(p.Posts) {
		t.Errorf("posts %+v", got.Posts)
	}
	if again := mustImport(t, f.reg, People, "people.csv", csvOf(rows), Options{}); again.Records != (Counts{Unchanged: 1}) {
		t.Errorf("again: %+v", again.Records)
	}
}
