package postgis_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
)

// An agency and a person of schema 0010 written with plain SQL, as officemap of that version left them.
const (
	v10Agency = `INSERT INTO agencies (id, name, level, headcount) VALUES ($1, '常州市机关事务管理局', 'municipal', 40)`
	v10Person = `INSERT INTO people (id, name, agency_id, rank, title) VALUES ($1, '张三', $2, 'section', '科长')`
)

// migrateAll applies every shipped migration that the database p lacks, and returns how many history
// records it had before.
func migrateAll(t *testing.T, ctx context.Context, p *pgxpool.Pool) int {
	t.Helper()
	var history int
	must(t, p.QueryRow(ctx, `SELECT count(*) FROM history`).Scan(&history))
	must(t, postgis.Migrate(ctx, p))
	if got, want := appliedVersions(t, p), shippedVersions(t); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
	return history
}

// TestMigrate0011: 0011_staff on a database of 0010 with people and agencies in it changes no row (no
// history record, no version), gives every row an empty key, and the store then reads and writes the
// keys; the database itself refuses a key that a live row has, whoever writes it, and the store says which
// field.
func TestMigrate0011(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	p := poolOn(t, pgtest.NewEmptyDB(t))
	must(t, postgis.MigrateFS(ctx, p, migrationsBefore(t, 11)))
	agency, person := uuid.New(), uuid.New()
	if _, err := p.Exec(ctx, v10Agency, agency); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Exec(ctx, v10Person, person, agency); err != nil {
		t.Fatal(err)
	}
	history := migrateAll(t, ctx, p)
	var after int
	var staffNo, code string
	var personVersion, agencyVersion int64
	must(t, p.QueryRow(ctx, `SELECT (SELECT count(*) FROM history), p.staff_no, p.version, a.code, a.version
  FROM people p, agencies a WHERE p.id = $1 AND a.id = $2`, person, agency).
		Scan(&after, &staffNo, &personVersion, &code, &agencyVersion))
	if after != history || staffNo != "" || code != "" || personVersion != 1 || agencyVersion != 1 {
		t.Errorf("after 0011: %d history records (was %d), staff_no %q version %d, code %q version %d",
			after, history, staffNo, personVersion, code, agencyVersion)
	}
	var columns []string
	rows, err := p.Query(ctx, `SELECT column_name FROM information_schema.columns WHERE table_name = 'people'`)
	must(t, err)
	for rows.Next() {
		var c string
		must(t, rows.Scan(&c))
		columns = append(columns, c)
	}
	must(t, rows.Err())
	for _, c := range columns {
		if strings.Contains(c, "id_no") || strings.Contains(c, "id_card") || strings.Contains(c, "national") {
			t.Errorf("people has a column %q: the national ID number is never stored", c)
		}
	}

	s := postgis.New(p)
	got, err := s.Person(ctx, person)
	must(t, err)
	a, err := s.Agency(ctx, agency)
	must(t, err)
	if got.StaffNo != "" || a.Code != "" {
		t.Errorf("rows of 0010 read staff_no %q and code %q, want none", got.StaffNo, a.Code)
	}
	got.StaffNo, a.Code = "CZ-0001", "11320400014160776X"
	must(t, s.UpdatePerson(ctx, &got))
	must(t, s.UpdateAgency(ctx, &a))
	if again, err := s.Person(ctx, person); err != nil || again.StaffNo != "CZ-0001" || again.Version != 2 {
		t.Errorf("the person after UpdatePerson: %q version %d (%v)", again.StaffNo, again.Version, err)
	}
	keysRefused(t, p, agency)
}

// keysRefused checks, with plain SQL, that the database refuses a second live row with a key, that the
// store explains the refusal naming the field, and that empty keys and deleted rows' keys are free.
func keysRefused(t *testing.T, p *pgxpool.Pool, agency uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range []struct {
		sql, constraint, field string
	}{
		{`INSERT INTO people (id, name, agency_id, rank, staff_no) VALUES ($1, '李四', $2, 'staff', 'CZ-0001')`,
			"people_staff_no_key", "staff_no"},
		{`INSERT INTO agencies (id, name, level, code) VALUES ($1, '常州市教育局', 'municipal', '11320400014160776X')`,
			"agencies_code_key", "code"},
	} {
		args := []any{uuid.New()}
		if strings.Contains(tc.sql, "people") {
			args = append(args, agency)
		}
		_, err := p.Exec(ctx, tc.sql, args...)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.ConstraintName != tc.constraint {
			t.Errorf("%s: %v, want a violation of %s", tc.sql, err, tc.constraint)
			continue
		}
		mapped := postgis.MapError(err)
		if !errors.Is(mapped, floorplan.ErrInvalid) || !strings.Contains(mapped.Error(), tc.field) ||
			strings.Contains(mapped.Error(), "INSERT") {
			t.Errorf("%s: the store says %q, want ErrInvalid naming %s", tc.constraint, mapped, tc.field)
		}
	}
	for _, sql := range []string{
		`INSERT INTO people (id, name, agency_id, rank) VALUES ($1, '王五', $2, 'staff')`,
		`INSERT INTO people (id, name, agency_id, rank) VALUES ($1, '赵六', $2, 'staff')`,
		`INSERT INTO people (id, name, agency_id, rank, staff_no, deleted_at) VALUES ($1, '钱七', $2, 'staff', 'CZ-0001', now())`,
	} {
		if _, err := p.Exec(ctx, sql, uuid.New(), agency); err != nil {
			t.Errorf("%s: %v; want it accepted (no key, or a deleted row's)", sql, err)
		}
	}
}
