package synth

import (
	"context"
	"fmt"

	"officemap/floorplan"
)

// Batch sizes of Load: records per transaction.
const (
	loadBatch = 500   // sites, agencies, buildings, floors through the Create methods
	bulkBatch = 20000 // rooms, people, assignments through the BulkLoader
)

// Load writes the dataset through the register, parents first, in transactions of a few hundred records
// (rooms, people and assignments in bulk, a few tens of thousands at a time). The dataset's records are
// filled in place as the Create methods fill their argument (versions, creation times). Records committed
// before an error stay.
func (d *Dataset) Load(ctx context.Context, reg *floorplan.Register) error {
	steps := []func() error{
		func() error { return batches(ctx, reg, d.Sites, floorplan.Store.CreateSite, "site") },
		func() error { return batches(ctx, reg, d.Agencies, floorplan.Store.CreateAgency, "agency") },
		func() error { return batches(ctx, reg, d.Buildings, floorplan.Store.CreateBuilding, "building") },
		func() error { return batches(ctx, reg, d.Floors, floorplan.Store.CreateFloor, "floor") },
		func() error { return bulk(ctx, reg, d.Rooms, floorplan.Store.BulkInsertRooms, "rooms") },
		func() error { return bulk(ctx, reg, d.People, floorplan.Store.BulkInsertPeople, "people") },
		func() error {
			return bulk(ctx, reg, d.Assignments, floorplan.Store.BulkInsertAssignments, "assignments")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// Counts are the numbers of records of a generated register.
type Counts struct {
	Sites, Agencies, Buildings, Floors, Rooms, People, Assignments int
}

// LoadStream generates the register cfg describes (the Dataset of Generate(cfg), ids included) into reg
// without holding it in memory: Stream hands it over building by building, and it is written as it comes,
// parents first in transactions of loadBatch records, then the rooms, people and assignments of about
// bulkBatch rooms at a time through the BulkLoader, all three in one transaction, so that a batch commits
// whole or not at all. Memory holds one batch, not the register. Batches committed before an error stay.
// It returns what it wrote.
func LoadStream(ctx context.Context, reg *floorplan.Register, cfg Config) (Counts, error) {
	var (
		n       Counts
		pending Dataset // rooms, people and assignments of whole buildings, not yet written
	)
	flush := func() error {
		if len(pending.Rooms) == 0 {
			return nil
		}
		from, to := n.Rooms+1, n.Rooms+len(pending.Rooms)
		_, err := reg.Batch(ctx, request, func(tx floorplan.Store) error {
			if err := tx.BulkInsertRooms(ctx, pending.Rooms); err != nil {
				return err
			}
			if err := tx.BulkInsertPeople(ctx, pending.People); err != nil {
				return err
			}
			return tx.BulkInsertAssignments(ctx, pending.Assignments)
		})
		if err != nil {
			return fmt.Errorf("synth: rooms %d–%d with their people: %w", from, to, err)
		}
		n.Rooms, n.People, n.Assignments = to, n.People+len(pending.People), n.Assignments+len(pending.Assignments)
		pending = Dataset{}
		return nil
	}
	parents := true
	err := Stream(cfg, func(part *Dataset) error {
		if parents {
			parents = false
			n.Sites, n.Agencies, n.Buildings, n.Floors = len(part.Sites), len(part.Agencies), len(part.Buildings), len(part.Floors)
			return part.Load(ctx, reg)
		}
		pending.Rooms = append(pending.Rooms, part.Rooms...)
		pending.People = append(pending.People, part.People...)
		pending.Assignments = append(pending.Assignments, part.Assignments...)
		if len(pending.Rooms) < bulkBatch {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	return n, err
}

// request names synthetic data for the register's permission hook.
var request = floorplan.Request{What: "synthetic data"}

// batches creates the records in transactions of loadBatch records, with create (a method expression
// such as floorplan.Store.CreateRoom) called on the transaction's Store.
func batches[T any](ctx context.Context, reg *floorplan.Register, recs []T,
	create func(floorplan.Store, context.Context, *T) error, what string) error {
	for start := 0; start < len(recs); start += loadBatch {
		chunk := recs[start:min(start+loadBatch, len(recs))]
		_, err := reg.Batch(ctx, request, func(tx floorplan.Store) error {
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

// bulk inserts the records in transactions of bulkBatch records, with insert (a method expression such
// as floorplan.Store.BulkInsertRooms) called on the transaction's Store.
func bulk[T any](ctx context.Context, reg *floorplan.Register, recs []T,
	insert func(floorplan.Store, context.Context, []T) error, what string) error {
	for start := 0; start < len(recs); start += bulkBatch {
		chunk := recs[start:min(start+bulkBatch, len(recs))]
		_, err := reg.Batch(ctx, request, func(tx floorplan.Store) error { return insert(tx, ctx, chunk) })
		if err != nil {
			return fmt.Errorf("synth: %s %d–%d: %w", what, start+1, start+len(chunk), err)
		}
	}
	return nil
}
