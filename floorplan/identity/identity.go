// Package identity is who may use officemap and what they did: accounts with argon2id passwords and
// an optional second factor (TOTP), server-side sessions, API tokens, roles scoped to jurisdictions and
// agency subtrees (三员分立 plus the business roles), and an append-only audit log whose records are
// chained by hashes so that any change to the past shows (等保 2.0 level 3).

// The package is domain only: no SQL, no HTTP. The stores (floorplan/postgis, floorplan/gpkg)
// implement Store; the HTTP layer calls Service and Allowed.
package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ErrUnauthenticated is the one error of a refused sign-in, session or token. It never says why (an
// unknown user, a wrong password, a locked or disabled account look the same to the caller); the
// audit log does.
var ErrUnauthenticated = errors.New("identity: unauthenticated")

// ErrOTPRequired is returned by a sign-in whose password was right for an account with a second
// factor, when no code was given: the client asks for the code and signs in again.
var ErrOTPRequired = errors.New("identity: one-time code required")

// ErrRateLimited is returned by a sign-in from an address that tried too often; it says nothing about
// the account.
var ErrRateLimited = errors.New("identity: too many sign-in attempts")

// Role is what a user may do; a Grant limits it to a Scope.
type Role string

// The roles. The first three are the separated administrators (三员分立); the others are the
// business roles.
const (
	RoleSysAdmin      Role = "sysadmin"       // 系统管理员: accounts, configuration; no business edits; cannot read audit contents
	RoleSecAdmin      Role = "secadmin"       // 安全管理员: grants roles and scopes; cannot edit data
	RoleAuditor       Role = "auditor"        // 审计管理员: reads and exports the audit log only
	RoleBureauAdmin   Role = "bureau_admin"   // 机关事务管理局: everything in its jurisdiction
	RolePlanner       Role = "planner"        // draw rooms, assign people, import
	RoleAgencyManager Role = "agency_manager" // its agency (and sub-agencies): reads rooms and people, edits its people
	RoleInspector     Role = "inspector"      // reads everything in its jurisdiction, findings, reports; no edits
	RoleViewer        Role = "viewer"         // maps, plans and totals; no personal data
	RoleApprover      Role = "approver"       // 领导审批: reads everything in its scope, approves applications (floorplan/procedures.go)
)

// Roles lists every role in display order.
var Roles = []Role{
	RoleSysAdmin, RoleSecAdmin, RoleAuditor,
	RoleBureauAdmin, RolePlanner, RoleAgencyManager, RoleInspector, RoleViewer, RoleApprover,
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	switch r {
	case RoleSysAdmin, RoleSecAdmin, RoleAuditor,
		RoleBureauAdmin, RolePlanner, RoleAgencyManager, RoleInspector, RoleViewer, RoleApprover:
		return true
	}
	return false
}

// Admin reports whether r is one of the separated administrators (sysadmin, secadmin, auditor), who
// must sign in with a second factor.
func (r Role) Admin() bool {
	return r == RoleSysAdmin || r == RoleSecAdmin || r == RoleAuditor
}

// Scope limits what a role sees and changes. Zero value = everything (a city-level user).
type Scope struct {
	Jurisdiction uuid.UUID `json:"jurisdiction,omitempty"` // a district (辖市区) node of the jurisdiction tree; Nil = all
	Agency       uuid.UUID `json:"agency,omitempty"`       // an agency subtree; Nil = all (within the jurisdiction)
}

// Grant is a role within a scope. A user holds any number of them.
type Grant struct {
	Role  Role  `json:"role"`
	Scope Scope `json:"scope"`
}

// User is an account.
type User struct {
	ID                 uuid.UUID
	Username           string // unique, case-insensitive, 2–64 chars [a-z0-9._-] or CJK letters
	DisplayName        string
	Grants             []Grant
	PasswordHash       string   // PHC string "$argon2id$v=19$m=65536,t=3,p=2$<salt b64>$<hash b64>"; "" for SSO-only users
	PasswordHistory    []string // previous hashes, newest first, at most 5
	PasswordChangedAt  time.Time
	MustChangePassword bool
	PasswordExpires    time.Time // zero: never
	FailedAttempts     int
	LockedUntil        time.Time
	Disabled           bool
	TOTPSecret         string // base32, "" when not enrolled (stored as is; the DB is the boundary — note in README)
	TOTPEnabled        bool
	LastTOTPStep       int64  // time step (Unix time / 30 s) of the last one-time code accepted; a code must be for a later one
	ExternalSubject    string // OIDC "iss|sub" when provisioned by SSO, "" otherwise
	CreatedAt          time.Time
	Version            int64
}

// Admin reports whether any of u's grants is an administrator role (Role.Admin).
func (u User) Admin() bool {
	for _, g := range u.Grants {
		if g.Role.Admin() {
			return true
		}
	}
	return false
}

// RoleNames returns u's roles joined with "," in grant order, without repeats: the Role of an
// AuditRecord.
func (u User) RoleNames() string {
	var b strings.Builder
	seen := make(map[Role]bool, len(u.Grants))
	for _, g := range u.Grants {
		if seen[g.Role] {
			continue
		}
		seen[g.Role] = true
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(g.Role))
	}
	return b.String()
}

// Session is a signed-in browser.
type Session struct {
	IDHash    string // hex SHA-256 of the secret cookie value; the secret itself is never stored
	UserID    uuid.UUID
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute lifetime
	Addr      string
	MFA       bool // the second factor was given
}

// Token is an API token for scripts and imports (Authorization: Bearer …). It acts with its owner's
// grants.
type Token struct {
	ID        uuid.UUID
	Hash      string // hex SHA-256 of the secret; the secret ("omt_" + base64url 32 bytes) is shown once
	UserID    uuid.UUID
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time // required
	RevokedAt time.Time
	LastUsed  time.Time
}

// AuditRecord is one entry of the audit log. Records are chained: each carries the hash of the one
// before, so that Verify finds any record changed, inserted or removed (see Seal).
type AuditRecord struct {
	Seq      int64     // assigned by the store, 1, 2, 3 … with no gaps
	At       time.Time // UTC, microseconds
	UserID   uuid.UUID
	Username string
	Role     string // roles joined with ","
	Addr     string // source address
	Action   string // "session.sign_in", "session.sign_in_failed", "session.sign_out", "write.room.update", "export.gpkg", "report.over_standard", "import.dxf", "permission.denied", "user.add", "user.role", "audit.purge" …
	Target   string // e.g. "room 3f2…", "user planner"
	Outcome  string // "ok", "denied", "failed"
	Detail   string // free text / JSON (change ids …)
	PrevHash string // hex SHA-256 of the previous record's Hash ("" for the first)
	Hash     string // hex SHA-256 over the canonical encoding of every field above except Hash (see Chain)
}

// Outcomes of an AuditRecord.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// AuditFilter selects audit records: From inclusive, To exclusive (zero: unbounded), User the exact
// username, Action the exact action, AfterSeq for paging, Limit ≤ 0 for all.
type AuditFilter struct {
	From, To time.Time
	User     string
	Action   string
	AfterSeq int64
	Limit    int
}

// Store keeps accounts, sessions, tokens and the audit log. floorplan/postgis and floorplan/gpkg
// implement it; identitytest has an in-memory one and the conformance suite. Errors are
// floorplan.ErrNotFound, floorplan.ErrConflict, floorplan.ErrInvalid and floorplan.ErrUnavailable.
type Store interface {
	CreateUser(ctx context.Context, u *User) error // assigns ID, Version=1, CreatedAt; ErrConflict on a duplicate username (case-insensitive)
	User(ctx context.Context, id uuid.UUID) (User, error)
	UserByName(ctx context.Context, username string) (User, error)
	UserBySubject(ctx context.Context, subject string) (User, error)
	Users(ctx context.Context) ([]User, error)     // by username
	UpdateUser(ctx context.Context, u *User) error // optimistic: u.Version must be current; bumps Version
	CountUsers(ctx context.Context) (int, error)

	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, idHash string) (Session, error)
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	DeleteSession(ctx context.Context, idHash string) error
	DeleteUserSessions(ctx context.Context, userID uuid.UUID, except string) error

	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	Tokens(ctx context.Context, userID uuid.UUID) ([]Token, error)
	RevokeToken(ctx context.Context, id uuid.UUID, at time.Time) error
	TouchToken(ctx context.Context, id uuid.UUID, at time.Time) error

	// AppendAudit stores r with the next Seq, PrevHash = the last record's Hash and Hash computed by
	// Chain (the store calls Seal(prev, r)) — atomically: two concurrent appends never share a Seq or
	// a PrevHash (PostGIS: an advisory/row lock on a one-row head table; GeoPackage: the single
	// writer).
	AppendAudit(ctx context.Context, r AuditRecord) (AuditRecord, error)
	Audit(ctx context.Context, f AuditFilter) ([]AuditRecord, error) // by Seq
	// PurgeAudit removes the records older than before (policy purge). It keeps the chain verifiable
	// from the first kept record: that record's PrevHash stays the purged head's hash, as is.
	PurgeAudit(ctx context.Context, before time.Time) (int64, error)
}

// Caller is who makes a request, as the HTTP layer (or the CLI) learnt it. Service takes the actor of
// its audit records from it, checks administrative rights against its grants, and keeps its session
// when a password change ends the user's other sessions.
type Caller struct {
	User    User
	Session string // IDHash of the session the request came with; "" for a token or the CLI
	Addr    string // source address
}

type callerKey struct{}

// WithCaller returns a context that carries c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller carried by ctx, if any.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}
