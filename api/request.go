package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"officemap/floorplan"
)

// readBody reads the whole request body (capped by limitBody). An empty body is a 400.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, badRequest("the request body could not be read")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, badRequest("the request body is empty; it must be a JSON document")
	}
	return data, nil
}

// decodeBody reads the request body as JSON into v.
func decodeBody(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return err
	}
	return unmarshal(data, v)
}

// unmarshal decodes one JSON document into v; its errors are 400s naming what was wrong.
func unmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return badRequest("the request body has data after the JSON document")
	}
	return nil
}

// jsonError turns a decoding error into a 400 that says where the problem is.
func jsonError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var value *valueError
	switch {
	case errors.As(err, &value):
		return badRequest("the request body has a bad value: %s", value.msg)
	case errors.As(err, &syn):
		return badRequest("the request body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return badRequest("field %s must be %s, not a JSON %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return badRequest("the request body must be %s, not a JSON %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body is not valid JSON (it ends early)")
	}
	return badRequest("the request body is not valid JSON: %s", err.Error())
}

func jsonKind(k string) string {
	switch k {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	}
	return "a " + k
}

// writeJSON writes v as the JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	return writeJSONType(w, status, "application/json; charset=utf-8", v)
}

// writeGeoJSON writes v with the GeoJSON media type (RFC 7946).
func writeGeoJSON(w http.ResponseWriter, status int, v any) error {
	return writeJSONType(w, status, "application/geo+json", v)
}

func writeJSONType(w http.ResponseWriter, status int, contentType string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("api: encode response: %w", err)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
	return nil
}

// noContent answers 204 No Content when err is nil; otherwise it returns err, for the adapter to answer.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pathID returns the UUID path variable name ("id" for most routes).
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	raw := mux.Vars(r)[name]
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, badRequest("%s is not a UUID", name)
	}
	return id, nil
}

// queryParam reads the optional query parameter name: def when it is absent (or empty), else what parse
// makes of it; a value parse refuses is the error bad(raw), a 400 that names the parameter.
func queryParam[T any](r *http.Request, name string, def T, parse func(string) (T, error), bad func(raw string) error) (T, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	v, err := parse(raw)
	if err != nil {
		var zero T
		return zero, bad(raw)
	}
	return v, nil
}

// queryUUID returns an optional UUID query parameter (uuid.Nil when absent).
func queryUUID(r *http.Request, name string) (uuid.UUID, error) {
	return queryParam(r, name, uuid.Nil, uuid.Parse, func(string) error { return badRequest("%s is not a UUID", name) })
}

// queryDate returns an optional YYYY-MM-DD query parameter (zero when absent).
func queryDate(r *http.Request, name string) (time.Time, error) {
	day := func(raw string) (time.Time, error) { return time.Parse(floorplan.DateLayout, raw) }
	return queryParam(r, name, time.Time{}, day, func(raw string) error {
		return badParam(name, fmt.Sprintf("must be a date YYYY-MM-DD, not %q", raw))
	})
}

// queryInt returns an optional integer query parameter in [lo, hi], or def when absent.
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	inRange := func(raw string) (int, error) {
		n, err := strconv.Atoi(raw)
		if err == nil && (n < lo || n > hi) {
			err = strconv.ErrRange
		}
		return n, err
	}
	return queryParam(r, name, def, inRange, func(raw string) error {
		return badParam(name, fmt.Sprintf("must be an integer from %d to %d, not %q", lo, hi, raw))
	})
}

// queryBool returns an optional true/false query parameter (false when absent).
func queryBool(r *http.Request, name string) (bool, error) {
	return queryParam(r, name, false, strconv.ParseBool, func(raw string) error {
		return badParam(name, fmt.Sprintf("must be true or false, not %q", raw))
	})
}

// params reads a request's query parameters in turn and keeps the first malformed one's error in err;
// after it, nothing more is read. A handler lists the parameters it takes, then checks err once.
type params struct {
	r   *http.Request
	err error
}

func queryOf(r *http.Request) *params { return &params{r: r} }

func (q *params) uuid(name string) uuid.UUID { return nextParam(q, name, queryUUID) }
func (q *params) date(name string) time.Time { return nextParam(q, name, queryDate) }
func (q *params) bool(name string) bool      { return nextParam(q, name, queryBool) }

// int reads an optional integer parameter in [lo, hi], def when absent (queryInt).
func (q *params) int(name string, def, lo, hi int) int {
	return nextParam(q, name, func(r *http.Request, name string) (int, error) { return queryInt(r, name, def, lo, hi) })
}

// choice reads an optional parameter whose value is one of the keys of values, and gives what values
// maps it to (def when absent); want lists the keys for the error.
func choice[T any](def T, values map[string]T, want string) func(r *http.Request, name string) (T, error) {
	return func(r *http.Request, name string) (T, error) {
		parse := func(raw string) (T, error) {
			v, ok := values[raw]
			if !ok {
				return v, errNoChoice
			}
			return v, nil
		}
		return queryParam(r, name, def, parse, func(raw string) error {
			return badParam(name, fmt.Sprintf("must be %s, not %q", want, raw))
		})
	}
}

// errNoChoice is a value that choice does not know.
var errNoChoice = errors.New("not one of the choices")

// crsLocal reads crs as crsLocal does: whether coordinates are exchanged in the building's local frame.
func (q *params) crsLocal() bool {
	return nextParam(q, "crs", func(r *http.Request, _ string) (bool, error) { return crsLocal(r) })
}

func nextParam[T any](q *params, name string, read func(*http.Request, string) (T, error)) T {
	var v T
	if q.err == nil {
		v, q.err = read(q.r, name)
	}
	return v
}

// idAndCRS reads what a request about a record with geometry (or its parent) starts with: the path's
// {id}, then whether coordinates are exchanged in the building's local frame (crs=local).
func idAndCRS(r *http.Request) (uuid.UUID, bool, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return id, false, err
	}
	local, err := crsLocal(r)
	return id, local, err
}

// idAndBody reads the path's {id}, then the body, for a write.
func idAndBody(r *http.Request) (uuid.UUID, []byte, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return id, nil, err
	}
	body, err := readBody(r)
	return id, body, err
}

// idCRSAndBody is idAndCRS, then the body, for a write.
func idCRSAndBody(r *http.Request) (uuid.UUID, bool, []byte, error) {
	id, local, err := idAndCRS(r)
	if err != nil {
		return id, local, nil, err
	}
	body, err := readBody(r)
	return id, local, body, err
}

// idCRSAndDecode is idAndCRS, then the body decoded into v, for a create under a parent.
func idCRSAndDecode(r *http.Request, v any) (uuid.UUID, bool, error) {
	id, local, body, err := idCRSAndBody(r)
	if err != nil {
		return id, local, err
	}
	return id, local, unmarshal(body, v)
}

// etag is the entity tag of a version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// setETag sets the ETag header of a versioned resource.
func setETag(w http.ResponseWriter, version int64) { w.Header().Set("ETag", etag(version)) }

// ifMatch checks the If-Match header of a write to a versioned resource whose current version is
// current: missing is 428, a tag that is not the current one is 412. It returns the version to write
// against. "*" matches any current version.
func ifMatch(r *http.Request, current int64) (int64, error) {
	return matchVersion(r.Header.Values("If-Match"), current)
}

// matchVersion is ifMatch over the If-Match values given (the header's, or a batch change's if_match).
func matchVersion(values []string, current int64) (int64, error) {
	if len(values) == 0 {
		return 0, errPreconditionRequired()
	}
	for _, tag := range ifMatchTags(values) {
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag(current) {
			return current, nil
		}
	}
	return 0, errPreconditionFailed(nil)
}

// ifMatchAny reports whether the request's If-Match is "*": any current version.
func ifMatchAny(r *http.Request) bool { return anyVersion(r.Header.Values("If-Match")) }

// anyVersion reports whether If-Match values (the header's, or a batch change's if_match) hold "*".
func anyVersion(values []string) bool { return slices.Contains(ifMatchTags(values), "*") }

// retryAny runs a conditional write (read, check If-Match, write, answer) once, or, when the request's
// If-Match is "*" (any current version: RFC 9110 §13.1.1), again each time it loses the race to another
// write between its read and its write (an error wrapping floorplan.ErrConflict, answered 412 otherwise),
// after a random pause (anyRetryPause), up to maxAnyRetries more times; then the 412 stands. write answers
// only once it has written, so a try that lost has answered nothing.
func retryAny(r *http.Request, write func() error) error {
	star := ifMatchAny(r)
	return retryLost(r.Context(), func(err error) bool { return star && errors.Is(err, floorplan.ErrConflict) }, write)
}

// retryLost runs write once, and again after a pause (anyRetryPause) each time lost says of its error that a
// write with "If-Match: *" lost a race to another write, up to maxAnyRetries more times (retryAny; a save of
// rooms whose refused change had if_match "*").
func retryLost(ctx context.Context, lost func(error) bool, write func() error) error {
	for attempt := 1; ; attempt++ {
		err := write()
		if err == nil || attempt > maxAnyRetries || !lost(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(anyRetryPause(attempt)):
		}
	}
}

// maxAnyRetries is how many times a write with "If-Match: *" that lost a race is tried again.
const maxAnyRetries = 10

// anyRetryPause is the pause before try attempt+1 of a write with "If-Match: *" that lost a race: uniform
// in [1 ms, min(5 ms·2^attempt, 400 ms)] ("full jitter"). A range fixed near the write's own duration
// (tens of milliseconds on PostGIS) kept four writers of one record colliding until one ran out of tries;
// doubling it spreads them within a few tries. All tries together wait 2.2 s at the most.
func anyRetryPause(attempt int) time.Duration {
	limit := min(5*time.Millisecond<<min(attempt, 10), 400*time.Millisecond)
	return time.Millisecond + rand.N(limit)
}

// ifMatchTags splits If-Match values into their entity tags (a header may list several, comma-separated).
func ifMatchTags(values []string) []string {
	var tags []string
	for _, v := range values {
		for _, tag := range strings.Split(v, ",") {
			tags = append(tags, strings.TrimSpace(tag))
		}
	}
	return tags
}

// conditionalPath reads the path's {id} of a conditional write and checks that the request has If-Match
// (428 before anything is read); ifMatch checks the tag once the record is read.
func conditionalPath(r *http.Request) (uuid.UUID, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return id, err
	}
	return id, requireIfMatch(r)
}

// requireIfMatch is 428 for a conditional write without If-Match.
func requireIfMatch(r *http.Request) error {
	if len(r.Header.Values("If-Match")) == 0 {
		return errPreconditionRequired()
	}
	return nil
}

// conditionalCRSAndBody is idCRSAndBody for a conditional write: 428 without If-Match, before the body
// is read.
func conditionalCRSAndBody(r *http.Request) (uuid.UUID, bool, []byte, error) {
	if _, err := conditionalPath(r); err != nil {
		return uuid.Nil, false, nil, err
	}
	return idCRSAndBody(r)
}

// conditionalBody is conditionalPath, then the body.
func conditionalBody(r *http.Request) (uuid.UUID, []byte, error) {
	id, err := conditionalPath(r)
	if err != nil {
		return id, nil, err
	}
	body, err := readBody(r)
	return id, body, err
}

// stale maps a version conflict reported by the store during a conditional write (someone wrote in
// between our read and our write) to 412.
func stale(err error) error {
	if errors.Is(err, floorplan.ErrConflict) {
		return errPreconditionFailed(err)
	}
	return err
}

// location sets the Location header of a created resource.
func location(w http.ResponseWriter, path string) { w.Header().Set("Location", path) }
