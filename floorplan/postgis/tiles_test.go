package postgis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"officemap/floorplan"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/synth"
)

// TestTileRows: the one-query tile path gives the rooms Features gives, with the same attributes and
// polygon (as WKB), each with the status of Register.States while the stored states hold for the day
// asked — and none for another day, for states marked stale, or for a room without a state; floor, level
// and read scope filter in the query; an error of the callback stops it and comes back as it is.
func TestTileRows(t *testing.T) {
	ctx := context.Background()
	store := pgtest.NewStore(t)
	d := synth.Generate(synth.Config{Seed: 4, Buildings: 1, Floors: 2, RoomsPerFloor: 10})
	reg := floorplan.NewRegister(store)
	if err := d.Load(ctx, reg); err != nil {
		t.Fatal(err)
	}
	states, err := reg.States(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	world := orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}
	today := time.Now()
	type row struct {
		f      floorplan.Feature
		status string
	}
	read := func(f floorplan.FeatureFilter, day time.Time) map[uuid.UUID]row {
		t.Helper()
		out := map[uuid.UUID]row{}
		err := store.TileRows(ctx, floorplan.LayerRooms, world, f, day, func(r *floorplan.TileRow) error {
			g, err := wkb.Unmarshal(r.WKB)
			if err != nil {
				return err
			}
			out[r.ID] = row{f: floorplan.Feature{ID: r.ID, FloorID: r.FloorID, AgencyID: r.AgencyID, Level: r.Level,
				Number: string(r.Number), Usage: floorplan.Usage(r.Usage), AreaM2: r.AreaM2, Geometry: g.(orb.Polygon)},
				status: string(r.Status)}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	feats, err := store.Features(ctx, floorplan.LayerRooms, world, floorplan.FeatureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rows := read(floorplan.FeatureFilter{}, today)
	if len(rows) != len(feats) || len(feats) != len(d.Rooms) {
		t.Fatalf("%d rows, %d features, %d rooms", len(rows), len(feats), len(d.Rooms))
	}
	for _, f := range feats {
		r := rows[f.ID]
		g := r.f
		if g.FloorID != f.FloorID || g.AgencyID != f.AgencyID || g.Level != f.Level || g.Number != f.Number ||
			g.Usage != f.Usage || g.AreaM2 != f.AreaM2 || !orb.Equal(g.Geometry, f.Geometry) {
			t.Errorf("room %s: row %+v, feature %+v", f.Number, g, f)
		}
		if want := string(states[f.ID].Status); r.status != want || want == "" {
			t.Errorf("room %s: status %q, Register.States %q", f.Number, r.status, want)
		}
	}

	for name, day := range map[string]time.Time{"another day": today.AddDate(0, 0, 1)} {
		for id, r := range read(floorplan.FeatureFilter{}, day) {
			if r.status != "" {
				t.Errorf("%s: room %s has status %q", name, id, r.status)
			}
		}
	}
	if _, err := store.Pool().Exec(ctx, `DELETE FROM room_states WHERE room_id = $1`, d.Rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := read(floorplan.FeatureFilter{}, today); r[d.Rooms[0].ID].status != "" || r[d.Rooms[1].ID].status == "" {
		t.Errorf("without its state a room has status %q; another room %q", r[d.Rooms[0].ID].status, r[d.Rooms[1].ID].status)
	}
	if err := store.MarkStatesStale(ctx); err != nil {
		t.Fatal(err)
	}
	for id, r := range read(floorplan.FeatureFilter{}, today) {
		if r.status != "" {
			t.Errorf("states marked stale: room %s has status %q", id, r.status)
		}
	}

	// Filters.
	floor := d.Rooms[0].FloorID
	var level int
	for _, fl := range d.Floors {
		if fl.ID == floor {
			level = fl.Ordinal
		}
	}
	agency := d.Rooms[0].AgencyID
	for name, tc := range map[string]struct {
		f    floorplan.FeatureFilter
		keep func(rm floorplan.Room) bool
	}{
		"floor": {floorplan.FeatureFilter{FloorID: floor}, func(rm floorplan.Room) bool { return rm.FloorID == floor }},
		"level": {floorplan.FeatureFilter{Level: level, HasLevel: true}, func(rm floorplan.Room) bool { return rm.FloorID == floor }},
		"scope": {floorplan.FeatureFilter{In: floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{agency}}},
			func(rm floorplan.Room) bool { return rm.AgencyID == agency }},
		"scope of nothing": {floorplan.FeatureFilter{In: floorplan.ReadScope{Limited: true}},
			func(floorplan.Room) bool { return false }},
	} {
		got := read(tc.f, today)
		n := 0
		for _, rm := range d.Rooms {
			if _, ok := got[rm.ID]; ok != tc.keep(rm) {
				t.Errorf("%s: room %s kept %v", name, rm.Number, ok)
			}
			if tc.keep(rm) {
				n++
			}
		}
		if name != "scope of nothing" && (n == 0 || n == len(d.Rooms)) {
			t.Errorf("%s keeps %d of %d rooms: the case must keep some and not all", name, n, len(d.Rooms))
		}
	}

	// An error of fn stops the rows and comes back as it is.
	stop := errors.New("stop")
	calls := 0
	err = store.TileRows(ctx, floorplan.LayerRooms, world, floorplan.FeatureFilter{}, today, func(*floorplan.TileRow) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("TileRows = %v after %d rows, want the callback's error after 1", err, calls)
	}

	// Buildings.
	var bs []uuid.UUID
	err = store.TileRows(ctx, floorplan.LayerBuildings, world, floorplan.FeatureFilter{}, today, func(r *floorplan.TileRow) error {
		if string(r.Name) != d.Buildings[0].Name || r.AreaM2 <= 0 || r.Status != nil {
			t.Errorf("building row %+v", r)
		}
		bs = append(bs, r.ID)
		return nil
	})
	if err != nil || len(bs) != 1 || bs[0] != d.Buildings[0].ID {
		t.Errorf("buildings %v, %v", bs, err)
	}
	if err := store.TileRows(ctx, "parking", world, floorplan.FeatureFilter{}, today, nil); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("an unknown layer: %v", err)
	}
}
