package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/text/encoding/simplifiedchinese"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// roomListSummary is the part of a room list's summary the tests read.
type roomListSummary struct {
	DryRun bool `json:"dry_run"`
	Rows   struct {
		Read, Matched, Updated, Unchanged, Skipped int
		NoRoom                                     int `json:"no_room"`
	}
	NoRoom    []struct{ Row int } `json:"no_room"`
	NotListed []struct {
		ID     uuid.UUID
		Number string
	} `json:"not_listed"`
	AreaDifferences []struct {
		Number     string
		Recorded   float64 `json:"recorded_m2"`
		Measured   float64 `json:"measured_m2"`
		Difference float64 `json:"difference_m2"`
	} `json:"area_differences"`
	Notes []string
}

// gb18030CSV writes rows as CSV in GB18030, as a Chinese Excel saves it.
func gb18030CSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// storedRoom reads a room straight from the package's database.
func storedRoom(t *testing.T, id uuid.UUID) floorplan.Room {
	t.Helper()
	r, err := openStore(t).Room(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestImportRoomList(t *testing.T) {
	e := newEnv(t, api.Config{})
	f := e.fixture()
	finance := newAgency(t, e, "常州市财政局 "+uuid.NewString()[:6], map[string]any{"short_name": "财政局" + uuid.NewString()[:4]})
	var fin map[string]any
	e.do("GET", "/api/v1/agencies/"+finance.String(), nil).expect(t, 200).decode(t, &fin)
	r301, _ := e.createRoom(f, "301", rect(0, 0, 5, 4))  // 20 m²
	r302, _ := e.createRoom(f, "302", rect(5, 0, 11, 4)) // 24 m²
	e.createRoom(f, "303", rect(11, 0, 14, 4))           // 12 m², not listed
	building := f.building.String()
	list := gb18030CSV(t, [][]string{
		{"楼栋", "楼层", "房间号", "用途", "使用单位", "使用面积（㎡）"},
		{building, "3F", "301", "会议室", fin["short_name"].(string), "20.00"},
		{building, "三层", "302", "", fin["name"].(string), "26.5"},
		{building, "3F", "304", "", "", "10"},
	})

	t.Run("dry run writes nothing", func(t *testing.T) {
		var sum roomListSummary
		e.do("POST", "/api/v1/imports/rooms?dry_run=true&filename=登记表.csv", list).expect(t, 200).decode(t, &sum)
		if !sum.DryRun || sum.Rows.Matched != 2 || sum.Rows.Updated != 2 || sum.Rows.NoRoom != 1 {
			t.Errorf("dry run summary %+v", sum)
		}
		if r := storedRoom(t, r301.ID); r.Usage != floorplan.UsageOffice || r.RecordedAreaM2 != 0 {
			t.Errorf("the dry run wrote room 301: %+v", r)
		}
	})
	t.Run("import", func(t *testing.T) {
		var sum roomListSummary
		e.do("POST", "/api/v1/imports/rooms?filename=登记表.csv", list, "Accept-Language", "zh-CN").expect(t, 200).decode(t, &sum)
		if sum.DryRun || sum.Rows.Updated != 2 || len(sum.NoRoom) != 1 || sum.NoRoom[0].Row != 4 || len(sum.NotListed) != 1 ||
			sum.NotListed[0].Number != "303" {
			t.Errorf("summary %+v", sum)
		}
		// 302 measures 6 × 4 = 24 m²; the list records 26.5.
		if len(sum.AreaDifferences) != 1 || sum.AreaDifferences[0].Number != "302" || !near(sum.AreaDifferences[0].Measured, 24, 1e-9) ||
			!near(sum.AreaDifferences[0].Difference, 2.5, 1e-9) {
			t.Errorf("area differences %+v, want 302: 26.50 recorded, 24.00 measured", sum.AreaDifferences)
		}
		if !strings.Contains(strings.Join(sum.Notes, "\n"), "账面面积与实测面积相差超过 0.01 平方米") {
			t.Errorf("notes not in Chinese: %q", sum.Notes)
		}
		r := storedRoom(t, r301.ID)
		if r.Usage != floorplan.UsageService || r.AgencyID != finance || r.RecordedAreaM2 != 20 {
			t.Errorf("room 301 = usage %s, agency %s, recorded %.2f", r.Usage, r.AgencyID, r.RecordedAreaM2)
		}
		if r := storedRoom(t, r302.ID); r.RecordedAreaM2 != 26.5 || r.AgencyID != finance {
			t.Errorf("room 302 = agency %s, recorded %.2f", r.AgencyID, r.RecordedAreaM2)
		}
	})
	t.Run("again: a no-op", func(t *testing.T) {
		var sum roomListSummary
		e.do("POST", "/api/v1/imports/rooms", list).expect(t, 200).decode(t, &sum)
		if sum.Rows.Updated != 0 || sum.Rows.Unchanged != 2 {
			t.Errorf("re-import rows %+v", sum.Rows)
		}
	})
	t.Run("bad rows", func(t *testing.T) {
		bad := gb18030CSV(t, [][]string{{"楼栋", "楼层", "房间号", "使用单位", "面积"}, {building, "3F", "301", "不存在的局", "abc"}})
		body := e.do("POST", "/api/v1/imports/rooms?filename=bad.csv", bad).expectError(t, 422, "import_rejected")
		problems, _ := body["problems"].([]any)
		if len(problems) != 2 {
			t.Fatalf("problems %v, want 2", body["problems"])
		}
		for i, want := range []string{`column 面积: "abc" is not an area`, `column 使用单位: agency "不存在的局" is not in the register`} {
			p := problems[i].(map[string]any)
			if p["feature"] != "row 2" || !strings.HasPrefix(p["reason"].(string), want) {
				t.Errorf("problem %d = %v, want row 2: %s", i, p, want)
			}
		}
		zh := e.do("POST", "/api/v1/imports/rooms?filename=bad.csv", bad, "Accept-Language", "zh-CN").expectError(t, 422, "import_rejected")
		if msg, _ := zh["message"].(string); !strings.Contains(msg, "第 2 行") || !strings.Contains(msg, "不在登记册中") {
			t.Errorf("Chinese message %q", msg)
		}
		if r := storedRoom(t, r301.ID); r.RecordedAreaM2 != 20 {
			t.Errorf("a rejected list wrote room 301: recorded %.2f", r.RecordedAreaM2)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		for _, tt := range []struct{ name, query, want string }{
			{"columns", "?columns=room=房号", "columns"},
			{"dry_run", "?dry_run=maybe", "dry_run"},
		} {
			body := e.do("POST", "/api/v1/imports/rooms"+tt.query, list).expectError(t, 400, "bad_request")
			if msg, _ := body["message"].(string); !strings.Contains(msg, tt.want) {
				t.Errorf("%s: message %q", tt.name, msg)
			}
		}
		e.do("POST", "/api/v1/imports/rooms", []byte{}).expectError(t, 400, "bad_request")
	})
}

// Who may import a room list: the role matrix (planners, not inspectors or viewers), and, within a
// planner's agency scope, only the rooms the scope reads and agencies it covers.
func TestImportRoomListPermissions(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.signedIn("rl_admin", identity.Grant{Role: identity.RoleBureauAdmin})
	f := admin.fixture()
	mine := newAgency(t, admin, "常州市教育局 "+uuid.NewString()[:6], nil)
	other := newAgency(t, admin, "常州市民政局 "+uuid.NewString()[:6], nil)
	own := agencyRoom(t, admin, f, "401", mine, rect(0, 0, 5, 4))
	agencyRoom(t, admin, f, "402", other, rect(5, 0, 10, 4))
	e.addUser("rl_planner", identity.Grant{Role: identity.RolePlanner, Scope: identity.Scope{Agency: mine}})
	e.addUser("rl_inspector", identity.Grant{Role: identity.RoleInspector})
	e.addUser("rl_viewer", identity.Grant{Role: identity.RoleViewer})
	building := f.building.String()
	list := gb18030CSV(t, [][]string{
		{"楼栋", "楼层", "房间号", "用途", "面积"},
		{building, "3F", "401", "会议室", "20"},
		{building, "3F", "402", "会议室", "20"},
	})

	for _, name := range []string{"rl_inspector", "rl_viewer"} {
		e.signIn(name).do("POST", "/api/v1/imports/rooms", list).expectError(t, 403, "forbidden")
	}
	if !e.hasAudit("rl_inspector", "permission.denied", "", identity.OutcomeDenied) {
		t.Error("the inspector's refused import is not audited")
	}
	planner := e.signIn("rl_planner")
	var sum roomListSummary
	planner.do("POST", "/api/v1/imports/rooms", list).expect(t, 200).decode(t, &sum)
	// 402 is the other agency's: outside the planner's scope, it is as if it were not drawn.
	if sum.Rows.Matched != 1 || sum.Rows.NoRoom != 1 || len(sum.NotListed) != 0 {
		t.Errorf("scoped planner's summary %+v", sum)
	}
	if r := storedRoom(t, own); r.Usage != floorplan.UsageService || r.RecordedAreaM2 != 20 {
		t.Errorf("room 401 = usage %s, recorded %.2f", r.Usage, r.RecordedAreaM2)
	}
	if !e.hasAudit("rl_planner", "import.rooms", "", identity.OutcomeOK) {
		t.Error("the planner's import is not audited")
	}
	give := gb18030CSV(t, [][]string{{"楼栋", "楼层", "房间号", "使用单位"}, {building, "3F", "401", other.String()}})
	planner.do("POST", "/api/v1/imports/rooms", give).expectError(t, 403, "forbidden")
	if r := storedRoom(t, own); r.AgencyID != mine {
		t.Errorf("room 401 was given to %s by a refused list", r.AgencyID)
	}
}
