package floorplan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/sample"
)

// The stored parts (partresults.go) on the demo compound in a GeoPackage; the stores' own conformance
// (storetest.RunPartResults) holds the triggers to a whole evaluation after random writes.

func TestEncodePartResults(t *testing.T) {
	id := uuid.New()
	deadline := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		part floorplan.StoredPart
	}{
		{"empty", floorplan.StoredPart{AgencyID: id, Notes: []floorplan.Note{}, Findings: []floorplan.Finding{},
			People: []floorplan.PersonResult{}, Rooms: []floorplan.RoomResult{}}},
		{"full", floorplan.StoredPart{AgencyID: id,
			Notes: []floorplan.Note{{Code: floorplan.NoteBeforeRegister, Message: "登记簿中没有该日之前的房间记录", MessageEN: "none"}},
			Findings: []floorplan.Finding{
				{RuleID: floorplan.RuleOverStandard, AgencyID: id, RoomIDs: []uuid.UUID{uuid.New(), uuid.New()}, AreaM2: 30.25,
					Deadline: deadline, Message: "张三超标", MessageEN: "over"},
				{RuleID: floorplan.RuleIdle, AgencyID: id, RoomIDs: []uuid.UUID{}},
			},
			People: []floorplan.PersonResult{{PersonID: uuid.New(), Name: "张三", AgencyID: id, Rank: floorplan.RankDivision,
				OfficeAreaM2: 30.25, StandardM2: 18, ExcessM2: 12.25, ExcessPct: 68.06, Status: floorplan.StatusOverStandard,
				RoomIDs: []uuid.UUID{}}},
			Rooms: []floorplan.RoomResult{{RoomID: uuid.New(), Number: "301", FloorID: uuid.New(), AgencyID: id}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := floorplan.EncodePartResults(tc.part)
			if err != nil {
				t.Fatal(err)
			}
			got := floorplan.StoredPart{AgencyID: id}
			if err := floorplan.DecodePartResults(b, &got); err != nil {
				t.Fatal(err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tc.part)
			if string(gj) != string(wj) {
				t.Errorf("round trip:\n got %s\nwant %s", gj, wj)
			}
		})
	}
	if err := floorplan.DecodePartResults([]byte("not zstd"), &floorplan.StoredPart{}); err == nil {
		t.Errorf("DecodePartResults of garbage: no error")
	}

	// One encoder and one decoder serve every part: several goroutines at once each get their own part back.
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				p := bigPart(uuid.New(), 200+g*10+i)
				b, err := floorplan.EncodePartResults(p)
				if err != nil {
					t.Error(err)
					return
				}
				got := floorplan.StoredPart{AgencyID: p.AgencyID}
				if err := floorplan.DecodePartResults(b, &got); err != nil {
					t.Error(err)
					return
				}
				if len(got.People) != len(p.People) || got.People[len(p.People)-1].PersonID != p.People[len(p.People)-1].PersonID {
					t.Errorf("goroutine %d, part %d: %d people back, want %d", g, i, len(got.People), len(p.People))
					return
				}
			}
		})
	}
	wg.Wait()
}

// bigPart is a part of an agency with n people, each over the standard in a room of their own.
func bigPart(agency uuid.UUID, n int) floorplan.StoredPart {
	p := floorplan.StoredPart{AgencyID: agency, Notes: []floorplan.Note{}, Findings: []floorplan.Finding{}}
	for i := range n {
		room := uuid.New()
		p.People = append(p.People, floorplan.PersonResult{PersonID: uuid.New(), Name: fmt.Sprintf("职工%04d", i),
			AgencyID: agency, Rank: floorplan.RankStaff, OfficeAreaM2: 12 + float64(i%7), StandardM2: 9,
			ExcessM2: 3 + float64(i%7), Status: floorplan.StatusOverStandard, RoomIDs: []uuid.UUID{room}})
		p.Rooms = append(p.Rooms, floorplan.RoomResult{RoomID: room, Number: fmt.Sprint(100 + i), AgencyID: agency})
	}
	return p
}

// BenchmarkEncodePartResults encodes the part of an agency of 400 people, as a whole evaluation stores each.
func BenchmarkEncodePartResults(b *testing.B) {
	p := bigPart(uuid.New(), 400)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := floorplan.EncodePartResults(p); err != nil {
			b.Fatal(err)
		}
	}
}

// putCounter is a Store whose PartStore counts the parts put.
type putCounter struct {
	*gpkg.Store
	put []uuid.UUID
}

func (s *putCounter) PutParts(ctx context.Context, parts []floorplan.StoredPart) error {
	for _, p := range parts {
		s.put = append(s.put, p.AgencyID)
	}
	return s.Store.PutParts(ctx, parts)
}

// noParts is a Store that keeps no parts.
type noParts struct{ floorplan.Store }

// TestStoredParts: the first call evaluates and stores every part; after a write to one room only the
// parts that the write can move are evaluated again, the others read back, all in ascending order and
// equal to a whole evaluation split by agency; agencies asked in any order come back sorted, once each;
// the totals alone are the whole evaluation's; a store that keeps no parts has them evaluated.
func TestStoredParts(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "parts.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	today := floorplan.DayOf(time.Now())
	if err := sample.Build(today).Load(ctx, floorplan.NewRegister(s)); err != nil {
		t.Fatal(err)
	}
	pc := &putCounter{Store: s}
	g := floorplan.NewRegister(pc)
	whole := func() *floorplan.Report {
		t.Helper()
		snap, err := s.Snapshot(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	check := func(step string, g *floorplan.Register, agencies []uuid.UUID, want []*floorplan.Report) {
		t.Helper()
		var got []*floorplan.Report
		if err := g.StoredParts(ctx, agencies, func(p *floorplan.Report) error { got = append(got, p); return nil }); err != nil {
			t.Fatal(err)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Fatalf("%s: StoredParts differs from a whole evaluation split by agency:\n got %s\nwant %s", step, gj, wj)
		}
	}
	all := floorplan.SplitByAgency(whole(), nil)
	check("first", g, nil, all)
	if len(pc.put) != len(all) {
		t.Fatalf("first StoredParts stored %d parts; want all %d", len(pc.put), len(all))
	}
	pc.put = nil
	check("again", g, nil, all)
	if len(pc.put) != 0 {
		t.Errorf("StoredParts with nothing written stored %d parts again; want none", len(pc.put))
	}

	rooms, err := s.Rooms(ctx, floorplan.RoomFilter{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rooms, func(r floorplan.Room) bool { return r.AgencyID != uuid.Nil })
	r := rooms[i]
	r.Name = "改名"
	if _, err := g.UpdateRoom(ctx, &r, floorplan.Shape{}); err != nil {
		t.Fatal(err)
	}
	all = floorplan.SplitByAgency(whole(), nil)
	check("after a room's write", g, nil, all)
	if len(pc.put) == 0 || len(pc.put) >= len(all) || !slices.Contains(pc.put, r.AgencyID) {
		t.Errorf("after a write to a room of %s: parts %v evaluated again, of %d; want that agency's, not all", r.AgencyID,
			pc.put, len(all))
	}

	a, b := all[len(all)-1].Agencies[0].AgencyID, all[1].Agencies[0].AgencyID
	check("two agencies", g, []uuid.UUID{a, b, a}, floorplan.SplitByAgency(whole(), []uuid.UUID{b, a}))

	totals, err := g.StoredTotals(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tj, _ := json.Marshal(totals)
	wj, _ := json.Marshal(whole().Agencies)
	if string(tj) != string(wj) {
		t.Errorf("StoredTotals:\n got %s\nwant %s", tj, wj)
	}

	check("a store without parts", floorplan.NewRegister(noParts{s}), nil, floorplan.SplitByAgency(whole(), nil))
}

// TestNamed: the rooms a part's findings name, in the order first named, with only what a report needs
// of them; rooms no finding names and rooms the part does not hold are left out.
func TestNamed(t *testing.T) {
	ag, fl := uuid.New(), uuid.New()
	a, b, c, foreign := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	p := &floorplan.Report{
		Rooms: []floorplan.RoomResult{
			{RoomID: a, Number: "101", FloorID: fl, AgencyID: ag, AreaM2: 20, Status: floorplan.RoomStatus("ok")},
			{RoomID: b, Number: "102", FloorID: fl, AgencyID: ag, AreaM2: 30},
			{RoomID: c, Number: "103", FloorID: fl, AgencyID: ag},
		},
		Findings: []floorplan.Finding{{RoomIDs: []uuid.UUID{b, foreign}}, {RoomIDs: []uuid.UUID{a, b}}},
	}
	got := floorplan.Named(p)
	want := []floorplan.RoomResult{
		{RoomID: b, Number: "102", FloorID: fl, AgencyID: ag},
		{RoomID: a, Number: "101", FloorID: fl, AgencyID: ag},
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("Named:\n got %s\nwant %s", gj, wj)
	}
	if got := floorplan.Named(&floorplan.Report{}); got == nil || len(got) != 0 {
		t.Errorf("Named of an empty part = %#v, want an empty list", got)
	}
}
