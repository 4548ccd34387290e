package floorplan

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Notices (提醒) of the online handling: a message to a role within an agency's scope, or to one user,
// that the register leaves when an application is filed, moves to a step, is returned, rejected or closed,
// and when it is first escalated for being overdue (register_notices.go). Notices are not part of the
// register: they have no history and move no revision; each reader marks them read for themselves.
// Delivery by e-mail or webhook (Notifier) is optional and never holds a write up.

// The kinds of notice.
const (
	NoticeFiled     = "filed"     // an application was filed (or a recovery opened) at its first step
	NoticeMoved     = "moved"     // it moved forward to a step
	NoticeReturned  = "returned"  // it was returned to an earlier step
	NoticeRejected  = "rejected"  // it was rejected
	NoticeClosed    = "closed"    // it was closed
	NoticeEscalated = "escalated" // it is overdue at a step: the escalation role is told
)

// NoticeKinds lists every kind of notice.
var NoticeKinds = []string{NoticeFiled, NoticeMoved, NoticeReturned, NoticeRejected, NoticeClosed, NoticeEscalated}

// Notice is a message to a role within an agency's scope (AgencyID; uuid.Nil: wherever the role is held),
// or to one user (UserID). Title and Body carry no personal data beyond the application's title.
type Notice struct {
	ID            uuid.UUID `json:"id"`
	CreatedAt     time.Time `json:"created_at"`
	Role          string    `json:"role,omitempty"`
	AgencyID      uuid.UUID `json:"agency_id,omitzero"`
	UserID        uuid.UUID `json:"user_id,omitzero"`
	ApplicationID uuid.UUID `json:"application_id"`
	Kind          string    `json:"kind"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	// Once, when set, is the notice's key among its application's: AddNotice stores no second notice of
	// the application with the same key (the escalation of one step visit, left by whichever server checks
	// first). Not shown to readers.
	Once string `json:"-"`
	// Read is whether the reader of NoticeFilter.UserID has marked it read (filled by Notices).
	Read bool `json:"read"`
}

// Validate checks that n has a recipient (a role or a user), an application, a known kind and a title.
func (n *Notice) Validate() error {
	if n.Role == "" && n.UserID == uuid.Nil {
		return fieldError("notice", "role", FieldOutOfRange, "is required unless the notice is to a user")
	}
	if n.ApplicationID == uuid.Nil {
		return fieldError("notice", "application_id", FieldOutOfRange, "is required")
	}
	known := false
	for _, k := range NoticeKinds {
		known = known || k == n.Kind
	}
	if !known {
		return fieldError("notice", "kind", FieldOutOfRange, "is %q, not one of %s", n.Kind, strings.Join(NoticeKinds, ", "))
	}
	if strings.TrimSpace(n.Title) == "" || len([]rune(n.Title)) > 300 || len([]rune(n.Body)) > 2000 {
		return fieldError("notice", "title", FieldOutOfRange, "is required, at most 300 characters (body at most 2000)")
	}
	if len(n.Once) > 200 {
		return fieldError("notice", "once", FieldOutOfRange, "is at most 200 bytes")
	}
	return nil
}

// NoticeFilter selects notices; zero fields select all. Notices come newest first.
type NoticeFilter struct {
	ID            uuid.UUID // one notice
	ApplicationID uuid.UUID
	Kind          string
	// Roles and UserID select the notices to one of Roles or to UserID (either, when both are given).
	Roles []string
	// UserID is also the reader whose reads fill Notice.Read and whom Unread means.
	UserID uuid.UUID
	Unread bool // only those UserID has not marked read
	// After selects the notices created after this instant (zero: all).
	After time.Time
	// Limit bounds the notices returned (0: MaxNotices).
	Limit int
}

// MaxNotices bounds the notices one read returns.
const MaxNotices = 1000

// NoticeStore keeps the notices and who read them. AddNotice assigns the ID (when Nil) and, when
// CreatedAt is zero, the time; when n.Once is set and the application has a notice with that key
// already, it stores nothing, sets n.ID to uuid.Nil and returns nil. MarkRead records that user read
// notice id (once: again is no change; an unknown notice is ErrNotFound). ClaimDelivery records, at at, that notice id is being handed over
// outside the app, and reports whether this call was the first to claim it (false: a server has already
// taken it; an unknown notice is ErrNotFound), so that of several servers over one database only one
// delivers each notice.
type NoticeStore interface {
	AddNotice(ctx context.Context, n *Notice) error
	Notices(ctx context.Context, f NoticeFilter) ([]Notice, error)
	MarkRead(ctx context.Context, id, user uuid.UUID, at time.Time) error
	ClaimDelivery(ctx context.Context, id uuid.UUID, at time.Time) (bool, error)
}
