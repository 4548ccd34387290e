package synth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"officemap/floorplan"
)

// Batch sizes of Load: records per transaction.
const (
	loadBatch = 500   // sites through CreateSite
	bulkBatch = 20000 // agencies, buildings, floors, rooms, people, assignments through the BulkLoader
)

// Load writes the dataset through the register, parents first, in transactions of a few hundred records
// (agencies, buildings, floors, rooms, people and assignments in bulk, a few tens of thousands at a time). The dataset's records are
// filled in place as the Create methods fill their argument (versions, creation times). Records committed
// before an error stay.
func (d *Dataset) Load(ctx context.Context, reg *floorplan.Register) error {
	steps := []func() error{
		func() error { return batches(ctx, reg, d.Sites, floorplan.Store.CreateSite, "site") },
		func() error { return bulk(ctx, reg, d.Agencies, floorplan.Store.BulkInsertAgencies, "agencies") },
		func() error { return bulk(ctx, reg, d.Buildings, floorplan.Store.BulkInsertBuildings, "buildings") },
		func() error { return bulk(ctx, reg, d.Floors, floorplan.Store.BulkInsertFloors, "floors") },
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

// Counts are the numbers of records of a generated register, and how long LoadStream took to write the
// parents (sites, agencies, buildings and floors) and the batches (rooms, people and assignments), and
// to build the indexes the store deferred while it wrote the batches (Register.BulkLoad).
type Counts struct {
	Sites, Agencies, Buildings, Floors, Rooms, People, Assignments int
	Parents, Batches, Indexes                                      time.Duration
}

// LoadStream generates the register cfg describes (the Dataset of Generate(cfg), ids included) into reg
// without holding it in memory: Stream hands it over building by building, and it is written as it comes,
// parents first in transactions of loadBatch records, then the rooms, people and assignments of about
// bulkBatch rooms at a time through the BulkLoader, all three in one transaction, so that a batch commits
// whole or not at all. The next batch is generated while one is written (the database, not the generator,
// sets the pace: the register's writes run one at a time): memory holds two batches, not the register.
// The batches are one BulkLoad: into an empty register, the store builds some of its indexes once after
// the last batch. Batches committed before an error stay. It returns what it wrote.
func LoadStream(ctx context.Context, reg *floorplan.Register, cfg Config) (Counts, error) {
	parts := make(chan *Dataset, 1) // the parents, then the batches, in order
	stop := make(chan struct{})     // closed when the writer stops early
	genErr := make(chan error, 1)
	go func() {
		defer close(parts)
		genErr <- streamBatches(cfg, func(d *Dataset) error {
			select {
			case parts <- d:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	n, err := writeParts(ctx, reg, parts)
	if err != nil {
		close(stop)
		for range parts { // let the generator see stop and end
		}
		<-genErr
		return n, err
	}
	if err := <-genErr; err != nil {
		return n, err
	}
	return n, nil
}

// errStopped ends the generator of LoadStream when the writer has failed.
var errStopped = errors.New("synth: stopped")

// streamBatches generates the register cfg describes (Stream) and hands it to send in parts: first the
// sites, agencies, buildings and floors, then the rooms, people and assignments of whole buildings, about
// bulkBatch rooms a part.
func streamBatches(cfg Config, send func(*Dataset) error) error {
	var pending *Dataset // rooms, people and assignments of whole buildings, not yet sent
	parents := true
	err := Stream(cfg, func(part *Dataset) error {
		if parents {
			parents = false
			return send(&Dataset{Sites: part.Sites, Agencies: part.Agencies, Buildings: part.Buildings, Floors: part.Floors})
		}
		if pending == nil {
			pending = &Dataset{}
		}
		pending.Rooms = append(pending.Rooms, part.Rooms...)
		pending.People = append(pending.People, part.People...)
		pending.Assignments = append(pending.Assignments, part.Assignments...)
		if len(pending.Rooms) < bulkBatch {
			return nil
		}
		d := pending
		pending = nil
		return send(d)
	})
	if err == nil && pending != nil && len(pending.Rooms) > 0 {
		err = send(pending)
	}
	return err
}

// writeParts writes the parts of streamBatches as they come: the first (the parents) through the Create
// methods (Dataset.Load), each other in one batch through the BulkLoader, all of them in one BulkLoad (the
// store builds the indexes it deferred at the end). It returns what it wrote.
func writeParts(ctx context.Context, reg *floorplan.Register, parts <-chan *Dataset) (n Counts, err error) {
	start := time.Now()
	d, ok := <-parts
	if !ok {
		return n, nil
	}
	n.Sites, n.Agencies, n.Buildings, n.Floors = len(d.Sites), len(d.Agencies), len(d.Buildings), len(d.Floors)
	err = d.Load(ctx, reg)
	n.Parents = time.Since(start)
	if err != nil {
		return n, err
	}
	var loaded time.Time
	err = reg.BulkLoad(ctx, request, func() error {
		defer func() { loaded = time.Now() }()
		for d := range parts {
			if err := writeBatch(ctx, reg, d, &n); err != nil {
				return err
			}
		}
		return nil
	})
	if loaded.IsZero() { // BulkLoad refused before fn
		loaded = time.Now()
	}
	n.Batches, n.Indexes = loaded.Sub(start)-n.Parents, time.Since(loaded)
	return n, err
}

// writeBatch writes the rooms, people and assignments of d in one transaction and counts them in n.
func writeBatch(ctx context.Context, reg *floorplan.Register, d *Dataset, n *Counts) error {
	from, to := n.Rooms+1, n.Rooms+len(d.Rooms)
	_, err := reg.Batch(ctx, request, func(tx floorplan.Store) error {
		if err := tx.BulkInsertRooms(ctx, d.Rooms); err != nil {
			return err
		}
		if err := tx.BulkInsertPeople(ctx, d.People); err != nil {
			return err
		}
		return tx.BulkInsertAssignments(ctx, d.Assignments)
	})
	if err != nil {
		return fmt.Errorf("synth: rooms %d–%d with their people: %w", from, to, err)
	}
	n.Rooms, n.People, n.Assignments = to, n.People+len(d.People), n.Assignments+len(d.Assignments)
	return nil
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
