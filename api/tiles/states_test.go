package tiles

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb/encoding/mvt"

	"officemap/floorplan"
)

// TestFromStates: with a source of stored room states (floorplan.Register.States) a rooms tile asks for
// the statuses of its own rooms only — not of the register — and carries them as RoomStatus would.
func TestFromStates(t *testing.T) {
	store, statuses, rooms := fixture()
	var mu sync.Mutex
	var asked [][]uuid.UUID
	src := FromStates(func(_ context.Context, ids []uuid.UUID) (map[uuid.UUID]floorplan.StoredStatus, error) {
		mu.Lock()
		asked = append(asked, slices.Clone(ids))
		mu.Unlock()
		out := map[uuid.UUID]floorplan.StoredStatus{}
		for id, s := range statuses {
			if ids == nil || slices.Contains(ids, id) {
				out[id] = floorplan.StoredStatus{RoomID: id, Status: s}
			}
		}
		return out, nil
	})
	r := server(newHandler(store, src, Options{}))
	w := get(t, r, tilePath("rooms", roomTile, "mvt")+"?level=2")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	layers, err := mvt.Unmarshal(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, f := range layers[0].Features {
		got[f.Properties["number"].(string)] = f.Properties["status"]
	}
	if got["301"] != "over_standard" || got["302"] != "non_office" || len(got) != 2 {
		t.Errorf("statuses of the level 2 tile = %v, want 301 over_standard and 302 non_office", got)
	}
	want := []uuid.UUID{rooms[0].ID, rooms[1].ID}
	if len(asked) != 1 || !sameIDs(asked[0], want) {
		t.Errorf("the tile asked for the states of %v, want its two rooms %v only", asked, want)
	}

	// RoomStatus, for callers that want every room, reads them all.
	all, err := src.RoomStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if all(rooms[2].ID) != floorplan.StatusCompliant || all(uuid.New()) != "" {
		t.Errorf("RoomStatus of every room: 401 %q; want compliant, and \"\" for a room unknown", all(rooms[2].ID))
	}
	if last := asked[len(asked)-1]; last != nil {
		t.Errorf("RoomStatus asked for %v, want every room (nil)", last)
	}
}

// sameIDs reports whether a and b hold the same ids, in any order.
func sameIDs(a, b []uuid.UUID) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	cmp := func(x, y uuid.UUID) int { return slices.Compare(x[:], y[:]) }
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}
