package floorplan_test

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

func ExampleStandards_Lookup() {
	std, err := floorplan.NewStandards([]floorplan.StandardRow{{
		// A province sets the township figures (at most 24 m²).
		Scale: floorplan.LevelTownship, Rank: floorplan.RankStaff, Title: "乡级一般工作人员", AreaM2: 9,
		Effective: floorplan.Day(2016, time.January, 1), Jurisdiction: "江苏省", Source: "省级规定（示例）",
	}})
	if err != nil {
		panic(err)
	}
	on := floorplan.Day(2024, time.June, 1)
	for _, q := range []struct {
		scale floorplan.AdminLevel
		rank  floorplan.Rank
	}{
		{floorplan.LevelMunicipal, floorplan.RankBureau},
		{floorplan.LevelProvincial, floorplan.RankBureau},
		{floorplan.LevelCounty, floorplan.RankStaff},
		{floorplan.LevelTownship, floorplan.RankStaff},
		{floorplan.LevelTownship, floorplan.RankSection},
	} {
		row, ok := std.Lookup(q.scale, q.rank, on)
		if !ok {
			fmt.Printf("%s %s: no standard set\n", q.scale, q.rank)
			continue
		}
		fmt.Printf("%s %s: %s %.0f m² (toilet %.0f m², %s)\n", q.scale, q.rank, row.Title, row.AreaM2, row.ToiletAllowanceM2, row.Jurisdiction)
	}
	// Output:
	// municipal bureau: 市级正职 42 m² (toilet 6 m², national)
	// provincial bureau: 正厅(局)级 30 m² (toilet 6 m², national)
	// county staff: 科级以下 9 m² (toilet 0 m², national)
	// township staff: 乡级一般工作人员 9 m² (toilet 0 m², 江苏省)
	// township section: no standard set
}

func ExampleSplitRoom() {
	room := uuid.MustParse("00000000-0000-0000-0000-000000000301")
	head := uuid.MustParse("00000000-0000-0000-0000-000000000001")  // 正局(处)级: 24 m²
	clerk := uuid.MustParse("00000000-0000-0000-0000-000000000002") // 局(处)级以下: 9 m²
	standards := map[uuid.UUID]float64{head: 24, clerk: 9}

	for _, p := range []floorplan.SplitPolicy{floorplan.SplitEqual, floorplan.SplitByStandard} {
		for _, s := range floorplan.SplitRoom(room, 33, []uuid.UUID{clerk, head}, standards, p) {
			fmt.Printf("%s: %s…%s %.1f m² of %.0f\n", p, s.PersonID.String()[:4], s.PersonID.String()[34:], s.AreaM2, standards[s.PersonID])
		}
	}
	// Output:
	// equal: 0000…01 16.5 m² of 24
	// equal: 0000…02 16.5 m² of 9
	// by_standard: 0000…01 24.0 m² of 24
	// by_standard: 0000…02 9.0 m² of 9
}

func ExampleEvaluate() {
	agency := floorplan.Agency{ID: uuid.New(), Name: "市发展改革委", Level: floorplan.LevelMunicipal, Status: floorplan.AgencyActive}
	office := floorplan.Room{ID: uuid.New(), Number: "301", Usage: floorplan.UsageOffice, AgencyID: agency.ID,
		State: floorplan.RoomInUse, Geometry: orb.Polygon{{{0, 0}, {5, 0}, {5, 5.3}, {0, 5.3}, {0, 0}}}} // 26.5 m²
	person := floorplan.Person{ID: uuid.New(), Name: "张三", AgencyID: agency.ID, Rank: floorplan.RankDivision,
		Status: floorplan.PersonActive}
	snap := &floorplan.Snapshot{
		AsOf:     floorplan.Day(2024, time.June, 1),
		Agencies: []floorplan.Agency{agency},
		Rooms:    []floorplan.Room{office},
		People:   []floorplan.Person{person},
		Assignments: []floorplan.Assignment{{ID: uuid.New(), PersonID: person.ID, RoomID: office.ID,
			Kind: floorplan.AssignMain, Start: floorplan.Day(2020, time.January, 1)}},
	}
	rep, err := floorplan.Evaluate(snap, nil, floorplan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Findings {
		fmt.Println(f.RuleID, f.Severity)
		fmt.Println(f.Message)
		fmt.Println(f.MessageEN)
	}
	r, _ := rep.Room(office.ID)
	fmt.Println("room", r.Number, r.Status)
	// Output:
	// person.over_standard violation
	// 张三（正局(处)级）办公室使用面积26.50平方米，超过标准24.00平方米，超标2.50平方米（10.4%）。
	// 张三 (正局(处)级) uses 26.50 m² of office space against a standard of 24.00 m²: 2.50 m² (10.4%) over.
	// room 301 over_standard
}
