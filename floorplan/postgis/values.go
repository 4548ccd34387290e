package postgis

import (
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// Conversions between domain zero values and SQL NULL.

// uuidDst is where to scan a non-null uuid column: pgx decodes its binary form straight into the array
// (through uuid.UUID's sql.Scanner it would format and parse text).
func uuidDst(u *uuid.UUID) *[16]byte { return (*[16]byte)(u) }

// nullID is NULL for uuid.Nil.
func nullID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id
}

// nullDate is NULL for the zero time, else the calendar day of t (in t's location).
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return pgtype.Date{Time: t, Valid: true}
}

// nullTime is NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// dateOf is the day scanned from a date column (midnight UTC), or the zero time for NULL.
func dateOf(d pgtype.Date) time.Time {
	if !d.Valid {
		return time.Time{}
	}
	return d.Time
}

// timeOf is the instant scanned from a timestamptz column in loc, or the zero time for NULL.
func timeOf(t pgtype.Timestamptz, loc *time.Location) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.In(loc)
}
