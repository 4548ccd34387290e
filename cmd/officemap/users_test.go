package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the "sqlite" driver, to tamper with the file as its owner could

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/postgis/pgtest"
)

// officemapIn runs one command line with stdin and no environment.
func officemapIn(t *testing.T, stdin string, args ...string) (stdout string, err error) {
	t.Helper()
	stdout, _, err = runCommand(t, stdin, nil, args...)
	return stdout, err
}

// secretOf returns the secret a command printed: the last line, after a line saying it is shown once.
func secretOf(t *testing.T, out string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "shown only this once") || lines[len(lines)-1] == "" {
		t.Fatalf("no secret printed once in %q", out)
	}
	return lines[len(lines)-1]
}

// mustFail checks that a command failed with one line holding want.
func mustFail(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("succeeded; want an error with %q", want)
	}
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
		t.Fatalf("error %q; want one line with %q", msg, want)
	}
}

// openAccounts opens the store at db as the commands do, with the identity service on it, until the
// test ends.
func openAccounts(t *testing.T, db string) (store, *identity.Service) {
	t.Helper()
	e := &env{getenv: func(string) string { return "" }, db: db}
	s, _, err := e.openStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, identity.NewService(s, identity.Options{})
}

// userCommands runs the user and audit commands on the store at db, checks their effect through
// identity.Service, and returns the audit log as the commands left it.
func userCommands(t *testing.T, db string) []identity.AuditRecord {
	ctx := context.Background()
	s, svc := openAccounts(t, db)
	agency := floorplan.Agency{Name: "市财政局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	if _, err := floorplan.NewRegister(s).CreateAgency(ctx, &agency); err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder // everything the commands printed, to look for hashes
	cmd := func(stdin string, args ...string) (string, error) {
		t.Helper()
		out, err := officemapIn(t, stdin, append(args, "--db", db)...)
		printed.WriteString(out)
		return out, err
	}
	signIn := func(name, pw string) (identity.User, error) {
		t.Helper()
		u, _, _, err := svc.SignIn(ctx, name, pw, "", "192.0.2.1")
		return u, err
	}

	// One user per role, named by the role code, each with a one-time password that signs in and
	// must be changed.
	passwords := map[string]string{}
	for _, r := range identity.Roles {
		args := []string{"user", "add", string(r), "--role", string(r)}
		if r == identity.RoleAgencyManager {
			args = append(args, "--agency", agency.ID.String())
		}
		out, err := cmd("", args...)
		if err != nil {
			t.Fatalf("user add %s: %v", r, err)
		}
		passwords[string(r)] = secretOf(t, out)
	}
	for _, name := range []string{"planner", "agency_manager"} {
		u, err := signIn(name, passwords[name])
		if err != nil {
			t.Fatalf("%s signs in with the one-time password: %v", name, err)
		}
		if !u.MustChangePassword {
			t.Errorf("%s need not change the one-time password", name)
		}
	}
	if u, err := s.UserByName(ctx, "agency_manager"); err != nil || len(u.Grants) != 1 || u.Grants[0].Scope.Agency != agency.ID {
		t.Errorf("agency_manager's grants = %+v, %v; want agency_manager on %s", u.Grants, err, agency.ID)
	}

	// --password-stdin: a weak password is refused naming the policy; a good one is kept as is.
	_, err := cmd("short\n", "user", "add", "weak", "--role", "viewer", "--password-stdin")
	mustFail(t, err, "password policy")
	if _, err := s.UserByName(ctx, "weak"); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("the refused user exists: %v", err)
	}
	out, err := cmd("Str0ng-pass!\n", "user", "add", "Li.Ming", "--role", "inspector,viewer", "--password-stdin", "--actor", "ops.wang")
	if err != nil {
		t.Fatalf("user add --password-stdin: %v", err)
	}
	if strings.Contains(out, "Str0ng-pass!") || strings.Contains(out, "shown only this once") {
		t.Errorf("user add --password-stdin printed %q", out)
	}
	if u, err := signIn("li.ming", "Str0ng-pass!"); err != nil || u.MustChangePassword {
		t.Errorf("li.ming signs in with the given password: %+v, %v", u.MustChangePassword, err)
	}

	// Disable, enable.
	if _, err := cmd("", "user", "disable", "planner"); err != nil {
		t.Fatal(err)
	}
	if _, err := signIn("planner", passwords["planner"]); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("a disabled user signs in: %v", err)
	}
	if _, err := cmd("", "user", "enable", "planner"); err != nil {
		t.Fatal(err)
	}
	if _, err := signIn("planner", passwords["planner"]); err != nil {
		t.Errorf("an enabled user cannot sign in: %v", err)
	}

	// Reset: the new one-time password signs in and must be changed; the old one is gone.
	out, err = cmd("", "user", "passwd", "planner")
	if err != nil {
		t.Fatal(err)
	}
	reset := secretOf(t, out)
	if _, err := signIn("planner", passwords["planner"]); !errors.Is(err, identity.ErrUnauthenticated) {
		t.Errorf("the password before the reset still signs in: %v", err)
	}
	if u, err := signIn("planner", reset); err != nil || !u.MustChangePassword {
		t.Errorf("sign-in with the reset password: must change %v, %v", u.MustChangePassword, err)
	}

	// Roles replaced, within a jurisdiction.
	district := uuid.New()
	if _, err := cmd("", "user", "role", "viewer", "planner", "inspector", "--jurisdiction", district.String()); err != nil {
		t.Fatal(err)
	}
	want := []identity.Grant{
		{Role: identity.RolePlanner, Scope: identity.Scope{Jurisdiction: district}},
		{Role: identity.RoleInspector, Scope: identity.Scope{Jurisdiction: district}},
	}
	if u, err := s.UserByName(ctx, "viewer"); err != nil || len(u.Grants) != 2 || u.Grants[0] != want[0] || u.Grants[1] != want[1] {
		t.Errorf("viewer's grants = %+v, %v; want %+v", u.Grants, err, want)
	}

	// A token that authenticates as its owner until it expires.
	out, err = cmd("", "user", "token", "planner", "--name", "nightly import", "--days", "7")
	if err != nil {
		t.Fatal(err)
	}
	token := secretOf(t, out)
	u, tok, err := svc.AuthenticateToken(ctx, token, time.Now())
	if err != nil || u.Username != "planner" || tok.Name != "nightly import" {
		t.Fatalf("AuthenticateToken = %s %q, %v", u.Username, tok.Name, err)
	}
	if d := time.Until(tok.ExpiresAt); d < 6*24*time.Hour || d > 7*24*time.Hour {
		t.Errorf("the token expires in %s, want 7 days", d)
	}

	// The list: every user, roles, scopes, disabled and locked.
	if _, err := cmd("", "user", "disable", "auditor"); err != nil {
		t.Fatal(err)
	}
	out, err = cmd("", "user", "list")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Fields(line)
		rows[f[0]] = f
	}
	if len(rows) != len(identity.Roles)+1 {
		t.Errorf("user list has %d users, want %d:\n%s", len(rows), len(identity.Roles)+1, out)
	}
	if r := rows["viewer"]; len(r) < 4 || r[1] != "planner,inspector" || r[3] != district.String() {
		t.Errorf("viewer's row: %q", r)
	}
	if r := rows["auditor"]; len(r) < 5 || r[3] != "yes" || r[4] != "no" {
		t.Errorf("auditor's row: %q (want disabled, not locked)", r)
	}

	// Wrong input: one line, non-zero exit, nothing done.
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown role", []string{"user", "add", "merlin", "--role", "wizard"}, `unknown role "wizard"`},
		{"unknown role in role", []string{"user", "role", "viewer", "wizard"}, `unknown role "wizard"`},
		{"unknown user", []string{"user", "disable", "nobody"}, `no user named "nobody"`},
		{"unknown user's token", []string{"user", "token", "nobody"}, `no user named "nobody"`},
		{"duplicate user", []string{"user", "add", "VIEWER", "--role", "viewer"}, `a user named "viewer" already exists`},
		{"agency manager without agency", []string{"user", "add", "am2", "--role", "agency_manager"}, "needs --agency"},
		{"unknown agency", []string{"user", "add", "am2", "--role", "agency_manager", "--agency", uuid.NewString()}, "no such agency"},
		{"scoped administrator", []string{"user", "add", "sa2", "--role", "sysadmin", "--jurisdiction", district.String()}, "not limited"},
		{"token days", []string{"user", "token", "planner", "--days", "0"}, "--days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cmd("", tc.args...)
			mustFail(t, err, tc.want)
		})
	}
	if _, err := s.UserByName(ctx, "merlin"); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("a user with an unknown role was added: %v", err)
	}

	// No hash was printed, and every secret once.
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := printed.String()
	for _, u := range users {
		if strings.Contains(all, u.PasswordHash) || strings.Contains(all, "argon2id") {
			t.Errorf("a password hash of %s was printed", u.Username)
		}
	}
	if strings.Contains(all, tok.Hash) || strings.Count(all, token) != 1 || strings.Count(all, reset) != 1 {
		t.Error("a token hash was printed, or a secret more than once")
	}

	// The audit log: intact, and it names who did what.
	out, err = cmd("", "audit", "verify")
	if err != nil {
		t.Fatalf("audit verify on an intact log: %v", err)
	}
	recs, err := s.Audit(ctx, identity.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "audit log intact: " + strconv.Itoa(len(recs)-1) + " records\n"; out != want {
		t.Errorf("audit verify printed %q, want %q", out, want)
	}
	done := map[string]bool{} // the actions cli did
	failed := 0
	for _, r := range recs {
		if r.Outcome == identity.OutcomeOK && r.UserID == uuid.Nil && r.Username == "cli" {
			done[r.Action] = true
		}
		if r.Outcome == identity.OutcomeFailed && r.Username == "cli" {
			failed++
		}
	}
	for _, action := range []string{"user.add", "user.reset_password", "user.disable", "user.enable", "user.role",
		"token.create", "user.list", "audit.verify"} {
		if !done[action] {
			t.Errorf("no %s by cli in the audit log", action)
		}
	}
	if failed != 5 { // the weak password, two unknown users, the duplicate, the unknown agency
		t.Errorf("%d failed commands in the audit log, want 5", failed)
	}
	found := false
	for _, r := range recs {
		found = found || (r.Action == "user.add" && r.Username == "ops.wang" && r.Target == "user li.ming")
	}
	if !found {
		t.Error("--actor ops.wang is not in the audit log")
	}
	return recs
}

// TestUserCommandsGeoPackage runs the user commands on a GeoPackage, then tampers with one audit
// record as the file's owner could: audit verify names it.
func TestUserCommandsGeoPackage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.gpkg")
	recs := userCommands(t, db)
	victim := recs[2]

	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err = officemapIn(t, "", "audit", "verify", "--db", db)
	mustFail(t, err, "audit log broken at record 3 ("+victim.At.UTC().Format(time.RFC3339)+", "+victim.Action+")")

	// The failed check is itself in the log.
	s, err := gpkg.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	last, err := s.Audit(context.Background(), identity.AuditFilter{AfterSeq: recs[len(recs)-1].Seq})
	if err != nil || len(last) != 1 || last[0].Action != "audit.verify" || last[0].Outcome != identity.OutcomeFailed {
		t.Errorf("after the failed check the log ends with %+v, %v", last, err)
	}
}

// TestUserCommandsPostGIS runs the user commands on PostGIS (migrated by the first command), then a
// superuser rewrites one audit record: audit verify names it.
func TestUserCommandsPostGIS(t *testing.T) {
	db := pgtest.NewEmptyDB(t)
	recs := userCommands(t, db)
	victim := recs[4]

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE audit_log SET outcome = 'denied' WHERE seq = 5`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = officemapIn(t, "", "audit", "verify", "--db", db)
	mustFail(t, err, "audit log broken at record 5 ("+victim.At.UTC().Format(time.RFC3339)+", "+victim.Action+")")
}
