package floorplan

import (
	"context"
)

// What an action on an application does to the register besides moving the application on: approving
// an allocation applies its scenario (application_scenario.go), handing over its handling issues the
// usage certificate; closing a maintenance records its cost in the ledger, handing over a disposal writes
// its result to the register and the ledger (application_results.go). prepareEffects checks what it can
// before the write (fields, permissions, the scenario's evaluation); the effect runs in the transaction
// that stores the application, so that both happen or neither does.

// effect is a prepared effect of an action: run makes its writes through tx and adds what they change
// to c (its Revision, Layers and Rooms); it may change a (e.g. the certificate it issued).
type effect interface {
	run(ctx context.Context, tx Store, a *Application, c *Changes) error
}

// noEffect is the effect of an action that only moves the application on.
type noEffect struct{}

func (noEffect) run(context.Context, Store, *Application, *Changes) error { return nil }

// prepareEffects returns the effect of in on a at step.
func (g *Register) prepareEffects(ctx context.Context, a *Application, step Step, in ActionInput) (effect, error) {
	switch a.Kind {
	case KindAllocation:
		return g.allocationEffect(ctx, a, step, in)
	case KindMaintenance, KindDisposal:
		return g.resultEffect(ctx, a, step, in)
	}
	return noEffect{}, nil
}
