package sample

import (
	"strconv"
	"time"

	"officemap/floorplan"
)

// story adds what an inspection of the compound should find, each case with the rule it breaks, and
// around them the ordinary comings and goings that break none. Dates are counted back from today.
func (g *gen) story() {
	t := g.today

	// person.not_vacated_after_leaving: a deputy director of housing retired three months ago and is
	// still in the office, which was due back within a month.
	p := g.taggedPerson("zjj-retired")
	p.Status, p.StatusDate = floorplan.PersonRetired, t.AddDate(0, -3, 0)
	// No finding: a deputy director of justice retired ten days ago and has until next month.
	p = g.taggedPerson("sfj-retiring")
	p.Status, p.StatusDate = floorplan.PersonRetired, t.AddDate(0, 0, -10)

	// person.multiple_offices: a deputy director of the development and reform commission kept a room
	// in the data bureau, which was set up from parts of the commission, with no approval.
	g.assign(g.personAt("fgw-deputy"), g.taggedRoom("sjju-kept"), floorplan.AssignSecond, t.AddDate(-1, -2, 0))

	// person.unapproved_second_office: a member of staff of the justice bureau sits in a team office that
	// was recorded as a "second office" with no approval, and has no other office: without approval it is
	// simply their office (its share counts in their area, which is within the standard).
	seconded := g.taggedPerson("sfj-seconded").ID
	for i := range g.d.Assignments {
		if a := &g.d.Assignments[i]; a.PersonID == seconded {
			a.Kind = floorplan.AssignSecond
		}
	}

	// person.second_office_not_smaller: the organisation department's 常务副部长 is also head of the
	// veteran cadres bureau, with an approved second office there of 27 m², not smaller than the 24 of
	// the rank.
	start := t.AddDate(-3, -1, 0)
	g.concurrentPost("zzb-exec", "lgbj", "市委老干部局局长", start, time.Time{}, "lgbj-second",
		"常机管审〔"+strconv.Itoa(start.Year())+"〕12号")

	// person.not_vacated_after_concurrent_post: a deputy head of publicity ran the cyberspace office
	// until four months ago; the second office that came with it (17.82 m², below the rank's 18) was due back
	// within two months.
	start = t.AddDate(-4, -6, 0)
	g.concurrentPost("xcb-deputy", "wxb", "市委网信办主任", start, t.AddDate(0, -4, 0), "wxb-second",
		"常机管审〔"+strconv.Itoa(start.Year())+"〕5号")

	// agency.not_vacated_after_merger: the local financial regulator was merged into the party's
	// finance office four months ago; its rooms and people have not moved.
	a := g.agency("jrj")
	a.Status, a.StatusDate, a.SuccessorID = floorplan.AgencyMerged, t.AddDate(0, -4, 0), g.agency("jrb").ID

	// room.idle: a statistics office has stood empty since its last occupant was transferred eight
	// months ago.
	former := g.person("story:tjj-former", "tjj", seat{rank: floorplan.RankStaff})
	p = &g.d.People[former]
	p.Status, p.StatusDate = floorplan.PersonTransferred, t.AddDate(0, -8, -3)
	asg := &g.d.Assignments[g.assign(former, g.taggedRoom("tjj-idle"), floorplan.AssignMain, t.AddDate(-4, 0, 0))]
	asg.End = t.AddDate(0, -8, 0)
	// room.idle: the veteran cadres' reading room was closed ten months ago.
	r := g.taggedRoom("lgbj-reading")
	r.State, r.IdleSince = floorplan.RoomIdle, t.AddDate(0, -10, 0)

	// room.filed_property_leased: the sub-district office has lent its storeroom in the turnover building,
	// a filed property (备案) that the bureau manages and no using agency may lease or lend.
	g.taggedRoom("tnjd-leased").State = floorplan.RoomLeased

	// No finding: another deputy director of the commission has also headed the statistics bureau for two
	// months, a post with no office yet; the bureau has applied for its idle room as his second office
	// (handling.go).
	g.concurrentPostOnly("fgw", "tjj", "市统计局局长", t.AddDate(0, -2, 0))

	// No finding: an office of the government's general office was handed back forty days ago, three
	// weeks after its occupant, a deputy secretary-general, retired; it waits for its next occupant.
	former = g.person("story:szfb-former", "szfb", leader(floorplan.RankDivision, "副秘书长"))
	p = &g.d.People[former]
	p.Status, p.StatusDate = floorplan.PersonRetired, t.AddDate(0, 0, -61)
	asg = &g.d.Assignments[g.assign(former, g.taggedRoom("szfb-vacated"), floorplan.AssignMain, t.AddDate(-5, -3, 0))]
	asg.End = t.AddDate(0, 0, -40)
	// No finding: an office under repair, and one partitioned off last month.
	g.taggedRoom("szfb-repair").State = floorplan.RoomUnderRepair
	g.taggedRoom("swb-new").CreatedAt = t.AddDate(0, -1, 0)
}

// concurrentPost gives the tagged person a concurrent post (兼职) at an agency from start to end (zero:
// still held) and the tagged room as the approved second office that serves it.
func (g *gen) concurrentPost(person, agency, title string, start, end time.Time, room, approval string) {
	pi := g.personAt(person)
	p := &g.d.People[pi]
	post := floorplan.Post{
		ID:       newID("post", g.personKey[pi]+"/"+agency),
		Title:    title,
		AgencyID: g.agency(agency).ID,
		Start:    start,
		End:      end,
	}
	p.Posts = append(p.Posts, post)
	a := &g.d.Assignments[g.assign(pi, g.taggedRoom(room), floorplan.AssignSecond, start)]
	a.PostID, a.ApprovalRef = post.ID, approval
}

// concurrentPostOnly gives a deputy of the agency other than the tagged ones a concurrent post at another
// agency from start, with no second office, and notes them in the cast (handling.go).
func (g *gen) concurrentPostOnly(agency, at, title string, start time.Time) {
	tagged := map[int]bool{}
	for _, i := range g.personPos {
		tagged[i] = true
	}
	for i := range g.d.People {
		p := &g.d.People[i]
		if tagged[i] || p.AgencyID != g.agency(agency).ID || p.Rank != floorplan.RankViceDivision {
			continue
		}
		post := floorplan.Post{ID: newID("post", g.personKey[i]+"/"+at), Title: title, AgencyID: g.agency(at).ID, Start: start}
		p.Posts = append(p.Posts, post)
		g.d.cast.postHolder, g.d.cast.post = p.ID, post.ID
		return
	}
	panic("sample: no untagged deputy of " + agency)
}

// personAt returns the position in People of the person seated with the tag.
func (g *gen) personAt(tag string) int {
	i, ok := g.personPos[tag]
	if !ok {
		panic("sample: no person tagged " + tag)
	}
	return i
}

// taggedPerson returns the person seated with the tag.
func (g *gen) taggedPerson(tag string) *floorplan.Person { return &g.d.People[g.personAt(tag)] }

// taggedRoom returns the room with the tag.
func (g *gen) taggedRoom(tag string) *floorplan.Room {
	i, ok := g.roomPos[tag]
	if !ok {
		panic("sample: no room tagged " + tag)
	}
	return &g.d.Rooms[i]
}
