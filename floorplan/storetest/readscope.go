package storetest

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// testReadScope: Rooms and Search keep what a read scope shows, in the query (so that a limit counts
// only visible hits): rooms of the visible agencies or on the visible floors, people of the visible
// agencies only with personal data, the visible agencies, and every building unless buildings are
// filtered.
func testReadScope(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	mine, theirs := f.agencies[0], f.agencies[1]
	r1 := f.room(t, 0, "S-101", rect(0, 0, 6, 5)) // mine, ground floor
	r2 := f.newRoom(0, "S-102", rect(6, 0, 12, 5))
	r2.AgencyID = theirs.ID // theirs, ground floor
	must(t, s.CreateRoom(ctx, &r2))
	r3 := f.newRoom(1, "S-201", rect(0, 0, 6, 5))
	r3.AgencyID = theirs.ID // theirs, first floor
	must(t, s.CreateRoom(ctx, &r3))
	r4 := f.newRoom(1, "S-202", rect(6, 0, 12, 5))
	r4.AgencyID = uuid.Nil // no agency, first floor
	must(t, s.CreateRoom(ctx, &r4))
	p1 := f.person(t, "S-张三", floorplan.RankStaff)
	p2 := floorplan.Person{Name: "S-李四", AgencyID: theirs.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	must(t, s.CreatePerson(ctx, &p2))

	agencyOnly := floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{mine.ID}}
	withNone := floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{mine.ID, uuid.Nil}}
	floorOnly := floorplan.ReadScope{Limited: true, Floors: []uuid.UUID{f.floor(1).ID}, Places: true}
	otherPlaces := floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{theirs.ID}, Places: true,
		Buildings: []uuid.UUID{uuid.New()}, NoPeople: true}
	for _, tc := range []struct {
		name  string
		in    floorplan.ReadScope
		rooms []uuid.UUID // by building, floor ordinal, number
		hits  []uuid.UUID // of the search for "S-"
		bldg  bool        // the building is found by name
	}{
		{"everything", floorplan.ReadScope{}, []uuid.UUID{r1.ID, r2.ID, r3.ID, r4.ID},
			[]uuid.UUID{r1.ID, r2.ID, r3.ID, r4.ID, p1.ID, p2.ID}, true},
		{"one agency", agencyOnly, []uuid.UUID{r1.ID}, []uuid.UUID{r1.ID, p1.ID}, true},
		{"one agency and the rooms without one", withNone, []uuid.UUID{r1.ID, r4.ID}, []uuid.UUID{r1.ID, r4.ID, p1.ID}, true},
		{"one floor", floorOnly, []uuid.UUID{r3.ID, r4.ID}, []uuid.UUID{r3.ID, r4.ID}, false},
		{"another agency, no people, other buildings", otherPlaces, []uuid.UUID{r2.ID, r3.ID}, []uuid.UUID{r2.ID, r3.ID}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rooms, err := s.Rooms(ctx, floorplan.RoomFilter{BuildingID: f.building.ID, In: tc.in})
			must(t, err)
			var got []uuid.UUID
			for _, r := range rooms {
				got = append(got, r.ID)
				if !tc.in.Room(r.AgencyID, r.FloorID) {
					t.Errorf("room %s kept, but ReadScope.Room says it is outside", r.Number)
				}
			}
			if !slices.Equal(got, tc.rooms) {
				t.Errorf("Rooms in the scope = %v, want %v", got, tc.rooms)
			}
			hits, err := s.Search(ctx, "S-", floorplan.MaxSearchLimit, tc.in)
			must(t, err)
			if got, want := sortedIDs(IDs(hits)...), sortedIDs(slices.Clone(tc.hits)...); !slices.Equal(got, want) {
				t.Errorf("Search in the scope = %v, want %v", got, want)
			}
			// The scope filters before the limit: the first hit is a visible one.
			one, err := s.Search(ctx, "S-", 1, tc.in)
			must(t, err)
			if len(one) != 1 || !slices.Contains(tc.hits, one[0].ID) {
				t.Errorf("Search with limit 1 = %v, want one of %v", IDs(one), tc.hits)
			}
			agencies, err := s.Search(ctx, theirs.Name, 10, tc.in)
			must(t, err)
			if want := !tc.in.Limited || slices.Contains(tc.in.Agencies, theirs.ID); slices.Contains(IDs(agencies), theirs.ID) != want {
				t.Errorf("the agency %s found: %v, want %v", theirs.Name, IDs(agencies), want)
			}
			bldg, err := s.Search(ctx, f.building.Name, 10, tc.in)
			must(t, err)
			if slices.Contains(IDs(bldg), f.building.ID) != tc.bldg {
				t.Errorf("the building found: %v, want %v", IDs(bldg), tc.bldg)
			}
		})
	}
}
