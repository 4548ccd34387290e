package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"modernc.org/sqlite"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// The identity store: accounts, sessions, API tokens and the audit log of package identity, on the
// tables of sqlIdentityTables (schema version 3), as the PostGIS store keeps them on those of
// migrations/0006_identity.sql. These are not changes of the register: they write no history rows, so
// they neither move its revision (max(fid) of the history) nor show in it. Times come back in UTC.
//
// Every write runs on the single writer connection, so writes are serialised: AppendAudit reads the
// head, seals the record and moves the head on in one transaction that no other write interleaves.
// The file's owner can still change anything in it (drop a trigger, rewrite a record); on this store
// the audit log's hash chain (identity.Verify) is what shows that.

var _ identity.Store = (*Store)(nil)

// microLayout is how the identity tables keep instants: UTC to the microsecond, fixed width, so that
// the text sorts as the time does (the audit hash covers microseconds; a GeoPackage DATETIME has
// milliseconds).
const microLayout = "2006-01-02T15:04:05.000000Z"

// micro is t's text in the identity tables.
func micro(t time.Time) string { return t.UTC().Format(microLayout) }

// nullMicro is NULL for the zero time, else micro(t).
func nullMicro(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micro(t)
}

// utcMicro is t as the identity tables keep it: in UTC, to the microsecond.
func utcMicro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// identityKeys says what the identity tables' unique keys mean to a user, by the key SQLite names in
// its error.
var identityKeys = []struct{ key, msg string }{
	{"users_username_key", "a user with this username already exists"},
	{"users_external_subject_key", "a user with this single sign-on subject already exists"},
	{"users.id", "a user with this id already exists"},
	{"sessions.id_hash", "the session already exists"},
	{"api_tokens.id", "a token with this id already exists"},
	{"api_tokens.hash", "a token with this secret already exists"},
	{"audit_log.seq", "the audit record does not follow the last one"},
}

// identityErr maps an error of the identity tables: a duplicate key, or an audit record off the chain,
// is floorplan.ErrConflict (with a fixed message, not SQLite's); the rest as wrapErr.
func identityErr(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraint | 8<<8, sqliteConstraint | 6<<8: // UNIQUE, PRIMARYKEY
			for _, k := range identityKeys {
				if strings.Contains(se.Error(), k.key) {
					return fmt.Errorf("%w: %s", floorplan.ErrConflict, k.msg)
				}
			}
			return fmt.Errorf("%w: the record already exists", floorplan.ErrConflict)
		case sqliteConstraint | 7<<8: // TRIGGER: RAISE(ABORT)
			if strings.Contains(se.Error(), "officemap: audit_") {
				return fmt.Errorf("%w: the audit record does not follow the last one", floorplan.ErrConflict)
			}
		}
	}
	return wrapErr(err)
}

// ---------------------------------------------------------------------------------------------------
// Users

const userColumns = `u.id, u.username, u.display_name, u.grants, u.password_hash, u.password_history,
       u.password_changed_at, u.must_change_password, u.password_expires, u.failed_attempts, u.locked_until,
       u.disabled, u.totp_secret, u.totp_enabled, u.external_subject, u.last_totp_step, u.created_at, u.version`

func scanUser(row scanner) (identity.User, error) {
	var (
		u               identity.User
		grants, history string
	)
	err := row.Scan(idCol{&u.ID}, &u.Username, &u.DisplayName, &grants, &u.PasswordHash, &history,
		instantCol{&u.PasswordChangedAt, time.UTC}, &u.MustChangePassword, instantCol{&u.PasswordExpires, time.UTC},
		&u.FailedAttempts, instantCol{&u.LockedUntil, time.UTC}, &u.Disabled, &u.TOTPSecret, &u.TOTPEnabled,
		&u.ExternalSubject, &u.LastTOTPStep, instantCol{&u.CreatedAt, time.UTC}, &u.Version)
	if err != nil {
		return u, err
	}
	if err := json.Unmarshal([]byte(grants), &u.Grants); err != nil {
		return u, fmt.Errorf("gpkg: users.grants of %s: %w", u.ID, err)
	}
	if err := json.Unmarshal([]byte(history), &u.PasswordHistory); err != nil {
		return u, fmt.Errorf("gpkg: users.password_history of %s: %w", u.ID, err)
	}
	if len(u.Grants) == 0 {
		u.Grants = nil
	}
	if len(u.PasswordHistory) == 0 {
		u.PasswordHistory = nil
	}
	return u, nil
}

// userArgs are the columns username … last_totp_step of sqlInsertUser and sqlUpdateUser.
func userArgs(u *identity.User) ([]any, error) {
	grants, history := u.Grants, u.PasswordHistory
	if grants == nil {
		grants = []identity.Grant{}
	}
	if history == nil {
		history = []string{}
	}
	g, err := json.Marshal(grants)
	if err != nil {
		return nil, floorplan.Invalidf("the user's grants cannot be stored: %v", err)
	}
	h, err := json.Marshal(history)
	if err != nil {
		return nil, floorplan.Invalidf("the user's password history cannot be stored: %v", err)
	}
	return []any{u.Username, u.DisplayName, string(g), u.PasswordHash, string(h), nullMicro(u.PasswordChangedAt),
		u.MustChangePassword, nullMicro(u.PasswordExpires), u.FailedAttempts, nullMicro(u.LockedUntil), u.Disabled,
		u.TOTPSecret, u.TOTPEnabled, u.ExternalSubject, u.LastTOTPStep}, nil
}

const sqlInsertUser = `
INSERT INTO users (username, display_name, grants, password_hash, password_history, password_changed_at,
                   must_change_password, password_expires, failed_attempts, locked_until, disabled, totp_secret,
                   totp_enabled, external_subject, last_totp_step, id, created_at, version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`

// CreateUser stores a new user; it assigns u.ID (when uuid.Nil), u.CreatedAt (when zero: now) and
// u.Version = 1. A username that differs from another only in case is floorplan.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *identity.User) error {
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	var created time.Time
	err = s.create(ctx, &u.ID, func(q querier, id uuid.UUID, now time.Time) error {
		created = u.CreatedAt
		if created.IsZero() {
			created = now
		}
		created = utcMicro(created)
		_, err := q.ExecContext(ctx, sqlInsertUser, append(args, id.String(), micro(created))...)
		return err
	})
	if err != nil {
		return identityErr(err)
	}
	u.CreatedAt, u.Version = created, 1
	return nil
}

const (
	sqlUser          = `SELECT ` + userColumns + ` FROM users u WHERE u.id = ?`
	sqlUserByName    = `SELECT ` + userColumns + ` FROM users u WHERE lower(u.username) = lower(?)`
	sqlUserBySubject = `SELECT ` + userColumns + ` FROM users u WHERE u.external_subject = ?1 AND ?1 <> ''`
	sqlUsers         = `SELECT ` + userColumns + ` FROM users u ORDER BY lower(u.username), u.username`
	sqlCountUsers    = `SELECT count(*) FROM users`
)

// oneUser runs a query for one user; none is floorplan.ErrNotFound with notFound's message.
func (s *Store) oneUser(ctx context.Context, notFound string, query string, arg any) (identity.User, error) {
	u, err := scanUser(s.reader().QueryRowContext(ctx, query, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("%w: %s", floorplan.ErrNotFound, notFound)
	}
	return u, identityErr(err)
}

// User returns the user id; floorplan.ErrNotFound when there is none.
func (s *Store) User(ctx context.Context, id uuid.UUID) (identity.User, error) {
	return s.oneUser(ctx, "no such user", sqlUser, id.String())
}

// UserByName returns the user with the username, whatever its case.
func (s *Store) UserByName(ctx context.Context, username string) (identity.User, error) {
	return s.oneUser(ctx, "no such user", sqlUserByName, username)
}

// UserBySubject returns the user provisioned by single sign-on with the subject ("iss|sub").
func (s *Store) UserBySubject(ctx context.Context, subject string) (identity.User, error) {
	return s.oneUser(ctx, "no user with this single sign-on subject", sqlUserBySubject, subject)
}

// Users returns every user, by username.
func (s *Store) Users(ctx context.Context) ([]identity.User, error) {
	users, err := collect(ctx, s.reader(), scanUser, sqlUsers)
	return users, identityErr(err)
}

// CountUsers returns the number of users (disabled ones included).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	n, err := count(ctx, s.reader(), sqlCountUsers)
	return int(n), identityErr(err)
}

const (
	sqlUpdateUser = `
UPDATE users SET username = ?, display_name = ?, grants = ?, password_hash = ?, password_history = ?,
       password_changed_at = ?, must_change_password = ?, password_expires = ?, failed_attempts = ?,
       locked_until = ?, disabled = ?, totp_secret = ?, totp_enabled = ?, external_subject = ?,
       last_totp_step = ?, version = version + 1
 WHERE id = ? AND version = ?`
	sqlUserVersion = `SELECT version FROM users WHERE id = ?`
)

// UpdateUser writes every field of u but ID and CreatedAt, if u.Version is the stored one, and sets
// u.Version to the next: a stale version is floorplan.ErrConflict, nothing changed.
func (s *Store) UpdateUser(ctx context.Context, u *identity.User) error {
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, sqlUpdateUser, append(args, u.ID.String(), u.Version)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		current, err := count(ctx, q, sqlUserVersion, u.ID.String())
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("user", u.ID)
		}
		if err != nil {
			return err
		}
		return stale("user", current, u.Version)
	})
	if err != nil {
		return identityErr(err)
	}
	u.Version++
	return nil
}

// ---------------------------------------------------------------------------------------------------
// Sessions

const (
	sqlInsertSession = `
INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at, addr, mfa) VALUES (?, ?, ?, ?, ?, ?, ?)`
	sqlSession = `
SELECT id_hash, user_id, created_at, last_seen, expires_at, addr, mfa FROM sessions WHERE id_hash = ?`
	sqlTouchSession       = `UPDATE sessions SET last_seen = ? WHERE id_hash = ?`
	sqlDeleteSession      = `DELETE FROM sessions WHERE id_hash = ?`
	sqlDeleteUserSessions = `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`
)

// CreateSession stores a session. A zero CreatedAt is now, a zero LastSeen is CreatedAt; IDHash and
// ExpiresAt are required.
func (s *Store) CreateSession(ctx context.Context, se identity.Session) error {
	if se.IDHash == "" || se.ExpiresAt.IsZero() {
		return floorplan.Invalidf("a session needs an id and an expiry")
	}
	if se.CreatedAt.IsZero() {
		se.CreatedAt = s.now()
	}
	if se.LastSeen.IsZero() {
		se.LastSeen = se.CreatedAt
	}
	err := s.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, sqlInsertSession, se.IDHash, se.UserID.String(), micro(se.CreatedAt),
			micro(se.LastSeen), micro(se.ExpiresAt), se.Addr, se.MFA)
		return err
	})
	return identityErr(err)
}

// Session returns the session idHash, expired or not; floorplan.ErrNotFound when there is none.
func (s *Store) Session(ctx context.Context, idHash string) (identity.Session, error) {
	var se identity.Session
	err := s.reader().QueryRowContext(ctx, sqlSession, idHash).Scan(&se.IDHash, idCol{&se.UserID},
		instantCol{&se.CreatedAt, time.UTC}, instantCol{&se.LastSeen, time.UTC}, instantCol{&se.ExpiresAt, time.UTC},
		&se.Addr, &se.MFA)
	if errors.Is(err, sql.ErrNoRows) {
		return se, fmt.Errorf("%w: no such session", floorplan.ErrNotFound)
	}
	return se, identityErr(err)
}

// TouchSession records activity on the session at the time; floorplan.ErrNotFound when it has ended.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	return s.execOne(ctx, fmt.Errorf("%w: no such session", floorplan.ErrNotFound), sqlTouchSession, micro(at), idHash)
}

// DeleteSession ends the session; ending one that has already ended is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	return s.exec(ctx, sqlDeleteSession, idHash)
}

// DeleteUserSessions ends every session of the user but except (an IDHash; "" for all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID uuid.UUID, except string) error {
	return s.exec(ctx, sqlDeleteUserSessions, userID.String(), except)
}

// exec runs one statement of the identity tables in a write of its own.
func (s *Store) exec(ctx context.Context, query string, args ...any) error {
	err := s.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, query, args...)
		return err
	})
	return identityErr(err)
}

// execOne runs one statement that must change a row in a write of its own; none is missing.
func (s *Store) execOne(ctx context.Context, missing error, query string, args ...any) error {
	err := s.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return missing
		}
		return nil
	})
	return identityErr(err)
}

// ---------------------------------------------------------------------------------------------------
// API tokens

const (
	tokenColumns   = `id, hash, user_id, name, created_at, expires_at, revoked_at, last_used`
	sqlInsertToken = `
INSERT INTO api_tokens (id, hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`
	sqlTokenByHash = `SELECT ` + tokenColumns + ` FROM api_tokens WHERE hash = ?`
	sqlTokens      = `SELECT ` + tokenColumns + ` FROM api_tokens WHERE user_id = ? ORDER BY created_at, id`
	// The first revocation stands.
	sqlRevokeToken = `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`
	sqlTouchToken  = `UPDATE api_tokens SET last_used = ? WHERE id = ?`
)

func scanToken(row scanner) (identity.Token, error) {
	var t identity.Token
	err := row.Scan(idCol{&t.ID}, &t.Hash, idCol{&t.UserID}, &t.Name, instantCol{&t.CreatedAt, time.UTC},
		instantCol{&t.ExpiresAt, time.UTC}, instantCol{&t.RevokedAt, time.UTC}, instantCol{&t.LastUsed, time.UTC})
	return t, err
}

// CreateToken stores a token; it assigns t.ID (when uuid.Nil) and t.CreatedAt (when zero: now). Hash
// and ExpiresAt are required.
func (s *Store) CreateToken(ctx context.Context, t *identity.Token) error {
	if t.Hash == "" || t.ExpiresAt.IsZero() {
		return floorplan.Invalidf("a token needs a hash and an expiry")
	}
	var created time.Time
	err := s.create(ctx, &t.ID, func(q querier, id uuid.UUID, now time.Time) error {
		created = t.CreatedAt
		if created.IsZero() {
			created = now
		}
		created = utcMicro(created)
		_, err := q.ExecContext(ctx, sqlInsertToken, id.String(), t.Hash, t.UserID.String(), t.Name, micro(created),
			micro(t.ExpiresAt))
		return err
	})
	if err != nil {
		return identityErr(err)
	}
	t.CreatedAt = created
	return nil
}

// TokenByHash returns the token whose secret hashes to hash, revoked or expired or not.
func (s *Store) TokenByHash(ctx context.Context, hash string) (identity.Token, error) {
	t, err := scanToken(s.reader().QueryRowContext(ctx, sqlTokenByHash, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("%w: no such token", floorplan.ErrNotFound)
	}
	return t, identityErr(err)
}

// Tokens returns the user's tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID uuid.UUID) ([]identity.Token, error) {
	ts, err := collect(ctx, s.reader(), scanToken, sqlTokens, userID.String())
	return ts, identityErr(err)
}

// RevokeToken revokes the token at the time (a token revoked before keeps its first revocation).
func (s *Store) RevokeToken(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.execOne(ctx, notFound("token", id), sqlRevokeToken, micro(at), id.String())
}

// TouchToken records the token's use at the time.
func (s *Store) TouchToken(ctx context.Context, id uuid.UUID, at time.Time) error {
	return s.execOne(ctx, notFound("token", id), sqlTouchToken, micro(at), id.String())
}

// ---------------------------------------------------------------------------------------------------
// The audit log

const (
	sqlAuditHead   = `SELECT last_seq, last_hash FROM audit_head WHERE fid = 1`
	sqlInsertAudit = `
INSERT INTO audit_log (seq, at, user_id, username, role, addr, action, target, outcome, detail, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlAdvanceAuditHead = `UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE fid = 1`
	// sqlAudit: ?1 From and ?2 To (NULL: unbounded), ?3 the username and ?4 the action ('': any), ?5
	// AfterSeq, ?6 the limit (-1: none).
	sqlAudit = `
SELECT seq, at, user_id, username, role, addr, action, target, outcome, detail, prev_hash, hash
  FROM audit_log
 WHERE (?1 IS NULL OR at >= ?1)
   AND (?2 IS NULL OR at < ?2)
   AND (?3 = '' OR username = ?3)
   AND (?4 = '' OR action = ?4)
   AND seq > ?5
 ORDER BY seq
 LIMIT ?6`
	// sqlAuditKeepFrom is the first record a purge of the records before ?1 keeps: the first one at or
	// after ?1, or the one after the head when there is none, so that what is kept is an unbroken run of
	// the chain.
	sqlAuditKeepFrom = `
SELECT coalesce((SELECT min(seq) FROM audit_log WHERE at >= ?),
                (SELECT last_seq + 1 FROM audit_head WHERE fid = 1))`
	sqlCountAuditBefore     = `SELECT count(*) FROM audit_log WHERE seq < ?`
	sqlDropAuditNoDelete    = `DROP TRIGGER audit_log_no_delete`
	sqlDeleteAuditBefore    = `DELETE FROM audit_log WHERE seq < ?`
	sqlRestoreAuditNoDelete = sqlAuditLogNoDeleteTrigger
)

// AppendAudit stores r as the next record of the audit log, sealed with identity.Seal to the last one:
// it returns r with its Seq, At (now when zero; UTC, microseconds), PrevHash and Hash. The head is read,
// the record inserted and the head moved on in one write on the single writer connection, so
// concurrent appends take their turns; the triggers of audit_log and audit_head check that each record
// follows the last.
func (s *Store) AppendAudit(ctx context.Context, r identity.AuditRecord) (identity.AuditRecord, error) {
	if r.At.IsZero() {
		r.At = s.now()
	}
	r.At = utcMicro(r.At)
	var sealed identity.AuditRecord
	err := s.write(ctx, func(q querier) error {
		var prev identity.AuditRecord
		if err := q.QueryRowContext(ctx, sqlAuditHead).Scan(&prev.Seq, &prev.Hash); err != nil {
			return err
		}
		r.Seq = prev.Seq + 1
		sealed = identity.Seal(prev, r)
		if _, err := q.ExecContext(ctx, sqlInsertAudit, sealed.Seq, micro(sealed.At), nullID(sealed.UserID),
			sealed.Username, sealed.Role, sealed.Addr, sealed.Action, sealed.Target, sealed.Outcome, sealed.Detail,
			sealed.PrevHash, sealed.Hash); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, sqlAdvanceAuditHead, sealed.Seq, sealed.Hash)
		return err
	})
	if err != nil {
		return identity.AuditRecord{}, identityErr(err)
	}
	return sealed, nil
}

func scanAudit(row scanner) (identity.AuditRecord, error) {
	var r identity.AuditRecord
	err := row.Scan(&r.Seq, instantCol{&r.At, time.UTC}, idCol{&r.UserID}, &r.Username, &r.Role, &r.Addr, &r.Action,
		&r.Target, &r.Outcome, &r.Detail, &r.PrevHash, &r.Hash)
	return r, err
}

// Audit returns the records that f selects, by Seq.
func (s *Store) Audit(ctx context.Context, f identity.AuditFilter) ([]identity.AuditRecord, error) {
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit
	}
	recs, err := collect(ctx, s.reader(), scanAudit, sqlAudit, nullMicro(f.From), nullMicro(f.To), f.User, f.Action,
		f.AfterSeq, limit)
	return recs, identityErr(err)
}

// PurgeAudit deletes the records older than before: the oldest records up to the first one at or after
// before, so that what is kept is an unbroken run of the chain whose first record still carries the
// hash of the last one purged, and the head stays where it is. It drops the append-only trigger on
// DELETE and creates it again inside its transaction. The retention period is the caller's policy
// (identity.Service.PurgeAudit, which first appends the audit.purge record that Verify looks for).
func (s *Store) PurgeAudit(ctx context.Context, before time.Time) (int64, error) {
	if before.IsZero() {
		return 0, floorplan.Invalidf("a purge of the audit log needs a time")
	}
	var n int64
	err := s.write(ctx, func(q querier) error {
		keepFrom, err := count(ctx, q, sqlAuditKeepFrom, micro(before))
		if err != nil {
			return err
		}
		if n, err = count(ctx, q, sqlCountAuditBefore, keepFrom); err != nil || n == 0 {
			return err
		}
		for _, step := range []struct {
			query string
			args  []any
		}{
			{sqlDropAuditNoDelete, nil},
			{sqlDeleteAuditBefore, []any{keepFrom}},
			{sqlRestoreAuditNoDelete, nil},
		} {
			if _, err := q.ExecContext(ctx, step.query, step.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, identityErr(err)
	}
	return n, nil
}
