package postgis_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
	"officemap/floorplan/identity"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
)

// dbRoles is a database set up the way README tells an operator to: an owner role that owns the
// database and runs the migrations, and an app role, which the server runs as, with the grants of
// officemap_grant_app.
type dbRoles struct {
	owner, app       string // role names
	ownerURL, appURL string
	superURL         string // the test server's superuser, on the same database
}

// Statements of the operator's setup (README, "The two database roles"). Role and database names
// cannot be parameters: the server formats them with format('%I'), and the password with %L.
const (
	createLoginRoleSQL = `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE', $1::text, $2::text)`
	ownDatabaseSQL     = `SELECT format('ALTER DATABASE %I OWNER TO %I', $1::text, $2::text)`
	dropRoleSQL        = `SELECT format('DROP ROLE IF EXISTS %I', $1::text)`
	createPostGISSQL   = `CREATE EXTENSION IF NOT EXISTS postgis`
	grantAppSQL        = `SELECT officemap_grant_app($1)`
)

// execFormatted runs the statement that query (a SELECT format(…)) makes of args.
func execFormatted(ctx context.Context, conn *pgx.Conn, query string, args ...any) error {
	var stmt string
	if err := conn.QueryRow(ctx, query, args...).Scan(&stmt); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, stmt)
	return err
}

// newDBRoles creates the two roles (dropped when t ends) and a fresh database owned by the owner, with
// PostGIS installed by the superuser (it is not a trusted extension), migrated by the owner, and the
// app role granted by the owner.
func newDBRoles(t *testing.T) dbRoles {
	t.Helper()
	ctx := ctxFor(t)
	server := pgtest.ServerURL()
	admin, err := pgx.Connect(ctx, server)
	must(t, err)
	defer admin.Close(context.WithoutCancel(ctx))

	suffix := randomHex(t, 6)
	r := dbRoles{owner: "officemap_test_owner_" + suffix, app: "officemap_test_app_" + suffix}
	ownerPW, appPW := randomHex(t, 16), randomHex(t, 16)
	must(t, execFormatted(ctx, admin, createLoginRoleSQL, r.owner, ownerPW))
	must(t, execFormatted(ctx, admin, createLoginRoleSQL, r.app, appPW))
	// Cleanups run last first: the database (pgtest's cleanup, registered below) goes before the roles.
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("drop the test roles: %v", err)
			return
		}
		defer conn.Close(ctx)
		for _, role := range []string{r.app, r.owner} {
			if err := execFormatted(ctx, conn, dropRoleSQL, role); err != nil {
				t.Errorf("drop role %s: %v", role, err)
			}
		}
	})

	r.superURL = pgtest.NewEmptyDB(t)
	dbName := strings.TrimPrefix(mustParseURL(t, r.superURL).Path, "/")
	must(t, execFormatted(ctx, admin, ownDatabaseSQL, dbName, r.owner))
	r.ownerURL = roleURL(t, r.superURL, r.owner, ownerPW)
	r.appURL = roleURL(t, r.superURL, r.app, appPW)

	super := poolOn(t, r.superURL)
	_, err = super.Exec(ctx, createPostGISSQL)
	must(t, err)
	owner := poolOn(t, r.ownerURL)
	must(t, postgis.Migrate(ctx, owner))
	_, err = owner.Exec(ctx, grantAppSQL, r.app)
	must(t, err)
	return r
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	_, err := rand.Read(b)
	must(t, err)
	return hex.EncodeToString(b)
}

func mustParseURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	must(t, err)
	return u
}

// roleURL is dbURL signed in as role with password.
func roleURL(t *testing.T, dbURL, role, password string) string {
	u := mustParseURL(t, dbURL)
	u.User = url.UserPassword(role, password)
	return u.String()
}

// TestRoles checks what issue 12 asks of the database: the server's role can only append to the
// history and the audit log, cannot switch their triggers off, and can run the register.
func TestRoles(t *testing.T) {
	r := newDBRoles(t)
	ctx := ctxFor(t)
	app := poolOn(t, r.appURL)

	var owner string
	must(t, app.QueryRow(ctx, `SELECT tableowner FROM pg_tables WHERE tablename = 'history'`).Scan(&owner))
	if owner != r.owner {
		t.Fatalf("history is owned by %s, want the owner role %s", owner, r.owner)
	}

	// The store works as the app role: the register (with its history), accounts and the audit log.
	s, err := postgis.Open(ctx, r.appURL)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	// Starting a server as the app role migrates a current schema: a no-op it may do.
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate as the app role on a current schema: %v", err)
	}
	// A bulk load as the app role, which may not drop or build indexes, keeps them all.
	indexes := func() (n int) {
		must(t, app.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename IN ('rooms', 'history')`).Scan(&n))
		return n
	}
	before := indexes()
	must(t, s.WithIndexesDeferred(ctx, func() error {
		if during := indexes(); during != before {
			t.Errorf("a load as the app role dropped indexes: %d during it, %d before", during, before)
		}
		return nil
	}))
	f := newFixture(t, s)
	room := f.room(t, 0, "101", rect(0, 0, 4, 6))
	room.Name = "办公室"
	must(t, s.UpdateRoom(f.ctx, &room))
	if h, err := s.History(f.ctx, floorplan.EntityRoom, room.ID); err != nil || len(h) != 2 {
		t.Fatalf("the room's history as the app role: %d records, %v", len(h), err)
	}
	u := identity.User{Username: "planner"}
	must(t, s.CreateUser(ctx, &u))
	must(t, s.CreateSession(ctx, identity.Session{IDHash: "s1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}))
	must(t, s.DeleteSession(ctx, "s1"))
	for _, days := range []int{400, 1} {
		_, err := s.AppendAudit(ctx, identity.AuditRecord{At: time.Now().AddDate(0, 0, -days), Username: "planner",
			Action: "session.sign_in"})
		must(t, err)
	}
	if _, err := s.PurgeAudit(ctx, time.Now().AddDate(0, 0, -30)); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("a purge inside the retention period as the app role: %v, want ErrInvalid", err)
	}
	_, err = s.AppendAudit(ctx, identity.AuditRecord{Username: "system", Action: identity.ActionAuditPurge})
	must(t, err)
	if n, err := s.PurgeAudit(ctx, time.Now().AddDate(0, 0, -200)); err != nil || n != 1 {
		t.Errorf("a policy purge as the app role: %d, %v; want 1", n, err)
	}
	recs, err := s.Audit(ctx, identity.AuditFilter{})
	must(t, err)
	if broken, err := identity.Verify(recs); err != nil || len(recs) != 2 {
		t.Errorf("the audit log after the purge: %d records, Verify %d, %v", len(recs), broken, err)
	}

	// The archive and the ledger as the app role: a document filed and hidden, a ledger entry appended.
	data := "%PDF-1.4 roles"
	sum := sha256.Sum256([]byte(data))
	doc := floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: f.site.ID, DocType: "photo", Name: "a.pdf",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MediaType: "application/pdf"}
	must(t, s.Blobs().Put(f.ctx, doc.SHA256, doc.Size, strings.NewReader(data)))
	must(t, s.CreateDocument(f.ctx, &doc))
	must(t, s.HideDocument(f.ctx, doc.ID, "planner", "test"))
	must(t, s.AddLedgerEntry(f.ctx, &floorplan.LedgerEntry{SiteID: f.site.ID, Year: 2026, Kind: floorplan.LedgerUtilities, Amount: 1}))

	_, err = app.Exec(ctx, `INSERT INTO history (entity, entity_id, op, actor, effective)
VALUES ('room', gen_random_uuid(), 'insert', 'test:roles', current_date)`)
	if err != nil {
		t.Errorf("the app role cannot insert into history: %v", err)
	}

	// What the app role must not do. 42501 is insufficient_privilege ("must be owner", "permission
	// denied").
	refused := []struct {
		name, sql string
		want      string
	}{
		{"update history", `UPDATE history SET actor = 'someone else'`, "42501"},
		{"delete history", `DELETE FROM history`, "42501"},
		{"truncate history", `TRUNCATE history`, "42501"},
		{"update audit_log", `UPDATE audit_log SET outcome = 'ok'`, "42501"},
		{"delete audit_log", `DELETE FROM audit_log`, "42501"},
		{"truncate audit_log", `TRUNCATE audit_log`, "42501"},
		{"delete audit_purges", `DELETE FROM audit_purges`, "42501"},
		{"history trigger off", `ALTER TABLE history DISABLE TRIGGER history_no_update`, "42501"},
		{"all history triggers off", `ALTER TABLE history DISABLE TRIGGER ALL`, "42501"},
		{"audit trigger off", `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`, "42501"},
		{"room history trigger off", `ALTER TABLE rooms DISABLE TRIGGER rooms_history`, "42501"},
		{"replica role", `SET session_replication_role = replica`, "42501"},
		{"replica role, local", `SET LOCAL session_replication_role = replica`, "42501"},
		{"replica role, set_config", `SELECT set_config('session_replication_role', 'replica', false)`, "42501"},
		{"become the owner", `SET ROLE ` + pgx.Identifier{r.owner}.Sanitize(), "42501"},
		{"drop history", `DROP TABLE history`, "42501"},
		{"move the audit head", `UPDATE audit_head SET last_seq = last_seq + 1`, "OM004"},
		{"delete the audit head", `DELETE FROM audit_head`, "42501"},
		{"retention", `UPDATE audit_settings SET min_retention = interval '0'`, "42501"},
		{"grant itself", `SELECT officemap_grant_app(current_user)`, "42501"},
		{"delete a document's bytes", `DELETE FROM document_blob_parts`, "42501"},
		{"change a ledger entry", `UPDATE ledger_entries SET amount = 2`, "42501"},
		{"delete a document", `DELETE FROM documents`, "42501"},
		{"grant more", `INSERT INTO officemap_app_grants VALUES ('x', 'SELECT')`, "42501"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := app.Exec(ctx, tt.sql)
			if got := sqlState(err); got != tt.want {
				t.Errorf("%s as the app role = %v (SQLSTATE %q), want SQLSTATE %s", tt.sql, err, got, tt.want)
			}
		})
	}

	// The purge flag set by hand does not open the log: the app role has no DELETE right, and only the
	// owner's purge_audit passes the trigger.
	err = pgx.BeginFunc(ctx, app, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('officemap.audit_purge', 'on', true)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM audit_log`)
		return err
	})
	if sqlState(err) != "42501" {
		t.Errorf("a delete with the purge flag set by hand: %v, want 42501", err)
	}

	// officemap_grant_app refuses roles that could undo the guards.
	var superuser string
	must(t, poolOn(t, r.superURL).QueryRow(ctx, `SELECT current_user`).Scan(&superuser))
	owner2 := poolOn(t, r.ownerURL)
	for _, role := range []string{superuser, r.owner} {
		if _, err := owner2.Exec(ctx, grantAppSQL, role); err == nil {
			t.Errorf("officemap_grant_app(%s) went through", role)
		}
	}
	// It is idempotent.
	if _, err := owner2.Exec(ctx, grantAppSQL, r.app); err != nil {
		t.Errorf("officemap_grant_app again: %v", err)
	}
}
