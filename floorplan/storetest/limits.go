package storetest

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// The limits of what the register accepts (floorplan/limits.go), the same on every store: over-long
// text, control characters, out-of-range numbers and coordinates are refused by the store itself (which
// validates what it is given) with the same error, naming the field; and, through the Register, lon/lat
// far from the building and rooms out of their floor's outline are refused the same way.

// refusal is a write the store must refuse, and how.
type refusal struct {
	name  string
	write func() error
	// field and reason of the *floorplan.FieldError wanted; a geometry refusal gives georeason instead.
	field     string
	reason    floorplan.FieldReason
	georeason geo.Reason
	// mention is a part of the message the user must see (the limit, the distance…).
	mention string
}

// check runs the write and checks the refusal.
func (c refusal) check(t *testing.T) {
	t.Helper()
	err := c.write()
	if c.georeason != "" {
		var ve *geo.ValidationError
		if !errors.As(err, &ve) || ve.Reason != c.georeason {
			t.Fatalf("%s: error %v, want a geometry error %q", c.name, err, c.georeason)
		}
	} else {
		var fe *floorplan.FieldError
		if !errors.As(err, &fe) || !errors.Is(err, floorplan.ErrInvalid) {
			t.Fatalf("%s: error %v (%T), want a *floorplan.FieldError wrapping ErrInvalid", c.name, err, err)
		}
		if fe.Field != c.field || fe.Reason != c.reason {
			t.Errorf("%s: field %q reason %q, want %q %q (%v)", c.name, fe.Field, fe.Reason, c.field, c.reason, err)
		}
	}
	if !strings.Contains(err.Error(), c.mention) {
		t.Errorf("%s: the error %q does not say %q", c.name, err, c.mention)
	}
	if len(err.Error()) > 500 {
		t.Errorf("%s: the error is %d bytes long: it repeats the input", c.name, len(err.Error()))
	}
}

func testLimits(t *testing.T, f *fixture) {
	s, ctx := f.s, f.ctx
	long := strings.Repeat("长", 100_000)
	site := func(mod func(*floorplan.Site)) func() error {
		return func() error {
			x := floorplan.Site{Name: "测试房产", Category: f.site.Category, Ownership: floorplan.OwnershipRegistered,
				Records: []floorplan.OwnershipRecord{}}
			mod(&x)
			return s.CreateSite(ctx, &x)
		}
	}
	agency := func(mod func(*floorplan.Agency)) func() error {
		return func() error {
			a := floorplan.Agency{Name: "测试局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
			mod(&a)
			return s.CreateAgency(ctx, &a)
		}
	}
	room := f.createRoom
	for _, c := range []refusal{
		{name: "site name of 100,000 characters", write: site(func(x *floorplan.Site) { x.Name = long }),
			field: "name", reason: floorplan.FieldTooLong, mention: "100000 characters long, more than the 200"},
		{name: "NUL in a site name", write: site(func(x *floorplan.Site) { x.Name = "测试\x00房产" }),
			field: "name", reason: floorplan.FieldControl, mention: "U+0000"},
		{name: "NUL in an ownership record's note", write: site(func(x *floorplan.Site) {
			x.Records = []floorplan.OwnershipRecord{{Kind: "不动产权证", Number: "1", Note: "a\x00b"}}
		}), field: "records[0].note", reason: floorplan.FieldControl, mention: "records[0].note"},
		{name: "invalid UTF-8 in a building's address", write: func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "楼", Address: "\xff\xfe", Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, field: "address", reason: floorplan.FieldNotUTF8, mention: "UTF-8"},
		{name: "a tab in a floor's name", write: func() error {
			fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 5, Name: "6\tF"}
			return s.CreateFloor(ctx, &fl)
		}, field: "name", reason: floorplan.FieldControl, mention: "U+0009"},
		{name: "a floor at 1e308 m", write: func() error {
			fl := floorplan.Floor{BuildingID: f.building.ID, Ordinal: 5, Name: "6F", Elevation: 1e308}
			return s.CreateFloor(ctx, &fl)
		}, field: "elevation", reason: floorplan.FieldOutOfRange, mention: "1000"},
		{name: "NUL in a room's name", write: room("201", rect(40, 0, 44, 4), func(r *floorplan.Room) { r.Name = "\x00" }),
			field: "name", reason: floorplan.FieldControl, mention: "U+0000"},
		{name: "a room number of 51 characters", write: room(strings.Repeat("1", 51), rect(40, 0, 44, 4)),
			field: "number", reason: floorplan.FieldTooLong, mention: "more than the 50 allowed"},
		{name: "approved area of 1e308 m²", write: agency(func(a *floorplan.Agency) { a.ApprovedAreaM2 = 1e308 }),
			field: "approved_area_m2", reason: floorplan.FieldOutOfRange, mention: "1e+07"},
		{name: "headcount of three billion", write: agency(func(a *floorplan.Agency) { a.Headcount = 3_000_000_000 }),
			field: "headcount", reason: floorplan.FieldOutOfRange, mention: "1e+06"},
		{name: "NUL in a person's post", write: func() error {
			p := floorplan.Person{Name: "赵六", AgencyID: f.agencies[0].ID, Rank: floorplan.RankStaff,
				Status: floorplan.PersonActive, Posts: []floorplan.Post{{Title: "主任\x00"}}}
			return s.CreatePerson(ctx, &p)
		}, field: "posts[0].title", reason: floorplan.FieldControl, mention: "posts[0].title"},
		{name: "a jurisdiction name of 201 characters", write: func() error {
			j := floorplan.Jurisdiction{Name: strings.Repeat("区", 201)}
			return s.CreateJurisdiction(ctx, &j)
		}, field: "name", reason: floorplan.FieldTooLong, mention: "200"},
		{name: "a standard row's source of 100,000 characters", write: func() error {
			return s.PutStandardRow(ctx, floorplan.StandardRow{Scale: floorplan.LevelMunicipal, Rank: floorplan.RankBureau,
				Title: "正局", AreaM2: 20, Effective: floorplan.Day(2024, 1, 1), Jurisdiction: "常州市", Source: long})
		}, field: "source", reason: floorplan.FieldTooLong, mention: "more than the 500 allowed"},
		{name: "a room at 1e308 m", write: room("202", orb.Polygon{{{0, 0}, {1e308, 0}, {1e308, 1}, {0, 1}, {0, 0}}}),
			georeason: geo.ReasonOutOfRange, mention: "beyond"},
		{name: "a room 7 km from the building's origin", write: room("203", rect(7000, 0, 7004, 4)),
			georeason: geo.ReasonFarFromOrigin, mention: "7.0 km"},
		{name: "a footprint 7 km from the building's origin", write: func() error {
			b := floorplan.Building{SiteID: f.site.ID, Name: "远楼", Footprint: rect(0, 7000, 10, 7010), Georef: f.building.Georef}
			return s.CreateBuilding(ctx, &b)
		}, georeason: geo.ReasonFarFromOrigin, mention: "within 5.0 km"},
	} {
		t.Run(c.name, c.check)
	}
	noneWritten(t, f)
	t.Run("line breaks in a note", func(t *testing.T) {
		x := floorplan.Site{Name: "多行备注", Category: f.site.Category, Ownership: floorplan.OwnershipRegistered,
			Records: []floorplan.OwnershipRecord{}, Note: "第一行\r\n第二行\t完"}
		must(t, s.CreateSite(ctx, &x))
		got, err := s.Site(ctx, x.ID)
		must(t, err)
		if got.Note != x.Note {
			t.Errorf("note %q, want %q", got.Note, x.Note)
		}
	})
}

// noneWritten checks that the refused writes of testLimits left the fixture as it was.
func noneWritten(t *testing.T, f *fixture) {
	t.Helper()
	sites, err := f.s.Sites(f.ctx)
	must(t, err)
	rooms, err := f.s.Rooms(f.ctx, floorplan.RoomFilter{})
	must(t, err)
	agencies, err := f.s.Agencies(f.ctx)
	must(t, err)
	floors, err := f.s.Floors(f.ctx, f.building.ID)
	must(t, err)
	if len(sites) != 1 || len(rooms) != 0 || len(agencies) != len(f.agencies) || len(floors) != len(f.floors) {
		t.Errorf("after the refused writes: %d sites, %d rooms, %d agencies, %d floors (want 1, 0, %d, %d)",
			len(sites), len(rooms), len(agencies), len(floors), len(f.agencies), len(f.floors))
	}
}

// testRegisterLimits writes through a Register over the store: what the Register checks for every
// store (lon/lat near the building, rooms inside their floor's outline, the reason of a change) is
// refused the same way whichever store is behind it.
func testRegisterLimits(t *testing.T, f *fixture) {
	reg := floorplan.NewRegister(f.s)
	ctx := f.ctx
	fl := f.floor(0) // outline rect(0, 0, 60, 20)
	create := func(number string, shape floorplan.Shape) func() error {
		return func() error {
			r := f.newRoom(0, number, nil)
			_, err := reg.CreateRoom(ctx, &r, shape)
			return err
		}
	}
	farLonLat := f.frame().PolygonToLonLat(rect(0, 0, 4, 4))
	for i := range farLonLat[0] {
		farLonLat[0][i][0] += 1 // a degree east: about 95 km
	}
	for _, c := range []refusal{
		{name: "a lon/lat room 95 km east of the building", write: create("301", floorplan.Shape{Polygon: farLonLat, CRS: floorplan.CRSLonLat}),
			georeason: geo.ReasonFarFromOrigin, mention: "km from the building's origin"},
		{name: "a lon/lat room at longitude 200", write: create("302",
			floorplan.Shape{Polygon: orb.Polygon{{{200, 31}, {200.1, 31}, {200.1, 31.1}, {200, 31}}}, CRS: floorplan.CRSLonLat}),
			georeason: geo.ReasonOutOfRange, mention: "not a longitude"},
		{name: "a room 3 m out of its floor's outline", write: create("303", floorplan.Shape{Polygon: rect(58, 2, 63, 6)}),
			field: "geometry", reason: floorplan.FieldOutsideOutline, mention: "reaches 3.00 m out of the outline"},
		{name: "a reason holding NUL", write: func() error {
			a := floorplan.Agency{Name: "测试局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
			_, err := reg.CreateAgency(floorplan.WithReason(ctx, "更正\x00"), &a)
			return err
		}, field: "reason", reason: floorplan.FieldControl, mention: "reason"},
		{name: "a batch with a room out of its floor's outline", write: func() error {
			_, err := reg.Batch(ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
				return tx.BulkInsertRooms(ctx, []floorplan.Room{f.newRoom(0, "304", rect(0, 18, 4, 24))})
			})
			return err
		}, field: "outline", reason: floorplan.FieldOutsideOutline, mention: `does not hold room "304"`},
	} {
		t.Run(c.name, c.check)
	}
	noneWritten(t, f)

	// A room a hair (3 cm) out of the outline fits: the tolerance is 5 cm.
	inside := f.newRoom(0, "305", nil)
	_, err := reg.CreateRoom(ctx, &inside, floorplan.Shape{Polygon: rect(56, 16, 60.03, 20.03)})
	must(t, err)
	// The same lon/lat room as in local metres, near the building, is stored.
	ll := f.newRoom(0, "306", nil)
	_, err = reg.CreateRoom(ctx, &ll, floorplan.Shape{Polygon: f.frame().PolygonToLonLat(rect(0, 0, 4, 4)), CRS: floorplan.CRSLonLat})
	must(t, err)
	if a := geo.Area(ll.Geometry); math.Abs(a-16) > 1e-6 {
		t.Errorf("the lon/lat room has %v m², want 16", a)
	}
	// An outline shrunk under a room is refused.
	shrunk := fl
	_, err = reg.UpdateFloor(ctx, &shrunk, floorplan.Shape{Polygon: rect(0, 0, 50, 20)})
	refusal{name: "an outline shrunk under room 305", write: func() error { return err },
		field: "outline", reason: floorplan.FieldOutsideOutline, mention: `does not hold room "305"`}.check(t)
	got, err := f.s.Floor(ctx, fl.ID)
	must(t, err)
	samePolygon(t, "the floor's outline after the refused update", got.Outline, fl.Outline)

	// A batch's rooms inside an outline it does not move are checked without reading the floor's rooms.
	reads := &atomic.Int64{}
	_, err = floorplan.NewRegister(roomReads{f.s, reads}).Batch(ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
		return tx.BulkInsertRooms(ctx, []floorplan.Room{f.newRoom(0, "307", rect(10, 0, 14, 4)), f.newRoom(0, "308", rect(14, 0, 18, 4))})
	})
	must(t, err)
	if n := reads.Load(); n != 0 {
		t.Errorf("a batch of rooms inside their floor's outline read rooms %d times, want none", n)
	}
	// A batch may put a room out of the outline and then widen the outline: it is checked at the end.
	_, err = reg.Batch(ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
		if err := tx.BulkInsertRooms(ctx, []floorplan.Room{f.newRoom(0, "309", rect(60, 0, 64, 4))}); err != nil {
			return err
		}
		wide, err := tx.Floor(ctx, fl.ID)
		if err != nil {
			return err
		}
		wide.Outline = rect(0, 0, 64, 20)
		return tx.UpdateFloor(ctx, &wide)
	})
	if err != nil {
		t.Errorf("a batch putting room 309 out of the outline and then widening it: %v, want it stored", err)
	}
	// A batch that leaves a room out of the outline is refused whole.
	_, err = reg.Batch(ctx, floorplan.Request{What: "test"}, func(tx floorplan.Store) error {
		return tx.BulkInsertRooms(ctx, []floorplan.Room{f.newRoom(0, "310", rect(20, 0, 24, 4)), f.newRoom(0, "311", rect(64, 4, 67, 8))})
	})
	refusal{name: "a batch whose second room is out of the outline", write: func() error { return err },
		field: "outline", reason: floorplan.FieldOutsideOutline, mention: `does not hold room "311"`}.check(t)
	if rooms, err := f.s.Rooms(ctx, floorplan.RoomFilter{FloorID: fl.ID, Number: "310"}); err != nil || len(rooms) != 0 {
		t.Errorf("room 310 of the refused batch: %d stored (%v), want none", len(rooms), err)
	}
}

// roomReads is a store that counts its reads of rooms (Rooms), within its transactions too.
type roomReads struct {
	floorplan.Store
	n *atomic.Int64
}

func (s roomReads) Rooms(ctx context.Context, f floorplan.RoomFilter) ([]floorplan.Room, error) {
	s.n.Add(1)
	return s.Store.Rooms(ctx, f)
}

func (s roomReads) InTx(ctx context.Context, fn func(tx floorplan.Store) error) error {
	return s.Store.InTx(ctx, func(tx floorplan.Store) error { return fn(roomReads{tx, s.n}) })
}
