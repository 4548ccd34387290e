package postgis_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/storetest"
	"officemap/floorplan/synth"
	"officemap/geo"
)

func TestAreaAgreesWithPostGIS(t *testing.T) {
	s := openStore(t)
	ctx := ctxFor(t)
	d := synth.Generate(synth.Config{Seed: 7, Buildings: 3, Floors: 2, RoomsPerFloor: 12})
	must(t, d.Load(ctx, floorplan.NewRegister(s)))
	ids := make([]uuid.UUID, len(d.Rooms))
	for i, r := range d.Rooms {
		ids[i] = r.ID
	}
	rows, err := adminPool(t).Query(ctx, `SELECT id, ST_Area(geom), area_m2, ST_Area(geom_ll::geography) FROM rooms WHERE id = ANY($1)`, ids)
	must(t, err)
	defer rows.Close()
	byID := map[uuid.UUID]floorplan.Room{}
	for _, r := range d.Rooms {
		byID[r.ID] = r
	}
	n := 0
	for rows.Next() {
		var (
			id                   uuid.UUID
			planar, stored, geod float64
		)
		must(t, rows.Scan(&id, &planar, &stored, &geod))
		n++
		want := geo.Area(byID[id].Geometry)
		if math.Abs(planar-want) > 1e-9*want || stored != planar {
			t.Errorf("room %s: ST_Area %v, area_m2 %v, geo.Area %v", id, planar, stored, want)
		}
		if rel := math.Abs(geod-want) / want; rel > 1e-4 {
			t.Errorf("room %s: ST_Area(geography) %v differs from geo.Area %v by %.5f %%", id, geod, want, 100*rel)
		}
	}
	must(t, rows.Err())
	if n != len(d.Rooms) {
		t.Fatalf("compared %d rooms, want %d", n, len(d.Rooms))
	}
}

func TestFeatures(t *testing.T) {
	s, f := openFixture(t)
	ctx := f.ctx
	var want []floorplan.Room
	for _, ord := range []int{-1, 0, 1} {
		for i := range 5 {
			x := float64(i) * 4
			want = append(want, f.room(t, ord, "F"+floorName(ord)+string(rune('a'+i)), rect(x, 0, x+4, 6)))
		}
	}
	frame := f.building.Georef.Frame()
	whole := frame.BoundToLonLat(f.building.Footprint.Bound())

	t.Run("level filter", func(t *testing.T) {
		got, err := s.Features(ctx, floorplan.LayerRooms, whole, floorplan.FeatureFilter{Level: 1, HasLevel: true})
		must(t, err)
		if len(got) != 5 {
			t.Fatalf("%d features on level 1, want 5", len(got))
		}
		for _, ft := range got {
			i := slices.IndexFunc(want, func(r floorplan.Room) bool { return r.ID == ft.ID })
			if i < 0 {
				t.Fatalf("unexpected feature %s", ft.ID)
			}
			r := want[i]
			if ft.Layer != floorplan.LayerRooms || ft.Level != 1 || ft.FloorID != f.floor(1).ID || ft.BuildingID != f.building.ID ||
				ft.Number != r.Number || ft.Usage != floorplan.UsageOffice || ft.AgencyID != f.agencies[0].ID || ft.AreaM2 != 24 {
				t.Errorf("feature %+v does not match room %+v", ft, r)
			}
			ll := frame.PolygonToLonLat(r.Geometry)
			for k, p := range ft.Geometry[0] {
				if math.Abs(p[0]-ll[0][k][0]) > 1e-12 || math.Abs(p[1]-ll[0][k][1]) > 1e-12 {
					t.Fatalf("feature point %v, want %v", p, ll[0][k])
				}
			}
		}
	})
	t.Run("bbox", func(t *testing.T) {
		// A window around the first two rooms' shared wall on the ground floor.
		small := frame.BoundToLonLat(orb.Bound{Min: orb.Point{3.9, 2.9}, Max: orb.Point{4.1, 3.1}})
		got, err := s.Features(ctx, floorplan.LayerRooms, small, floorplan.FeatureFilter{Level: 0, HasLevel: true})
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("%d features in a window on a wall, want 2", len(got))
		}
		far := orb.Bound{Min: orb.Point{whole.Max[0] + 0.001, whole.Min[1]}, Max: orb.Point{whole.Max[0] + 0.002, whole.Max[1]}}
		if got, err := s.Features(ctx, floorplan.LayerRooms, far, floorplan.FeatureFilter{}); err != nil || len(got) != 0 {
			t.Fatalf("features east of the building: %d, %v", len(got), err)
		}
	})
	t.Run("floor filter and limit", func(t *testing.T) {
		got, err := s.Features(ctx, floorplan.LayerRooms, whole, floorplan.FeatureFilter{FloorID: f.floor(-1).ID})
		must(t, err)
		if len(got) != 5 {
			t.Errorf("%d features on B1, want 5", len(got))
		}
		got, err = s.Features(ctx, floorplan.LayerRooms, whole, floorplan.FeatureFilter{Limit: 3})
		must(t, err)
		if len(got) != 3 {
			t.Errorf("%d features with limit 3", len(got))
		}
	})
	t.Run("buildings", func(t *testing.T) {
		got, err := s.Features(ctx, floorplan.LayerBuildings, whole, floorplan.FeatureFilter{})
		must(t, err)
		if len(got) != 1 || got[0].ID != f.building.ID || got[0].AreaM2 != 900 || got[0].Name != "综合楼" {
			t.Fatalf("building features %+v", got)
		}
	})
	t.Run("unknown layer", func(t *testing.T) {
		if _, err := s.Features(ctx, "pipes", whole, floorplan.FeatureFilter{}); !errors.Is(err, floorplan.ErrInvalid) {
			t.Errorf("unknown layer: %v", err)
		}
	})
	t.Run("georeference change moves the rooms", func(t *testing.T) {
		b := f.building
		b.Georef.Origin[1] += 0.002 // about 220 m north
		must(t, s.UpdateBuilding(ctx, &b))
		if got, err := s.Features(ctx, floorplan.LayerRooms, whole, floorplan.FeatureFilter{}); err != nil || len(got) != 0 {
			t.Fatalf("%d rooms left at the old place (%v)", len(got), err)
		}
		moved := b.Georef.Frame().BoundToLonLat(f.building.Footprint.Bound())
		got, err := s.Features(ctx, floorplan.LayerRooms, moved, floorplan.FeatureFilter{})
		must(t, err)
		if len(got) != 15 {
			t.Fatalf("%d rooms at the new place, want 15", len(got))
		}
		r, err := s.Room(ctx, want[0].ID)
		must(t, err)
		if r.Version != want[0].Version+1 {
			t.Errorf("room version %d after a georeference change, want %d", r.Version, want[0].Version+1)
		}
		if bs, _ := s.Features(ctx, floorplan.LayerBuildings, moved, floorplan.FeatureFilter{}); len(bs) != 1 {
			t.Errorf("the footprint did not move")
		}
	})
}

func TestSearch(t *testing.T) {
	s, f := openFixture(t)
	ctx := f.ctx
	tag := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	agency := floorplan.Agency{Name: "常州市检索" + tag + "管理局", ShortName: "检索" + tag + "局",
		Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(t, s.CreateAgency(ctx, &agency))
	office := f.room(t, 0, "Q"+tag, rect(0, 0, 4, 6))
	longer := f.room(t, 0, "Q"+tag+"1", rect(4, 0, 8, 6))
	pct := f.newRoom(0, "P"+tag, rect(8, 0, 12, 6))
	pct.Name = "100%" + tag + "会议室"
	must(t, s.CreateRoom(ctx, &pct))
	plain := f.newRoom(0, "R"+tag, rect(12, 0, 16, 6))
	plain.Name = "100" + tag + "会议室"
	must(t, s.CreateRoom(ctx, &plain))
	p := floorplan.Person{Name: "欧阳" + tag + "明", AgencyID: agency.ID, Rank: floorplan.RankDivision, Title: "局长",
		Status: floorplan.PersonActive}
	must(t, s.CreatePerson(ctx, &p))
	must(t, s.CreateAssignment(ctx, &floorplan.Assignment{PersonID: p.ID, RoomID: office.ID, Kind: floorplan.AssignMain,
		Start: floorplan.Day(2020, 1, 1)}))

	tests := []struct {
		name string
		q    string
		want []uuid.UUID
	}{
		{"exact before prefix", "q" + tag, []uuid.UUID{office.ID, longer.ID}},
		{"Chinese agency name", "检索" + tag, []uuid.UUID{agency.ID}},
		{"Chinese infix", tag + "管理", []uuid.UUID{agency.ID}},
		{"person", "欧阳" + tag, []uuid.UUID{p.ID}},
		{"percent is literal", "100%" + tag, []uuid.UUID{pct.ID}},
		{"underscore is literal", "Q_" + tag[1:], nil},
		{"no match", "无此" + tag, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(ctx, tc.q, 10, floorplan.ReadScope{})
			must(t, err)
			if got := storetest.IDs(hits); !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %+v, want %v", tc.q, hits, tc.want)
			}
		})
	}
	hits, err := s.Search(ctx, "欧阳"+tag+"明", 10, floorplan.ReadScope{})
	must(t, err)
	if len(hits) != 1 || hits[0].Kind != floorplan.HitPerson || hits[0].FloorID != f.floor(0).ID ||
		hits[0].BuildingID != f.building.ID || !strings.Contains(hits[0].Detail, "局长") {
		t.Errorf("person hit %+v: want kind person, shown on their office's floor", hits)
	}
	if hits, err := s.Search(ctx, "  ", 10, floorplan.ReadScope{}); err != nil || len(hits) != 0 {
		t.Errorf("blank search: %v, %v", hits, err)
	}
	if _, err := s.Search(ctx, strings.Repeat("长", 101), 10, floorplan.ReadScope{}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("over-long search: %v", err)
	}
}

func TestRoomAndAssignmentFilters(t *testing.T) {
	s, f := openFixture(t)
	ctx := f.ctx
	r1 := f.room(t, 0, "701", rect(0, 0, 4, 6))
	r2 := f.newRoom(1, "702", rect(0, 0, 4, 6))
	r2.AgencyID = f.agencies[1].ID
	must(t, s.CreateRoom(ctx, &r2))
	p := f.person(t, "赵敏", floorplan.RankStaff)
	q := f.person(t, "钱勇", floorplan.RankStaff)
	old := floorplan.Assignment{PersonID: p.ID, RoomID: r1.ID, Start: floorplan.Day(2020, 1, 1), End: floorplan.Day(2023, 1, 1)}
	cur := floorplan.Assignment{PersonID: p.ID, RoomID: r2.ID, Start: floorplan.Day(2023, 1, 1)}
	other := floorplan.Assignment{PersonID: q.ID, RoomID: r2.ID, Start: floorplan.Day(2023, 6, 1)}
	for _, a := range []*floorplan.Assignment{&old, &cur, &other} {
		must(t, s.CreateAssignment(ctx, a))
	}

	roomTests := []struct {
		name   string
		filter floorplan.RoomFilter
		want   []uuid.UUID
	}{
		{"floor", floorplan.RoomFilter{FloorID: f.floor(0).ID}, []uuid.UUID{r1.ID}},
		{"building", floorplan.RoomFilter{BuildingID: f.building.ID}, []uuid.UUID{r1.ID, r2.ID}},
		{"agency", floorplan.RoomFilter{BuildingID: f.building.ID, AgencyID: f.agencies[1].ID}, []uuid.UUID{r2.ID}},
		{"number", floorplan.RoomFilter{BuildingID: f.building.ID, Number: "701"}, []uuid.UUID{r1.ID}},
	}
	for _, tc := range roomTests {
		t.Run("rooms by "+tc.name, func(t *testing.T) {
			rooms, err := s.Rooms(ctx, tc.filter)
			must(t, err)
			if got := storetest.IDs(rooms); !slices.Equal(got, tc.want) {
				t.Errorf("Rooms(%+v) = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
	asgTests := []struct {
		name   string
		filter floorplan.AssignmentFilter
		want   []uuid.UUID
	}{
		{"a person's rooms", floorplan.AssignmentFilter{PersonID: p.ID}, []uuid.UUID{old.ID, cur.ID}},
		{"a room's occupants", floorplan.AssignmentFilter{RoomID: r2.ID}, []uuid.UUID{cur.ID, other.ID}},
		{"active on a day", floorplan.AssignmentFilter{PersonID: p.ID, ActiveOn: floorplan.Day(2022, 12, 31)}, []uuid.UUID{old.ID}},
		{"end day is exclusive", floorplan.AssignmentFilter{PersonID: p.ID, ActiveOn: floorplan.Day(2023, 1, 1)}, []uuid.UUID{cur.ID}},
		{"not yet started", floorplan.AssignmentFilter{RoomID: r2.ID, ActiveOn: floorplan.Day(2023, 3, 1)}, []uuid.UUID{cur.ID}},
	}
	for _, tc := range asgTests {
		t.Run(tc.name, func(t *testing.T) {
			as, err := s.Assignments(ctx, tc.filter)
			must(t, err)
			if got := storetest.IDs(as); !slices.Equal(got, tc.want) {
				t.Errorf("Assignments(%+v) = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}
