package imports

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/geo"
)

// bulkChunk is how many new rooms go to the store at a time (and between two progress reports).
const bulkChunk = 500

// writeErr names the feature whose write the store refused.
func (p *plan) writeErr(rp *roomPlan, err error) error {
	return &Error{File: p.d.File, Problems: []Problem{{Feature: rp.src.Ref, SourceID: rp.src.SourceID,
		Number: rp.r.Number, Reason: err.Error(), Err: err}}}
}

// apply writes the plan into s (the transaction Import opened).
func (p *plan) apply(ctx context.Context, s floorplan.Store) error {
	if p.site != nil {
		if err := s.CreateSite(ctx, p.site); err != nil {
			return fmt.Errorf("%s: creating site %q: %w", p.d.File, p.site.Name, err)
		}
	}
	total, done := 0, 0
	for _, bp := range p.buildings {
		for _, rp := range bp.rooms {
			if !rp.rejected && rp.op != opUnchanged {
				total++
			}
		}
	}
	progress := func(n int) {
		done += n
		if p.opt.Progress != nil {
			p.opt.Progress(done, total)
		}
	}
	for _, bp := range p.buildings {
		switch bp.op {
		case opCreate:
			if err := s.CreateBuilding(ctx, &bp.b); err != nil {
				return fmt.Errorf("%s: creating building %q: %w", p.d.File, bp.b.Name, err)
			}
		case opUpdate:
			if err := s.UpdateBuilding(ctx, &bp.b); err != nil {
				return fmt.Errorf("%s: updating building %q: %w", p.d.File, bp.b.Name, err)
			}
		}
		for _, fp := range bp.used {
			fp.f.BuildingID = bp.b.ID
			switch fp.op {
			case opCreate:
				if err := s.CreateFloor(ctx, &fp.f); err != nil {
					return fmt.Errorf("%s: creating floor %s of building %q: %w", p.d.File, fp.f.Name, bp.b.Name, err)
				}
			case opUpdate:
				if err := s.UpdateFloor(ctx, &fp.f); err != nil {
					return fmt.Errorf("%s: updating floor %s of building %q: %w", p.d.File, fp.f.Name, bp.b.Name, err)
				}
			}
		}
		if err := p.applyUpdates(ctx, s, bp, progress); err != nil {
			return err
		}
		if err := p.applyCreates(ctx, s, bp, progress); err != nil {
			return err
		}
	}
	return nil
}

// applyCreates inserts the new rooms in bulk.
func (p *plan) applyCreates(ctx context.Context, s floorplan.Store, bp *buildingPlan, progress func(int)) error {
	var news []*roomPlan
	for _, rp := range bp.rooms {
		if !rp.rejected && rp.op == opCreate {
			news = append(news, rp)
		}
	}
	for start := 0; start < len(news); start += bulkChunk {
		chunk := news[start:min(start+bulkChunk, len(news))]
		rooms := make([]floorplan.Room, len(chunk))
		for i, rp := range chunk {
			rooms[i] = rp.r
		}
		if err := s.BulkInsertRooms(ctx, rooms); err != nil {
			if len(chunk) == 1 {
				return p.writeErr(chunk[0], err)
			}
			return fmt.Errorf("%s: writing rooms %s to %s: %w", p.d.File, chunk[0].src.Ref, chunk[len(chunk)-1].src.Ref, err)
		}
		for i, rp := range chunk {
			rp.r = rooms[i]
		}
		progress(len(chunk))
	}
	return nil
}

// applyUpdates updates the matched rooms in an order in which no room, once written, overlaps the old
// geometry of a room not yet written (a room that grows into the space another one gives up waits for
// it). The plan has checked that the final state has no overlaps; only rooms that swap places cannot
// be ordered, and are reported.
func (p *plan) applyUpdates(ctx context.Context, s floorplan.Store, bp *buildingPlan, progress func(int)) error {
	var pending []*roomPlan
	olds := floorGrids{}
	for _, rp := range bp.rooms {
		if rp.rejected || rp.op != opUpdate {
			continue
		}
		pending = append(pending, rp)
		b := rp.old.Geometry.Bound()
		olds.of(rp.old.FloorID).add(b, obstacle{id: rp.old.ID, geom: rp.old.Geometry, bound: b})
	}
	written := map[uuid.UUID]bool{}
	blocked := func(rp *roomPlan) bool {
		if rp.r.FloorID == rp.old.FloorID && samePolygon(rp.r.Geometry, rp.old.Geometry) {
			return false // the room keeps its place
		}
		g, ok := olds[rp.r.FloorID]
		if !ok {
			return false
		}
		hit := false
		g.each(rp.bound, func(o *obstacle) bool {
			if o.id == rp.old.ID || written[o.id] || !mayOverlap(rp.bound, o.bound) {
				return true
			}
			if ok, _, err := geo.Overlaps(rp.r.Geometry, o.geom); err == nil && ok {
				hit = true
				return false
			}
			return true
		})
		return hit
	}
	for len(pending) > 0 {
		var next []*roomPlan
		for _, rp := range pending {
			if blocked(rp) {
				next = append(next, rp)
				continue
			}
			if err := s.UpdateRoom(ctx, &rp.r); err != nil {
				return p.writeErr(rp, err)
			}
			written[rp.old.ID] = true
			progress(1)
		}
		if len(next) == len(pending) {
			refs := make([]string, len(next))
			for i, rp := range next {
				refs[i] = rp.src.Ref
			}
			return Errorf(p.d.File, next[0].src.Ref, "rooms %s take each other's places: they cannot be updated one at a time; delete them and import again",
				listed(refs, 5))
		}
		pending = next
	}
	return nil
}
