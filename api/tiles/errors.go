package tiles

import "errors"

// Errors the tile handlers return for a request they refuse, decided from the request alone, before
// the store is asked anything. The handlers turn no error into a response themselves: they return it,
// with the store's errors, to Options.Errors, the HTTP layer's one error adapter, which maps these with
// errors.Is (the api package answers them as noted).
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
