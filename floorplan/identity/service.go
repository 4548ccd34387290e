package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Options configure a Service. The zero value is the default everywhere.
type Options struct {
	Policy Policy           // zero: DefaultPolicy()
	Now    func() time.Time // nil: time.Now
	// SignInPerMinute is how many sign-ins one source address may try a minute, after a burst of
	// SignInBurst; 0: 10 and 10. MaxAddrs bounds the addresses remembered; 0: 10 000.
	SignInPerMinute int
	SignInBurst     int
	MaxAddrs        int
	// MaxHashing bounds the password hashes computed at once (64 MiB of memory each); 0: GOMAXPROCS.
	MaxHashing int
	// ExemptTOTP, when set, exempts the users it reports from enrolling a second factor
	// (NeedsTOTPEnrolment). For `officemap demo` only, whose users need no second factor; nil (every
	// real server) exempts no one.
	ExemptTOTP func(User) bool
	// CredentialTTL is how long an authenticated session or token secret is answered from memory
	// (credcache.go); 0: DefaultCredentialTTL, negative: never.
	CredentialTTL time.Duration
}

// Service is the one door to accounts: sign-in with lockout, rate limit and second factor; sessions
// and tokens; password changes and resets; grants; and the audit log, which records every one of
// them. The HTTP layer and the CLI translate their input into calls on it.
//
// Administrative methods check the Caller in the context (WithCaller) against the role matrix and
// return floorplan.ErrForbidden (audited as permission.denied) when it may not; a context without a
// caller is the operator at the console (the CLI, the first start) and may.
type Service struct {
	store  Store
	policy Policy
	now    func() time.Time
	limit  *limiter
	hash   func(pw string) (string, error)
	sem    chan struct{}   // bounds concurrent argon2 work
	exempt func(User) bool // Options.ExemptTOTP
	creds  credCache

	dummyOnce sync.Once
	dummy     string // a hash to check against when there is no user, so that a miss takes as long as a hit
}

// NewService returns a Service on store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, policy: opts.Policy, now: opts.Now, hash: HashPassword, exempt: opts.ExemptTOTP}
	s.creds.ttl = opts.CredentialTTL
	if s.creds.ttl == 0 {
		s.creds.ttl = DefaultCredentialTTL
	}
	if s.policy == (Policy{}) {
		s.policy = DefaultPolicy()
	}
	if s.now == nil {
		s.now = time.Now
	}
	rate, burst, addrs := opts.SignInPerMinute, opts.SignInBurst, opts.MaxAddrs
	if rate <= 0 {
		rate = 10
	}
	if burst <= 0 {
		burst = rate
	}
	if addrs <= 0 {
		addrs = 10000
	}
	s.limit = newLimiter(rate, burst, addrs)
	n := opts.MaxHashing
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	s.sem = make(chan struct{}, n)
	return s
}

// Policy returns the policy the service applies.
func (s *Service) Policy() Policy { return s.policy }

// NeedsTOTPEnrolment reports whether u holds an administrator role (Role.Admin) without a second
// factor. Such a user's sign-in succeeds with Session.MFA false so that the app can make them enrol;
// until they have, the HTTP layer lets the session do nothing else (as for MustChangePassword).
// Options.ExemptTOTP (the demo's) exempts the users it reports.
func (s *Service) NeedsTOTPEnrolment(u User) bool {
	return u.Admin() && !u.TOTPEnabled && (s.exempt == nil || !s.exempt(u))
}

// SignIn checks a user's password (and second factor, when enrolled) and starts a session. It returns
// the user, the session and the session's secret for the cookie (shown this once; the store keeps its
// hash).
//
// Any refusal — an unknown user, a wrong password or code, a locked or disabled account — is
// ErrUnauthenticated and nothing more; the audit log says which. Policy.LockAfter consecutive
// failures lock the account for Policy.LockFor, during which even the right password is refused; a
// success resets the count. A right password for an account with a second factor and no code is
// ErrOTPRequired. Too many attempts from addr is ErrRateLimited. A user who must change their password
// (MustChangePassword, also set once the password has expired) or enrol a second factor
// (NeedsTOTPEnrolment) signs in all the same: the app then makes them do it first.
func (s *Service) SignIn(ctx context.Context, username, password, otp, addr string) (User, Session, string, error) {
	now := s.now()
	fail := func(u User, name, detail string) (User, Session, string, error) {
		r := AuditRecord{UserID: u.ID, Username: name, Role: u.RoleNames(), Addr: addr,
			Action: "session.sign_in_failed", Target: "user " + name, Outcome: OutcomeFailed, Detail: detail}
		if err := s.append(ctx, r); err != nil {
			return User{}, Session{}, "", err
		}
		return User{}, Session{}, "", ErrUnauthenticated
	}
	shown := Clip(strings.ToLower(strings.TrimSpace(username)), 64)

	if ok, first := s.limit.allow(addr, now); !ok {
		if first {
			r := AuditRecord{Username: shown, Addr: addr, Action: "session.sign_in_failed",
				Target: "user " + shown, Outcome: OutcomeDenied, Detail: "rate limited"}
			if err := s.append(ctx, r); err != nil {
				return User{}, Session{}, "", err
			}
		}
		return User{}, Session{}, "", ErrRateLimited
	}

	name, err := NormalizeUsername(username)
	var u User
	if err == nil {
		u, err = s.store.UserByName(ctx, name)
	}
	var refused string // why the account is refused whatever the password
	switch {
	case errors.Is(err, floorplan.ErrNotFound), errors.Is(err, floorplan.ErrInvalid):
		u, refused = User{Username: shown}, "unknown user"
	case err != nil:
		return User{}, Session{}, "", err
	case u.Disabled:
		refused = "account disabled"
	case u.LockedUntil.After(now):
		refused = "account locked until " + u.LockedUntil.UTC().Format(time.RFC3339)
	case u.PasswordHash == "":
		refused = "no local password (single sign-on only)"
	}
	if refused != "" {
		// Check a password all the same, so that a refusal takes as long as a wrong password.
		if _, err := s.check(ctx, s.dummyHash(), password); err != nil {
			return User{}, Session{}, "", err
		}
		return fail(u, u.Username, refused)
	}
	if ok, err := s.check(ctx, u.PasswordHash, password); err != nil {
		return User{}, Session{}, "", err
	} else if !ok {
		return s.failAttempt(ctx, u, now, addr, "wrong password")
	}
	if u.TOTPEnabled {
		if strings.TrimSpace(otp) == "" {
			return User{}, Session{}, "", ErrOTPRequired
		}
		if !CheckTOTP(u.TOTPSecret, otp, now) {
			return s.failAttempt(ctx, u, now, addr, "wrong one-time code")
		}
		if _, ok := MatchTOTP(u.TOTPSecret, otp, now, u.LastTOTPStep); !ok {
			return s.failAttempt(ctx, u, now, addr, "one-time code already used")
		}
	}

	mfa := u.TOTPEnabled
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		if u.Disabled || u.LockedUntil.After(now) { // changed since it was read
			return false, ErrUnauthenticated
		}
		var step int64
		if mfa && u.TOTPEnabled {
			// Record the code's step, against the latest one stored: a code is good once only.
			var ok bool
			if step, ok = MatchTOTP(u.TOTPSecret, otp, now, u.LastTOTPStep); !ok {
				return false, errTOTPReplay
			}
		}
		changed := u.FailedAttempts != 0 || !u.LockedUntil.IsZero()
		u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		if step != 0 {
			u.LastTOTPStep, changed = step, true
		}
		if !u.PasswordExpires.IsZero() && !now.Before(u.PasswordExpires) && !u.MustChangePassword {
			u.MustChangePassword, changed = true, true
		}
		return changed, nil
	})
	if errors.Is(err, ErrUnauthenticated) {
		return fail(u, u.Username, "account locked or disabled meanwhile")
	}
	if errors.Is(err, errTOTPReplay) {
		return s.failAttempt(ctx, u, now, addr, "one-time code already used")
	}
	if err != nil {
		return User{}, Session{}, "", err
	}

	secret, hash := NewSecret()
	sess := Session{IDHash: hash, UserID: u.ID, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.policy.Lifetime), Addr: addr, MFA: u.TOTPEnabled}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return User{}, Session{}, "", err
	}
	r := AuditRecord{UserID: u.ID, Username: u.Username, Role: u.RoleNames(), Addr: addr,
		Action: "session.sign_in", Target: "user " + u.Username, Outcome: OutcomeOK, Detail: s.signInNotes(u, sess)}
	if err := s.append(ctx, r); err != nil {
		_ = s.forgetting(s.store.DeleteSession(ctx, hash)) // no session without its record
		return User{}, Session{}, "", err
	}
	return u, sess, secret, nil
}

// signInNotes is the detail of a sign-in's audit record: the second factor, and what the user must do
// before anything else.
func (s *Service) signInNotes(u User, sess Session) string {
	var notes []string
	if sess.MFA {
		notes = append(notes, "second factor")
	}
	if u.MustChangePassword {
		notes = append(notes, "must change password")
	}
	if s.NeedsTOTPEnrolment(u) {
		notes = append(notes, "must enrol second factor")
	}
	return strings.Join(notes, "; ")
}

// SignInExternal starts a session for a user whom an external identity provider (OpenID Connect single
// sign-on) has authenticated, and returns it as SignIn does. claimed.ExternalSubject ("iss|sub") is who
// the user is there and claimed.Username the name the provider gives them. The account is the one
// linked to that subject, else an account of that name not yet linked (made beforehand by an
// operator: it is linked now, and an unused one-time password is dropped), else a new one without a
// password. Grants nil leaves the roles to the administrators (a new account has none); otherwise
// they are the provider's and replace the stored ones (audited as user.role).
//
// Refused with ErrUnauthenticated and audited: a disabled account, a name linked to another subject,
// and an administrator role (Role.Admin), which signs in here with its second factor.
func (s *Service) SignInExternal(ctx context.Context, claimed User, addr string) (User, Session, string, error) {
	now := s.now()
	fail := func(u User, detail string) (User, Session, string, error) {
		r := AuditRecord{UserID: u.ID, Username: u.Username, Role: u.RoleNames(), Addr: addr,
			Action: "session.sign_in_failed", Target: "user " + u.Username, Outcome: OutcomeFailed,
			Detail: "single sign-on: " + detail + "; subject " + Clip(claimed.ExternalSubject, 300)}
		if err := s.append(ctx, r); err != nil {
			return User{}, Session{}, "", err
		}
		return User{}, Session{}, "", ErrUnauthenticated
	}
	name, err := NormalizeUsername(claimed.Username)
	if claimed.ExternalSubject == "" || err != nil {
		return fail(User{Username: Clip(claimed.Username, 64)}, "no subject or an unusable user name")
	}
	if err := validGrants(claimed.Grants); err != nil {
		return fail(User{Username: name}, err.Error())
	}
	const adminRefused = "administrator roles sign in with a password and second factor"
	if claimed.Admin() {
		return fail(User{Username: name}, adminRefused)
	}
	u, err := s.store.UserBySubject(ctx, claimed.ExternalSubject)
	if errors.Is(err, floorplan.ErrNotFound) {
		u, err = s.store.UserByName(ctx, name)
	}
	var notes []string
	switch {
	case errors.Is(err, floorplan.ErrNotFound):
		u = User{Username: name, DisplayName: claimed.DisplayName, Grants: claimed.Grants,
			ExternalSubject: claimed.ExternalSubject}
		if u.DisplayName == "" {
			u.DisplayName = name
		}
		if err := s.store.CreateUser(ctx, &u); errors.Is(err, floorplan.ErrConflict) {
			return fail(User{Username: name}, "user name or subject taken meanwhile")
		} else if err != nil {
			return User{}, Session{}, "", err
		}
		notes = append(notes, "provisioned with "+grantsJSON(u.Grants))
	case err != nil:
		return User{}, Session{}, "", err
	case u.ExternalSubject != "" && u.ExternalSubject != claimed.ExternalSubject:
		return fail(u, "the account is linked to another subject")
	}
	if u.Disabled {
		return fail(u, "account disabled")
	}
	if u.Admin() {
		return fail(u, adminRefused)
	}
	before := grantsJSON(u.Grants)
	if u.ExternalSubject == "" {
		notes = append(notes, "linked to an existing account")
	}
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		if u.Disabled || (u.ExternalSubject != "" && u.ExternalSubject != claimed.ExternalSubject) {
			return false, ErrUnauthenticated // changed since it was read
		}
		changed := false
		if u.ExternalSubject == "" {
			u.ExternalSubject, changed = claimed.ExternalSubject, true
			if u.MustChangePassword {
				u.PasswordHash, u.MustChangePassword, u.PasswordExpires = "", false, time.Time{}
			}
		}
		if claimed.Grants != nil && grantsJSON(u.Grants) != grantsJSON(claimed.Grants) {
			u.Grants, changed = claimed.Grants, true
		}
		return changed, nil
	})
	if errors.Is(err, ErrUnauthenticated) {
		return fail(u, "account disabled or linked meanwhile")
	}
	if err != nil {
		return User{}, Session{}, "", err
	}
	if after := grantsJSON(u.Grants); after != before {
		err := s.append(ctx, AuditRecord{UserID: u.ID, Username: u.Username, Role: u.RoleNames(), Addr: addr,
			Action: "user.role", Target: "user " + u.Username, Outcome: OutcomeOK,
			Detail: before + " → " + after + " (single sign-on claim)"})
		if err != nil {
			return User{}, Session{}, "", err
		}
	}
	secret, hash := NewSecret()
	sess := Session{IDHash: hash, UserID: u.ID, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.policy.Lifetime), Addr: addr}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return User{}, Session{}, "", err
	}
	r := AuditRecord{UserID: u.ID, Username: u.Username, Role: u.RoleNames(), Addr: addr,
		Action: "session.sign_in_sso", Target: "user " + u.Username, Outcome: OutcomeOK,
		Detail: Clip(strings.Join(append(notes, "subject "+claimed.ExternalSubject), "; "), 1000)}
	if err := s.append(ctx, r); err != nil {
		_ = s.forgetting(s.store.DeleteSession(ctx, hash)) // no session without its record
		return User{}, Session{}, "", err
	}
	return u, sess, secret, nil
}

// errTOTPReplay is a one-time code whose step has been used already (User.LastTOTPStep), found when
// recording the sign-in.
var errTOTPReplay = errors.New("identity: one-time code already used")

// failAttempt counts a failed attempt on u (locking it at Policy.LockAfter), audits it and returns
// ErrUnauthenticated.
func (s *Service) failAttempt(ctx context.Context, u User, now time.Time, addr, detail string) (User, Session, string, error) {
	u, err := s.update(ctx, u, func(u *User) (bool, error) {
		if !u.LockedUntil.IsZero() && !u.LockedUntil.After(now) { // a lock that has ended starts a new count
			u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		}
		u.FailedAttempts++
		if s.policy.LockAfter > 0 && u.FailedAttempts >= s.policy.LockAfter && !u.LockedUntil.After(now) {
			u.LockedUntil = now.Add(s.policy.LockFor)
		}
		return true, nil
	})
	if err != nil {
		return User{}, Session{}, "", err
	}
	if u.LockedUntil.After(now) {
		detail += fmt.Sprintf("; %d failures, locked until %s", u.FailedAttempts, u.LockedUntil.UTC().Format(time.RFC3339))
	}
	r := AuditRecord{UserID: u.ID, Username: u.Username, Role: u.RoleNames(), Addr: addr,
		Action: "session.sign_in_failed", Target: "user " + u.Username, Outcome: OutcomeFailed, Detail: detail}
	if err := s.append(ctx, r); err != nil {
		return User{}, Session{}, "", err
	}
	return User{}, Session{}, "", ErrUnauthenticated
}

// touchEvery is how stale LastSeen and LastUsed may get before a request writes them: a request does
// not write to the store each time, and the idle timeout is off by at most this much.
// forgetting empties the credentials cache after a write to users, sessions or tokens (whether or not it
// failed: it may have been applied) and returns its error.
func (s *Service) forgetting(err error) error {
	s.creds.forget()
	return err
}

func (s *Service) touchEvery() time.Duration {
	return min(time.Minute, s.policy.IdleTimeout/10)
}

// Authenticate returns the user and session of a session cookie's secret at time now. A session idle
// for Policy.IdleTimeout or older than its ExpiresAt is ended; it, an unknown secret and a disabled
// user are ErrUnauthenticated. It records the use in LastSeen (at most once every minute).
func (s *Service) Authenticate(ctx context.Context, secret string, now time.Time) (User, Session, error) {
	if secret == "" {
		return User{}, Session{}, ErrUnauthenticated
	}
	hash := HashSecret(secret)
	if e, ok := s.creds.get(hash, now); ok && e.session.IDHash != "" && now.Before(e.session.ExpiresAt) &&
		now.Sub(e.session.LastSeen) < s.touchEvery() {
		return e.user, e.session, nil // kept within the TTL, and neither expired, idle nor due a touch
	}
	sess, err := s.store.Session(ctx, hash)
	if err != nil {
		return User{}, Session{}, unauthenticated(err)
	}
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeen) >= s.policy.IdleTimeout {
		if err := s.forgetting(s.store.DeleteSession(ctx, hash)); err != nil && !errors.Is(err, floorplan.ErrNotFound) {
			return User{}, Session{}, err
		}
		return User{}, Session{}, ErrUnauthenticated
	}
	u, err := s.enabledUser(ctx, sess.UserID)
	if err != nil {
		return User{}, Session{}, err
	}
	if now.Sub(sess.LastSeen) >= s.touchEvery() {
		if err := s.store.TouchSession(ctx, hash, now); err != nil {
			return User{}, Session{}, err
		}
		sess.LastSeen = now
	}
	s.creds.put(hash, credEntry{user: u, session: sess, at: now})
	return u, sess, nil
}

// AuthenticateToken returns the user and token of an API token's secret at time now: an unknown,
// revoked or expired token, or a disabled owner, is ErrUnauthenticated. The token acts with its
// owner's grants as they are now. It records the use in LastUsed (at most once every minute).
func (s *Service) AuthenticateToken(ctx context.Context, secret string, now time.Time) (User, Token, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return User{}, Token{}, ErrUnauthenticated
	}
	hash := HashSecret(secret)
	if e, ok := s.creds.get(hash, now); ok && e.token.ID != uuid.Nil && now.Before(e.token.ExpiresAt) &&
		now.Sub(e.token.LastUsed) < time.Minute {
		return e.user, e.token, nil // kept within the TTL, and neither expired nor due a touch
	}
	t, err := s.store.TokenByHash(ctx, hash)
	if err != nil {
		return User{}, Token{}, unauthenticated(err)
	}
	if !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
		return User{}, Token{}, ErrUnauthenticated
	}
	u, err := s.enabledUser(ctx, t.UserID)
	if err != nil {
		return User{}, Token{}, err
	}
	if now.Sub(t.LastUsed) >= time.Minute {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return User{}, Token{}, err
		}
		t.LastUsed = now
	}
	s.creds.put(hash, credEntry{user: u, token: t, at: now})
	return u, t, nil
}

// enabledUser returns the owner of a session or token being authenticated: a missing or disabled user
// is ErrUnauthenticated.
func (s *Service) enabledUser(ctx context.Context, id uuid.UUID) (User, error) {
	u, err := s.store.User(ctx, id)
	if err != nil {
		return User{}, unauthenticated(err)
	}
	if u.Disabled {
		return User{}, ErrUnauthenticated
	}
	return u, nil
}

// unauthenticated turns a store's ErrNotFound into ErrUnauthenticated, which does not say what was
// missing; other errors pass unchanged.
func unauthenticated(err error) error {
	if errors.Is(err, floorplan.ErrNotFound) {
		return ErrUnauthenticated
	}
	return err
}

// SignOut ends the session of a cookie's secret. An unknown or ended session is no error.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	hash := HashSecret(secret)
	sess, err := s.store.Session(ctx, hash)
	if errors.Is(err, floorplan.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.forgetting(s.store.DeleteSession(ctx, hash)); err != nil && !errors.Is(err, floorplan.ErrNotFound) {
		return err
	}
	r := AuditRecord{UserID: sess.UserID, Addr: sess.Addr, Action: "session.sign_out", Outcome: OutcomeOK}
	if u, err := s.store.User(ctx, sess.UserID); err == nil {
		r.Username, r.Role, r.Target = u.Username, u.RoleNames(), "user "+u.Username
	}
	if c, ok := CallerFrom(ctx); ok && c.Addr != "" {
		r.Addr = c.Addr
	}
	return s.append(ctx, r)
}

// ChangePassword sets userID's password to newPassword after checking oldPassword and the policy. A
// wrong old password counts as a failed sign-in; a refused new one is floorplan.ErrInvalid saying
// why. It ends the user's other sessions: all but the caller's own. Only the user may change their
// password; an administrator resets it (ResetPassword).
func (s *Service) ChangePassword(ctx context.Context, userID uuid.UUID, oldPassword, newPassword string) error {
	c, hasCaller := CallerFrom(ctx)
	if hasCaller && c.User.ID != userID {
		return s.deny(ctx, "user.passwd", "user "+userID.String())
	}
	now := s.now()
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	addr := c.Addr
	if u.Disabled || u.LockedUntil.After(now) {
		return ErrUnauthenticated
	}
	if ok, err := s.check(ctx, u.PasswordHash, oldPassword); err != nil {
		return err
	} else if !ok {
		_, _, _, err := s.failAttempt(ctx, u, now, addr, "wrong current password on change")
		return err
	}
	if err := s.checkNew(ctx, u, newPassword); err != nil {
		return err
	}
	hash, err := s.newHash(ctx, newPassword)
	if err != nil {
		return err
	}
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		u.PasswordHistory = pushHistory(*u, s.policy.History)
		u.PasswordHash = hash
		u.PasswordChangedAt = now
		u.MustChangePassword = false
		u.PasswordExpires = s.expiry(now)
		u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		return true, nil
	})
	if err != nil {
		return err
	}
	keep := ""
	if hasCaller {
		keep = c.Session
	}
	if err := s.forgetting(s.store.DeleteUserSessions(ctx, userID, keep)); err != nil {
		return err
	}
	return s.append(ctx, AuditRecord{Action: "user.passwd", Target: "user " + u.Username, Outcome: OutcomeOK,
		Detail: "other sessions ended"})
}

// ResetPassword gives userID a new one-time password, which it returns (to be handed over once), and
// makes the user change it at the next sign-in. It also lifts a lock and ends the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, userID uuid.UUID) (string, error) {
	if err := s.permit(ctx, ActionAdminUsers, "user.reset_password", "user "+userID.String()); err != nil {
		return "", err
	}
	now := s.now()
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return "", err
	}
	pw := oneTimePassword(s.policy)
	hash, err := s.newHash(ctx, pw)
	if err != nil {
		return "", err
	}
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		u.PasswordHistory = pushHistory(*u, s.policy.History)
		u.PasswordHash = hash
		u.PasswordChangedAt = now
		u.MustChangePassword = true
		u.PasswordExpires = time.Time{}
		u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		return true, nil
	})
	if err != nil {
		return "", err
	}
	if err := s.forgetting(s.store.DeleteUserSessions(ctx, userID, "")); err != nil {
		return "", err
	}
	if err := s.append(ctx, AuditRecord{Action: "user.reset_password", Target: "user " + u.Username, Outcome: OutcomeOK}); err != nil {
		return "", err
	}
	return pw, nil
}

// AddUser creates a user with grants. With password "" it makes a one-time password, returns it (to
// be handed over once) and makes the user change it at the first sign-in; a password given (the
// operator's, from --password-stdin, or the demo's) must pass the policy and is kept. A caller needs
// admin_users, and admin_roles too to give grants (三员分立: the system administrator makes accounts,
// the security administrator grants roles).
func (s *Service) AddUser(ctx context.Context, username string, grants []Grant, password string) (User, string, error) {
	if err := s.permit(ctx, ActionAdminUsers, "user.add", "user "+Clip(username, 64)); err != nil {
		return User{}, "", err
	}
	if len(grants) > 0 {
		if err := s.permit(ctx, ActionAdminRoles, "user.add", "user "+Clip(username, 64)); err != nil {
			return User{}, "", err
		}
	}
	name, err := NormalizeUsername(username)
	if err != nil {
		return User{}, "", err
	}
	if err := validGrants(grants); err != nil {
		return User{}, "", err
	}
	now := s.now()
	u := User{Username: name, DisplayName: name, Grants: grants}
	oneTime := ""
	if password == "" {
		password = oneTimePassword(s.policy)
		oneTime = password
		u.MustChangePassword = true
	} else if err := s.checkNew(ctx, u, password); err != nil {
		return User{}, "", err
	}
	if u.PasswordHash, err = s.newHash(ctx, password); err != nil {
		return User{}, "", err
	}
	u.PasswordChangedAt = now
	u.PasswordExpires = s.expiry(now)
	if err := s.store.CreateUser(ctx, &u); err != nil {
		return User{}, "", err
	}
	err = s.append(ctx, AuditRecord{Action: "user.add", Target: "user " + u.Username, Outcome: OutcomeOK,
		Detail: grantsJSON(grants)})
	if err != nil {
		return User{}, "", err
	}
	return u, oneTime, nil
}

// Bootstrap creates the first system administrator, named username, when the store has no user at
// all, and returns it with its one-time password; on a store with users it does nothing and returns
// the zero User.
func (s *Service) Bootstrap(ctx context.Context, username string) (User, string, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return User{}, "", err
	}
	u, pw, err := s.AddUser(ctx, username, []Grant{{Role: RoleSysAdmin}}, "")
	if errors.Is(err, floorplan.ErrConflict) { // another server made it first
		return User{}, "", nil
	}
	return u, pw, err
}

// Grant replaces userID's grants. A caller needs admin_roles and may not change their own grants.
func (s *Service) Grant(ctx context.Context, userID uuid.UUID, grants []Grant) error {
	if err := s.permit(ctx, ActionAdminRoles, "user.role", "user "+userID.String()); err != nil {
		return err
	}
	if c, ok := CallerFrom(ctx); ok && c.User.ID == userID {
		return s.deny(ctx, "user.role", "user "+c.User.Username)
	}
	if err := validGrants(grants); err != nil {
		return err
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	before := grantsJSON(u.Grants)
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		u.Grants = grants
		return true, nil
	})
	if err != nil {
		return err
	}
	return s.append(ctx, AuditRecord{Action: "user.role", Target: "user " + u.Username, Outcome: OutcomeOK,
		Detail: before + " → " + grantsJSON(grants)})
}

// Disable disables userID and ends its sessions; its tokens stop working. A caller needs admin_users
// and may not disable themselves.
func (s *Service) Disable(ctx context.Context, userID uuid.UUID) error {
	return s.setDisabled(ctx, userID, true)
}

// Enable enables userID again and lifts a lock. A caller needs admin_users.
func (s *Service) Enable(ctx context.Context, userID uuid.UUID) error {
	return s.setDisabled(ctx, userID, false)
}

func (s *Service) setDisabled(ctx context.Context, userID uuid.UUID, disabled bool) error {
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	if err := s.permit(ctx, ActionAdminUsers, action, "user "+userID.String()); err != nil {
		return err
	}
	if c, ok := CallerFrom(ctx); ok && c.User.ID == userID {
		return s.deny(ctx, action, "user "+c.User.Username)
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		u.Disabled = disabled
		if !disabled {
			u.FailedAttempts, u.LockedUntil = 0, time.Time{}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if disabled {
		if err := s.forgetting(s.store.DeleteUserSessions(ctx, userID, "")); err != nil {
			return err
		}
	}
	return s.append(ctx, AuditRecord{Action: action, Target: "user " + u.Username, Outcome: OutcomeOK})
}

// NewToken makes an API token for userID named name that expires after ttl, and returns its secret
// (to be shown once) and the token as stored. Only the user makes their own tokens (the CLI, without
// a caller, for anyone).
func (s *Service) NewToken(ctx context.Context, userID uuid.UUID, name string, ttl time.Duration) (string, Token, error) {
	if c, ok := CallerFrom(ctx); ok && c.User.ID != userID {
		return "", Token{}, s.deny(ctx, "token.create", "user "+userID.String())
	}
	if ttl <= 0 {
		return "", Token{}, floorplan.Invalidf("a token needs a positive lifetime")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Token{}, floorplan.Invalidf("a token needs a name")
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return "", Token{}, err
	}
	if u.Disabled {
		return "", Token{}, floorplan.Invalidf("user %s is disabled", u.Username)
	}
	now := s.now()
	raw, _ := NewSecret()
	plain := TokenPrefix + raw
	t := Token{Hash: HashSecret(plain), UserID: userID, Name: Clip(name, 200), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.store.CreateToken(ctx, &t); err != nil {
		return "", Token{}, err
	}
	err = s.append(ctx, AuditRecord{Action: "token.create", Target: "user " + u.Username, Outcome: OutcomeOK,
		Detail: fmt.Sprintf("token %s %q expires %s", t.ID, t.Name, t.ExpiresAt.UTC().Format(time.RFC3339))})
	if err != nil {
		return "", Token{}, err
	}
	return plain, t, nil
}

// RevokeToken revokes userID's token tokenID. The user or a caller with admin_users may.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID uuid.UUID) error {
	if c, ok := CallerFrom(ctx); ok && c.User.ID != userID {
		if err := s.permit(ctx, ActionAdminUsers, "token.revoke", "user "+userID.String()); err != nil {
			return err
		}
	}
	ts, err := s.store.Tokens(ctx, userID)
	if err != nil {
		return err
	}
	found := false
	for _, t := range ts {
		found = found || t.ID == tokenID
	}
	if !found {
		return fmt.Errorf("%w: token %s of user %s", floorplan.ErrNotFound, tokenID, userID)
	}
	if err := s.forgetting(s.store.RevokeToken(ctx, tokenID, s.now())); err != nil {
		return err
	}
	return s.append(ctx, AuditRecord{Action: "token.revoke", Target: "user " + userID.String(), Outcome: OutcomeOK,
		Detail: "token " + tokenID.String()})
}

// EnrolTOTP starts userID's enrolment of a second factor: it stores a new TOTP secret, not yet in use,
// and returns it with its otpauth:// URL for a QR code. ConfirmTOTP puts it in use. Only the user
// enrols; a user whose second factor is in use cannot replace it (an administrator resets it first).
func (s *Service) EnrolTOTP(ctx context.Context, userID uuid.UUID) (secret, otpauthURL string, err error) {
	if c, ok := CallerFrom(ctx); ok && c.User.ID != userID {
		return "", "", s.deny(ctx, "user.totp", "user "+userID.String())
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return "", "", err
	}
	if u.TOTPEnabled {
		return "", "", floorplan.Invalidf("a second factor is already enrolled")
	}
	secret, otpauthURL = NewTOTP(u.Username)
	_, err = s.update(ctx, u, func(u *User) (bool, error) {
		if u.TOTPEnabled {
			return false, floorplan.Invalidf("a second factor is already enrolled")
		}
		u.TOTPSecret = secret
		return true, nil
	})
	if err != nil {
		return "", "", err
	}
	return secret, otpauthURL, nil
}

// ConfirmTOTP puts userID's enrolled second factor in use once code proves the authenticator app has
// it; a wrong code is floorplan.ErrInvalid.
func (s *Service) ConfirmTOTP(ctx context.Context, userID uuid.UUID, code string) error {
	if c, ok := CallerFrom(ctx); ok && c.User.ID != userID {
		return s.deny(ctx, "user.totp", "user "+userID.String())
	}
	now := s.now()
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	switch {
	case u.TOTPEnabled:
		return floorplan.Invalidf("a second factor is already enrolled")
	case u.TOTPSecret == "":
		return floorplan.Invalidf("no second factor being enrolled")
	case !CheckTOTP(u.TOTPSecret, code, now):
		return floorplan.Invalidf("wrong one-time code")
	}
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		if u.TOTPEnabled {
			return false, floorplan.Invalidf("a second factor is already enrolled")
		}
		step, ok := MatchTOTP(u.TOTPSecret, code, now, u.LastTOTPStep)
		if !ok {
			return false, floorplan.Invalidf("one-time code already used")
		}
		u.TOTPEnabled, u.LastTOTPStep = true, step
		return true, nil
	})
	if err != nil {
		return err
	}
	return s.append(ctx, AuditRecord{Action: "user.totp", Target: "user " + u.Username, Outcome: OutcomeOK,
		Detail: "second factor enrolled"})
}

// ResetTOTP removes userID's second factor (a lost phone) and ends its sessions; an administrator
// role then makes the user enrol again. A caller needs admin_users.
func (s *Service) ResetTOTP(ctx context.Context, userID uuid.UUID) error {
	if err := s.permit(ctx, ActionAdminUsers, "user.totp_reset", "user "+userID.String()); err != nil {
		return err
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	u, err = s.update(ctx, u, func(u *User) (bool, error) {
		u.TOTPSecret, u.TOTPEnabled = "", false
		return true, nil
	})
	if err != nil {
		return err
	}
	if err := s.forgetting(s.store.DeleteUserSessions(ctx, userID, "")); err != nil {
		return err
	}
	return s.append(ctx, AuditRecord{Action: "user.totp_reset", Target: "user " + u.Username, Outcome: OutcomeOK})
}

// Audit appends r to the audit log. Left empty, At is now, and the user, roles and address are the
// caller's (WithCaller), or the actor's (floorplan.WithActor) for the CLI.
func (s *Service) Audit(ctx context.Context, r AuditRecord) (AuditRecord, error) {
	s.fill(ctx, &r)
	return s.store.AppendAudit(ctx, r)
}

// AuditLog returns the audit records f selects. A caller needs audit_read.
func (s *Service) AuditLog(ctx context.Context, f AuditFilter) ([]AuditRecord, error) {
	if err := s.permit(ctx, ActionAuditRead, "audit.read", "audit"); err != nil {
		return nil, err
	}
	return s.store.Audit(ctx, f)
}

// VerifyAudit checks the whole audit chain (Verify), reading it in pages. A caller needs audit_read.
func (s *Service) VerifyAudit(ctx context.Context) (firstBroken int64, err error) {
	if err := s.permit(ctx, ActionAuditRead, "audit.verify", "audit"); err != nil {
		return 0, err
	}
	var v verifier
	f := AuditFilter{Limit: 1000}
	for {
		page, err := s.store.Audit(ctx, f)
		if err != nil {
			return 0, err
		}
		for _, r := range page {
			if seq, err := v.next(r); err != nil {
				return seq, err
			}
		}
		if len(page) < f.Limit {
			return v.done()
		}
		f.AfterSeq = page[len(page)-1].Seq
	}
}

// PurgeAudit removes the audit records older than Policy.AuditRetention (none when it is 0). It
// first appends an "audit.purge" record that announces the purge, so that the log kept shows it was
// purged (Verify). Only the server's retention job does this: a caller is refused.
func (s *Service) PurgeAudit(ctx context.Context) (int64, error) {
	if _, ok := CallerFrom(ctx); ok {
		return 0, s.deny(ctx, ActionAuditPurge, "audit")
	}
	if s.policy.AuditRetention <= 0 {
		return 0, nil
	}
	now := s.now()
	before := now.Add(-s.policy.AuditRetention)
	old, err := s.store.Audit(ctx, AuditFilter{To: before, Limit: 1})
	if err != nil || len(old) == 0 {
		return 0, err
	}
	err = s.append(ctx, AuditRecord{At: now, Action: ActionAuditPurge, Target: "audit", Outcome: OutcomeOK,
		Detail: fmt.Sprintf("records before %s (retention %s)", before.UTC().Format(time.RFC3339), s.policy.AuditRetention)})
	if err != nil {
		return 0, err
	}
	return s.store.PurgeAudit(ctx, before)
}

// permit returns nil when the context has no caller or the caller's grants allow action (on no record
// in particular: only unscoped grants do); else it audits the denial and returns floorplan.ErrForbidden.
func (s *Service) permit(ctx context.Context, action Action, what, target string) error {
	c, ok := CallerFrom(ctx)
	if !ok || Allowed(c.User.Grants, action, Target{}) {
		return nil
	}
	return s.deny(ctx, what, target)
}

// deny audits a denied administrative action and returns floorplan.ErrForbidden.
func (s *Service) deny(ctx context.Context, what, target string) error {
	if err := s.append(ctx, AuditRecord{Action: "permission.denied", Target: target, Outcome: OutcomeDenied, Detail: what}); err != nil {
		return errors.Join(floorplan.ErrForbidden, err)
	}
	return floorplan.ErrForbidden
}

// append fills r from the context and appends it.
func (s *Service) append(ctx context.Context, r AuditRecord) error {
	s.fill(ctx, &r)
	if _, err := s.store.AppendAudit(ctx, r); err != nil {
		return fmt.Errorf("identity: audit: %w", err)
	}
	return nil
}

func (s *Service) fill(ctx context.Context, r *AuditRecord) {
	if r.At.IsZero() {
		r.At = s.now()
	}
	c, ok := CallerFrom(ctx)
	if r.UserID == uuid.Nil && r.Username == "" {
		if ok {
			r.UserID, r.Username, r.Role = c.User.ID, c.User.Username, c.User.RoleNames()
		} else {
			r.Username = floorplan.ActorFrom(ctx)
		}
	}
	if r.Addr == "" && ok {
		r.Addr = c.Addr
	}
}

// update applies fn to u and stores it, re-reading and re-applying when another write came first.
// fn reports whether it changed anything; when not, nothing is written.
func (s *Service) update(ctx context.Context, u User, fn func(*User) (bool, error)) (User, error) {
	for attempt := 0; ; attempt++ {
		changed, err := fn(&u)
		if err != nil || !changed {
			return u, err
		}
		err = s.forgetting(s.store.UpdateUser(ctx, &u))
		if !errors.Is(err, floorplan.ErrConflict) || attempt == 4 {
			return u, err
		}
		if u, err = s.store.User(ctx, u.ID); err != nil {
			return u, err
		}
	}
}

// expiry is when a password set at now expires (zero: never).
func (s *Service) expiry(now time.Time) time.Time {
	if s.policy.Expiry <= 0 {
		return time.Time{}
	}
	return now.Add(s.policy.Expiry)
}

// argon runs fn, which computes argon2 hashes, once fewer than MaxHashing others do.
func (s *Service) argon(ctx context.Context, fn func()) error {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.sem }()
	fn()
	return nil
}

func (s *Service) check(ctx context.Context, hash, pw string) (ok bool, err error) {
	err = s.argon(ctx, func() { ok = CheckPassword(hash, pw) })
	return ok, err
}

func (s *Service) checkNew(ctx context.Context, u User, pw string) (err error) {
	if e := s.argon(ctx, func() { err = s.policy.CheckNew(u, pw) }); e != nil {
		return e
	}
	return err
}

func (s *Service) newHash(ctx context.Context, pw string) (hash string, err error) {
	if e := s.argon(ctx, func() { hash, err = s.hash(pw) }); e != nil {
		return "", e
	}
	return hash, err
}

func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = s.hash(oneTimePassword(s.policy))
	})
	return s.dummy
}

// validGrants checks that every grant has a known role and that an agency manager's names its agency.
func validGrants(grants []Grant) error {
	for _, g := range grants {
		if !g.Role.Valid() {
			return floorplan.Invalidf("unknown role %q", g.Role)
		}
		if g.Role == RoleAgencyManager && g.Scope.Agency == uuid.Nil {
			return floorplan.Invalidf("an agency manager's grant needs an agency")
		}
	}
	return nil
}

func grantsJSON(grants []Grant) string {
	if grants == nil {
		grants = []Grant{}
	}
	b, _ := json.Marshal(grants)
	return string(b)
}

// Clip returns s cut to at most n runes, for names and details that come from outside (a provider's
// claims, a user's input) before they are stored or logged.
func Clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
