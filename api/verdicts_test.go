package api_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/postgis/pgtest"
)

// The verdicts of issue 10, each reproduced through the HTTP API on both stores, each on a register of its
// own (a report as of a day before anything was known must see nothing else).

// storeEnv is a server over real HTTP on a fresh store of the given kind.
func storeEnv(t *testing.T, kind string) *env {
	t.Helper()
	var s floorplan.Store
	switch kind {
	case "postgis":
		s = pgtest.NewStore(t)
	case "gpkg":
		g, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "verdicts.gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		s = g
	}
	return serveEnv(t, api.Config{}, func(string) api.Deps { return api.Deps{Store: s} })
}

// finding is a finding as the report's JSON gives it.
type finding struct {
	RuleID     string      `json:"rule_id"`
	SubjectID  uuid.UUID   `json:"subject_id"`
	RoomIDs    []uuid.UUID `json:"room_ids"`
	AreaM2     float64     `json:"area_m2"`
	StandardM2 float64     `json:"standard_m2"`
	ExcessM2   float64     `json:"excess_m2"`
	Message    string      `json:"message"`
	MessageEN  string      `json:"message_en"`
	Basis      string      `json:"basis"`
}

type reportJSON struct {
	Findings []finding `json:"findings"`
	Notes    []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"notes"`
}

func (e *env) report(query string) reportJSON {
	e.t.Helper()
	var rep reportJSON
	e.do("GET", "/api/v1/reports/over-standard?format=json"+query, nil).expect(e.t, 200).decode(e.t, &rep)
	return rep
}

func (rep reportJSON) about(rule string, subject uuid.UUID) []finding {
	var out []finding
	for _, f := range rep.Findings {
		if f.RuleID == rule && (subject == uuid.Nil || f.SubjectID == subject || containsID(f.RoomIDs, subject)) {
			out = append(out, f)
		}
	}
	return out
}

func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (e *env) post(path string, body any) uuid.UUID {
	e.t.Helper()
	return e.do("POST", path, body).created(e.t)
}

func (e *env) agency(name, level string) uuid.UUID {
	return e.post("/api/v1/agencies", map[string]any{"name": name, "level": level})
}

func (e *env) personIn(agency uuid.UUID, name, rank string, posts ...map[string]any) uuid.UUID {
	body := map[string]any{"name": name, "agency_id": agency, "rank": rank}
	if len(posts) > 0 {
		body["posts"] = posts
	}
	return e.post("/api/v1/people", body)
}

func (e *env) roomOf(f fixture, number string, w, h float64, extra string) uuid.UUID {
	e.t.Helper()
	body := roomBody(number, "office", rect(0, 0, w, h), &f.georef)
	if extra != "" {
		body["properties"].(map[string]any)["valid_from"] = extra
	}
	return e.post("/api/v1/floors/"+f.floor.String()+"/rooms", body)
}

// occupant makes on f's floor a room of w × h m numbered number, and a person of agency ag with rank in it
// as kind (main or second) since a month ago, and returns the person.
func (e *env) occupant(f fixture, ag uuid.UUID, number string, w, h float64, person, rank, kind string) uuid.UUID {
	e.t.Helper()
	room := e.roomOf(f, number, w, h, "")
	p := e.personIn(ag, person, rank)
	e.post("/api/v1/assignments", map[string]any{"person_id": p, "room_id": room, "kind": kind, "start": day(-30)})
	return p
}

func day(offset int) string {
	return floorplan.DayOf(time.Now()).AddDate(0, 0, offset).Format(floorplan.DateLayout)
}

func TestVerdictsThroughTheAPI(t *testing.T) {
	for _, kind := range []string{"postgis", "gpkg"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			t.Run("survey precision", func(t *testing.T) { testPrecision(t, storeEnv(t, kind)) })
			t.Run("deleted person leaves no false idle", func(t *testing.T) { testDeletedPerson(t, storeEnv(t, kind)) })
			t.Run("sole unapproved second office", func(t *testing.T) { testSoleSecond(t, storeEnv(t, kind)) })
			t.Run("township cap", func(t *testing.T) { testTownship(t, storeEnv(t, kind)) })
			t.Run("approved second office needs its post", func(t *testing.T) { testSecondNeedsPost(t, storeEnv(t, kind)) })
			t.Run("as now known and as recorded", func(t *testing.T) { testAsOf(t, storeEnv(t, kind)) })
		})
	}
}

func testPrecision(t *testing.T, e *env) {
	f := e.fixture()
	ag := e.agency("常州市发展和改革委员会", "municipal")
	for _, tc := range []struct {
		name   string
		height float64 // × 4 m wide: the room's area
		over   bool
	}{
		{"at", 6, false}, {"+0.004", 6.001, false}, {"+0.005", 6.00125, true}, {"+0.01", 6.0025, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each case on its own floor strip: move the next one along.
			p := e.occupant(f, ag, "60"+tc.name, 4, tc.height, "处长"+tc.name, "division", "main")
			got := e.report("").about(floorplan.RuleOverStandard, p)
			if !tc.over {
				if len(got) != 0 {
					t.Fatalf("a room of 4 × %v m against 24 m² is a finding: %+v", tc.height, got)
				}
				return
			}
			if len(got) != 1 || got[0].ExcessM2 != 0.01 || got[0].StandardM2 != 24 || !strings.Contains(got[0].Message, "0.01") ||
				strings.Contains(got[0].Message, "超标0.00") || got[0].Basis == "" {
				t.Fatalf("a room of 4 × %v m: %+v, want one finding 0.01 m² over, saying so, with its basis", tc.height, got)
			}
		})
		f = e.fixture() // a fresh floor for the next room
	}
}

func testDeletedPerson(t *testing.T, e *env) {
	f := e.fixture()
	ag := e.agency("常州市统计局", "municipal")
	room := e.roomOf(f, "301", 3, 4, "2020-12-01")
	p := e.personIn(ag, "退休科员", "staff")
	var a struct {
		ID      uuid.UUID
		Version int64
	}
	e.do("POST", "/api/v1/assignments", map[string]any{"person_id": p, "room_id": room, "kind": "main",
		"start": "2021-01-04", "end": day(-7)}).expect(t, 201).decode(t, &a)
	if got := e.report("").about(floorplan.RuleIdle, room); len(got) != 0 {
		t.Fatalf("a room used until a week ago is idle: %+v", got)
	}
	e.do("DELETE", "/api/v1/people/"+p.String(), nil, "If-Match", "*").expect(t, 204)
	if got := e.report("").about(floorplan.RuleIdle, room); len(got) != 0 {
		t.Fatalf("after the person's record is deleted, a room used until a week ago is idle: %s", got[0].Message)
	}
	// Six months after its last use it is idle, since that day.
	later := e.report("&as_of=" + floorplan.DayOf(time.Now()).AddDate(0, 6, 0).Format(floorplan.DateLayout))
	if got := later.about(floorplan.RuleIdle, room); len(got) != 1 || !strings.Contains(got[0].Message, day(-7)) {
		t.Fatalf("six months later: %+v, want idle since %s", got, day(-7))
	}
}

func testSoleSecond(t *testing.T, e *env) {
	p := e.occupant(e.fixture(), e.agency("常州市司法局", "municipal"), "401", 5, 8, "借调科员", "staff", "second") // 40 m²
	rep := e.report("")
	if got := rep.about(floorplan.RuleUnapprovedSecondOffice, p); len(got) != 1 {
		t.Errorf("an unapproved 'second' office as the only office: %+v, want person.unapproved_second_office", rep.Findings)
	}
	if got := rep.about(floorplan.RuleOverStandard, p); len(got) != 1 || got[0].AreaM2 != 40 || got[0].StandardM2 != 9 {
		t.Errorf("40 m² for a member of staff (9 m²): %+v, want over standard", got)
	}
}

func testTownship(t *testing.T, e *env) {
	p := e.occupant(e.fixture(), e.agency("武进区湖塘镇人民政府", "township"), "201", 5, 6, "镇长", "section", "main") // 30 m²
	got := e.report("").about(floorplan.RuleOverStandard, p)
	if len(got) != 1 || got[0].StandardM2 != floorplan.TownshipCapM2 || got[0].ExcessM2 != 6 {
		t.Fatalf("a township head in 30 m² with no local table: %+v, want over the 24 m² cap by 6", got)
	}
}

func testSecondNeedsPost(t *testing.T, e *env) {
	f := e.fixture()
	ag := e.agency("常州市委组织部", "municipal")
	main := e.roomOf(f, "501", 4, 6, "")
	f2 := e.fixture()
	second := e.roomOf(f2, "101", 3, 5, "")
	p := e.personIn(ag, "常务副部长", "vice_bureau", map[string]any{"title": "老干部局局长（兼）", "agency_id": ag, "start": "2024-01-01", "end": day(-70)})
	e.post("/api/v1/assignments", map[string]any{"person_id": p, "room_id": main, "kind": "main", "start": "2024-01-01"})
	e.do("POST", "/api/v1/assignments", map[string]any{"person_id": p, "room_id": second, "kind": "second", "start": "2024-01-01",
		"approval_ref": "常机管〔2024〕3号"}).expectError(t, 422, "invalid_input")
	var person struct {
		Posts []struct{ ID uuid.UUID } `json:"posts"`
	}
	e.do("GET", "/api/v1/people/"+p.String(), nil).expect(t, 200).decode(t, &person)
	e.post("/api/v1/assignments", map[string]any{"person_id": p, "room_id": second, "kind": "second", "start": "2024-01-01",
		"approval_ref": "常机管〔2024〕3号", "post_id": person.Posts[0].ID})
	got := e.report("").about(floorplan.RuleNotVacatedAfterConcurrentPost, p)
	if len(got) != 1 {
		t.Fatalf("a second office held 70 days after its post ended: %+v, want a finding", got)
	}
	// The last compliant day, that day included; never "…前腾退".
	deadline := floorplan.DayOf(time.Now()).AddDate(0, 0, -70).AddDate(0, 2, 0)
	if m := got[0].Message; !strings.Contains(m, "最迟于") || !strings.Contains(m, "（含当日）") || strings.Contains(m, "前腾退") {
		t.Errorf("wording: %s", m)
	} else if !strings.Contains(m, deadline.Format(floorplan.DateLayout)) && deadline.Day() == floorplan.DayOf(time.Now()).AddDate(0, 0, -70).Day() {
		t.Errorf("the message does not name the last compliant day %s: %s", deadline.Format(floorplan.DateLayout), m)
	}
}

func testAsOf(t *testing.T, e *env) {
	// Before anything is known, the report says so in every format.
	empty := e.report("&as_of=2001-01-01")
	if len(empty.Notes) != 1 || empty.Notes[0].Code != "before_register" {
		t.Fatalf("a report before the register knew anything: notes %+v", empty.Notes)
	}
	csv := e.do("GET", "/api/v1/reports/over-standard?format=csv&as_of=2001-01-01", nil).expect(t, 200)
	if !strings.Contains(string(csv.body), "登记簿中没有") {
		t.Errorf("the CSV of a day before the register does not say so:\n%s", csv.body)
	}

	f := e.fixture()
	ag := e.agency("常州市生态环境局", "municipal")
	room := e.roomOf(f, "302", 3, 4, "2019-03-01")
	p := e.personIn(ag, "调研员", "staff")
	e.post("/api/v1/assignments", map[string]any{"person_id": p, "room_id": room, "kind": "main", "start": "2019-03-01"})
	lastYear := floorplan.DayOf(time.Now()).AddDate(-1, 0, 0).Format(floorplan.DateLayout)
	if rep := e.report("&as_of=" + lastYear); len(rep.Notes) != 0 {
		t.Errorf("last year, with a room known from 2019: notes %+v", rep.Notes)
	}
	beforeEntry := time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)

	// The retirement, dated 50 days ago, entered now: as now known the room was due back 20 days ago.
	e.do("PATCH", "/api/v1/people/"+p.String()+"?reason=人事处通知", map[string]any{"status": "retired", "status_date": day(-50)},
		"Content-Type", "application/merge-patch+json", "If-Match", "*").expect(t, 200)
	if got := e.report("&as_of="+day(-15)).about(floorplan.RuleNotVacatedAfterLeaving, p); len(got) != 1 {
		t.Errorf("as of 15 days ago, as now known: %+v, want not vacated after retirement", got)
	}
	// As recorded before the retirement was entered, officemap said nothing of it.
	if got := e.report("&as_of="+day(-15)+"&recorded_at="+beforeEntry).about(floorplan.RuleNotVacatedAfterLeaving, p); len(got) != 0 {
		t.Errorf("as recorded before the retirement was entered: %+v, want none", got)
	}

	// A survey correction of the outline from a day, with its reason: reports change from that day on.
	var rf roomFeature
	res := e.do("GET", "/api/v1/rooms/"+room.String()+"?crs=local", nil).expect(t, 200)
	res.decode(t, &rf)
	body := roomBody("302", "office", rect(0, 0, 3, 3.5), nil)
	e.do("PATCH", "/api/v1/rooms/"+room.String()+"?crs=local&effective="+day(-100)+"&reason=复测更正", body,
		"If-Match", res.header.Get("ETag"), "Content-Type", "application/merge-patch+json").expect(t, 200)
	var changes []floorplan.Change
	e.do("GET", "/api/v1/rooms/"+room.String()+"/history", nil).expect(t, 200).decode(t, &changes)
	last := changes[len(changes)-1]
	if last.Reason != "复测更正" || last.Effective.Format(floorplan.DateLayout) != day(-100) {
		t.Errorf("the correction in the history: %+v", last)
	}
	e.do("GET", "/api/v1/rooms/"+uuid.NewString()+"/history", nil).expectError(t, 404, "not_found")
	e.do("PATCH", "/api/v1/rooms/"+room.String()+"?effective=yesterday", body, "If-Match", `"1"`).expectError(t, 400, "bad_request")
}

// TestTimeParametersRefuseBadInput: recorded_at, reason and valid_from say what is wrong, and nothing is
// written.
func TestTimeParametersRefuseBadInput(t *testing.T) {
	e := storeEnv(t, "gpkg")
	f := e.fixture()
	e.do("GET", "/api/v1/reports/over-standard?recorded_at=yesterday", nil).expectError(t, 400, "bad_request")
	body := roomBody("901", "office", rect(0, 0, 3, 3), &f.georef)
	e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms?reason="+strings.Repeat("长", 501), body).expectError(t, 400, "bad_request")
	body["properties"].(map[string]any)["valid_from"] = "2026-02-30"
	e.do("POST", "/api/v1/floors/"+f.floor.String()+"/rooms", body).expectError(t, 400, "bad_request")
	if n := len(e.rooms(f).Features); n != 0 {
		t.Errorf("%d rooms written by refused requests", n)
	}
}
