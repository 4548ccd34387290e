package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// pathID returns the UUID path variable name ("id" for most routes).
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	raw := mux.Vars(r)[name]
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, badRequest("%s is not a UUID", name)
	}
	return id, nil
}

// queryUUID returns an optional UUID query parameter (uuid.Nil when absent).
func queryUUID(r *http.Request, name string) (uuid.UUID, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		return uuid.Nil, badRequest("%s is not a UUID", name)
	}
	return id, nil
}

// queryDate returns an optional YYYY-MM-DD query parameter (zero when absent).
func queryDate(r *http.Request, name string) (time.Time, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(floorplan.DateLayout, raw)
	if err != nil {
		return time.Time{}, badParam(name, fmt.Sprintf("must be a date YYYY-MM-DD, not %q", raw))
	}
	return d, nil
}

// queryInt returns an optional integer query parameter in [lo, hi], or def when absent.
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, fmt.Sprintf("must be an integer from %d to %d, not %q", lo, hi, raw))
	}
	return n, nil
}

// etag is the entity tag of a version.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// setETag sets the ETag header of a versioned resource.
func setETag(w http.ResponseWriter, version int64) { w.Header().Set("ETag", etag(version)) }

// ifMatch checks the If-Match header of a write to a versioned resource whose current version is
// current: missing is 428, a tag that is not the current one is 412. It returns the version to write
// against. "*" matches any current version.
func ifMatch(r *http.Request, current int64) (int64, error) {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		return 0, errPreconditionRequired()
	}
	for _, v := range values {
		for _, tag := range strings.Split(v, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" {
				return current, nil
			}
			tag = strings.TrimPrefix(tag, "W/")
			if tag == etag(current) {
				return current, nil
			}
		}
	}
	return 0, errPreconditionFailed(nil)
}

// requireIfMatch is the 428 check alone, for writes that must fail before any read.
func requireIfMatch(r *http.Request) error {
	if len(r.Header.Values("If-Match")) == 0 {
		return errPreconditionRequired()
	}
	return nil
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
