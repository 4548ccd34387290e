package floorplan

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// NeighbourhoodOf gives the tests the small register the Register gathers around a write (affected) and
// the rooms it reports: ring by ring through a NeighbourhoodReader, or, with perID, one record at a time.
func NeighbourhoodOf(ctx context.Context, s Reader, day time.Time, seedRooms, seedPeople []uuid.UUID,
	perID bool) (*Snapshot, map[uuid.UUID]bool, error) {
	return neighbourhoodOf(ctx, s, day, seedRooms, seedPeople, perID)
}

// EvaluatePartsPrefetched is EvaluateParts reading the next group of parts while one is evaluated and
// emitted, as the recomputation of the stored states does (recomputeStates).
func (g *Register) EvaluatePartsPrefetched(ctx context.Context, day time.Time, agencies []uuid.UUID,
	fn func(part *Report) error) error {
	return g.evaluateParts(ctx, g.store, DayOf(day), agencies, true, fn)
}
