package floorplan

import (
	"fmt"

	"github.com/google/uuid"
)

// RuleMultipleOffices: more than one office room, and not every office beyond one main office is an
// approved second office. SourceMultipleOffices is its source.
const RuleMultipleOffices, SourceMultipleOffices = "person.multiple_offices", Art19Source

// multipleOffices: one office per official, a second one only with approval.
func (e *evaluation) multipleOffices(c *personCtx) {
	t := c.offices()
	if !t.moreThanOne() {
		return
	}
	f := c.finding(RuleMultipleOffices, SourceMultipleOffices)
	f.RoomIDs = make([]uuid.UUID, 0, t.rooms)
	for _, h := range c.holds {
		if h.use == useOffice {
			f.RoomIDs = append(f.RoomIDs, e.o.Rooms[h.room].RoomID)
		}
	}
	f.AreaM2 = RoundM2(t.area)
	f.Message = fmt.Sprintf("%s（%s）同时使用%d间办公室（主办公室%d间，未经批准的兼职办公室%d间），应一人一处办公室，兼职办公室须经批准。",
		c.p.Name, c.title, t.rooms, t.mains, t.unapproved)
	f.MessageEN = fmt.Sprintf("%s (%s) uses %d offices (%d main, %d second without approval); one office per official, a second one only with approval.",
		c.p.Name, c.title, t.rooms, t.mains, t.unapproved)
	e.add(f)
}

// officeTally counts a person's office rooms (UsageOffice).
type officeTally struct {
	rooms, mains, unapproved int     // all of them; main offices; second offices without approval
	area                     float64 // the sum of the person's shares of them
}

// offices tallies the person's office rooms.
func (c *personCtx) offices() officeTally {
	var t officeTally
	for _, h := range c.holds {
		if h.use != useOffice {
			continue
		}
		t.rooms++
		t.area += h.share
		if h.main {
			t.mains++
		} else if !h.approved {
			t.unapproved++
		}
	}
	return t
}

// moreThanOne reports whether the offices break the one-office rule: more than one, and not every one
// beyond a single main office an approved second office.
func (t officeTally) moreThanOne() bool { return t.rooms > 1 && (t.mains > 1 || t.unapproved > 0) }
