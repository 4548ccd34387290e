package api_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// roomFindingsAnswer is GET /api/v1/rooms/{id}/findings; the findings are kept as the JSON objects they
// are, to compare them with the report's.
type roomFindingsAnswer struct {
	RoomID   uuid.UUID        `json:"room_id"`
	AsOf     string           `json:"as_of"`
	Findings []map[string]any `json:"findings"`
}

// findingsOf reads one room's findings through r.
func findingsOf(t *testing.T, r requester, room uuid.UUID, query string) roomFindingsAnswer {
	t.Helper()
	var out roomFindingsAnswer
	r.do("GET", "/api/v1/rooms/"+room.String()+"/findings"+query, nil).expect(t, 200).decode(t, &out)
	if out.RoomID != room || out.Findings == nil {
		t.Fatalf("answer for room %s: room_id %s, findings %v", room, out.RoomID, out.Findings)
	}
	return out
}

// reportAbout is what the over-standard report (JSON) gives r about a room and its occupants: the
// findings naming the room or about one of the people, as the report's JSON objects, and its as_of. query
// is the room's ("?lang=en"), given to the report too.
func reportAbout(t *testing.T, r requester, query string, room uuid.UUID, people ...uuid.UUID) ([]map[string]any, string) {
	t.Helper()
	var rep struct {
		AsOf     string           `json:"as_of"`
		Findings []map[string]any `json:"findings"`
	}
	r.do("GET", "/api/v1/reports/over-standard?format=json"+strings.Replace(query, "?", "&", 1), nil).expect(t, 200).decode(t, &rep)
	var out []map[string]any
	for _, f := range rep.Findings {
		if concerns(f, room, people) {
			out = append(out, f)
		}
	}
	return out, rep.AsOf
}

// concerns reports whether a finding's JSON names room among its rooms or is about one of people.
func concerns(f map[string]any, room uuid.UUID, people []uuid.UUID) bool {
	for _, p := range people {
		if f["person_id"] == p.String() {
			return true
		}
	}
	ids, _ := f["room_ids"].([]any)
	for _, id := range ids {
		if id == room.String() {
			return true
		}
	}
	return false
}

// sameFindings checks that a room's findings are exactly the report's rows about it, in order.
func sameFindings(t *testing.T, got, want []map[string]any) {
	t.Helper()
	if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("the room's findings\n%s\nare not the report's\n%s", g, w)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// A room of an over-standard person (16 m² for a 科员) gets that person's finding, exactly as the report
// gives it, and nothing about the room next door and its occupant; as_of and lang are the report's.
func TestRoomFindings(t *testing.T) {
	s, boss := newScopeBoss(t)
	// Room D's occupant holds an approved second office, C, as large as their standard: a finding about
	// C alone, which concerns room D through its occupant.
	post := uuid.New()
	personD := boss.do("POST", "/api/v1/people", map[string]any{"name": "王五" + s.numberA, "agency_id": s.a, "rank": "staff",
		"title": "科员", "posts": []map[string]any{{"id": post, "title": "专班联络员", "agency_id": s.b, "start": "2020-01-01"}}}).created(t)
	roomC := agencyRoom(t, boss, s.f, "C"+s.numberA, s.a, rect(10, 0, 14, 4))
	roomD := agencyRoom(t, boss, s.f, "D"+s.numberA, s.a, rect(15, 0, 18, 3))
	assignMain(t, boss, personD, roomD)
	boss.do("POST", "/api/v1/assignments", map[string]any{"person_id": personD, "room_id": roomC, "kind": "second",
		"post_id": post, "approval_ref": "市机管〔2024〕7号", "start": "2020-01-01"}).expect(t, 201)

	got := findingsOf(t, boss, s.roomA, "")
	want, asOf := reportAbout(t, boss, "", s.roomA, s.personA)
	if got.AsOf != asOf {
		t.Errorf("as_of %q, the report's %q", got.AsOf, asOf)
	}
	sameFindings(t, got.Findings, want)
	over := 0
	for _, f := range got.Findings {
		if !concerns(f, s.roomA, []uuid.UUID{s.personA}) || concerns(f, s.roomB, []uuid.UUID{s.personB}) {
			t.Errorf("a finding unrelated to room A: %v", f)
		}
		if f["rule_id"] == floorplan.RuleOverStandard && f["person_id"] == s.personA.String() {
			over++
			if !hasHan(f["message"].(string)) || f["person"] != s.nameA {
				t.Errorf("the default language is not Chinese, or the person unnamed: %v", f)
			}
		}
	}
	if over != 1 {
		t.Errorf("%d over-standard findings of the room's occupant, want 1: %v", over, got.Findings)
	}
	d := findingsOf(t, boss, roomD, "")
	wantD, _ := reportAbout(t, boss, "", roomD, personD)
	sameFindings(t, d.Findings, wantD)
	if !slices.ContainsFunc(d.Findings, func(f map[string]any) bool {
		return f["person_id"] == personD.String() && !concerns(f, roomD, nil) && concerns(f, roomC, nil)
	}) {
		t.Errorf("room D lacks its occupant's finding about room C: %v", d.Findings)
	}
	// Room B's are its own: B's person, not A's.
	b := findingsOf(t, boss, s.roomB, "")
	if len(b.Findings) == 0 {
		t.Fatal("room B has no finding")
	}
	for _, f := range b.Findings {
		if f["person_id"] == s.personA.String() {
			t.Errorf("room B lists room A's occupant: %v", f)
		}
	}

	t.Run("lang", func(t *testing.T) {
		en := findingsOf(t, boss, s.roomA, "?lang=en")
		want, _ := reportAbout(t, boss, "?lang=en", s.roomA, s.personA)
		sameFindings(t, en.Findings, want)
		zh := findingsOf(t, boss, s.roomA, "?lang=zh")
		sameFindings(t, zh.Findings, got.Findings)
		// The sentences are English (the names in them stay as recorded: Chinese).
		if len(en.Findings) != len(zh.Findings) {
			t.Fatalf("%d findings in English, %d in Chinese", len(en.Findings), len(zh.Findings))
		}
		for i, f := range en.Findings {
			if f["message"] == "" || f["message"] == zh.Findings[i]["message"] || hasHan(f["rule"].(string)) {
				t.Errorf("an English finding in Chinese: %v", f)
			}
		}
		boss.do("GET", "/api/v1/rooms/"+s.roomA.String()+"/findings?lang=fr", nil).expectError(t, 400, "bad_request")
	})

	t.Run("as_of", func(t *testing.T) {
		// In 2020 the rooms were not yet drawn (they are valid from today): the report, and so the room,
		// has nothing to say then.
		past := findingsOf(t, boss, s.roomA, "?as_of=2020-06-01")
		want, asOf := reportAbout(t, boss, "?as_of=2020-06-01", s.roomA, s.personA)
		if past.AsOf != "2020-06-01" || asOf != past.AsOf {
			t.Errorf("as_of %q (report %q)", past.AsOf, asOf)
		}
		sameFindings(t, past.Findings, want)
		if len(past.Findings) != 0 {
			t.Errorf("findings before the room existed: %v", past.Findings)
		}
		today := findingsOf(t, boss, s.roomA, "?as_of="+got.AsOf)
		sameFindings(t, today.Findings, got.Findings)
		boss.do("GET", "/api/v1/rooms/"+s.roomA.String()+"/findings?as_of=2020-13-01", nil).expectError(t, 400, "bad_request")
	})

	t.Run("not found", func(t *testing.T) {
		boss.do("GET", "/api/v1/rooms/"+uuid.NewString()+"/findings", nil).expectError(t, 404, "not_found")
		boss.do("GET", "/api/v1/rooms/not-a-uuid/findings", nil).expectError(t, 400, "bad_request")
	})
}

// The report's authorisation and scope: a role without the report action is refused; a room outside an
// inspector's scope is 404 as GET /api/v1/rooms/{id} is; inside it, the findings are those the
// inspector's own report shows.
func TestRoomFindingsAccess(t *testing.T) {
	s := newScopeEnv(t)
	s.e.addUser("viewer", identity.Grant{Role: identity.RoleViewer})
	s.e.addUser("managerA", identity.Grant{Role: identity.RoleAgencyManager, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("inspectorA", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Agency: s.a}})
	s.e.addUser("inspectorB", identity.Grant{Role: identity.RoleInspector, Scope: identity.Scope{Agency: s.b}})
	path := "/api/v1/rooms/" + s.roomA.String() + "/findings"

	viewer := s.e.signIn("viewer")
	viewer.do("GET", "/api/v1/rooms/"+s.roomA.String(), nil).expect(t, 200) // it reads the room…
	viewer.do("GET", path, nil).expectError(t, 403, "forbidden")            // …but runs no report
	// An agency manager has no report action either, even for its own agency's room.
	s.e.signIn("managerA").do("GET", path, nil).expectError(t, 403, "forbidden")

	inspB := s.e.signIn("inspectorB")
	hidden := inspB.do("GET", path, nil)
	hidden.expectError(t, 404, "not_found")
	if !sameShape(hidden.errorBody(t), inspB.do("GET", "/api/v1/rooms/"+s.roomA.String(), nil).errorBody(t)) {
		t.Error("a room out of scope answers unlike GET /api/v1/rooms/{id}")
	}
	s.e.anonymous().do("GET", path, nil).expectError(t, 401, "unauthenticated")

	inspA := s.e.signIn("inspectorA")
	got := findingsOf(t, inspA, s.roomA, "")
	want, _ := reportAbout(t, inspA, "", s.roomA, s.personA)
	sameFindings(t, got.Findings, want)
	if len(got.Findings) == 0 {
		t.Error("the inspector of A sees no finding of room A")
	}
	for _, f := range got.Findings {
		if strings.Contains(f["agency_id"].(string), s.b.String()) {
			t.Errorf("a finding of agency B shown to the inspector of A: %v", f)
		}
	}
}
