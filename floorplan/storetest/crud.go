package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

func testSites(t *testing.T, s floorplan.Store) {
	ctx := ctxFor(t)
	a := floorplan.Site{Name: "市级机关第二办公区", Address: "常州市新北区", Category: "office.party_government",
		Ownership: floorplan.OwnershipFiled, Note: "权属资料缺失，已备案",
		Records: []floorplan.OwnershipRecord{{Kind: "备案", Number: "备-2021-17", IssuedOn: floorplan.Day(2021, 3, 4), Holder: "机关事务管理局"}}}
	must(t, s.CreateSite(ctx, &a))
	if a.ID == uuid.Nil {
		t.Fatal("CreateSite left the id nil")
	}
	got, err := s.Site(ctx, a.ID)
	must(t, err)
	sameJSON(t, "site read back", got, a)

	given := uuid.New()
	b := floorplan.Site{ID: given, Name: "甲区", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &b))
	if b.ID != given {
		t.Errorf("CreateSite replaced the given id %s with %s", given, b.ID)
	}
	if got, err := s.Site(ctx, b.ID); err != nil || got.Records == nil || len(got.Records) != 0 {
		t.Errorf("a site without records reads back with records %#v (err %v), want an empty list", got.Records, err)
	}
	dup := floorplan.Site{ID: given, Name: "重复", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	wantErr(t, "CreateSite with an existing id", s.CreateSite(ctx, &dup), floorplan.ErrInvalid)

	list, err := s.Sites(ctx)
	must(t, err)
	if len(list) != 2 || !slices.ContainsFunc(list, func(x floorplan.Site) bool { return x.ID == a.ID }) ||
		!slices.ContainsFunc(list, func(x floorplan.Site) bool { return x.ID == b.ID }) {
		t.Errorf("Sites = %v, want both sites", names(list, func(x floorplan.Site) string { return x.Name }))
	}

	a.Name, a.Ownership = "市级机关第二办公区（新）", floorplan.OwnershipRegistered
	a.Records = append(a.Records, floorplan.OwnershipRecord{Kind: "不动产权证", Number: "苏(2023)常州市不动产权第0000002号"})
	must(t, s.UpdateSite(ctx, &a))
	got, err = s.Site(ctx, a.ID)
	must(t, err)
	sameJSON(t, "site after update", got, a)

	for _, bad := range []floorplan.Site{
		{Name: " ", Category: "office.other", Ownership: floorplan.OwnershipRegistered},
		{Name: "无权属", Category: "office.other", Ownership: "owned"},
		{Name: "无类别", Category: "office.palace", Ownership: floorplan.OwnershipRegistered}, // not in the built-in classification
		{Name: "无证书种类", Category: "office.other", Ownership: floorplan.OwnershipRegistered,
			Records: []floorplan.OwnershipRecord{{Number: "001"}}},
	} {
		wantErr(t, "CreateSite "+bad.Name, s.CreateSite(ctx, &bad), floorplan.ErrInvalid)
	}

	bld := floorplan.Building{SiteID: b.ID, Name: "楼", Georef: geo.Georef{Origin: origin()}} // scale 0 means 1
	must(t, s.CreateBuilding(ctx, &bld))
	if got, err := s.Building(ctx, bld.ID); err != nil || got.Georef != bld.Georef {
		t.Errorf("a building with the zero scale reads back as %+v (err %v)", got.Georef, err)
	}
	wantErr(t, "DeleteSite with a building", s.DeleteSite(ctx, b.ID), floorplan.ErrInUse)
	must(t, s.DeleteBuilding(ctx, bld.ID))
	must(t, s.DeleteSite(ctx, b.ID))
	wantErr(t, "Site after delete", errOf(s.Site(ctx, b.ID)), floorplan.ErrNotFound)
	wantErr(t, "DeleteSite twice", s.DeleteSite(ctx, b.ID), floorplan.ErrNotFound)
	list, err = s.Sites(ctx)
	must(t, err)
	if len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("Sites after delete = %v", names(list, func(x floorplan.Site) string { return x.Name }))
	}
}

func testBuildings(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	got, err := s.Building(ctx, f.building.ID)
	must(t, err)
	sameJSON(t, "building read back", got, f.building)
	samePolygon(t, "footprint read back", got.Footprint, f.building.Footprint)

	other := floorplan.Site{Name: "另一房产", Category: "office.other", Ownership: floorplan.OwnershipRegistered}
	must(t, s.CreateSite(ctx, &other))
	b2 := floorplan.Building{SiteID: other.ID, Name: "附楼", SourceID: "dxf:annex",
		Georef: geo.Georef{Origin: orb.Point{origin()[0] + 0.01, origin()[1]}, RotationDeg: -12.5, Scale: 1}}
	must(t, s.CreateBuilding(ctx, &b2))
	got, err = s.Building(ctx, b2.ID)
	must(t, err)
	if got.Footprint != nil {
		t.Errorf("a building without footprint reads back with %v", got.Footprint)
	}
	sameJSON(t, "building without footprint", got, b2)

	all, err := s.Buildings(ctx, uuid.Nil)
	must(t, err)
	if len(all) != 2 {
		t.Errorf("Buildings(all) = %d buildings, want 2", len(all))
	}
	of, err := s.Buildings(ctx, other.ID)
	must(t, err)
	if len(of) != 1 || of[0].ID != b2.ID {
		t.Errorf("Buildings(site) = %v, want 附楼", names(of, func(x floorplan.Building) string { return x.Name }))
	}

	dup := floorplan.Building{SiteID: other.ID, Name: "重复导入", SourceID: "dxf:annex", Georef: b2.Georef}
	wantErr(t, "a second building with the same source id", s.CreateBuilding(ctx, &dup), floorplan.ErrInvalid)
	lost := floorplan.Building{SiteID: uuid.New(), Name: "无主", Georef: b2.Georef}
	wantErr(t, "a building of an unknown site", s.CreateBuilding(ctx, &lost), floorplan.ErrInvalid)

	b2.Name, b2.Address, b2.Footprint = "附楼（改）", "2号楼", rect(0, 0, 30, 12)
	must(t, s.UpdateBuilding(ctx, &b2))
	got, err = s.Building(ctx, b2.ID)
	must(t, err)
	sameJSON(t, "building after update", got, b2)
	samePolygon(t, "footprint after update", got.Footprint, b2.Footprint)

	wantErr(t, "DeleteBuilding with floors", s.DeleteBuilding(ctx, f.building.ID), floorplan.ErrInUse)
	must(t, s.DeleteBuilding(ctx, b2.ID))
	wantErr(t, "Building after delete", errOf(s.Building(ctx, b2.ID)), floorplan.ErrNotFound)
	wantErr(t, "UpdateBuilding after delete", s.UpdateBuilding(ctx, &b2), floorplan.ErrNotFound)
}

func testFloors(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	got, err := s.Floor(ctx, f.floor(0).ID)
	must(t, err)
	sameJSON(t, "floor read back", got, f.floor(0))
	samePolygon(t, "outline read back", got.Outline, f.floor(0).Outline)

	roof := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 5, Name: "屋面", Elevation: 21.6}
	must(t, s.CreateFloor(ctx, &roof))
	list, err := s.Floors(ctx, f.building.ID)
	must(t, err)
	var ords []int
	for _, fl := range list {
		ords = append(ords, fl.Ordinal)
	}
	if !slices.Equal(ords, []int{-1, 0, 1, 5}) {
		t.Errorf("Floors ordinals = %v, want [-1 0 1 5]", ords)
	}
	if list[3].Outline != nil {
		t.Errorf("a floor without outline reads back with %v", list[3].Outline)
	}

	dup := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 1, Name: "又一个2F"}
	wantErr(t, "a second floor with the same ordinal", s.CreateFloor(ctx, &dup), floorplan.ErrInvalid)
	lost := floorplan.Floor{BuildingID: uuid.New(), Ordinal: 0, Name: "1F"}
	wantErr(t, "a floor of an unknown building", s.CreateFloor(ctx, &lost), floorplan.ErrInvalid)

	roof.Name, roof.Ordinal, roof.Elevation, roof.Outline = "顶层", 4, 18, rect(0, 0, 20, 20)
	must(t, s.UpdateFloor(ctx, &roof))
	got, err = s.Floor(ctx, roof.ID)
	must(t, err)
	sameJSON(t, "floor after update", got, roof)
	samePolygon(t, "outline after update", got.Outline, roof.Outline)

	roof.Ordinal = 0
	wantErr(t, "UpdateFloor onto a taken ordinal", s.UpdateFloor(ctx, &roof), floorplan.ErrInvalid)
	roof.Ordinal = 4

	b2 := floorplan.Building{SiteID: f.site.ID, Name: "二号楼", Georef: f.building.Georef}
	must(t, s.CreateBuilding(ctx, &b2))
	moved := roof
	moved.BuildingID = b2.ID
	wantErr(t, "moving a floor to another building", s.UpdateFloor(ctx, &moved), floorplan.ErrInvalid)

	f.room(t, 1, "201", rect(0, 0, 5, 5))
	wantErr(t, "DeleteFloor with rooms", s.DeleteFloor(ctx, f.floor(1).ID), floorplan.ErrInUse)
	must(t, s.DeleteFloor(ctx, roof.ID))
	wantErr(t, "Floor after delete", errOf(s.Floor(ctx, roof.ID)), floorplan.ErrNotFound)
	again := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 4, Name: "顶层（重建）"}
	must(t, s.CreateFloor(ctx, &again)) // the ordinal of a deleted floor is free again
}

func testRooms(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	c := clockOf(t, s)
	before := c.Now().Add(-time.Second)
	r := floorplan.Room{FloorID: f.floor(0).ID, Number: "101", Name: "局长办公室", Usage: floorplan.UsageOffice,
		AgencyID: f.agencies[0].ID, SourceID: "dxf:101", Geometry: rect(0, 0, 6, 5)}
	must(t, s.CreateRoom(ctx, &r))
	if r.ID == uuid.Nil || r.Version != 1 {
		t.Errorf("CreateRoom: id %s version %d, want an id and version 1", r.ID, r.Version)
	}
	if r.State != floorplan.RoomInUse {
		t.Errorf("CreateRoom: state %q, want the default in_use", r.State)
	}
	if r.CreatedAt.Before(before) || r.CreatedAt.After(c.Now().Add(time.Second)) {
		t.Errorf("CreateRoom: CreatedAt %v is not now (%v)", r.CreatedAt, c.Now())
	}
	got, err := s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "room read back", got, r)
	samePolygon(t, "room geometry read back", got.Geometry, r.Geometry)
	if got.Area() != 30 {
		t.Errorf("room area %v, want 30", got.Area())
	}

	registered := floorplan.Day(2019, 6, 1)
	old := floorplan.Room{FloorID: f.floor(0).ID, Number: "102", Usage: floorplan.UsageService, State: floorplan.RoomIdle,
		IdleSince: floorplan.Day(2024, 2, 1), Geometry: rect(6, 0, 12, 5), CreatedAt: registered}
	must(t, s.CreateRoom(ctx, &old))
	got, err = s.Room(ctx, old.ID)
	must(t, err)
	if !got.CreatedAt.Equal(registered) {
		t.Errorf("a given CreatedAt %v reads back as %v", registered, got.CreatedAt)
	}
	sameJSON(t, "room without agency read back", got, old)
	r2 := f.room(t, 1, "201", rect(0, 0, 6, 5))
	r3 := f.room(t, -1, "B01", rect(0, 0, 6, 5))
	r3b := f.room(t, 0, "103", rect(12, 0, 18, 5))
	r3b.AgencyID = f.agencies[1].ID
	must(t, s.UpdateRoom(ctx, &r3b))

	for _, tc := range []struct {
		name   string
		filter floorplan.RoomFilter
		want   []uuid.UUID
	}{
		{"all, by ordinal then number", floorplan.RoomFilter{}, []uuid.UUID{r3.ID, r.ID, old.ID, r3b.ID, r2.ID}},
		{"floor", floorplan.RoomFilter{FloorID: f.floor(0).ID}, []uuid.UUID{r.ID, old.ID, r3b.ID}},
		{"building", floorplan.RoomFilter{BuildingID: f.building.ID}, []uuid.UUID{r3.ID, r.ID, old.ID, r3b.ID, r2.ID}},
		{"other building", floorplan.RoomFilter{BuildingID: uuid.New()}, nil},
		{"agency", floorplan.RoomFilter{AgencyID: f.agencies[0].ID}, []uuid.UUID{r3.ID, r.ID, r2.ID}},
		{"number", floorplan.RoomFilter{Number: "201"}, []uuid.UUID{r2.ID}},
		{"floor and agency", floorplan.RoomFilter{FloorID: f.floor(0).ID, AgencyID: f.agencies[1].ID}, []uuid.UUID{r3b.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Rooms(ctx, tc.filter)
			must(t, err)
			if ids := IDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("Rooms(%+v) = %v, want %v", tc.filter, ids, tc.want)
			}
		})
	}

	r.Name, r.Usage, r.Geometry, r.State = "会议室", floorplan.UsageService, rect(0, 0, 6, 4), floorplan.RoomUnderRepair
	must(t, s.UpdateRoom(ctx, &r))
	if r.Version != 2 {
		t.Errorf("UpdateRoom: version %d, want 2", r.Version)
	}
	got, err = s.Room(ctx, r.ID)
	must(t, err)
	sameJSON(t, "room after update", got, r)
	samePolygon(t, "room geometry after update", got.Geometry, r.Geometry)

	r.FloorID = f.floor(1).ID // moved upstairs, where 201 is at (0,0)-(6,5)
	r.Geometry = rect(6, 0, 12, 5)
	must(t, s.UpdateRoom(ctx, &r))
	got, err = s.Room(ctx, r.ID)
	must(t, err)
	if got.FloorID != f.floor(1).ID || got.Version != 3 {
		t.Errorf("room moved to another floor reads back on floor %s version %d", got.FloorID, got.Version)
	}

	lost := f.newRoom(0, "999", rect(40, 0, 45, 5))
	lost.FloorID = uuid.New()
	wantErr(t, "a room on an unknown floor", s.CreateRoom(ctx, &lost), floorplan.ErrInvalid)
	lost = f.newRoom(0, "998", rect(40, 0, 45, 5))
	lost.AgencyID = uuid.New()
	wantErr(t, "a room of an unknown agency", s.CreateRoom(ctx, &lost), floorplan.ErrInvalid)

	must(t, s.DeleteRoom(ctx, r.ID, r.Version))
	wantErr(t, "Room after delete", errOf(s.Room(ctx, r.ID)), floorplan.ErrNotFound)
	wantErr(t, "UpdateRoom after delete", s.UpdateRoom(ctx, &r), floorplan.ErrNotFound)
}

func testAgencies(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	got, err := s.Agency(ctx, f.agencies[0].ID)
	must(t, err)
	sameJSON(t, "agency read back", got, f.agencies[0])

	child := floorplan.Agency{Name: "常州市公共资源交易中心", ShortName: "交易中心", Level: floorplan.LevelMunicipal,
		Scale: floorplan.LevelCounty, ParentID: f.agencies[1].ID, Headcount: 12, ApprovedAreaM2: 300.5}
	must(t, s.CreateAgency(ctx, &child))
	if child.Status != floorplan.AgencyActive {
		t.Errorf("CreateAgency: status %q, want the default active", child.Status)
	}
	got, err = s.Agency(ctx, child.ID)
	must(t, err)
	sameJSON(t, "child agency read back", got, child)

	orphan := floorplan.Agency{Name: "孤儿单位", Level: floorplan.LevelCounty, ParentID: uuid.New()}
	wantErr(t, "an agency with an unknown parent", s.CreateAgency(ctx, &orphan), floorplan.ErrInvalid)
	bad := floorplan.Agency{Name: "无级别", Level: "city"}
	wantErr(t, "an agency with an unknown level", s.CreateAgency(ctx, &bad), floorplan.ErrInvalid)

	child.Status, child.StatusDate, child.SuccessorID = floorplan.AgencyMerged, floorplan.Day(2025, 1, 1), f.agencies[0].ID
	must(t, s.UpdateAgency(ctx, &child))
	got, err = s.Agency(ctx, child.ID)
	must(t, err)
	sameJSON(t, "agency after update", got, child)

	list, err := s.Agencies(ctx)
	must(t, err)
	if len(list) != 3 {
		t.Errorf("Agencies = %d, want 3", len(list))
	}
	wantErr(t, "DeleteAgency named as parent and successor", s.DeleteAgency(ctx, f.agencies[1].ID), floorplan.ErrInUse)
	f.person(t, "王芳", floorplan.RankStaff)
	wantErr(t, "DeleteAgency with people", s.DeleteAgency(ctx, f.agencies[0].ID), floorplan.ErrInUse)
	must(t, s.DeleteAgency(ctx, child.ID))
	wantErr(t, "Agency after delete", errOf(s.Agency(ctx, child.ID)), floorplan.ErrNotFound)
	must(t, s.DeleteAgency(ctx, f.agencies[1].ID))
}

func testPeople(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	p := floorplan.Person{Name: "李明", AgencyID: f.agencies[0].ID, Rank: floorplan.RankBureau, Title: "局长",
		Posts: []floorplan.Post{
			{Title: "党组书记", AgencyID: f.agencies[0].ID, Start: floorplan.Day(2020, 1, 1)},
			{Title: "发改委副主任（兼）", AgencyID: f.agencies[1].ID, Start: floorplan.Day(2023, 5, 1), End: floorplan.Day(2026, 5, 1)},
		}}
	must(t, s.CreatePerson(ctx, &p))
	if p.ID == uuid.Nil || p.Posts[0].ID == uuid.Nil || p.Posts[1].ID == uuid.Nil || p.Status != floorplan.PersonActive {
		t.Fatalf("CreatePerson left ids or the default status unset: %+v", p)
	}
	got, err := s.Person(ctx, p.ID)
	must(t, err)
	sameJSON(t, "person read back", got, p)

	p.Rank, p.Title = floorplan.RankViceBureau, "副局长"
	p.Posts = []floorplan.Post{
		{ID: p.Posts[1].ID, Title: "发改委副主任（兼）", AgencyID: f.agencies[1].ID, Start: floorplan.Day(2023, 5, 1), End: floorplan.Day(2025, 5, 1)},
		{Title: "工会主席", Start: floorplan.Day(2024, 1, 1)},
	}
	must(t, s.UpdatePerson(ctx, &p))
	if p.Posts[1].ID == uuid.Nil {
		t.Error("UpdatePerson did not give the new post an id")
	}
	got, err = s.Person(ctx, p.ID)
	must(t, err)
	sameJSON(t, "person after update (a post dropped, one changed, one added)", got, p)

	q := floorplan.Person{Name: "赵伟", AgencyID: f.agencies[1].ID, Rank: floorplan.RankStaff, Status: floorplan.PersonRetired,
		StatusDate: floorplan.Day(2024, 12, 31)}
	must(t, s.CreatePerson(ctx, &q))
	of, err := s.People(ctx, floorplan.PersonFilter{AgencyID: f.agencies[1].ID})
	must(t, err)
	if len(of) != 1 || of[0].ID != q.ID {
		t.Errorf("People(agency) = %v", names(of, func(x floorplan.Person) string { return x.Name }))
	}
	all, err := s.People(ctx, floorplan.PersonFilter{})
	must(t, err)
	if i := slices.IndexFunc(all, func(x floorplan.Person) bool { return x.ID == p.ID }); len(all) != 2 || i < 0 {
		t.Errorf("People = %v, want 李明 and 赵伟", names(all, func(x floorplan.Person) string { return x.Name }))
	} else {
		sameJSON(t, "People lists posts", all[i].Posts, p.Posts)
	}

	bad := floorplan.Person{Name: "无单位", Rank: floorplan.RankStaff}
	wantErr(t, "a person without agency", s.CreatePerson(ctx, &bad), floorplan.ErrInvalid)
	bad = floorplan.Person{Name: "错单位", AgencyID: uuid.New(), Rank: floorplan.RankStaff}
	wantErr(t, "a person of an unknown agency", s.CreatePerson(ctx, &bad), floorplan.ErrInvalid)
	bad = floorplan.Person{Name: "错职级", AgencyID: f.agencies[0].ID, Rank: "general"}
	wantErr(t, "a person with an unknown rank", s.CreatePerson(ctx, &bad), floorplan.ErrInvalid)

	c := clockOf(t, s)
	room := f.room(t, 0, "101", rect(0, 0, 6, 5))
	a := f.assign(t, q, room, floorplan.Day(2020, 1, 1))
	wantErr(t, "DeletePerson with a room", s.DeletePerson(ctx, q.ID), floorplan.ErrInUse)
	a.End = day(c, 0)
	must(t, s.UpdateAssignment(ctx, &a))
	must(t, s.DeletePerson(ctx, q.ID))
	wantErr(t, "Person after delete", errOf(s.Person(ctx, q.ID)), floorplan.ErrNotFound)
	wantErr(t, "UpdatePerson after delete", s.UpdatePerson(ctx, &q), floorplan.ErrNotFound)
}

func testAssignments(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	c := clockOf(t, s)
	p := f.person(t, "陈静", floorplan.RankDivision)
	q := f.person(t, "周涛", floorplan.RankStaff)
	r1 := f.room(t, 0, "101", rect(0, 0, 6, 5))
	r2 := f.room(t, 0, "102", rect(6, 0, 12, 5))
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r1.ID, Start: floorplan.Day(2022, 1, 1), End: floorplan.Day(2024, 1, 1)}
	must(t, s.CreateAssignment(ctx, &a))
	if a.ID == uuid.Nil || a.Version != 1 || a.Kind != floorplan.AssignMain {
		t.Errorf("CreateAssignment: %+v, want an id, version 1 and the default kind main", a)
	}
	got, err := s.Assignment(ctx, a.ID)
	must(t, err)
	sameJSON(t, "assignment read back", got, a)
	b := f.assign(t, p, r2, floorplan.Day(2024, 1, 1))
	d := f.assign(t, q, r2, floorplan.Day(2023, 6, 1))

	for _, tc := range []struct {
		name   string
		filter floorplan.AssignmentFilter
		want   []uuid.UUID
	}{
		{"all by start", floorplan.AssignmentFilter{}, []uuid.UUID{a.ID, d.ID, b.ID}},
		{"person", floorplan.AssignmentFilter{PersonID: p.ID}, []uuid.UUID{a.ID, b.ID}},
		{"room", floorplan.AssignmentFilter{RoomID: r2.ID}, []uuid.UUID{d.ID, b.ID}},
		{"active on the start day", floorplan.AssignmentFilter{PersonID: p.ID, ActiveOn: floorplan.Day(2022, 1, 1)}, []uuid.UUID{a.ID}},
		{"not active on the end day", floorplan.AssignmentFilter{ActiveOn: floorplan.Day(2024, 1, 1)}, []uuid.UUID{d.ID, b.ID}},
		{"active before any", floorplan.AssignmentFilter{ActiveOn: floorplan.Day(2021, 1, 1)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Assignments(ctx, tc.filter)
			must(t, err)
			if ids := IDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("Assignments(%+v) = %v, want %v", tc.filter, ids, tc.want)
			}
		})
	}

	p.Posts = []floorplan.Post{{Title: "纪检组长（兼）", AgencyID: f.agencies[1].ID}}
	must(t, s.UpdatePerson(ctx, &p))
	second := floorplan.Assignment{PersonID: p.ID, RoomID: r1.ID, Kind: floorplan.AssignSecond, PostID: p.Posts[0].ID,
		ApprovalRef: "常管〔2024〕3号", Start: floorplan.Day(2024, 3, 1)}
	must(t, s.CreateAssignment(ctx, &second))
	got, err = s.Assignment(ctx, second.ID)
	must(t, err)
	sameJSON(t, "second office read back", got, second)
	foreign := floorplan.Assignment{PersonID: q.ID, RoomID: r1.ID, Kind: floorplan.AssignSecond, PostID: p.Posts[0].ID,
		Start: floorplan.Day(2024, 3, 1)}
	wantErr(t, "an assignment for another person's post", s.CreateAssignment(ctx, &foreign), floorplan.ErrInvalid)
	bad := floorplan.Assignment{PersonID: q.ID, RoomID: r1.ID, Start: floorplan.Day(2024, 3, 1), End: floorplan.Day(2024, 2, 1)}
	wantErr(t, "an assignment ending before it starts", s.CreateAssignment(ctx, &bad), floorplan.ErrInvalid)
	bad = floorplan.Assignment{PersonID: q.ID, RoomID: uuid.New(), Start: floorplan.Day(2024, 3, 1)}
	wantErr(t, "an assignment to an unknown room", s.CreateAssignment(ctx, &bad), floorplan.ErrInvalid)

	b.End = floorplan.Day(2030, 1, 1)
	must(t, s.UpdateAssignment(ctx, &b))
	if b.Version != 2 {
		t.Errorf("UpdateAssignment: version %d, want 2", b.Version)
	}
	got, err = s.Assignment(ctx, b.ID)
	must(t, err)
	sameJSON(t, "assignment after update", got, b)

	wantErr(t, "DeleteRoom with people in it", s.DeleteRoom(ctx, r2.ID, r2.Version), floorplan.ErrInUse)
	must(t, s.DeleteAssignment(ctx, b.ID, b.Version))
	wantErr(t, "Assignment after delete", errOf(s.Assignment(ctx, b.ID)), floorplan.ErrNotFound)
	d.End = day(c, 0) // handed back today: no longer in use
	must(t, s.UpdateAssignment(ctx, &d))
	must(t, s.DeleteRoom(ctx, r2.ID, r2.Version))
}

func testStandardRows(t *testing.T, s floorplan.Store) {
	ctx := ctxFor(t)
	rows, err := s.StandardRows(ctx)
	must(t, err)
	if len(rows) != 0 {
		t.Fatalf("a new store has %d local standard rows", len(rows))
	}
	a := floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: floorplan.RankBureau, Title: "市级正局（处）级",
		AreaM2: 24, Effective: floorplan.Day(2024, 1, 1), Jurisdiction: "常州市", Source: "常州市实施细则 第五条"}
	b := floorplan.StandardRow{Scale: floorplan.LevelCounty, Rank: floorplan.RankSection, Title: "正科级", AreaM2: 18,
		Effective: floorplan.Day(2023, 1, 1), Jurisdiction: "常州市", Source: "常州市实施细则 第六条"}
	must(t, s.PutStandardRow(ctx, a))
	must(t, s.PutStandardRow(ctx, b))
	a.AreaM2, a.ToiletAllowanceM2, a.Source = 20, 6, "常州市实施细则（2024修订）第五条"
	must(t, s.PutStandardRow(ctx, a))
	rows, err = s.StandardRows(ctx)
	must(t, err)
	sameJSON(t, "standard rows (the second put replaced the first)", rows, []floorplan.StandardRow{b, a})
	bad := a
	bad.AreaM2 = 0
	wantErr(t, "a standard row with no area", s.PutStandardRow(ctx, bad), floorplan.ErrInvalid)
	bad = a
	bad.Rank = "emperor"
	wantErr(t, "a standard row with an unknown rank", s.PutStandardRow(ctx, bad), floorplan.ErrInvalid)
}

func testNotFound(t *testing.T, s floorplan.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	p := f.person(t, "孙丽", floorplan.RankStaff)
	r := f.room(t, 0, "101", rect(0, 0, 6, 5))
	id := uuid.New()
	site := f.site
	site.ID = id
	b := f.building
	b.ID = id
	fl := f.floor(0)
	fl.ID = id
	room := r
	room.ID = id
	ag := f.agencies[0]
	ag.ID = id
	pe := p
	pe.ID = id
	as := floorplan.Assignment{ID: id, PersonID: p.ID, RoomID: r.ID, Start: floorplan.Day(2024, 1, 1), Version: 1}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Site", errOf(s.Site(ctx, id))},
		{"Building", errOf(s.Building(ctx, id))},
		{"Floor", errOf(s.Floor(ctx, id))},
		{"Room", errOf(s.Room(ctx, id))},
		{"Agency", errOf(s.Agency(ctx, id))},
		{"Person", errOf(s.Person(ctx, id))},
		{"Assignment", errOf(s.Assignment(ctx, id))},
		{"UpdateSite", s.UpdateSite(ctx, &site)},
		{"UpdateBuilding", s.UpdateBuilding(ctx, &b)},
		{"UpdateFloor", s.UpdateFloor(ctx, &fl)},
		{"UpdateRoom", s.UpdateRoom(ctx, &room)},
		{"UpdateAgency", s.UpdateAgency(ctx, &ag)},
		{"UpdatePerson", s.UpdatePerson(ctx, &pe)},
		{"UpdateAssignment", s.UpdateAssignment(ctx, &as)},
		{"DeleteSite", s.DeleteSite(ctx, id)},
		{"DeleteBuilding", s.DeleteBuilding(ctx, id)},
		{"DeleteFloor", s.DeleteFloor(ctx, id)},
		{"DeleteRoom", s.DeleteRoom(ctx, id, 1)},
		{"DeleteAgency", s.DeleteAgency(ctx, id)},
		{"DeletePerson", s.DeletePerson(ctx, id)},
		{"DeleteAssignment", s.DeleteAssignment(ctx, id, 1)},
	} {
		wantErr(t, tc.name, tc.err, floorplan.ErrNotFound)
	}
	h, err := s.History(ctx, floorplan.EntityRoom, id)
	must(t, err)
	if len(h) != 0 {
		t.Errorf("History of an unknown room has %d changes", len(h))
	}
}

// errOf keeps the error of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

// names lists a field of each element, for messages.
func names[T any](xs []T, name func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}
