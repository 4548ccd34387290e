package synth

import (
	"context"
	"fmt"

	"officemap/floorplan"
)

// BulkLoader is implemented by stores that insert many new records at once (postgis.Store). Load uses
// it for rooms, people and assignments when the store has it.
type BulkLoader interface {
	BulkInsertRooms(ctx context.Context, rooms []floorplan.Room) error
	BulkInsertPeople(ctx context.Context, people []floorplan.Person) error
	BulkInsertAssignments(ctx context.Context, as []floorplan.Assignment) error
}

// Batch sizes of Load: records per transaction.
const (
	loadBatch = 500   // through the Store's Create methods
	bulkBatch = 20000 // through a BulkLoader
)

// Load writes the dataset into s through the Store interface, parents first, in transactions of a few
// hundred records (or, through a BulkLoader, a few tens of thousands). The dataset's records are filled
// in place as the Create methods fill their argument (versions, creation times). Records committed
// before an error stay.
func (d *Dataset) Load(ctx context.Context, s floorplan.Store) error {
	if err := batches(ctx, s, d.Sites, floorplan.Store.CreateSite, "site"); err != nil {
		return err
	}
	if err := batches(ctx, s, d.Agencies, floorplan.Store.CreateAgency, "agency"); err != nil {
		return err
	}
	if err := batches(ctx, s, d.Buildings, floorplan.Store.CreateBuilding, "building"); err != nil {
		return err
	}
	if err := batches(ctx, s, d.Floors, floorplan.Store.CreateFloor, "floor"); err != nil {
		return err
	}
	if bl, ok := s.(BulkLoader); ok {
		if err := bulk(d.Rooms, func(c []floorplan.Room) error { return bl.BulkInsertRooms(ctx, c) }, "rooms"); err != nil {
			return err
		}
		if err := bulk(d.People, func(c []floorplan.Person) error { return bl.BulkInsertPeople(ctx, c) }, "people"); err != nil {
			return err
		}
		return bulk(d.Assignments, func(c []floorplan.Assignment) error { return bl.BulkInsertAssignments(ctx, c) }, "assignments")
	}
	if err := batches(ctx, s, d.Rooms, floorplan.Store.CreateRoom, "room"); err != nil {
		return err
	}
	if err := batches(ctx, s, d.People, floorplan.Store.CreatePerson, "person"); err != nil {
		return err
	}
	return batches(ctx, s, d.Assignments, floorplan.Store.CreateAssignment, "assignment")
}

// batches creates the records in transactions of loadBatch records, with create (a method expression
// such as floorplan.Store.CreateRoom) called on the transaction's Store.
func batches[T any](ctx context.Context, s floorplan.Store, recs []T,
	create func(floorplan.Store, context.Context, *T) error, what string) error {
	for start := 0; start < len(recs); start += loadBatch {
		chunk := recs[start:min(start+loadBatch, len(recs))]
		err := s.InTx(ctx, func(tx floorplan.Store) error {
			for i := range chunk {
				if err := create(tx, ctx, &chunk[i]); err != nil {
					return fmt.Errorf("synth: %s %d: %w", what, start+i+1, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// bulk calls insert on chunks of bulkBatch records.
func bulk[T any](recs []T, insert func([]T) error, what string) error {
	for start := 0; start < len(recs); start += bulkBatch {
		if err := insert(recs[start:min(start+bulkBatch, len(recs))]); err != nil {
			return fmt.Errorf("synth: %s %d–%d: %w", what, start+1, min(start+bulkBatch, len(recs)), err)
		}
	}
	return nil
}
