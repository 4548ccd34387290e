package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"officemap/floorplan/identity"
)

// The steps that the handlers of the inspections, their papers and results and the leads share
// (inspections.go, inspection_pdfs.go, inspection_results.go, leads.go), each written once.

// enumNames are values as plain strings.
func enumNames[S ~string](values []S) []string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return names
}

// enumDoc documents the optional query parameter name, described by desc, as a string that is one of
// values.
func enumDoc[S ~string](name, desc string, values []S) paramDoc {
	return q(name, paramDoc{"", desc, map[string]any{"type": "string", "enum": enumNames(values)}})
}

// enumParam reads, with nextParam, an optional query parameter that is one of values ("" when absent);
// another value is a 400 listing them.
func enumParam[S ~string](values []S) func(r *http.Request, name string) (S, error) {
	return func(r *http.Request, name string) (S, error) {
		v := S(r.URL.Query().Get(name))
		if v != "" && !slices.Contains(values, v) {
			return "", badParam(name, "is not one of "+strings.Join(enumNames(values), ", "))
		}
		return v, nil
	}
}

// visibleList answers the malformed parameter of q, if any; else it reads the records list gives for
// filter f and keeps those that visible shows in the caller's scope (an empty list, never nil).
func visibleList[T, F any](s *Server, q *params, list func(context.Context, F) ([]T, error), f F,
	visible func(scope, T) bool) ([]T, error) {
	if q.err != nil {
		return nil, q.err
	}
	ctx := q.r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	records, err := list(ctx, f)
	if err != nil {
		return nil, err
	}
	kept := make([]T, 0, len(records))
	for _, x := range records {
		if visible(sc, x) {
			kept = append(kept, x)
		}
	}
	return kept, nil
}

// withBody reads the record of the request's path with visible (a 404 outside the caller's scope), then
// decodes the request's body as an In.
func withBody[In, T any](r *http.Request, visible func(*http.Request) (T, error)) (T, In, error) {
	var in In
	rec, err := visible(r)
	if err == nil {
		err = decodeBody(r, &in)
	}
	return rec, in, err
}

// writeVisible answers the record of the request's path that visible reads (a 404 outside the caller's
// scope) in its wire form out.
func writeVisible[T, J any](w http.ResponseWriter, r *http.Request, visible func(*http.Request) (T, error), out func(T) J) error {
	rec, err := visible(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out(rec))
}

// errStateConflict is the 409 of a record whose state does not allow the request: message and
// messageZH say so, and the error object carries the state. cause is for the server log.
func errStateConflict(state string, cause error, message, messageZH string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: "conflict", Message: message, MessageZH: messageZH,
		Extra: map[string]any{"state": state}, Err: cause}
}

// holdsRole reports whether grants hold one of roles.
func holdsRole(grants []identity.Grant, roles ...identity.Role) bool {
	return slices.ContainsFunc(grants, func(g identity.Grant) bool { return slices.Contains(roles, g.Role) })
}

// callerHolds reports whether the caller holds one of roles; without accounts (no caller), it does.
func callerHolds(ctx context.Context, roles ...identity.Role) bool {
	c, ok := identity.CallerFrom(ctx)
	return !ok || holdsRole(c.User.Grants, roles...)
}
