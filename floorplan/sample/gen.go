package sample

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

// Seeds of the two random streams: one draws names, the other days, so that the names stay the same
// whatever the dates do.
const (
	nameSeed = 0x6368616e677a686f // "changzho"
	daySeed  = 0x64656d6f32303236 // "demo2026"
)

// gen builds the dataset.
type gen struct {
	today time.Time
	// registered is when the compound's rooms came into the register.
	registered time.Time
	d          *Dataset

	names, days *rand.Rand
	usedNames   map[string]bool

	agencyDefs map[string]agencyDef
	agencyPos  map[string]int // agency key → position in d.Agencies
	roomPos    map[string]int // room tag → position in d.Rooms
	personPos  map[string]int // person tag → position in d.People
	personKey  []string       // parallel to d.People: the key its id derives from
}

func newGen(today time.Time) *gen {
	return &gen{
		today:      today,
		registered: today.AddDate(-6, 0, 0),
		d:          &Dataset{},
		names:      rand.New(rand.NewPCG(nameSeed, 1)),
		days:       rand.New(rand.NewPCG(daySeed, 2)),
		usedNames:  make(map[string]bool),
		agencyDefs: make(map[string]agencyDef),
		agencyPos:  make(map[string]int),
		roomPos:    make(map[string]int),
		personPos:  make(map[string]int),
	}
}

// daysAgo returns a day between lo and hi days before today.
func (g *gen) daysAgo(lo, hi int) time.Time {
	return g.today.AddDate(0, 0, -(lo + g.days.IntN(hi-lo+1)))
}

// agencyDef is one agency of the compound.
type agencyDef struct {
	key, name, short string
	parent           string // key of the parent agency
	head, deputy     string // titles of its head and deputies ("局长", "副局长")
	level            floorplan.AdminLevel
	scale            floorplan.AdminLevel
	vacancies        int // authorised posts not filled
	// extra is area approved for rooms with a purpose beyond the headcount (接待室, 老干部活动室, 警卫室…).
	extra float64
	// jurisdiction is the key of the district the agency belongs to ("": the city level).
	jurisdiction string
	// approved is an approved area set by hand; 0: computed by approvals.
	approved float64
}

// agencies adds the agencies, parents first.
func (g *gen) agencies() {
	for _, a := range agencyTable() {
		if a.level == "" {
			a.level = floorplan.LevelMunicipal
		}
		var parent uuid.UUID
		if a.parent != "" {
			parent = g.agency(a.parent).ID
		}
		g.agencyDefs[a.key] = a
		g.agencyPos[a.key] = len(g.d.Agencies)
		g.d.Agencies = append(g.d.Agencies, floorplan.Agency{
			ID:        newID("agency", a.key),
			Name:      a.name,
			ShortName: a.short,
			Level:     a.level,
			Scale:     a.scale,
			ParentID:  parent,
			Status:    floorplan.AgencyActive,
		})
		if a.jurisdiction != "" {
			g.d.Agencies[len(g.d.Agencies)-1].JurisdictionID = newID("jurisdiction", a.jurisdiction)
		}
	}
}

// agency returns the agency with the given key.
func (g *gen) agency(key string) *floorplan.Agency {
	i, ok := g.agencyPos[key]
	if !ok {
		panic("sample: no agency " + key)
	}
	return &g.d.Agencies[i]
}

// plan is one building of the compound and the shape of its floors.
type plan struct {
	code      string // in the keys of the building's records: "A"
	building  uuid.UUID
	footprint orb.Polygon // the outline of every floor
	frame
}

// building adds a building with its footprint in local metres, placed with its south-west corner at
// offset (east, north metres) in the site's frame and turned by the site frame's rotation.
func (g *gen) building(site int, code, name, address string, siteFrame geo.Georef, offset orb.Point, footprint orb.Polygon, f frame) *plan {
	origin := siteFrame.Frame().ToLonLat(offset)
	b := floorplan.Building{
		ValidFrom: g.registered,
		ID:        newID("building", code),
		SiteID:    g.d.Sites[site].ID,
		Name:      name,
		Address:   address,
		Footprint: geo.Normalize(footprint),
		Georef: geo.Georef{
			Origin:      orb.Point{round(origin[0], 7), round(origin[1], 7)},
			RotationDeg: siteFrame.RotationDeg,
			Scale:       1,
		},
	}
	g.d.Buildings = append(g.d.Buildings, b)
	return &plan{code: code, building: b.ID, footprint: b.Footprint, frame: f}
}

// floor adds a floor of building p with its rooms, and seats the people the plan names in them.
func (g *gen) floor(p *plan, ordinal int, elevation float64, south, north []bay) {
	name := fmt.Sprintf("%dF", ordinal+1)
	prefix := fmt.Sprint(ordinal + 1)
	if ordinal < 0 {
		name = fmt.Sprintf("B%d", -ordinal)
		prefix = name
	}
	fl := floorplan.Floor{
		ID:         newID("floor", p.code+":"+name),
		BuildingID: p.building,
		Ordinal:    ordinal,
		Name:       name,
		Elevation:  elevation,
		Outline:    p.footprint,
	}
	g.d.Floors = append(g.d.Floors, fl)

	where := p.code + " " + name
	rooms := p.lay(south, true, where+" south", 0)
	rooms = append(rooms, p.lay(north, false, where+" north", len(south))...)
	g.addRoom(fl.ID, p.code+":"+name+":corridor", "", placed{
		room:     room{usage: floorplan.UsageCirculation, name: "走廊", common: true},
		geometry: p.corridor(),
	})

	// Numbers: odd on the south side, even on the north side, from west to east.
	nSouth := 0
	for _, b := range south {
		nSouth += len(b.parts)
	}
	odd, even := 1, 2
	holders := make(map[int][]int) // bay → the people of its first room with seats
	for i, r := range rooms {
		var n int
		if i < nSouth {
			n, odd = odd, odd+2
		} else {
			n, even = even, even+2
		}
		number := fmt.Sprintf("%s%02d", prefix, n)
		key := p.code + ":" + number
		rm := &g.d.Rooms[g.addRoom(fl.ID, key, number, r)]
		if len(r.seats) > 0 && r.agency == "" {
			panic("sample: people seated in common room " + key)
		}
		var seated []int
		// The people of a room moved in together, more than a year ago (so that last year's report sees
		// the same team offices as today's).
		start := g.daysAgo(400, 2000)
		for j, s := range r.seats {
			pi := g.person(key+":"+fmt.Sprint(j), r.agency, s)
			g.assign(pi, rm, floorplan.AssignMain, start)
			seated = append(seated, pi)
		}
		if _, ok := holders[r.bay]; !ok && len(seated) > 0 {
			holders[r.bay] = seated
		}
		if r.suite {
			for _, pi := range holders[r.bay] {
				g.assign(pi, rm, floorplan.AssignMain, g.d.People[pi].CreatedAt)
			}
		}
	}
}

// addRoom adds a room from its placed outline and returns its position in Rooms.
func (g *gen) addRoom(floor uuid.UUID, key, number string, r placed) int {
	rm := floorplan.Room{
		ID:        newID("room", key),
		FloorID:   floor,
		Number:    number,
		Name:      r.name,
		Usage:     r.usage,
		State:     floorplan.RoomInUse,
		Geometry:  r.geometry,
		CreatedAt: g.registered,
		// The compound was surveyed when it was registered: as-of reports see its rooms from then on.
		ValidFrom: g.registered,
	}
	if r.agency != "" {
		rm.AgencyID = g.agency(r.agency).ID
	}
	if rm.Name == "" && r.usage == floorplan.UsageOffice {
		rm.Name = "办公室"
	}
	g.d.Rooms = append(g.d.Rooms, rm)
	i := len(g.d.Rooms) - 1
	if r.tag != "" {
		g.roomPos[r.tag] = i
	}
	return i
}

// person adds a member of staff of the agency in the seat's rank and returns their position in People.
// key is what the person's id derives from.
func (g *gen) person(key, agency string, s seat) int {
	def := g.agencyDefs[agency]
	title := s.title
	switch {
	case title != "":
	case s.rank == floorplan.RankDivision:
		title = def.head
	case s.rank == floorplan.RankViceDivision:
		title = def.deputy
	default:
		title = staffTitle(s.rank)
	}
	p := floorplan.Person{
		ID: newID("person", key),
		// The staff number (工号) the bureau's spreadsheets match people by, in the order they are made.
		StaffNo:  fmt.Sprintf("CZ%04d", len(g.d.People)+1),
		Name:     g.name(),
		AgencyID: g.agency(agency).ID,
		Rank:     s.rank,
		Title:    title,
		Posts:    []floorplan.Post{},
		Status:   floorplan.PersonActive,
	}
	g.d.People = append(g.d.People, p)
	g.personKey = append(g.personKey, key)
	i := len(g.d.People) - 1
	if s.tag != "" {
		g.personPos[s.tag] = i
	}
	return i
}

// staffTitle is the usual title of a section rank.
func staffTitle(r floorplan.Rank) string {
	switch r {
	case floorplan.RankSection:
		return "科长"
	case floorplan.RankViceSection:
		return "副科长"
	}
	return "科员"
}

// assign puts person pi in room rm from day start and returns the assignment's position. The person's
// CreatedAt is the start of their first assignment.
func (g *gen) assign(pi int, rm *floorplan.Room, kind floorplan.AssignmentKind, start time.Time) int {
	p := &g.d.People[pi]
	a := floorplan.Assignment{
		ID:       newID("assignment", g.personKey[pi]+"/"+rm.ID.String()+"/"+string(kind)),
		PersonID: p.ID,
		RoomID:   rm.ID,
		Kind:     kind,
		Start:    start,
	}
	if p.CreatedAt.IsZero() || start.Before(p.CreatedAt) {
		p.CreatedAt = start
	}
	g.d.Assignments = append(g.d.Assignments, a)
	return len(g.d.Assignments) - 1
}

// Seats.

// head is the agency's head (正局(处)级: 局长, 主任 …).
func head() seat { return seat{rank: floorplan.RankDivision} }

// deputy is one of the agency's deputy heads (副局(处)级).
func deputy() seat { return seat{rank: floorplan.RankViceDivision} }

// leader is a seat of the given rank and title.
func leader(rank floorplan.Rank, title string) seat { return seat{rank: rank, title: title} }

// team is the n people of a section sharing a room: its chief (科长) from three people up, a deputy chief
// (副科长) from two, and staff (科员).
func team(n int) []seat {
	out := make([]seat, 0, n)
	for i := range n {
		switch {
		case i == 0 && n >= 3:
			out = append(out, seat{rank: floorplan.RankSection})
		case (i == 1 && n >= 3) || (i == 0 && n == 2):
			out = append(out, seat{rank: floorplan.RankViceSection})
		default:
			out = append(out, seat{rank: floorplan.RankStaff})
		}
	}
	return out
}

// staff is n members of staff (科员) sharing a room, in a unit too small for sections of its own.
func staff(n int) []seat {
	out := make([]seat, n)
	for i := range out {
		out[i] = seat{rank: floorplan.RankStaff}
	}
	return out
}

// as tags a seat for story.go.
func as(tag string, s seat) seat {
	s.tag = tag
	return s
}

// Names.

const (
	// surnames are common in Jiangsu, 恽, 庄, 盛 and 瞿 among them for Changzhou.
	surnames = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾夏方邹孟秦邱江尹薛钱严顾恽庄盛瞿戴陶"
	// givenChars make given names of one or two characters.
	givenChars = "建国志明伟军华平强红文芳秀英丽敏静婷磊洋勇杰涛斌峰宇浩晨雪琳霞鹏超辉刚健凯亮燕娟颖欣怡梅兰玉春海波晓立新卫东振宏毅诚哲睿佳瑞嘉俊昊然雯飞云"
)

// name returns a Chinese name not given before.
func (g *gen) name() string {
	sur, given := []rune(surnames), []rune(givenChars)
	for {
		n := string(sur[g.names.IntN(len(sur))]) + string(given[g.names.IntN(len(given))])
		if g.names.IntN(4) > 0 {
			n += string(given[g.names.IntN(len(given))])
		}
		if !g.usedNames[n] {
			g.usedNames[n] = true
			return n
		}
	}
}

// approvals sets each agency's headcount (its active people and vacancies) and approved area (核定面积).
// The approved area stands in for the one an agency's approval gives: the standards of its active people,
// 9 m² for each vacancy and 8 m² of service rooms per authorised post (the 2014 standard sizes service
// rooms by headcount), rounded up to 10 m², plus the area approved for rooms with a purpose. A merged
// agency's approval has lapsed; an agency with a hand-set figure keeps it.
func (g *gen) approvals() {
	std, err := floorplan.NewStandards(nil)
	if err != nil {
		panic(err) // cannot happen: the national table alone is valid
	}
	stdSum := make([]float64, len(g.d.Agencies))
	active := make([]int, len(g.d.Agencies))
	pos := make(map[uuid.UUID]int, len(g.d.Agencies))
	for i, a := range g.d.Agencies {
		pos[a.ID] = i
	}
	for _, p := range g.d.People {
		if p.Status != floorplan.PersonActive {
			continue
		}
		i := pos[p.AgencyID]
		active[i]++
		area := 9.0 // a rank with no standard row counts as staff
		if row, ok := std.For(g.d.Agencies[i], p.Rank, g.today); ok {
			area = row.AreaM2
		}
		stdSum[i] += area
	}
	for _, def := range agencyTable() {
		i := g.agencyPos[def.key]
		a := &g.d.Agencies[i]
		a.Headcount = active[i] + def.vacancies
		switch {
		case a.Status != floorplan.AgencyActive:
			a.ApprovedAreaM2 = 0
		case def.approved > 0:
			a.ApprovedAreaM2 = def.approved
		default:
			a.ApprovedAreaM2 = math.Ceil((stdSum[i]+9*float64(def.vacancies)+8*float64(a.Headcount))/10)*10 + def.extra
		}
	}
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}
