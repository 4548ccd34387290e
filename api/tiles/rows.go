package tiles

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
	"officemap/geo/mvt"
)

// RowStore is a store's one-query tile path (the PostGIS store has it): the rows of a tile's features
// with the rooms' stored statuses, kept by floor, level and read scope (FeatureFilter.In) in the query,
// handed over as they come (floorplan.TileRow; fn must not keep the row's slices). A room's row has its
// status when the stored states hold for day. A FeatureStore that has it draws vector tiles from it in
// one round trip, with those stored statuses whatever the Handler's StatusSource (which is asked only for
// a tile with a room whose stored status is not today's); raster tiles keep the Features path.
type RowStore interface {
	TileRows(ctx context.Context, layer floorplan.Layer, b orb.Bound, f floorplan.FeatureFilter, day time.Time,
		fn func(*floorplan.TileRow) error) error
}

// errStaleStatus stops a tile's rows at a room whose stored status does not hold for today.
var errStaleStatus = errors.New("tiles: a room's stored status is not today's")

// drawRows draws a vector tile from a RowStore's rows. fresh is false when a room of the tile has no
// stored status for today (states of another day, marked stale, or a room written around the register):
// the caller then draws the tile through the status source, which recomputes them.
func (h *Handler) drawRows(ctx context.Context, q request, rs RowStore) (data []byte, fresh bool, err error) {
	b := geo.BufferedTileBound(q.tile, Buffer, Extent)
	f := q.filter
	f.In = q.scope.In
	rooms := q.layer.name == floorplan.LayerRooms
	withStatus := rooms && h.statuses != nil
	e := h.encoder(q)
	defer h.encoders.Put(e)
	var buf [36]byte
	err = rs.TileRows(ctx, q.layer.name, b, f, h.now(), func(row *floorplan.TileRow) error {
		// The scope's own checks as well as the query's: a Scope without In hides what it must all the same.
		if rooms && q.scope.Room != nil && !q.scope.Room(row.AgencyID, row.FloorID) ||
			!rooms && q.scope.Building != nil && !q.scope.Building(row.ID) {
			return nil
		}
		if withStatus && len(row.Status) == 0 {
			return errStaleStatus
		}
		ok, err := e.AddWKB(row.WKB)
		if err != nil {
			return fmt.Errorf("tiles: %s %s: %w", q.layer.name, uuid.UUID(row.ID), err)
		}
		if !ok {
			return nil
		}
		if !rooms {
			tagBuilding(e, &buf, row.ID, row.AreaM2, row.Name)
			return nil
		}
		var status []byte
		if withStatus {
			status = row.Status
		}
		tagRoom(e, &buf, row.ID, row.FloorID, row.AgencyID, row.Level, row.AreaM2, row.Number, row.Usage, status)
		return nil
	})
	switch {
	case errors.Is(err, errStaleStatus):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("tiles: features of %s %d/%d/%d: %w", q.layer.name, q.tile.Z, q.tile.X, q.tile.Y, err)
	}
	return e.Marshal(), true, nil
}

// encoder returns an encoder from the pool, reset for q's tile.
func (h *Handler) encoder(q request) *mvt.Encoder {
	e, _ := h.encoders.Get().(*mvt.Encoder)
	if e == nil {
		return mvt.NewEncoder(string(q.layer.name), q.tile)
	}
	e.Reset(string(q.layer.name), q.tile)
	return e
}

// now is the clock of the day that stored statuses must hold for (Options.Now).
func (h *Handler) now() time.Time {
	if h.opts.Now != nil {
		return h.opts.Now()
	}
	return time.Now()
}

// DefaultRevisionTTL is how long the store's revision read for the cache key is used before it is read
// again (Options.RevisionTTL): a write through another server shows on this server's tiles that much
// later at most.
const DefaultRevisionTTL = 200 * time.Millisecond

// revisions keeps the store's revision read last, for ttl: one read at a time (the others wait for it),
// so that a cache hit costs no round trip. expire forgets it at once.
type revisions struct {
	ttl time.Duration

	mu    sync.Mutex
	rev   int64
	at    time.Time // when the read of rev began
	valid bool
	epoch uint64        // moved on by expire: a read begun before does not keep its result
	wait  chan struct{} // closed when the read in flight ends; nil when none is
}

// get returns the revision, read through read unless one read less than ttl ago is kept.
func (c *revisions) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	if c.ttl <= 0 {
		return read(ctx)
	}
	c.mu.Lock()
	for {
		if c.valid && time.Since(c.at) < c.ttl {
			rev := c.rev
			c.mu.Unlock()
			return rev, nil
		}
		if c.wait == nil {
			break
		}
		w := c.wait
		c.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		c.mu.Lock()
	}
	w, epoch, start := make(chan struct{}), c.epoch, time.Now()
	c.wait = w
	c.mu.Unlock()

	rev, err := read(ctx)

	c.mu.Lock()
	c.wait = nil
	close(w)
	if err == nil && epoch == c.epoch {
		c.rev, c.at, c.valid = rev, start, true
	}
	c.mu.Unlock()
	return rev, err
}

// saw keeps rev, the revision a write through this server committed at, unless a later one is kept: the
// register is at rev or beyond, and whatever committed after it shows within ttl, as after a read. A read
// in flight does not keep its result (it may have begun before the write).
func (c *revisions) saw(rev int64) {
	c.mu.Lock()
	c.epoch++
	if !c.valid || rev > c.rev {
		c.rev = rev
	}
	c.at, c.valid = time.Now(), true
	c.mu.Unlock()
}

// expire forgets the revision kept, and any read in flight: the next get reads it again.
func (c *revisions) expire() {
	c.mu.Lock()
	c.valid = false
	c.epoch++
	c.mu.Unlock()
}
