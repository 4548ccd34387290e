package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"officemap/api"
)

// TestIfMatchAnyUnderConcurrency: "If-Match: *" asks for a change whatever the current version is, so
// concurrent patches of one person with it all succeed — one that loses the race between its read and its
// write is applied again rather than refused with 412 — and every patch leaves its mark (the version counts
// them all).
func TestIfMatchAnyUnderConcurrency(t *testing.T) {
	e := newEnv(t, api.Config{})
	_, person := e.agencyAndPerson("常州市并发测试局", "并发", "staff")
	const writers, each = 4, 6
	var wg sync.WaitGroup
	statuses := make(chan int, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := fmt.Sprintf(`{"title":"科员%d-%d"}`, w, i)
				req, err := http.NewRequest("PATCH", e.ts.URL+"/api/v1/people/"+person.String(), strings.NewReader(body))
				if err != nil {
					statuses <- 0
					continue
				}
				req.Header.Set("Content-Type", "application/merge-patch+json")
				req.Header.Set("If-Match", "*")
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
			t.Errorf("a concurrent PATCH with If-Match: * answered %d, want 200", s)
		}
	}
	var p struct {
		Version int64 `json:"version"`
	}
	e.do("GET", "/api/v1/people/"+person.String(), nil).expect(t, 200).decode(t, &p)
	if p.Version != 1+writers*each {
		t.Errorf("version after %d patches = %d, want %d", writers*each, p.Version, 1+writers*each)
	}
}
