package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// testFeaturePages: Features pages (OGC API – Features items): Ordered (or an Offset) gives the features
// by building, level, number in byte order and id; Limit and Offset cut that order after the exact
// intersection and the read scope (In), so that consecutive pages hold every feature once; In keeps
// the rooms ReadScope.Room keeps and the buildings of ReadScope.Buildings when Places is set.
func testFeaturePages(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	mine, theirs := f.agencies[0].ID, f.agencies[1].ID
	for _, ord := range []int{1, -1, 0} {
		for i, number := range []string{"a10", "A2", "b1", "B10", "_x", "房1", "10", "9"} {
			if ord == -1 && i%3 == 0 {
				continue
			}
			r := f.newRoom(ord, number, rect(float64(7*i), 0, float64(7*i+6), 5))
			r.AgencyID = []uuid.UUID{mine, theirs, uuid.Nil}[i%3]
			must(t, s.CreateRoom(ctx, &r))
		}
	}
	whole := f.lonLatBound(orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{61, 21}})
	// The building is turned by 30°: this bound's envelope takes in parts of rooms it does not meet.
	part := f.lonLatBound(orb.Bound{Min: orb.Point{15, 1}, Max: orb.Point{33, 4}})
	pageOrder := func(a, b floorplan.Feature) int {
		return cmp.Or(strings.Compare(a.BuildingID.String(), b.BuildingID.String()), cmp.Compare(a.Level, b.Level),
			strings.Compare(a.Number, b.Number), strings.Compare(a.ID.String(), b.ID.String()))
	}

	for _, sc := range []struct {
		name string
		in   floorplan.ReadScope
	}{
		{"everything", floorplan.ReadScope{}},
		{"one agency", floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{mine}}},
		{"one agency and the rooms without one", floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{mine, uuid.Nil}}},
		{"another agency and one floor", floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{theirs}, Floors: []uuid.UUID{f.floor(-1).ID}}},
	} {
		for _, bound := range []struct {
			name string
			b    orb.Bound
		}{{"the building", whole}, {"part of it", part}} {
			t.Run(sc.name+", "+bound.name, func(t *testing.T) {
				want, err := s.Features(ctx, floorplan.LayerRooms, bound.b, floorplan.FeatureFilter{In: sc.in})
				must(t, err)
				if len(want) == 0 {
					t.Fatal("no rooms: the test tests nothing")
				}
				for _, ft := range want {
					if !sc.in.Room(ft.AgencyID, ft.FloorID) {
						t.Errorf("room %s (level %d) kept, but ReadScope.Room says it is outside", ft.Number, ft.Level)
					}
				}
				slices.SortStableFunc(want, pageOrder)
				all, err := s.Features(ctx, floorplan.LayerRooms, bound.b, floorplan.FeatureFilter{Ordered: true, In: sc.in})
				must(t, err)
				if !slices.Equal(IDs(all), IDs(want)) {
					t.Errorf("Ordered = %v, want %v", numbers(all), numbers(want))
				}
				for _, limit := range []int{1, 2, 5} {
					var paged []floorplan.Feature
					for offset := 0; offset <= len(want); offset += limit {
						page, err := s.Features(ctx, floorplan.LayerRooms, bound.b, floorplan.FeatureFilter{Ordered: true, Offset: offset, Limit: limit, In: sc.in})
						must(t, err)
						if len(page) > limit {
							t.Fatalf("offset %d, limit %d: %d features", offset, limit, len(page))
						}
						paged = append(paged, page...)
					}
					if !slices.Equal(IDs(paged), IDs(want)) {
						t.Errorf("pages of %d = %v, want %v", limit, numbers(paged), numbers(want))
					}
				}
				level, err := s.Features(ctx, floorplan.LayerRooms, bound.b, floorplan.FeatureFilter{Level: 0, HasLevel: true, Offset: 1, In: sc.in})
				must(t, err)
				var onLevel []floorplan.Feature
				for _, ft := range want {
					if ft.Level == 0 {
						onLevel = append(onLevel, ft)
					}
				}
				if !slices.Equal(IDs(level), IDs(onLevel[min(1, len(onLevel)):])) {
					t.Errorf("level 0 from offset 1 = %v, want %v", numbers(level), numbers(onLevel[min(1, len(onLevel)):]))
				}
			})
		}
	}

	for _, tc := range []struct {
		name   string
		filter floorplan.FeatureFilter
		want   int
	}{
		{"everything", floorplan.FeatureFilter{}, 1},
		{"its building", floorplan.FeatureFilter{In: floorplan.ReadScope{Limited: true, Places: true, Buildings: []uuid.UUID{f.building.ID}}}, 1},
		{"another building", floorplan.FeatureFilter{In: floorplan.ReadScope{Limited: true, Places: true, Buildings: []uuid.UUID{uuid.New()}}}, 0},
		{"no place", floorplan.FeatureFilter{In: floorplan.ReadScope{Limited: true, Places: true}}, 0},
		{"buildings not filtered", floorplan.FeatureFilter{In: floorplan.ReadScope{Limited: true}}, 1},
		{"ordered", floorplan.FeatureFilter{Ordered: true, Limit: 1}, 1},
		{"past the end", floorplan.FeatureFilter{Offset: 1}, 0},
	} {
		bs, err := s.Features(ctx, floorplan.LayerBuildings, f.around(30, 10, 1), tc.filter)
		must(t, err)
		if len(bs) != tc.want || len(bs) == 1 && bs[0].ID != f.building.ID {
			t.Errorf("buildings, %s: %d features, want %d", tc.name, len(bs), tc.want)
		}
	}
}

// numbers are the level/number of each room feature, for messages.
func numbers(fs []floorplan.Feature) []string {
	out := make([]string, 0, len(fs))
	for _, ft := range fs {
		out = append(out, fmt.Sprintf("%d/%s", ft.Level, ft.Number))
	}
	return out
}
