package floorplan

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// Errors every Store returns, wrapped with detail. Callers test them with errors.Is; the HTTP adapter
// maps them to status codes.
var (
	// ErrNotFound: no such entity (or it was deleted).
	ErrNotFound = errors.New("floorplan: not found")
	// ErrConflict: the write was based on a stale version; nothing was changed.
	ErrConflict = errors.New("floorplan: version conflict")
	// ErrOverlap: a room would overlap another room of the same floor with a positive area.
	ErrOverlap = errors.New("floorplan: rooms overlap")
	// ErrInvalid: bad input (a missing name, an unknown usage, a bad date…). Invalid geometry wraps
	// geo.ErrInvalid instead.
	ErrInvalid = errors.New("floorplan: invalid input")
	// ErrInUse: the entity is still referenced (a building with floors, an agency with people…).
	ErrInUse = errors.New("floorplan: still in use")
	// ErrUnavailable: the store cannot be reached or timed out.
	ErrUnavailable = errors.New("floorplan: store unavailable")
)

// OverlapError says which existing room a new or changed room would overlap, and by how much.
type OverlapError struct {
	RoomID      uuid.UUID // the room being written (uuid.Nil for a new room)
	OtherID     uuid.UUID // the existing room it overlaps
	OtherNumber string    // the existing room's number
	AreaM2      float64   // the overlap's area in m²
}

func (e *OverlapError) Error() string {
	return fmt.Sprintf("room overlaps room %s (%s) by %.2f m²", e.OtherNumber, e.OtherID, e.AreaM2)
}

// Is makes errors.Is(err, ErrOverlap) true.
func (e *OverlapError) Is(target error) bool { return target == ErrOverlap }

// Invalidf returns an error wrapping ErrInvalid with a message for the user.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
