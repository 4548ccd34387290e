package floorplan

import (
	"context"
	"time"
)

type actorKey struct{}

// WithActor returns a context that carries who is acting (a user name, "cli", "import"). Stores record
// it in the history of every write.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor carried by ctx, or "system" when there is none.
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}

type effectiveKey struct{}

// WithEffective returns a context whose writes hold in the world from calendar day d on (the effective
// day, 生效日期): a correction of a room's outline from the day it was rebuilt, a retirement entered late.
// Stores record it with every change they write, and as-of reports read the register through it. Without
// it a store takes the default of the write (see EffectiveFrom).
func WithEffective(ctx context.Context, d time.Time) context.Context {
	return context.WithValue(ctx, effectiveKey{}, DayOf(d))
}

// EffectiveFrom returns the effective day carried by ctx, if any.
//
// When a write carries none, the stores use the default: for a new room or building its ValidFrom (else
// the day it is entered); for any other new record the beginning of time (its own dates — assignment
// start and end, status dates — say when it holds); for an update the earliest of today and every date
// of the record that the update changes (a retirement dated 15 September entered on 10 November holds
// from 15 September); for a delete, today.
func EffectiveFrom(ctx context.Context) (time.Time, bool) {
	d, ok := ctx.Value(effectiveKey{}).(time.Time)
	return d, ok
}

type reasonKey struct{}

// WithReason returns a context that carries why a change is made ("survey correction 2026-11"); stores
// record it in the history of every write, beside the actor.
func WithReason(ctx context.Context, reason string) context.Context {
	return context.WithValue(ctx, reasonKey{}, reason)
}

// ReasonFrom returns the reason carried by ctx, or "" when there is none.
func ReasonFrom(ctx context.Context) string {
	r, _ := ctx.Value(reasonKey{}).(string)
	return r
}

type validatedKey struct{}

// withValidated marks a context whose write the Register has validated (geometry included), so that
// stores need not validate it again in Go; the database's own constraints still apply.
func withValidated(ctx context.Context) context.Context {
	return context.WithValue(ctx, validatedKey{}, true)
}

// Validated reports whether the write of ctx was validated by the Register: a store skips its own Go
// validation of the record then (see Store).
func Validated(ctx context.Context) bool {
	v, _ := ctx.Value(validatedKey{}).(bool)
	return v
}
