package staff

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/sample"
)

// storeKinds opens each store kind for a subtest: the embedded store and PostGIS (mandatory with CI=true).
var storeKinds = []struct {
	name string
	open func(t *testing.T) floorplan.Store
}{
	{"gpkg", func(t *testing.T) floorplan.Store { return importtest.NewStore(t) }},
	{"postgis", func(t *testing.T) floorplan.Store { return pgtest.NewStore(t) }},
}

// demo is the sample register of day with a staff number on every person and a code on every third agency.
func demo(day time.Time) *sample.Dataset {
	d := sample.Build(day)
	for i := range d.People {
		d.People[i].StaffNo = fmt.Sprintf("GH%04d", i+1)
	}
	for i := range d.Agencies {
		if i%3 == 0 {
			d.Agencies[i].Code = fmt.Sprintf("DW%03d", i+1)
		}
	}
	return d
}

// exported writes a kind of the register as an XLSX workbook in the template's layout, as a clerk gets
// it (every concurrent post with its dates, so that ended posts and the second offices they served
// come back).
func exported(t *testing.T, r floorplan.Reader, k Kind, day time.Time) []byte {
	t.Helper()
	tab, err := Export(context.Background(), r, k, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tab.WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mustImport imports a file and fails the test on an error.
func mustImport(t *testing.T, reg *floorplan.Register, k Kind, name string, data []byte, opt Options) *Summary {
	t.Helper()
	s, err := Import(context.Background(), reg, k, name, data, opt)
	if err != nil {
		t.Fatalf("import %s: %v", k, err)
	}
	return s
}

// loadPlaces writes the sample's jurisdictions, sites, buildings, floors and rooms into reg, each room's
// agency taken by name among the agencies reg has (which the test imported).
func loadPlaces(t *testing.T, reg *floorplan.Register, d *sample.Dataset) {
	t.Helper()
	ctx := context.Background()
	names := map[uuid.UUID]string{}
	for _, a := range d.Agencies {
		names[a.ID] = a.Name
	}
	have, err := reg.Reader().Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]uuid.UUID{}
	for _, a := range have {
		ids[a.Name] = a.ID
	}
	_, err = reg.Batch(ctx, floorplan.Request{What: "places"}, func(tx floorplan.Store) error {
		err := cmp.Or(createAll(ctx, d.Jurisdictions, tx.CreateJurisdiction), createAll(ctx, d.Sites, tx.CreateSite),
			createAll(ctx, d.Buildings, tx.CreateBuilding), createAll(ctx, d.Floors, tx.CreateFloor))
		if err != nil {
			return err
		}
		for _, r := range d.Rooms {
			if r.AgencyID != uuid.Nil {
				r.AgencyID = ids[names[r.AgencyID]]
			}
			if err := tx.CreateRoom(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// createAll writes copies of recs with create, stopping at the first error.
func createAll[T any](ctx context.Context, recs []T, create func(context.Context, *T) error) error {
	for _, r := range recs {
		if err := create(ctx, &r); err != nil {
			return err
		}
	}
	return nil
}

// findingsOf returns the findings of the register on a day as sorted lines of rule and message (which
// name people, agencies, rooms, areas and dates, not ids).
func findingsOf(t *testing.T, s floorplan.Store, day time.Time) []string {
	t.Helper()
	snap, err := s.Snapshot(context.Background(), day)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rep.Findings))
	for i, f := range rep.Findings {
		out[i] = f.RuleID + " " + f.Message
	}
	slices.Sort(out)
	return out
}

// TestRoundTrip exports the demo register's agencies, people and assignments as XLSX, imports them into a
// store that has only the drawings, and finds the same register: the same findings today and a month ago.
// Importing the files again changes nothing.
func TestRoundTrip(t *testing.T) {
	day := floorplan.DayOf(time.Now())
	for _, sk := range storeKinds {
		t.Run(sk.name, func(t *testing.T) {
			d := demo(day)
			src := sk.open(t)
			if err := d.Load(context.Background(), floorplan.NewRegister(src)); err != nil {
				t.Fatal(err)
			}
			files := map[Kind][]byte{}
			for _, k := range Kinds {
				files[k] = exported(t, src, k, day)
			}
			dst := sk.open(t)
			reg := floorplan.NewRegister(dst)
			sum := mustImport(t, reg, Agencies, "agencies.xlsx", files[Agencies], Options{})
			if sum.Records.Created != len(d.Agencies) || len(sum.Problems) != 0 {
				t.Fatalf("agencies: %+v, want %d created", sum, len(d.Agencies))
			}
			loadPlaces(t, reg, d)
			sum = mustImport(t, reg, People, "people.xlsx", files[People], Options{})
			if sum.Records.Created != len(d.People) {
				t.Fatalf("people: %+v, want %d created", sum.Records, len(d.People))
			}
			sum = mustImport(t, reg, Assignments, "assignments.xlsx", files[Assignments], Options{})
			if sum.Records.Created != len(d.Assignments) {
				t.Errorf("assignments: %+v, want %d created", sum.Records, len(d.Assignments))
			}
			for _, asOf := range []time.Time{day, day.AddDate(0, -1, 0)} {
				want, got := findingsOf(t, src, asOf), findingsOf(t, dst, asOf)
				if len(want) < 10 {
					t.Fatalf("the demo has only %d findings on %s", len(want), asOf.Format(floorplan.DateLayout))
				}
				if !slices.Equal(want, got) {
					t.Errorf("findings on %s differ:\n%s", asOf.Format(floorplan.DateLayout), diffLines(want, got))
				}
			}
			rev, _ := dst.Revision(context.Background())
			for _, k := range Kinds {
				sum := mustImport(t, reg, k, string(k)+".xlsx", files[k], Options{})
				if sum.Records.Created+sum.Records.Updated != 0 || len(sum.Events) != 0 {
					t.Errorf("re-import of %s: %+v", k, sum.Records)
				}
			}
			for _, k := range Kinds { // the export in English, as CSV: keys for labels, English headers
				tab, err := Export(context.Background(), dst, k, ExportOptions{Lang: "en"})
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := tab.WriteCSV(&b); err != nil {
					t.Fatal(err)
				}
				sum := mustImport(t, reg, k, string(k)+".csv", b.Bytes(), Options{Lang: "en"})
				if sum.Records.Created+sum.Records.Updated != 0 || sum.Records.Unchanged == 0 {
					t.Errorf("re-import of %s in English: %+v", k, sum.Records)
				}
			}
			if again, _ := dst.Revision(context.Background()); again != rev {
				t.Errorf("re-importing wrote: revision %d → %d", rev, again)
			}
		})
	}
}

// diffLines lists the lines only in want (-) and only in got (+).
func diffLines(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintln(&b, "- "+w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintln(&b, "+ "+g)
		}
	}
	return b.String()
}
