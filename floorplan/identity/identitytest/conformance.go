package identitytest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/identity"
)

// Run runs the conformance suite of identity.Store: one subtest per part of the contract, each on a
// fresh, empty store from newStore. A store's tests call it like this:
//
//	func TestIdentityStore(t *testing.T) {
//		identitytest.Run(t, func(t *testing.T) identity.Store { return openFreshStore(t) })
//	}
//
// Times written are UTC to the microsecond (what PostgreSQL keeps) and read back with Equal.
func Run(t *testing.T, newStore func(t *testing.T) identity.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s identity.Store)
	}{
		{"Users", testUsers},
		{"UserConflicts", testUserConflicts},
		{"NotFound", testNotFound},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"Audit", testAudit},
		{"AuditFilter", testAuditFilter},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditPurge", testAuditPurge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// at is a fixed time as every store keeps it.
var at = time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.UTC)

// CreateUser creates a user with the given name and nothing else set in s, failing the test on an error.
func CreateUser(t *testing.T, s identity.Store, name string) identity.User {
	t.Helper()
	u := identity.User{Username: name}
	must(t, s.CreateUser(t.Context(), &u))
	return u
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func fullUser(name string) identity.User {
	return identity.User{
		Username:    name,
		DisplayName: "张伟 " + name,
		Grants: []identity.Grant{
			{Role: identity.RolePlanner, Scope: identity.Scope{Jurisdiction: uuid.New()}},
			{Role: identity.RoleAgencyManager, Scope: identity.Scope{Jurisdiction: uuid.New(), Agency: uuid.New()}},
		},
		PasswordHash:       "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		PasswordHistory:    []string{"h1", "h2"},
		PasswordChangedAt:  at,
		MustChangePassword: true,
		PasswordExpires:    at.Add(90 * 24 * time.Hour),
		FailedAttempts:     2,
		LockedUntil:        at.Add(time.Hour),
		TOTPSecret:         "JBSWY3DPEHPK3PXP",
		TOTPEnabled:        true,
		LastTOTPStep:       59026306, // a step of February 2026
		ExternalSubject:    "https://idp.example|" + name,
	}
}

// sameUser reports the first field in which got differs from want (ID, Version and CreatedAt aside).
func sameUser(got, want identity.User) error {
	checks := []struct {
		field string
		ok    bool
	}{
		{"Username", got.Username == want.Username},
		{"DisplayName", got.DisplayName == want.DisplayName},
		{"Grants", fmt.Sprint(got.Grants) == fmt.Sprint(want.Grants)},
		{"PasswordHash", got.PasswordHash == want.PasswordHash},
		{"PasswordHistory", fmt.Sprint(got.PasswordHistory) == fmt.Sprint(want.PasswordHistory)},
		{"PasswordChangedAt", got.PasswordChangedAt.Equal(want.PasswordChangedAt)},
		{"MustChangePassword", got.MustChangePassword == want.MustChangePassword},
		{"PasswordExpires", got.PasswordExpires.Equal(want.PasswordExpires)},
		{"FailedAttempts", got.FailedAttempts == want.FailedAttempts},
		{"LockedUntil", got.LockedUntil.Equal(want.LockedUntil)},
		{"Disabled", got.Disabled == want.Disabled},
		{"TOTPSecret", got.TOTPSecret == want.TOTPSecret},
		{"TOTPEnabled", got.TOTPEnabled == want.TOTPEnabled},
		{"LastTOTPStep", got.LastTOTPStep == want.LastTOTPStep},
		{"ExternalSubject", got.ExternalSubject == want.ExternalSubject},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("%s differs: got %+v, want %+v", c.field, got, want)
		}
	}
	return nil
}

func testUsers(t *testing.T, s identity.Store) {
	ctx := t.Context()
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on an empty store = %d, %v", n, err)
	}
	want := fullUser("planner")
	u := want
	must(t, s.CreateUser(ctx, &u))
	if u.ID == uuid.Nil || u.Version != 1 || u.CreatedAt.IsZero() {
		t.Fatalf("CreateUser set ID %s, Version %d, CreatedAt %v", u.ID, u.Version, u.CreatedAt)
	}
	zero := identity.User{Username: "viewer"} // zero times, nil slices
	must(t, s.CreateUser(ctx, &zero))
	must(t, s.CreateUser(ctx, &identity.User{Username: "auditor"}))

	for name, get := range map[string]func() (identity.User, error){
		"User":          func() (identity.User, error) { return s.User(ctx, u.ID) },
		"UserByName":    func() (identity.User, error) { return s.UserByName(ctx, "planner") },
		"UserByName/UC": func() (identity.User, error) { return s.UserByName(ctx, "PLANNER") },
		"UserBySubject": func() (identity.User, error) { return s.UserBySubject(ctx, want.ExternalSubject) },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.ID != u.ID || got.Version != 1 {
			t.Errorf("%s: ID %s version %d, want %s 1", name, got.ID, got.Version, u.ID)
		}
		if err := sameUser(got, want); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	got, err := s.User(ctx, zero.ID)
	must(t, err)
	if err := sameUser(got, identity.User{Username: "viewer"}); err != nil {
		t.Errorf("user with zero fields: %v", err)
	}

	all, err := s.Users(ctx)
	must(t, err)
	var names []string
	for _, u := range all {
		names = append(names, u.Username)
	}
	if fmt.Sprint(names) != "[auditor planner viewer]" {
		t.Errorf("Users = %v, want by username", names)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 3 {
		t.Errorf("CountUsers = %d, %v; want 3", n, err)
	}

	// An update bumps the version; one from a stale copy is a conflict and changes nothing.
	stale := u
	u.Grants = []identity.Grant{{Role: identity.RoleViewer}}
	u.PasswordHistory = nil
	u.FailedAttempts, u.LockedUntil, u.Disabled = 0, time.Time{}, true
	u.LastTOTPStep++
	must(t, s.UpdateUser(ctx, &u))
	if u.Version != 2 {
		t.Errorf("UpdateUser: Version %d, want 2", u.Version)
	}
	stale.DisplayName = "stale"
	wantErr(t, s.UpdateUser(ctx, &stale), floorplan.ErrConflict, "UpdateUser with a stale version")
	got, err = s.User(ctx, u.ID)
	must(t, err)
	if got.Version != 2 {
		t.Errorf("after update: Version %d, want 2", got.Version)
	}
	if err := sameUser(got, u); err != nil {
		t.Errorf("after update: %v", err)
	}
	ghost := identity.User{ID: uuid.New(), Username: "ghost", Version: 1}
	wantErr(t, s.UpdateUser(ctx, &ghost), floorplan.ErrNotFound, "UpdateUser of an unknown user")
}

func testUserConflicts(t *testing.T, s identity.Store) {
	ctx := t.Context()
	CreateUser(t, s, "planner")
	wantErr(t, s.CreateUser(ctx, &identity.User{Username: "Planner"}), floorplan.ErrConflict, "a duplicate name in another case")
	b := CreateUser(t, s, "viewer")
	b.Username = "planner"
	wantErr(t, s.UpdateUser(ctx, &b), floorplan.ErrConflict, "renaming to a taken name")
	if n, err := s.CountUsers(ctx); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v; want 2", n, err)
	}
}

func testNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	_, err := s.User(ctx, uuid.New())
	wantErr(t, err, floorplan.ErrNotFound, "User")
	_, err = s.UserByName(ctx, "nobody")
	wantErr(t, err, floorplan.ErrNotFound, "UserByName")
	_, err = s.UserBySubject(ctx, "iss|nobody")
	wantErr(t, err, floorplan.ErrNotFound, "UserBySubject")
	_, err = s.Session(ctx, identity.HashSecret("nothing"))
	wantErr(t, err, floorplan.ErrNotFound, "Session")
	_, err = s.TokenByHash(ctx, identity.HashSecret("nothing"))
	wantErr(t, err, floorplan.ErrNotFound, "TokenByHash")
	wantErr(t, s.RevokeToken(ctx, uuid.New(), at), floorplan.ErrNotFound, "RevokeToken")
	ts, err := s.Tokens(ctx, uuid.New())
	if err != nil || len(ts) != 0 {
		t.Errorf("Tokens of an unknown user = %v, %v; want none", ts, err)
	}
}

func testSessions(t *testing.T, s identity.Store) {
	ctx := t.Context()
	u := CreateUser(t, s, "planner")
	other := CreateUser(t, s, "viewer")

	mk := func(uid uuid.UUID) identity.Session {
		_, h := identity.NewSecret()
		sess := identity.Session{IDHash: h, UserID: uid, CreatedAt: at, LastSeen: at,
			ExpiresAt: at.Add(12 * time.Hour), Addr: "192.0.2.7", MFA: true}
		must(t, s.CreateSession(ctx, sess))
		return sess
	}
	a, b, c, o := mk(u.ID), mk(u.ID), mk(u.ID), mk(other.ID)

	got, err := s.Session(ctx, a.IDHash)
	must(t, err)
	if got.UserID != a.UserID || !got.CreatedAt.Equal(at) || !got.LastSeen.Equal(at) ||
		!got.ExpiresAt.Equal(a.ExpiresAt) || got.Addr != a.Addr || !got.MFA || got.IDHash != a.IDHash {
		t.Errorf("Session = %+v, want %+v", got, a)
	}
	later := at.Add(5 * time.Minute)
	must(t, s.TouchSession(ctx, a.IDHash, later))
	got, err = s.Session(ctx, a.IDHash)
	must(t, err)
	if !got.LastSeen.Equal(later) {
		t.Errorf("after TouchSession: LastSeen %v, want %v", got.LastSeen, later)
	}

	must(t, s.DeleteSession(ctx, c.IDHash))
	_, err = s.Session(ctx, c.IDHash)
	wantErr(t, err, floorplan.ErrNotFound, "a deleted session")

	must(t, s.DeleteUserSessions(ctx, u.ID, a.IDHash))
	_, err = s.Session(ctx, b.IDHash)
	wantErr(t, err, floorplan.ErrNotFound, "a session ended by DeleteUserSessions")
	for _, keep := range []identity.Session{a, o} {
		if _, err := s.Session(ctx, keep.IDHash); err != nil {
			t.Errorf("DeleteUserSessions ended the kept session or another user's: %v", err)
		}
	}
	must(t, s.DeleteUserSessions(ctx, u.ID, ""))
	_, err = s.Session(ctx, a.IDHash)
	wantErr(t, err, floorplan.ErrNotFound, "a session after DeleteUserSessions without exception")
}

func testTokens(t *testing.T, s identity.Store) {
	ctx := t.Context()
	u := CreateUser(t, s, "planner")
	other := CreateUser(t, s, "viewer")

	mk := func(uid uuid.UUID, name string, created time.Time) identity.Token {
		_, h := identity.NewSecret()
		tok := identity.Token{Hash: h, UserID: uid, Name: name, CreatedAt: created, ExpiresAt: created.Add(30 * 24 * time.Hour)}
		must(t, s.CreateToken(ctx, &tok))
		if tok.ID == uuid.Nil {
			t.Fatal("CreateToken gave no ID")
		}
		return tok
	}
	a := mk(u.ID, "导入脚本", at)
	b := mk(u.ID, "nightly", at.Add(time.Hour))
	mk(other.ID, "other", at)

	got, err := s.TokenByHash(ctx, a.Hash)
	must(t, err)
	if got.ID != a.ID || got.UserID != u.ID || got.Name != a.Name || !got.CreatedAt.Equal(a.CreatedAt) ||
		!got.ExpiresAt.Equal(a.ExpiresAt) || !got.RevokedAt.IsZero() || !got.LastUsed.IsZero() {
		t.Errorf("TokenByHash = %+v, want %+v", got, a)
	}
	ts, err := s.Tokens(ctx, u.ID)
	must(t, err)
	if len(ts) != 2 || ts[0].ID != a.ID || ts[1].ID != b.ID {
		t.Errorf("Tokens = %+v, want a and b, oldest first", ts)
	}

	used := at.Add(2 * time.Hour)
	must(t, s.TouchToken(ctx, a.ID, used))
	revoked := at.Add(3 * time.Hour)
	must(t, s.RevokeToken(ctx, a.ID, revoked))
	got, err = s.TokenByHash(ctx, a.Hash)
	must(t, err)
	if !got.LastUsed.Equal(used) || !got.RevokedAt.Equal(revoked) {
		t.Errorf("after touch and revoke: LastUsed %v RevokedAt %v, want %v %v", got.LastUsed, got.RevokedAt, used, revoked)
	}
	got, err = s.TokenByHash(ctx, b.Hash)
	must(t, err)
	if !got.RevokedAt.IsZero() {
		t.Error("revoking one token revoked another")
	}
}

// appendN appends n records and returns them as the store returned them.
func appendN(t *testing.T, s identity.Store, n int, first time.Time) []identity.AuditRecord {
	t.Helper()
	var out []identity.AuditRecord
	users := []string{"planner", "auditor"}
	actions := []string{"session.sign_in", "write.room.update", "export.gpkg"}
	for i := range n {
		r := identity.AuditRecord{
			At: first.Add(time.Duration(i) * time.Minute), UserID: uuid.New(), Username: users[i%2],
			Role: "planner,viewer", Addr: "198.51.100.1", Action: actions[i%3], Target: fmt.Sprintf("room %d", i),
			Outcome: identity.OutcomeOK, Detail: `{"changes":[1,2]} 说明`,
		}
		got, err := s.AppendAudit(t.Context(), r)
		must(t, err)
		out = append(out, got)
	}
	return out
}

func testAudit(t *testing.T, s identity.Store) {
	ctx := t.Context()
	appended := appendN(t, s, 5, at)
	for i, r := range appended {
		if r.Seq != int64(i+1) || r.Hash == "" || r.Hash != identity.Chain(r) {
			t.Errorf("appended record %d: Seq %d, Hash %q (Chain %q)", i, r.Seq, r.Hash, identity.Chain(r))
		}
		if i > 0 && r.PrevHash != appended[i-1].Hash {
			t.Errorf("appended record %d: PrevHash is not the previous Hash", i)
		}
	}
	if appended[0].PrevHash != "" {
		t.Errorf("the first record's PrevHash = %q, want empty", appended[0].PrevHash)
	}
	got, err := s.Audit(ctx, identity.AuditFilter{})
	must(t, err)
	if len(got) != 5 {
		t.Fatalf("Audit returned %d records, want 5", len(got))
	}
	for i := range got {
		if got[i].Hash != appended[i].Hash || !got[i].At.Equal(appended[i].At) || got[i].Detail != appended[i].Detail {
			t.Errorf("record %d read back differs: %+v, appended %+v", i, got[i], appended[i])
		}
	}
	if seq, err := identity.Verify(got); err != nil {
		t.Errorf("Verify of the stored chain: %d, %v", seq, err)
	}
}

func testAuditFilter(t *testing.T, s identity.Store) {
	ctx := t.Context()
	appendN(t, s, 9, at) // minutes 0…8; users alternate planner, auditor; actions cycle by 3
	seqs := func(f identity.AuditFilter) string {
		rs, err := s.Audit(ctx, f)
		must(t, err)
		var out []int64
		for _, r := range rs {
			out = append(out, r.Seq)
		}
		return fmt.Sprint(out)
	}
	tests := []struct {
		name string
		f    identity.AuditFilter
		want string
	}{
		{"all", identity.AuditFilter{}, "[1 2 3 4 5 6 7 8 9]"},
		{"from inclusive, to exclusive", identity.AuditFilter{From: at.Add(2 * time.Minute), To: at.Add(5 * time.Minute)}, "[3 4 5]"},
		{"user", identity.AuditFilter{User: "auditor"}, "[2 4 6 8]"},
		{"action", identity.AuditFilter{Action: "export.gpkg"}, "[3 6 9]"},
		{"after and limit", identity.AuditFilter{AfterSeq: 4, Limit: 3}, "[5 6 7]"},
		{"combined", identity.AuditFilter{User: "planner", Action: "session.sign_in", AfterSeq: 1}, "[7]"},
	}
	for _, tc := range tests {
		if got := seqs(tc.f); got != tc.want {
			t.Errorf("%s: Seqs %s, want %s", tc.name, got, tc.want)
		}
	}
}

func testAuditConcurrent(t *testing.T, s identity.Store) {
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := s.AppendAudit(t.Context(), identity.AuditRecord{At: at, Username: fmt.Sprint("w", w),
					Action: "write.room.update", Target: fmt.Sprint(i), Outcome: identity.OutcomeOK})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := s.Audit(t.Context(), identity.AuditFilter{})
	must(t, err)
	if len(got) != writers*each {
		t.Fatalf("%d records after %d concurrent appends", len(got), writers*each)
	}
	for i, r := range got {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has Seq %d: concurrent appends left a gap or shared a Seq", i, r.Seq)
		}
	}
	if seq, err := identity.Verify(got); err != nil {
		t.Errorf("Verify after concurrent appends: %d, %v", seq, err)
	}
}

func testAuditPurge(t *testing.T, s identity.Store) {
	ctx := t.Context()
	appendN(t, s, 6, at) // minutes 0…5
	announce, err := s.AppendAudit(ctx, identity.AuditRecord{At: at.Add(time.Hour), Username: "system",
		Action: identity.ActionAuditPurge, Outcome: identity.OutcomeOK, Detail: "records before minute 3"})
	must(t, err)
	n, err := s.PurgeAudit(ctx, at.Add(3*time.Minute))
	must(t, err)
	if n != 3 {
		t.Errorf("PurgeAudit removed %d records, want 3", n)
	}
	got, err := s.Audit(ctx, identity.AuditFilter{})
	must(t, err)
	if len(got) != 4 || got[0].Seq != 4 {
		t.Fatalf("after the purge: %d records from Seq %d, want 4 from 4", len(got), got[0].Seq)
	}
	if seq, err := identity.Verify(got); err != nil {
		t.Errorf("Verify after a purge: %d, %v", seq, err)
	}
	// Purging everything keeps the head: the next record still follows it.
	_, err = s.PurgeAudit(ctx, at.Add(24*time.Hour))
	must(t, err)
	last, err := s.AppendAudit(ctx, identity.AuditRecord{At: at.Add(25 * time.Hour), Username: "system",
		Action: identity.ActionAuditPurge, Outcome: identity.OutcomeOK})
	must(t, err)
	if last.Seq != announce.Seq+1 || last.PrevHash != announce.Hash {
		t.Errorf("after purging everything: Seq %d PrevHash %q, want %d and the purged head's hash", last.Seq, last.PrevHash, announce.Seq+1)
	}
}
