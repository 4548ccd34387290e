package gpkg

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
	"officemap/geo/geotest"
)

func unitsMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRescaleLegacyUnits writes, with raw SQL, the rows a register kept before the local frame was
// always in metres (a millimetre building, scale 0.001, with rooms of 4000 × 6000 and a stored area of
// 24 000 000), converts it and checks that everything local is in metres, the lon/lat geometry
// untouched, versions one up, the history written, and a building in metres left alone.
func TestRescaleLegacyUnits(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := Open(ctx, filepath.Join(t.TempDir(), "legacy.gpkg"))
	unitsMust(t, err)
	defer s.Close()

	site := floorplan.Site{Name: "老数据办公区", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
	unitsMust(t, s.CreateSite(ctx, &site))
	mmGeoref := geo.Georef{Origin: orb.Point{119.974, 31.811}, RotationDeg: 20, Scale: 0.001}
	mm := floorplan.Building{SiteID: site.ID, Name: "毫米楼", Footprint: geotest.Rect(0, 0, 8, 6), Georef: mmGeoref}
	unitsMust(t, s.CreateBuilding(ctx, &mm))
	mmFloor := floorplan.Floor{BuildingID: mm.ID, Ordinal: 0, Name: "1F", Outline: geotest.Rect(0, 0, 8, 6)}
	unitsMust(t, s.CreateFloor(ctx, &mmFloor))
	// A building in metres with a room, which the conversion must not touch.
	m := floorplan.Building{SiteID: site.ID, Name: "米楼", Footprint: geotest.Rect(0, 0, 8, 6),
		Georef: geo.Georef{Origin: orb.Point{119.975, 31.811}, Scale: 1}}
	unitsMust(t, s.CreateBuilding(ctx, &m))
	mFloor := floorplan.Floor{BuildingID: m.ID, Ordinal: 0, Name: "1F"}
	unitsMust(t, s.CreateFloor(ctx, &mFloor))
	mRoom := floorplan.Room{FloorID: mFloor.ID, Number: "101", Usage: floorplan.UsageOffice, Geometry: geotest.Rect(0, 0, 4, 6)}
	unitsMust(t, s.CreateRoom(ctx, &mRoom))

	// The legacy rows: the millimetre building's footprint and outline in millimetres, and two rooms
	// (one deleted) in millimetres at version 3, with the lon/lat copies the old frame derived (the
	// scale applied: the same as the metres' today) and the old area_m2 in mm².
	blob := func(p orb.Polygon, srs int32) []byte {
		b, err := encodeGeom(p, srs)
		unitsMust(t, err)
		return b
	}
	frame := mmGeoref.Frame()
	_, when := instant(time.Now())
	w := s.w
	_, err = w.ExecContext(ctx, `UPDATE buildings_all SET footprint = ? WHERE id = ?`, blob(geotest.Rect(0, 0, 8000, 6000), srsLocal), mm.ID.String())
	unitsMust(t, err)
	_, err = w.ExecContext(ctx, `UPDATE floors_all SET outline = ? WHERE id = ?`, blob(geotest.Rect(0, 0, 8000, 6000), srsLocal), mmFloor.ID.String())
	unitsMust(t, err)
	liveID, deletedID := uuid.New(), uuid.New()
	liveLL := blob(frame.PolygonToLonLat(geotest.Rect(0, 0, 4, 6)), srsLonLat)
	const insertRoom = `
INSERT INTO rooms_all (geom, id, floor_id, number, name, usage, state, local_geom, area_m2, version, created_at, deleted_at)
VALUES (?, ?, ?, ?, '', 'office', 'in_use', ?, ?, 3, ?, ?)`
	_, err = w.ExecContext(ctx, insertRoom, liveLL, liveID.String(), mmFloor.ID.String(), "201",
		blob(geotest.Rect(0, 0, 4000, 6000), srsLocal), 24e6, when, nil)
	unitsMust(t, err)
	_, err = w.ExecContext(ctx, insertRoom, nil, deletedID.String(), mmFloor.ID.String(), "202",
		blob(geotest.Rect(4000, 0, 8000, 3000), srsLocal), 12e6, when, when)
	unitsMust(t, err)

	unitsMust(t, s.write(ctx, func(q querier) error { return rescaleLegacyUnits(ctx, q) }))

	// The live room: metres, 24 m², version 4, lon/lat untouched.
	room, err := s.Room(ctx, liveID)
	unitsMust(t, err)
	if !geotest.EqualWithin(room.Geometry, geotest.Rect(0, 0, 4, 6), 1e-12) || math.Abs(room.Area()-24) > 1e-9 || room.Version != 4 {
		t.Errorf("room after: %v, area %v, version %d; want 4 × 6 m, 24 m², version 4", room.Geometry, room.Area(), room.Version)
	}
	var area float64
	var ll []byte
	unitsMust(t, w.QueryRowContext(ctx, `SELECT area_m2, geom FROM rooms_all WHERE id = ?`, liveID.String()).Scan(&area, &ll))
	if math.Abs(area-24) > 1e-9 || !bytes.Equal(ll, liveLL) {
		t.Errorf("stored area_m2 %v (want 24), lon/lat blob changed: %v", area, !bytes.Equal(ll, liveLL))
	}
	// The deleted room too.
	var local []byte
	var version int64
	unitsMust(t, w.QueryRowContext(ctx, `SELECT local_geom, area_m2, version FROM rooms_all WHERE id = ?`, deletedID.String()).
		Scan(&local, &area, &version))
	if p, err := decodePolygon(local); err != nil || !geotest.EqualWithin(p, geotest.Rect(4, 0, 8, 3), 1e-12) || math.Abs(area-12) > 1e-9 || version != 4 {
		t.Errorf("deleted room after: %v (%v), area %v, version %d", p, err, area, version)
	}
	// The building and the floor: metres, the scale kept as the exchange unit.
	b, err := s.Building(ctx, mm.ID)
	unitsMust(t, err)
	if !geotest.EqualWithin(b.Footprint, geotest.Rect(0, 0, 8, 6), 1e-12) || b.Georef.Scale != 0.001 {
		t.Errorf("building after: %v, scale %v", b.Footprint, b.Georef.Scale)
	}
	f, err := s.Floor(ctx, mmFloor.ID)
	unitsMust(t, err)
	if !geotest.EqualWithin(f.Outline, geotest.Rect(0, 0, 8, 6), 1e-12) {
		t.Errorf("floor outline after: %v", f.Outline)
	}
	// History: the room's last change is the conversion, from millimetres to metres.
	hist, err := s.History(ctx, floorplan.EntityRoom, liveID)
	unitsMust(t, err)
	if len(hist) != 1 {
		t.Fatalf("%d history rows for the legacy room, want 1 (the conversion)", len(hist))
	}
	var oldImg, newImg roomImage
	unitsMust(t, json.Unmarshal(hist[0].Old, &oldImg))
	unitsMust(t, json.Unmarshal(hist[0].New, &newImg))
	if hist[0].Actor != rescaleActor || hist[0].Reason != rescaleReason || hist[0].Op != opUpdate || oldImg.Version != 3 || newImg.Version != 4 ||
		!geotest.EqualWithin(orb.Polygon(oldImg.Geom), geotest.Rect(0, 0, 4000, 6000), 0) ||
		!geotest.EqualWithin(orb.Polygon(newImg.Geom), geotest.Rect(0, 0, 4, 6), 1e-12) || math.Abs(newImg.AreaM2-24) > 1e-9 {
		t.Errorf("history: %s %s by %s, old %+v, new %+v", hist[0].Entity, hist[0].Op, hist[0].Actor, oldImg, newImg)
	}
	for _, c := range []struct {
		entity floorplan.Entity
		id     uuid.UUID
	}{{floorplan.EntityBuilding, mm.ID}, {floorplan.EntityFloor, mmFloor.ID}} {
		hist, err := s.History(ctx, c.entity, c.id)
		unitsMust(t, err)
		if last := hist[len(hist)-1]; last.Actor != rescaleActor {
			t.Errorf("%s: last change by %q, want the conversion", c.entity, last.Actor)
		}
	}
	// The building in metres is untouched.
	r2, err := s.Room(ctx, mRoom.ID)
	unitsMust(t, err)
	if !geotest.EqualWithin(r2.Geometry, geotest.Rect(0, 0, 4, 6), 0) || r2.Version != 1 {
		t.Errorf("room of the metre building changed: %v, version %d", r2.Geometry, r2.Version)
	}
	if hist, _ := s.History(ctx, floorplan.EntityBuilding, m.ID); len(hist) != 1 {
		t.Errorf("the metre building has %d history rows, want 1 (its creation)", len(hist))
	}
	// A new room next to the converted one, in metres, does not overlap it.
	next := floorplan.Room{FloorID: mmFloor.ID, Number: "203", Usage: floorplan.UsageOffice, Geometry: geotest.Rect(4, 3, 8, 6)}
	unitsMust(t, s.CreateRoom(ctx, &next))
}
