package gpkg_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// downgradeV7 makes the register at path one of schema version 6: no version in sites, buildings,
// floors, agencies and people, and the layers of version 6.
func downgradeV7(t *testing.T, path string) {
	t.Helper()
	downgradeV8(t, path)
	queries := []string{`DROP VIEW sites`, `DROP VIEW buildings`, `DROP VIEW floors`}
	for _, table := range []string{"sites_all", "buildings_all", "floors_all", "agencies", "people"} {
		queries = append(queries, `ALTER TABLE `+table+` DROP COLUMN version`)
	}
	downgrade(t, path, append(queries, gpkg.LayerViewsV6, `UPDATE officemap_schema SET version = 6`)...)
}

// TestMigrateV6: Open brings a register of version 6 to version 7 — a version, 1 for every row, in
// sites, buildings, floors, agencies and people, and in the layers, as in a new file — and the store then
// moves it on with every update and refuses a stale one.
func TestMigrateV6(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v6.gpkg")
	reg := filledFile(t, path)
	downgradeV7(t, path)

	s, err := gpkg.Open(context.Background(), path, gpkg.WithLocation(cst))
	must(t, err)
	ctx := floorplan.WithActor(context.Background(), "test")
	site, err := s.Site(ctx, reg.site.ID)
	must(t, err)
	b, err := s.Building(ctx, reg.building.ID)
	must(t, err)
	f, err := s.Floor(ctx, reg.floors[0].ID)
	must(t, err)
	for what, v := range map[string]int64{"site": site.Version, "building": b.Version, "floor": f.Version} {
		if v != 1 {
			t.Errorf("a migrated %s has version %d, want 1", what, v)
		}
	}
	stale := site
	site.Note = "迁移后修改"
	must(t, s.UpdateSite(ctx, &site))
	if site.Version != 2 {
		t.Errorf("a migrated site updated: version %d, want 2", site.Version)
	}
	stale.Note = "过期的修改"
	if err := s.UpdateSite(ctx, &stale); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("a stale update of a migrated site: %v, want ErrConflict", err)
	}
	must(t, s.Close())
	sameTablesAsNew(t, path, append(layerTables, "agencies", "people", "officemap_schema")...)
	reopenChangesNothing(t, path, gpkg.WithLocation(cst))
}
