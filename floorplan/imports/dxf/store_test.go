//go:build !nostore

// The tests of this file write to a store (importtest.NewStore, an embedded GeoPackage): the build tag
// nostore leaves them out of the test binary that .ci/fuzz builds, since SQLite takes minutes to
// compile with the fuzzer's instrumentation.

package dxf

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/geo"
)

// A closed polyline that crosses itself is reported by the import with its entity number, handle and
// the reason, and nothing is written.
func TestImportSelfIntersecting(t *testing.T) {
	d := newDrawing(4, "UNITS", "UNITLABELS")
	d.rect("UNITS", 0, 0, 4000, 3000)
	bow := d.poly("UNITS", true, [3]float64{5000, 0}, [3]float64{9000, 3000}, [3]float64{9000, 0}, [3]float64{5000, 3000})
	d.text("UNITLABELS", "102", 5500, 1500)
	ds := read(t, d, Options{})
	s := importtest.NewStore(t)
	_, err := imports.Import(context.Background(), floorplan.NewRegister(s), ds, imports.Options{Origin: &orb.Point{119.97, 31.81}})
	want := "test.dxf: entity 2 (LWPOLYLINE, handle " + bow + ") (room 102): outer ring self-intersects at (7.000, 1.500)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s…", err, want)
	}
	if rooms, _ := s.Rooms(context.Background(), floorplan.RoomFilter{}); len(rooms) != 0 {
		t.Errorf("%d rooms written", len(rooms))
	}
}

// TestSameDrawingInUnits: the same floor drawn in millimetres, centimetres, metres and inches ($INSUNITS,
// or --units on a unitless drawing) reads as the same rooms in metres, with the same areas in m² to
// 1e-6, and reaches the store in metres: into a new building (scale 1) and into an existing building
// whose clients exchange local coordinates in the drawing's unit (scale = metres per unit).
func TestSameDrawingInUnits(t *testing.T) {
	var first map[string]float64
	for _, du := range drawingUnits {
		t.Run(du.name, func(t *testing.T) {
			d, want := unitsFloor(du.code, du.metre)
			fromHeader := areasByNumber(t, read(t, d, Options{}))
			unitless, _ := unitsFloor(0, du.metre)
			fromFlag := areasByNumber(t, read(t, unitless, Options{Units: du.name}))
			for number, w := range want {
				if got := fromHeader[number]; math.Abs(got-w) > 1e-6 {
					t.Errorf("$INSUNITS %d: room %s is %.9f m², want %.9f", du.code, number, got, w)
				}
				if got := fromFlag[number]; math.Abs(got-w) > 1e-6 {
					t.Errorf("--units %s: room %s is %.9f m², want %.9f", du.name, number, got, w)
				}
				if first != nil && math.Abs(fromHeader[number]-first[number]) > 1e-6 {
					t.Errorf("room %s: %.9f m² in %s, %.9f m² in mm", number, fromHeader[number], du.name, first[number])
				}
			}
			if first == nil {
				first = fromHeader
			}

			// Into the store: a new building, and an existing one exchanging the drawing's unit.
			ctx := floorplan.WithActor(context.Background(), "test")
			s := importtest.NewStore(t)
			origin := orb.Point{119.97, 31.81}
			sum, err := imports.Import(ctx, floorplan.NewRegister(s), read(t, d, Options{}), imports.Options{Origin: &origin})
			if err != nil {
				t.Fatal(err)
			}
			created := sum.Targets[0].ID
			site := floorplan.Site{Name: "单位测试", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered}
			if err := s.CreateSite(ctx, &site); err != nil {
				t.Fatal(err)
			}
			existing := floorplan.Building{SiteID: site.ID, Name: "已有楼栋 " + du.name,
				Georef: geo.Georef{Origin: orb.Point{119.98, 31.81}, Scale: du.metre}}
			if err := s.CreateBuilding(ctx, &existing); err != nil {
				t.Fatal(err)
			}
			if _, err := imports.Import(ctx, floorplan.NewRegister(s), read(t, d, Options{}), imports.Options{Building: existing.ID.String()}); err != nil {
				t.Fatal(err)
			}
			for _, id := range [...]struct {
				what string
				b    uuid.UUID
			}{{"new building", created}, {"existing building", existing.ID}} {
				rooms := importtest.Rooms(t, s, floorplan.RoomFilter{BuildingID: id.b})
				if len(rooms) != len(want) {
					t.Fatalf("%s: %d rooms stored, want %d", id.what, len(rooms), len(want))
				}
				for _, r := range rooms {
					if w := want[r.Number]; math.Abs(r.Area()-w) > 1e-6 {
						t.Errorf("%s: stored room %s is %.9f m², want %.9f", id.what, r.Number, r.Area(), w)
					}
				}
			}
			if b, err := s.Building(ctx, created); err != nil || b.Georef.Scale != 1 {
				t.Errorf("the new building's scale is %v (%v), want 1: imported geometry is in metres", b.Georef.Scale, err)
			}
		})
	}
}

// A Contoso floor imported into a store keeps what the drawing says: the corridors, stairs and lift as
// circulation with the prefix that told it as their source category, the offices as offices, and the
// building's footprint from the OUTLINE layer (4,900 m², GDAL's reading, TestContosoFootprints).
func TestImportContosoUsagesAndFootprint(t *testing.T) {
	ds := importtest.ReadShared(t, "cad/contoso/dxf/contoso_v1_Ground.dxf", Read, Options{})
	ctx := floorplan.WithActor(context.Background(), "test")
	s := importtest.NewStore(t)
	sum, err := imports.Import(ctx, floorplan.NewRegister(s), ds, imports.Options{Origin: &orb.Point{-122.1326, 47.636152}})
	if err != nil {
		t.Fatal(err)
	}
	rooms := importtest.RoomsBy(t, s, floorplan.RoomFilter{BuildingID: sum.Targets[0].ID}, func(r floorplan.Room) string { return r.Number })
	if len(rooms) != 62 { // 63 polylines, two of them labelled "136"
		t.Errorf("%d room numbers stored, want 62", len(rooms))
	}
	for number, want := range map[string]string{"CIRC101": "CIRC", "CIRC102": "CIRC", "STR101": "STR", "ELV101": "ELV"} {
		if r := rooms[number]; r.Usage != floorplan.UsageCirculation || r.SourceCategory != want {
			t.Errorf("room %s stored as %s, source category %q; want circulation, %q", number, r.Usage, r.SourceCategory, want)
		}
	}
	if r := rooms["101"]; r.Usage != floorplan.UsageOffice {
		t.Errorf("room 101 stored as %s", r.Usage)
	}
	b, err := s.Building(ctx, sum.Targets[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := geo.Area(b.Footprint); math.Abs(a-4900) > 1e-6 {
		t.Errorf("stored footprint %.6f m², want the OUTLINE's 4900", a)
	}
}
