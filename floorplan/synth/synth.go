// Package synth generates deterministic synthetic registers for tests, benchmarks and `officemap gen`:
// municipal agencies in office buildings around a city, with realistic rooms, staff of every municipal
// rank and their offices, some shared, some over standard and some vacant.
//
// A large register has a province's shape: every 240 floors (floorsPerLocality) are a locality, a city of
// Jiangsu with its own 31 agencies of a few hundred people each (常州市's first, then the other cities;
// see localityNames), rather than one city's agencies of tens of thousands. A register of at most 240
// floors is one city, 常州市, as before localities. Simplifications: every agency is at the municipal
// level, the county-level cities' too, since the generator's ranks and titles are municipal; and the
// buildings of every locality stand around the one origin, on sites addressed in 常州市.
//
// The same Config gives the same Dataset, ids included, on every machine (math/rand/v2's PCG with the
// seed). Rooms are rectangles on a 0.3 m module in a corridor layout: two rows of rooms either side of a
// corridor, every floor of a building alike. Neighbours share walls exactly and never overlap, and the
// rooms of a floor tile the building's footprint.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// Config says how big a register to generate. Zero fields take the defaults.
type Config struct {
	Seed          uint64
	Buildings     int       // default 3
	Floors        int       // per building, default 5
	RoomsPerFloor int       // default 20, the corridor included
	Origin        orb.Point // centre of the city, lon/lat; default near Changzhou (119.974, 31.811)
}

// Defaults of Config.
const (
	DefaultBuildings     = 3
	DefaultFloors        = 5
	DefaultRoomsPerFloor = 20
)

// DefaultOrigin is near the centre of Changzhou.
var DefaultOrigin = orb.Point{119.974, 31.811}

// Dataset is a generated register, parents before children in every slice (an agency's parent and
// successor come before it).
type Dataset struct {
	Sites       []floorplan.Site
	Buildings   []floorplan.Building
	Floors      []floorplan.Floor
	Rooms       []floorplan.Room
	Agencies    []floorplan.Agency
	People      []floorplan.Person
	Assignments []floorplan.Assignment
}

// Layout measures, in modules of 0.3 m.
const (
	module        = 0.3
	depthModules  = 18 // a room is 5.4 m deep
	corridorWidth = 8  // the corridor is 2.4 m wide
	floorHeight   = 3.6
	buildingsSite = 4 // buildings per site (compound)
)

// widths are room widths in modules (3.0, 3.3, 3.6, 4.2, 4.8 and 6.0 m: 16.2 to 32.4 m² rooms), with
// their weights.
var widths = []struct{ modules, weight int }{{10, 3}, {11, 3}, {12, 3}, {14, 2}, {16, 1}, {20, 1}}

type gen struct {
	cfg Config
	rng *rand.Rand
	src *rand.PCG // rng's source, whose state Stream saves and restores
	d   *Dataset
	// built, when set, is called by buildings after each building's rooms are made (Stream).
	built func() error
	// staff's state from one call to the next: the index of the agencies and the last leader seated on
	// the floor of lastFloor (an index in d.People).
	agencyIndex map[uuid.UUID]int
	lastLeader  int
	lastFloor   uuid.UUID
	// perLocality is the number of agencies of each locality, which come together in d.Agencies.
	perLocality int
	// made counts the ids made of each kind (id), staffing says that staff is making them.
	made     [2]uint64
	staffing bool
}

// withDefaults fills in the zero fields of cfg.
func withDefaults(cfg Config) Config {
	if cfg.Buildings <= 0 {
		cfg.Buildings = DefaultBuildings
	}
	if cfg.Floors <= 0 {
		cfg.Floors = DefaultFloors
	}
	if cfg.RoomsPerFloor <= 0 {
		cfg.RoomsPerFloor = DefaultRoomsPerFloor
	}
	if cfg.Origin == (orb.Point{}) {
		cfg.Origin = DefaultOrigin
	}
	return cfg
}

// newGen returns a generator for cfg (defaults filled in) at the start of its draws.
func newGen(cfg Config) *gen {
	src := rand.NewPCG(cfg.Seed, 0x6f66666963656d61)
	return &gen{cfg: cfg, rng: rand.New(src), src: src, d: &Dataset{}, lastLeader: -1}
}

// Generate returns the register cfg describes.
func Generate(cfg Config) *Dataset {
	g := newGen(withDefaults(cfg))
	g.agencies()
	if err := g.buildings(); err != nil {
		panic(err) // built is nil: buildings cannot fail
	}
	g.staff(0)
	return g.d
}

// Stream generates the register that Generate(cfg) returns, ids included, but hands it over in parts, so
// that no more than one building's rooms, people and assignments are in memory at once (a million rooms
// and their staff took 2 GB as one Dataset): first one part with every site, agency, building and floor,
// then one part per building with its rooms, the people seated in them and their assignments, in the
// order of Generate's slices. A part belongs to part only during the call. An error from part stops the
// stream and is returned.
//
// Generate draws the layout of every building first and the staff of every room after, from one random
// sequence, and an agency's Headcount counts its people. So Stream runs the layout three times, none of them
// keeping more than a building's rooms: once to find where the staff's draws start (the source's state after
// the last building), once with the staff to count the agencies' people, and once to hand over the parts,
// each building's staff drawn from a second source that continues the sequence from there. Generating is
// cheap beside loading: the three passes over a million rooms take a few seconds.
func Stream(cfg Config, part func(*Dataset) error) error {
	cfg = withDefaults(cfg)
	layout := newGen(cfg)
	layout.agencies()
	layout.built = func() error { layout.d.Rooms = nil; return nil }
	if err := layout.buildings(); err != nil {
		return err
	}
	staffAt, err := layout.src.MarshalBinary()
	if err != nil {
		return err
	}
	// passWithStaff returns a generator whose built draws each building's staff from the state staffAt and
	// calls emit with the building's rooms, people and assignments, which it then drops.
	passWithStaff := func(emit func(*Dataset) error) (*gen, error) {
		g := newGen(cfg)
		staffSrc := &rand.PCG{}
		if err := staffSrc.UnmarshalBinary(staffAt); err != nil {
			return nil, err
		}
		staffRng := rand.New(staffSrc)
		g.agencies()
		g.built = func() error {
			layoutRng := g.rng
			g.rng = staffRng
			g.staff(0)
			g.rng = layoutRng
			err := emit(&Dataset{Rooms: g.d.Rooms, People: g.d.People, Assignments: g.d.Assignments})
			g.d.Rooms, g.d.People, g.d.Assignments = nil, nil, nil
			return err
		}
		return g, g.buildings()
	}
	counted, err := passWithStaff(func(*Dataset) error { return nil })
	if err != nil {
		return err
	}
	c := counted.d
	if err := part(&Dataset{Sites: c.Sites, Agencies: c.Agencies, Buildings: c.Buildings, Floors: c.Floors}); err != nil {
		return err
	}
	_, err = passWithStaff(part)
	return err
}

// id returns the next deterministic UUID, one that sorts after every id made before it of its kind: the
// first 48 bits are a sequence number (the top bit 0 for the layout's sites, agencies, buildings, floors
// and rooms, 1 for the staff's people, posts and assignments; each kind numbered in the order Generate makes
// it, which Stream keeps), the rest random (a version 8, custom, UUID). Ids in the order they are written
// keep the database's indexes on them (primary keys, the history's entity_id) appending at a few places
// instead of touching a random page of a large index for every row of a bulk load.
func (g *gen) id() uuid.UUID {
	var u uuid.UUID
	hi, lo := g.rng.Uint64(), g.rng.Uint64()
	for i := 0; i < 8; i++ {
		u[i], u[8+i] = byte(hi>>(56-8*i)), byte(lo>>(56-8*i))
	}
	kind := 0
	if g.staffing {
		kind = 1
	}
	seq := g.made[kind] | uint64(kind)<<47
	g.made[kind]++
	for i := 0; i < 6; i++ {
		u[i] = byte(seq >> (40 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	return u
}

// day returns a day between from and from+days.
func (g *gen) day(from time.Time, days int) time.Time {
	return from.AddDate(0, 0, g.rng.IntN(days+1))
}

// floorsPerLocality is the number of consecutive floors of the register (by floor index over the whole
// register) that make one locality, a city with its own agencies.
const floorsPerLocality = 240

// localityNames are the cities whose agencies a register holds, one per locality in this order: 常州市 (the
// first, as the register was before it had localities), the other prefecture-level cities of Jiangsu, then
// its county-level cities. A register with more localities cycles the list, the later rounds marked
// （2）, （3）… after the city's name (localityPrefix).
var localityNames = []string{
	"常州市", "南京市", "无锡市", "徐州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市",
	"江阴市", "宜兴市", "溧阳市", "常熟市", "张家港市", "昆山市", "太仓市", "启东市", "如皋市", "海安市", "东台市", "仪征市", "高邮市",
	"丹阳市", "扬中市", "句容市", "兴化市", "靖江市", "泰兴市", "新沂市", "邳州市",
}

// localityPrefix is the prefix of the names of the agencies of the locality with the given index: its
// city's name, followed in the second and later rounds of localityNames by the round in full-width
// brackets (南京市（2）), so that every agency's name is unique in the register.
func localityPrefix(locality int) string {
	name := localityNames[locality%len(localityNames)]
	if round := locality / len(localityNames); round > 0 {
		name += fmt.Sprintf("（%d）", round+1)
	}
	return name
}

// municipalAgencies are the using units of a locality, the general office first (it has the city's
// leaders): their names after the city's prefix, and their short names.
var municipalAgencies = []struct{ name, short string }{
	{"人民政府办公室", "市政府办"},
	{"发展和改革委员会", "市发改委"},
	{"教育局", "市教育局"},
	{"科学技术局", "市科技局"},
	{"工业和信息化局", "市工信局"},
	{"公安局", "市公安局"},
	{"民政局", "市民政局"},
	{"司法局", "市司法局"},
	{"财政局", "市财政局"},
	{"人力资源和社会保障局", "市人社局"},
	{"自然资源和规划局", "市资规局"},
	{"生态环境局", "市生态环境局"},
	{"住房和城乡建设局", "市住建局"},
	{"交通运输局", "市交通运输局"},
	{"水利局", "市水利局"},
	{"农业农村局", "市农业农村局"},
	{"商务局", "市商务局"},
	{"文化广电和旅游局", "市文广旅局"},
	{"卫生健康委员会", "市卫健委"},
	{"退役军人事务局", "市退役军人局"},
	{"应急管理局", "市应急局"},
	{"审计局", "市审计局"},
	{"市场监督管理局", "市市场监管局"},
	{"统计局", "市统计局"},
	{"医疗保障局", "市医保局"},
	{"机关事务管理局", "市机关事务局"},
	{"信访局", "市信访局"},
	{"数据局", "市数据局"},
	{"城市管理局", "市城管局"},
	{"体育局", "市体育局"},
}

// agencies makes the agencies of every locality of the register (localities), each locality's together
// and alike: one agency per two floors of the whole register (at most the list above), the last one, when
// there are five or more, merged into the one before it; the sixth, when there is one, with a dispatched
// body under it.
func (g *gen) agencies() {
	floors := g.cfg.Buildings * g.cfg.Floors
	n := min(len(municipalAgencies), max(1, (floors+1)/2))
	for l := 0; l < g.localities(); l++ {
		g.localityAgencies(localityPrefix(l), n)
	}
	g.perLocality = len(g.d.Agencies) / g.localities()
}

// localities is the number of localities of the register: one per floorsPerLocality floors, begun.
func (g *gen) localities() int {
	floors := g.cfg.Buildings * g.cfg.Floors
	return max(1, (floors+floorsPerLocality-1)/floorsPerLocality)
}

// localityAgencies adds the n agencies of one locality, named with prefix (see agencies).
func (g *gen) localityAgencies(prefix string, n int) {
	first := len(g.d.Agencies)
	for i := 0; i < n; i++ {
		a := floorplan.Agency{
			ID:        g.id(),
			Name:      prefix + municipalAgencies[i].name,
			ShortName: municipalAgencies[i].short,
			Level:     floorplan.LevelMunicipal,
			Status:    floorplan.AgencyActive,
		}
		if n >= 5 && i == n-1 {
			a.Status = floorplan.AgencyMerged
			a.StatusDate = g.day(floorplan.Day(2023, 1, 1), 700)
			a.SuccessorID = g.d.Agencies[first+i-1].ID
		}
		g.d.Agencies = append(g.d.Agencies, a)
	}
	if n >= 6 {
		g.d.Agencies = append(g.d.Agencies, floorplan.Agency{
			ID:        g.id(),
			Name:      prefix + "公安局交通警察支队",
			ShortName: "市交警支队",
			Level:     floorplan.LevelMunicipal,
			ParentID:  g.d.Agencies[first+5].ID,
			Status:    floorplan.AgencyActive,
		})
	}
}

// floorAgency is the agency that holds the floor with the given index over the whole register: one of its
// locality's agencies, two floors each in turn.
func (g *gen) floorAgency(floor int) *floorplan.Agency {
	first := floor / floorsPerLocality * g.perLocality
	return &g.d.Agencies[first+(floor%floorsPerLocality/2)%g.perLocality]
}

// localityFirst is the index in d.Agencies of the first agency (the general office) of the locality of the
// agency with index i.
func (g *gen) localityFirst(i int) int {
	return i / g.perLocality * g.perLocality
}

// row is one room of a floor's layout.
type row struct {
	x0, x1, y0, y1 int // modules
	usage          floorplan.Usage
	name           string
}

// layout makes the rooms of one floor: rooms south (y 0…18) and north (y 26…44) of a corridor (y
// 18…26), the rows of equal length (the last room of the shorter row is widened). With fewer than 3
// rooms there is no corridor, and the north row, if any, backs onto the south one. It returns the
// rooms and the floor's length and depth.
func (g *gen) layout(rooms int) (plan []row, length, depth int) {
	pick := func() int {
		total := 0
		for _, w := range widths {
			total += w.weight
		}
		k := g.rng.IntN(total)
		for _, w := range widths {
			if k < w.weight {
				return w.modules
			}
			k -= w.weight
		}
		return widths[0].modules
	}
	corridor := rooms >= 3
	n := rooms
	if corridor {
		n--
	}
	south := (n + 1) / 2
	north := n - south
	rowOf := func(count, y0 int) []row {
		var r []row
		x := 0
		for i := 0; i < count; i++ {
			w := pick()
			r = append(r, row{x0: x, x1: x + w, y0: y0, y1: y0 + depthModules})
			x += w
		}
		return r
	}
	northY := depthModules
	if corridor {
		northY += corridorWidth
	}
	depth = depthModules
	if north > 0 {
		depth = northY + depthModules
	}
	s := rowOf(south, 0)
	nRow := rowOf(north, northY)
	end := func(r []row) int {
		if len(r) == 0 {
			return 0
		}
		return r[len(r)-1].x1
	}
	length = max(end(s), end(nRow))
	if len(s) > 0 {
		s[len(s)-1].x1 = length
	}
	if len(nRow) > 0 {
		nRow[len(nRow)-1].x1 = length
	}
	plan = append(plan, s...)
	plan = append(plan, nRow...)
	for i := range plan {
		plan[i].usage = floorplan.UsageOffice
	}
	// A toilet at the west end of the north row, a meeting room at the east end of the south row.
	if north > 1 {
		plan[south].usage, plan[south].name = floorplan.UsageToilet, "卫生间"
	}
	if south > 2 {
		plan[south-1].usage, plan[south-1].name = floorplan.UsageService, "会议室"
	}
	if corridor {
		plan = append(plan, row{x0: 0, x1: length, y0: depthModules, y1: depthModules + corridorWidth,
			usage: floorplan.UsageCirculation, name: "走廊"})
	}
	return plan, length, depth
}

// rect is the local polygon of a rectangle in modules, counter-clockwise and closed.
func rect(x0, y0, x1, y1 int) orb.Polygon {
	a, b, c, d := float64(x0)*module, float64(y0)*module, float64(x1)*module, float64(y1)*module
	return orb.Polygon{{{a, b}, {c, b}, {c, d}, {a, d}, {a, b}}}
}

// buildings places the buildings on a jittered grid over a few kilometres around the origin, each
// turned by a random angle, with their sites, floors and rooms, calling built (if set) after each
// building's rooms; its error stops it.
func (g *gen) buildings() error {
	cols := int(math.Ceil(math.Sqrt(float64(g.cfg.Buildings))))
	type plan struct {
		rows          []row
		length, depth int
	}
	plans := make([]plan, g.cfg.Buildings)
	longest, deepest := 0, 0
	for i := range plans {
		plans[i].rows, plans[i].length, plans[i].depth = g.layout(g.cfg.RoomsPerFloor)
		longest, deepest = max(longest, plans[i].length), max(deepest, plans[i].depth)
	}
	diag := math.Hypot(float64(longest)*module, float64(deepest)*module)
	spacing := max(3000/float64(cols), diag+40)
	lat0 := g.cfg.Origin[1] * math.Pi / 180
	const metresPerDegree = 111320.0

	floorIndex := 0
	for b := 0; b < g.cfg.Buildings; b++ {
		if b%buildingsSite == 0 {
			g.site(b / buildingsSite)
		}
		site := g.d.Sites[len(g.d.Sites)-1]
		col, rowN := b%cols, b/cols
		dx := (float64(col)-float64(cols-1)/2)*spacing + (g.rng.Float64()-0.5)*20
		dy := (float64(rowN)-float64(cols-1)/2)*spacing + (g.rng.Float64()-0.5)*20
		origin := orb.Point{
			g.cfg.Origin[0] + dx/(metresPerDegree*math.Cos(lat0)),
			g.cfg.Origin[1] + dy/metresPerDegree,
		}
		p := plans[b]
		footprint := rect(0, 0, p.length, p.depth)
		bld := floorplan.Building{
			ID:        g.id(),
			SiteID:    site.ID,
			Name:      fmt.Sprintf("%s %d号楼", site.Name, b%buildingsSite+1),
			Address:   fmt.Sprintf("%s %d号", site.Address, b%buildingsSite+1),
			Footprint: footprint,
			Georef:    geo.Georef{Origin: origin, RotationDeg: math.Round(g.rng.Float64()*900) / 10, Scale: 1},
			SourceID:  fmt.Sprintf("synth:%d:building:%d", g.cfg.Seed, b),
		}
		g.d.Buildings = append(g.d.Buildings, bld)
		for f := 0; f < g.cfg.Floors; f++ {
			fl := floorplan.Floor{
				ID:         g.id(),
				BuildingID: bld.ID,
				Ordinal:    f,
				Name:       fmt.Sprintf("%dF", f+1),
				Elevation:  float64(f) * floorHeight,
				Outline:    footprint,
			}
			g.d.Floors = append(g.d.Floors, fl)
			agency := g.floorAgency(floorIndex)
			floorIndex++
			n := 0
			for _, r := range p.rows {
				room := floorplan.Room{
					ID:       g.id(),
					FloorID:  fl.ID,
					Name:     r.name,
					Usage:    r.usage,
					AgencyID: agency.ID,
					State:    floorplan.RoomInUse,
					Geometry: rect(r.x0, r.y0, r.x1, r.y1),
				}
				if r.usage != floorplan.UsageCirculation {
					n++
					room.Number = fmt.Sprintf("%d%02d", f+1, n)
				} else {
					room.AgencyID = uuid.Nil
				}
				g.d.Rooms = append(g.d.Rooms, room)
			}
		}
		if g.built != nil {
			if err := g.built(); err != nil {
				return err
			}
		}
	}
	return nil
}

// site adds the i-th site (compound).
func (g *gen) site(i int) {
	s := floorplan.Site{
		ID:        g.id(),
		Name:      fmt.Sprintf("市级机关第%d办公区", i+1),
		Address:   fmt.Sprintf("常州市新北区龙城大道%d号", 1200+2*i),
		Category:  "office.party_government",
		Ownership: floorplan.OwnershipRegistered,
		Records:   []floorplan.OwnershipRecord{},
	}
	switch k := g.rng.IntN(20); {
	case k == 0:
		s.Ownership = floorplan.OwnershipUnclear
		s.Note = "历史划拨，权属资料缺失"
	case k <= 3:
		s.Ownership = floorplan.OwnershipFiled
		s.Records = append(s.Records, floorplan.OwnershipRecord{
			Kind: "备案", Number: fmt.Sprintf("常机管备〔%d〕%d号", 2018+g.rng.IntN(6), 1+g.rng.IntN(60)),
			IssuedOn: g.day(floorplan.Day(2018, 1, 1), 2000), Holder: "常州市机关事务管理局"})
	default:
		s.Records = append(s.Records, floorplan.OwnershipRecord{
			Kind: "不动产权证", Number: fmt.Sprintf("苏(%d)常州市不动产权第%07d号", 2016+g.rng.IntN(8), g.rng.IntN(10000000)),
			IssuedOn: g.day(floorplan.Day(2016, 1, 1), 2800), Holder: "常州市机关事务管理局"})
	}
	g.d.Sites = append(g.d.Sites, s)
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明海燕晓东晓红文斌宏伟春梅玉兰俊杰子涵欣怡浩然雨轩思远天宇嘉怡梓涵")
)

func (g *gen) name() string {
	n := string(surnames[g.rng.IntN(len(surnames))]) + string(given[g.rng.IntN(len(given))])
	if g.rng.IntN(3) > 0 {
		n += string(given[g.rng.IntN(len(given))])
	}
	return n
}

var titles = map[floorplan.Rank]string{
	floorplan.RankBureau:       "市长",
	floorplan.RankViceBureau:   "副市长",
	floorplan.RankDivision:     "局长",
	floorplan.RankViceDivision: "副局长",
	floorplan.RankSection:      "科长",
	floorplan.RankViceSection:  "副科长",
	floorplan.RankStaff:        "科员",
}

// standardM2 is the municipal space standard of each rank (the national table, 2014).
var standardM2 = map[floorplan.Rank]float64{
	floorplan.RankBureau:       42,
	floorplan.RankViceBureau:   30,
	floorplan.RankDivision:     24,
	floorplan.RankViceDivision: 18,
	floorplan.RankSection:      9,
	floorplan.RankViceSection:  9,
	floorplan.RankStaff:        9,
}

// leaderRanks are the ranks that get an office of their own, largest standard first.
var leaderRanks = []floorplan.Rank{floorplan.RankBureau, floorplan.RankViceBureau, floorplan.RankDivision,
	floorplan.RankViceDivision}

// staffRanks are the ranks that share offices.
var staffRanks = []floorplan.Rank{floorplan.RankSection, floorplan.RankViceSection, floorplan.RankStaff,
	floorplan.RankStaff}

// person adds a person of the agency with the given rank and returns their index in People.
func (g *gen) person(agency *floorplan.Agency, rank floorplan.Rank) int {
	p := floorplan.Person{
		ID:       g.id(),
		Name:     g.name(),
		AgencyID: agency.ID,
		Rank:     rank,
		Title:    titles[rank],
		Posts:    []floorplan.Post{},
		Status:   floorplan.PersonActive,
	}
	switch k := g.rng.IntN(100); {
	case k < 3:
		p.Status, p.StatusDate = floorplan.PersonRetired, g.day(floorplan.Day(2024, 1, 1), 500)
	case k < 5:
		p.Status, p.StatusDate = floorplan.PersonTransferred, g.day(floorplan.Day(2024, 1, 1), 500)
	}
	g.d.People = append(g.d.People, p)
	agency.Headcount++
	return len(g.d.People) - 1
}

// assign adds an assignment of a person (by index) to a room and returns its index in Assignments.
func (g *gen) assign(person int, room *floorplan.Room, kind floorplan.AssignmentKind) int {
	a := floorplan.Assignment{
		ID:       g.id(),
		PersonID: g.d.People[person].ID,
		RoomID:   room.ID,
		Kind:     kind,
		Start:    g.day(floorplan.Day(2015, 1, 1), 3000),
	}
	g.d.Assignments = append(g.d.Assignments, a)
	return len(g.d.Assignments) - 1
}

// staff fills the offices: about 15 % vacant (a third of them with a past occupant who left), 65 % with
// one person whose rank's standard fits the room (one in five a rank too low: over standard; rooms too
// big for any leader of the agency are shared instead), the rest shared by staff at about 9 m² each (one
// in five with one person too few: over standard). Now and then a
// leader's vacant neighbour becomes his approved second office for a concurrent post. It staffs the rooms
// from index from on, and may be called again for rooms added since, with the same result as one call for
// all of them.
func (g *gen) staff(from int) {
	g.staffing = true
	defer func() { g.staffing = false }()
	if g.agencyIndex == nil {
		g.agencyIndex = make(map[uuid.UUID]int, len(g.d.Agencies))
		for i, a := range g.d.Agencies {
			g.agencyIndex[a.ID] = i
		}
	}
	for i := from; i < len(g.d.Rooms); i++ {
		room := &g.d.Rooms[i]
		if room.Usage != floorplan.UsageOffice || room.AgencyID == uuid.Nil {
			continue
		}
		if room.FloorID != g.lastFloor {
			g.lastFloor, g.lastLeader = room.FloorID, -1
		}
		agency := &g.d.Agencies[g.agencyIndex[room.AgencyID]]
		area := geo.Area(room.Geometry)
		switch k := g.rng.IntN(100); {
		case k < 15: // vacant
			switch {
			case g.lastLeader >= 0 && g.rng.IntN(3) == 0:
				g.secondOffice(g.lastLeader, room)
				g.lastLeader = -1
			case g.rng.IntN(3) == 0:
				i := g.person(agency, staffRanks[g.rng.IntN(len(staffRanks))])
				p := &g.d.People[i]
				p.Status, p.StatusDate = floorplan.PersonTransferred, g.day(floorplan.Day(2022, 1, 1), 700)
				a := &g.d.Assignments[g.assign(i, room, floorplan.AssignMain)]
				a.End = p.StatusDate
				if !a.End.After(a.Start) {
					a.Start = a.End.AddDate(-2, 0, 0)
				}
			default:
				room.State, room.IdleSince = floorplan.RoomIdle, g.day(floorplan.Day(2023, 1, 1), 600)
			}
		case k < 80 && g.fits(agency, area): // one person
			rank := g.fittingRank(agency, area)
			if g.rng.IntN(5) == 0 {
				rank = g.lowerRank(rank)
			}
			i := g.person(agency, rank)
			g.assign(i, room, floorplan.AssignMain)
			if standardM2[rank] >= 18 {
				g.lastLeader = i
			}
		default: // shared by staff
			n := max(1, int(math.Ceil(area/9-1e-9)))
			if g.rng.IntN(5) == 0 && n > 1 {
				n--
			}
			for j := 0; j < n; j++ {
				g.assign(g.person(agency, staffRanks[g.rng.IntN(len(staffRanks))]), room, floorplan.AssignMain)
			}
		}
	}
}

// ranksOf are the leader ranks of an agency: the city's leaders sit only in the first agency of each
// locality (its general office).
func (g *gen) ranksOf(agency *floorplan.Agency) []floorplan.Rank {
	if i := g.agencyIndex[agency.ID]; i != g.localityFirst(i) {
		return leaderRanks[2:]
	}
	return leaderRanks
}

// fits reports whether a leader of the agency may have a room of this area to himself.
func (g *gen) fits(agency *floorplan.Agency, area float64) bool {
	return standardM2[g.ranksOf(agency)[0]] >= area
}

// fittingRank is the leader rank of the agency with the smallest standard not below area.
func (g *gen) fittingRank(agency *floorplan.Agency, area float64) floorplan.Rank {
	ranks := g.ranksOf(agency)
	best := ranks[0]
	for _, r := range ranks {
		if standardM2[r] >= area {
			best = r
		}
	}
	return best
}

// lowerRank is the next rank down the leader ladder (vice division stays).
func (g *gen) lowerRank(r floorplan.Rank) floorplan.Rank {
	for i, k := range leaderRanks {
		if k == r && i+1 < len(leaderRanks) {
			return leaderRanks[i+1]
		}
	}
	return r
}

// secondOffice makes room the approved second office of a leader (by index) for a concurrent post in an
// agency of the leader's locality.
func (g *gen) secondOffice(leader int, room *floorplan.Room) {
	first := g.localityFirst(g.agencyIndex[g.d.People[leader].AgencyID])
	other := g.d.Agencies[first+g.rng.IntN(g.perLocality)]
	post := floorplan.Post{
		ID:       g.id(),
		Title:    other.ShortName + "领导小组副组长",
		AgencyID: other.ID,
		Start:    g.day(floorplan.Day(2020, 1, 1), 1500),
	}
	p := &g.d.People[leader]
	p.Posts = append(p.Posts, post)
	a := &g.d.Assignments[g.assign(leader, room, floorplan.AssignSecond)]
	a.PostID = post.ID
	a.ApprovalRef = fmt.Sprintf("常机管〔%d〕%d号", 2020+g.rng.IntN(5), 1+g.rng.IntN(90))
	a.Start = post.Start
}
