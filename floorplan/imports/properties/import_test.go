package properties

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/encoding/simplifiedchinese"

	"officemap/floorplan"
	"officemap/floorplan/imports"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/sheet"
	"officemap/floorplan/postgis/pgtest"
)

// eachStore runs a test on both stores: the embedded one and PostGIS (mandatory with CI=true).
func eachStore(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Run("gpkg", func(t *testing.T) { fn(t, newFixture(t, importtest.NewStore(t))) })
	t.Run("postgis", func(t *testing.T) { fn(t, newFixture(t, pgtest.NewStore(t))) })
}

// fixture is a register with two districts (辖市区) and no property.
type fixture struct {
	s        floorplan.Store
	reg      *floorplan.Register
	wujin    floorplan.Jurisdiction
	xinbei   floorplan.Jurisdiction
	thisYear int
	ctx      context.Context
}

func newFixture(t *testing.T, s floorplan.Store) *fixture {
	t.Helper()
	f := &fixture{s: s, reg: floorplan.NewRegister(s), thisYear: time.Now().Year(),
		ctx: floorplan.WithActor(context.Background(), "test")}
	f.wujin = floorplan.Jurisdiction{Name: "武进区", Code: "320412"}
	f.xinbei = floorplan.Jurisdiction{Name: "新北区", Code: "320411"}
	for _, j := range []*floorplan.Jurisdiction{&f.wujin, &f.xinbei} {
		if _, err := f.reg.CreateJurisdiction(f.ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) revision(t *testing.T) int64 {
	t.Helper()
	rev, err := f.s.Revision(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func (f *fixture) sites(t *testing.T) map[string]floorplan.Site {
	t.Helper()
	list, err := f.s.Sites(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]floorplan.Site{}
	for _, s := range list {
		out[s.Name] = s
	}
	return out
}

func (f *fixture) bookArea(t *testing.T, site uuid.UUID) (float64, int) {
	t.Helper()
	entries, err := f.s.LedgerEntries(f.ctx, floorplan.LedgerFilter{SiteID: site, Year: f.thisYear})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	n := 0
	for _, e := range entries {
		if e.Kind == floorplan.LedgerBookArea {
			sum += e.Amount
			n++
		}
	}
	return floorplan.RoundM2(sum), n
}

func (f *fixture) importCSV(t *testing.T, rows [][]string, opt Options) *Summary {
	t.Helper()
	sum, err := Import(f.ctx, f.reg, "房产台账.csv", csvOf(rows), opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum
}

// csvOf writes rows as CSV text.
func csvOf(rows [][]string) []byte {
	var b bytes.Buffer
	if err := csv.NewWriter(&b).WriteAll(rows); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// register is a bureau's sheet as clerks keep it: a title line, then Chinese headers of their own.
var register = [][]string{
	{"市机关事务管理局房产台账（2026年）"},
	{"序号", "名称", "坐落", "类别", "证书种类", "产权证号", "权利人", "发证日期", "证载建筑面积（㎡）", "账面面积", "权属状态", "辖市区", "备注"},
	{"1", "市行政中心", "龙城大道1280号", "党政机关办公用房", "不动产权证", "苏(2015)常州市不动产权第0001234号", "常州市机关事务管理局", "2015-06-01", "11,707.55", "11707.55", "已登记", "新北区", ""},
	{"2", "局前街周转办公楼", "局前街18号", "office.turnover", "", "", "", "", "", "", "已备案", "320412", "历史遗留，已确权备案"},
	{"3", "青果巷商铺", "青果巷12号", "商铺", "房屋所有权证", "常房权证字第0099887号", "", "2001年3月5日", "256.4", "", "权属不清", "", ""},
}

func TestImportRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sum := f.importCSV(t, register, Options{})
		if sum.Records != (Counts{Created: 3}) || sum.Rows != 3 {
			t.Fatalf("first import: %+v", sum)
		}
		sites := f.sites(t)
		centre := sites["市行政中心"]
		want := floorplan.OwnershipRecord{Kind: "不动产权证", Number: "苏(2015)常州市不动产权第0001234号",
			Holder: "常州市机关事务管理局", AreaM2: 11707.55}
		if len(centre.Records) != 1 || centre.Records[0].Number != want.Number || centre.Records[0].AreaM2 != want.AreaM2 ||
			centre.Records[0].Holder != want.Holder || centre.Records[0].IssuedOn.Format(floorplan.DateLayout) != "2015-06-01" {
			t.Errorf("centre's title: %+v, want %+v issued 2015-06-01", centre.Records, want)
		}
		if centre.Category != "office.party_government" || centre.Ownership != floorplan.OwnershipRegistered ||
			centre.JurisdictionID != f.xinbei.ID || centre.Address != "龙城大道1280号" {
			t.Errorf("centre: %+v", centre)
		}
		if area, n := f.bookArea(t, centre.ID); area != 11707.55 || n != 1 {
			t.Errorf("centre's book area %v in %d entries, want 11707.55 in 1", area, n)
		}
		turnover := sites["局前街周转办公楼"]
		if turnover.Category != "office.turnover" || turnover.Ownership != floorplan.OwnershipFiled ||
			turnover.JurisdictionID != f.wujin.ID || len(turnover.Records) != 0 || turnover.Note != "历史遗留，已确权备案" {
			t.Errorf("turnover building: %+v", turnover)
		}
		shop := sites["青果巷商铺"]
		if shop.Category != "commercial.shop" || shop.Ownership != floorplan.OwnershipUnclear || shop.JurisdictionID != uuid.Nil ||
			len(shop.Records) != 1 || shop.Records[0].Kind != "房屋所有权证" || shop.Records[0].IssuedOn.Format(floorplan.DateLayout) != "2001-03-05" {
			t.Errorf("shop: %+v", shop)
		}

		for _, format := range []sheet.Format{sheet.FormatCSV, sheet.FormatXLSX} {
			for _, lang := range []string{"zh", "en"} {
				t.Run(string(format)+"-"+lang, func(t *testing.T) {
					tab, err := Export(f.ctx, f.s, ExportOptions{Lang: lang})
					if err != nil {
						t.Fatal(err)
					}
					if len(tab.Rows) != 3 {
						t.Fatalf("export has %d rows, want 3", len(tab.Rows))
					}
					var buf bytes.Buffer
					if err := tab.Write(&buf, format); err != nil {
						t.Fatal(err)
					}
					rev := f.revision(t)
					sum, err := Import(f.ctx, f.reg, "export."+string(format), buf.Bytes(), Options{Lang: lang})
					if err != nil {
						t.Fatalf("import of the export: %v", err)
					}
					if sum.Records != (Counts{Unchanged: 3}) {
						t.Errorf("import of the export: %+v, want 3 unchanged", sum.Records)
					}
					if got := f.revision(t); got != rev {
						t.Errorf("the import of the export moved the revision %d → %d", rev, got)
					}
					again, err := Export(f.ctx, f.s, ExportOptions{Lang: lang})
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(again.Rows) != fmt.Sprint(tab.Rows) {
						t.Errorf("export after the round trip:\n%v\nwant\n%v", again.Rows, tab.Rows)
					}
				})
			}
		}
	})
}

func TestImportIsIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.importCSV(t, register, Options{})
		rev := f.revision(t)
		sum := f.importCSV(t, register, Options{})
		if sum.Records != (Counts{Unchanged: 3}) {
			t.Errorf("second import: %+v, want 0 created, 0 changed", sum.Records)
		}
		for _, o := range sum.Outcomes {
			if o.Action != "unchanged" || o.SiteID == uuid.Nil {
				t.Errorf("second import's outcome %+v", o)
			}
		}
		if got := f.revision(t); got != rev {
			t.Errorf("revision moved %d → %d", rev, got)
		}
		if n := len(f.sites(t)); n != 3 {
			t.Errorf("%d sites after two imports, want 3", n)
		}
		if _, n := f.bookArea(t, f.sites(t)["市行政中心"].ID); n != 1 {
			t.Errorf("%d book area entries after two imports, want 1", n)
		}
	})
}

// A changed row updates the site it matches by title number (a rename included), keeps its other
// records, and records the book area's difference.
func TestImportUpdatesByTitleNumber(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.importCSV(t, register, Options{})
		centre := f.sites(t)["市行政中心"]
		land := floorplan.OwnershipRecord{Kind: "土地使用权证", Number: "常国用(2014)第0456号", AreaM2: 0}
		centre.Records = append(centre.Records, land)
		if _, err := f.reg.UpdateSite(f.ctx, &centre); err != nil {
			t.Fatal(err)
		}
		changed := slices.Clone(register)
		row := slices.Clone(changed[2])
		row[1], row[8], row[9], row[10] = "常州市行政中心", "11800", "11750.5", "有争议"
		changed[2] = row
		sum := f.importCSV(t, changed, Options{})
		if sum.Records != (Counts{Changed: 1, Unchanged: 2}) {
			t.Fatalf("import of the change: %+v", sum.Records)
		}
		got := f.sites(t)["常州市行政中心"]
		if got.ID != centre.ID {
			t.Fatalf("the renamed row made another site (%s, want %s)", got.ID, centre.ID)
		}
		if len(got.Records) != 2 || got.Records[0].AreaM2 != 11800 || got.Records[1].Number != land.Number {
			t.Errorf("records after the change: %+v", got.Records)
		}
		if got.Ownership != floorplan.OwnershipDisputed {
			t.Errorf("ownership %s, want disputed (有争议)", got.Ownership)
		}
		history, err := f.s.RegistrationChanges(f.ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 2 || history[0].State != floorplan.OwnershipRegistered || history[1].State != got.Ownership ||
			!strings.Contains(history[1].Reason, "房产台账.csv") {
			t.Errorf("registration history %+v, want registered then %s by the import", history, got.Ownership)
		}
		if area, n := f.bookArea(t, got.ID); area != 11750.5 || n != 2 {
			t.Errorf("book area %v in %d entries, want 11750.5 in 2 (the correction an entry of its own)", area, n)
		}
	})
}

// Every bad row is named with its row and column, and nothing is written.
func TestImportBrokenRowsWriteNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		f.importCSV(t, register[:3], Options{}) // the centre
		rev := f.revision(t)
		broken := [][]string{
			register[1],
			{"1", "新建办公楼", "和平路1号", "党政机关办公用房", "", "苏(2020)常州市不动产权第0000001号", "", "", "5000", "", "已登记", "", ""},
			{"2", "档案馆", "和平路2号", "党政机关办公用房", "", "", "", "", "800", "", "登记过了", "", ""},
			{"3", "", "和平路3号", "党政机关办公用房", "", "", "", "", "", "", "已登记", "", ""},
			{"4", "会议中心", "和平路4号", "党政机关办公用房", "", "苏(2020)常州市不动产权第0000001号", "", "", "", "", "已登记", "", ""},
			{"5", "车库", "和平路5号", "党政机关办公用房", "", "", "", "", "约300平", "", "已登记", "", ""},
			{"6", "仓库", "和平路6号", "仓储用房", "", "", "", "", "", "", "已登记", "浦东新区", ""},
		}
		_, err := Import(f.ctx, f.reg, "坏表.csv", csvOf(broken), Options{Lang: "en"})
		var ie *imports.Error
		if !errors.As(err, &ie) || !errors.Is(err, imports.ErrRejected) {
			t.Fatalf("import of a broken file: %v, want an *imports.Error", err)
		}
		want := []struct{ row, says string }{
			{"row 3", "登记过了"}, {"row 4", "名称"}, {"row 5", "title number 苏(2020)常州市不动产权第0000001号 is also that of row 2"},
			{"row 6", "约300平"}, {"row 7", "仓储用房"}, {"row 7", "浦东新区"},
		}
		if len(ie.Problems) != len(want) {
			t.Errorf("%d problems, want %d:\n%v", len(ie.Problems), len(want), err)
		}
		for _, w := range want {
			if !slices.ContainsFunc(ie.Problems, func(p imports.Problem) bool {
				return p.Feature == w.row && strings.Contains(p.Reason, w.says)
			}) {
				t.Errorf("no problem of %s saying %q in\n%v", w.row, w.says, err)
			}
		}
		if got := f.revision(t); got != rev {
			t.Errorf("a rejected file moved the revision %d → %d", rev, got)
		}
		if n := len(f.sites(t)); n != 1 {
			t.Errorf("%d sites after a rejected file, want 1", n)
		}
		_, err = Import(f.ctx, f.reg, "坏表.csv", csvOf(broken), Options{Lang: "zh"})
		if !errors.As(err, &ie) {
			t.Fatalf("import of a broken file in Chinese: %v", err)
		}
		var zh []string
		for _, p := range ie.Problems {
			zh = append(zh, p.Text("zh"))
		}
		all := strings.Join(zh, "\n")
		for _, s := range []string{"第 3 行：权属状态 列：\"登记过了\" 不是可识别的权属状态", "第 4 行：名称 列：为空",
			"第 5 行：产权证号 列：权证号 苏(2020)常州市不动产权第0000001号 与第 2 行重复", "第 7 行：辖市区 列：没有名称或代码为 \"浦东新区\" 的辖区"} {
			if !strings.Contains(all, s) {
				t.Errorf("the Chinese problems lack %q:\n%s", s, all)
			}
		}
	})
}

func TestImportMappingAndDryRun(t *testing.T) {
	f := newFixture(t, importtest.NewStore(t))
	sheet := [][]string{
		{"物业", "位置", "用途", "证号", "状况"},
		{"老干部活动中心", "晋陵路5号", "其他办公用房", "X-1", "已登记"},
	}
	// 物业 and 用途 are no headers the layout knows: without a mapping there is no header row.
	if _, err := Import(f.ctx, f.reg, "a.csv", csvOf(sheet), Options{Lang: "en"}); err == nil || !strings.Contains(err.Error(), "no header row") {
		t.Errorf("import without a mapping: %v, want no header row", err)
	}
	m, err := ParseMap("物业=name，位置=address,用途=kind, 证号=title_number,状况=state")
	if err != nil {
		t.Fatal(err)
	}
	rev := f.revision(t)
	sum, err := Import(f.ctx, f.reg, "a.csv", csvOf(sheet), Options{Map: m, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != (Counts{Created: 1}) || !sum.DryRun || f.revision(t) != rev || len(f.sites(t)) != 0 {
		t.Errorf("dry run: %+v; revision %d → %d, %d sites", sum, rev, f.revision(t), len(f.sites(t)))
	}
	jm, err := ParseMapJSON([]byte(`{"物业":"name","位置":"address","用途":"kind","证号":"title_number","状况":"state"}`))
	if err != nil {
		t.Fatal(err)
	}
	sum, err = Import(f.ctx, f.reg, "a.csv", csvOf(sheet), Options{Map: jm})
	if err != nil {
		t.Fatal(err)
	}
	got := f.sites(t)["老干部活动中心"]
	if sum.Records.Created != 1 || got.Category != "office.other" || len(got.Records) != 1 || got.Records[0].Kind != DefaultTitleKind {
		t.Errorf("mapped import: %+v, site %+v", sum.Records, got)
	}
	for _, bad := range []string{"物业", "物业=nome", "物业=name,物业=address", "a=name,b=name"} {
		if _, err := ParseMap(bad); err == nil {
			t.Errorf("ParseMap(%q) took it", bad)
		}
	}
	if _, err := ParseMapJSON([]byte(`["name"]`)); err == nil {
		t.Error("ParseMapJSON took a list")
	}
}

// Every state a sheet may name maps to the register's state, or says that the register does not know it
// yet.
func TestStates(t *testing.T) {
	for _, l := range stateLabels {
		for _, w := range append([]string{string(l.state)}, l.words...) {
			got, n := parseState(w)
			switch {
			case l.state.Valid() && (n != nil || got != l.state):
				t.Errorf("%s: %v %v, want %s", w, got, n, l.state)
			case !l.state.Valid() && (n == nil || !strings.Contains(n.String(), "not a state the register knows yet")):
				t.Errorf("%s: %v, want a note that the register does not know it yet", w, n)
			}
		}
	}
	if _, n := parseState("卖掉了"); n == nil {
		t.Error("卖掉了 taken for a state")
	}
}

// A register saved by a Chinese Excel as CSV (GB18030) reads as the UTF-8 one does, with a note.
func TestImportGB18030(t *testing.T) {
	f := newFixture(t, importtest.NewStore(t))
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvOf(register))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Import(f.ctx, f.reg, "台账.csv", gb, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records.Created != 3 || f.sites(t)["青果巷商铺"].Category != "commercial.shop" {
		t.Errorf("GB18030 import: %+v", sum)
	}
	if !slices.ContainsFunc(sum.Notes, func(n string) bool { return strings.Contains(n, "GB18030") }) {
		t.Errorf("no note of the encoding in %v", sum.Notes)
	}
}
