package floorplan_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/sample"
	"officemap/geo"
	"officemap/geo/geotest"
)

// The register service on the demo compound in a GeoPackage: room states computed for the rooms a write
// touched equal those of a whole evaluation; the permission hook sees every change and can refuse it
// before anything is written; subscribers hear of every change; records reach the store validated once.

func openRegister(t *testing.T, opts ...floorplan.RegisterOption) (*floorplan.Register, *recordingStore, *sample.Dataset) {
	t.Helper()
	ctx := context.Background()
	g, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "register.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	d := sample.Build(floorplan.DayOf(time.Now()))
	if err := d.Load(ctx, floorplan.NewRegister(g)); err != nil {
		t.Fatal(err)
	}
	rs := &recordingStore{Store: g}
	return floorplan.NewRegister(rs, opts...), rs, d
}

// recordingStore notes whether the writes it gets were validated by the Register, and counts the reads of
// rooms, floors and buildings made through it (outside a transaction).
type recordingStore struct {
	floorplan.Store
	unvalidated int
	reads       map[string]int
}

func (s *recordingStore) read(what string) {
	if s.reads == nil {
		s.reads = map[string]int{}
	}
	s.reads[what]++
}

func (s *recordingStore) Room(ctx context.Context, id uuid.UUID) (floorplan.Room, error) {
	s.read("room")
	return s.Store.Room(ctx, id)
}

func (s *recordingStore) Floor(ctx context.Context, id uuid.UUID) (floorplan.Floor, error) {
	s.read("floor")
	return s.Store.Floor(ctx, id)
}

func (s *recordingStore) Building(ctx context.Context, id uuid.UUID) (floorplan.Building, error) {
	s.read("building")
	return s.Store.Building(ctx, id)
}

func (s *recordingStore) CreateRoom(ctx context.Context, r *floorplan.Room) error {
	if !floorplan.Validated(ctx) {
		s.unvalidated++
	}
	return s.Store.CreateRoom(ctx, r)
}

func (s *recordingStore) UpdateRoom(ctx context.Context, r *floorplan.Room) error {
	if !floorplan.Validated(ctx) {
		s.unvalidated++
	}
	return s.Store.UpdateRoom(ctx, r)
}

// sameAsWhole checks the room states of c against a whole evaluation of the register today.
func sameAsWhole(t *testing.T, s floorplan.Store, c floorplan.Changes) {
	t.Helper()
	snap, err := s.Snapshot(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rooms) == 0 {
		t.Fatal("the change carries no room states")
	}
	for _, got := range c.Rooms {
		want, ok := rep.Room(got.RoomID)
		if !ok {
			t.Errorf("room %s is not in the register", got.Number)
			continue
		}
		if got.Status != want.Status || got.AreaM2 != want.AreaM2 || got.PerPersonM2 != want.PerPersonM2 ||
			got.StandardM2 != want.StandardM2 || len(got.Occupants) != len(want.Occupants) {
			t.Errorf("room %s: the change says %s (%v m², %d occupants, standard %v), a whole evaluation %s (%v m², %d, %v)",
				got.Number, got.Status, got.AreaM2, len(got.Occupants), got.StandardM2, want.Status, want.AreaM2,
				len(want.Occupants), want.StandardM2)
		}
	}
}

func TestRegisterRoomStates(t *testing.T) {
	reg, rs, d := openRegister(t)
	ctx := context.Background()
	today := floorplan.DayOf(time.Now())
	// Rooms with people in them, and people with rooms, from the demo.
	var occupied []floorplan.Room
	held := map[uuid.UUID]bool{}
	for _, a := range d.Assignments {
		if a.Active(today) {
			held[a.RoomID] = true
		}
	}
	for _, r := range d.Rooms {
		if held[r.ID] && r.Usage == floorplan.UsageOffice {
			occupied = append(occupied, r)
		}
	}
	if len(occupied) < 10 {
		t.Fatalf("the demo has %d occupied offices", len(occupied))
	}
	t.Run("a room shrinks", func(t *testing.T) {
		r, err := rs.Room(ctx, occupied[3].ID)
		must(t, err)
		b := r.Geometry.Bound()
		r.Geometry = orb.Polygon{{b.Min, {b.Max[0] - 0.5, b.Min[1]}, {b.Max[0] - 0.5, b.Max[1]}, {b.Min[0], b.Max[1]}, b.Min}}
		c, err := reg.UpdateRoom(ctx, &r, floorplan.Shape{})
		must(t, err)
		sameAsWhole(t, rs, c)
		if _, ok := c.Room(r.ID); !ok {
			t.Error("the room written is not among the room states")
		}
	})
	t.Run("a person moves into a second room", func(t *testing.T) {
		var p floorplan.Person
		for _, x := range d.People {
			if x.Status == floorplan.PersonActive {
				p = x
				break
			}
		}
		a := floorplan.Assignment{PersonID: p.ID, RoomID: occupied[7].ID, Kind: floorplan.AssignMain, Start: today}
		c, err := reg.CreateAssignment(ctx, &a)
		must(t, err)
		sameAsWhole(t, rs, c)
		if len(c.Rooms) < 2 {
			t.Errorf("the person's first room must be among the states: %d rooms", len(c.Rooms))
		}
	})
	t.Run("a new room", func(t *testing.T) {
		// On a new floor without an outline: the sample's floors are full, and a room must lie inside its
		// floor's outline.
		f0, err := rs.Floor(ctx, occupied[0].FloorID)
		must(t, err)
		fl := floorplan.Floor{BuildingID: f0.BuildingID, Ordinal: 40, Name: "41F"}
		_, err = reg.CreateFloor(ctx, &fl, floorplan.Shape{})
		must(t, err)
		r := floorplan.Room{FloorID: fl.ID, Number: "N1", Usage: floorplan.UsageOffice,
			Geometry: orb.Polygon{{{-40, -40}, {-36, -40}, {-36, -35}, {-40, -35}, {-40, -40}}}}
		c, err := reg.CreateRoom(ctx, &r, floorplan.Shape{})
		must(t, err)
		if st, ok := c.Room(r.ID); !ok || st.Status != floorplan.StatusVacant || st.AreaM2 != 20 {
			t.Errorf("the new room's state: %+v", st)
		}
	})
	if rs.unvalidated != 0 {
		t.Errorf("%d room writes reached the store without the Register's validation", rs.unvalidated)
	}
}

func TestRegisterPermitAndSubscribers(t *testing.T) {
	var asked []floorplan.Request
	deny := false
	permit := func(_ context.Context, req floorplan.Request) error {
		asked = append(asked, req)
		if deny {
			return floorplan.ErrForbidden
		}
		return nil
	}
	reg, rs, d := openRegister(t, floorplan.WithPermit(permit))
	var heard []floorplan.Changes
	reg.Subscribe(func(c floorplan.Changes) { heard = append(heard, c) })
	ctx := context.Background()
	r := d.Rooms[0]
	r, err := rs.Room(ctx, r.ID)
	must(t, err)
	r.Name = "更名"
	deny = true
	if _, err := reg.UpdateRoom(ctx, &r, floorplan.Shape{}); !errors.Is(err, floorplan.ErrForbidden) {
		t.Fatalf("a refused change: %v", err)
	}
	if got, _ := rs.Room(ctx, r.ID); got.Name == "更名" {
		t.Error("a refused change was written")
	}
	if len(heard) != 0 {
		t.Error("subscribers heard of a refused change")
	}
	if len(asked) != 1 || asked[0].Op != floorplan.OpUpdate || asked[0].Entity != floorplan.EntityRoom ||
		asked[0].ID != r.ID || asked[0].AgencyID != r.AgencyID || asked[0].BuildingID == uuid.Nil {
		t.Errorf("the permission hook was asked %+v", asked)
	}
	deny = false
	c, err := reg.UpdateRoom(ctx, &r, floorplan.Shape{})
	must(t, err)
	if len(heard) != 1 || !slices.Contains(heard[0].Layers, floorplan.LayerRooms) || heard[0].Revision != c.Revision || c.Revision == 0 {
		t.Errorf("subscribers heard %+v; the change %+v", heard, c)
	}
	rev, err := rs.Revision(ctx)
	must(t, err)
	if rev != c.Revision {
		t.Errorf("Changes.Revision %d, the store's %d", c.Revision, rev)
	}
	if _, err := reg.Batch(ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error { return nil }); err != nil ||
		asked[len(asked)-1].Op != floorplan.OpBatch || !heard[len(heard)-1].Batch {
		t.Errorf("a batch: %v, asked %+v", err, asked[len(asked)-1])
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRegisterRoomStatesAround: the state of rooms the write did not touch but whose status it moved —
// the office of a leader whose rest room shrinks, and the office a colleague shares with someone whose
// other room grew — comes with the change, as a whole evaluation gives it.
func TestRegisterRoomStatesAround(t *testing.T) {
	ctx := context.Background()
	g, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "around.gpkg"))
	must(t, err)
	defer g.Close()
	reg := floorplan.NewRegister(g)
	site := floorplan.Site{Name: "测试", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
	_, err = reg.CreateSite(ctx, &site)
	must(t, err)
	b := floorplan.Building{SiteID: site.ID, Name: "楼", Georef: geoRef()}
	_, err = reg.CreateBuilding(ctx, &b, floorplan.Shape{Polygon: square(0, 0, 60, 20)})
	must(t, err)
	f := floorplan.Floor{BuildingID: b.ID, Name: "1F"}
	_, err = reg.CreateFloor(ctx, &f, floorplan.Shape{})
	must(t, err)
	ag := floorplan.Agency{Name: "局", Level: floorplan.LevelMunicipal}
	_, err = reg.CreateAgency(ctx, &ag)
	must(t, err)
	room := func(n string, usage floorplan.Usage, x, w, h float64) floorplan.Room {
		r := floorplan.Room{FloorID: f.ID, Number: n, Usage: usage, AgencyID: ag.ID}
		_, err := reg.CreateRoom(ctx, &r, floorplan.Shape{Polygon: square(x, 0, x+w, h)})
		must(t, err)
		return r
	}
	person := func(name string, rank floorplan.Rank) floorplan.Person {
		p := floorplan.Person{Name: name, AgencyID: ag.ID, Rank: rank}
		_, err := reg.CreatePerson(ctx, &p)
		must(t, err)
		return p
	}
	assign := func(p floorplan.Person, r floorplan.Room) {
		a := floorplan.Assignment{PersonID: p.ID, RoomID: r.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2024, 1, 1)}
		_, err := reg.CreateAssignment(ctx, &a)
		must(t, err)
	}
	// A 正处 (24 m²) with a 20 m² office and a 6 m² rest room: 26 m², over.
	head := person("处长", floorplan.RankDivision)
	office, rest := room("101", floorplan.UsageOffice, 0, 4, 5), room("101A", floorplan.UsageRestRoom, 4, 2, 3)
	assign(head, office)
	assign(head, rest)
	// Two staff (9 m² each) share an 18 m² office; one of them also shares a second office with a third
	// person, which grows.
	x, y, z := person("甲", floorplan.RankStaff), person("乙", floorplan.RankStaff), person("丙", floorplan.RankStaff)
	shared, other := room("102", floorplan.UsageOffice, 10, 3, 6), room("103", floorplan.UsageOffice, 20, 3, 6)
	assign(x, shared)
	assign(y, shared)
	assign(y, other)
	assign(z, other)

	rest.Geometry = square(4, 0, 5, 3) // 3 m²: 23 m² in all, compliant
	c, err := reg.UpdateRoom(ctx, &rest, floorplan.Shape{})
	must(t, err)
	if st, ok := c.Room(office.ID); !ok || st.Status != floorplan.StatusCompliant {
		t.Errorf("the leader's office after the rest room shrank: %+v (in the change: %v)", st, ok)
	}
	sameAsWhole(t, g, c)

	other.Geometry = square(20, 0, 23, 10) // 30 m² for two: 乙 now has 9 + 15 = 24 m², over
	c, err = reg.UpdateRoom(ctx, &other, floorplan.Shape{})
	must(t, err)
	if st, ok := c.Room(shared.ID); !ok || st.Status != floorplan.StatusOverStandard {
		t.Errorf("the office 甲 shares with 乙 after 乙's other room grew: %+v (in the change: %v)", st, ok)
	}
	sameAsWhole(t, g, c)

	// Two rooms out: 丁 (正处) holds A (9 m²) and shares X (18 m²) with 戊 (正处), who shares Y (32 m²) with
	// 己. 戊 has 9 + 16 = 25 m²: over, so X is over although 丁 is within. Writing A must say so, which
	// needs Y and everyone in it.
	p, q, w := person("丁", floorplan.RankDivision), person("戊", floorplan.RankDivision), person("己", floorplan.RankStaff)
	a, xr, yr := room("201", floorplan.UsageOffice, 30, 3, 3), room("202", floorplan.UsageOffice, 34, 3, 6), room("203", floorplan.UsageOffice, 40, 4, 8)
	assign(p, a)
	assign(p, xr)
	assign(q, xr)
	assign(q, yr)
	assign(w, yr)
	a.Name = "更名"
	c, err = reg.UpdateRoom(ctx, &a, floorplan.Shape{})
	must(t, err)
	if st, ok := c.Room(xr.ID); !ok || st.Status != floorplan.StatusOverStandard {
		t.Errorf("X after writing A: %+v (in the change: %v)", st, ok)
	}
	sameAsWhole(t, g, c)
}

// square is geotest.Rect: the closed counter-clockwise rectangle with corners (x0, y0) and (x1, y1).
func square(x0, y0, x1, y1 float64) orb.Polygon { return geotest.Rect(x0, y0, x1, y1) }

func geoRef() geo.Georef { return geo.Georef{Origin: orb.Point{119.97, 31.81}, Scale: 1} }

// roomsOfTwoAgencies returns a room of one agency of the sample and a room of another.
func roomsOfTwoAgencies(d *sample.Dataset) (a, b floorplan.Room) {
	for _, r := range d.Rooms {
		switch {
		case r.AgencyID == uuid.Nil:
		case a.ID == uuid.Nil:
			a = r
		case r.AgencyID != a.AgencyID && b.ID == uuid.Nil:
			b = r
		}
	}
	return a, b
}

// TestRegisterMovesCheckedAtBothEnds: a caller allowed to write only agency A cannot take a room or a person
// away from agency B by writing them into A, nor move an agency under B; a dry-run import asks the hook too.
func TestRegisterMovesCheckedAtBothEnds(t *testing.T) {
	var onlyA uuid.UUID
	permit := func(_ context.Context, req floorplan.Request) error {
		if onlyA != uuid.Nil && req.Op != floorplan.OpBatch && req.AgencyID != onlyA {
			return floorplan.ErrForbidden
		}
		return nil
	}
	reg, rs, d := openRegister(t, floorplan.WithPermit(permit))
	ctx := context.Background()
	a, b := roomsOfTwoAgencies(d)
	onlyA = a.AgencyID
	room, err := rs.Room(ctx, b.ID)
	must(t, err)
	room.AgencyID = a.AgencyID
	if _, err := reg.UpdateRoom(ctx, &room, floorplan.Shape{}); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("a room taken from another agency: %v, want forbidden", err)
	}
	var p floorplan.Person
	for _, x := range d.People {
		if x.AgencyID == b.AgencyID {
			p = x
			break
		}
	}
	p, err = rs.Person(ctx, p.ID)
	must(t, err)
	p.AgencyID = a.AgencyID
	if _, err := reg.UpdatePerson(ctx, &p); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("a person taken from another agency: %v, want forbidden", err)
	}
	ag, err := rs.Agency(ctx, a.AgencyID)
	must(t, err)
	ag.ParentID = b.AgencyID
	if _, err := reg.UpdateAgency(ctx, &ag); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("an agency moved under another: %v, want forbidden", err)
	}
	if err := reg.Check(ctx, floorplan.Request{Op: floorplan.OpUpdate, AgencyID: b.AgencyID}); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("Check does not ask the hook: %v", err)
	}
}

// TestRegisterUsesKnownRecords: an update of a room whose context carries the room, its floor and building
// as the caller read them (WithKnown, as the HTTP handlers do) reads none of them again before its
// transaction, and still checks the move against the agency the room had; without them it reads each.
func TestRegisterUsesKnownRecords(t *testing.T) {
	var onlyA uuid.UUID
	permit := func(_ context.Context, req floorplan.Request) error {
		if onlyA != uuid.Nil && req.AgencyID != onlyA {
			return floorplan.ErrForbidden
		}
		return nil
	}
	reg, rs, d := openRegister(t, floorplan.WithPermit(permit))
	ctx := context.Background()
	a, b := roomsOfTwoAgencies(d)
	place := func(r floorplan.Room) (floorplan.Room, context.Context) {
		room, err := rs.Store.Room(ctx, r.ID)
		must(t, err)
		f, err := rs.Store.Floor(ctx, room.FloorID)
		must(t, err)
		bd, err := rs.Store.Building(ctx, f.BuildingID)
		must(t, err)
		return room, floorplan.WithKnown(ctx, f, bd, &room)
	}
	room, kctx := place(a)
	room.Name = "改名"
	clear(rs.reads)
	if _, err := reg.UpdateRoom(kctx, &room, floorplan.Shape{}); err != nil {
		t.Fatal(err)
	}
	if len(rs.reads) != 0 {
		t.Errorf("an update with its records known read %v again", rs.reads)
	}
	room.Name = "再改名"
	if _, err := reg.UpdateRoom(ctx, &room, floorplan.Shape{}); err != nil {
		t.Fatal(err)
	}
	if rs.reads["floor"] != 1 || rs.reads["building"] != 1 {
		t.Errorf("an update without its records known read %v, want the floor and building once", rs.reads)
	}
	onlyA = a.AgencyID
	moved, kctx := place(b)
	moved.AgencyID = a.AgencyID
	if _, err := reg.UpdateRoom(kctx, &moved, floorplan.Shape{}); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("a room taken from another agency, its record known: %v, want forbidden", err)
	}
}
