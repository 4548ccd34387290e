package identity_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
)

// countingStore counts the reads of sessions and tokens.
type countingStore struct {
	*identitytest.Store
	reads atomic.Int64
}

func (s *countingStore) Session(ctx context.Context, hash string) (identity.Session, error) {
	s.reads.Add(1)
	return s.Store.Session(ctx, hash)
}

func (s *countingStore) TokenByHash(ctx context.Context, hash string) (identity.Token, error) {
	s.reads.Add(1)
	return s.Store.TokenByHash(ctx, hash)
}

// TestCredentialCache: a session or token authenticated again within the TTL costs no read; signing out,
// revoking and disabling through the Service take effect at once; a change made around it (another
// server) within the TTL; expiry and idle time are checked on every request; a negative TTL keeps nothing.
func TestCredentialCache(t *testing.T) {
	c := identitytest.NewClock(t0)
	st := &countingStore{Store: identitytest.New()}
	st.Now = c.Now
	s := identity.NewService(st, identity.Options{Now: c.Now, CredentialTTL: 2 * time.Second})
	identity.CheapHashing(s)
	ctx := t.Context()
	u, _, err := s.AddUser(ctx, "planner", []identity.Grant{{Role: identity.RolePlanner}}, pw)
	if err != nil {
		t.Fatal(err)
	}
	_, sess, secret, err := s.SignIn(ctx, "planner", pw, "", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Second)
	auth := func(at time.Time) error { _, _, err := s.Authenticate(ctx, secret, at); return err }
	if err := auth(now); err != nil {
		t.Fatal(err)
	}
	reads := st.reads.Load()
	for range 5 {
		if err := auth(now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if n := st.reads.Load() - reads; n != 0 {
		t.Errorf("5 requests within the TTL read the session %d times, want 0", n)
	}
	if err := auth(now.Add(2 * time.Second)); err != nil || st.reads.Load() != reads+1 {
		t.Errorf("after the TTL: %v, %d reads; want the session read again", err, st.reads.Load()-reads)
	}

	// Around the Service (another server signs the user out): refused once the TTL has passed.
	if err := st.DeleteSession(ctx, sess.IDHash); err != nil {
		t.Fatal(err)
	}
	if err := auth(now.Add(3 * time.Second)); err != nil {
		t.Errorf("within the TTL of the last read: %v; want it still kept", err)
	}
	if err := auth(now.Add(5 * time.Second)); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("after the TTL, a session ended elsewhere: %v; want ErrUnauthenticated", err)
	}

	// Through the Service: at once.
	_, _, secret, err = s.SignIn(ctx, "planner", pw, "", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	at := t0.Add(10 * time.Second)
	if err := auth(at); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOut(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if err := auth(at); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("signed out: %v; want ErrUnauthenticated at once", err)
	}
	plain, tok, err := s.NewToken(ctx, u.ID, "脚本", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuthenticateToken(ctx, plain, at); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuthenticateToken(ctx, plain, at); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("revoked: %v; want ErrUnauthenticated at once", err)
	}
	plain, tok, err = s.NewToken(ctx, u.ID, "脚本2", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuthenticateToken(ctx, plain, at); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuthenticateToken(ctx, plain, tok.ExpiresAt); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("at its expiry, within the TTL: %v; want ErrUnauthenticated", err)
	}
	if err := s.Disable(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuthenticateToken(ctx, plain, at); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("its owner disabled: %v; want ErrUnauthenticated at once", err)
	}

	// A negative TTL: every request reads.
	never := identity.NewService(st, identity.Options{Now: c.Now, CredentialTTL: -1})
	identity.CheapHashing(never)
	if _, _, err := never.AddUser(ctx, "viewer", []identity.Grant{{Role: identity.RoleViewer}}, pw); err != nil {
		t.Fatal(err)
	}
	if _, _, secret, err = never.SignIn(ctx, "viewer", pw, "", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	reads = st.reads.Load()
	for range 3 {
		if _, _, err := never.Authenticate(ctx, secret, at); err != nil {
			t.Fatal(err)
		}
	}
	if n := st.reads.Load() - reads; n != 3 {
		t.Errorf("with a negative TTL 3 requests read the session %d times, want 3", n)
	}
}
