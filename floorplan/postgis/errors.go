package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"officemap/floorplan"
)

// SQLSTATEs raised by the schema's triggers (migrations/0001_init.sql).
const (
	codeOverlap    = "OM001" // rooms_no_overlap: DETAIL is JSON naming the other room
	codeVersion    = "OM002" // bump_version: an update that does not raise version by one
	codeAppendOnly = "OM003" // history_append_only
)

// SQLSTATEs of the server that the store treats apart.
const (
	codeSerializationFailure = "40001" // serialization_failure: run the transaction again
	codeDeadlock             = "40P01" // deadlock_detected: run the transaction again
	codeLockNotAvailable     = "55P03" // lock_not_available, also lock_timeout running out
	codeQueryCanceled        = "57014" // query_canceled, also statement_timeout running out
	codeNotInPrerequisite    = "55000" // object_not_in_prerequisite_state: e.g. a database closed to connections
)

// storeError is an error whose message is fit for users (no SQL, no database text) and which wraps a
// floorplan sentinel for errors.Is and the driver's error for logs and errors.As.
type storeError struct {
	kind       error
	msg        string
	cause      error
	retryAfter time.Duration // for ErrUnavailable: how long to wait before trying again
}

func (e *storeError) Error() string { return e.kind.Error() + ": " + e.msg }

// RetryAfter says how long a client should wait before it tries again (an HTTP Retry-After): non-zero
// for errors wrapping floorplan.ErrUnavailable, zero for others. Find it with errors.As and an
// interface{ RetryAfter() time.Duration }.
func (e *storeError) RetryAfter() time.Duration { return e.retryAfter }

func (e *storeError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func newError(kind error, cause error, format string, args ...any) error {
	return &storeError{kind: kind, msg: fmt.Sprintf(format, args...), cause: cause}
}

// unavailableError is an error wrapping floorplan.ErrUnavailable, to try again after the given time.
func unavailableError(cause error, after time.Duration, format string, args ...any) error {
	return &storeError{kind: floorplan.ErrUnavailable, msg: fmt.Sprintf(format, args...), cause: cause, retryAfter: after}
}

func notFound(what string, id uuid.UUID) error {
	return newError(floorplan.ErrNotFound, nil, "%s %s", what, id)
}

// constraintErrors says what each named constraint of the schema means to a user.
var constraintErrors = map[string]struct {
	kind error
	msg  string
}{
	"floors_ordinal_key":                  {floorplan.ErrInvalid, "the building already has a floor with this ordinal and name"},
	"documents_one_successor":             {floorplan.ErrConflict, "the document already has a newer version: supersede that one"},
	"documents_version_chain":             {floorplan.ErrInvalid, "a new version must supersede a live document of the same subject"},
	"documents_site_id_fkey":              {floorplan.ErrInvalid, "unknown site"},
	"buildings_source_id_key":             {floorplan.ErrInvalid, "the site already has a building with this source id"},
	"sites_pkey":                          {floorplan.ErrInvalid, "a site with this id already exists"},
	"buildings_pkey":                      {floorplan.ErrInvalid, "a building with this id already exists"},
	"floors_pkey":                         {floorplan.ErrInvalid, "a floor with this id already exists"},
	"rooms_pkey":                          {floorplan.ErrInvalid, "a room with this id already exists"},
	"agencies_pkey":                       {floorplan.ErrInvalid, "an agency with this id already exists"},
	"people_pkey":                         {floorplan.ErrInvalid, "a person with this id already exists"},
	"posts_pkey":                          {floorplan.ErrInvalid, "a post with this id already exists"},
	"assignments_pkey":                    {floorplan.ErrInvalid, "an assignment with this id already exists"},
	"buildings_site_id_fkey":              {floorplan.ErrInvalid, "unknown site"},
	"floors_building_id_fkey":             {floorplan.ErrInvalid, "unknown building"},
	"rooms_floor_id_fkey":                 {floorplan.ErrInvalid, "unknown floor"},
	"rooms_agency_id_fkey":                {floorplan.ErrInvalid, "unknown agency"},
	"agencies_parent_id_fkey":             {floorplan.ErrInvalid, "unknown parent agency"},
	"agencies_successor_id_fkey":          {floorplan.ErrInvalid, "unknown successor agency"},
	"people_agency_id_fkey":               {floorplan.ErrInvalid, "unknown agency"},
	"posts_person_id_fkey":                {floorplan.ErrInvalid, "unknown person"},
	"posts_agency_id_fkey":                {floorplan.ErrInvalid, "unknown agency for a post"},
	"assignments_person_id_fkey":          {floorplan.ErrInvalid, "unknown person"},
	"assignments_room_id_fkey":            {floorplan.ErrInvalid, "unknown room"},
	"sites_name_required":                 {floorplan.ErrInvalid, "a site needs a name"},
	"sites_ownership_known":               {floorplan.ErrInvalid, "unknown ownership status"},
	"sites_records_array":                 {floorplan.ErrInvalid, "ownership records must be a list"},
	"buildings_name_required":             {floorplan.ErrInvalid, "a building needs a name"},
	"buildings_origin_lon_range":          {floorplan.ErrInvalid, "the georeference origin's longitude is out of range"},
	"buildings_origin_lat_range":          {floorplan.ErrInvalid, "the georeference origin's latitude is out of range"},
	"buildings_scale_nonnegative":         {floorplan.ErrInvalid, "the georeference scale cannot be negative"},
	"agencies_name_required":              {floorplan.ErrInvalid, "an agency needs a name"},
	"agencies_level_known":                {floorplan.ErrInvalid, "unknown administrative level"},
	"agencies_scale_known":                {floorplan.ErrInvalid, "unknown standard scale"},
	"agencies_headcount_nonnegative":      {floorplan.ErrInvalid, "headcount cannot be negative"},
	"agencies_approved_area_nonnegative":  {floorplan.ErrInvalid, "approved area cannot be negative"},
	"agencies_status_known":               {floorplan.ErrInvalid, "unknown agency status"},
	"agencies_not_own_parent":             {floorplan.ErrInvalid, "an agency cannot be its own parent"},
	"agencies_not_own_successor":          {floorplan.ErrInvalid, "an agency cannot be its own successor"},
	"rooms_usage_known":                   {floorplan.ErrInvalid, "unknown room usage"},
	"rooms_state_known":                   {floorplan.ErrInvalid, "unknown room state"},
	"rooms_recorded_area_positive":        {floorplan.ErrInvalid, "recorded_area_m2 must be a positive number of m², or none"},
	"people_name_required":                {floorplan.ErrInvalid, "a person needs a name"},
	"people_staff_no_key":                 {floorplan.ErrInvalid, "person: staff_no is already used by another person"},
	"agencies_code_key":                   {floorplan.ErrInvalid, "agency: code is already used by another agency"},
	"people_rank_known":                   {floorplan.ErrInvalid, "unknown rank"},
	"people_status_known":                 {floorplan.ErrInvalid, "unknown person status"},
	"posts_dates_ordered":                 {floorplan.ErrInvalid, "a post cannot end before it starts"},
	"assignments_kind_known":              {floorplan.ErrInvalid, "unknown assignment kind"},
	"assignments_dates_ordered":           {floorplan.ErrInvalid, "an assignment cannot end before it starts"},
	"standard_rows_scale_known":           {floorplan.ErrInvalid, "unknown standard scale"},
	"standard_rows_rank_known":            {floorplan.ErrInvalid, "unknown rank"},
	"standard_rows_area_positive":         {floorplan.ErrInvalid, "a standard's area must be positive"},
	"standard_rows_toilet_range":          {floorplan.ErrInvalid, "a toilet allowance must be between 0 and 6 m²"},
	"standard_rows_jurisdiction_required": {floorplan.ErrInvalid, "a local standard row needs a jurisdiction"},
}

// geometryConstraints are the CHECK constraints on geometry validity; a violation becomes an error
// wrapping geo.ErrInvalid with PostGIS's reason.
var geometryConstraints = map[string]string{
	"rooms_geom_valid":             "room",
	"rooms_geom_ll_valid":          "room (lon/lat)",
	"buildings_footprint_valid":    "building footprint",
	"buildings_footprint_ll_valid": "building footprint (lon/lat)",
	"floors_outline_valid":         "floor outline",
	"floors_outline_ll_valid":      "floor outline (lon/lat)",
	"floors_openings_valid":        "floor openings",
	"floors_openings_ll_valid":     "floor openings (lon/lat)",
}

// mapError turns an error from the driver into one wrapping a floorplan sentinel, with a message that
// holds no SQL. Errors already mapped pass through.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var se *storeError
	if errors.As(err, &se) {
		return err
	}
	var oe *floorplan.OverlapError
	if errors.As(err, &oe) {
		return err
	}
	var fe *floorplan.FieldError
	if errors.As(err, &fe) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return newError(floorplan.ErrNotFound, err, "not found")
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("postgis: %w", context.Canceled)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return unavailableError(err, retrySlow, "the database did not answer in time")
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) { // before PgError: a server refusing a connection answers with one (55000, 57P03, 53300…)
		return unavailableError(err, retryOffline, "the database cannot be reached")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return mapPgError(pe)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, puddle.ErrClosedPool) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return unavailableError(err, retryOffline, "the database cannot be reached")
	}
	return fmt.Errorf("postgis: %w", err)
}

func mapPgError(pe *pgconn.PgError) error {
	switch pe.Code {
	case codeOverlap:
		return overlapError(pe)
	case codeVersion:
		return newError(floorplan.ErrConflict, pe, "the record was changed by someone else; reload it and try again")
	case codeAppendOnly:
		return newError(floorplan.ErrInvalid, pe, "the history cannot be changed")
	}
	if c, ok := constraintErrors[pe.ConstraintName]; ok {
		return newError(c.kind, pe, "%s", c.msg)
	}
	switch pe.Code {
	case codeLockNotAvailable:
		return unavailableError(pe, retryLocked, "the record is locked by another change; try again")
	case codeQueryCanceled:
		return unavailableError(pe, retrySlow, "the database did not answer in time")
	case codeNotInPrerequisite:
		return unavailableError(pe, retryOffline, "the database is not accepting work now")
	}
	switch pe.Code[:2] {
	case "08", "53", "57": // connection exception; insufficient resources; operator intervention (57P01
		// admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now…)
		return unavailableError(pe, retryOffline, "the database is unavailable")
	case "40": // serialization failure, deadlock: retrying ran out, or the transaction is the caller's (InTx)
		return newError(floorplan.ErrConflict, pe, "a concurrent change got in the way; try again")
	case "22": // data exception: a value out of range, a bad date …
		return newError(floorplan.ErrInvalid, pe, "a value is out of range or malformed")
	case "23": // integrity constraint violation not named above
		switch pe.Code {
		case "23503":
			return newError(floorplan.ErrInvalid, pe, "a referenced record does not exist")
		case "23505":
			return newError(floorplan.ErrInvalid, pe, "a record with the same key already exists")
		}
		return newError(floorplan.ErrInvalid, pe, "the change breaks a rule of the register")
	}
	return fmt.Errorf("postgis: %w", pe)
}

// pgError returns the server's error in err, or nil.
func pgError(err error) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// overlapError decodes the DETAIL of rooms_no_overlap.
func overlapError(pe *pgconn.PgError) error {
	var d struct {
		RoomID      uuid.UUID `json:"room_id"`
		OtherID     uuid.UUID `json:"other_id"`
		OtherNumber string    `json:"other_number"`
		AreaM2      float64   `json:"area_m2"`
	}
	if err := json.Unmarshal([]byte(pe.Detail), &d); err != nil {
		return newError(floorplan.ErrOverlap, pe, "the room overlaps another room of its floor")
	}
	return &floorplan.OverlapError{RoomID: d.RoomID, OtherID: d.OtherID, OtherNumber: d.OtherNumber, AreaM2: d.AreaM2}
}
