package floorplan

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// limitRecords are valid records of every kind, and how each text field of TextRules is set on them
// and checked: the key is the rule's.
func limitRecords() map[string]func(v string) error {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	classes := BuiltinClassification()
	site := Site{Name: "市行政中心", Category: "office.party_government", Ownership: OwnershipRegistered,
		Records: []OwnershipRecord{{Kind: "不动产权证", Number: "1"}}}
	building := Building{Name: "1号楼", SiteID: id, Georef: geoRefForTests()}
	floor := Floor{BuildingID: id, Name: "3F"}
	room := Room{FloorID: id, Number: "301", Usage: UsageOffice, State: RoomInUse, Geometry: rect(3, 6)}
	agency := Agency{Name: "市发展改革委", Level: LevelMunicipal, Status: AgencyActive}
	person := Person{Name: "张三", AgencyID: id, Rank: RankStaff, Status: PersonActive, Posts: []Post{{Title: "组长"}}}
	assignment := Assignment{PersonID: id, RoomID: id, Kind: AssignMain, Start: Day(2020, 1, 1)}
	row := StandardRow{Scale: LevelMunicipal, Rank: RankBureau, Title: "正局", AreaM2: 20, Effective: Day(2024, 1, 1),
		Jurisdiction: "常州市", Source: "常政发〔2024〕1号"}
	siteWith := func(f func(*Site, string)) func(string) error {
		return func(v string) error {
			s := site
			s.Records = slices.Clone(site.Records)
			f(&s, v)
			return s.Validate(classes)
		}
	}
	return map[string]func(string) error{
		"site.name":                 siteWith(func(s *Site, v string) { s.Name = v }),
		"site.address":              siteWith(func(s *Site, v string) { s.Address = v }),
		"site.category":             siteWith(func(s *Site, v string) { s.Category = v }),
		"site.note":                 siteWith(func(s *Site, v string) { s.Note = v }),
		"site.records.kind":         siteWith(func(s *Site, v string) { s.Records[0].Kind = v }),
		"site.records.number":       siteWith(func(s *Site, v string) { s.Records[0].Number = v }),
		"site.records.holder":       siteWith(func(s *Site, v string) { s.Records[0].Holder = v }),
		"site.records.note":         siteWith(func(s *Site, v string) { s.Records[0].Note = v }),
		"building.name":             func(v string) error { return with(building, func(b *Building) { b.Name = v }).Validate() },
		"building.address":          func(v string) error { return with(building, func(b *Building) { b.Address = v }).Validate() },
		"building.source_id":        func(v string) error { return with(building, func(b *Building) { b.SourceID = v }).Validate() },
		"building.lang":             func(v string) error { return with(building, func(b *Building) { b.Lang = v }).Validate() },
		"floor.name":                func(v string) error { return with(floor, func(f *Floor) { f.Name = v }).Validate() },
		"floor.source_id":           func(v string) error { return with(floor, func(f *Floor) { f.SourceID = v }).Validate() },
		"room.number":               func(v string) error { return with(room, func(r *Room) { r.Number = v }).Validate() },
		"room.name":                 func(v string) error { return with(room, func(r *Room) { r.Name = v }).Validate() },
		"room.source_id":            func(v string) error { return with(room, func(r *Room) { r.SourceID = v }).Validate() },
		"room.source_category":      func(v string) error { return with(room, func(r *Room) { r.SourceCategory = v }).Validate() },
		"agency.name":               func(v string) error { return with(agency, func(a *Agency) { a.Name = v }).Validate() },
		"agency.short_name":         func(v string) error { return with(agency, func(a *Agency) { a.ShortName = v }).Validate() },
		"agency.code":               func(v string) error { return with(agency, func(a *Agency) { a.Code = v }).Validate() },
		"person.name":               func(v string) error { return with(person, func(p *Person) { p.Name = v }).Validate() },
		"person.staff_no":           func(v string) error { return with(person, func(p *Person) { p.StaffNo = v }).Validate() },
		"person.title":              func(v string) error { return with(person, func(p *Person) { p.Title = v }).Validate() },
		"person.posts.title":        func(v string) error { return with(person, func(p *Person) { p.Posts = []Post{{Title: v}} }).Validate() },
		"assignment.approval_ref":   func(v string) error { return with(assignment, func(a *Assignment) { a.ApprovalRef = v }).Validate() },
		"jurisdiction.name":         func(v string) error { return Jurisdiction{Name: v}.Validate() },
		"jurisdiction.code":         func(v string) error { return Jurisdiction{Name: "武进区", Code: v}.Validate() },
		"standard_row.title":        func(v string) error { return CheckStandardRow(with(row, func(r *StandardRow) { r.Title = v })) },
		"standard_row.jurisdiction": func(v string) error { return CheckStandardRow(with(row, func(r *StandardRow) { r.Jurisdiction = v })) },
		"standard_row.source":       func(v string) error { return CheckStandardRow(with(row, func(r *StandardRow) { r.Source = v })) },
		"change.reason":             func(v string) error { return CheckWriteContext(WithReason(context.Background(), v)) },
		"change.actor":              func(v string) error { return CheckWriteContext(WithActor(context.Background(), v)) },
	}
}

// TestTextRules: every rule of TextRules is enforced on its field — one character over the limit is
// refused with a *FieldError naming the field and the limit, the limit itself is not — and every field
// refuses NUL; free-text fields alone take line breaks and tabs.
func TestTextRules(t *testing.T) {
	set := limitRecords()
	if got, want := slices.Sorted(maps.Keys(set)), slices.Sorted(maps.Keys(TextRules)); !slices.Equal(got, want) {
		t.Fatalf("the test covers %q, the rules are %q", got, want)
	}
	for key, rule := range TextRules {
		field := key[strings.IndexByte(key, '.')+1:]
		fieldName := field
		if i := strings.IndexByte(field, '.'); i > 0 { // a list's item: records[0].kind
			fieldName = field[:i] + "[0]" + field[i:]
		}
		if key == "jurisdiction.code" {
			continue // a code is checked by its pattern (digits) as well; its length rule is below
		}
		// A category must also be in the classification: the longest one is only refused for that.
		if err := set[key](strings.Repeat("字", rule.MaxRunes)); err != nil && key != "site.category" {
			t.Errorf("%s: %d characters refused: %v", key, rule.MaxRunes, err)
		}
		wantField(t, key+" over the limit", set[key](strings.Repeat("字", rule.MaxRunes+1)), fieldName, FieldTooLong)
		wantField(t, key+" with NUL", set[key]("a\x00b"), fieldName, FieldControl)
		wantField(t, key+" not UTF-8", set[key]("a\xffb"), fieldName, FieldNotUTF8)
		if err := set[key]("第一行\n第二行\t完"); rule.Lines && err != nil {
			t.Errorf("%s: free text with a line break refused: %v", key, err)
		} else if !rule.Lines {
			wantField(t, key+" with a line break", err, fieldName, FieldControl)
		}
	}
	wantField(t, "code over the limit", set["jurisdiction.code"](strings.Repeat("1", 51)), "code", FieldTooLong)
}

// wantField fails unless err is a *FieldError on field for reason, wrapping ErrInvalid, whose message
// names the field.
func wantField(t *testing.T, what string, err error, field string, reason FieldReason) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
		t.Errorf("%s: error %v (%T), want a *FieldError", what, err, err)
		return
	}
	if fe.Field != field || fe.Reason != reason || !strings.Contains(fe.Error(), field) {
		t.Errorf("%s: %q on %q (%v), want %q on %q", what, fe.Reason, fe.Field, err, reason, field)
	}
	if len(err.Error()) > 300 {
		t.Errorf("%s: a message of %d bytes repeats the input", what, len(err.Error()))
	}
}

// TestFieldErrorWords: a refused field's error names the record by kind and name (a name of more than 40
// characters cut to 39 and an ellipsis), the field, and a control character's place counted in characters,
// not bytes.
func TestFieldErrorWords(t *testing.T) {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	long := strings.Repeat("张", 45)
	for _, c := range []struct {
		what string
		err  error
		want FieldError
	}{
		{"a bell after three CJK characters", Person{Name: "张三", AgencyID: id, Rank: RankStaff, Status: PersonActive,
			Title: "副主任\a"}.Validate(),
			FieldError{Record: `person "张三"`, Field: "title", Reason: FieldControl,
				Message: `person "张三": title holds the control character U+0007 at character 4 (printable text only)`}},
		{"a padded staff number of a long name", Person{Name: long, AgencyID: id, Rank: RankStaff, Status: PersonActive,
			StaffNo: " 7"}.Validate(),
			FieldError{Record: `person "` + strings.Repeat("张", 39) + `…"`, Field: "staff_no", Reason: FieldPadded,
				Message: `person "` + strings.Repeat("张", 39) + `…": staff_no " 7" begins or ends with white space`}},
		{"an unnamed assignment's reference", Assignment{PersonID: id, RoomID: id, Kind: AssignMain,
			Start: Day(2020, 1, 1), ApprovalRef: "x\x1b"}.Validate(),
			FieldError{Record: "assignment", Field: "approval_ref", Reason: FieldControl,
				Message: "assignment: approval_ref holds the control character U+001B at character 2 (printable text only)"}},
		{"a floor's elevation", Floor{BuildingID: id, Name: "3F", Elevation: math.Inf(1)}.Validate(),
			FieldError{Record: `floor "3F"`, Field: "elevation", Reason: FieldOutOfRange}},
	} {
		var fe *FieldError
		if !errors.As(c.err, &fe) {
			t.Errorf("%s: %v, want a *FieldError", c.what, c.err)
			continue
		}
		if c.want.Message == "" {
			c.want.Message = fe.Message
		}
		if *fe != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.what, *fe, c.want)
		}
	}
}

// TestControlCharacters: the control characters refused are every C0 control, DEL and the C1 controls;
// printable text of any script is fine.
func TestControlCharacters(t *testing.T) {
	for _, r := range []rune{0, 7, 0x1b, 0x7f, 0x85, 0x9b} {
		err := Agency{Name: "市" + string(r) + "局", Level: LevelMunicipal, Status: AgencyActive}.Validate()
		wantField(t, fmt.Sprintf("U+%04X", r), err, "name", FieldControl)
	}
	for _, name := range []string{"市财政局", "Finance Bureau (No. 2)", "Управление", "局 ・「甲」"} {
		if err := (Agency{Name: name, Level: LevelMunicipal, Status: AgencyActive}).Validate(); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
}

// TestNumberBounds: numbers outside their bounds, and NaN and ±Inf, are refused naming the field; the
// bounds themselves are accepted.
func TestNumberBounds(t *testing.T) {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	agency := Agency{Name: "市发展改革委", Level: LevelMunicipal, Status: AgencyActive}
	floor := Floor{BuildingID: id, Name: "3F"}
	room := Room{FloorID: id, Number: "301", Usage: UsageOffice, State: RoomInUse, Geometry: rect(3, 6)}
	for _, tc := range []struct {
		name  string
		err   error
		field string // "" when accepted
	}{
		{"approved area 1e308", with(agency, func(a *Agency) { a.ApprovedAreaM2 = 1e308 }).Validate(), "approved_area_m2"},
		{"approved area NaN", with(agency, func(a *Agency) { a.ApprovedAreaM2 = math.NaN() }).Validate(), "approved_area_m2"},
		{"approved area at the bound", with(agency, func(a *Agency) { a.ApprovedAreaM2 = MaxApprovedAreaM2 }).Validate(), ""},
		{"negative headcount", with(agency, func(a *Agency) { a.Headcount = -1 }).Validate(), "headcount"},
		{"headcount over the bound", with(agency, func(a *Agency) { a.Headcount = MaxHeadcount + 1 }).Validate(), "headcount"},
		{"elevation +Inf", with(floor, func(f *Floor) { f.Elevation = math.Inf(1) }).Validate(), "elevation"},
		{"elevation of a deep basement", with(floor, func(f *Floor) { f.Elevation = MinElevationM }).Validate(), ""},
		{"elevation 1001 m", with(floor, func(f *Floor) { f.Elevation = 1001 }).Validate(), "elevation"},
		{"ordinal 301", with(floor, func(f *Floor) { f.Ordinal = MaxOrdinal + 1 }).Validate(), "ordinal"},
		{"ordinal -101", with(floor, func(f *Floor) { f.Ordinal = MinOrdinal - 1 }).Validate(), "ordinal"},
		{"recorded area -1", with(room, func(r *Room) { r.RecordedAreaM2 = -1 }).Validate(), "recorded_area_m2"},
		{"recorded area NaN", with(room, func(r *Room) { r.RecordedAreaM2 = math.NaN() }).Validate(), "recorded_area_m2"},
		{"recorded area over the bound", with(room, func(r *Room) { r.RecordedAreaM2 = MaxRecordedAreaM2 * 2 }).Validate(), "recorded_area_m2"},
		{"recorded area 12.5 m²", with(room, func(r *Room) { r.RecordedAreaM2 = 12.5 }).Validate(), ""},
	} {
		if tc.field == "" {
			if tc.err != nil {
				t.Errorf("%s refused: %v", tc.name, tc.err)
			}
			continue
		}
		wantField(t, tc.name, tc.err, tc.field, FieldOutOfRange)
	}
}

// TestLocalGeometryNearOrigin: a room, an outline or a footprint farther than MaxFromOriginM from the
// building's origin is refused with the distance.
func TestLocalGeometryNearOrigin(t *testing.T) {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	far := orb.Polygon{{{6000, 0}, {6004, 0}, {6004, 4}, {6000, 4}, {6000, 0}}}
	for name, err := range map[string]error{
		"room":      Room{FloorID: id, Number: "1", Usage: UsageOffice, State: RoomInUse, Geometry: far}.Validate(),
		"outline":   Floor{BuildingID: id, Name: "1F", Outline: far}.Validate(),
		"footprint": Building{Name: "楼", Georef: geoRefForTests(), Footprint: far}.Validate(),
	} {
		wantGeo(t, name, err, "far_from_origin", "6.0 km")
	}
}

// TestFloorOpenings: a floor's openings are lines of two distinct finite positions near the building's
// origin; none is fine.
func TestFloorOpenings(t *testing.T) {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	floor := Floor{BuildingID: id, Name: "1F"}
	for _, tc := range []struct {
		name     string
		openings orb.MultiLineString
		want     string // "" when accepted; else a part of the message
	}{
		{"none", nil, ""},
		{"two doors", orb.MultiLineString{{{0, 0}, {0.9, 0}}, {{5, 2}, {5, 3}, {5.2, 3.1}}}, ""},
		{"one position", orb.MultiLineString{{{0, 0}, {1, 0}}, {{3, 3}}}, "openings[1] is not a line"},
		{"the same position twice", orb.MultiLineString{{{3, 3}, {3, 3}}}, "openings[0] is not a line"},
		{"empty line", orb.MultiLineString{{}}, "openings[0] is not a line"},
		{"far away", orb.MultiLineString{{{0, 0}, {6000, 0}}}, "openings[0] position 1"},
		{"NaN", orb.MultiLineString{{{0, 0}, {math.NaN(), 0}}}, "openings[0] position 1"},
	} {
		err := with(floor, func(f *Floor) { f.Openings = tc.openings }).Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s refused: %v", tc.name, err)
		case tc.want != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(fmt.Sprint(err), tc.want)):
			t.Errorf("%s: %v, want ErrInvalid saying %q", tc.name, err, tc.want)
		}
	}
}
