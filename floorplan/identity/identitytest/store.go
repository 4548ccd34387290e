// Package identitytest helps test code that uses identity: Store, an in-memory identity.Store, and
// Run, the conformance suite that every identity.Store (PostGIS, GeoPackage, this one) must pass.
package identitytest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// Store is an identity.Store in memory, safe for concurrent use. Its zero value is not ready: use New.
type Store struct {
	// Now stamps CreatedAt of new users and tokens; New sets time.Now.
	Now func() time.Time

	mu       sync.Mutex
	users    map[uuid.UUID]identity.User
	sessions map[string]identity.Session
	tokens   map[uuid.UUID]identity.Token
	audit    []identity.AuditRecord
	head     identity.AuditRecord // the last record appended, kept when a purge removes it
}

var _ identity.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		Now:      time.Now,
		users:    make(map[uuid.UUID]identity.User),
		sessions: make(map[string]identity.Session),
		tokens:   make(map[uuid.UUID]identity.Token),
	}
}

// copyUser returns u with slices of its own, so that callers and the store do not share them.
func copyUser(u identity.User) identity.User {
	u.Grants = slices.Clone(u.Grants)
	u.PasswordHistory = slices.Clone(u.PasswordHistory)
	return u
}

// clash reports whether another user than u already has u's username or external subject.
func (s *Store) clash(u *identity.User) error {
	for _, o := range s.users {
		if o.ID == u.ID {
			continue
		}
		if strings.EqualFold(o.Username, u.Username) {
			return fmt.Errorf("%w: user name %q is taken", floorplan.ErrConflict, u.Username)
		}
		if u.ExternalSubject != "" && o.ExternalSubject == u.ExternalSubject {
			return fmt.Errorf("%w: subject %q has a user", floorplan.ErrConflict, u.ExternalSubject)
		}
	}
	return nil
}

// CreateUser stores u, giving it an ID (when it has none), Version 1 and CreatedAt.
func (s *Store) CreateUser(_ context.Context, u *identity.User) error {
	if u.Username == "" {
		return floorplan.Invalidf("user without a name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == uuid.Nil {
		u.ID = uuid.New()
	}
	if _, ok := s.users[u.ID]; ok {
		return fmt.Errorf("%w: user %s exists", floorplan.ErrConflict, u.ID)
	}
	if err := s.clash(u); err != nil {
		return err
	}
	u.Version = 1
	u.CreatedAt = s.Now().UTC().Truncate(time.Microsecond)
	s.users[u.ID] = copyUser(*u)
	return nil
}

// User returns the user with id.
func (s *Store) User(_ context.Context, id uuid.UUID) (identity.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return identity.User{}, fmt.Errorf("%w: user %s", floorplan.ErrNotFound, id)
	}
	return copyUser(u), nil
}

// UserByName returns the user named username, in any case.
func (s *Store) UserByName(_ context.Context, username string) (identity.User, error) {
	return s.find(func(u identity.User) bool { return strings.EqualFold(u.Username, username) }, "user "+username)
}

// UserBySubject returns the user provisioned for an OIDC subject "iss|sub".
func (s *Store) UserBySubject(_ context.Context, subject string) (identity.User, error) {
	if subject == "" {
		return identity.User{}, fmt.Errorf("%w: empty subject", floorplan.ErrNotFound)
	}
	return s.find(func(u identity.User) bool { return u.ExternalSubject == subject }, "subject "+subject)
}

func (s *Store) find(match func(identity.User) bool, what string) (identity.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if match(u) {
			return copyUser(u), nil
		}
	}
	return identity.User{}, fmt.Errorf("%w: %s", floorplan.ErrNotFound, what)
}

// Users returns every user, by username.
func (s *Store) Users(context.Context) ([]identity.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	us := make([]identity.User, 0, len(s.users))
	for _, u := range s.users {
		us = append(us, copyUser(u))
	}
	slices.SortFunc(us, func(a, b identity.User) int { return cmp.Compare(a.Username, b.Username) })
	return us, nil
}

// UpdateUser stores u over the current version and bumps u.Version.
func (s *Store) UpdateUser(_ context.Context, u *identity.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.users[u.ID]
	if !ok {
		return fmt.Errorf("%w: user %s", floorplan.ErrNotFound, u.ID)
	}
	if cur.Version != u.Version {
		return fmt.Errorf("%w: user %s is at version %d, not %d", floorplan.ErrConflict, u.ID, cur.Version, u.Version)
	}
	if err := s.clash(u); err != nil {
		return err
	}
	u.Version++
	u.CreatedAt = cur.CreatedAt
	s.users[u.ID] = copyUser(*u)
	return nil
}

// CountUsers returns how many users there are.
func (s *Store) CountUsers(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users), nil
}

// CreateSession stores sess.
func (s *Store) CreateSession(_ context.Context, sess identity.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[sess.UserID]; !ok {
		return fmt.Errorf("%w: user %s", floorplan.ErrNotFound, sess.UserID)
	}
	if _, ok := s.sessions[sess.IDHash]; ok || sess.IDHash == "" {
		return fmt.Errorf("%w: session exists", floorplan.ErrConflict)
	}
	s.sessions[sess.IDHash] = sess
	return nil
}

// Session returns the session whose secret hashes to idHash.
func (s *Store) Session(_ context.Context, idHash string) (identity.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[idHash]
	if !ok {
		return identity.Session{}, fmt.Errorf("%w: session", floorplan.ErrNotFound)
	}
	return sess, nil
}

// TouchSession sets the session's LastSeen to at.
func (s *Store) TouchSession(_ context.Context, idHash string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[idHash]
	if !ok {
		return fmt.Errorf("%w: session", floorplan.ErrNotFound)
	}
	sess.LastSeen = at
	s.sessions[idHash] = sess
	return nil
}

// DeleteSession ends a session; an unknown one is no error.
func (s *Store) DeleteSession(_ context.Context, idHash string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, idHash)
	return nil
}

// DeleteUserSessions ends every session of userID but the one whose hash is except.
func (s *Store) DeleteUserSessions(_ context.Context, userID uuid.UUID, except string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h, sess := range s.sessions {
		if sess.UserID == userID && h != except {
			delete(s.sessions, h)
		}
	}
	return nil
}

// CreateToken stores t, giving it an ID (when it has none) and CreatedAt (when zero).
func (s *Store) CreateToken(_ context.Context, t *identity.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[t.UserID]; !ok {
		return fmt.Errorf("%w: user %s", floorplan.ErrNotFound, t.UserID)
	}
	if t.ID == uuid.Nil {
		t.ID = uuid.New()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.Now().UTC().Truncate(time.Microsecond)
	}
	for _, o := range s.tokens {
		if o.ID == t.ID || o.Hash == t.Hash {
			return fmt.Errorf("%w: token exists", floorplan.ErrConflict)
		}
	}
	s.tokens[t.ID] = *t
	return nil
}

// TokenByHash returns the token whose secret hashes to hash.
func (s *Store) TokenByHash(_ context.Context, hash string) (identity.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.Hash == hash {
			return t, nil
		}
	}
	return identity.Token{}, fmt.Errorf("%w: token", floorplan.ErrNotFound)
}

// Tokens returns userID's tokens, oldest first.
func (s *Store) Tokens(_ context.Context, userID uuid.UUID) ([]identity.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ts []identity.Token
	for _, t := range s.tokens {
		if t.UserID == userID {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b identity.Token) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID.String(), b.ID.String()))
	})
	return ts, nil
}

// RevokeToken revokes token id at time at (a revoked token keeps its first revocation time).
func (s *Store) RevokeToken(_ context.Context, id uuid.UUID, at time.Time) error {
	return s.token(id, func(t *identity.Token) {
		if t.RevokedAt.IsZero() {
			t.RevokedAt = at
		}
	})
}

// TouchToken sets token id's LastUsed to at.
func (s *Store) TouchToken(_ context.Context, id uuid.UUID, at time.Time) error {
	return s.token(id, func(t *identity.Token) { t.LastUsed = at })
}

func (s *Store) token(id uuid.UUID, fn func(*identity.Token)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[id]
	if !ok {
		return fmt.Errorf("%w: token %s", floorplan.ErrNotFound, id)
	}
	fn(&t)
	s.tokens[id] = t
	return nil
}

// AppendAudit seals r after the last record and appends it.
func (s *Store) AppendAudit(_ context.Context, r identity.AuditRecord) (identity.AuditRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Seq = 0
	r = identity.Seal(s.head, r)
	s.audit = append(s.audit, r)
	s.head = r
	return r, nil
}

// Audit returns the records f selects, by Seq.
func (s *Store) Audit(_ context.Context, f identity.AuditFilter) ([]identity.AuditRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []identity.AuditRecord
	for _, r := range s.audit {
		switch {
		case r.Seq <= f.AfterSeq,
			!f.From.IsZero() && r.At.Before(f.From),
			!f.To.IsZero() && !r.At.Before(f.To),
			f.User != "" && r.Username != f.User,
			f.Action != "" && r.Action != f.Action:
			continue
		}
		out = append(out, r)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// PurgeAudit removes the records older than before from the start of the log (it stops at the first
// record that is not, so that what is kept stays one chain).
func (s *Store) PurgeAudit(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for n < len(s.audit) && s.audit[n].At.Before(before) {
		n++
	}
	s.audit = slices.Delete(s.audit, 0, n)
	return int64(n), nil
}

// Tamper runs fn on the stored audit record seq, as someone with write access to the database
// could — for tests of Verify. It reports whether the record exists.
func (s *Store) Tamper(seq int64, fn func(*identity.AuditRecord)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.audit {
		if s.audit[i].Seq == seq {
			fn(&s.audit[i])
			return true
		}
	}
	return false
}

// Clock is a clock that tests move on, safe for concurrent use: hand its Now to identity.Options,
// Store.Now or oidc.Config.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock that stands at t until Pass moves it.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Pass moves the clock on by d.
func (c *Clock) Pass(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
