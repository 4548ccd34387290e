package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"

	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
)

// downgradeV5 makes the register at path one of schema version 4: no users.last_totp_step.
func downgradeV5(t *testing.T, path string) {
	t.Helper()
	downgradeV6(t, path)
	downgrade(t, path, `ALTER TABLE users DROP COLUMN last_totp_step`, `UPDATE officemap_schema SET version = 4`)
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

	sameTablesAsNew(t, path, "users", "officemap_schema")
	db := rawDB(t, path)
	var version int
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	if version != gpkg.SchemaVersion || gpkg.SchemaVersion < 5 {
		t.Errorf("migrated file: officemap schema %d, want %d (5)", version, gpkg.SchemaVersion)
	}
	reopenChangesNothing(t, path, gpkg.WithLocation(cst))
}

// TestMigrateV4AllOrNothing: a migration to version 5 that fails (here on a users table that someone
// gave the new column's name already, with another type) leaves the file as it was, of version 4.
func TestMigrateV4AllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v4.gpkg")
	filledFile(t, path)
	downgradeV5(t, path)
	db := rawDB(t, path)
	_, err := db.Exec(`ALTER TABLE users ADD COLUMN last_totp_step TEXT`)
	must(t, err)
	must(t, db.Close())
	migrationFails(t, path, 4)
	db = rawDB(t, path)
	var version int
	must(t, db.QueryRow(`SELECT version FROM officemap_schema`).Scan(&version))
	if version != 4 {
		t.Errorf("after the failed migration: schema version %d, want 4", version)
	}
}
