package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis/pgtest"
)

// TestCheckFull: after gen, `check --full` finds every stored status equal to a whole evaluation and exits
// zero, on both stores; a status changed behind the register's back is printed (room, stored, computed),
// as text and as JSON, and the command fails; without --full it is a usage error.
func TestCheckFull(t *testing.T) {
	for name, db := range map[string]string{
		"gpkg":    filepath.Join(t.TempDir(), "check.gpkg"),
		"postgis": pgtest.NewEmptyDB(t),
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := officemap(t, "gen", "--db", db, "--buildings", "1", "--floors", "2", "--rooms-per-floor", "12"); err != nil {
				t.Fatalf("gen: %v", err)
			}
			out, _, err := officemap(t, "check", "--full", "--db", db)
			if err != nil || !strings.Contains(out, "24 rooms: every stored status agrees") {
				t.Fatalf("check --full after gen: %q, %v; want 24 rooms agreeing", out, err)
			}

			// A status changed around the register: the room is reported and the check fails.
			e := &env{getenv: func(string) string { return "" }, db: db}
			ctx := floorplan.WithActor(context.Background(), "test")
			s, _, err := e.openStore(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ss := s.(floorplan.StateStore)
			states, err := ss.RoomStates(ctx, nil)
			if err != nil || len(states) != 24 {
				t.Fatalf("stored states after check: %d, %v; want 24", len(states), err)
			}
			bad := states[0]
			want := bad.Status
			bad.Status = floorplan.StatusNonOffice
			if want == floorplan.StatusNonOffice {
				bad.Status = floorplan.StatusVacant
			}
			if err := ss.PutRoomStates(ctx, []floorplan.StoredStatus{bad}); err != nil {
				t.Fatal(err)
			}
			s.Close()

			out, _, err = officemap(t, "check", "--full", "--db", db)
			if err == nil || !strings.Contains(out, "room "+bad.RoomID.String()) ||
				!strings.Contains(out, "stored "+string(bad.Status)) || !strings.Contains(out, "computed "+string(want)) ||
				!strings.Contains(out, "1 of 24 rooms differ") {
				t.Errorf("check --full of a changed status: %q, %v; want the room, stored %s, computed %s, and an error",
					out, err, bad.Status, want)
			}
			out, _, err = officemap(t, "check", "--full", "--json", "--db", db)
			var res struct {
				Rooms       int `json:"rooms"`
				Differences []struct {
					RoomID   string `json:"room_id"`
					Stored   struct{ Status string }
					Computed struct{ Status string }
				} `json:"differences"`
			}
			if jerr := json.Unmarshal([]byte(out), &res); jerr != nil || err == nil {
				t.Fatalf("check --full --json: %q (%v), exit error %v", out, jerr, err)
			}
			if res.Rooms != 24 || len(res.Differences) != 1 || res.Differences[0].RoomID != bad.RoomID.String() ||
				res.Differences[0].Stored.Status != string(bad.Status) || res.Differences[0].Computed.Status != string(want) {
				t.Errorf("check --full --json = %+v; want room %s stored %s computed %s of 24", res, bad.RoomID, bad.Status, want)
			}
			if _, _, err := officemap(t, "check", "--db", db); err == nil || !strings.Contains(err.Error(), "--full") {
				t.Errorf("check without --full: %v, want a usage error naming --full", err)
			}
		})
	}
}
