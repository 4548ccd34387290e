package synth_test

import (
	"context"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/synth"
)

// BenchmarkBulkChecks checks the rooms, people and assignments of one of gen's batches (about 20 000 rooms
// with their people) the way the stores' BulkInsert methods do before they write them: at a million rooms
// gen runs these checks 50 times, while the database waits for the batch.
func BenchmarkBulkChecks(b *testing.B) {
	d := synth.Generate(synth.Config{Seed: 1, Buildings: 50, Floors: 10, RoomsPerFloor: 40})
	ctx := context.Background()
	b.Run("rooms", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := floorplan.CheckRooms(ctx, d.Rooms); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("people", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := floorplan.CheckPeople(ctx, d.People); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("assignments", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := floorplan.CheckAssignments(ctx, d.Assignments); err != nil {
				b.Fatal(err)
			}
		}
	})
}
