package floorplan

import "context"

// DisposalResult is what a disposal came to. Placeholder.
type DisposalResult struct{}

// resultEffect returns the effect of in on maintenance or disposal a at step. Placeholder: no effect yet.
func (g *Register) resultEffect(ctx context.Context, a *Application, step Step, in ActionInput) (effect, error) {
	return noEffect{}, nil
}
