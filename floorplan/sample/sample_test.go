package sample_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/archive"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/sample"
	"officemap/geo"
)

// days on which the demo might run: an ordinary day, month ends (where counting months back is
// awkward), a leap day and New Year's Eve.
var days = []struct {
	name string
	day  time.Time
}{
	{"ordinary day", floorplan.Day(2026, time.June, 15)},
	{"end of January", floorplan.Day(2027, time.January, 31)},
	{"leap day", floorplan.Day(2028, time.February, 29)},
	{"end of May", floorplan.Day(2026, time.May, 31)},
	{"new year's eve", floorplan.Day(2030, time.December, 31)},
}

var today = days[0].day

func TestEntitiesValidate(t *testing.T) {
	d := sample.Build(today)
	cls := floorplan.BuiltinClassification()
	for _, s := range d.Sites {
		if err := s.Validate(cls); err != nil {
			t.Errorf("site %s: %v", s.Name, err)
		}
	}
	for _, b := range d.Buildings {
		if err := b.Validate(); err != nil {
			t.Errorf("building %s: %v", b.Name, err)
		}
		if len(b.Footprint) == 0 || !(b.Georef.Scale > 0) {
			t.Errorf("building %s: footprint and a positive scale are wanted", b.Name)
		}
	}
	for _, f := range d.Floors {
		if err := f.Validate(); err != nil {
			t.Errorf("floor %s: %v", f.Name, err)
		}
	}
	for _, r := range d.Rooms {
		if err := r.Validate(); err != nil {
			t.Errorf("room %s %s: %v", r.Number, r.Name, err)
		}
	}
	for _, a := range d.Agencies {
		if err := a.Validate(); err != nil {
			t.Errorf("agency %s: %v", a.Name, err)
		}
	}
	for _, p := range d.People {
		if err := p.Validate(); err != nil {
			t.Errorf("person %s: %v", p.Name, err)
		}
	}
	for _, a := range d.Assignments {
		if err := a.Validate(); err != nil {
			t.Errorf("assignment %s: %v", a.ID, err)
		}
	}
}

// TestReferences checks that every reference points to a record of the dataset that comes before it in
// the order Load writes them, and that no id is used twice.
func TestReferences(t *testing.T) {
	d := sample.Build(today)
	seen := make(map[uuid.UUID]string)
	use := func(id uuid.UUID, what string) {
		if id == uuid.Nil {
			t.Errorf("%s has no id", what)
		}
		if prev, dup := seen[id]; dup {
			t.Errorf("%s has the id of %s", what, prev)
		}
		seen[id] = what
	}
	has := func(id uuid.UUID, what, ref string) {
		if _, ok := seen[id]; !ok {
			t.Errorf("%s: %s %s is not written before it", what, ref, id)
		}
	}
	// child is a record of a kind, named name, that refers to its parent as ref.
	child := func(kind, name string, id uuid.UUID, ref string, parent uuid.UUID) {
		has(parent, name, ref)
		use(id, kind+" "+name)
	}
	for _, a := range d.Agencies {
		if a.ParentID != uuid.Nil {
			has(a.ParentID, a.Name, "parent")
		}
		if a.SuccessorID != uuid.Nil {
			has(a.SuccessorID, a.Name, "successor")
		}
		use(a.ID, "agency "+a.Name)
	}
	for _, s := range d.Sites {
		use(s.ID, "site "+s.Name)
	}
	for _, b := range d.Buildings {
		child("building", b.Name, b.ID, "site", b.SiteID)
	}
	for _, f := range d.Floors {
		child("floor", f.Name, f.ID, "building", f.BuildingID)
	}
	numbers := make(map[uuid.UUID]map[string]bool) // building → room numbers
	building := make(map[uuid.UUID]uuid.UUID)
	for _, f := range d.Floors {
		building[f.ID] = f.BuildingID
	}
	for _, r := range d.Rooms {
		has(r.FloorID, r.Number, "floor")
		if r.AgencyID != uuid.Nil {
			has(r.AgencyID, r.Number, "agency")
		}
		use(r.ID, "room "+r.Number+" "+r.Name)
		if r.Number == "" {
			continue
		}
		b := building[r.FloorID]
		if numbers[b] == nil {
			numbers[b] = make(map[string]bool)
		}
		if numbers[b][r.Number] {
			t.Errorf("room number %s used twice in a building", r.Number)
		}
		numbers[b][r.Number] = true
	}
	posts := make(map[uuid.UUID]uuid.UUID) // post → person
	for _, p := range d.People {
		child("person", p.Name, p.ID, "agency", p.AgencyID)
		for _, post := range p.Posts {
			has(post.AgencyID, p.Name, "post agency")
			use(post.ID, "post "+post.Title)
			posts[post.ID] = p.ID
		}
	}
	for _, a := range d.Assignments {
		has(a.PersonID, a.ID.String(), "person")
		has(a.RoomID, a.ID.String(), "room")
		if a.PostID != uuid.Nil && posts[a.PostID] != a.PersonID {
			t.Errorf("assignment %s: post %s is not a post of its person", a.ID, a.PostID)
		}
		use(a.ID, "assignment")
	}
}

// TestRoomsFitTogether checks that the rooms of a floor never overlap (they may share walls) and that
// each lies inside its building's footprint.
func TestRoomsFitTogether(t *testing.T) {
	d := sample.Build(today)
	footprint := make(map[uuid.UUID]orb.Polygon)
	for _, b := range d.Buildings {
		footprint[b.ID] = b.Footprint
	}
	floorOf := make(map[uuid.UUID]floorplan.Floor)
	for _, f := range d.Floors {
		floorOf[f.ID] = f
	}
	byFloor := make(map[uuid.UUID][]floorplan.Room)
	for _, r := range d.Rooms {
		byFloor[r.FloorID] = append(byFloor[r.FloorID], r)
	}
	if len(byFloor) != len(d.Floors) {
		t.Errorf("%d of %d floors have rooms", len(byFloor), len(d.Floors))
	}
	for floorID, rooms := range byFloor {
		f := floorOf[floorID]
		fp := footprint[f.BuildingID]
		total := 0.0
		for i, a := range rooms {
			total += a.Area()
			in, err := geo.OverlapArea(a.Geometry, fp)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(in-a.Area()) > 1e-6 {
				t.Errorf("floor %s room %s %s: %.4f of its %.4f m² lie inside the footprint", f.Name, a.Number, a.Name,
					in, a.Area())
			}
			for _, b := range rooms[i+1:] {
				overlaps, area, err := geo.Overlaps(a.Geometry, b.Geometry)
				if err != nil {
					t.Fatal(err)
				}
				if overlaps {
					t.Errorf("floor %s: rooms %s %s and %s %s overlap by %.4f m²", f.Name, a.Number, a.Name,
						b.Number, b.Name, area)
				}
			}
		}
		// The rooms take up most of the floor; the rest is walls.
		if gross := geo.Area(fp); total > gross || total < 0.85*gross {
			t.Errorf("floor %s: rooms cover %.1f of %.1f m²", f.Name, total, gross)
		}
	}
}

// TestBuildingsOnTheGround checks that the administrative centre's buildings stand by Changzhou's civic
// square (and the second site's in the old town, a few kilometres away), turned by a few degrees, and that
// no two overlap on the ground.
func TestBuildingsOnTheGround(t *testing.T) {
	d := sample.Build(today)
	civic := orb.Point{119.974, 31.811}
	for _, b := range d.Buildings {
		o := b.Georef.Origin
		// About 111 km per degree of latitude, 95 km per degree of longitude here.
		dist := math.Hypot((o[0]-civic[0])*95e3, (o[1]-civic[1])*111e3)
		if near := b.SiteID == d.Sites[0].ID; (near && dist > 200) || dist > 5000 {
			t.Errorf("building %s is %.0f m from the civic square", b.Name, dist)
		}
		if r := math.Abs(b.Georef.RotationDeg); r == 0 || r > 10 {
			t.Errorf("building %s is turned by %v°, not a few degrees", b.Name, b.Georef.RotationDeg)
		}
	}
	for i, a := range d.Buildings {
		fa := a.Georef.Frame()
		for _, b := range d.Buildings[i+1:] {
			// b's footprint on the ground, seen in a's local frame.
			seen := fa.PolygonToLocal(b.Georef.Frame().PolygonToLonLat(b.Footprint))
			overlaps, area, err := geo.Overlaps(a.Footprint, seen)
			if err != nil {
				t.Fatal(err)
			}
			if overlaps {
				t.Errorf("buildings %s and %s overlap by %.1f m²", a.Name, b.Name, area)
			}
		}
	}
}

// TestCompound checks that the demo shows what it is there to show: staff of every municipal rank, an
// agency on another level's scale and one with no standard, leaders' suites, L-shaped and shared offices
// of realistic sizes, and more than one site.
func TestCompound(t *testing.T) {
	d := sample.Build(today)
	if len(d.Sites) < 2 || len(d.Buildings) < 3 || len(d.Agencies) < 24 {
		t.Errorf("%d sites, %d buildings, %d agencies: the demo is too small", len(d.Sites), len(d.Buildings), len(d.Agencies))
	}
	agency := make(map[uuid.UUID]floorplan.Agency)
	scales := make(map[floorplan.AdminLevel]int)
	for _, a := range d.Agencies {
		agency[a.ID] = a
		scales[a.StandardScale()]++
		if a.StandardScale() == floorplan.LevelProvincial || a.StandardScale() == floorplan.LevelCentral {
			t.Errorf("agency %s is on the %s scale; the demo is municipal", a.Name, a.StandardScale())
		}
	}
	if scales[floorplan.LevelCounty] == 0 || scales[floorplan.LevelTownship] == 0 {
		t.Errorf("scales %v: want an agency mapped to the county scale and a township one", scales)
	}
	ranks := make(map[floorplan.Rank]int)
	for _, p := range d.People {
		if agency[p.AgencyID].StandardScale() == floorplan.LevelMunicipal {
			ranks[p.Rank]++
		}
	}
	for _, r := range []floorplan.Rank{floorplan.RankBureau, floorplan.RankViceBureau, floorplan.RankDivision,
		floorplan.RankViceDivision, floorplan.RankSection, floorplan.RankViceSection, floorplan.RankStaff} {
		if ranks[r] == 0 {
			t.Errorf("nobody of rank %s at a municipal agency", r)
		}
	}

	room := make(map[uuid.UUID]floorplan.Room)
	for _, r := range d.Rooms {
		room[r.ID] = r
	}
	occupants := make(map[uuid.UUID]int)
	held := make(map[uuid.UUID]map[floorplan.Usage]int) // person → usages of the rooms held as main
	for _, a := range d.Assignments {
		if !a.Active(today) {
			continue
		}
		occupants[a.RoomID]++
		if a.Kind == floorplan.AssignMain {
			if held[a.PersonID] == nil {
				held[a.PersonID] = make(map[floorplan.Usage]int)
			}
			held[a.PersonID][room[a.RoomID].Usage]++
		}
	}
	suites := 0
	for _, u := range held {
		if u[floorplan.UsageOffice] == 1 && u[floorplan.UsageRestRoom] == 1 && u[floorplan.UsageToilet] == 1 {
			suites++
		}
	}
	if suites == 0 {
		t.Error("no leader has a suite of office, rest room and private toilet")
	}
	lshaped, shared := 0, 0
	for _, r := range d.Rooms {
		switch r.Usage {
		case floorplan.UsageOffice:
			if a := r.Area(); a < 9-1e-9 || a > 45+1e-9 {
				t.Errorf("office %s is %.2f m², outside 9–45", r.Number, a)
			}
			if len(r.Geometry[0]) == 7 { // six corners and the closing point
				lshaped++
			}
			if occupants[r.ID] > 1 {
				shared++
			}
		case floorplan.UsageToilet:
			if occupants[r.ID] > 0 && r.Area() > 6 {
				t.Errorf("private toilet %s is %.2f m²", r.Number, r.Area())
			}
		}
	}
	if lshaped < 3 || shared < 50 {
		t.Errorf("%d L-shaped and %d shared offices; want a few and many", lshaped, shared)
	}
}

func snapshot(d *sample.Dataset, asOf time.Time) *floorplan.Snapshot {
	return &floorplan.Snapshot{
		AsOf:        asOf,
		Sites:       d.Sites,
		Buildings:   d.Buildings,
		Floors:      d.Floors,
		Rooms:       d.Rooms,
		Agencies:    d.Agencies,
		People:      d.People,
		Assignments: d.Assignments,
	}
}

// TestFindings runs the findings engine on the demo, on several days: every rule finds something, and most
// of the compound is in order.
func TestFindings(t *testing.T) {
	for _, tc := range days {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := floorplan.Evaluate(snapshot(sample.Build(tc.day), tc.day), nil, floorplan.DefaultPolicy())
			if err != nil {
				t.Fatal(err)
			}
			count := make(map[string]int)
			for _, f := range rep.Findings {
				count[f.RuleID]++
			}
			for _, r := range floorplan.Rules() {
				// An approved second office naming no post of its person is a notice on legacy data: stores
				// refuse to write one (Assignment.Validate, and the post must be the person's), so the demo,
				// which a store loads, cannot hold one.
				if count[r.ID] == 0 && r.ID != floorplan.RuleSecondOfficePostUnknown {
					t.Errorf("no finding of rule %s (%s)", r.ID, r.Title)
				}
				t.Logf("%-40s %d", r.ID, count[r.ID])
			}
			if n := count[floorplan.RuleSecondOfficePostUnknown]; n != 0 {
				t.Errorf("%d approved second offices of the demo name no post of their person", n)
			}

			status := make(map[floorplan.RoomStatus]int)
			for _, r := range rep.Rooms {
				status[r.Status]++
			}
			occupied := status[floorplan.StatusCompliant] + status[floorplan.StatusOverStandard] + status[floorplan.StatusNoStandard]
			t.Logf("rooms: %v", status)
			if status[floorplan.StatusCompliant] < 9*occupied/10 {
				t.Errorf("%d of %d occupied offices are compliant; most should be", status[floorplan.StatusCompliant], occupied)
			}
			if status[floorplan.StatusVacant] == 0 {
				t.Error("no vacant office")
			}
			people := make(map[floorplan.RoomStatus]int)
			for _, p := range rep.People {
				people[p.Status]++
			}
			t.Logf("people: %v", people)
			if people[floorplan.StatusCompliant] < 9*len(rep.People)/10 {
				t.Errorf("%d of %d people are compliant; most should be", people[floorplan.StatusCompliant], len(rep.People))
			}
		})
	}
}

// TestDeterministic checks that a build depends only on its day, and that ids and names do not depend
// on the day at all.
func TestDeterministic(t *testing.T) {
	a, b := sample.Build(today), sample.Build(today)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two builds for the same day differ")
	}
	later := sample.Build(today.AddDate(1, 3, 17))
	if reflect.DeepEqual(a, later) {
		t.Error("a build a year later has the same dates")
	}
	ids := func(d *sample.Dataset) []string {
		var out []string
		for _, x := range d.Agencies {
			out = append(out, x.ID.String()+x.Name)
		}
		for _, x := range d.Sites {
			out = append(out, x.ID.String()+x.Name)
		}
		for _, x := range d.Buildings {
			out = append(out, x.ID.String()+x.Name)
		}
		for _, x := range d.Floors {
			out = append(out, x.ID.String()+x.Name)
		}
		for _, x := range d.Rooms {
			out = append(out, x.ID.String()+x.Number+x.Name)
		}
		for _, x := range d.People {
			out = append(out, x.ID.String()+x.Name)
		}
		for _, x := range d.Assignments {
			out = append(out, x.ID.String()+x.PersonID.String()+x.RoomID.String())
		}
		return out
	}
	if !reflect.DeepEqual(ids(a), ids(later)) {
		t.Error("ids or names change with the day")
	}
	// Time zone of the day given does not matter, only its calendar day.
	shanghai := time.FixedZone("CST", 8*3600)
	if c := sample.Build(time.Date(2026, time.June, 15, 23, 30, 0, 0, shanghai)); !reflect.DeepEqual(a, c) {
		t.Error("a build at 23:30 Beijing time on the same day differs")
	}
}

// TestJurisdictions: the sample has the city and four districts; the turnover building's site and the
// street office are in 天宁区, so that a district administrator of 天宁区 sees them.
func TestJurisdictions(t *testing.T) {
	d := sample.Build(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if len(d.Jurisdictions) != 5 || d.Jurisdictions[0].Name != "常州市" {
		t.Fatalf("jurisdictions = %+v, want 常州市 and four districts", d.Jurisdictions)
	}
	names := map[string]bool{}
	for _, j := range d.Jurisdictions[1:] {
		names[j.Name] = true
		if j.ParentID != d.Jurisdictions[0].ID {
			t.Errorf("%s is not under 常州市", j.Name)
		}
	}
	for _, n := range []string{"天宁区", "钟楼区", "新北区", "武进区"} {
		if !names[n] {
			t.Errorf("no %s", n)
		}
	}
	in := 0
	for _, s := range d.Sites {
		if s.JurisdictionID == sample.Tianning {
			in++
		}
	}
	agencies := 0
	for _, a := range d.Agencies {
		if a.JurisdictionID == sample.Tianning {
			agencies++
		}
	}
	if in != 1 || agencies != 1 {
		t.Errorf("in 天宁区: %d sites, %d agencies; want 1 and 1", in, agencies)
	}
}

// TestSampleLedgerAndArchive: loaded, the demo's ledger finds the centre's title area 8 % over its measured
// gross area (账实) and its two agencies' book values short of the general ledger's (账账), nothing else, and
// its archive misses the centre's completion drawings (缺档).
func TestSampleLedgerAndArchive(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	today := floorplan.DayOf(time.Now())
	d := sample.Build(today)
	if err := d.Load(ctx, floorplan.NewRegister(s)); err != nil {
		t.Fatal(err)
	}
	l, err := floorplan.BuildLedger(ctx, s, today.Year(), uuid.Nil, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Checks) != 2 || l.Checks[0].Check != "title_vs_measured" || l.Checks[0].SiteID != d.Sites[0].ID ||
		math.Abs(l.Checks[0].DiffPct+7.41) > 0.01 {
		t.Errorf("ledger checks %+v; want the centre's 账实 check (measured 7.41 %% under the title), then its 账账", l.Checks)
	} else if c := l.Checks[1]; c.Check != "sub_vs_general" || c.SiteID != d.Sites[0].ID || c.Kind != floorplan.LedgerBookValue ||
		c.General != 186_500_000 || c.SubLedgers != 17_800_000 {
		t.Errorf("the 账账 check %+v; want the centre's book value, 17 800 000 in the sub-ledgers against 186 500 000", c)
	}
	docs, err := s.Documents(ctx, floorplan.DocumentFilter{SiteID: d.Sites[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, doc := range docs {
		held = append(held, doc.DocType)
		rc, err := s.Blobs().Open(ctx, doc.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != doc.SHA256 || !bytes.HasPrefix(b, []byte("%PDF-1.4")) {
			t.Errorf("document %s: its bytes are not the PDF filed", doc.Name)
		}
	}
	if got := archive.DefaultChecklist().Missing(d.Sites[0].Category, string(d.Sites[0].Ownership), held); len(got) != 1 || got[0] != "completion_drawings" {
		t.Errorf("the centre's archive misses %v; want [completion_drawings]", got)
	}
}

// TestSampleHandling: loaded and handled (Dataset.Handle), the demo holds applications at the steps that
// give each demo user's inbox something, an allocation closed with a valid usage certificate for the room
// its scenario gave, the recoveries of its findings, a closed annual inspection with fixed, overdue and
// referred items (the fixed one no longer found in the register), and an open special inspection — today
// and on the awkward days of days, the register's clock at noon of the day.
func TestSampleHandling(t *testing.T) {
	for _, tc := range append([]struct {
		name string
		day  time.Time
	}{{"today", floorplan.DayOf(time.Now())}}, days[1:]...) {
		t.Run(tc.name, func(t *testing.T) { testSampleHandling(t, tc.day) })
	}
}

func testSampleHandling(t *testing.T, day time.Time) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := day.Add(12 * time.Hour)
	d := sample.Build(day)
	reg := floorplan.NewRegister(s, floorplan.WithRegisterClock(func() time.Time { return now }))
	start := time.Now()
	if err := d.Load(ctx, reg); err != nil {
		t.Fatal(err)
	}
	loaded := time.Now()
	past := func(clock func() time.Time) *floorplan.Register {
		return floorplan.NewRegister(s, floorplan.WithRegisterClock(clock))
	}
	if err := d.Handle(ctx, reg, past); err != nil {
		t.Fatal(err)
	}
	t.Logf("load %v, handle %v", loaded.Sub(start).Round(time.Millisecond), time.Since(loaded).Round(time.Millisecond))

	apps, err := s.Applications(ctx, floorplan.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	var closed floorplan.Application
	for _, a := range apps {
		states[string(a.Kind)+"/"+a.State]++
		if a.Kind == floorplan.KindAllocation && a.State == floorplan.StateClosed {
			closed = a
		}
		if a.Kind == floorplan.KindAllocation && a.State == "review" && a.Scenario == nil {
			t.Errorf("allocation %q at review has no proposed scenario", a.Title)
		}
	}
	want := map[string]int{"allocation/closed": 1, "allocation/review": 1, "allocation/draft": 1, "maintenance/works": 1,
		"maintenance/assessment": 1, "second_office/approval": 1, "disposal/handling": 1, "recovery/vacating": 4}
	if !reflect.DeepEqual(states, want) {
		t.Errorf("applications by kind and step: %v, want %v", states, want)
	}
	if closed.CertificateID == uuid.Nil {
		t.Fatal("the closed allocation has no certificate")
	}
	cert, err := s.Certificate(ctx, closed.CertificateID)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := floorplan.CertificateValidity(ctx, s, cert); err != nil || !v.Valid || len(cert.Rooms) != 1 || cert.AgencyID != closed.AgencyID {
		t.Errorf("certificate %+v: validity %+v (%v); want valid, one room of the allocation's agency", cert, v, err)
	} else if r, err := s.Room(ctx, cert.Rooms[0].ID); err != nil || r.AgencyID != closed.AgencyID {
		t.Errorf("the certificate's room is of %s (%v), want the allocation's agency", r.AgencyID, err)
	}

	checkInspections(t, ctx, s, now)
}

// checkInspections checks the demo's two inspections (TestSampleHandling).
func checkInspections(t *testing.T, ctx context.Context, s *gpkg.Store, now time.Time) {
	t.Helper()
	plans, err := s.Inspections(ctx, floorplan.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[floorplan.InspectionKind]floorplan.Inspection{}
	for _, p := range plans {
		byKind[p.Kind] = p
	}
	annual, special := byKind[floorplan.InspectAnnual], byKind[floorplan.InspectSpecial]
	if len(plans) != 2 || annual.State != floorplan.PlanClosed || special.State != floorplan.PlanStarted {
		t.Fatalf("plans %d: annual %q, special %q; want a closed annual and a started special plan", len(plans), annual.State, special.State)
	}
	items, err := s.InspectionItems(ctx, floorplan.ItemFilter{InspectionID: annual.ID})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, it := range items {
		count[it.State]++
		if it.Overdue(now) {
			count["overdue"]++
		}
		if it.State == floorplan.ItemFixed && it.Finding != nil && findingHolds(t, ctx, s, *it.Finding, now) {
			t.Errorf("item %s verified fixed, but its finding holds today: %s", it.ID, it.Finding.Message)
		}
	}
	t.Logf("annual plan: %d items %v", len(items), count)
	if count[floorplan.ItemFixed] < 1 || count["overdue"] < 1 || count[floorplan.ItemReferred] < 1 || count[floorplan.ItemNotFixed] < 1 ||
		count[floorplan.ItemAnswered] < 1 || annual.Items != len(items) || len(items) < 10 {
		t.Errorf("annual plan items %v of %d; want ≥1 fixed, not fixed, answered, referred and overdue among ≥10", count, len(items))
	}
	open, err := s.InspectionItems(ctx, floorplan.ItemFilter{InspectionID: special.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) == 0 || open[0].State != floorplan.ItemNotified || open[0].Overdue(now) {
		t.Errorf("special plan: %d items, first %+v; want some, the first notified and not overdue", len(open), open)
	}
}

// findingHolds reports whether today's register has a finding of f's rule about f's subject.
func findingHolds(t *testing.T, ctx context.Context, s *gpkg.Store, f floorplan.Finding, now time.Time) bool {
	t.Helper()
	holds := false
	err := floorplan.NewRegister(s).EvaluateParts(ctx, now, nil, func(part *floorplan.Report) error {
		for _, g := range part.Findings {
			holds = holds || g.RuleID == f.RuleID && g.SubjectID == f.SubjectID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return holds
}
