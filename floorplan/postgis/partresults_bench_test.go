package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/geo"
)

// The cost of the stored parts at a province's size (migrations/0015_part_results.sql), on a copy of a
// database made by `officemap gen --buildings 2500 --floors 10 --rooms-per-floor 40` with the migration
// applied, named by OFFICEMAP_PARTS_DATABASE_URL (the benchmarks skip without it; they write to it: a room
// PATCH each, the bulk loads roll back). Each compares the statement with the parts' triggers on and off,
// side by side (-count alternates them):
//
//	OFFICEMAP_PARTS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/c5_1m?sslmode=disable \
//	  go test ./floorplan/postgis -run '^$' -bench Parts1M -benchtime 20x -count 3

// partsDB opens the store of OFFICEMAP_PARTS_DATABASE_URL, or skips.
func partsDB(b *testing.B) (*postgis.Store, context.Context) {
	b.Helper()
	url := os.Getenv("OFFICEMAP_PARTS_DATABASE_URL")
	if url == "" {
		b.Skip("OFFICEMAP_PARTS_DATABASE_URL is not set")
	}
	ctx := floorplan.WithActor(context.Background(), "bench")
	s, err := postgis.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, ctx
}

// partTriggers turns the parts' triggers of table on or off.
func partTriggers(b *testing.B, s *postgis.Store, ctx context.Context, table string, on bool) {
	b.Helper()
	verb := "DISABLE"
	if on {
		verb = "ENABLE"
	}
	for _, op := range []string{"insert", "update", "delete"} {
		// Test-only DDL on the benchmark's own database; the names are constants.
		if _, err := s.Pool().Exec(ctx, fmt.Sprintf("ALTER TABLE %s %s TRIGGER %s_parts_%s", table, verb, table, op)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParts1MPatchRoom updates one random room's usage (the store's UpdateRoom: the statement and its
// triggers, without the Register's own work).
func BenchmarkParts1MPatchRoom(b *testing.B) {
	s, ctx := partsDB(b)
	var ids []uuid.UUID
	rows, err := s.Pool().Query(ctx, `SELECT id FROM rooms WHERE deleted_at IS NULL AND usage = 'office' ORDER BY random() LIMIT 2000`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, on := range []bool{true, false} {
		b.Run(fmt.Sprintf("triggers=%v", on), func(b *testing.B) {
			partTriggers(b, s, ctx, "rooms", on)
			defer partTriggers(b, s, ctx, "rooms", true)
			b.ReportAllocs()
			for b.Loop() {
				r, err := s.Room(ctx, ids[rnd.IntN(len(ids))])
				if err != nil {
					b.Fatal(err)
				}
				r.Name = fmt.Sprintf("bench %d", rnd.IntN(1000))
				if err := s.UpdateRoom(ctx, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var errRollback = errors.New("rollback")

// BenchmarkParts1MBulkCopy20k loads 20,000 rooms (a new building of 50 floors of 400) with the bulk
// loader's COPY, in a transaction that rolls back.
func BenchmarkParts1MBulkCopy20k(b *testing.B) {
	s, ctx := partsDB(b)
	var site, agency uuid.UUID
	if err := s.Pool().QueryRow(ctx, `SELECT s.id, (SELECT id FROM agencies WHERE deleted_at IS NULL LIMIT 1)
  FROM sites s WHERE s.deleted_at IS NULL LIMIT 1`).Scan(&site, &agency); err != nil {
		b.Fatal(err)
	}
	for _, on := range []bool{true, false} {
		b.Run(fmt.Sprintf("triggers=%v", on), func(b *testing.B) {
			partTriggers(b, s, ctx, "rooms", on)
			defer partTriggers(b, s, ctx, "rooms", true)
			for b.Loop() {
				err := s.InTx(postgis.AsJob(ctx), func(tx floorplan.Store) error {
					return load20k(ctx, tx, site, agency)
				})
				if !errors.Is(err, errRollback) {
					b.Fatal(err)
				}
			}
		})
	}
}

// load20k writes a building of 50 floors with 400 rooms each (the rooms with BulkInsertRooms), then
// returns errRollback.
func load20k(ctx context.Context, tx floorplan.Store, site, agency uuid.UUID) error {
	bld := floorplan.Building{SiteID: site, Name: "bench", Footprint: rect(0, 0, 200, 100),
		Georef: geo.Georef{Origin: orb.Point{119.9, 31.7}, Scale: 1}}
	if err := tx.CreateBuilding(ctx, &bld); err != nil {
		return err
	}
	rooms := make([]floorplan.Room, 0, 20_000)
	for ord := range 50 {
		fl := floorplan.Floor{BuildingID: bld.ID, Ordinal: ord, Name: fmt.Sprintf("%dF", ord+1), Outline: rect(0, 0, 200, 100)}
		if err := tx.CreateFloor(ctx, &fl); err != nil {
			return err
		}
		for k := range 400 {
			x, y := float64(k%40)*5, float64(k/40)*10
			rooms = append(rooms, floorplan.Room{FloorID: fl.ID, Number: fmt.Sprintf("%d%03d", ord+1, k),
				Usage: floorplan.UsageOffice, AgencyID: agency, State: floorplan.RoomInUse, Geometry: rect(x, y, x+5, y+10)})
		}
	}
	if err := tx.BulkInsertRooms(ctx, rooms); err != nil {
		return err
	}
	return errRollback
}

// BenchmarkParts1MStored reads every part of today: all dirty (every agency's counter moved on first:
// everything is evaluated and stored), then all clean (read back), one dirty, and the totals alone when all
// clean.
func BenchmarkParts1MStored(b *testing.B) {
	s, ctx := partsDB(b)
	g := floorplan.NewRegister(s)
	ctx = postgis.AsJob(ctx)
	run := func(b *testing.B, bump string) {
		for b.Loop() {
			if bump != "" {
				b.StopTimer()
				if _, err := s.Pool().Exec(ctx, bump); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			n := 0
			if err := g.StoredParts(ctx, nil, func(p *floorplan.Report) error { n += len(p.People); return nil }); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n), "people")
		}
	}
	b.Run("dirty", func(b *testing.B) { run(b, `SELECT parts_bump(parts_every())`) })
	b.Run("clean", func(b *testing.B) { run(b, "") })
	// One agency's part dirty, as after a write to one of its rooms that no one else uses.
	b.Run("one-dirty", func(b *testing.B) {
		run(b, `SELECT parts_bump(ARRAY(SELECT id FROM agencies WHERE deleted_at IS NULL ORDER BY id LIMIT 1))`)
	})
	b.Run("totals-clean", func(b *testing.B) {
		for b.Loop() {
			t, err := g.StoredTotals(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(t)), "agencies")
		}
	})
}
