package tiles

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"officemap/floorplan"
)

// Errors the tile handlers return, for the HTTP error adapter to map with errors.Is. They are decided
// from the request alone, before the store is asked anything.
var (
	// ErrBadTile: the tile address is not a tile of the layer (z, x or y not a number, z outside the
	// layer's zoom range, x or y outside the grid of z). 400 bad_tile. Errors wrapping it also wrap
	// geo.ErrBadTile when geo.ParseTile found the problem.
	ErrBadTile = errors.New("tiles: bad tile address")
	// ErrUnknownLayer: no such layer. 404 unknown_layer.
	ErrUnknownLayer = errors.New("tiles: unknown layer")
	// ErrBadQuery: a query parameter (level, floor_id, format) is malformed. 400 bad_request.
	ErrBadQuery = errors.New("tiles: bad query parameter")
)

// Status returns the HTTP status and the snake_case error code for an error a tile handler returned:
// the mapping of the errors above, of floorplan's sentinels that a store can return on the tile path,
// and of a cancelled or timed-out request.
func Status(err error) (status int, code string) {
	switch {
	case errors.Is(err, ErrBadTile):
		return http.StatusBadRequest, "bad_tile"
	case errors.Is(err, ErrUnknownLayer):
		return http.StatusNotFound, "unknown_layer"
	case errors.Is(err, ErrBadQuery):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, floorplan.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, floorplan.ErrUnavailable), errors.Is(err, context.Canceled),
		errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

// messages are the fixed sentences clients see; never an error's own text, which may quote the store.
func message(code string) string {
	switch code {
	case "bad_tile":
		return "the tile address is not a tile of this layer (check z against the layer's zoom range, and x and y against 0…2^z−1)"
	case "unknown_layer":
		return "no such tile layer; the layers are buildings and rooms"
	case "bad_request":
		return "a query parameter is malformed: level must be an integer, floor_id a UUID, format mvt or png"
	case "not_found":
		return "not found"
	case "unavailable":
		return "the store is unavailable; try again later"
	}
	return "internal error"
}

// WriteError is the adapter used when Options.Errors is nil: it writes the status and the JSON body
// {"error":{"code":…,"message":…}} of the API contract, with a fixed message.
func WriteError(w http.ResponseWriter, _ *http.Request, err error) {
	status, code := Status(err)
	h := w.Header()
	h.Del("ETag")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": message(code)}})
}
