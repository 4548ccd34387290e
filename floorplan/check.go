package floorplan

import "context"

// Checks before a write: a record gets its defaults (a room in use, an active person or agency, a main
// assignment) and is validated — once. The Register checks every record it writes and marks the context
// (Validated); the stores call the same functions, which then only set the defaults, so that a record is
// validated in Go exactly once on its way in, whoever calls the store.

// CheckRoom gives r its defaults and validates it (geometry included) unless ctx says it was.
func CheckRoom(ctx context.Context, r *Room) error { return checkDefault(ctx, r, &r.State, RoomInUse) }

// CheckPerson gives p its defaults and validates it unless ctx says it was.
func CheckPerson(ctx context.Context, p *Person) error {
	return checkDefault(ctx, p, &p.Status, PersonActive)
}

// CheckAgency gives a its defaults and validates it unless ctx says it was.
func CheckAgency(ctx context.Context, a *Agency) error {
	return checkDefault(ctx, a, &a.Status, AgencyActive)
}

// CheckAssignment gives a its defaults and validates it unless ctx says it was.
func CheckAssignment(ctx context.Context, a *Assignment) error {
	return checkDefault(ctx, a, &a.Kind, AssignMain)
}

// CheckBuilding validates b (footprint and georeference) unless ctx says it was.
func CheckBuilding(ctx context.Context, b *Building) error { return validateUnlessDone(ctx, b) }

// CheckFloor validates f unless ctx says it was.
func CheckFloor(ctx context.Context, f *Floor) error { return validateUnlessDone(ctx, f) }

// validator is a record that can validate itself.
type validator interface{ Validate() error }

// checkDefault sets rec's field to def when it is empty (the zero value), then validates rec unless ctx
// says the Register already did.
func checkDefault[T comparable](ctx context.Context, rec validator, field *T, def T) error {
	var zero T
	if *field == zero {
		*field = def
	}
	return validateUnlessDone(ctx, rec)
}

// validateUnlessDone validates rec unless ctx says the Register already did.
func validateUnlessDone(ctx context.Context, rec validator) error {
	if Validated(ctx) {
		return nil
	}
	return rec.Validate()
}
