package gpkg_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/exports"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/storetest"
)

// TestClassification runs the conformance tests of a building's own kind (schema version 15) and of the
// title records' expiry and scan.
func TestClassification(t *testing.T) {
	storetest.RunClassification(t, newClocked)
}

// buildingsViewV8 is the layer buildings of schema versions 8 to 14.
const buildingsViewV8 = `CREATE VIEW buildings AS
SELECT fid, geom, id, site_id, name, address, footprint, origin_lon, origin_lat, rotation_deg, scale, source_id,
       created_at, valid_from, version, lang
  FROM buildings_all WHERE deleted_at IS NULL`

// downgradeV15 turns a register of version 15 (or later: downgradeV16 first) back into one of version 14: no buildings_all.category, the
// layer buildings without it.
func downgradeV15(t *testing.T, path string) {
	t.Helper()
	downgradeV16(t, path)
	downgrade(t, path, `DROP VIEW buildings`, `ALTER TABLE buildings_all DROP COLUMN category`, buildingsViewV8,
		`UPDATE officemap_schema SET version = 14`)
}

// TestMigrateV14: Open brings a register of version 14 to version 15 — buildings_all.category, empty in every
// row, and the layer buildings with it, as in a new file, without a history record — and a building's kind
// can then be written and read.
func TestMigrateV14(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v14.gpkg")
	ctx, s, reg := schemaStep{tables: []string{"buildings_all", "buildings"}, marks: []string{"category"}, down: downgradeV15}.migrate(t, path)
	b, err := s.Building(ctx, reg.building.ID)
	must(t, err)
	if b.Category != "" {
		t.Errorf("a migrated building has category %q, want empty", b.Category)
	}
	b.Category = "residential.housing"
	must(t, s.UpdateBuilding(ctx, &b))
	if got := queryStrings(t, rawDB(t, path), `SELECT category FROM buildings WHERE id = ?`, b.ID.String()); len(got) != 1 || got[0] != b.Category {
		t.Errorf("the layer buildings gives category %v, want %s", got, b.Category)
	}
}

// TestExportKeepsBuildingCategory: a GeoPackage export carries a building's own kind in its register and in
// the layer buildings (what QGIS shows), a kind of the deployment's own classification too.
func TestExportKeepsBuildingCategory(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	own := floorplan.BuiltinClassification()
	own.Groups[1].Categories = append(own.Groups[1].Categories,
		floorplan.Category{Code: "residential.dormitory", Name: "职工宿舍", NameEN: "Staff dormitory"})
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "src.gpkg"), gpkg.WithClassification(own))
	must(t, err)
	defer s.Close()
	reg := fill(t, s)
	reg.building.Category = "residential.dormitory"
	must(t, s.UpdateBuilding(ctx, &reg.building))
	d, err := exports.Load(ctx, s, exports.Options{BuildingID: reg.building.ID})
	must(t, err)
	out := filepath.Join(t.TempDir(), "export.gpkg")
	must(t, gpkg.Export(ctx, d, out))
	e, err := gpkg.Open(ctx, out)
	must(t, err)
	defer e.Close()
	b, err := e.Building(ctx, reg.building.ID)
	must(t, err)
	if b.Category != "residential.dormitory" {
		t.Errorf("the exported building has category %q, want residential.dormitory", b.Category)
	}
	if got := queryStrings(t, rawDB(t, out), `SELECT category FROM buildings`); !slices.Equal(got, []string{"residential.dormitory"}) {
		t.Errorf("the exported layer buildings gives %q", got)
	}
}
