package api

import (
	"errors"
	"net/http"

	"officemap/geo"
)

// splitRoom cuts a room in two (or more) along a line and replaces it, in one transaction, by the pieces:
// numbered "<number>-1", "<number>-2"… largest first, with the room's name, usage, agency and state.
// The old room is deleted (softly: it stays in the history); it needs If-Match.
func (s *Server) splitRoom(w http.ResponseWriter, r *http.Request) error {
	id, body, err := conditionalBody(r)
	if err != nil {
		return err
	}
	wire, err := parseLineString(body, "the body")
	if err != nil {
		return err
	}
	return retryAny(r, func() error {
		room, p, version, ctx, err := s.roomIfMatch(r, id)
		if err != nil {
			return err
		}
		cut, err := p.lineIn(wire)
		if err != nil {
			return err
		}
		created, c, err := s.register.SplitRoom(ctx, room.ID, version, cut)
		if c, err = s.afterWrite(r.Context(), c, err); err != nil {
			var se *geo.SplitError
			if errors.As(err, &se) {
				return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_split", Message: se.Message,
					MessageZH: se.ZH, Extra: map[string]any{"reason": se.Reason}, Err: err}
			}
			return stale(about("room", err))
		}
		out, err := roomsOut(created, oneFrame(p), changedState(c))
		if err != nil {
			return err
		}
		sc, err := s.scopeOf(r.Context())
		if err != nil {
			return err
		}
		return answerRooms(w, http.StatusCreated, sc, out)
	})
}
