package api_test

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"officemap/api"
)

// TestIfMatchAnyUnderConcurrency: "If-Match: *" asks for a change whatever the current version is, so
// concurrent patches of one record with it all succeed — one that loses the race between its read and its
// write is applied again rather than refused with 412 — and every patch leaves its mark (the version counts
// them all). People (the plain records' PATCH), rooms, buildings and floors each have their own handler.
func TestIfMatchAnyUnderConcurrency(t *testing.T) {
	e := newEnv(t, api.Config{})
	_, person := e.agencyAndPerson("常州市并发测试局", "并发", "staff")
	f := e.fixture()
	room, _ := e.createRoom(f, "701", rect(1, 1, 5, 5))
	roomPath := "/api/v1/rooms/" + room.ID.String()
	for _, tc := range []struct {
		name, method, path string
		versionPath        string // the record whose version the writes move: path, when empty
		body               func(w, i int) string
	}{
		{"person", "PATCH", "/api/v1/people/" + person.String(), "", func(w, i int) string { return fmt.Sprintf(`{"title":"科员%d-%d"}`, w, i) }},
		{"room", "PATCH", roomPath, "", func(w, i int) string {
			return fmt.Sprintf(`{"properties":{"name":"会议室%d-%d"}}`, w, i)
		}},
		{"building", "PATCH", "/api/v1/buildings/" + f.building.String(), "", func(w, i int) string { return fmt.Sprintf(`{"name":"1号楼 %d-%d"}`, w, i) }},
		{"floor", "PATCH", "/api/v1/floors/" + f.floor.String(), "", func(w, i int) string { return fmt.Sprintf(`{"name":"3F-%d-%d"}`, w, i) }},
		// A save of the floor's rooms whose change has if_match "*".
		{"room batch", "POST", "/api/v1/floors/" + f.floor.String() + "/rooms/batch", roomPath, func(w, i int) string {
			return fmt.Sprintf(`{"changes":[{"op":"update","id":%q,"if_match":"*","patch":{"properties":{"name":"会议室%d-%d"}}}]}`,
				room.ID, w, i)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			versionPath := cmp.Or(tc.versionPath, tc.path)
			before := e.version(t, versionPath)
			const writers, each = 4, 6
			var wg sync.WaitGroup
			statuses := make(chan int, writers*each)
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						req, err := http.NewRequest(tc.method, e.ts.URL+tc.path, strings.NewReader(tc.body(w, i)))
						if err != nil {
							statuses <- 0
							continue
						}
						if tc.method == "PATCH" {
							req.Header.Set("Content-Type", "application/merge-patch+json")
							req.Header.Set("If-Match", "*")
						} else {
							req.Header.Set("Content-Type", "application/json")
						}
						res, err := e.ts.Client().Do(req)
						if err != nil {
							statuses <- 0
							continue
						}
						res.Body.Close()
						statuses <- res.StatusCode
					}
				}()
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				if s != http.StatusOK {
					t.Errorf("a concurrent %s with If-Match: * (a save: if_match \"*\") answered %d, want 200", tc.method, s)
				}
			}
			if got, want := e.version(t, versionPath), before+writers*each; before == 0 || got != want {
				t.Errorf("version after %d patches = %d (from %d), want %d", writers*each, got, before, want)
			}
		})
	}
}

// version reads the version of the record at path: a member of the record, or of a feature's properties.
func (e *env) version(t *testing.T, path string) int64 {
	t.Helper()
	var rec struct {
		Version    int64 `json:"version"`
		Properties struct {
			Version int64 `json:"version"`
		} `json:"properties"`
	}
	e.do("GET", path, nil).expect(t, 200).decode(t, &rec)
	return max(rec.Version, rec.Properties.Version)
}
