//go:build !nostore

package roomlist_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/dxf"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/roomlist"
	"officemap/floorplan/postgis/pgtest"
)

// The room list is joined to a real drawing — Microsoft's Contoso ground floor, imported from DXF — in
// both stores. The areas it records are GDAL's reading of the drawing (an oracle independent of
// officemap), two of them deliberately off by known amounts; the differences reported must be exactly
// those two, with GDAL's figures.

const (
	contosoFile     = "cad/contoso/dxf/contoso_v1_Ground.dxf"
	contosoBuilding = "Contoso 1号楼"
)

// gdalAreas reads the area of every room polyline (layer UNITS) of the Contoso drawing with GDAL's
// ogr2ogr, in m² by entity handle. It fails the test in CI when GDAL is not installed, and skips it
// elsewhere.
func gdalAreas(t *testing.T) map[string]float64 {
	t.Helper()
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogr2ogr (GDAL) is not installed: .ci/run installs gdal-bin")
		}
		t.Skip("ogr2ogr (GDAL) is not installed")
	}
	const sql = "SELECT EntityHandle AS handle, ST_Area(ST_MakePolygon(geometry)) AS area FROM entities WHERE Layer = 'UNITS'"
	out, err := exec.Command("ogr2ogr", "-f", "CSV", "/vsistdout/", importtest.SharedData(t, contosoFile),
		"-dialect", "SQLite", "-sql", sql).Output()
	if err != nil {
		t.Fatalf("ogr2ogr: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("ogr2ogr's CSV: %v (%d records)", err, len(recs))
	}
	areas := map[string]float64{}
	for _, r := range recs[1:] {
		mm2, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			t.Fatalf("ogr2ogr's area %q: %v", r[1], err)
		}
		areas[r[0]] = mm2 / 1e6 // the drawing is in millimetres
	}
	return areas
}

// site is a register holding the Contoso ground floor and two agencies.
type site struct {
	store            floorplan.Store
	reg              *floorplan.Register
	building         uuid.UUID
	finance, edu     uuid.UUID
	rooms            []floorplan.Room // the drawn rooms, as imported
	gdal             map[uuid.UUID]float64
	picks            []floorplan.Room // rooms with a number of their own, not yet service, circulation or toilets
	duplicateNumber  string           // a number two drawn rooms share
	finName, eduName string
}

var ctx = floorplan.WithActor(context.Background(), "roomlist test")

func newSite(t *testing.T, store floorplan.Store) *site {
	t.Helper()
	s := &site{store: store, reg: floorplan.NewRegister(store), finName: "常州市财政局", eduName: "常州市教育局"}
	ds := importtest.ReadShared(t, contosoFile, dxf.Read, dxf.Options{Level: 0})
	sum, err := imports.Import(ctx, s.reg, ds, imports.Options{Building: contosoBuilding, Origin: &orb.Point{119.97, 31.81}})
	if err != nil {
		t.Fatal(err)
	}
	s.building = sum.Targets[0].ID
	for name, id := range map[string]*uuid.UUID{s.finName: &s.finance, s.eduName: &s.edu} {
		a := floorplan.Agency{Name: name, ShortName: strings.TrimPrefix(name, "常州市"), Level: floorplan.LevelMunicipal,
			Headcount: 40, Status: floorplan.AgencyActive}
		if _, err := s.reg.CreateAgency(ctx, &a); err != nil {
			t.Fatal(err)
		}
		*id = a.ID
	}
	s.rooms = importtest.Rooms(t, store, floorplan.RoomFilter{BuildingID: s.building})
	if len(s.rooms) != 63 {
		t.Fatalf("%d rooms imported, want 63", len(s.rooms))
	}
	areas := gdalAreas(t)
	s.gdal = map[uuid.UUID]float64{}
	count := map[string]int{}
	for _, r := range s.rooms {
		count[r.Number]++
		handle := r.SourceID[strings.LastIndex(r.SourceID, ":")+1:]
		a, ok := areas[handle]
		if !ok {
			t.Fatalf("GDAL has no room polyline with handle %s (room %s)", handle, r.Number)
		}
		s.gdal[r.ID] = a
	}
	slices.SortFunc(s.rooms, func(a, b floorplan.Room) int { return strings.Compare(a.Number, b.Number) })
	for _, r := range s.rooms {
		switch {
		case count[r.Number] == 2 && s.duplicateNumber == "":
			s.duplicateNumber = r.Number
		case count[r.Number] == 1 && r.Number != "" && len(s.picks) < 8 && r.Usage != floorplan.UsageService &&
			r.Usage != floorplan.UsageCirculation && r.Usage != floorplan.UsageToilet:
			s.picks = append(s.picks, r)
		}
	}
	if len(s.picks) < 8 || s.duplicateNumber == "" {
		t.Fatalf("the drawing has %d rooms to pick and duplicate number %q: want 8 and one", len(s.picks), s.duplicateNumber)
	}
	return s
}

// recorded is a pick's area as the list records it: GDAL's, to 0.01 m², plus an offset.
func (s *site) recorded(i int, offset float64) string {
	return fmt.Sprintf("%.2f", floorplan.RoundM2(s.gdal[s.picks[i].ID])+offset)
}

// list is the bureau's register of the picks: a title, the header, a row per pick (two recorded areas
// off by +3.50 and −1.25 m²), a room that is not drawn, a floor that is not drawn and a total.
func (s *site) list() [][]string {
	p := func(i int) string { return s.picks[i].Number }
	return [][]string{
		{contosoBuilding + " 房间登记表"},
		{"序号", "楼栋", "楼层", "房间号", "用途", "使用单位", "使用面积（㎡）"},
		{"1", contosoBuilding, "1F", p(0), "会议室", "财政局", s.recorded(0, 0)},
		{"2", contosoBuilding, "1层", p(1), "交通", s.eduName, s.recorded(1, 0)},
		{"3", contosoBuilding, "一层", p(2), "", "", s.recorded(2, 3.5)},
		{"4", contosoBuilding, "首层", p(3), "office", "教育局", s.recorded(3, -1.25)},
		{"5", contosoBuilding, "1", p(4), "", "", s.recorded(4, 0)},
		{"6", contosoBuilding, "1F", p(5), "", "", s.recorded(5, 0) + "㎡"},
		{"7", contosoBuilding, "1F", p(6), "", "财政局", ""},
		{"8", contosoBuilding, "1F", p(7), "卫生间", "", ""},
		{"9", contosoBuilding, "1F", "999", "", "", "20"},
		{"10", contosoBuilding, "3F", p(0), "", "", "20"},
		{"合计", "", "", "", "", "", "1000"},
	}
}

func (s *site) revision(t *testing.T) int64 {
	t.Helper()
	rev, err := s.store.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func (s *site) room(t *testing.T, i int) floorplan.Room {
	t.Helper()
	r, err := s.store.Room(ctx, s.picks[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (s *site) importList(t *testing.T, name string, data []byte, opt roomlist.Options) (*roomlist.Summary, error) {
	t.Helper()
	l, err := roomlist.Read(name, data, roomlist.ReadOptions{Lang: opt.Lang})
	if err != nil {
		t.Fatal(err)
	}
	return roomlist.Import(ctx, s.reg, l, opt)
}

func TestImportContoso(t *testing.T) {
	for _, st := range []struct {
		name string
		open func(t *testing.T) floorplan.Store
	}{
		{"gpkg", func(t *testing.T) floorplan.Store { return importtest.NewStore(t) }},
		{"postgis", func(t *testing.T) floorplan.Store { return pgtest.NewStore(t) }},
	} {
		t.Run(st.name, func(t *testing.T) { scenario(t, newSite(t, st.open(t))) })
	}
}

// scenario imports the list in a dry run, for real, again, changed as a GB18030 CSV, with bad rows, and
// with a permission hook that refuses an agency.
func scenario(t *testing.T, s *site) {
	merged := s.list() // the building's name once, merged down its rows (B3:B12)
	for _, r := range merged[3:12] {
		r[1] = ""
	}
	xlsx := xlsxFile(t, "登记表", 1, merged, "B3:B12")
	opt := roomlist.Options{Lang: "en"}
	t.Run("dry run writes nothing", func(t *testing.T) {
		rev := s.revision(t)
		sum, err := s.importList(t, "登记表.xlsx", xlsx, roomlist.Options{Lang: "en", DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := roomlist.Counts{Read: 10, Matched: 8, Updated: 8, NoRoom: 2}
		if !sum.DryRun || sum.Rows != wantCounts || len(sum.AreaDifferences) != 2 {
			t.Errorf("dry run: rows %+v, %d differences; want %+v and 2", sum.Rows, len(sum.AreaDifferences), wantCounts)
		}
		if got := s.revision(t); got != rev {
			t.Errorf("revision %d after a dry run, want %d", got, rev)
		}
		if r := s.room(t, 0); r.RecordedAreaM2 != 0 || r.AgencyID != uuid.Nil {
			t.Errorf("a dry run changed room %s: %+v", r.Number, r)
		}
	})
	t.Run("import", func(t *testing.T) {
		sum, err := s.importList(t, "登记表.xlsx", xlsx, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkImported(t, s, sum)
	})
	t.Run("again: a no-op", func(t *testing.T) {
		rev := s.revision(t)
		sum, err := s.importList(t, "登记表.xlsx", xlsx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows.Updated != 0 || sum.Rows.Unchanged != 8 || len(sum.AreaDifferences) != 2 {
			t.Errorf("re-import: rows %+v, %d differences; want 0 updated, 8 unchanged, 2 differences", sum.Rows, len(sum.AreaDifferences))
		}
		if got := s.revision(t); got != rev {
			t.Errorf("revision %d after a re-import, want %d", got, rev)
		}
	})
	t.Run("changed, as GB18030 CSV", func(t *testing.T) {
		rows := s.list()
		rows[6][4] = "档案室" // the usage of pick 4: an archive is a service room
		sum, err := s.importList(t, "登记表.csv", csvFile(t, rows, "gb18030"), opt)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Encoding != "gb18030" || sum.Rows.Updated != 1 || sum.Rows.Unchanged != 7 {
			t.Errorf("encoding %s, rows %+v; want gb18030, 1 updated and 7 unchanged", sum.Encoding, sum.Rows)
		}
		if r := s.room(t, 4); r.Usage != floorplan.UsageService {
			t.Errorf("room %s's usage is %s, want service", r.Number, r.Usage)
		}
	})
	badRows(t, s)
	permission(t, s)
}

// checkImported checks the summary and the rooms of the list's first import.
func checkImported(t *testing.T, s *site, sum *roomlist.Summary) {
	t.Helper()
	wantCounts := roomlist.Counts{Read: 10, Matched: 8, Updated: 8, NoRoom: 2}
	if sum.DryRun || sum.Rows != wantCounts || sum.HeaderRow != 2 || sum.Sheet != "登记表" {
		t.Errorf("rows %+v, header row %d, sheet %q; want %+v, 2, 登记表", sum.Rows, sum.HeaderRow, sum.Sheet, wantCounts)
	}
	for i, want := range []struct {
		usage    floorplan.Usage // "": as drawn
		agency   uuid.UUID
		recorded float64
	}{
		{floorplan.UsageService, s.finance, floorplan.RoundM2(s.gdal[s.picks[0].ID])},
		{floorplan.UsageCirculation, s.edu, floorplan.RoundM2(s.gdal[s.picks[1].ID])},
		{"", uuid.Nil, floorplan.RoundM2(s.gdal[s.picks[2].ID]) + 3.5},
		{floorplan.UsageOffice, s.edu, floorplan.RoundM2(s.gdal[s.picks[3].ID]) - 1.25},
		{"", uuid.Nil, floorplan.RoundM2(s.gdal[s.picks[4].ID])},
		{"", uuid.Nil, floorplan.RoundM2(s.gdal[s.picks[5].ID])},
		{"", s.finance, 0},
		{floorplan.UsageToilet, uuid.Nil, 0},
	} {
		r := s.room(t, i)
		usage := cmpOr(want.usage, s.picks[i].Usage)
		if r.Usage != usage || r.AgencyID != want.agency || math.Abs(r.RecordedAreaM2-want.recorded) > 1e-9 {
			t.Errorf("room %s: usage %s, agency %s, recorded %.2f m²; want %s, %s, %.2f m²", r.Number, r.Usage, r.AgencyID,
				r.RecordedAreaM2, usage, want.agency, want.recorded)
		}
	}
	if len(sum.AreaDifferences) != 2 {
		t.Fatalf("area differences %+v, want 2", sum.AreaDifferences)
	}
	for k, want := range []struct {
		pick   int
		row    int
		offset float64
	}{{2, 5, 3.5}, {3, 6, -1.25}} {
		d, gdal := sum.AreaDifferences[k], floorplan.RoundM2(s.gdal[s.picks[want.pick].ID])
		if d.Number != s.picks[want.pick].Number || d.Row != want.row || math.Abs(d.MeasuredM2-gdal) > 0.0101 ||
			math.Abs(d.RecordedM2-(gdal+want.offset)) > 1e-9 || math.Abs(d.DifferenceM2-want.offset) > 0.0101 ||
			math.Abs(d.Percent-want.offset/gdal*100) > 0.01+0.0101/gdal*100 || d.Floor != "1F" || d.Building != contosoBuilding {
			t.Errorf("difference %d = %+v; want room %s on row %d: measured %.2f (GDAL), off by %+.2f m²", k, d,
				s.picks[want.pick].Number, want.row, gdal, want.offset)
		}
	}
	if len(sum.NotListed) != 63-8 {
		t.Errorf("%d rooms not listed, want 55", len(sum.NotListed))
	}
	for _, r := range sum.NotListed {
		if slices.ContainsFunc(s.picks, func(p floorplan.Room) bool { return p.ID == r.ID }) {
			t.Errorf("listed room %s among those not listed", r.Number)
		}
	}
	if len(sum.NoRoom) != 2 || sum.NoRoom[0].Number != "999" || sum.NoRoom[0].Row != 11 || sum.NoRoom[1].Row != 12 ||
		!strings.Contains(sum.NoRoom[1].Reason, "no floor 3F (ordinal 2)") {
		t.Errorf("rows with no drawn room: %+v", sum.NoRoom)
	}
	notes := strings.Join(sum.Notes, "\n")
	for _, w := range []string{"row 13 is a total", "2 rows name no drawn room", "55 drawn rooms", "more than 0.01 m² in 2 rooms"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// badRows imports a list with an unknown agency, an area that is not a number and a room number two drawn
// rooms share: rejected with every row and column named, and nothing written; with SkipInvalid, the
// good row is taken.
func badRows(t *testing.T, s *site) {
	rows := [][]string{
		{"楼栋", "楼层", "房间号", "用途", "使用单位", "使用面积（㎡）"},
		{contosoBuilding, "1F", s.picks[5].Number, "", "不存在的局", ""},
		{contosoBuilding, "1F", s.picks[6].Number, "", "", "十二点五"},
		{contosoBuilding, "1F", s.picks[7].Number, "会议室", "", ""},
		{contosoBuilding, "1F", s.duplicateNumber, "", "", "10"},
	}
	data := csvFile(t, rows, "gb18030")
	t.Run("bad rows reject the list", func(t *testing.T) {
		rev := s.revision(t)
		_, err := s.importList(t, "bad.csv", data, roomlist.Options{Lang: "en"})
		ie := wantRejected(t, err, "bad.csv", "3 problems")
		want := []struct{ feature, reason string }{
			{"row 2", `column 使用单位: agency "不存在的局" is not in the register`},
			{"row 3", `column 使用面积（㎡）: "十二点五" is not an area in m²`},
			{"row 5", "column 房间号: 2 rooms drawn on floor 1F are numbered " + s.duplicateNumber},
		}
		for i, w := range want {
			if i >= len(ie.Problems) || ie.Problems[i].Feature != w.feature || !strings.HasPrefix(ie.Problems[i].Reason, w.reason) {
				t.Errorf("problem %d = %+v, want %s: %s…", i, ie.Problems[min(i, len(ie.Problems)-1)], w.feature, w.reason)
			}
		}
		if zh := ie.In("zh"); !strings.Contains(zh, "使用单位 列：使用单位 \"不存在的局\" 不在登记册中") {
			t.Errorf("in Chinese: %s", zh)
		}
		if got := s.revision(t); got != rev {
			t.Errorf("revision %d after a rejected list, want %d", got, rev)
		}
		if r := s.room(t, 7); r.Usage == floorplan.UsageService {
			t.Errorf("room %s of a rejected list was written", r.Number)
		}
	})
	t.Run("skip invalid takes the rest", func(t *testing.T) {
		sum, err := s.importList(t, "bad.csv", data, roomlist.Options{Lang: "zh", SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows.Skipped != 3 || sum.Rows.Updated != 1 || len(sum.Skipped) != 3 || sum.Skipped[0].Feature != "第 2 行" ||
			!strings.Contains(sum.Skipped[0].Reason, "不在登记册中") {
			t.Errorf("rows %+v, skipped %+v", sum.Rows, sum.Skipped)
		}
		if r := s.room(t, 7); r.Usage != floorplan.UsageService {
			t.Errorf("room %s's usage is %s, want service", r.Number, r.Usage)
		}
	})
}

// permission imports through a register whose hook refuses the education bureau's rooms: the hook is
// asked about each building and agency, and a refusal writes nothing.
func permission(t *testing.T, s *site) {
	t.Run("permission", func(t *testing.T) {
		var asked []floorplan.Request
		refuse := uuid.Nil
		hook := floorplan.WithPermit(func(_ context.Context, req floorplan.Request) error {
			asked = append(asked, req)
			if req.AgencyID == refuse {
				return fmt.Errorf("%w: not the education bureau's", floorplan.ErrForbidden)
			}
			return nil
		})
		reg := floorplan.NewRegister(s.store, hook)
		rows := [][]string{{"楼栋", "楼层", "房间号", "使用单位"}, {s.building.String(), "1F", s.picks[6].Number, "教育局"}}
		l, err := roomlist.Read("perm.csv", csvFile(t, rows, "utf-8"), roomlist.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The room is the finance bureau's: the hook is asked about it, and about the agency it is to get.
		if _, err := roomlist.Import(ctx, reg, l, roomlist.Options{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		byAgency := func(a, b floorplan.Request) int { return strings.Compare(a.AgencyID.String(), b.AgencyID.String()) }
		slices.SortFunc(asked, byAgency)
		want := []floorplan.Request{
			{Op: floorplan.OpBatch, Entity: floorplan.EntityRoom, BuildingID: s.building, AgencyID: s.edu, What: "import rooms perm.csv"},
			{Op: floorplan.OpBatch, Entity: floorplan.EntityRoom, BuildingID: s.building, AgencyID: s.finance, What: "import rooms perm.csv"},
		}
		slices.SortFunc(want, byAgency)
		if !slices.Equal(asked, want) {
			t.Errorf("the hook was asked %+v, want %+v", asked, want)
		}
		refuse = s.edu
		rev := s.revision(t)
		if _, err := roomlist.Import(ctx, reg, l, roomlist.Options{}); !errors.Is(err, floorplan.ErrForbidden) {
			t.Errorf("err = %v, want ErrForbidden", err)
		}
		if got := s.revision(t); got != rev || s.room(t, 6).AgencyID != s.finance {
			t.Errorf("a refused list was written (revision %d → %d)", rev, got)
		}
	})
}
