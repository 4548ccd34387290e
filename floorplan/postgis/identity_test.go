package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// sqlState is the SQLSTATE of a server error in err, or "".
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// at is a fixed instant to the microsecond, in UTC as the identity store returns times.
func at(days int) time.Time {
	return time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC).AddDate(0, 0, days)
}

func newUser(name string) identity.User {
	return identity.User{
		Username:    name,
		DisplayName: "张三",
		Grants: []identity.Grant{
			{Role: identity.RolePlanner, Scope: identity.Scope{Jurisdiction: uuid.New()}},
			{Role: identity.RoleViewer},
		},
		PasswordHash:       "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA",
		PasswordHistory:    []string{"$argon2id$old1", "$argon2id$old2"},
		PasswordChangedAt:  at(0),
		MustChangePassword: true,
		PasswordExpires:    at(90),
		FailedAttempts:     2,
		LockedUntil:        at(1),
		TOTPSecret:         "JBSWY3DPEHPK3PXP",
		TOTPEnabled:        true,
		ExternalSubject:    "https://idp.example|" + name,
	}
}

func TestIdentityUsers(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)

	u := newUser("planner.zhang")
	must(t, s.CreateUser(ctx, &u))
	if u.ID == uuid.Nil || u.Version != 1 || u.CreatedAt.IsZero() || u.CreatedAt.Location() != time.UTC {
		t.Fatalf("created user: id %v, version %d, created %v", u.ID, u.Version, u.CreatedAt)
	}
	for name, get := range map[string]func() (identity.User, error){
		"User":          func() (identity.User, error) { return s.User(ctx, u.ID) },
		"UserByName":    func() (identity.User, error) { return s.UserByName(ctx, "Planner.ZHANG") },
		"UserBySubject": func() (identity.User, error) { return s.UserBySubject(ctx, u.ExternalSubject) },
	} {
		t.Run(name, func(t *testing.T) {
			got, err := get()
			must(t, err)
			if !equalJSON(t, got, u) {
				t.Error("the stored user differs")
			}
		})
	}

	t.Run("not found", func(t *testing.T) {
		for name, err := range map[string]error{
			"User":                func() error { _, err := s.User(ctx, uuid.New()); return err }(),
			"UserByName":          func() error { _, err := s.UserByName(ctx, "nobody"); return err }(),
			"UserBySubject":       func() error { _, err := s.UserBySubject(ctx, "nobody"); return err }(),
			"UserBySubject empty": func() error { _, err := s.UserBySubject(ctx, ""); return err }(),
		} {
			if !errors.Is(err, floorplan.ErrNotFound) {
				t.Errorf("%s = %v, want ErrNotFound", name, err)
			}
		}
	})

	t.Run("duplicate username, any case", func(t *testing.T) {
		for _, name := range []string{"planner.zhang", "PLANNER.Zhang"} {
			d := identity.User{Username: name}
			if err := s.CreateUser(ctx, &d); !errors.Is(err, floorplan.ErrConflict) {
				t.Errorf("CreateUser(%q) = %v, want ErrConflict", name, err)
			}
		}
		other := identitytest.CreateUser(t, s, "审计员")
		other.Username = "Planner.Zhang"
		if err := s.UpdateUser(ctx, &other); !errors.Is(err, floorplan.ErrConflict) {
			t.Errorf("UpdateUser to a taken name = %v, want ErrConflict", err)
		}
	})

	t.Run("duplicate subject", func(t *testing.T) {
		d := identity.User{Username: "someone.else", ExternalSubject: u.ExternalSubject}
		if err := s.CreateUser(ctx, &d); !errors.Is(err, floorplan.ErrConflict) {
			t.Errorf("CreateUser with a taken subject = %v, want ErrConflict", err)
		}
	})

	t.Run("update", func(t *testing.T) {
		v := u
		v.DisplayName, v.Disabled, v.FailedAttempts = "张三丰", true, 0
		v.Grants, v.PasswordHistory, v.LockedUntil, v.PasswordExpires = nil, nil, time.Time{}, time.Time{}
		must(t, s.UpdateUser(ctx, &v))
		if v.Version != 2 {
			t.Fatalf("version after update = %d, want 2", v.Version)
		}
		got, err := s.User(ctx, u.ID)
		must(t, err)
		if !equalJSON(t, got, v) {
			t.Error("the updated user differs")
		}

		stale := u // version 1
		stale.DisplayName = "lost update"
		if err := s.UpdateUser(ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
			t.Errorf("UpdateUser at a stale version = %v, want ErrConflict", err)
		}
		missing := identity.User{ID: uuid.New(), Username: "ghost", Version: 1}
		if err := s.UpdateUser(ctx, &missing); !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("UpdateUser of no user = %v, want ErrNotFound", err)
		}
	})

	t.Run("list and count", func(t *testing.T) {
		for _, name := range []string{"b.viewer", "A.inspector"} {
			x := identity.User{Username: name}
			must(t, s.CreateUser(ctx, &x))
		}
		users, err := s.Users(ctx)
		must(t, err)
		var names []string
		for _, x := range users {
			names = append(names, x.Username)
		}
		if want := "[A.inspector b.viewer planner.zhang 审计员]"; fmt.Sprint(names) != want {
			t.Errorf("Users = %v, want %s", names, want)
		}
		n, err := s.CountUsers(ctx)
		must(t, err)
		if n != 4 {
			t.Errorf("CountUsers = %d, want 4", n)
		}
	})
}

func TestIdentitySessions(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	u := identitytest.CreateUser(t, s, "viewer")

	a := identity.Session{IDHash: "aa", UserID: u.ID, CreatedAt: at(0), LastSeen: at(0), ExpiresAt: at(1),
		Addr: "10.0.0.7", MFA: true}
	b := identity.Session{IDHash: "bb", UserID: u.ID, ExpiresAt: at(1)}
	c := identity.Session{IDHash: "cc", UserID: u.ID, ExpiresAt: at(1)}
	for _, se := range []identity.Session{a, b, c} {
		must(t, s.CreateSession(ctx, se))
	}
	got, err := s.Session(ctx, "aa")
	must(t, err)
	if got != a {
		t.Errorf("Session = %+v, want %+v", got, a)
	}
	if got, err := s.Session(ctx, "bb"); err != nil || got.CreatedAt.IsZero() || !got.LastSeen.Equal(got.CreatedAt) {
		t.Errorf("a session without times: %+v, %v; want created now and last seen then", got, err)
	}

	for name, err := range map[string]error{
		"duplicate":     s.CreateSession(ctx, a),
		"unknown user":  s.CreateSession(ctx, identity.Session{IDHash: "dd", UserID: uuid.New(), ExpiresAt: at(1)}),
		"no expiry":     s.CreateSession(ctx, identity.Session{IDHash: "ee", UserID: u.ID}),
		"touch missing": s.TouchSession(ctx, "zz", at(0)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}

	must(t, s.TouchSession(ctx, "aa", at(0).Add(time.Minute)))
	if got, _ := s.Session(ctx, "aa"); !got.LastSeen.Equal(at(0).Add(time.Minute)) {
		t.Errorf("last seen after a touch: %v", got.LastSeen)
	}

	must(t, s.DeleteUserSessions(ctx, u.ID, "aa"))
	for hash, want := range map[string]error{"aa": nil, "bb": floorplan.ErrNotFound, "cc": floorplan.ErrNotFound} {
		if _, err := s.Session(ctx, hash); !errors.Is(err, want) {
			t.Errorf("session %s after DeleteUserSessions(except aa): %v, want %v", hash, err, want)
		}
	}
	must(t, s.DeleteSession(ctx, "aa"))
	must(t, s.DeleteSession(ctx, "aa")) // ending an ended session is fine
	if _, err := s.Session(ctx, "aa"); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("deleted session: %v, want ErrNotFound", err)
	}
}

func TestIdentityTokens(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	u := identitytest.CreateUser(t, s, "importer")

	_, hash := identity.NewSecret()
	tok := identity.Token{Hash: hash, UserID: u.ID, Name: "nightly import", ExpiresAt: at(30)}
	must(t, s.CreateToken(ctx, &tok))
	if tok.ID == uuid.Nil || tok.CreatedAt.IsZero() {
		t.Fatalf("created token: %+v", tok)
	}
	second := identity.Token{Hash: "other", UserID: u.ID, Name: "second", CreatedAt: tok.CreatedAt.Add(time.Second),
		ExpiresAt: at(30)}
	must(t, s.CreateToken(ctx, &second))

	got, err := s.TokenByHash(ctx, hash)
	must(t, err)
	if got != tok {
		t.Errorf("TokenByHash = %+v, want %+v", got, tok)
	}
	dup := identity.Token{Hash: hash, UserID: u.ID, ExpiresAt: at(30)}
	if err := s.CreateToken(ctx, &dup); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("a token with a taken hash: %v, want ErrConflict", err)
	}
	if err := s.CreateToken(ctx, &identity.Token{Hash: "x", UserID: u.ID}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a token without expiry: %v, want ErrInvalid", err)
	}

	must(t, s.TouchToken(ctx, tok.ID, at(2)))
	must(t, s.RevokeToken(ctx, tok.ID, at(3)))
	must(t, s.RevokeToken(ctx, tok.ID, at(4))) // the first revocation stands
	ts, err := s.Tokens(ctx, u.ID)
	must(t, err)
	if len(ts) != 2 || ts[0].ID != tok.ID || ts[1].ID != second.ID {
		t.Fatalf("Tokens = %+v, want the two tokens oldest first", ts)
	}
	if !ts[0].LastUsed.Equal(at(2)) || !ts[0].RevokedAt.Equal(at(3)) || !ts[1].RevokedAt.IsZero() {
		t.Errorf("token after touch and revoke: %+v", ts[0])
	}
	for name, err := range map[string]error{
		"TokenByHash": func() error { _, err := s.TokenByHash(ctx, "nope"); return err }(),
		"RevokeToken": s.RevokeToken(ctx, uuid.New(), at(0)),
		"TouchToken":  s.TouchToken(ctx, uuid.New(), at(0)),
	} {
		if !errors.Is(err, floorplan.ErrNotFound) {
			t.Errorf("%s of no token = %v, want ErrNotFound", name, err)
		}
	}
}

// TestIdentityConformance runs identity's store conformance suite, each part on a fresh database.
func TestIdentityConformance(t *testing.T) {
	identitytest.Run(t, func(t *testing.T) identity.Store { return pgtest.NewStore(t) })
}

// auditAll reads the whole log and checks that it comes back by Seq.
func auditAll(t *testing.T, s identity.Store) []identity.AuditRecord {
	t.Helper()
	recs, err := s.Audit(context.Background(), identity.AuditFilter{})
	must(t, err)
	return recs
}

func TestIdentityAuditConcurrentAppends(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	const n = 20
	user := uuid.New()
	errs := storetest.RaceN(n, func(i int) error {
		_, err := s.AppendAudit(ctx, identity.AuditRecord{UserID: user, Username: "planner", Role: "planner",
			Addr: "10.0.0.9", Action: "write.room.update", Target: fmt.Sprintf("room %d", i),
			Outcome: identity.OutcomeOK, Detail: `{"changes":[1]}`})
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	recs := auditAll(t, s)
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) || r.UserID != user || r.At.Location() != time.UTC {
			t.Errorf("record %d: seq %d, user %v, at %v", i, r.Seq, r.UserID, r.At)
		}
	}
	if broken, err := identity.Verify(recs); err != nil {
		t.Fatalf("Verify after concurrent appends: record %d: %v", broken, err)
	}
	var head int64
	must(t, s.Pool().QueryRow(ctx, `SELECT last_seq FROM audit_head`).Scan(&head))
	if head != n {
		t.Errorf("audit head at %d, want %d", head, n)
	}
}

func TestIdentityAuditFilter(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	appends := []identity.AuditRecord{
		{At: at(0), Username: "planner", Action: "session.sign_in", Outcome: "ok"},
		{At: at(1), Username: "auditor", Action: "session.sign_in", Outcome: "ok"},
		{At: at(2), Username: "planner", Action: "write.room.update", Outcome: "ok"},
		{At: at(3), Action: "session.sign_in_failed", Outcome: "failed", Detail: "unknown user"}, // no user
		{At: at(4), Username: "planner", Action: "session.sign_out", Outcome: "ok"},
	}
	for _, r := range appends {
		got, err := s.AppendAudit(ctx, r)
		must(t, err)
		if !got.At.Equal(r.At) || got.Hash == "" {
			t.Fatalf("appended %+v", got)
		}
	}
	tests := []struct {
		name string
		f    identity.AuditFilter
		want []int64
	}{
		{"all", identity.AuditFilter{}, []int64{1, 2, 3, 4, 5}},
		{"from", identity.AuditFilter{From: at(2)}, []int64{3, 4, 5}},
		{"to, exclusive", identity.AuditFilter{To: at(2)}, []int64{1, 2}},
		{"from and to", identity.AuditFilter{From: at(1), To: at(4)}, []int64{2, 3, 4}},
		{"user", identity.AuditFilter{User: "planner"}, []int64{1, 3, 5}},
		{"action", identity.AuditFilter{Action: "session.sign_in"}, []int64{1, 2}},
		{"user and action", identity.AuditFilter{User: "planner", Action: "session.sign_in"}, []int64{1}},
		{"after seq", identity.AuditFilter{AfterSeq: 3}, []int64{4, 5}},
		{"limit", identity.AuditFilter{AfterSeq: 1, Limit: 2}, []int64{2, 3}},
		{"none", identity.AuditFilter{User: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := s.Audit(ctx, tt.f)
			must(t, err)
			var seqs []int64
			for _, r := range recs {
				seqs = append(seqs, r.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tt.want) {
				t.Errorf("Audit(%+v) = %v, want %v", tt.f, seqs, tt.want)
			}
		})
	}
	if recs := auditAll(t, s); recs[3].UserID != uuid.Nil {
		t.Errorf("a record without a user came back with %v", recs[3].UserID)
	}
}

// TestIdentityAuditTamper changes the log as a superuser can — with the triggers silenced — and
// checks that identity.Verify names the record.
func TestIdentityAuditTamper(t *testing.T) {
	tests := []struct {
		name   string
		setup  string // run before change, in the same transaction
		change string
		args   func(recs []identity.AuditRecord) []any // change's arguments; nil for none
		want   int64
	}{
		{"replica role, a field", `SET LOCAL session_replication_role = replica`,
			`UPDATE audit_log SET outcome = 'ok' WHERE seq = 4`, nil, 4},
		{"replica role, the time", `SET LOCAL session_replication_role = replica`,
			`UPDATE audit_log SET at = at - interval '1 day' WHERE seq = 2`, nil, 2},
		{"trigger disabled, a field", `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET username = 'someone' WHERE seq = 3`, nil, 3},
		{"replica role, a hash made up", `SET LOCAL session_replication_role = replica`,
			`UPDATE audit_log SET detail = 'x', hash = repeat('0', 64) WHERE seq = 3`, nil, 3},
		// A forger who knows the encoding and recomputes the changed record's hash breaks the link of
		// the next one: Verify names the record after it.
		{"replica role, a hash recomputed", `SET LOCAL session_replication_role = replica`,
			`UPDATE audit_log SET outcome = 'ok', hash = $1 WHERE seq = 4`,
			func(recs []identity.AuditRecord) []any {
				r := recs[3]
				r.Outcome = identity.OutcomeOK
				return []any{identity.Chain(r)}
			}, 5},
		{"replica role, a record removed", `SET LOCAL session_replication_role = replica`,
			`DELETE FROM audit_log WHERE seq = 3`, nil, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pgtest.NewStore(t)
			ctx := ctxFor(t)
			for i := range 5 {
				outcome := identity.OutcomeOK
				if i == 3 {
					outcome = identity.OutcomeDenied
				}
				_, err := s.AppendAudit(ctx, identity.AuditRecord{At: at(i), Username: "planner",
					Action: "write.room.update", Outcome: outcome})
				must(t, err)
			}
			recs := auditAll(t, s)
			if broken, err := identity.Verify(recs); err != nil {
				t.Fatalf("Verify before tampering: %d, %v", broken, err)
			}
			var args []any
			if tt.args != nil {
				args = tt.args(recs)
			}
			// Without the superuser's tricks the trigger refuses.
			if _, err := s.Pool().Exec(ctx, tt.change, args...); sqlState(err) != "OM003" {
				t.Fatalf("%s without tricks = %v, want OM003", tt.change, err)
			}
			must(t, pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, tt.setup); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, tt.change, args...)
				return err
			}))
			broken, err := identity.Verify(auditAll(t, s))
			if !errors.Is(err, identity.ErrChainBroken) || broken != tt.want {
				t.Errorf("Verify after %q = %d, %v; want record %d named", tt.change, broken, err, tt.want)
			}
		})
	}
}

func TestIdentityAuditChainRules(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	first, err := s.AppendAudit(ctx, identity.AuditRecord{Action: "user.add"})
	must(t, err)
	next := identity.Seal(first, identity.AuditRecord{At: at(0), Action: "user.role"})
	const insert = `INSERT INTO audit_log (seq, at, action, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)`
	tests := []struct {
		name string
		sql  string
		args []any
		want string
	}{
		{"a gap", insert, []any{3, next.At, next.Action, next.PrevHash, next.Hash}, "OM004"},
		{"a repeated seq", insert, []any{1, next.At, next.Action, "", next.Hash}, "OM004"},
		{"a wrong previous hash", insert, []any{2, next.At, next.Action, "", next.Hash}, "OM004"},
		{"the head moved to no record", `UPDATE audit_head SET last_seq = 2, last_hash = $1`, []any{next.Hash}, "OM004"},
		{"the head moved back", `UPDATE audit_head SET last_seq = 0, last_hash = ''`, nil, "OM004"},
		{"the head deleted", `DELETE FROM audit_head`, nil, "OM003"},
		{"the head truncated", `TRUNCATE audit_head`, nil, "OM003"},
		{"truncate", `TRUNCATE audit_log`, nil, "OM003"},
		{"delete", `DELETE FROM audit_log`, nil, "OM003"},
		{"update", `UPDATE audit_log SET detail = 'x'`, nil, "OM003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Pool().Exec(ctx, tt.sql, tt.args...); sqlState(err) != tt.want {
				t.Errorf("%s = %v, want SQLSTATE %q", tt.sql, err, tt.want)
			}
		})
	}
	if recs := auditAll(t, s); len(recs) != 1 {
		t.Fatalf("%d records after the refused changes, want 1", len(recs))
	}
	// The store still appends after the refused changes.
	r, err := s.AppendAudit(ctx, identity.AuditRecord{Action: "user.role"})
	must(t, err)
	if r.Seq != 2 || r.PrevHash != first.Hash {
		t.Errorf("next append: seq %d, prev %s", r.Seq, r.PrevHash)
	}
}

func TestIdentityAuditPurge(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	now := time.Now().UTC()
	for _, days := range []int{400, 300, 250, 10, 1} {
		_, err := s.AppendAudit(ctx, identity.AuditRecord{At: now.AddDate(0, 0, -days), Username: "planner",
			Action: "session.sign_in", Outcome: identity.OutcomeOK})
		must(t, err)
	}
	if _, err := s.PurgeAudit(ctx, now.AddDate(0, 0, -179)); !errors.Is(err, floorplan.ErrInvalid) {
		t.Fatalf("PurgeAudit inside the 180 days = %v, want ErrInvalid", err)
	}
	// As identity.Service does: announce the purge, then purge.
	_, err := s.AppendAudit(ctx, identity.AuditRecord{Username: "system", Action: identity.ActionAuditPurge})
	must(t, err)
	n, err := s.PurgeAudit(ctx, now.AddDate(0, 0, -270))
	must(t, err)
	if n != 2 {
		t.Fatalf("PurgeAudit(270 days ago) = %d, want 2", n)
	}
	recs := auditAll(t, s)
	if len(recs) != 4 || recs[0].Seq != 3 {
		t.Fatalf("after the purge: %d records from %d; want 4 from 3", len(recs), recs[0].Seq)
	}
	if broken, err := identity.Verify(recs); err != nil {
		t.Errorf("Verify after the purge: %d, %v", broken, err)
	}
	var purged, firstKept int64
	var by string
	must(t, s.Pool().QueryRow(ctx, `SELECT purged, first_kept_seq, by_role FROM audit_purges`).Scan(&purged, &firstKept, &by))
	if purged != 2 || firstKept != 3 || by == "" {
		t.Errorf("audit_purges: %d purged, first kept %d, by %q", purged, firstKept, by)
	}
	// The next purge takes the 250-day-old record; the chain goes on from the purged head.
	n, err = s.PurgeAudit(ctx, now.AddDate(0, 0, -200))
	must(t, err)
	if n != 1 {
		t.Errorf("second PurgeAudit = %d, want 1", n)
	}
	r, err := s.AppendAudit(ctx, identity.AuditRecord{Username: "planner", Action: "session.sign_out"})
	must(t, err)
	if recs := auditAll(t, s); r.Seq != 7 || len(recs) != 4 || recs[0].Seq != 4 {
		t.Errorf("after the second purge: next %d, %d records from %d; want next 7, 4 from 4", r.Seq, len(recs), recs[0].Seq)
	} else if broken, err := identity.Verify(recs); err != nil {
		t.Errorf("Verify after the second purge: %d, %v", broken, err)
	}
}

// TestIdentityInTx: an audit record appended in a transaction that rolls back leaves no trace, and the
// chain goes on from the last committed record.
func TestIdentityInTx(t *testing.T) {
	s := pgtest.NewStore(t)
	ctx := ctxFor(t)
	first, err := s.AppendAudit(ctx, identity.AuditRecord{Action: "user.add"})
	must(t, err)
	rollback := errors.New("roll back")
	err = s.InTx(ctx, func(tx floorplan.Store) error {
		if _, err := tx.(*postgis.Store).AppendAudit(ctx, identity.AuditRecord{Action: "write.room.create"}); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("InTx = %v", err)
	}
	r, err := s.AppendAudit(ctx, identity.AuditRecord{Action: "user.role"})
	must(t, err)
	if r.Seq != 2 || r.PrevHash != first.Hash {
		t.Errorf("after a rolled-back append: seq %d, prev %s; want 2 after %s", r.Seq, r.PrevHash, first.Hash)
	}
}
