package floorplan

import "context"

// Checks before a write: a record gets its defaults (a room in use, an active person or agency, a main
// assignment) and is validated — once. The Register checks every record it writes and marks the context
// (Validated); the stores call the same functions, which then only set the defaults, so that a record is
// validated in Go exactly once on its way in, whoever calls the store.

// CheckRoom gives r its defaults and validates it (geometry included) unless ctx says it was.
func CheckRoom(ctx context.Context, r *Room) error {
	if r.State == "" {
		r.State = RoomInUse
	}
	if Validated(ctx) {
		return nil
	}
	return r.Validate()
}

// CheckPerson gives p its defaults and validates it unless ctx says it was.
func CheckPerson(ctx context.Context, p *Person) error {
	if p.Status == "" {
		p.Status = PersonActive
	}
	if Validated(ctx) {
		return nil
	}
	return p.Validate()
}

// CheckAgency gives a its defaults and validates it unless ctx says it was.
func CheckAgency(ctx context.Context, a *Agency) error {
	if a.Status == "" {
		a.Status = AgencyActive
	}
	if Validated(ctx) {
		return nil
	}
	return a.Validate()
}

// CheckAssignment gives a its defaults and validates it unless ctx says it was.
func CheckAssignment(ctx context.Context, a *Assignment) error {
	if a.Kind == "" {
		a.Kind = AssignMain
	}
	if Validated(ctx) {
		return nil
	}
	return a.Validate()
}

// CheckBuilding validates b (footprint and georeference) unless ctx says it was.
func CheckBuilding(ctx context.Context, b *Building) error {
	if Validated(ctx) {
		return nil
	}
	return b.Validate()
}

// CheckFloor validates f unless ctx says it was.
func CheckFloor(ctx context.Context, f *Floor) error {
	if Validated(ctx) {
		return nil
	}
	return f.Validate()
}
