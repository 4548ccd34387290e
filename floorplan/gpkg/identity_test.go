package gpkg_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/identity/identitytest"
)

// identityTables are the tables of schema version 3.
var identityTables = []string{"users", "sessions", "api_tokens", "audit_log", "audit_head"}

func TestIdentityStore(t *testing.T) {
	identitytest.Run(t, func(t *testing.T) identity.Store {
		return openFile(t, filepath.Join(t.TempDir(), "identity.gpkg"))
	})
}

// appendAudit appends n records through the store and returns them as it returned them.
func appendAudit(t *testing.T, s identity.Store, n int) []identity.AuditRecord {
	t.Helper()
	var out []identity.AuditRecord
	at := time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.UTC)
	for i := range n {
		r, err := s.AppendAudit(context.Background(), identity.AuditRecord{At: at.Add(time.Duration(i) * time.Minute),
			UserID: uuid.New(), Username: "planner", Role: "planner", Addr: "198.51.100.7", Action: "write.room.update",
			Target: fmt.Sprintf("room %d", i+1), Outcome: identity.OutcomeOK, Detail: `{"changes":[7]} 改名`})
		must(t, err)
		out = append(out, r)
	}
	return out
}

// TestAuditChainCatchesTampering: on the GeoPackage store the file's owner can undo any trigger, so the
// hash chain is the guard. An attacker with the file drops the append-only trigger and changes the log
// with plain SQL; identity.Verify names the record.
func TestAuditChainCatchesTampering(t *testing.T) {
	tests := []struct {
		name   string
		attack []string // SQL run on the file, after the log holds records 1…5
		broken int64    // the record Verify must name
	}{
		{"a field changed", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET outcome = 'denied' WHERE seq = 3`}, 3},
		{"a time moved", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET at = '2026-03-01T00:00:00.000000Z' WHERE seq = 2`}, 2},
		{"a record deleted", []string{`DROP TRIGGER audit_log_no_delete`,
			`DELETE FROM audit_log WHERE seq = 3`}, 4},
		{"a record rewritten with its hash made again", []string{`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET username = 'nobody', hash = :hash WHERE seq = 3`}, 4},
		{"the first records deleted without a purge record", []string{`DROP TRIGGER audit_log_no_delete`,
			`DELETE FROM audit_log WHERE seq < 3`}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.gpkg")
			s := openFile(t, path)
			recs := appendAudit(t, s, 5)
			if seq, err := identity.Verify(recs); err != nil {
				t.Fatalf("Verify before the attack: %d, %v", seq, err)
			}
			// The record 3 an attacker would write to hide a change: its hash recomputed.
			forged := recs[2]
			forged.Username = "nobody"
			forged.Hash = identity.Chain(forged)
			db := rawDB(t, path)
			for _, q := range tc.attack {
				if _, err := db.Exec(q, sql.Named("hash", forged.Hash)); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			got, err := s.Audit(context.Background(), identity.AuditFilter{})
			must(t, err)
			seq, err := identity.Verify(got)
			if !errors.Is(err, identity.ErrChainBroken) || seq != tc.broken {
				t.Errorf("Verify after the attack = %d, %v; want record %d named", seq, err, tc.broken)
			}
		})
	}
}

// TestAuditLogIsAppendOnly: without dropping triggers, the file refuses changes to the audit log and
// its head, also after a purge (which drops and restores the DELETE trigger inside its transaction).
func TestAuditLogIsAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "append.gpkg")
	s := openFile(t, path)
	recs := appendAudit(t, s, 4)
	db := rawDB(t, path)
	refuse := func(when string) {
		t.Helper()
		for _, q := range []string{
			`UPDATE audit_log SET detail = 'x' WHERE seq = 4`,
			`DELETE FROM audit_log WHERE seq = 4`,
			`DELETE FROM audit_log`,
			`DELETE FROM audit_head`,
			`UPDATE audit_head SET last_seq = last_seq + 2`,
			`UPDATE audit_head SET last_hash = 'x'`,
			`INSERT INTO audit_head (fid, last_seq, last_hash) VALUES (2, 0, '')`,
			// A record that does not follow the head: a wrong seq, or a wrong previous hash.
			`INSERT INTO audit_log (seq, at, action, prev_hash, hash) SELECT last_seq + 2, '2026-03-03T00:00:00.000000Z', 'x', last_hash, '` +
				strings.Repeat("a", 64) + `' FROM audit_head`,
			`INSERT INTO audit_log (seq, at, action, prev_hash, hash) SELECT last_seq + 1, '2026-03-03T00:00:00.000000Z', 'x', '', '` +
				strings.Repeat("a", 64) + `' FROM audit_head`,
		} {
			if _, err := db.Exec(q); err == nil {
				t.Errorf("%s: %s was accepted", when, q)
			}
		}
	}
	refuse("before a purge")
	n, err := s.PurgeAudit(context.Background(), recs[2].At)
	must(t, err)
	if n != 2 {
		t.Errorf("PurgeAudit removed %d records, want 2", n)
	}
	refuse("after a purge")
	got, err := s.Audit(context.Background(), identity.AuditFilter{})
	must(t, err)
	if len(got) != 2 || got[0].Seq != 3 || got[0].PrevHash != recs[1].Hash || got[1].Hash != recs[3].Hash {
		t.Errorf("after the purge: %+v", got)
	}
	if _, err := s.PurgeAudit(context.Background(), time.Time{}); err == nil {
		t.Error("PurgeAudit without a time was accepted")
	}
}

// TestIdentityWritesLeaveRegister: accounts, sessions, tokens and audit records are not changes of the
// register: no history rows, the same revision.
func TestIdentityWritesLeaveRegister(t *testing.T) {
	path := filepath.Join(t.TempDir(), "revision.gpkg")
	s := openFile(t, path)
	fill(t, s)
	ctx := context.Background()
	before, err := s.Revision(ctx)
	must(t, err)
	u := identity.User{Username: "planner", Grants: []identity.Grant{{Role: identity.RolePlanner}}}
	must(t, s.CreateUser(ctx, &u))
	u.DisplayName = "张伟"
	must(t, s.UpdateUser(ctx, &u))
	_, h := identity.NewSecret()
	must(t, s.CreateSession(ctx, identity.Session{IDHash: h, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}))
	must(t, s.TouchSession(ctx, h, time.Now()))
	tok := identity.Token{Hash: h, UserID: u.ID, Name: "导入", ExpiresAt: time.Now().Add(time.Hour)}
	must(t, s.CreateToken(ctx, &tok))
	must(t, s.RevokeToken(ctx, tok.ID, time.Now()))
	recs := appendAudit(t, s, 3)
	_, err = s.PurgeAudit(ctx, recs[2].At)
	must(t, err)
	must(t, s.DeleteUserSessions(ctx, u.ID, ""))
	after, err := s.Revision(ctx)
	must(t, err)
	if after != before {
		t.Errorf("identity writes moved the register's revision from %d to %d", before, after)
	}
}

// writeV2 writes at path a register of schema version 2, as this code's version 2 left it: a new file
// with a register in it, then without the tables that version 3 added.
func writeV2(t *testing.T, path string) {
	t.Helper()
	filledFile(t, path)
	downgradeV4(t, path)
	var queries []string
	for _, table := range identityTables {
		queries = append(queries, `DROP TABLE `+table)
	}
	downgrade(t, path, append(queries,
		`DELETE FROM gpkg_contents WHERE table_name IN ('users', 'sessions', 'api_tokens', 'audit_log', 'audit_head')`,
		`UPDATE officemap_schema SET version = 2`)...)
}

// sameIdentityTables checks that the identity tables of the file at path are those of a new file, and
// that it is of the schema version this code writes (3 or later).
func sameIdentityTables(t *testing.T, path string) {
	t.Helper()
	sameTablesAsNew(t, path, append(identityTables, "officemap_schema")...)
	db := rawDB(t, path)
	var version int
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	if version != gpkg.SchemaVersion || gpkg.SchemaVersion < 3 {
		t.Errorf("migrated file: officemap schema %d, want %d (3)", version, gpkg.SchemaVersion)
	}
}

// TestMigrateV2: Open brings a register of version 2 to version 3 — the identity tables, empty, as in
// a new file — without touching the register.
func TestMigrateV2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.gpkg")
	writeV2(t, path)
	db := rawDB(t, path)
	var history, revision int64
	must(t, db.QueryRow(`SELECT count(*), max(fid) FROM history`).Scan(&history, &revision))
	must(t, db.Close())

	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	ctx := context.Background()
	if got, err := s.Revision(ctx); err != nil || got != revision {
		t.Errorf("revision after the migration: %d, %v; want %d", got, err, revision)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Errorf("users after the migration: %d, %v; want none", n, err)
	}
	u := identity.User{Username: "sysadmin", Grants: []identity.Grant{{Role: identity.RoleSysAdmin}}}
	must(t, s.CreateUser(ctx, &u))
	recs := appendAudit(t, s, 2)
	if recs[0].Seq != 1 || recs[0].PrevHash != "" {
		t.Errorf("the first audit record after the migration: Seq %d, PrevHash %q", recs[0].Seq, recs[0].PrevHash)
	}
	must(t, s.Close())
	sameIdentityTables(t, path)
	reopenChangesNothing(t, path, gpkg.WithLocation(cst))
}

// TestMigrateV1ToV3: a register of version 1 goes through version 2 to 3 in one Open.
func TestMigrateV1ToV3(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.gpkg")
	writeV1(t, path, false, false)
	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	appendAudit(t, s, 1)
	must(t, s.Close())
	sameIdentityTables(t, path)
}

// TestMigrateV2AllOrNothing: a migration to version 3 that fails half-way leaves the file as it was,
// of version 2. Here a table someone added to the file (in QGIS, say) has the name of the last table
// the migration creates.
func TestMigrateV2AllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.gpkg")
	writeV2(t, path)
	db := rawDB(t, path)
	_, err := db.Exec(`CREATE TABLE audit_head (fid INTEGER PRIMARY KEY, note TEXT)`)
	must(t, err)
	must(t, db.Close())
	migrationFails(t, path, 2)
	db = rawDB(t, path)
	var tables, contents, version int
	must(t, db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'sessions', 'api_tokens', 'audit_log')`).Scan(&tables))
	must(t, db.QueryRow(`SELECT count(*) FROM gpkg_contents WHERE table_name IN ('users', 'sessions', 'api_tokens', 'audit_log', 'audit_head')`).Scan(&contents))
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	if tables != 0 || contents != 0 || version != 2 {
		t.Errorf("after the failed migration: %d identity tables, %d contents rows, version %d; want 0, 0, 2", tables, contents, version)
	}
}

// TestIdentityOgrinfo: GDAL opens a file with accounts and an audit log without a warning, and reads the
// identity tables as attribute layers.
func TestIdentityOgrinfo(t *testing.T) {
	run := ogrinfo(t, func(stderr string) bool { return stderr != "" }) // not even a warning
	path := filepath.Join(t.TempDir(), "identity.gpkg")
	s := openFile(t, path)
	fill(t, s)
	ctx := context.Background()
	u := identity.User{Username: "planner", Grants: []identity.Grant{{Role: identity.RolePlanner}},
		PasswordChangedAt: time.Now(), PasswordHistory: []string{"h1"}}
	must(t, s.CreateUser(ctx, &u))
	_, h := identity.NewSecret()
	must(t, s.CreateSession(ctx, identity.Session{IDHash: h, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}))
	must(t, s.CreateToken(ctx, &identity.Token{Hash: h, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}))
	appendAudit(t, s, 3)
	must(t, s.Close())

	out := run("-ro", "-so", path)
	for _, table := range identityTables {
		if !strings.Contains(out, table+" (None)") {
			t.Errorf("ogrinfo -so does not list %s as an attribute table:\n%s", table, out)
		}
	}
	out = run("-ro", path, "audit_log", "users", "sessions", "api_tokens", "audit_head")
	for want, n := range map[string]int{"OGRFeature(audit_log)": 3, "OGRFeature(users)": 1, "OGRFeature(sessions)": 1,
		"OGRFeature(api_tokens)": 1, "OGRFeature(audit_head)": 1, "action (String) = write.room.update": 3,
		"username (String) = planner": 4} {
		if got := strings.Count(out, want); got != n {
			t.Errorf("ogrinfo shows %q %d times, want %d", want, got, n)
		}
	}
}
