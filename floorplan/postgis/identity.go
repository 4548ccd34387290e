package postgis

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The identity store: accounts, sessions, API tokens and the audit log of package identity, on the
// tables of migrations/0006_identity.sql. These are not changes of the register: they neither bump its
// revision nor go to the history. Times come back in UTC.

var _ identity.Store = (*Store)(nil)

// SQLSTATEs of migrations/0006_identity.sql.
const (
	codeAuditChain     = "OM004" // audit_log_append, audit_head_advance: a record off the chain
	codeAuditRetention = "OM005" // purge_audit: a cutoff inside the retention period
)

// identityConstraints says what the identity tables' unique keys mean to a user.
var identityConstraints = map[string]string{
	"users_username_key":         "a user with this username already exists",
	"users_external_subject_key": "a user with this single sign-on subject already exists",
	"users_pkey":                 "a user with this id already exists",
	"sessions_pkey":              "the session already exists",
	"api_tokens_pkey":            "a token with this id already exists",
	"api_tokens_hash_key":        "a token with this secret already exists",
}

// identityError maps an error of the identity tables: duplicates are floorplan.ErrConflict, then
// mapError.
func identityError(err error) error {
	if pe := pgError(err); pe != nil {
		if msg, ok := identityConstraints[pe.ConstraintName]; ok && pe.Code == "23505" {
			return newError(floorplan.ErrConflict, pe, "%s", msg)
		}
		switch pe.Code {
		case codeAuditChain:
			return newError(floorplan.ErrConflict, pe, "the audit record does not follow the last one")
		case codeAuditRetention:
			return newError(floorplan.ErrInvalid, pe, "audit records inside the retention period cannot be purged")
		}
	}
	return mapError(err)
}

// identityTx runs fn in a transaction of its own (a savepoint inside InTx) that does not touch the
// register's revision; a serialization failure or a deadlock runs it again (retrying).
func (s *Store) identityTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.retrying(ctx, func() error { return identityError(s.inWriteTx(ctx, fn)) })
}

// utcDst is where to scan a nullable timestamptz column of the identity tables: an instant in UTC, the
// zero time for NULL.
func utcDst(t *time.Time) instantCol { return instantDst(t, time.UTC) }

// ---------------------------------------------------------------------------------------------------
// Users

const userColumns = `id, username, display_name, grants, password_hash, password_history, password_changed_at,
       must_change_password, password_expires, failed_attempts, locked_until, disabled, totp_secret, totp_enabled,
       external_subject, last_totp_step, created_at, version`

func scanUser(row pgx.Row) (identity.User, error) {
	var (
		u      identity.User
		grants []byte
	)
	err := row.Scan(uuidDst(&u.ID), &u.Username, &u.DisplayName, &grants, &u.PasswordHash, &u.PasswordHistory,
		utcDst(&u.PasswordChangedAt), &u.MustChangePassword, utcDst(&u.PasswordExpires), &u.FailedAttempts,
		utcDst(&u.LockedUntil), &u.Disabled, &u.TOTPSecret, &u.TOTPEnabled, &u.ExternalSubject, &u.LastTOTPStep,
		utcDst(&u.CreatedAt), &u.Version)
	if err != nil {
		return u, err
	}
	if err := json.Unmarshal(grants, &u.Grants); err != nil {
		return u, err
	}
	if len(u.Grants) == 0 {
		u.Grants = nil
	}
	if len(u.PasswordHistory) == 0 {
		u.PasswordHistory = nil
	}
	return u, nil
}

// userArgs are the columns $2 … $16 of insertUserSQL and updateUserSQL.
func userArgs(u *identity.User) ([]any, error) {
	grants := u.Grants
	if grants == nil {
		grants = []identity.Grant{}
	}
	g, err := json.Marshal(grants)
	if err != nil {
		return nil, newError(floorplan.ErrInvalid, err, "the user's grants cannot be stored")
	}
	history := u.PasswordHistory
	if history == nil {
		history = []string{}
	}
	return []any{u.Username, u.DisplayName, string(g), u.PasswordHash, history, nullTime(u.PasswordChangedAt),
		u.MustChangePassword, nullTime(u.PasswordExpires), u.FailedAttempts, nullTime(u.LockedUntil), u.Disabled,
		u.TOTPSecret, u.TOTPEnabled, u.ExternalSubject, u.LastTOTPStep}, nil
}

const insertUserSQL = `INSERT INTO users (id, username, display_name, grants, password_hash, password_history,
       password_changed_at, must_change_password, password_expires, failed_attempts, locked_until, disabled,
       totp_secret, totp_enabled, external_subject, last_totp_step, created_at, version)
VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, coalesce($17, now()), 1)
RETURNING created_at`

// CreateUser stores a new user; it assigns u.ID (when uuid.Nil), u.CreatedAt (when zero) and
// u.Version = 1. A username that differs from another only in case is floorplan.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *identity.User) error {
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	id := newID(u.ID)
	var created time.Time
	args = append(append([]any{id}, args...), nullTime(u.CreatedAt))
	err = s.exec(ctx, func(q querier) error { return q.QueryRow(ctx, insertUserSQL, args...).Scan(&created) })
	if err != nil {
		return identityError(err)
	}
	u.ID, u.CreatedAt, u.Version = id, created.UTC(), 1
	return nil
}

const (
	userSQL          = `SELECT ` + userColumns + ` FROM users WHERE id = $1`
	userByNameSQL    = `SELECT ` + userColumns + ` FROM users WHERE lower(username) = lower($1)`
	userBySubjectSQL = `SELECT ` + userColumns + ` FROM users WHERE external_subject = $1 AND $1 <> ''`
	usersSQL         = `SELECT ` + userColumns + ` FROM users ORDER BY lower(username), username`
	countUsersSQL    = `SELECT count(*) FROM users`
)

// User returns the user id; floorplan.ErrNotFound when there is none.
func (s *Store) User(ctx context.Context, id uuid.UUID) (identity.User, error) {
	u, err := readRow(ctx, s, scanUser, userSQL, id)
	if err == pgx.ErrNoRows {
		return u, notFound("user", id)
	}
	return u, identityError(err)
}

// UserByName returns the user with the username, whatever its case.
func (s *Store) UserByName(ctx context.Context, username string) (identity.User, error) {
	u, err := readRow(ctx, s, scanUser, userByNameSQL, username)
	if err == pgx.ErrNoRows {
		return u, newError(floorplan.ErrNotFound, nil, "no such user")
	}
	return u, identityError(err)
}

// UserBySubject returns the user provisioned by single sign-on with the subject ("iss|sub").
func (s *Store) UserBySubject(ctx context.Context, subject string) (identity.User, error) {
	u, err := readRow(ctx, s, scanUser, userBySubjectSQL, subject)
	if err == pgx.ErrNoRows {
		return u, newError(floorplan.ErrNotFound, nil, "no user with this single sign-on subject")
	}
	return u, identityError(err)
}

// Users returns every user, by username.
func (s *Store) Users(ctx context.Context) ([]identity.User, error) {
	return readAll(ctx, s, scanUser, usersSQL)
}

// CountUsers returns the number of users (disabled ones included).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	n, err := readRow(ctx, s, scanInt64, countUsersSQL)
	return int(n), identityError(err)
}

const (
	updateUserSQL = `UPDATE users SET username = $2, display_name = $3, grants = $4::jsonb, password_hash = $5,
       password_history = $6, password_changed_at = $7, must_change_password = $8, password_expires = $9,
       failed_attempts = $10, locked_until = $11, disabled = $12, totp_secret = $13, totp_enabled = $14,
       external_subject = $15, last_totp_step = $16, version = version + 1
 WHERE id = $1 AND version = $17
RETURNING version`
	userVersionSQL = `SELECT version FROM users WHERE id = $1`
)

// UpdateUser writes every field of u but ID and CreatedAt, if u.Version is the stored one, and sets
// u.Version to the next: a stale version is floorplan.ErrConflict, nothing changed.
func (s *Store) UpdateUser(ctx context.Context, u *identity.User) error {
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	args = append(append([]any{u.ID}, args...), u.Version)
	var version int64
	err = s.identityTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, updateUserSQL, args...).Scan(&version)
		if err == pgx.ErrNoRows {
			return staleOrMissing(ctx, tx, userVersionSQL, "user", u.ID, u.Version)
		}
		return err
	})
	if err != nil {
		return err
	}
	u.Version = version
	return nil
}

// ---------------------------------------------------------------------------------------------------
// Sessions

const (
	insertSessionSQL = `INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at, addr, mfa)
VALUES ($1, $2, coalesce($3, now()), coalesce($4, $3, now()), $5, $6, $7)`
	sessionSQL = `SELECT id_hash, user_id, created_at, last_seen, expires_at, addr, mfa
  FROM sessions WHERE id_hash = $1`
	touchSessionSQL       = `UPDATE sessions SET last_seen = $2 WHERE id_hash = $1`
	deleteSessionSQL      = `DELETE FROM sessions WHERE id_hash = $1`
	deleteUserSessionsSQL = `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`
)

// CreateSession stores a session. A zero CreatedAt is now, a zero LastSeen is CreatedAt; ExpiresAt is
// required.
func (s *Store) CreateSession(ctx context.Context, se identity.Session) error {
	if se.IDHash == "" || se.ExpiresAt.IsZero() {
		return newError(floorplan.ErrInvalid, nil, "a session needs an id and an expiry")
	}
	_, err := s.execTag(ctx, insertSessionSQL, se.IDHash, se.UserID, nullTime(se.CreatedAt), nullTime(se.LastSeen),
		se.ExpiresAt, se.Addr, se.MFA)
	return identityError(err)
}

// Session returns the session idHash, expired or not; floorplan.ErrNotFound when there is none.
func (s *Store) Session(ctx context.Context, idHash string) (identity.Session, error) {
	var se identity.Session
	err := s.query(ctx, sessionSQL, func(q querier) error {
		return q.QueryRow(ctx, sessionSQL, idHash).Scan(&se.IDHash, uuidDst(&se.UserID), utcDst(&se.CreatedAt),
			utcDst(&se.LastSeen), utcDst(&se.ExpiresAt), &se.Addr, &se.MFA)
	})
	if err == pgx.ErrNoRows {
		return se, newError(floorplan.ErrNotFound, nil, "no such session")
	}
	return se, identityError(err)
}

// TouchSession records activity on the session at the time; floorplan.ErrNotFound when it has ended.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	tag, err := s.execTag(ctx, touchSessionSQL, idHash, at)
	if err == nil && tag.RowsAffected() == 0 {
		return newError(floorplan.ErrNotFound, nil, "no such session")
	}
	return identityError(err)
}

// DeleteSession ends the session; ending one that has already ended is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.execTag(ctx, deleteSessionSQL, idHash)
	return identityError(err)
}

// DeleteUserSessions ends every session of the user but except (an IDHash; "" for all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID uuid.UUID, except string) error {
	_, err := s.execTag(ctx, deleteUserSessionsSQL, userID, except)
	return identityError(err)
}

// ---------------------------------------------------------------------------------------------------
// API tokens

const (
	tokenColumns   = `id, hash, user_id, name, created_at, expires_at, revoked_at, last_used`
	insertTokenSQL = `INSERT INTO api_tokens (id, hash, user_id, name, created_at, expires_at)
VALUES ($1, $2, $3, $4, coalesce($5, now()), $6)
RETURNING created_at`
	tokenByHashSQL = `SELECT ` + tokenColumns + ` FROM api_tokens WHERE hash = $1`
	tokensSQL      = `SELECT ` + tokenColumns + ` FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id`
	// The first revocation stands.
	revokeTokenSQL = `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1`
	touchTokenSQL  = `UPDATE api_tokens SET last_used = $2 WHERE id = $1`
)

func scanToken(row pgx.Row) (identity.Token, error) {
	var t identity.Token
	err := row.Scan(uuidDst(&t.ID), &t.Hash, uuidDst(&t.UserID), &t.Name, utcDst(&t.CreatedAt), utcDst(&t.ExpiresAt),
		utcDst(&t.RevokedAt), utcDst(&t.LastUsed))
	return t, err
}

// CreateToken stores a token; it assigns t.ID (when uuid.Nil) and t.CreatedAt (when zero). Hash and
// ExpiresAt are required.
func (s *Store) CreateToken(ctx context.Context, t *identity.Token) error {
	if t.Hash == "" || t.ExpiresAt.IsZero() {
		return newError(floorplan.ErrInvalid, nil, "a token needs a hash and an expiry")
	}
	id := newID(t.ID)
	var created time.Time
	err := s.exec(ctx, func(q querier) error {
		return q.QueryRow(ctx, insertTokenSQL, id, t.Hash, t.UserID, t.Name, nullTime(t.CreatedAt), t.ExpiresAt).
			Scan(&created)
	})
	if err != nil {
		return identityError(err)
	}
	t.ID, t.CreatedAt = id, created.UTC()
	return nil
}

// TokenByHash returns the token whose secret hashes to hash, revoked or expired or not.
func (s *Store) TokenByHash(ctx context.Context, hash string) (identity.Token, error) {
	t, err := readRow(ctx, s, scanToken, tokenByHashSQL, hash)
	if err == pgx.ErrNoRows {
		return t, newError(floorplan.ErrNotFound, nil, "no such token")
	}
	return t, identityError(err)
}

// Tokens returns the user's tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID uuid.UUID) ([]identity.Token, error) {
	return readAll(ctx, s, scanToken, tokensSQL, userID)
}

// RevokeToken revokes the token at the time (a token revoked before keeps its first revocation).
func (s *Store) RevokeToken(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.execToken(ctx, revokeTokenSQL, id, at)
}

// TouchToken records the token's use at the time.
func (s *Store) TouchToken(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.execToken(ctx, touchTokenSQL, id, at)
}

func (s *Store) execToken(ctx context.Context, query string, id uuid.UUID, at time.Time) error {
	tag, err := s.execTag(ctx, query, id, at)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("token", id)
	}
	return identityError(err)
}

// ---------------------------------------------------------------------------------------------------
// The audit log

const (
	// lockAuditHeadSQL serialises appends: the head row stays locked until the append commits.
	lockAuditHeadSQL = `SELECT last_seq, last_hash FROM audit_head FOR UPDATE`
	insertAuditSQL   = `INSERT INTO audit_log (seq, at, user_id, username, role, addr, action, target, outcome, detail,
       prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
	advanceAuditHeadSQL = `UPDATE audit_head SET last_seq = $1, last_hash = $2`
	auditSQL            = `SELECT seq, at, user_id, username, role, addr, action, target, outcome, detail, prev_hash, hash
  FROM audit_log
 WHERE ($1::timestamptz IS NULL OR at >= $1)
   AND ($2::timestamptz IS NULL OR at < $2)
   AND ($3::text = '' OR username = $3)
   AND ($4::text = '' OR action = $4)
   AND seq > $5
 ORDER BY seq
 LIMIT $6`
	purgeAuditSQL = `SELECT purge_audit($1)`
)

// AppendAudit stores r as the next record of the audit log, sealed with identity.Seal to the last one:
// it returns r with its Seq, At (now when zero; UTC, microseconds), PrevHash and Hash. The head row of
// the log is locked until the append commits, so concurrent appends take their turns and the database
// checks that each record follows the last (migrations/0006_identity.sql).
func (s *Store) AppendAudit(ctx context.Context, r identity.AuditRecord) (identity.AuditRecord, error) {
	if r.At.IsZero() {
		r.At = time.Now()
	}
	r.At = r.At.UTC().Truncate(time.Microsecond)
	var sealed identity.AuditRecord
	err := s.identityTx(ctx, func(tx pgx.Tx) error {
		var prev identity.AuditRecord
		if err := tx.QueryRow(ctx, lockAuditHeadSQL).Scan(&prev.Seq, &prev.Hash); err != nil {
			return err
		}
		r.Seq = prev.Seq + 1
		sealed = identity.Seal(prev, r)
		if _, err := tx.Exec(ctx, insertAuditSQL, sealed.Seq, sealed.At, nullID(sealed.UserID), sealed.Username,
			sealed.Role, sealed.Addr, sealed.Action, sealed.Target, sealed.Outcome, sealed.Detail, sealed.PrevHash,
			sealed.Hash); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, advanceAuditHeadSQL, sealed.Seq, sealed.Hash)
		return err
	})
	if err != nil {
		return identity.AuditRecord{}, err
	}
	return sealed, nil
}

// Audit returns the records that f selects, by Seq.
func (s *Store) Audit(ctx context.Context, f identity.AuditFilter) ([]identity.AuditRecord, error) {
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	return readAll(ctx, s, scanAudit, auditSQL, nullTime(f.From), nullTime(f.To), f.User, f.Action, f.AfterSeq,
		limit)
}

func scanAudit(row pgx.Row) (identity.AuditRecord, error) {
	var r identity.AuditRecord
	err := row.Scan(&r.Seq, utcDst(&r.At), optionalIDDst(&r.UserID), &r.Username, &r.Role, &r.Addr, &r.Action,
		&r.Target, &r.Outcome, &r.Detail, &r.PrevHash, &r.Hash)
	return r, err
}

// PurgeAudit deletes the records older than before through purge_audit (migrations/0006_identity.sql),
// which the app role may run but not bypass: it keeps the retention period (a cutoff inside it is
// floorplan.ErrInvalid), keeps an unbroken run of the chain, and logs itself in audit_purges. The
// caller appends the audit.purge record with who asked.
func (s *Store) PurgeAudit(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.exec(ctx, func(q querier) error { return q.QueryRow(ctx, purgeAuditSQL, before).Scan(&n) })
	return n, identityError(err)
}
