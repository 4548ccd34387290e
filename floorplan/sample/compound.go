package sample

// The compound: two sites, four buildings, seventeen floors. Widths are in metres along the corridor;
// comments give an office's usable area where it matters against the municipal standard (市级正职 42,
// 市级副职 30, 正局(处)级 24, 副局(处)级 18, 局(处)级以下 9 m²).

import (
	"strconv"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// agencyTable lists the agencies, parents and successors first. All are municipal (市级机关) except the
// street office, which is township level (乡级) and has no national standard; the car service centre is a
// 科级 public institution (事业单位) whose staff use the county scale (县级: 正科级 18, 副科级 12 m²).
func agencyTable() []agencyDef {
	return []agencyDef{
		{key: "sw", name: "中共常州市委员会", short: "市委"},
		{key: "szf", name: "常州市人民政府", short: "市政府"},
		{key: "swb", name: "中共常州市委办公室", short: "市委办", parent: "sw", head: "主任", deputy: "副主任", vacancies: 2},
		{key: "zzb", name: "中共常州市委组织部", short: "市委组织部", parent: "sw", head: "常务副部长", deputy: "副部长", vacancies: 2},
		{key: "xcb", name: "中共常州市委宣传部", short: "市委宣传部", parent: "sw", head: "常务副部长", deputy: "副部长", vacancies: 1},
		{key: "jrb", name: "中共常州市委金融委员会办公室", short: "市委金融办", parent: "sw", head: "主任", deputy: "副主任", vacancies: 3},
		{key: "wxb", name: "中共常州市委网络安全和信息化委员会办公室", short: "市委网信办", parent: "sw", head: "主任", deputy: "副主任", vacancies: 2},
		{key: "lgbj", name: "中共常州市委老干部局", short: "市委老干部局", parent: "zzb", head: "局长", deputy: "副局长", vacancies: 1,
			extra: 100}, // the cadres' activity and reading rooms
		{key: "szfb", name: "常州市人民政府办公室", short: "市政府办", parent: "szf", head: "主任", deputy: "副主任", vacancies: 2,
			extra: 80}, // reception, the executive meeting room, the archive store
		{key: "fgw", name: "常州市发展和改革委员会", short: "市发改委", parent: "szf", head: "主任", deputy: "副主任", vacancies: 3},
		{key: "czj", name: "常州市财政局", short: "市财政局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2},
		{key: "xfj", name: "常州市信访局", short: "市信访局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		{key: "jgswj", name: "常州市机关事务管理局", short: "市机关事务局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2,
			extra: 60}, // guard room, clinic, property management
		{key: "gwyc", name: "常州市公务用车服务中心", short: "市公车中心", parent: "jgswj", head: "主任", deputy: "副主任",
			scale: floorplan.LevelCounty, vacancies: 1},
		{key: "sjj", name: "常州市审计局", short: "市审计局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2},
		{key: "tjj", name: "常州市统计局", short: "市统计局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		// Its approval was never revised after it took on the archive and a larger meeting room.
		{key: "zjj", name: "常州市住房和城乡建设局", short: "市住建局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1,
			approved: 170},
		{key: "sfj", name: "常州市司法局", short: "市司法局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2},
		{key: "sjju", name: "常州市数据局", short: "市数据局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 4},
		{key: "jrj", name: "常州市地方金融监督管理局", short: "市金融监管局", parent: "szf", head: "局长", deputy: "副局长"},
		{key: "mzj", name: "常州市民政局", short: "市民政局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		{key: "jyj", name: "常州市教育局", short: "市教育局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2},
		{key: "kjj", name: "常州市科学技术局", short: "市科技局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		{key: "gxj", name: "常州市工业和信息化局", short: "市工信局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2},
		{key: "swj", name: "常州市商务局", short: "市商务局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		{key: "sthjj", name: "常州市生态环境局", short: "市生态环境局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 2},
		{key: "yjj", name: "常州市应急管理局", short: "市应急局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		{key: "tyjrj", name: "常州市退役军人事务局", short: "市退役军人局", parent: "szf", head: "局长", deputy: "副局长", vacancies: 1},
		// Housed in the turnover building while its own is refitted.
		{key: "tnjd", name: "常州市天宁区天宁街道办事处", short: "天宁街道", level: floorplan.LevelTownship, head: "主任",
			deputy: "副主任", approved: 160, jurisdiction: "tianning"},
	}
}

// jurisdictions adds the jurisdiction tree: the city and four of its districts, with their
// administrative division codes (GB/T 2260).
func (g *gen) jurisdictions() {
	city := newID("jurisdiction", "changzhou")
	g.d.Jurisdictions = []floorplan.Jurisdiction{{ID: city, Name: "常州市", Code: "320400"}}
	for _, d := range []struct{ key, name, code string }{
		{"tianning", "天宁区", "320402"}, {"zhonglou", "钟楼区", "320404"},
		{"xinbei", "新北区", "320411"}, {"wujin", "武进区", "320412"},
	} {
		g.d.Jurisdictions = append(g.d.Jurisdictions, floorplan.Jurisdiction{ID: newID("jurisdiction", d.key),
			Name: d.name, Code: d.code, ParentID: city})
	}
}

// Tianning is the id of 天宁区 in the sample: the turnover building's site and the street office are in it,
// so that a district administrator of 天宁区 has something to see.
var Tianning = newID("jurisdiction", "tianning")

// centreFrame places the administrative centre by the civic square (市民广场) in 新北区, laid out on an
// axis turned 4.5° clockwise from north.
func centreFrame() geo.Georef {
	return geo.Georef{Origin: orb.Point{119.9740, 31.8110}, RotationDeg: 4.5, Scale: 1}
}

// turnoverFrame places the turnover building on the old street grid of 局前街 in 天宁区.
func turnoverFrame() geo.Georef {
	return geo.Georef{Origin: orb.Point{119.9548, 31.7786}, RotationDeg: -3, Scale: 1}
}

// sites adds the two sites with their title records.
func (g *gen) sites() {
	certified := g.today.AddDate(-7, -2, 0)
	filed := g.today.AddDate(-5, -4, 0)
	g.d.Sites = []floorplan.Site{
		{
			ID:        newID("site", "centre"),
			Name:      "常州市行政中心",
			Address:   "常州市新北区龙锦路1280号",
			Category:  "office.party_government",
			Ownership: floorplan.OwnershipRegistered,
			Records: []floorplan.OwnershipRecord{{
				Kind: "不动产权证", Number: "苏(" + strconv.Itoa(certified.Year()) + ")常州市不动产权第0031862号",
				IssuedOn: certified, Holder: "常州市机关事务管理局",
			}},
			Note: "市级机关集中办公区：主楼、东配楼、西配楼",
		},
		{
			ID:        newID("site", "turnover"),
			Name:      "局前街周转办公楼",
			Address:   "常州市天宁区局前街",
			Category:  "office.turnover",
			Ownership: floorplan.OwnershipFiled,
			// The old town: 天宁区. The centre stays at the city level (not set): it houses the city's organs.
			JurisdictionID: Tianning,
			Records: []floorplan.OwnershipRecord{{
				Kind: "备案", Number: "常机管备〔" + strconv.Itoa(filed.Year()) + "〕3号",
				IssuedOn: filed, Holder: "常州市机关事务管理局",
				Note: "历史划拨房产，原始权属资料缺失，已办理权属备案，使用单位不得处置",
			}},
		},
	}
}

// compound adds the buildings and their floors.
func (g *gen) compound() {
	g.mainBuilding()
	g.wing("B", "东配楼", orb.Point{12, -32}, eastWing())
	g.wing("C", "西配楼", orb.Point{-52.2, -32}, westWing())
	g.turnoverBuilding()
}

// The main building (主楼, A): 60 × 16.2 m with the core of stairs, lifts and toilets jutting 3.9 m out
// to the north in the middle, 20.1 m deep there. Rooms are 6.6 m deep either side of a 2.4 m corridor,
// inside 0.3 m outer walls.
func (g *gen) mainBuilding() {
	footprint := orb.Polygon{{{0, 0}, {60, 0}, {60, 16.2}, {36, 16.2}, {36, 20.1}, {24, 20.1}, {24, 16.2}, {0, 16.2}, {0, 0}}}
	p := g.building(0, "A", "行政中心主楼", "常州市新北区龙锦路1280号 主楼", centreFrame(), orb.Point{-30, 12}, footprint,
		frame{x0: 0.3, x1: 59.7, southOuter: 0.3, southCorridor: 6.9, northCorridor: 9.3, northOuter: 15.9})

	// Depth 6.6 m: 2.7 m → 17.82 m² (a deputy, or two staff), 3.6 → 23.76 (a head, or three staff),
	// 4.05 → 26.73 (three), 4.5 → 29.7 (a vice-mayor), 5.4 → 35.64 (four).

	// B1: car park, plant, archives.
	g.floor(p, -1, -4.5,
		join(stairs(3.0, "2号楼梯"),
			shared(39.6, floorplan.UsageAncillary, "地下汽车库"),
			tenant("jgswj", ancillary(6.0, "人防物资库")),
			shared(4.8, floorplan.UsageEquipment, "消防控制室"),
			tenant("swb", service(6.0, "档案库房"))),
		join(shared(9.0, floorplan.UsageEquipment, "变配电室"),
			shared(6.0, floorplan.UsageEquipment, "水泵房"),
			shared(9.0, floorplan.UsageEquipment, "空调机房"),
			mainCore(),
			tenant("jgswj", service(6.0, "库房")),
			tenant("szfb", service(6.0, "档案库房")),
			shared(4.5, floorplan.UsageEquipment, "通信机房"),
			shared(4.5, floorplan.UsageEquipment, "发电机房"),
			stairs(3.0, "3号楼梯")))

	// 1F: entrance hall, petitions (信访), duty room, halls.
	g.floor(p, 0, 0,
		join(stairs(3.0, "2号楼梯"),
			tenant("xfj",
				service(6.0, "信访接待室"),
				office(3.6, head()),   // 23.76: 局长
				office(2.7, deputy()), // 17.82: 副局长
				office(2.7, deputy()),
				office(4.05, team(3)...), // 26.73: three
				office(2.7, team(2)...)), // 17.82: two
			shared(12.0, floorplan.UsageCirculation, "门厅"),
			tenant("szfb",
				service(6.0, "接待室"),
				single(2.7, room{usage: floorplan.UsageOffice, name: "值班室", seats: team(2)})),
			tenant("jgswj",
				ancillary(4.5, "警卫室"),
				service(4.5, "医务室"),
				service(4.95, "物业管理用房"))),
		join(shared(24.0, floorplan.UsageService, "大会议室"),
			mainCore(),
			shared(12.0, floorplan.UsageService, "中会议室"),
			shared(9.0, floorplan.UsageService, "新闻发布厅"),
			stairs(3.0, "3号楼梯")))

	// 2F: the party's organisation and publicity departments, the finance and cyberspace offices.
	g.floor(p, 1, 4.8,
		join(stairs(3.0, "2号楼梯"),
			tenant("zzb",
				office(4.5, leader(floorplan.RankViceBureau, "市委常委、组织部部长")), // 29.7 of 30
				office(3.6, as("zzb-exec", head())),                         // 23.76: 常务副部长
				office(2.7, deputy()),
				office(2.7, deputy()),
				office(4.05, team(3)...),
				office(4.05, team(3)...),
				office(5.4, team(4)...)),
			tenant("xcb",
				office(4.5, leader(floorplan.RankViceBureau, "市委常委、宣传部部长")),
				office(3.6, head()),
				office(2.7, as("xcb-deputy", deputy())),
				office(2.7, deputy()),
				office(4.05, team(3)...),
				office(5.4, team(4)...),
				service(6.45, "会议室"))),
		join(tenant("zzb",
			service(6.0, "会议室"),
			service(3.6, "档案室"),
			office(4.05, team(3)...),
			office(5.4, team(4)...),
			// 23.67 m² L for three, round a 9.0 m² room for one.
			lshape(4.95, 3.0, 3.0, room{usage: floorplan.UsageOffice, seats: team(3)},
				room{usage: floorplan.UsageOffice, seats: team(1)})),
			mainCore(),
			tenant("jrb",
				office(3.6, head()),
				office(2.7, deputy()),
				office(4.05, team(3)...),
				office(2.7, team(2)...)),
			tenant("wxb",
				tagged("wxb-second", office(2.7)), // 17.82: the second office of its former 主任
				office(5.25, team(4)...)),         // 34.65: four
			stairs(3.0, "3号楼梯")))

	// 3F: the development and reform commission, the finance bureau.
	g.floor(p, 2, 8.7,
		join(stairs(3.0, "2号楼梯"),
			tenant("fgw",
				office(3.6, head()),
				office(2.7, deputy()),
				office(2.7, as("fgw-deputy", deputy())),
				office(2.7, deputy()),
				office(4.05, team(3)...),
				office(4.05, team(3)...),
				office(4.05, team(3)...),
				office(4.05, team(3)...),
				office(5.4, team(4)...),
				office(5.4, team(4)...),
				// 34.56 m² L for four, round a 9.0 m² room for one.
				lshape(6.6, 3.0, 3.0, room{usage: floorplan.UsageOffice, seats: team(4)},
					room{usage: floorplan.UsageOffice, seats: team(1)}),
				service(6.0, "会议室"),
				service(5.1, "资料室"))),
		join(tenant("czj",
			office(3.6, head()),
			office(2.7, deputy()),
			office(2.7, deputy()),
			office(4.05, team(3)...),
			office(5.4, team(4)...),
			service(5.55, "会议室")),
			mainCore(),
			tenant("czj",
				office(5.4, team(4)...),
				office(4.05, team(3)...),
				office(2.7, team(2)...),
				office(2.7, team(2)...),
				service(3.45, "档案室"),
				service(2.7, "文印室")),
			stairs(3.0, "3号楼梯")))

	// 4F: the mayor and vice-mayors, the government's general office.
	g.floor(p, 3, 12.6,
		join(stairs(3.0, "2号楼梯"),
			tenant("szf",
				// 27.72 office + 8.82 rest room + 5.04 private toilet = 41.58 of 42.
				suite(6.3, 4.2, 2.4, leader(floorplan.RankBureau, "市长")),
				// A 25.5 m² L-shaped office round a 4.2 m² private toilet: 29.7 of 30, but a
				// vice-mayor may have no private toilet.
				lshape(4.5, 2.1, 2.0,
					room{usage: floorplan.UsageOffice, seats: []seat{as("vice-mayor", leader(floorplan.RankViceBureau, "常务副市长"))}},
					room{usage: floorplan.UsageToilet, name: "卫生间", suite: true}),
				office(4.5, leader(floorplan.RankViceBureau, "副市长")),
				office(4.5, leader(floorplan.RankViceBureau, "副市长")),
				office(4.5, leader(floorplan.RankViceBureau, "副市长"))),
			tenant("szfb",
				office(2.7, team(2)...), // secretaries
				office(2.7, team(2)...),
				service(6.0, "接待室"),
				service(9.0, "常务会议室"),
				office(3.6, head()),
				office(2.7, deputy()),
				office(2.7, deputy()),
				office(2.7, team(2)...))),
		join(tenant("szfb",
			office(4.05, team(3)...),
			office(4.05, team(3)...),
			office(5.4, team(4)...),
			service(2.7, "文印室"),
			service(4.2, "档案室"),
			tagged("szfb-vacated", office(3.6))), // 23.76: handed back last month
			mainCore(),
			tenant("szfb",
				office(2.7, deputy()),
				office(4.05, team(3)...),
				office(5.4, team(4)...),
				service(4.8, "会议室"),
				tagged("szfb-repair", office(4.05))), // under repair
			stairs(3.0, "3号楼梯")))

	// 5F: the party secretary and his deputies, the party's general office.
	g.floor(p, 4, 16.5,
		join(stairs(3.0, "2号楼梯"),
			tenant("sw",
				suite(6.3, 4.2, 2.4, leader(floorplan.RankBureau, "市委书记")),
				office(4.5, leader(floorplan.RankViceBureau, "市委副书记")),
				office(4.5, leader(floorplan.RankViceBureau, "市委常委、秘书长"))),
			tenant("swb",
				office(2.7, team(2)...),
				office(2.7, team(2)...),
				service(12.0, "常委会议室"),
				office(3.6, head()),
				office(2.7, deputy()),
				office(2.7, deputy()),
				office(2.7, deputy()),
				office(4.05, team(3)...),
				office(4.05, team(3)...),
				service(3.9, "接待室"))),
		join(tenant("swb",
			office(4.05, team(3)...),
			office(5.4, team(4)...),
			lshape(6.6, 3.0, 3.0, room{usage: floorplan.UsageOffice, seats: team(4)},
				room{usage: floorplan.UsageOffice, seats: team(1)}),
			service(3.0, "机要室"),
			service(4.95, "档案室")),
			mainCore(),
			tenant("swb",
				office(4.05, team(3)...),
				office(2.7, team(2)...),
				service(6.0, "会议室"),
				office(5.4, team(4)...),
				tagged("swb-new", office(2.85))), // 18.81: partitioned off last month
			stairs(3.0, "3号楼梯")))
}

// mainCore is the main building's core, 11.4 m wide and 10.5 m deep from the corridor: a staircase and a
// riser, the lift lobby with two lifts, a kettle room and a cleaners' room, and the public toilets.
func mainCore() []bay {
	circ := func(name string) room { return room{usage: floorplan.UsageCirculation, name: name, common: true} }
	return core(11.4,
		cell{0, 3.0, 0, 7.5, circ("1号楼梯")},
		cell{0, 3.0, 7.5, 10.5, room{usage: floorplan.UsageEquipment, name: "强弱电井", common: true}},
		cell{3.0, 8.4, 0, 3.0, circ("电梯厅")},
		cell{3.0, 5.7, 3.0, 5.4, circ("1号电梯")},
		cell{5.7, 8.4, 3.0, 5.4, circ("2号电梯")},
		cell{8.4, 11.4, 0, 2.4, room{usage: floorplan.UsageService, name: "开水间", common: true}},
		cell{8.4, 11.4, 2.4, 5.4, room{usage: floorplan.UsageService, name: "保洁间", common: true}},
		cell{3.0, 7.2, 5.4, 10.5, room{usage: floorplan.UsageToilet, name: "男卫生间", common: true}},
		cell{7.2, 11.4, 5.4, 10.5, room{usage: floorplan.UsageToilet, name: "女卫生间", common: true}})
}

// wingFloor is one floor of a wing: the two halves of each row, the south row starting with a staircase
// and the lift, the north row with the public toilets in the middle and a staircase at the east end.
type wingFloor struct {
	southWest, southEast []bay // 17.1 m each
	northWest, northEast []bay // 15.3 m each
	lobby                []bay // replaces the whole south row when set (the ground floor's canteen)
}

// wing adds a wing (配楼): 40.2 × 14.7 m, four floors, rooms 6.0 m deep either side of a 2.1 m corridor.
// Depth 6.0 m: 3.0 m → 18 m² (a deputy, or two staff at 9.0), 4.0 → 24 (a head), 4.5 → 27 (three), 6.0 →
// 36 (four).
func (g *gen) wing(code, name string, offset orb.Point, floors []wingFloor) {
	footprint := orb.Polygon{{{0, 0}, {40.2, 0}, {40.2, 14.7}, {0, 14.7}, {0, 0}}}
	p := g.building(0, code, "行政中心"+name, "常州市新北区龙锦路1280号 "+name, centreFrame(), offset, footprint,
		frame{x0: 0.3, x1: 39.9, southOuter: 0.3, southCorridor: 6.3, northCorridor: 8.4, northOuter: 14.4})
	for i, f := range floors {
		south := f.lobby
		if south == nil {
			south = join(stairs(3.0, "1号楼梯"), shared(2.4, floorplan.UsageCirculation, "电梯厅"), f.southWest, f.southEast)
		}
		north := join(f.northWest,
			shared(3.0, floorplan.UsageToilet, "男卫生间"),
			shared(3.0, floorplan.UsageToilet, "女卫生间"),
			f.northEast,
			stairs(3.0, "2号楼梯"))
		g.floor(p, i, 3.9*float64(i), south, north)
	}
}

// bureauSouth is a bureau's usual half of a wing's south row: its head, two deputies and two sections.
func bureauSouth(agency string) []bay {
	return tenant(agency,
		office(4.0, head()),     // 24.0
		office(3.0, deputy()),   // 18.0
		office(3.0, deputy()),   // 18.0
		office(4.5, team(3)...), // 27.0: 9.0 each
		office(2.6, team(2)...)) // 15.6
}

// bureauNorth is a bureau's usual half of a wing's north row: a meeting room and two sections.
func bureauNorth(agency string) []bay {
	return tenant(agency,
		service(4.5, "会议室"),
		office(6.0, team(4)...), // 36.0: 9.0 each
		office(4.8, team(4)...)) // 28.8
}

// bureauNorthArchive is the other usual north half: two sections, an archive and a small meeting room.
func bureauNorthArchive(agency string) []bay {
	return tenant(agency,
		office(4.5, team(3)...),
		office(3.0, team(2)...),
		service(3.9, "档案室"),
		service(3.9, "会议室"))
}

// eastWing is the east wing (东配楼, B): the canteen and the administration bureau, audit and statistics,
// housing and justice, the data bureau and the merged financial regulator.
func eastWing() []wingFloor {
	return []wingFloor{
		{
			lobby: join(stairs(3.0, "1号楼梯"), shared(2.4, floorplan.UsageCirculation, "电梯厅"),
				shared(25.2, floorplan.UsageAncillary, "职工食堂"),
				shared(9.0, floorplan.UsageAncillary, "厨房")),
			northWest: tenant("jgswj",
				office(4.0, head()),
				office(3.0, deputy()),
				office(4.5, team(3)...),
				office(3.8, team(3)...)), // 22.8
			northEast: tenant("jgswj",
				office(3.0, deputy()),
				office(6.0, team(4)...),
				office(3.0, team(2)...),
				service(3.3, "会议室")),
		},
		{
			southWest: bureauSouth("sjj"),
			northWest: bureauNorth("sjj"),
			southEast: tenant("tjj",
				office(4.0, head()),
				office(3.0, deputy()),
				office(4.5, team(3)...),
				office(3.0, team(2)...),
				tagged("tjj-idle", office(2.6))), // empty since its last occupant left
			northEast: bureauNorthArchive("tjj"),
		},
		{
			southWest: tenant("zjj",
				office(4.0, head()),
				office(3.0, as("zjj-retired", deputy())),
				office(3.0, deputy()),
				office(4.5, team(3)...),
				office(2.6, team(2)...)),
			northWest: tenant("zjj",
				service(4.5, "会议室"),
				service(6.0, "档案室"),
				office(4.8, team(4)...)),
			southEast: tenant("sfj",
				office(4.0, head()),
				office(3.0, as("sfj-retiring", deputy())),
				office(3.0, deputy()),
				office(4.5, team(3)...),
				office(2.6, leader(floorplan.RankViceSection, ""), as("sfj-seconded", seat{rank: floorplan.RankStaff}))),
			northEast: bureauNorth("sfj"),
		},
		{
			southWest: tenant("sjju",
				office(4.0, head()),
				office(3.0, deputy()),
				tagged("sjju-kept", office(3.0)), // kept by a deputy director of the commission
				office(4.5, team(3)...),
				office(2.6, team(2)...)),
			northWest: bureauNorth("sjju"),
			southEast: tenant("jrj",
				office(4.0, head()),
				office(3.0, deputy()),
				office(4.5, team(3)...),
				service(3.0, "会议室"),
				office(2.6, team(2)...)),
			northEast: bureauNorthArchive("jrj"),
		},
	}
}

// westWing is the west wing (西配楼, C): civil affairs and the car service centre, education and
// science, industry and commerce, environment and emergencies.
func westWing() []wingFloor {
	return []wingFloor{
		{
			southWest: bureauSouth("mzj"),
			northWest: bureauNorth("mzj"),
			southEast: tenant("gwyc",
				office(3.0, leader(floorplan.RankSection, "主任")), // 18.0 of 18 (county 正科级)
				// A 24 m² L for three round the deputy's 12 m² room (county 副科级 12).
				lshape(6.0, 4.0, 3.0, room{usage: floorplan.UsageOffice, seats: staff(3)},
					room{usage: floorplan.UsageOffice, seats: []seat{leader(floorplan.RankViceSection, "副主任")}}),
				office(4.5, staff(3)...),
				service(3.6, "调度室")),
			northEast: tenant("gwyc",
				service(6.0, "驾驶员待班室"),
				office(6.0, staff(4)...),
				service(3.3, "档案室")),
		},
		{
			southWest: tenant("jyj",
				office(4.0, head()),
				office(3.0, deputy()),
				office(3.0, deputy()),
				office(5.0, team(3)...),  // 30.0 for three: 10 each, over 9
				office(2.1, team(2)...)), // 12.6
			northWest: bureauNorth("jyj"),
			southEast: bureauSouth("kjj"),
			northEast: bureauNorthArchive("kjj"),
		},
		{
			southWest: bureauSouth("gxj"),
			northWest: bureauNorth("gxj"),
			southEast: tenant("swj",
				office(5.4, head()), // 32.4 for the 局长: over 24
				office(3.0, deputy()),
				office(4.5, team(3)...),
				office(4.2, team(3)...)), // 25.2
			northEast: bureauNorthArchive("swj"),
		},
		{
			southWest: bureauSouth("sthjj"),
			northWest: bureauNorth("sthjj"),
			southEast: bureauSouth("yjj"),
			northEast: bureauNorthArchive("yjj"),
		},
	}
}

// The turnover building (周转办公楼, D): an old three-storey block of 30.6 × 13.2 m, rooms 5.4 m deep
// either side of a 1.8 m corridor. Depth 5.4 m: 3.0 m → 16.2 m², 4.2 → 22.68, 5.0 → 27.0, 6.6 → 35.64.
func (g *gen) turnoverBuilding() {
	footprint := orb.Polygon{{{0, 0}, {30.6, 0}, {30.6, 13.2}, {0, 13.2}, {0, 0}}}
	p := g.building(1, "D", "周转办公楼", "常州市天宁区局前街", turnoverFrame(), orb.Point{0, 0}, footprint,
		frame{x0: 0.3, x1: 30.3, southOuter: 0.3, southCorridor: 5.7, northCorridor: 7.5, northOuter: 12.9})
	toilets := join(shared(3.0, floorplan.UsageToilet, "男卫生间"), shared(3.0, floorplan.UsageToilet, "女卫生间"))

	// 1F: the street office, while its own building is refitted.
	g.floor(p, 0, 0,
		join(stairs(3.0, "楼梯"),
			shared(4.2, floorplan.UsageCirculation, "门厅"),
			shared(3.0, floorplan.UsageAncillary, "门卫室"),
			tenant("tnjd",
				office(4.2, leader(floorplan.RankSection, "主任")),
				office(5.0, leader(floorplan.RankViceSection, "副主任"), seat{rank: floorplan.RankStaff}, seat{rank: floorplan.RankStaff}),
				service(6.0, "会议室"),
				service(4.6, "档案室"))),
		join(toilets,
			tenant("tnjd", tagged("tnjd-leased", service(4.8, "储藏室"))), // lent out: story.go
			shared(3.0, floorplan.UsageEquipment, "配电室"),
			shared(16.2, floorplan.UsageService, "大会议室")))

	// 2F: the veteran cadres bureau, whose 局长 is the organisation department's 常务副部长.
	g.floor(p, 1, 3.6,
		join(stairs(3.0, "楼梯"),
			tenant("lgbj",
				tagged("lgbj-second", office(5.0)), // 27.0: the 局长's second office
				office(3.0, deputy()),
				office(3.0, deputy()),
				office(5.0, team(3)...),
				office(3.6, team(3)...),
				service(7.4, "会议室"))),
		join(toilets,
			tenant("lgbj",
				tagged("lgbj-reading", service(9.0, "原阅览室")), // closed
				service(9.0, "老干部活动室"),
				service(3.0, "档案室"),
				office(3.0, team(2)...))))

	// 3F: veterans affairs.
	g.floor(p, 2, 7.2,
		join(stairs(3.0, "楼梯"),
			tenant("tyjrj",
				office(4.2, head()),
				office(3.0, deputy()),
				office(3.0, deputy()),
				office(5.0, team(3)...),
				office(3.6, team(3)...),
				office(3.0, team(2)...),
				service(5.2, "会议室"))),
		join(toilets,
			tenant("tyjrj",
				office(6.6, team(4)...),
				office(3.0, team(2)...),
				service(4.2, "档案室"),
				service(10.2, "优抚接待室"))))
}
