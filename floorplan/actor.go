package floorplan

import "context"

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
