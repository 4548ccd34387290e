package floorplan

import (
	"context"
	"fmt"
)

// Checks before a bulk insert, shared by the stores: each record gets its defaults and is validated
// (the Check functions), and an error names the record by its place in the batch (from 1).

// CheckRooms checks each room of a bulk insert (CheckRoom).
func CheckRooms(ctx context.Context, rooms []Room) error {
	return checkEach(ctx, rooms, CheckRoom, func(n int, r *Room) string {
		return fmt.Sprintf("room %d (%s)", n, r.Number)
	})
}

// CheckPeople checks each person of a bulk insert (CheckPerson).
func CheckPeople(ctx context.Context, people []Person) error {
	return checkEach(ctx, people, CheckPerson, func(n int, p *Person) string {
		return fmt.Sprintf("person %d (%s)", n, p.Name)
	})
}

// CheckAssignments checks each assignment of a bulk insert (CheckAssignment).
func CheckAssignments(ctx context.Context, as []Assignment) error {
	return checkEach(ctx, as, CheckAssignment, func(n int, _ *Assignment) string {
		return fmt.Sprintf("assignment %d", n)
	})
}

// checkEach runs check on every record, failing at the first error with the record named by name, given
// its place.
func checkEach[T any](ctx context.Context, recs []T, check func(context.Context, *T) error,
	name func(n int, r *T) string) error {
	for i := range recs {
		if err := check(ctx, &recs[i]); err != nil {
			return fmt.Errorf("%s: %w", name(i+1, &recs[i]), err)
		}
	}
	return nil
}
