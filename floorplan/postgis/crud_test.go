package postgis_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

func TestRoundTrips(t *testing.T) {
	s, f := openFixture(t)
	ctx := f.ctx

	t.Run("site", func(t *testing.T) {
		got, err := s.Site(ctx, f.site.ID)
		must(t, err)
		if !equalJSON(t, got, f.site) {
			t.Error("site differs")
		}
		f.site.Records = append(f.site.Records, floorplan.OwnershipRecord{Kind: "土地使用证", Number: "常国用(2001)第1号",
			IssuedOn: floorplan.Day(2001, 5, 1), Holder: "常州市机关事务管理局"})
		f.site.Ownership = floorplan.OwnershipFiled
		must(t, s.UpdateSite(ctx, &f.site))
		got, err = s.Site(ctx, f.site.ID)
		must(t, err)
		if !equalJSON(t, got, f.site) {
			t.Error("updated site differs")
		}
		sites, err := s.Sites(ctx)
		must(t, err)
		if !containsID(sites, f.site.ID, func(x floorplan.Site) uuid.UUID { return x.ID }) {
			t.Error("Sites misses the site")
		}
	})
	t.Run("building", func(t *testing.T) {
		got, err := s.Building(ctx, f.building.ID)
		must(t, err)
		if !equalJSON(t, got, f.building) || !equalPolygon(got.Footprint, f.building.Footprint) {
			t.Errorf("building differs: %+v", got)
		}
		bs, err := s.Buildings(ctx, f.site.ID)
		must(t, err)
		if len(bs) != 1 || bs[0].ID != f.building.ID {
			t.Errorf("Buildings(site) = %d buildings", len(bs))
		}
		all, err := s.Buildings(ctx, uuid.Nil)
		must(t, err)
		if !containsID(all, f.building.ID, func(x floorplan.Building) uuid.UUID { return x.ID }) {
			t.Error("Buildings(Nil) misses the building")
		}
	})
	t.Run("floor", func(t *testing.T) {
		fl := f.floor(1)
		fl.Name, fl.Elevation, fl.Outline = "二层", 4.2, nil
		must(t, s.UpdateFloor(ctx, &fl))
		got, err := s.Floor(ctx, fl.ID)
		must(t, err)
		if !equalJSON(t, got, fl) || got.Outline != nil {
			t.Errorf("floor differs: %+v", got)
		}
		fls, err := s.Floors(ctx, f.building.ID)
		must(t, err)
		if len(fls) != 3 || fls[0].Ordinal != -1 || fls[2].Ordinal != 1 {
			t.Errorf("Floors by ordinal: %+v", fls)
		}
		fl.BuildingID = uuid.New()
		if err := s.UpdateFloor(ctx, &fl); !errors.Is(err, floorplan.ErrInvalid) {
			t.Errorf("moving a floor to another building: %v", err)
		}
	})
	t.Run("room", func(t *testing.T) {
		r := f.newRoom(0, "1001", orb.Polygon{
			{{0, 0}, {10, 0}, {10, 8}, {0, 8}, {0, 0}},
			{{2, 2}, {2, 3}, {3, 3}, {3, 2}, {2, 2}}, // a column
		})
		r.Name, r.State, r.IdleSince, r.SourceID = "档案室", floorplan.RoomIdle, floorplan.Day(2024, 2, 29), "cad:A-1001"
		r.Usage = floorplan.UsageService
		must(t, s.CreateRoom(ctx, &r))
		got, err := s.Room(ctx, r.ID)
		must(t, err)
		if !equalJSON(t, got, r) || got.Area() != 79 {
			t.Errorf("room differs: %+v", got)
		}
		rs, err := s.Rooms(ctx, floorplan.RoomFilter{Number: "1001", FloorID: r.FloorID})
		must(t, err)
		if len(rs) != 1 || !equalJSON(t, rs[0], r) {
			t.Errorf("Rooms misses the room")
		}
		r.AgencyID = uuid.Nil
		must(t, s.UpdateRoom(ctx, &r))
		got, err = s.Room(ctx, r.ID)
		must(t, err)
		if got.AgencyID != uuid.Nil || got.Version != 2 {
			t.Errorf("room after unassigning its agency: %+v", got)
		}
		must(t, s.DeleteRoom(ctx, r.ID, r.Version))
		if _, err := s.Room(ctx, r.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("deleted room: %v", err)
		}
	})
	t.Run("agency", func(t *testing.T) {
		a := floorplan.Agency{Name: "常州市合并局", ShortName: "合并局", Level: floorplan.LevelMunicipal,
			Scale: floorplan.LevelCounty, ParentID: f.agencies[0].ID, Headcount: 12, ApprovedAreaM2: 300.5,
			Status: floorplan.AgencyMerged, StatusDate: floorplan.Day(2024, 3, 1), SuccessorID: f.agencies[1].ID}
		must(t, s.CreateAgency(ctx, &a))
		got, err := s.Agency(ctx, a.ID)
		must(t, err)
		if !equalJSON(t, got, a) {
			t.Error("agency differs")
		}
		a.Headcount = 0
		must(t, s.UpdateAgency(ctx, &a))
		all, err := s.Agencies(ctx)
		must(t, err)
		if !containsID(all, a.ID, func(x floorplan.Agency) uuid.UUID { return x.ID }) {
			t.Error("Agencies misses the agency")
		}
		must(t, s.DeleteAgency(ctx, a.ID))
		if _, err := s.Agency(ctx, a.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("deleted agency: %v", err)
		}
	})
	t.Run("person with posts", func(t *testing.T) {
		p := floorplan.Person{Name: "孙丽", AgencyID: f.agencies[0].ID, Rank: floorplan.RankViceDivision, Title: "副局长",
			Status: floorplan.PersonActive, Posts: []floorplan.Post{
				{Title: "领导小组副组长", AgencyID: f.agencies[1].ID, Start: floorplan.Day(2022, 1, 1)},
				{Title: "工作专班成员", Start: floorplan.Day(2023, 1, 1), End: floorplan.Day(2024, 1, 1)},
			}}
		must(t, s.CreatePerson(ctx, &p))
		if p.Posts[0].ID == uuid.Nil || p.CreatedAt.IsZero() {
			t.Fatalf("CreatePerson did not fill in ids: %+v", p)
		}
		got, err := s.Person(ctx, p.ID)
		must(t, err)
		if !equalJSON(t, got, p) {
			t.Error("person differs")
		}
		p.Posts = p.Posts[1:]
		p.Status, p.StatusDate = floorplan.PersonRetired, floorplan.Day(2025, 1, 1)
		must(t, s.UpdatePerson(ctx, &p))
		people, err := s.People(ctx, floorplan.PersonFilter{AgencyID: f.agencies[0].ID})
		must(t, err)
		i := -1
		for k, q := range people {
			if q.ID == p.ID {
				i = k
			}
		}
		if i < 0 || !equalJSON(t, people[i], p) {
			t.Errorf("People has not the updated person")
		}
		must(t, s.DeletePerson(ctx, p.ID))
		if _, err := s.Person(ctx, p.ID); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("deleted person: %v", err)
		}
	})
	t.Run("standard rows", func(t *testing.T) {
		row := floorplan.StandardRow{Scale: floorplan.LevelCounty, Rank: floorplan.RankSection, Title: "乡科级正职",
			AreaM2: 12, Effective: floorplan.Day(2025, 7, 1), Jurisdiction: "常州市" + t.Name(), Source: "常政办〔2025〕1号"}
		must(t, s.PutStandardRow(ctx, row))
		row.AreaM2 = 11
		must(t, s.PutStandardRow(ctx, row))
		rows, err := s.StandardRows(ctx)
		must(t, err)
		n := 0
		for _, r := range rows {
			if r.Jurisdiction == row.Jurisdiction {
				n++
				if !equalJSON(t, r, row) {
					t.Error("standard row differs")
				}
			}
		}
		if n != 1 {
			t.Errorf("%d rows after replacing one, want 1", n)
		}
		bad := row
		bad.AreaM2 = -1
		if err := s.PutStandardRow(ctx, bad); !errors.Is(err, floorplan.ErrInvalid) {
			t.Errorf("negative standard: %v", err)
		}
	})
}

func containsID[T any](xs []T, id uuid.UUID, key func(T) uuid.UUID) bool {
	for _, x := range xs {
		if key(x) == id {
			return true
		}
	}
	return false
}

func equalPolygon(a, b orb.Polygon) bool { return orb.Equal(a, b) }

func TestErrorsForUsers(t *testing.T) {
	s, f := openFixture(t)
	ctx := f.ctx
	r := f.room(t, 0, "1101", rect(0, 0, 4, 6))
	p := f.person(t, "周杰", floorplan.RankStaff)
	a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Start: floorplan.Day(2024, 1, 1)}
	must(t, s.CreateAssignment(ctx, &a))

	tests := []struct {
		name string
		err  func() error
		want error
		text string // in the message
	}{
		{"duplicate floor ordinal", func() error {
			fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 0, Name: "1F"}
			return s.CreateFloor(ctx, &fl)
		}, floorplan.ErrInvalid, "already has a floor with this ordinal"},
		{"duplicate id", func() error {
			site := f.site
			return s.CreateSite(ctx, &site)
		}, floorplan.ErrInvalid, "already exists"},
		{"unknown floor", func() error {
			x := f.newRoom(0, "x", rect(50, 0, 54, 6))
			x.FloorID = uuid.New()
			return s.CreateRoom(ctx, &x)
		}, floorplan.ErrInvalid, "unknown floor"},
		{"unknown agency", func() error {
			x := f.newRoom(0, "x", rect(50, 0, 54, 6))
			x.AgencyID = uuid.New()
			return s.CreateRoom(ctx, &x)
		}, floorplan.ErrInvalid, "unknown agency"},
		{"unknown site", func() error {
			b := floorplan.Building{SiteID: uuid.New(), Name: "x", Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, floorplan.ErrInvalid, "unknown site"},
		{"invalid category", func() error {
			site := floorplan.Site{Name: "x", Category: "no.such", Ownership: floorplan.OwnershipFiled}
			return s.CreateSite(ctx, &site)
		}, floorplan.ErrInvalid, "category"},
		{"bad georeference", func() error {
			b := f.building
			b.Georef.Origin[1] = 95
			return s.UpdateBuilding(ctx, &b)
		}, geo.ErrInvalid, "latitude"},
		{"site with buildings", func() error { return s.DeleteSite(ctx, f.site.ID) }, floorplan.ErrInUse, "building"},
		{"building with floors", func() error { return s.DeleteBuilding(ctx, f.building.ID) }, floorplan.ErrInUse, "floor"},
		{"floor with rooms", func() error { return s.DeleteFloor(ctx, f.floor(0).ID) }, floorplan.ErrInUse, "room"},
		{"agency with rooms", func() error { return s.DeleteAgency(ctx, f.agencies[0].ID) }, floorplan.ErrInUse, "room"},
		{"occupied room", func() error { return s.DeleteRoom(ctx, r.ID, r.Version) }, floorplan.ErrInUse, "assigned"},
		{"assigned person", func() error { return s.DeletePerson(ctx, p.ID) }, floorplan.ErrInUse, "assigned"},
		{"assignment to a missing person", func() error {
			x := floorplan.Assignment{PersonID: uuid.New(), RoomID: r.ID, Start: floorplan.Day(2024, 1, 1)}
			return s.CreateAssignment(ctx, &x)
		}, floorplan.ErrInvalid, "unknown person"},
		{"assignment ending before it starts", func() error {
			x := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Start: floorplan.Day(2024, 1, 1), End: floorplan.Day(2023, 1, 1)}
			return s.CreateAssignment(ctx, &x)
		}, floorplan.ErrInvalid, "end day"},
		{"missing site", func() error { _, err := s.Site(ctx, uuid.New()); return err }, floorplan.ErrNotFound, "not found"},
		{"missing person update", func() error {
			x := p
			x.ID = uuid.New()
			return s.UpdatePerson(ctx, &x)
		}, floorplan.ErrNotFound, "not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.text) {
				t.Errorf("message %q does not say %q", msg, tc.text)
			}
			for _, leak := range []string{"SQLSTATE", "INSERT", "UPDATE ", "SELECT", "violates", "constraint"} {
				if strings.Contains(msg, leak) {
					t.Errorf("message %q leaks %q", msg, leak)
				}
			}
		})
	}

	// Once the assignment has ended, the room and the person can go.
	a.End = floorplan.Day(2024, 6, 1)
	must(t, s.UpdateAssignment(ctx, &a))
	must(t, s.DeleteRoom(ctx, r.ID, r.Version))
	must(t, s.DeletePerson(ctx, p.ID))
}
