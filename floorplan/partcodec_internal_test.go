package floorplan

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// fill sets every field of the value v points to, lists included (two records each), to a value of its own,
// none zero, so that a field the codec forgets cannot come back equal.
func fill(t *testing.T, v reflect.Value, seq *int) {
	*seq++
	n := *seq
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("字段%d", n))
	case reflect.Float64:
		v.SetFloat(float64(n) + 0.25)
	case reflect.Array: // uuid.UUID
		u := uuid.New()
		reflect.Copy(v, reflect.ValueOf(u[:]))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), seq)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 1, n%28+1, 0, 0, 0, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				t.Fatalf("%s.%s: an unexported field the stored parts would not keep", v.Type(), v.Type().Field(i).Name)
			}
			fill(t, v.Field(i), seq)
		}
	default:
		t.Fatalf("fill: a field of kind %s; teach fill and the codec (partcodec.go) about it", v.Kind())
	}
}

// gobRoundTrip is what the stores' parts decoded as before the layout: x through gob and back.
func gobRoundTrip(t *testing.T, x partResults) partResults {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(x); err != nil {
		t.Fatal(err)
	}
	var out partResults
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPartLayoutKeepsEveryField: every field of every record comes back (filled by reflection, so a field
// added to Finding, PersonResult, RoomResult, OccupantInfo or Note and not to the codec fails here), and a
// part with empty lists, zero times and empty strings comes back as gob gave it back.
func TestPartLayoutKeepsEveryField(t *testing.T) {
	var full partResults
	seq := 0
	fill(t, reflect.ValueOf(&full).Elem(), &seq)
	sparse := partResults{
		Notes:    []Note{{Code: NoteBeforeRegister}},
		Findings: []Finding{{RuleID: RuleIdle, RoomIDs: []uuid.UUID{}}, {RuleID: RuleOverStandard, Deadline: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)}},
		People:   []PersonResult{{PersonID: uuid.New(), RoomIDs: nil}},
		Rooms:    []RoomResult{{RoomID: uuid.New(), Occupants: []OccupantInfo{}}, {Occupants: []OccupantInfo{{Name: "张三"}}}},
	}
	for _, tc := range []struct {
		name string
		in   partResults
		want partResults
	}{
		{"every field", full, full},
		{"every field, as gob", full, gobRoundTrip(t, full)},
		{"sparse, as gob", sparse, gobRoundTrip(t, sparse)},
		{"nothing, as gob", partResults{}, gobRoundTrip(t, partResults{})},
	} {
		raw, err := encodePart(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := decodePart(raw)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: decoded\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
}

// TestPartLayoutRefusesDamage: a part cut anywhere, with bytes after its end, or in gob (as stored before the
// layout) is an error naming the part, never a panic or a part read in half; a length far past the end
// allocates nothing.
func TestPartLayoutRefusesDamage(t *testing.T) {
	var p partResults
	seq := 0
	fill(t, reflect.ValueOf(&p).Elem(), &seq)
	raw, err := encodePart(p)
	if err != nil {
		t.Fatal(err)
	}
	for n := len(partMagic); n < len(raw); n++ {
		if _, err := decodePart(raw[:n]); err == nil {
			t.Fatalf("cut at %d of %d bytes: no error", n, len(raw))
		}
	}
	if _, err := decodePart(append(raw[:len(raw):len(raw)], 0)); err == nil {
		t.Error("a byte after the end: no error")
	}
	huge := append([]byte(partMagic), 0xff, 0xff, 0xff, 0xff, 0x0f) // 4G notes in 5 bytes
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := decodePart(huge); err == nil {
			t.Error("4G notes in 5 bytes: no error")
		}
	})
	if allocs > 2 {
		t.Errorf("a length past the end: %.0f allocations, want none beyond the reader", allocs)
	}
	var gobPart bytes.Buffer // a part as stored before the layout: its policy key makes it dirty, never read
	if err := gob.NewEncoder(&gobPart).Encode(p); err != nil {
		t.Fatal(err)
	}
	if _, err := decodePart(gobPart.Bytes()); err == nil {
		t.Error("a gob part: no error")
	}
	enc, err := partEncoder()
	if err != nil {
		t.Fatal(err)
	}
	sp := StoredPart{AgencyID: uuid.New()}
	err = DecodePartResults(enc.EncodeAll(raw[:len(raw)/2], nil), &sp)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(sp.AgencyID.String())) {
		t.Errorf("DecodePartResults of half a part: %v, want an error naming agency %s", err, sp.AgencyID)
	}
}

// BenchmarkDecodePartResults decodes the part of an agency of 400 people over the standard (each with a
// finding, a room and an occupant), in the layout and in the gob stored before it, side by side.
func BenchmarkDecodePartResults(b *testing.B) {
	var p partResults
	agency := uuid.New()
	for i := range 400 {
		person, room := uuid.New(), uuid.New()
		p.People = append(p.People, PersonResult{PersonID: person, Name: fmt.Sprintf("职工%04d", i), AgencyID: agency,
			Rank: RankStaff, RankTitle: "科员", OfficeAreaM2: 16.2, StandardM2: 9, ExcessM2: 7.2, ExcessPct: 80,
			Status: StatusOverStandard, RoomIDs: []uuid.UUID{room}})
		p.Rooms = append(p.Rooms, RoomResult{RoomID: room, Number: fmt.Sprint(100 + i), FloorID: agency, AgencyID: agency,
			Usage: UsageOffice, AreaM2: 16.2, PerPersonM2: 16.2, StandardM2: 9, Status: StatusOverStandard,
			Occupants: []OccupantInfo{{PersonID: person, Name: fmt.Sprintf("职工%04d", i), Rank: RankStaff, RankTitle: "科员", Kind: AssignMain, ShareM2: 16.2}}})
		p.Findings = append(p.Findings, Finding{RuleID: RuleOverStandard, Severity: SeverityViolation, Subject: EntityPerson,
			SubjectID: person, AgencyID: agency, PersonID: person, RoomIDs: []uuid.UUID{room}, AreaM2: 16.2, StandardM2: 9,
			ExcessM2: 7.2, ExcessPct: 80, Source: "《党政机关办公用房建设标准》(发改投资〔2014〕2674号) 第十三条",
			Basis: "面积按0.01平方米计（四舍五入）", Message: fmt.Sprintf("职工%04d办公室使用面积16.20平方米，超过标准9.00平方米。", i),
			MessageEN: "over the standard"})
	}
	enc, err := partEncoder()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := encodePart(p)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(p); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		// decode is DecodePartResults of the layout, or gob's decoding as the parts were read before it
		decode func([]byte) error
	}{
		{"layout", enc.EncodeAll(raw, nil), func(z []byte) error { return DecodePartResults(z, &StoredPart{}) }},
		{"gob", enc.EncodeAll(buf.Bytes(), nil), func(z []byte) error {
			dec, err := partDecoder()
			if err != nil {
				return err
			}
			raw, err := dec.DecodeAll(z, nil)
			if err != nil {
				return err
			}
			var r partResults
			return gob.NewDecoder(bytes.NewReader(raw)).Decode(&r)
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.b)))
			for b.Loop() {
				if err := tc.decode(tc.b); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
