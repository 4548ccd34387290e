package api

import (
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"officemap/floorplan"
)

// maxReasonRunes bounds the reason a write may carry into the history (the register's rule).
var maxReasonRunes = floorplan.TextRules["change.reason"].MaxRunes

// withWriteContext puts the effective day and the reason of a write request into its context
// (floorplan.WithEffective, floorplan.WithReason), from the query parameters every write route takes:
//
//	effective=YYYY-MM-DD  the day from which the change holds in the world (生效日期): a survey correction
//	                      from the day the room was rebuilt, a retirement entered late. Default: see
//	                      floorplan.EffectiveFrom.
//	reason=…              why the change is made, kept in the history beside who made it.
//
// Reads ignore them. A malformed value is 400 before any handler runs.
func (s *Server) withWriteContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		done := s.tiles.Writing() // tile misses give way to the write (tiles/yield.go)
		defer done()
		ctx := r.Context()
		q := r.URL.Query()
		if raw := q.Get("effective"); raw != "" {
			d, err := time.Parse(floorplan.DateLayout, raw)
			if err != nil || d.Year() < 1900 || d.Year() > 2999 {
				s.writeError(w, r, badParam("effective", fmt.Sprintf("must be a day YYYY-MM-DD between 1900 and 2999, not %q", raw)))
				return
			}
			ctx = floorplan.WithEffective(ctx, d)
		}
		if reason := q.Get("reason"); reason != "" {
			if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReasonRunes {
				s.writeError(w, r, badParam("reason", fmt.Sprintf("must be valid text of at most %d characters", maxReasonRunes)))
				return
			}
			ctx = floorplan.WithReason(ctx, reason)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// asRecorded reads recorded_at: the moment whose knowledge a report shows (floorplan.ParseRecordedAt);
// zero when absent.
func asRecorded(r *http.Request) (time.Time, error) {
	raw := r.URL.Query().Get("recorded_at")
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := floorplan.ParseRecordedAt(raw, time.Local)
	if err != nil {
		return time.Time{}, badParam("recorded_at", fmt.Sprintf("must be a day YYYY-MM-DD or an RFC 3339 instant, not %q", raw))
	}
	return t, nil
}
