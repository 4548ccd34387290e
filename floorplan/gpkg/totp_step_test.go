package gpkg_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
)

// downgradeV5 makes the register at path one of schema version 4: no users.last_totp_step.
func downgradeV5(t *testing.T, path string) {
	t.Helper()
	db := rawDB(t, path)
	tx, err := db.Begin()
	must(t, err)
	for _, q := range []string{ // test SQL on fixed names
		`ALTER TABLE users DROP COLUMN last_totp_step`,
		`UPDATE officemap_schema SET version = 4`,
	} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, tx.Commit())
	must(t, db.Close())
}

// TestMigrateV4: Open brings a register of version 4 to version 5 — users.last_totp_step, 0 for the
// users there, as in a new file — without touching the users' rows otherwise.
func TestMigrateV4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v4.gpkg")
	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	ctx := context.Background()
	u := identity.User{Username: "planner", TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPEnabled: true}
	must(t, s.CreateUser(ctx, &u))
	must(t, s.Close())
	downgradeV5(t, path)

	s, err = gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	got, err := s.User(ctx, u.ID)
	must(t, err)
	if got.LastTOTPStep != 0 || got.Version != 1 || !got.TOTPEnabled || got.TOTPSecret != u.TOTPSecret {
		t.Errorf("migrated user: LastTOTPStep %d, version %d, TOTP %v %q; want 0, 1, true %q",
			got.LastTOTPStep, got.Version, got.TOTPEnabled, got.TOTPSecret, u.TOTPSecret)
	}
	got.LastTOTPStep = 59026306
	must(t, s.UpdateUser(ctx, &got))
	again, err := s.User(ctx, u.ID)
	must(t, err)
	if again.LastTOTPStep != 59026306 || again.Version != 2 {
		t.Errorf("after an update: LastTOTPStep %d, version %d; want 59026306, 2", again.LastTOTPStep, again.Version)
	}
	must(t, s.Close())

	fresh := filepath.Join(t.TempDir(), "fresh.gpkg")
	must(t, openFile(t, fresh).Close())
	db, fdb := rawDB(t, path), rawDB(t, fresh)
	for _, table := range []string{"users", "officemap_schema"} {
		if got, want := tableShape(t, db, table), tableShape(t, fdb, table); !slices.Equal(got, want) {
			t.Errorf("table %s of the migrated file:\n  %s\nof a new file:\n  %s", table, strings.Join(got, "\n  "),
				strings.Join(want, "\n  "))
		}
	}
	var version int
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	if version != 5 || gpkg.SchemaVersion != 5 {
		t.Errorf("migrated file: officemap schema %d (code %d), want 5", version, gpkg.SchemaVersion)
	}

	// Opening the migrated file again changes nothing.
	before := fileState(t, path)
	s, err = gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	must(t, s.Close())
	if after := fileState(t, path); after != before {
		t.Errorf("reopening the migrated file changed it:\n  before: %s\n  after:  %s", before, after)
	}
}

// TestMigrateV4AllOrNothing: a migration to version 5 that fails (here on a users table that someone
// gave the new column's name already, with another type) leaves the file as it was, of version 4.
func TestMigrateV4AllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v4.gpkg")
	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	fill(t, s)
	must(t, s.Close())
	downgradeV5(t, path)
	db := rawDB(t, path)
	_, err = db.Exec(`ALTER TABLE users ADD COLUMN last_totp_step TEXT`)
	must(t, err)
	must(t, db.Close())
	before := fileState(t, path)
	if s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst)); err == nil {
		s.Close()
		t.Fatal("Open migrated a file whose migration must fail")
	} else if !strings.Contains(err.Error(), "schema version 4 to 5") {
		t.Errorf("Open: %v, want an error of the migration to version 5", err)
	}
	if after := fileState(t, path); after != before {
		t.Errorf("the failed migration changed the file:\n  before: %s\n  after:  %s", before, after)
	}
	db = rawDB(t, path)
	var version int
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	if version != 4 {
		t.Errorf("after the failed migration: schema version %d, want 4", version)
	}
}
