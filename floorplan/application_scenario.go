package floorplan

import "context"

// allocationEffect returns the effect of in on allocation a at step. Placeholder: no effect yet.
func (g *Register) allocationEffect(ctx context.Context, a *Application, step Step, in ActionInput) (effect, error) {
	return noEffect{}, nil
}
