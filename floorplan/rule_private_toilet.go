package floorplan

import (
	"fmt"

	"github.com/google/uuid"
)

// RulePrivateToilet: a private toilet for a rank the standard does not name (no allowance on the row,
// or no row in force), or larger than allowed. SourcePrivateToilet is its source.
const RulePrivateToilet, SourcePrivateToilet = "person.private_toilet", ToiletNoteSource

// privateToilet judges the ranks the standard does not name (no allowance on their row, or no row in
// force at all: township ranks, which note 4 never names) and toilets above the allowance.
func (e *evaluation) privateToilet(c *personCtx) {
	allowance := c.pc.row.ToiletAllowanceM2 // 0 without a row
	allowH, toiletH := hundredths(allowance), c.pc.toiletH
	if toiletH <= allowH {
		return
	}
	p, o := c.p, e.o
	f := c.finding(RulePrivateToilet, SourcePrivateToilet)
	f.RoomIDs = make([]uuid.UUID, 0, len(c.holds))
	shared := false
	for _, h := range c.holds {
		if h.counted() && h.use == useToilet {
			f.RoomIDs = append(f.RoomIDs, o.Rooms[h.room].RoomID)
			shared = shared || o.rooms[h.room].shared()
		}
	}
	toilet := m2Of(toiletH)
	f.AreaM2, f.StandardM2, f.ExcessM2 = toilet, allowance, m2Of(toiletH-allowH)
	if allowance > 0 {
		f.ExcessPct = f.ExcessM2 / allowance * 100
		f.Message = fmt.Sprintf("%s（%s）专用卫生间%s平方米，超过允许的%s平方米，超出%s平方米（%s）。",
			p.Name, c.title, m2(toilet), m2(allowance), m2(f.ExcessM2), pctZH(f.ExcessPct))
		f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m², above the %s m² allowed: %s m² (%s) over.",
			p.Name, c.title, m2(toilet), m2(allowance), m2(f.ExcessM2), pctEN(f.ExcessPct))
	} else if c.pc.reading.toiletRefused {
		f.Message = fmt.Sprintf("%s（%s）配有专用卫生间%s平方米；按本地政策，市县专用卫生间仅限党政正职，其职务不在其列。",
			p.Name, c.title, m2(toilet))
		f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m²; by local policy only the party and government heads of cities and counties may have one, and this post is not one of them.",
			p.Name, c.title, m2(toilet))
	} else {
		f.Message = fmt.Sprintf("%s（%s）配有专用卫生间%s平方米，该职级按标准不得配备专用卫生间。",
			p.Name, c.title, m2(toilet))
		f.MessageEN = fmt.Sprintf("%s (%s) has a private toilet of %s m²; the standard allows none at this rank.",
			p.Name, c.title, m2(toilet))
	}
	var b basis
	b.precision()
	if shared {
		b.split(e.pol)
	}
	b.toilet(e.pol)
	if c.pc.reading.toiletByGrade {
		b.toiletWho(e.pol)
	}
	b.set(&f)
	e.add(f)
}
