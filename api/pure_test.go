package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

func TestPrefersChinese(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"zh-CN,zh;q=0.9,en;q=0.8", true},
		{"zh", true},
		{"en-US,en;q=0.9,zh-CN;q=0.8", false},
		{"en;q=0.5,zh-Hans;q=0.9", true},
		{"zhx", false},
		{"fr, zh;q=0.9", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := prefersChinese(tt.header); got != tt.want {
				t.Errorf("prefersChinese(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestToAPIError(t *testing.T) {
	other := uuid.MustParse("0b6f5b4a-2b8e-4d4f-9f51-0d6f4c1a2b3c")
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		msg    string // when non-empty, the exact English message
	}{
		{"not found with entity", about("room", fmt.Errorf("x: %w", floorplan.ErrNotFound)), 404, "not_found", "room not found"},
		{"not found bare", floorplan.ErrNotFound, 404, "not_found", "record not found"},
		{"conflict", fmt.Errorf("x: %w", floorplan.ErrConflict), 409, "conflict", ""},
		{"overlap", fmt.Errorf("x: %w", &floorplan.OverlapError{OtherID: other, OtherNumber: "302", AreaM2: 1.5}), 409, "overlap",
			"the room would overlap room 302 by 1.50 m²"},
		{"in use", fmt.Errorf("%w: the building has floors", floorplan.ErrInUse), 409, "in_use", "the building has floors"},
		{"invalid input", floorplan.Invalidf("room %q: usage %q is not a known usage", "301", "x"), 422, "invalid_input",
			`room "301": usage "x" is not a known usage`},
		{"invalid input with SQL text is not echoed", fmt.Errorf("%w: ERROR: syntax (SQLSTATE 42601)", floorplan.ErrInvalid), 422, "invalid_input", "invalid input"},
		{"invalid geometry", fmt.Errorf("wrap: %w", geo.Validate(orb.Polygon{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}})), 422, "invalid_geometry", ""},
		{"unavailable", fmt.Errorf("x: %w", floorplan.ErrUnavailable), 503, "unavailable", ""},
		{"deadline", context.DeadlineExceeded, 503, "unavailable", ""},
		{"too large", &http.MaxBytesError{Limit: 10}, 413, "body_too_large", "the request body is larger than 10 bytes"},
		{"precondition required", errPreconditionRequired(), 428, "precondition_required", ""},
		{"stale", stale(fmt.Errorf("x: %w", floorplan.ErrConflict)), 412, "precondition_failed", ""},
		{"anything else", errors.New("pq: relation \"rooms\" does not exist"), 500, "internal",
			"internal error; the request id identifies it in the server log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ae := toAPIError(tt.err)
			if ae.Status != tt.status || ae.Code != tt.code {
				t.Fatalf("got %d %s (%s), want %d %s", ae.Status, ae.Code, ae.Message, tt.status, tt.code)
			}
			if tt.msg != "" && ae.Message != tt.msg {
				t.Errorf("message = %q, want %q", ae.Message, tt.msg)
			}
		})
	}
}

func TestInvalidGeometryReason(t *testing.T) {
	bowtie := orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}
	ae := toAPIError(geo.Validate(bowtie))
	if ae.Extra["reason"] != string(geo.ReasonSelfIntersection) {
		t.Errorf("reason = %v, want %s", ae.Extra["reason"], geo.ReasonSelfIntersection)
	}
	if ae.MessageZH == "" || ae.Message == "" {
		t.Errorf("messages missing: %q / %q", ae.Message, ae.MessageZH)
	}
}

func TestMergePatch(t *testing.T) {
	agency := uuid.MustParse("0b6f5b4a-2b8e-4d4f-9f51-0d6f4c1a2b3c")
	cur := personJSON{ID: uuid.New(), Name: "张三", AgencyID: agency, Rank: "division", Title: "处长", Status: "active",
		Posts: []postJSON{{Title: "副主任", AgencyID: agency}}}
	tests := []struct {
		name  string
		patch string
		check func(t *testing.T, got personJSON)
		code  int // expected error status, 0 for none
	}{
		{name: "one field", patch: `{"title":"副局长"}`, check: func(t *testing.T, got personJSON) {
			if got.Title != "副局长" || got.Name != "张三" || len(got.Posts) != 1 {
				t.Errorf("got %+v", got)
			}
		}},
		{name: "null removes", patch: `{"title":null,"posts":null}`, check: func(t *testing.T, got personJSON) {
			if got.Title != "" || len(got.Posts) != 0 || got.Name != "张三" {
				t.Errorf("got %+v", got)
			}
		}},
		{name: "a date", patch: `{"status":"retired","status_date":"2024-03-01"}`, check: func(t *testing.T, got personJSON) {
			if got.StatusDate.Format("2006-01-02") != "2024-03-01" || got.Status != "retired" {
				t.Errorf("got %+v", got)
			}
		}},
		{name: "a bad date", patch: `{"status_date":"1 March"}`, code: 400},
		{name: "wrong type", patch: `{"name":5}`, code: 400},
		{name: "not an object", patch: `[1,2]`, code: 400},
		{name: "not JSON", patch: `{"name":`, code: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mergePatch[personJSON](cur, []byte(tt.patch))
			if tt.code != 0 {
				if err == nil || toAPIError(err).Status != tt.code {
					t.Fatalf("err = %v, want status %d", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestParseBBox(t *testing.T) {
	tests := []struct {
		raw    string
		bounds int // 0: a 400
	}{
		{"", 1},
		{"119.9,31.7,120.1,31.9", 1},
		{"119.9,31.7,0,120.1,31.9,100", 1},
		{"179,-10,-179,10", 2},
		{"119.9,31.7,120.1", 0},
		{"a,b,c,d", 0},
		{"119.9,31.9,120.1,31.7", 0},
		{"-200,0,10,10", 0},
		{"0,-91,10,10", 0},
		{"NaN,0,1,1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			bs, err := parseBBox(tt.raw)
			if tt.bounds == 0 {
				if err == nil || toAPIError(err).Status != 400 {
					t.Fatalf("err = %v, want a 400", err)
				}
				return
			}
			if err != nil || len(bs) != tt.bounds {
				t.Fatalf("bounds = %v, err = %v; want %d bounds", bs, err, tt.bounds)
			}
		})
	}
}

func TestIfMatch(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		status int // 0: matches
	}{
		{"missing", nil, 428},
		{"current", []string{`"3"`}, 0},
		{"weak current", []string{`W/"3"`}, 0},
		{"one of a list", []string{`"1", "3"`}, 0},
		{"star", []string{"*"}, 0},
		{"stale", []string{`"2"`}, 412},
		{"unquoted", []string{`3`}, 412},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "/", nil)
			for _, h := range tt.header {
				r.Header.Add("If-Match", h)
			}
			v, err := ifMatch(r, 3)
			if tt.status == 0 {
				if err != nil || v != 3 {
					t.Fatalf("ifMatch = %d, %v; want 3", v, err)
				}
				return
			}
			if err == nil || toAPIError(err).Status != tt.status {
				t.Fatalf("err = %v, want %d", err, tt.status)
			}
		})
	}
}

func TestParsePolygon(t *testing.T) {
	tests := []struct {
		name   string
		json   string
		status int // 0: parsed (validity is checked later)
	}{
		{"polygon", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, 0},
		{"with heights", `{"type":"Polygon","coordinates":[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]}`, 0},
		{"overflowing number kept as Inf", `{"type":"Polygon","coordinates":[[[0,0],[1e999,0],[1,1],[0,0]]]}`, 0},
		{"point", `{"type":"Point","coordinates":[0,0]}`, 400},
		{"strings", `{"type":"Polygon","coordinates":[[["0","0"],[1,0],[1,1],["0","0"]]]}`, 400},
		{"one number", `{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0]]]}`, 400},
		{"not an object", `[1,2]`, 400},
		{"flat coordinates", `{"type":"Polygon","coordinates":[0,0,1,1]}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePolygon([]byte(tt.json), "geometry")
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || toAPIError(err).Status != tt.status {
				t.Fatalf("err = %v, want %d", err, tt.status)
			}
		})
	}
}

// BenchmarkRoomCollection measures the hot path of the room list: a floor of 200 rooms with their
// statuses, converted to lon/lat and encoded.
func BenchmarkRoomCollection(b *testing.B) {
	g := geo.Georef{Origin: orb.Point{119.97, 31.81}, RotationDeg: 12, Scale: 1}
	p := projectorOf(false, g)
	building := floorplan.Building{ID: uuid.New(), Name: "1号楼", Georef: g}
	floor := floorplan.Floor{ID: uuid.New(), BuildingID: building.ID, Name: "1F"}
	agency := floorplan.Agency{ID: uuid.New(), Name: "局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	snap := &floorplan.Snapshot{AsOf: floorplan.Day(2025, 1, 1), Buildings: []floorplan.Building{building},
		Floors: []floorplan.Floor{floor}, Agencies: []floorplan.Agency{agency}}
	rooms := make([]floorplan.Room, 200)
	for i := range rooms {
		x := float64(i%20) * 4
		y := float64(i/20) * 5
		rooms[i] = floorplan.Room{ID: uuid.New(), FloorID: floor.ID, Number: fmt.Sprint(100 + i), Usage: floorplan.UsageOffice,
			AgencyID: agency.ID, State: floorplan.RoomInUse, Version: 1,
			Geometry: orb.Polygon{{{x, y}, {x + 4, y}, {x + 4, y + 5}, {x, y + 5}, {x, y}}}}
		person := floorplan.Person{ID: uuid.New(), Name: fmt.Sprint("张", i), AgencyID: agency.ID, Rank: floorplan.RankStaff,
			Status: floorplan.PersonActive}
		snap.People = append(snap.People, person)
		snap.Assignments = append(snap.Assignments, floorplan.Assignment{ID: uuid.New(), PersonID: person.ID,
			RoomID: rooms[i].ID, Kind: floorplan.AssignMain, Start: floorplan.Day(2024, 1, 1)})
	}
	snap.Rooms = rooms
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	if rr, ok := rep.Room(rooms[0].ID); !ok || rr.Status != floorplan.StatusOverStandard {
		b.Fatalf("room 0: %+v", rr)
	}
	b.ReportAllocs()
	for b.Loop() {
		out := roomCollectionJSON{Type: "FeatureCollection", Features: make([]roomFeatureJSON, 0, len(rooms))}
		for _, r := range rooms {
			out.Features = append(out.Features, roomOut(r, p, rep))
		}
		if err := writeGeoJSON(httptest.NewRecorder(), 200, out); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigPlan: a plan's image counts as large by its pixels, read from the PNG's header, whatever its shape.
func TestBigPlan(t *testing.T) {
	encode := func(w, h int) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		w, h int
		want bool
	}{
		{1600, 1000, false},
		{8192, 4096, true}, // render.MaxPixels, wide
		{2048, 8192, true}, // as large, tall and narrow
		{4096, 4095, false},
	} {
		if got := bigPlan(encode(tc.w, tc.h)); got != tc.want {
			t.Errorf("bigPlan(%d × %d) = %v, want %v", tc.w, tc.h, got, tc.want)
		}
	}
	if bigPlan([]byte("not a png")) {
		t.Error("bigPlan of bytes that are no PNG = true")
	}
}
