package identity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	*identity.Service
	store *identitytest.Store
	clock *identitytest.Clock
	ctx   context.Context
}

func newFixture(t *testing.T, opts identity.Options) *fixture {
	t.Helper()
	c := identitytest.NewClock(t0)
	st := identitytest.New()
	st.Now = c.Now
	opts.Now = c.Now
	s := identity.NewService(st, opts)
	identity.CheapHashing(s)
	return &fixture{Service: s, store: st, clock: c, ctx: t.Context()}
}

// add creates a user with a password of its own.
func (f *fixture) add(t *testing.T, name, pw string, roles ...identity.Role) identity.User {
	t.Helper()
	var grants []identity.Grant
	for _, r := range roles {
		g := identity.Grant{Role: r}
		if r == identity.RoleAgencyManager {
			g.Scope.Agency = uuid.New()
		}
		grants = append(grants, g)
	}
	u, oneTime, err := f.AddUser(f.ctx, name, grants, pw)
	if err != nil || oneTime != "" {
		t.Fatalf("AddUser(%s) = %v, one-time %q", name, err, oneTime)
	}
	return u
}

func (f *fixture) user(t *testing.T, id uuid.UUID) identity.User {
	t.Helper()
	u, err := f.store.User(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// lastAudit returns the last audit record.
func (f *fixture) lastAudit(t *testing.T) identity.AuditRecord {
	t.Helper()
	rs, err := f.store.Audit(f.ctx, identity.AuditFilter{})
	if err != nil || len(rs) == 0 {
		t.Fatalf("audit log: %d records, %v", len(rs), err)
	}
	return rs[len(rs)-1]
}

// enrolPlanner adds a planner and starts the enrolment of their second factor: it returns the planner,
// a context in which they are the caller, the TOTP secret and its otpauth:// URL.
func (f *fixture) enrolPlanner(t *testing.T) (u identity.User, me context.Context, secret, url string) {
	t.Helper()
	u = f.add(t, "planner", pw, identity.RolePlanner)
	me = f.as(u, "")
	secret, url, err := f.EnrolTOTP(me, u.ID)
	if err != nil {
		t.Fatalf("EnrolTOTP: %v", err)
	}
	return u, me, secret, url
}

// totpCode is the one-time code of secret at the clock's time.
func (f *fixture) totpCode(t *testing.T, secret string) string {
	t.Helper()
	c, err := identity.TOTPCode(secret, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// as returns a context in which u is the caller.
func (f *fixture) as(u identity.User, session string) context.Context {
	return identity.WithCaller(f.ctx, identity.Caller{User: u, Session: session, Addr: "192.0.2.200"})
}

const pw = "Planner-pass1"

func TestSignInRefusals(t *testing.T) {
	f := newFixture(t, identity.Options{})
	f.add(t, "planner", pw, identity.RolePlanner)
	disabled := f.add(t, "leaver", pw, identity.RoleViewer)
	if err := f.Disable(f.ctx, disabled.ID); err != nil {
		t.Fatal(err)
	}
	locked := f.add(t, "locked", pw, identity.RoleViewer)
	locked.LockedUntil = t0.Add(time.Minute)
	if err := f.store.UpdateUser(f.ctx, &locked); err != nil {
		t.Fatal(err)
	}
	sso := identity.User{Username: "sso", ExternalSubject: "https://idp|42"}
	if err := f.store.CreateUser(f.ctx, &sso); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, user, pw, detail string
	}{
		{"unknown user", "nobody", pw, "unknown user"},
		{"malformed user name", "no body", pw, "unknown user"},
		{"wrong password", "planner", "Planner-pass2", "wrong password"},
		{"empty password", "planner", "", "wrong password"},
		{"disabled", "leaver", pw, "account disabled"},
		{"locked", "locked", pw, "account locked"},
		{"single sign-on only", "sso", "", "single sign-on only"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, sess, secret, err := f.SignIn(f.ctx, tc.user, tc.pw, "", fmt.Sprintf("192.0.2.%d:5000", i))
			if !errors.Is(err, identity.ErrUnauthenticated) || err.Error() != identity.ErrUnauthenticated.Error() {
				t.Fatalf("SignIn = %v, want exactly ErrUnauthenticated", err)
			}
			if u.ID != uuid.Nil || sess.IDHash != "" || secret != "" {
				t.Errorf("a refused sign-in returned %v %v %q", u, sess, secret)
			}
			r := f.lastAudit(t)
			if r.Action != "session.sign_in_failed" || r.Outcome != identity.OutcomeFailed ||
				!strings.Contains(r.Detail, tc.detail) || r.Addr != fmt.Sprintf("192.0.2.%d:5000", i) {
				t.Errorf("audit %+v, want a failed sign-in saying %q", r, tc.detail)
			}
		})
	}

	u, sess, secret, err := f.SignIn(f.ctx, "PLANNER", pw, "", "192.0.2.99:5000")
	if err != nil {
		t.Fatalf("SignIn with the right password: %v", err)
	}
	if u.Username != "planner" || sess.UserID != u.ID || sess.IDHash != identity.HashSecret(secret) ||
		!sess.CreatedAt.Equal(t0) || !sess.ExpiresAt.Equal(t0.Add(12*time.Hour)) || sess.MFA || sess.Addr != "192.0.2.99:5000" {
		t.Errorf("SignIn = %+v, %+v", u, sess)
	}
	if stored, err := f.store.Session(f.ctx, sess.IDHash); err != nil || stored.IDHash == secret {
		t.Errorf("stored session %+v, %v", stored, err)
	}
	if r := f.lastAudit(t); r.Action != "session.sign_in" || r.Outcome != identity.OutcomeOK || r.UserID != u.ID || r.Role != "planner" {
		t.Errorf("audit %+v, want a sign-in", r)
	}
}

func TestLockout(t *testing.T) {
	f := newFixture(t, identity.Options{SignInPerMinute: 1000})
	u := f.add(t, "planner", pw, identity.RolePlanner)
	signIn := func(p string) error {
		_, _, _, err := f.SignIn(f.ctx, "planner", p, "", "192.0.2.1")
		return err
	}
	wrong := func(n int) {
		t.Helper()
		for range n {
			if err := signIn("Wrong-pass1"); !errors.Is(err, identity.ErrUnauthenticated) {
				t.Fatalf("wrong password: %v", err)
			}
		}
	}

	// Four failures and a success: the count starts again.
	wrong(4)
	if got := f.user(t, u.ID); got.FailedAttempts != 4 || !got.LockedUntil.IsZero() {
		t.Fatalf("after 4 failures: %d attempts, locked until %v", got.FailedAttempts, got.LockedUntil)
	}
	if err := signIn(pw); err != nil {
		t.Fatalf("5th attempt, right password: %v", err)
	}
	if got := f.user(t, u.ID); got.FailedAttempts != 0 {
		t.Fatalf("a success left %d failed attempts", got.FailedAttempts)
	}

	// Five failures lock for 30 minutes; the 6th attempt is refused with the right password.
	wrong(5)
	got := f.user(t, u.ID)
	if got.FailedAttempts != 5 || !got.LockedUntil.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("after 5 failures: %d attempts, locked until %v", got.FailedAttempts, got.LockedUntil)
	}
	if r := f.lastAudit(t); !strings.Contains(r.Detail, "locked until") {
		t.Errorf("the locking failure's audit says %q", r.Detail)
	}
	if err := signIn(pw); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Fatalf("6th attempt, right password, locked: %v", err)
	}
	f.clock.Pass(30*time.Minute - time.Second)
	if err := signIn(pw); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Fatalf("a second before the lock ends: %v", err)
	}
	if got := f.user(t, u.ID); got.FailedAttempts != 5 {
		t.Errorf("attempts while locked counted: %d", got.FailedAttempts)
	}
	f.clock.Pass(time.Second)
	if err := signIn(pw); err != nil {
		t.Fatalf("when the lock ends: %v", err)
	}
	if got := f.user(t, u.ID); got.FailedAttempts != 0 || !got.LockedUntil.IsZero() {
		t.Errorf("after the lock: %d attempts, locked until %v", got.FailedAttempts, got.LockedUntil)
	}

	// A lock that ended without a success: the next failure counts from one.
	wrong(5)
	f.clock.Pass(31 * time.Minute)
	wrong(1)
	if got := f.user(t, u.ID); got.FailedAttempts != 1 || !got.LockedUntil.IsZero() {
		t.Errorf("a failure after an ended lock: %d attempts, locked until %v", got.FailedAttempts, got.LockedUntil)
	}
}

func TestLockoutConcurrent(t *testing.T) {
	f := newFixture(t, identity.Options{SignInPerMinute: 1000})
	u := f.add(t, "planner", pw, identity.RolePlanner)
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, _, _, err := f.SignIn(f.ctx, "planner", "Wrong-pass1", "", "192.0.2.1"); err == nil {
				t.Error("a wrong password signed in")
			}
		})
	}
	wg.Wait()
	if got := f.user(t, u.ID); !got.LockedUntil.After(f.clock.Now()) {
		t.Errorf("12 concurrent failures left the account unlocked (%d attempts)", got.FailedAttempts)
	}
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "192.0.2.1"); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("right password after concurrent failures: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, identity.Options{})
	f.add(t, "planner", pw, identity.RolePlanner)
	for i := range 10 {
		if _, _, _, err := f.SignIn(f.ctx, fmt.Sprint("guess", i), pw, "", "198.51.100.7:1000"); !errors.Is(err, identity.ErrUnauthenticated) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	before, _ := f.store.Audit(f.ctx, identity.AuditFilter{})
	for range 3 {
		if _, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "198.51.100.7:2000"); !errors.Is(err, identity.ErrRateLimited) {
			t.Fatalf("11th attempt from the address: %v, want ErrRateLimited", err)
		}
	}
	after, _ := f.store.Audit(f.ctx, identity.AuditFilter{})
	if len(after) != len(before)+1 || after[len(after)-1].Detail != "rate limited" {
		t.Errorf("3 rate-limited attempts left %d audit records, want 1", len(after)-len(before))
	}
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "198.51.100.8:1000"); err != nil {
		t.Errorf("another address: %v", err)
	}
	f.clock.Pass(7 * time.Second)
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "198.51.100.7:3000"); err != nil {
		t.Errorf("after a token came back: %v", err)
	}
}

func TestSignInTOTP(t *testing.T) {
	f := newFixture(t, identity.Options{SignInPerMinute: 1000})
	u, me, secret, url := f.enrolPlanner(t)
	if !strings.HasPrefix(url, "otpauth://totp/") {
		t.Fatalf("EnrolTOTP = %q", url)
	}
	if got := f.user(t, u.ID); got.TOTPSecret != secret || got.TOTPEnabled {
		t.Fatal("EnrolTOTP did not store a pending secret")
	}
	// Until confirmed, the second factor is not asked for.
	if _, sess, _, err := f.SignIn(f.ctx, "planner", pw, "", "a"); err != nil || sess.MFA {
		t.Fatalf("sign-in with a pending second factor: %v, MFA %v", err, sess.MFA)
	}
	code := func() string { return f.totpCode(t, secret) }
	if err := f.ConfirmTOTP(me, u.ID, wrongCode(code())); !errors.Is(err, floorplan.ErrInvalid) {
		t.Fatalf("ConfirmTOTP with a wrong code: %v", err)
	}
	if err := f.ConfirmTOTP(me, u.ID, code()); err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	if _, _, err := f.EnrolTOTP(me, u.ID); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("enrolling over a second factor in use: %v", err)
	}
	f.clock.Pass(time.Minute) // another step

	tests := []struct {
		name      string
		pw, otp   func() string
		want      error
		failCount int
	}{
		{"no code", func() string { return pw }, func() string { return "" }, identity.ErrOTPRequired, 0},
		{"wrong code", func() string { return pw }, func() string { return wrongCode(code()) }, identity.ErrUnauthenticated, 1},
		{"wrong password, right code", func() string { return "Wrong-pass1" }, code, identity.ErrUnauthenticated, 2},
		{"both right", func() string { return pw }, code, nil, 0},
	}
	for _, tc := range tests {
		_, sess, _, err := f.SignIn(f.ctx, "planner", tc.pw(), tc.otp(), "a")
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: SignIn = %v, want %v", tc.name, err, tc.want)
		}
		if tc.want == nil && !sess.MFA {
			t.Errorf("%s: the session has no MFA", tc.name)
		}
		if got := f.user(t, u.ID).FailedAttempts; got != tc.failCount {
			t.Errorf("%s: %d failed attempts, want %d", tc.name, got, tc.failCount)
		}
	}

	// A lost phone: an administrator resets the second factor, which ends the sessions.
	if err := f.ResetTOTP(f.ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.user(t, u.ID); got.TOTPEnabled || got.TOTPSecret != "" {
		t.Error("ResetTOTP left the second factor")
	}
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "a"); err != nil {
		t.Errorf("sign-in after ResetTOTP: %v", err)
	}
}

// TestTOTPReplay: a one-time code is accepted once: the same code again, within its window, is refused
// (by SignIn and by ConfirmTOTP), and the next step's code is accepted.
func TestTOTPReplay(t *testing.T) {
	f := newFixture(t, identity.Options{SignInPerMinute: 1000})
	u, me, secret, _ := f.enrolPlanner(t)
	code := func() string { return f.totpCode(t, secret) }
	step := func() int64 { return f.clock.Now().Unix() / 30 }

	// ConfirmTOTP: a code whose step was used already is refused, and nothing is enrolled.
	stored := f.user(t, u.ID)
	stored.LastTOTPStep = step()
	if err := f.store.UpdateUser(f.ctx, &stored); err != nil {
		t.Fatal(err)
	}
	if err := f.ConfirmTOTP(me, u.ID, code()); !errors.Is(err, floorplan.ErrInvalid) {
		t.Fatalf("ConfirmTOTP with a used code: %v", err)
	}
	if f.user(t, u.ID).TOTPEnabled {
		t.Fatal("ConfirmTOTP with a used code enrolled the second factor")
	}
	f.clock.Pass(30 * time.Second)
	confirming := code()
	if err := f.ConfirmTOTP(me, u.ID, confirming); err != nil {
		t.Fatalf("ConfirmTOTP with the next step's code: %v", err)
	}
	if got := f.user(t, u.ID).LastTOTPStep; got != step() {
		t.Errorf("after ConfirmTOTP: LastTOTPStep %d, want %d", got, step())
	}
	// The confirming code does not sign in, even 29 s later.
	f.clock.Pass(29*time.Second - time.Duration(f.clock.Now().Unix()%30)*time.Second)
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, confirming, "a"); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("SignIn with the confirming code: %v", err)
	}

	// SignIn: the same code twice, the second refused; the next step's code is good, once.
	f.clock.Pass(time.Second) // into the next step
	first := code()
	if _, sess, _, err := f.SignIn(f.ctx, "planner", pw, first, "a"); err != nil || !sess.MFA {
		t.Fatalf("SignIn with a fresh code: %v, MFA %v", err, sess.MFA)
	}
	if got := f.user(t, u.ID); got.LastTOTPStep != step() || got.FailedAttempts != 0 {
		t.Errorf("after SignIn: LastTOTPStep %d, %d failed attempts; want %d, 0", got.LastTOTPStep, got.FailedAttempts, step())
	}
	f.clock.Pass(10 * time.Second)
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, first, "a"); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("SignIn with the same code again: %v", err)
	}
	if r := f.lastAudit(t); r.Outcome != identity.OutcomeFailed || !strings.Contains(r.Detail, "already used") {
		t.Errorf("audit of the replay: %+v", r)
	}
	if got := f.user(t, u.ID).FailedAttempts; got != 1 {
		t.Errorf("the replay counts %d failed attempts, want 1", got)
	}
	// Within the skew, a code of the previous step is refused too once a later one was used.
	f.clock.Pass(30 * time.Second)
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, first, "a"); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("SignIn with the used code one step later: %v", err)
	}
	next := code()
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, next, "a"); err != nil {
		t.Errorf("SignIn with the next step's code: %v", err)
	}
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, next, "a"); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("SignIn with the next step's code again: %v", err)
	}
}

// wrongCode returns a code that is not c.
func wrongCode(c string) string {
	if c == "123456" {
		return "654321"
	}
	return "123456"
}

func TestAdministratorMustEnrolTOTP(t *testing.T) {
	f := newFixture(t, identity.Options{})
	admin := f.add(t, "secadmin", pw, identity.RoleSecAdmin)
	planner := f.add(t, "planner", pw, identity.RolePlanner)

	u, sess, _, err := f.SignIn(f.ctx, "secadmin", pw, "", "a")
	if err != nil {
		t.Fatalf("an administrator without a second factor: %v", err)
	}
	if sess.MFA || !f.NeedsTOTPEnrolment(u) {
		t.Errorf("MFA %v, NeedsTOTPEnrolment %v; want false, true", sess.MFA, f.NeedsTOTPEnrolment(u))
	}
	if r := f.lastAudit(t); !strings.Contains(r.Detail, "must enrol second factor") {
		t.Errorf("audit detail %q", r.Detail)
	}
	if f.NeedsTOTPEnrolment(planner) {
		t.Error("a planner needs a second factor")
	}

	ctx := f.as(admin, sess.IDHash)
	secret, _, err := f.EnrolTOTP(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	code := f.totpCode(t, secret)
	if err := f.ConfirmTOTP(ctx, admin.ID, code); err != nil {
		t.Fatal(err)
	}
	if f.NeedsTOTPEnrolment(f.user(t, admin.ID)) {
		t.Error("NeedsTOTPEnrolment after enrolment")
	}
	if _, _, _, err := f.SignIn(f.ctx, "secadmin", pw, "", "a"); !errors.Is(err, identity.ErrOTPRequired) {
		t.Errorf("an enrolled administrator without a code: %v", err)
	}
	f.clock.Pass(30 * time.Second) // the confirming code is used up: the next one
	code = f.totpCode(t, secret)
	if _, sess, _, err := f.SignIn(f.ctx, "secadmin", pw, code, "a"); err != nil || !sess.MFA {
		t.Errorf("an enrolled administrator with a code: %v, MFA %v", err, sess.MFA)
	}
	// Others do not enrol for the user.
	if _, _, err := f.EnrolTOTP(f.as(planner, ""), admin.ID); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("EnrolTOTP for another user: %v", err)
	}
}

func TestOneTimePasswords(t *testing.T) {
	f := newFixture(t, identity.Options{})
	u, oneTime, err := f.AddUser(f.ctx, "Inspector", []identity.Grant{{Role: identity.RoleInspector}}, "")
	if err != nil || oneTime == "" || !u.MustChangePassword || u.Username != "inspector" {
		t.Fatalf("AddUser without a password = %+v, %q, %v", u, oneTime, err)
	}
	got, sess, _, err := f.SignIn(f.ctx, "inspector", oneTime, "", "a")
	if err != nil || !got.MustChangePassword {
		t.Fatalf("first sign-in: %v, MustChangePassword %v (want kept)", err, got.MustChangePassword)
	}
	_, other, _, _ := f.SignIn(f.ctx, "inspector", oneTime, "", "b")

	me := f.as(got, sess.IDHash)
	if err := f.ChangePassword(me, u.ID, oneTime, "Inspector-1"); err != nil {
		t.Fatal(err)
	}
	if got := f.user(t, u.ID); got.MustChangePassword {
		t.Error("MustChangePassword kept after the change")
	}
	if _, err := f.store.Session(f.ctx, sess.IDHash); err != nil {
		t.Errorf("the changing session was ended: %v", err)
	}
	if _, err := f.store.Session(f.ctx, other.IDHash); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("another session survived the change: %v", err)
	}

	// A reset gives a new one-time password, lifts a lock and ends every session.
	locked := f.user(t, u.ID)
	locked.LockedUntil, locked.FailedAttempts = t0.Add(time.Hour), 5
	if err := f.store.UpdateUser(f.ctx, &locked); err != nil {
		t.Fatal(err)
	}
	again, err := f.ResetPassword(f.ctx, u.ID)
	if err != nil || again == "" || again == oneTime {
		t.Fatalf("ResetPassword = %q, %v", again, err)
	}
	got = f.user(t, u.ID)
	if !got.MustChangePassword || !got.LockedUntil.IsZero() || got.FailedAttempts != 0 {
		t.Errorf("after reset: %+v", got)
	}
	if _, err := f.store.Session(f.ctx, sess.IDHash); !errors.Is(err, floorplan.ErrNotFound) {
		t.Error("a session survived the reset")
	}
	if _, _, _, err := f.SignIn(f.ctx, "inspector", "Inspector-1", "", "a"); err == nil {
		t.Error("the password before the reset still signs in")
	}
	if _, _, _, err := f.SignIn(f.ctx, "inspector", again, "", "a"); err != nil {
		t.Errorf("the reset password: %v", err)
	}
}

func TestPasswordExpiry(t *testing.T) {
	p := identity.DefaultPolicy()
	p.Expiry = 90 * 24 * time.Hour
	f := newFixture(t, identity.Options{Policy: p})
	u := f.add(t, "planner", pw, identity.RolePlanner)
	if !u.PasswordExpires.Equal(t0.Add(p.Expiry)) {
		t.Errorf("PasswordExpires = %v", u.PasswordExpires)
	}
	if got, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "a"); err != nil || got.MustChangePassword {
		t.Fatalf("before expiry: %v, %v", err, got.MustChangePassword)
	}
	f.clock.Pass(p.Expiry)
	if got, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "a"); err != nil || !got.MustChangePassword {
		t.Fatalf("at expiry: %v, MustChangePassword %v", err, got.MustChangePassword)
	}
	if err := f.ChangePassword(f.ctx, u.ID, pw, "Planner-pass2"); err != nil {
		t.Fatal(err)
	}
	if got := f.user(t, u.ID); got.MustChangePassword || !got.PasswordExpires.Equal(f.clock.Now().Add(p.Expiry)) {
		t.Errorf("after the change: %+v", got)
	}
}

func TestChangePassword(t *testing.T) {
	f := newFixture(t, identity.Options{})
	u := f.add(t, "planner", pw, identity.RolePlanner)
	other := f.add(t, "viewer", pw, identity.RoleViewer)
	me := f.as(u, "")

	current := pw
	for i := 1; i <= 6; i++ {
		next := fmt.Sprintf("Planner-new%d", i)
		if err := f.ChangePassword(me, u.ID, current, next); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		current = next
	}
	if got := f.user(t, u.ID); len(got.PasswordHistory) != 5 {
		t.Errorf("history holds %d hashes, want 5", len(got.PasswordHistory))
	}
	tests := []struct {
		name     string
		ctx      context.Context
		old, new string
		want     error
	}{
		{"wrong old password", me, "Wrong-pass1", "Planner-fresh1", identity.ErrUnauthenticated},
		{"too short", me, current, "Ab1-", floorplan.ErrInvalid},
		{"two classes", me, current, "planner-fresh", floorplan.ErrInvalid},
		{"the current one", me, current, current, floorplan.ErrInvalid},
		{"the one before", me, current, "Planner-new5", floorplan.ErrInvalid},
		{"five changes ago", me, current, "Planner-new1", floorplan.ErrInvalid},
		{"another user's", f.as(other, ""), current, "Planner-fresh1", floorplan.ErrForbidden},
		{"six changes ago: allowed", me, current, pw, nil},
	}
	for _, tc := range tests {
		err := f.ChangePassword(tc.ctx, u.ID, tc.old, tc.new)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: ChangePassword = %v, want %v", tc.name, err, tc.want)
		}
	}
	if r := f.lastAudit(t); r.Action != "user.passwd" || r.Username != "planner" || r.Addr != "192.0.2.200" {
		t.Errorf("audit %+v", r)
	}
}

func TestSessionLifetime(t *testing.T) {
	f := newFixture(t, identity.Options{SignInPerMinute: 1000})
	u := f.add(t, "planner", pw, identity.RolePlanner)
	signIn := func() string {
		_, _, secret, err := f.SignIn(f.ctx, "planner", pw, "", "a")
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	auth := func(secret string, at time.Time) error {
		_, _, err := f.Authenticate(f.ctx, secret, at)
		return err
	}

	t.Run("idle timeout", func(t *testing.T) {
		secret := signIn()
		start := f.clock.Now()
		if err := auth(secret, start.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if s, _ := f.store.Session(f.ctx, identity.HashSecret(secret)); !s.LastSeen.Equal(start) {
			t.Errorf("LastSeen written after 30 s (%v): at most once a minute", s.LastSeen)
		}
		seen := start.Add(29 * time.Minute)
		if _, sess, err := f.Authenticate(f.ctx, secret, seen); err != nil || !sess.LastSeen.Equal(seen) {
			t.Fatalf("after 29 idle minutes: %v, LastSeen %v", err, sess.LastSeen)
		}
		if s, _ := f.store.Session(f.ctx, identity.HashSecret(secret)); !s.LastSeen.Equal(seen) {
			t.Errorf("stored LastSeen %v, want %v", s.LastSeen, seen)
		}
		last := seen.Add(30*time.Minute - time.Second)
		if err := auth(secret, last); err != nil {
			t.Fatalf("just under 30 idle minutes: %v", err)
		}
		if err := auth(secret, last.Add(30*time.Minute)); !errors.Is(err, identity.ErrUnauthenticated) {
			t.Fatalf("30 minutes idle: %v", err)
		}
		if _, err := f.store.Session(f.ctx, identity.HashSecret(secret)); !errors.Is(err, floorplan.ErrNotFound) {
			t.Error("an idle session was not ended")
		}
	})

	t.Run("absolute lifetime", func(t *testing.T) {
		secret := signIn()
		start := f.clock.Now()
		at := start
		for at.Before(start.Add(12*time.Hour - 20*time.Minute)) {
			at = at.Add(20 * time.Minute)
			if err := auth(secret, at); err != nil {
				t.Fatalf("active session at %v: %v", at.Sub(start), err)
			}
		}
		if err := auth(secret, start.Add(12*time.Hour)); !errors.Is(err, identity.ErrUnauthenticated) {
			t.Fatalf("an active session after 12 hours: %v", err)
		}
	})

	t.Run("refused secrets", func(t *testing.T) {
		now := f.clock.Now()
		for _, s := range []string{"", "unknown", identity.TokenPrefix + "x"} {
			if err := auth(s, now); !errors.Is(err, identity.ErrUnauthenticated) {
				t.Errorf("Authenticate(%q) = %v", s, err)
			}
		}
	})

	t.Run("sign out", func(t *testing.T) {
		secret := signIn()
		if err := f.SignOut(f.ctx, secret); err != nil {
			t.Fatal(err)
		}
		if err := auth(secret, f.clock.Now()); !errors.Is(err, identity.ErrUnauthenticated) {
			t.Errorf("after sign-out: %v", err)
		}
		if r := f.lastAudit(t); r.Action != "session.sign_out" || r.Username != "planner" {
			t.Errorf("audit %+v", r)
		}
		if err := f.SignOut(f.ctx, secret); err != nil {
			t.Errorf("signing out twice: %v", err)
		}
	})

	t.Run("disabled user", func(t *testing.T) {
		secret := signIn()
		if err := f.Disable(f.ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := auth(secret, f.clock.Now()); !errors.Is(err, identity.ErrUnauthenticated) {
			t.Errorf("a disabled user's session: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	f := newFixture(t, identity.Options{})
	u := f.add(t, "importer", pw, identity.RolePlanner)
	other := f.add(t, "viewer", pw, identity.RoleViewer)
	me := f.as(u, "")

	plain, tok, err := f.NewToken(me, u.ID, "夜间导入", 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, identity.TokenPrefix) || len(plain) != 47 || tok.Hash != identity.HashSecret(plain) ||
		!tok.ExpiresAt.Equal(t0.Add(30*24*time.Hour)) || tok.ID == uuid.Nil {
		t.Fatalf("NewToken = %q, %+v", plain, tok)
	}
	if r := f.lastAudit(t); r.Action != "token.create" || strings.Contains(r.Detail, plain) {
		t.Errorf("audit %+v (must not hold the secret)", r)
	}

	at := t0.Add(time.Hour)
	got, gotTok, err := f.AuthenticateToken(f.ctx, plain, at)
	if err != nil || got.ID != u.ID || gotTok.ID != tok.ID || !gotTok.LastUsed.Equal(at) {
		t.Fatalf("AuthenticateToken = %v, %+v, %v", got.Username, gotTok, err)
	}
	if stored, _ := f.store.TokenByHash(f.ctx, tok.Hash); !stored.LastUsed.Equal(at) {
		t.Errorf("LastUsed not stored: %v", stored.LastUsed)
	}

	tests := []struct {
		name   string
		secret string
		at     time.Time
	}{
		{"expired", plain, tok.ExpiresAt},
		{"without the prefix", strings.TrimPrefix(plain, identity.TokenPrefix), at},
		{"unknown", identity.TokenPrefix + "AAAA", at},
		{"empty", "", at},
	}
	for _, tc := range tests {
		if _, _, err := f.AuthenticateToken(f.ctx, tc.secret, tc.at); !errors.Is(err, identity.ErrUnauthenticated) {
			t.Errorf("%s: AuthenticateToken = %v", tc.name, err)
		}
	}
	if _, _, err := f.AuthenticateToken(f.ctx, plain, tok.ExpiresAt.Add(-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}

	if err := f.RevokeToken(f.as(other, ""), u.ID, tok.ID); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("another user revoking: %v", err)
	}
	if err := f.RevokeToken(f.as(other, ""), other.ID, tok.ID); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("revoking another's token as one's own: %v", err)
	}
	if err := f.RevokeToken(me, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.AuthenticateToken(f.ctx, plain, at); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("a revoked token: %v", err)
	}

	plain2, _, err := f.NewToken(f.ctx, u.ID, "cli", time.Hour) // the CLI, without a caller
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Disable(f.ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.AuthenticateToken(f.ctx, plain2, t0); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("a disabled user's token: %v", err)
	}

	for name, call := range map[string]func() error{
		"no lifetime":    func() error { _, _, err := f.NewToken(f.ctx, other.ID, "x", 0); return err },
		"no name":        func() error { _, _, err := f.NewToken(f.ctx, other.ID, " ", time.Hour); return err },
		"disabled owner": func() error { _, _, err := f.NewToken(f.ctx, u.ID, "x", time.Hour); return err },
	} {
		if err := call(); !errors.Is(err, floorplan.ErrInvalid) {
			t.Errorf("NewToken, %s: %v", name, err)
		}
	}
	if _, _, err := f.NewToken(me, other.ID, "x", time.Hour); !errors.Is(err, floorplan.ErrForbidden) {
		t.Errorf("NewToken for another user: %v", err)
	}
}

func TestAddUser(t *testing.T) {
	f := newFixture(t, identity.Options{})
	u, oneTime, err := f.AddUser(f.ctx, "Zhang.Wei", []identity.Grant{{Role: identity.RoleViewer}}, "Zhangwei-2026")
	if err != nil || oneTime != "" || u.Username != "zhang.wei" || u.MustChangePassword || u.ID == uuid.Nil {
		t.Fatalf("AddUser = %+v, %q, %v", u, oneTime, err)
	}
	tests := []struct {
		name   string
		user   string
		grants []identity.Grant
		pw     string
		want   error
	}{
		{"taken in another case", "ZHANG.WEI", nil, "", floorplan.ErrConflict},
		{"bad name", "zhang wei", nil, "", floorplan.ErrInvalid},
		{"weak password", "li.na", nil, "password", floorplan.ErrInvalid},
		{"unknown role", "li.na", []identity.Grant{{Role: "root"}}, "", floorplan.ErrInvalid},
		{"agency manager without an agency", "li.na", []identity.Grant{{Role: identity.RoleAgencyManager}}, "", floorplan.ErrInvalid},
	}
	for _, tc := range tests {
		if _, _, err := f.AddUser(f.ctx, tc.user, tc.grants, tc.pw); !errors.Is(err, tc.want) {
			t.Errorf("%s: AddUser = %v, want %v", tc.name, err, tc.want)
		}
	}
	if r := f.lastAudit(t); r.Action != "user.add" || r.Target != "user zhang.wei" || r.Username != "system" {
		t.Errorf("audit %+v", r)
	}
}

func TestBootstrap(t *testing.T) {
	f := newFixture(t, identity.Options{})
	u, oneTime, err := f.Bootstrap(f.ctx, "admin")
	if err != nil || oneTime == "" || len(u.Grants) != 1 || u.Grants[0].Role != identity.RoleSysAdmin || !u.MustChangePassword {
		t.Fatalf("Bootstrap on an empty store = %+v, %q, %v", u, oneTime, err)
	}
	if u, oneTime, err := f.Bootstrap(f.ctx, "admin2"); err != nil || u.ID != uuid.Nil || oneTime != "" {
		t.Errorf("Bootstrap on a store with users = %+v, %q, %v", u, oneTime, err)
	}
}

func TestAdministration(t *testing.T) {
	f := newFixture(t, identity.Options{})
	sys := f.add(t, "sysadmin", pw, identity.RoleSysAdmin)
	sec := f.add(t, "secadmin", pw, identity.RoleSecAdmin)
	aud := f.add(t, "auditor", pw, identity.RoleAuditor)
	bureau := f.add(t, "bureau", pw, identity.RoleBureauAdmin)
	planner := f.add(t, "planner", pw, identity.RolePlanner)
	viewer := []identity.Grant{{Role: identity.RoleViewer}}

	tests := []struct {
		name string
		as   identity.User
		call func(ctx context.Context) error
		want error
	}{
		{"sysadmin adds a user without roles", sys, func(ctx context.Context) error {
			_, _, err := f.AddUser(ctx, "new.user", nil, "")
			return err
		}, nil},
		{"sysadmin may not give roles", sys, func(ctx context.Context) error {
			_, _, err := f.AddUser(ctx, "new.user2", viewer, "")
			return err
		}, floorplan.ErrForbidden},
		{"sysadmin resets a password", sys, func(ctx context.Context) error { _, err := f.ResetPassword(ctx, planner.ID); return err }, nil},
		{"sysadmin disables a user", sys, func(ctx context.Context) error { return f.Disable(ctx, bureau.ID) }, nil},
		{"sysadmin enables a user", sys, func(ctx context.Context) error { return f.Enable(ctx, bureau.ID) }, nil},
		{"sysadmin may not disable itself", sys, func(ctx context.Context) error { return f.Disable(ctx, sys.ID) }, floorplan.ErrForbidden},
		{"sysadmin may not grant", sys, func(ctx context.Context) error { return f.Grant(ctx, planner.ID, viewer) }, floorplan.ErrForbidden},
		{"sysadmin may not read the audit log", sys, func(ctx context.Context) error {
			_, err := f.AuditLog(ctx, identity.AuditFilter{})
			return err
		}, floorplan.ErrForbidden},
		{"secadmin grants", sec, func(ctx context.Context) error { return f.Grant(ctx, planner.ID, viewer) }, nil},
		{"secadmin may not grant itself", sec, func(ctx context.Context) error {
			return f.Grant(ctx, sec.ID, []identity.Grant{{Role: identity.RoleSysAdmin}})
		}, floorplan.ErrForbidden},
		{"secadmin may not add users", sec, func(ctx context.Context) error {
			_, _, err := f.AddUser(ctx, "new.user3", nil, "")
			return err
		}, floorplan.ErrForbidden},
		{"secadmin may not disable", sec, func(ctx context.Context) error { return f.Disable(ctx, planner.ID) }, floorplan.ErrForbidden},
		{"secadmin grants an unknown role", sec, func(ctx context.Context) error {
			return f.Grant(ctx, planner.ID, []identity.Grant{{Role: "root"}})
		}, floorplan.ErrInvalid},
		{"auditor reads the audit log", aud, func(ctx context.Context) error {
			_, err := f.AuditLog(ctx, identity.AuditFilter{})
			return err
		}, nil},
		{"auditor verifies the audit log", aud, func(ctx context.Context) error { _, err := f.VerifyAudit(ctx); return err }, nil},
		{"auditor may not purge the audit log", aud, func(ctx context.Context) error { _, err := f.PurgeAudit(ctx); return err }, floorplan.ErrForbidden},
		{"auditor may not reset passwords", aud, func(ctx context.Context) error { _, err := f.ResetPassword(ctx, planner.ID); return err }, floorplan.ErrForbidden},
		{"bureau admin may not add users", bureau, func(ctx context.Context) error {
			_, _, err := f.AddUser(ctx, "new.user4", nil, "")
			return err
		}, floorplan.ErrForbidden},
		{"bureau admin may not grant", bureau, func(ctx context.Context) error { return f.Grant(ctx, planner.ID, viewer) }, floorplan.ErrForbidden},
		{"planner may not reset a second factor", planner, func(ctx context.Context) error { return f.ResetTOTP(ctx, sys.ID) }, floorplan.ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(f.as(tc.as, ""))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if errors.Is(tc.want, floorplan.ErrForbidden) {
				r := f.lastAudit(t)
				if r.Action != "permission.denied" || r.Outcome != identity.OutcomeDenied || r.Username != tc.as.Username || r.Addr != "192.0.2.200" {
					t.Errorf("audit %+v, want a denial by %s", r, tc.as.Username)
				}
			}
		})
	}
	if got := f.user(t, planner.ID); len(got.Grants) != 1 || got.Grants[0].Role != identity.RoleViewer {
		t.Errorf("planner's grants after the secadmin's grant: %v", got.Grants)
	}
	r, _ := f.store.Audit(f.ctx, identity.AuditFilter{Action: "user.role"})
	if len(r) != 1 || r[0].Username != "secadmin" || !strings.Contains(r[0].Detail, `"role":"viewer"`) {
		t.Errorf("user.role audit: %+v", r)
	}
}

func TestAuditTrail(t *testing.T) {
	p := identity.DefaultPolicy()
	f := newFixture(t, identity.Options{Policy: p})
	u := f.add(t, "planner", pw, identity.RolePlanner)
	_, _, secret, err := f.SignIn(f.ctx, "planner", pw, "", "a")
	if err != nil {
		t.Fatal(err)
	}
	f.SignIn(f.ctx, "planner", "Wrong-pass1", "", "a")
	if _, err := f.Audit(f.as(u, ""), identity.AuditRecord{Action: "write.room.update", Target: "room 101",
		Outcome: identity.OutcomeOK, Detail: `{"changes":[7]}`}); err != nil {
		t.Fatal(err)
	}
	if err := f.SignOut(f.ctx, secret); err != nil {
		t.Fatal(err)
	}
	rs, err := f.store.Audit(f.ctx, identity.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range rs {
		actions = append(actions, r.Action)
	}
	want := "[user.add session.sign_in session.sign_in_failed write.room.update session.sign_out]"
	if fmt.Sprint(actions) != want {
		t.Errorf("audit actions %v, want %s", actions, want)
	}
	if w := rs[3]; w.Username != "planner" || w.Role != "planner" || w.Addr != "192.0.2.200" || !w.At.Equal(t0) {
		t.Errorf("a record through Audit: %+v", w)
	}
	if seq, err := f.VerifyAudit(f.ctx); seq != 0 || err != nil {
		t.Fatalf("VerifyAudit = %d, %v", seq, err)
	}

	// Through the store, as a database superuser would.
	f.store.Tamper(3, func(r *identity.AuditRecord) { r.Outcome = identity.OutcomeOK })
	if seq, err := f.VerifyAudit(f.ctx); seq != 3 || !errors.Is(err, identity.ErrChainBroken) {
		t.Errorf("VerifyAudit after tampering with record 3 = %d, %v", seq, err)
	}
	f.store.Tamper(3, func(r *identity.AuditRecord) { r.Outcome = identity.OutcomeFailed })
	if seq, err := f.VerifyAudit(f.ctx); seq != 0 || err != nil {
		t.Fatalf("VerifyAudit after undoing = %d, %v", seq, err)
	}

	// The retention purge announces itself, so that the log kept still verifies.
	f.clock.Pass(p.AuditRetention + time.Hour)
	if _, _, _, err := f.SignIn(f.ctx, "planner", pw, "", "a"); err != nil {
		t.Fatal(err)
	}
	n, err := f.PurgeAudit(f.ctx)
	if err != nil || n != 5 {
		t.Fatalf("PurgeAudit = %d, %v; want 5", n, err)
	}
	if seq, err := f.VerifyAudit(f.ctx); seq != 0 || err != nil {
		t.Errorf("VerifyAudit after the purge = %d, %v", seq, err)
	}
	if n, err := f.PurgeAudit(f.ctx); n != 0 || err != nil {
		t.Errorf("a second purge = %d, %v", n, err)
	}
}
