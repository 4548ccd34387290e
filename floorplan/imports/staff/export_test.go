package staff_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"officemap/floorplan"
	"officemap/floorplan/imports/importtest"
	"officemap/floorplan/imports/staff"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/sample"
)

var ctx = context.Background()

// today is the day the sample is built for and exported on.
var today = floorplan.DayOf(time.Now())

// trap is an agency name that starts like a formula: the exports must write it as text.
const trap = `=HYPERLINK("http://example.com","click")`

// sampleData is the demo register with staff numbers on every person, codes on every other agency, and
// one more agency whose name starts like a formula.
func sampleData() *sample.Dataset {
	d := sample.Build(today)
	for i := range d.People {
		d.People[i].StaffNo = fmt.Sprintf("S%04d", i+1)
	}
	for i := range d.Agencies {
		if i%2 == 0 {
			d.Agencies[i].Code = fmt.Sprintf("JG%03d", i+1)
		}
	}
	d.Agencies = append(d.Agencies, floorplan.Agency{ID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("trap")), Name: trap,
		Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive})
	return d
}

// stores opens each store kind for a subtest: the embedded store and PostGIS.
var stores = []struct {
	name string
	open func(t *testing.T) floorplan.Store
}{
	{"gpkg", func(t *testing.T) floorplan.Store { return importtest.NewStore(t) }},
	{"postgis", func(t *testing.T) floorplan.Store { return pgtest.NewStore(t) }},
}

// loaded returns a store holding d.
func loaded(t *testing.T, open func(t *testing.T) floorplan.Store, d *sample.Dataset) floorplan.Store {
	t.Helper()
	s := open(t)
	if err := d.Load(ctx, floorplan.NewRegister(s)); err != nil {
		t.Fatal(err)
	}
	return s
}

// record is an exported row by field (staff.Column.Field).
type record map[string]string

// export exports a kind and returns its records as the XLSX holds them, after checking that the XLSX's
// header is the template's and that the CSV export holds the same cells.
func export(t *testing.T, r floorplan.Reader, k staff.Kind, opt staff.ExportOptions) []record {
	t.Helper()
	tab, err := staff.Export(ctx, r, k, opt)
	if err != nil {
		t.Fatal(err)
	}
	var xb, cb bytes.Buffer
	if err := tab.Write(&xb, staff.FormatXLSX); err != nil {
		t.Fatal(err)
	}
	if err := tab.Write(&cb, staff.FormatCSV); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatalf("the XLSX export does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(staff.SheetName(k, opt.Lang))
	if err != nil {
		t.Fatal(err)
	}
	width := len(staff.Layout(k))
	for i := range rows {
		for len(rows[i]) < width {
			rows[i] = append(rows[i], "")
		}
	}
	if !bytes.HasPrefix(cb.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("the CSV does not start with a UTF-8 byte-order mark: % x", cb.Bytes()[:min(8, cb.Len())])
	}
	recs, err := csv.NewReader(bytes.NewReader(cb.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	if !slices.EqualFunc(rows, recs, slices.Equal) {
		t.Errorf("%s: the CSV and the XLSX differ:\nxlsx %q\ncsv  %q", k, rows, recs)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], staff.Headers(k, opt.Lang)) {
		t.Fatalf("%s: header %q, want %q", k, rows[:min(1, len(rows))], staff.Headers(k, opt.Lang))
	}
	out := make([]record, len(rows)-1)
	for i, row := range rows[1:] {
		out[i] = record{}
		for j, c := range staff.Layout(k) {
			out[i][c.Field] = row[j]
		}
	}
	return out
}

func TestExportSample(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			d := sampleData()
			s := loaded(t, st.open, d)
			t.Run("agencies", func(t *testing.T) { checkAgencies(t, s, d) })
			t.Run("people", func(t *testing.T) { checkPeople(t, s, d) })
			t.Run("assignments", func(t *testing.T) { checkAssignments(t, s, d) })
			t.Run("scope", func(t *testing.T) { checkScope(t, s, d) })
			t.Run("english", func(t *testing.T) { checkEnglish(t, s, d) })
		})
	}
}

// ref is how the exports name an agency: its code, else its name.
func ref(d *sample.Dataset, id uuid.UUID) string {
	for _, a := range d.Agencies {
		if a.ID == id {
			if a.Code != "" {
				return a.Code
			}
			return a.Name
		}
	}
	return ""
}

func checkAgencies(t *testing.T, s floorplan.Reader, d *sample.Dataset) {
	rows := export(t, s, staff.Agencies, staff.ExportOptions{})
	if len(rows) != len(d.Agencies) {
		t.Fatalf("%d agency rows, want one per agency: %d", len(rows), len(d.Agencies))
	}
	at := map[string]int{} // row index by name
	for i, r := range rows {
		at[r[staff.FieldName]] = i
	}
	for _, a := range d.Agencies {
		name := a.Name
		if name == trap {
			name = "'" + trap // neutralised
		}
		i, ok := at[name]
		if !ok {
			t.Errorf("agency %q has no row", a.Name)
			continue
		}
		want := record{staff.FieldCode: a.Code, staff.FieldName: name, staff.FieldShortName: a.ShortName,
			staff.FieldParent: ref(d, a.ParentID), staff.FieldLevel: floorplan.LevelTitle(a.Level),
			staff.FieldHeadcount: strconv.Itoa(a.Headcount), staff.FieldStatus: staff.AgencyStatusLabel(a.Status),
			staff.FieldStatusDate: dateOrEmpty(a.StatusDate), staff.FieldSuccessor: ref(d, a.SuccessorID)}
		if a.ApprovedAreaM2 != 0 {
			want[staff.FieldApprovedArea] = strconv.FormatFloat(a.ApprovedAreaM2, 'f', -1, 64)
		}
		for f, v := range want {
			if rows[i][f] != v {
				t.Errorf("agency %s: %s %q, want %q", a.Name, f, rows[i][f], v)
			}
		}
		if a.Status == floorplan.AgencyMerged && (rows[i][staff.FieldStatus] != "合并" || rows[i][staff.FieldSuccessor] == "") {
			t.Errorf("merged agency %s: %q", a.Name, rows[i])
		}
		for _, p := range d.Agencies {
			if p.ID == a.ParentID && at[p.Name] > i {
				t.Errorf("agency %s comes before its parent %s", a.Name, p.Name)
			}
		}
	}
}

func checkPeople(t *testing.T, s floorplan.Reader, d *sample.Dataset) {
	rows := export(t, s, staff.People, staff.ExportOptions{})
	if len(rows) != len(d.People) {
		t.Fatalf("%d people rows, want one per person: %d", len(rows), len(d.People))
	}
	byNo := map[string]record{}
	for _, r := range rows {
		byNo[r[staff.FieldStaffNo]] = r
	}
	retired, ended := 0, 0
	for _, p := range d.People {
		r, ok := byNo[p.StaffNo]
		if !ok {
			t.Errorf("%s (%s) has no row", p.Name, p.StaffNo)
			continue
		}
		var posts []string
		for _, post := range p.Posts {
			posts = append(posts, staff.FormatPost(post.Title, ref(d, post.AgencyID), post.Start, post.End))
			if !post.End.IsZero() {
				ended++
			}
		}
		want := record{staff.FieldStaffNo: p.StaffNo, staff.FieldName: p.Name, staff.FieldAgency: ref(d, p.AgencyID),
			staff.FieldRank: floorplan.RankTitle(p.Rank), staff.FieldTitle: p.Title,
			staff.FieldStatus: staff.PersonStatusLabel(p.Status), staff.FieldStatusDate: dateOrEmpty(p.StatusDate),
			staff.FieldPosts: strings.Join(posts, staff.PostSeparator)}
		for f, v := range want {
			if r[f] != v {
				t.Errorf("%s: %s %q, want %q", p.Name, f, r[f], v)
			}
		}
		if p.Status == floorplan.PersonRetired {
			retired++
			if r[staff.FieldStatus] != "退休" || r[staff.FieldStatusDate] == "" {
				t.Errorf("retired %s: %q", p.Name, r)
			}
		}
	}
	if retired == 0 || ended == 0 {
		t.Errorf("the sample has %d retired people and %d ended posts: the checks checked nothing", retired, ended)
	}
	if !slices.ContainsFunc(rows, func(r record) bool { return r[staff.FieldRank] == "县处级正职" }) {
		t.Error("no rank written as 县处级正职")
	}
	if !slices.ContainsFunc(rows, func(r record) bool { return strings.Contains(r[staff.FieldPosts], "至") }) {
		t.Error("no ended post written with its dates")
	}
}

func checkAssignments(t *testing.T, s floorplan.Reader, d *sample.Dataset) {
	rows := export(t, s, staff.Assignments, staff.ExportOptions{})
	if len(rows) != len(d.Assignments) {
		t.Fatalf("%d assignment rows, want one per assignment: %d", len(rows), len(d.Assignments))
	}
	key := func(r record) string {
		return strings.Join([]string{r[staff.FieldBuilding], r[staff.FieldFloor], r[staff.FieldRoom], r[staff.FieldStaffNo],
			r[staff.FieldPerson], r[staff.FieldKind], r[staff.FieldStart], r[staff.FieldEnd], r[staff.FieldApprovalRef]}, "|")
	}
	var got, want []string
	for _, r := range rows {
		got = append(got, key(r))
	}
	for _, a := range d.Assignments {
		room, floor, building, person := find(d, a)
		want = append(want, key(record{staff.FieldBuilding: building.Name, staff.FieldFloor: floor.Name,
			staff.FieldRoom: room.Number, staff.FieldStaffNo: person.StaffNo, staff.FieldPerson: person.Name,
			staff.FieldKind: staff.KindLabel(a.Kind), staff.FieldStart: dateOrEmpty(a.Start), staff.FieldEnd: dateOrEmpty(a.End),
			staff.FieldApprovalRef: a.ApprovalRef}))
	}
	slices.Sort(got)
	slices.Sort(want)
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("first difference: got %q, want %q", got[i], want[i])
			break
		}
	}
	if !slices.ContainsFunc(rows, func(r record) bool { return r[staff.FieldKind] == "兼职办公室" }) {
		t.Error("no second office (兼职办公室) in the export")
	}
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(floorplan.DateLayout)
}

// byID returns the record of list whose id is id (the zero record when there is none).
func byID[T any](list []T, id uuid.UUID, idOf func(T) uuid.UUID) T {
	var zero T
	if i := slices.IndexFunc(list, func(x T) bool { return idOf(x) == id }); i >= 0 {
		return list[i]
	}
	return zero
}

// find returns the room, floor, building and person of an assignment of d.
func find(d *sample.Dataset, a floorplan.Assignment) (floorplan.Room, floorplan.Floor, floorplan.Building, floorplan.Person) {
	room := byID(d.Rooms, a.RoomID, func(r floorplan.Room) uuid.UUID { return r.ID })
	floor := byID(d.Floors, room.FloorID, func(f floorplan.Floor) uuid.UUID { return f.ID })
	building := byID(d.Buildings, floor.BuildingID, func(b floorplan.Building) uuid.UUID { return b.ID })
	person := byID(d.People, a.PersonID, func(p floorplan.Person) uuid.UUID { return p.ID })
	return room, floor, building, person
}

// checkScope exports as an agency manager's scope shows the register: one agency's people, and the
// assignments of its people in its rooms; without personal data, no people at all.
func checkScope(t *testing.T, s floorplan.Reader, d *sample.Dataset) {
	var agency uuid.UUID
	count := map[uuid.UUID]int{}
	for _, p := range d.People {
		count[p.AgencyID]++
		if count[p.AgencyID] > count[agency] {
			agency = p.AgencyID
		}
	}
	sc := floorplan.ReadScope{Limited: true, Agencies: []uuid.UUID{agency}}
	opt := staff.ExportOptions{Scope: sc}
	people := export(t, s, staff.People, opt)
	if len(people) != count[agency] {
		t.Errorf("%d people in the scope of one agency, want %d", len(people), count[agency])
	}
	ours := map[string]bool{}
	for _, r := range people {
		ours[r[staff.FieldStaffNo]] = true
		if r[staff.FieldAgency] != ref(d, agency) {
			t.Errorf("a person of another agency in the scope's export: %q", r)
		}
	}
	wantAssign := 0
	for _, a := range d.Assignments {
		room, _, _, person := find(d, a)
		if person.AgencyID == agency && room.AgencyID == agency {
			wantAssign++
		}
	}
	assigns := export(t, s, staff.Assignments, opt)
	if len(assigns) != wantAssign || wantAssign == 0 {
		t.Errorf("%d assignments in the scope, want %d (>0)", len(assigns), wantAssign)
	}
	for _, r := range assigns {
		if !ours[r[staff.FieldStaffNo]] {
			t.Errorf("an assignment of someone outside the scope: %q", r)
		}
	}
	name := byID(d.Agencies, agency, func(a floorplan.Agency) uuid.UUID { return a.ID }).Name
	if agencies := export(t, s, staff.Agencies, opt); len(agencies) != 1 || agencies[0][staff.FieldName] != name {
		t.Errorf("agencies in the scope: %q, want only %s", agencies, name)
	}
	sc.NoPeople = true
	for _, k := range []staff.Kind{staff.People, staff.Assignments} {
		if _, err := staff.Export(ctx, s, k, staff.ExportOptions{Scope: sc}); !errors.Is(err, floorplan.ErrForbidden) {
			t.Errorf("%s without personal data: %v, want ErrForbidden", k, err)
		}
	}
	if _, err := staff.Export(ctx, s, staff.Agencies, staff.ExportOptions{Scope: sc}); err != nil {
		t.Errorf("agencies without personal data: %v", err)
	}
}

// checkEnglish exports in English: English headers, and the keys instead of the Chinese labels.
func checkEnglish(t *testing.T, s floorplan.Reader, d *sample.Dataset) {
	opt := staff.ExportOptions{Lang: "en"}
	byNo := map[string]record{}
	for _, r := range export(t, s, staff.People, opt) {
		byNo[r[staff.FieldStaffNo]] = r
	}
	for _, p := range d.People {
		if r := byNo[p.StaffNo]; r[staff.FieldRank] != string(p.Rank) || r[staff.FieldStatus] != string(p.Status) {
			t.Errorf("%s in English: %q, want rank %s and status %s", p.Name, r, p.Rank, p.Status)
		}
	}
	for _, r := range export(t, s, staff.Assignments, opt) {
		if k := floorplan.AssignmentKind(r[staff.FieldKind]); !k.Valid() {
			t.Errorf("kind %q in English", k)
		}
	}
	for _, r := range export(t, s, staff.Agencies, opt) {
		if l := floorplan.AdminLevel(r[staff.FieldLevel]); !l.Valid() {
			t.Errorf("level %q in English", l)
		}
	}
}

func TestExportUnknown(t *testing.T) {
	s := importtest.NewStore(t)
	if _, err := staff.Export(ctx, s, "rooms", staff.ExportOptions{}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	tab, err := staff.Export(ctx, s, staff.People, staff.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 0 {
		t.Errorf("%d rows from an empty store", len(tab.Rows))
	}
	if err := tab.Write(&bytes.Buffer{}, "ods"); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
}

// TestExportImportCSV exports the demo register as CSV, imports the files back with staff.Import (the
// agencies into an empty store, the people and assignments into a store that has the agencies and the
// drawings but nobody in them) and exports again: the same rows, so that a clerk's export, edit and
// import cycle loses nothing. (The agency whose name starts like a formula is left out: its exported
// cell carries the neutralising quote.)
func TestExportImportCSV(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			d := sampleData()
			d.Agencies = slices.DeleteFunc(d.Agencies, func(a floorplan.Agency) bool { return a.Name == trap })
			src := loaded(t, st.open, d)
			places := *d
			places.People, places.Assignments = nil, nil
			targets := map[staff.Kind]floorplan.Store{staff.Agencies: st.open(t), staff.People: loaded(t, st.open, &places)}
			targets[staff.Assignments] = targets[staff.People]
			for _, k := range staff.Kinds {
				tab, err := staff.Export(ctx, src, k, staff.ExportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := tab.WriteCSV(&buf); err != nil {
					t.Fatal(err)
				}
				dst := targets[k]
				sum, err := staff.Import(ctx, floorplan.NewRegister(dst), k, string(k)+".csv", buf.Bytes(), staff.Options{})
				if err != nil {
					t.Fatalf("import %s: %v", k, err)
				}
				if len(sum.Problems) != 0 {
					t.Errorf("import %s: problems %v", k, sum.Problems)
				}
				want, got := export(t, src, k, staff.ExportOptions{}), export(t, dst, k, staff.ExportOptions{})
				if !slices.EqualFunc(want, got, maps.Equal) {
					for i := range min(len(want), len(got)) {
						if !maps.Equal(want[i], got[i]) {
							t.Errorf("%s: row %d after the round trip:\n got %q\nwant %q", k, i+1, got[i], want[i])
							break
						}
					}
					if len(want) != len(got) {
						t.Errorf("%s: %d rows after the round trip, want %d", k, len(got), len(want))
					}
				}
			}
		})
	}
}
