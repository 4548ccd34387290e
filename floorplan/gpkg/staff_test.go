package gpkg_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
)

// downgradeV9 makes the register at path one of schema version 8: no people.staff_no, no agencies.code.
func downgradeV9(t *testing.T, path string) {
	t.Helper()
	downgradeV10(t, path)
	downgrade(t, path, `DROP INDEX people_staff_no_key`, `DROP INDEX agencies_code_key`,
		`ALTER TABLE people DROP COLUMN staff_no`, `ALTER TABLE agencies DROP COLUMN code`,
		`UPDATE officemap_schema SET version = 8`)
}

// TestMigrateV8: Open brings a register of version 8 with people and agencies in it to version 9 — the
// keys empty in every row, no history record and no version moved, the tables as in a new file — and
// the store then reads and writes the keys, which the file itself keeps unique among live rows.
func TestMigrateV8(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v8.gpkg")
	a := floorplan.Agency{Name: "常州市机关事务管理局", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	p := floorplan.Person{Name: "张三", Rank: floorplan.RankSection, Status: floorplan.PersonActive,
		Posts: []floorplan.Post{{Title: "工会主席（兼）"}}}
	history := takenBack(t, path, downgradeV9, func(ctx context.Context, s *gpkg.Store) {
		must(t, s.CreateAgency(ctx, &a))
		p.AgencyID = a.ID
		must(t, s.CreatePerson(ctx, &p))
	})

	ctx, s := openCST(t, path)
	gotP, err := s.Person(ctx, p.ID)
	must(t, err)
	gotA, err := s.Agency(ctx, a.ID)
	must(t, err)
	if gotP.StaffNo != "" || gotP.Version != p.Version || gotA.Code != "" || gotA.Version != a.Version {
		t.Errorf("after the migration: staff_no %q version %d, code %q version %d; want none and versions %d, %d",
			gotP.StaffNo, gotP.Version, gotA.Code, gotA.Version, p.Version, a.Version)
	}
	must(t, s.Close())
	migratedAsNew(t, path, history, "people", "agencies", "officemap_schema")
	var check string
	must(t, rawDB(t, path).QueryRow(`PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Errorf("integrity_check of the migrated file: %s", check)
	}

	_, s = openCST(t, path)
	gotP.StaffNo, gotA.Code = "CZ-0001", "11320400014160776X"
	must(t, s.UpdatePerson(ctx, &gotP))
	must(t, s.UpdateAgency(ctx, &gotA))
	twin := floorplan.Person{Name: "张三丰", StaffNo: "CZ-0001", AgencyID: a.ID, Rank: floorplan.RankStaff,
		Status: floorplan.PersonActive}
	var fe *floorplan.FieldError
	if err := s.CreatePerson(ctx, &twin); !errors.As(err, &fe) || fe.Field != "staff_no" || fe.Reason != floorplan.FieldTaken {
		t.Errorf("a second person CZ-0001 after the migration: %v, want a FieldError staff_no taken", err)
	}
	must(t, s.Close())

	// The file refuses what the store would, whatever writes it; empty keys and deleted rows' keys are free.
	db := rawDB(t, path)
	for _, q := range []string{
		`INSERT INTO people (id, name, rank, created_at, staff_no) VALUES ('p2', '李四', 'staff', '2025-01-01', 'CZ-0001')`,
		`INSERT INTO agencies (id, name, level, created_at, code) VALUES ('a2', '常州市教育局', 'municipal', '2025-01-01', '11320400014160776X')`,
	} {
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
			t.Errorf("%s: %v, want a UNIQUE constraint failure", q, err)
		}
	}
	for _, q := range []string{
		`INSERT INTO people (id, name, rank, created_at) VALUES ('p3', '王五', 'staff', '2025-01-01')`,
		`INSERT INTO people (id, name, rank, created_at) VALUES ('p4', '赵六', 'staff', '2025-01-01')`,
		`INSERT INTO people (id, name, rank, created_at, deleted_at, staff_no) VALUES ('p5', '钱七', 'staff', '2025-01-01', '2025-02-01', 'CZ-0001')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Errorf("%s: %v; want it accepted (no key, or a deleted row's)", q, err)
		}
	}
}
