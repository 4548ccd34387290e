package floorplan_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
)

// scenarioMove finds, in the demo, a compliant person with a standard who holds one room, and a vacant
// office larger than their standard by more than 5 m² (so that moving them there is over-standard).
func scenarioMove(t *testing.T, reg *floorplan.Register, rs floorplan.Store) (floorplan.Assignment, floorplan.Room, floorplan.PersonResult) {
	t.Helper()
	ctx := context.Background()
	today := floorplan.DayOf(time.Now())
	snap, err := rs.Snapshot(ctx, today)
	must(t, err)
	rep, err := floorplan.Evaluate(snap, nil, reg.Policy())
	must(t, err)
	var vacant []floorplan.RoomResult
	for _, r := range rep.Rooms {
		if r.Usage == floorplan.UsageOffice && len(r.Occupants) == 0 && r.AgencyID != uuid.Nil {
			vacant = append(vacant, r)
		}
	}
	for _, p := range rep.People {
		if p.Status != floorplan.StatusCompliant || p.StandardM2 == 0 || len(p.RoomIDs) != 1 {
			continue
		}
		as, err := rs.Assignments(ctx, floorplan.AssignmentFilter{PersonID: p.PersonID, ActiveOn: today})
		must(t, err)
		if len(as) != 1 || !as[0].Start.Before(today) {
			continue
		}
		for _, v := range vacant {
			if v.AreaM2 > p.StandardM2+5 {
				room, err := rs.Room(ctx, v.RoomID)
				must(t, err)
				return as[0], room, p
			}
		}
	}
	t.Fatal("the demo has no compliant person and vacant office larger than their standard")
	return floorplan.Assignment{}, floorplan.Room{}, floorplan.PersonResult{}
}

// TestScenarioMoveOverStandard: a move into a larger office shows the over-standard finding appearing,
// writes nothing when evaluated, is refused without an override reason and applied with one; applied
// again (its records have moved on) it is a conflict naming the assignment, and nothing is written.
func TestScenarioMoveOverStandard(t *testing.T) {
	reg, rs, _ := openRegister(t)
	ctx := floorplan.WithReason(context.Background(), "调配方案测试")
	asg, room, person := scenarioMove(t, reg, rs)
	sc := floorplan.Scenario{ApplicationID: "app-1", Changes: []floorplan.ScenarioChange{{Op: floorplan.ScenarioMove,
		AssignmentID: asg.ID, AssignmentVersion: asg.Version, RoomID: room.ID, RoomVersion: room.Version}}}
	rev0, err := rs.Revision(ctx)
	must(t, err)

	res, err := reg.EvaluateScenario(ctx, sc)
	must(t, err)
	if !slices.ContainsFunc(res.Appeared, func(f floorplan.Finding) bool {
		return f.RuleID == floorplan.RuleOverStandard && f.PersonID == person.PersonID
	}) || !res.NewOverStandard || res.ApplicationID != "app-1" {
		t.Fatalf("evaluated move: appeared %+v, new over-standard %v; want person.over_standard of %s", res.Appeared, res.NewOverStandard, person.Name)
	}
	i := slices.IndexFunc(res.People, func(p floorplan.ScenarioPerson) bool { return p.PersonID == person.PersonID })
	if i < 0 || res.People[i].Before.OfficeAreaM2 != person.OfficeAreaM2 || res.People[i].After.OfficeAreaM2 <= person.StandardM2 {
		t.Fatalf("the person before/after: %+v", res.People)
	}
	if rev, _ := rs.Revision(ctx); rev != rev0 {
		t.Fatalf("an evaluation wrote: revision %d → %d", rev0, rev)
	}

	_, _, err = reg.ApplyScenario(ctx, sc, "")
	var fe *floorplan.FieldError
	if !errors.As(err, &fe) || fe.Field != "override_reason" {
		t.Fatalf("apply without an override reason: %v, want a field error on override_reason", err)
	}
	if rev, _ := rs.Revision(ctx); rev != rev0 {
		t.Fatalf("a refused apply wrote: revision %d → %d", rev0, rev)
	}

	_, c, err := reg.ApplyScenario(ctx, sc, "工作需要，经领导批准")
	must(t, err)
	sameAsWhole(t, rs, c)
	held, err := rs.Assignments(ctx, floorplan.AssignmentFilter{PersonID: person.PersonID, ActiveOn: floorplan.DayOf(time.Now())})
	must(t, err)
	if len(held) != 1 || held[0].RoomID != room.ID {
		t.Fatalf("after the apply the person holds %+v, want room %s only", held, room.Number)
	}
	if r, ok := c.Room(room.ID); !ok || r.Status != floorplan.StatusOverStandard {
		t.Errorf("the new room's state in the changes: %+v", r)
	}

	rev1, err := rs.Revision(ctx)
	must(t, err)
	_, _, err = reg.ApplyScenario(ctx, sc, "再次")
	var ce *floorplan.ScenarioConflictError
	if !errors.As(err, &ce) || !errors.Is(err, floorplan.ErrConflict) || ce.Records[0].ID != asg.ID {
		t.Fatalf("a stale scenario: %v, want a conflict naming assignment %s", err, asg.ID)
	}
	if rev, _ := rs.Revision(ctx); rev != rev1 {
		t.Fatalf("a conflicting apply wrote: revision %d → %d", rev1, rev)
	}
}

// vacantOffice returns a vacant office room of the demo, at least 12 m², read from rs.
func vacantOffice(t *testing.T, rs floorplan.Store, not ...uuid.UUID) floorplan.Room {
	t.Helper()
	ctx := context.Background()
	today := floorplan.DayOf(time.Now())
	rooms, err := rs.Rooms(ctx, floorplan.RoomFilter{})
	must(t, err)
	for _, r := range rooms {
		if r.Usage != floorplan.UsageOffice || r.Area() < 12 || slices.Contains(not, r.ID) {
			continue
		}
		as, err := rs.Assignments(ctx, floorplan.AssignmentFilter{RoomID: r.ID, ActiveOn: today})
		must(t, err)
		if len(as) == 0 {
			return r
		}
	}
	t.Fatal("the demo has no vacant office")
	return floorplan.Room{}
}

// TestScenarioSplitMerge splits a vacant office along a line across it and merges the pieces back, each
// evaluated and applied; rooms that share no wall, a line that does not cut and unknown ids are refused
// naming the change and its field.
func TestScenarioSplitMerge(t *testing.T) {
	reg, rs, _ := openRegister(t)
	ctx := context.Background()
	room := vacantOffice(t, rs)
	b := room.Geometry.Bound()
	mid := (b.Min[0] + b.Max[0]) / 2
	cut := floorplan.Line{LineString: orb.LineString{{mid, b.Min[1] - 1}, {mid, b.Max[1] + 1}}}
	split := floorplan.Scenario{Changes: []floorplan.ScenarioChange{{Op: floorplan.ScenarioSplit, RoomID: room.ID,
		RoomVersion: room.Version, Cut: cut}}}
	res, err := reg.EvaluateScenario(ctx, split)
	must(t, err)
	pieces := 0
	for _, r := range res.Rooms {
		if r.Before == nil && r.After != nil {
			pieces++
		}
		if r.RoomID == room.ID && r.After != nil {
			t.Errorf("the split room is still there after the split")
		}
	}
	if pieces != 2 {
		t.Fatalf("evaluated split: %d new rooms, want 2 (%+v)", pieces, res.Rooms)
	}
	_, _, err = reg.ApplyScenario(ctx, split, "")
	must(t, err)
	if _, err := rs.Room(ctx, room.ID); !errors.Is(err, floorplan.ErrNotFound) {
		t.Fatalf("the split room after the apply: %v, want not found", err)
	}
	rooms, err := rs.Rooms(ctx, floorplan.RoomFilter{FloorID: room.FloorID})
	must(t, err)
	var got []floorplan.Room
	for _, r := range rooms {
		if r.Number == room.Number+"-1" || r.Number == room.Number+"-2" {
			got = append(got, r)
		}
	}
	if len(got) != 2 {
		t.Fatalf("pieces written: %d", len(got))
	}

	// A line that misses the room, a room that is not adjacent, an unknown id.
	far := vacantOffice(t, rs, got[0].ID, got[1].ID)
	for name, tc := range map[string]struct {
		ch    floorplan.ScenarioChange
		field string
	}{
		"misses": {floorplan.ScenarioChange{Op: floorplan.ScenarioSplit, RoomID: got[0].ID, RoomVersion: got[0].Version,
			Cut: floorplan.Line{LineString: orb.LineString{{b.Max[0] + 100, 0}, {b.Max[0] + 100, 1}}}}, "cut"},
		"not adjacent": {floorplan.ScenarioChange{Op: floorplan.ScenarioMerge, RoomID: got[0].ID, RoomVersion: got[0].Version,
			OtherRoomID: far.ID, OtherRoomVersion: far.Version}, "other_room_id"},
		"unknown":    {floorplan.ScenarioChange{Op: floorplan.ScenarioSetAgency, RoomID: uuid.New(), RoomVersion: 1}, "room_id"},
		"no version": {floorplan.ScenarioChange{Op: floorplan.ScenarioSetAgency, RoomID: far.ID}, "room_version"},
		"unknown op": {floorplan.ScenarioChange{Op: "swap", RoomID: far.ID, RoomVersion: far.Version}, "op"},
		"twice": {floorplan.ScenarioChange{Op: floorplan.ScenarioSplit, RoomID: got[1].ID, RoomVersion: got[1].Version,
			Cut: floorplan.Line{LineString: orb.LineString{{mid, b.Min[1] - 1}, {mid, b.Max[1] + 1}}}}, "room_id"},
	} {
		sc := floorplan.Scenario{Changes: []floorplan.ScenarioChange{
			{Op: floorplan.ScenarioSetAgency, RoomID: got[1].ID, RoomVersion: got[1].Version, AgencyID: got[1].AgencyID}, tc.ch}}
		_, err := reg.EvaluateScenario(ctx, sc)
		var se *floorplan.ScenarioError
		if !errors.As(err, &se) || se.Index != 1 || se.Field != tc.field {
			t.Errorf("%s: %v, want change 1 field %s", name, err, tc.field)
		}
	}

	merge := floorplan.Scenario{Changes: []floorplan.ScenarioChange{{Op: floorplan.ScenarioMerge, RoomID: got[0].ID,
		RoomVersion: got[0].Version, OtherRoomID: got[1].ID, OtherRoomVersion: got[1].Version}}}
	_, c, err := reg.ApplyScenario(ctx, merge, "")
	must(t, err)
	merged, err := rs.Room(ctx, got[0].ID)
	must(t, err)
	if d := merged.Area() - room.Area(); d > 1e-6 || d < -1e-6 {
		t.Errorf("merged area %.4f, the room before the split %.4f", merged.Area(), room.Area())
	}
	if _, err := rs.Room(ctx, got[1].ID); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("the merged-in room: %v, want not found", err)
	}
	if _, ok := c.Room(merged.ID); !ok {
		t.Errorf("the merged room is not among the changed states")
	}
}

// TestScenarioEndAssign: ending an assignment and assigning its person elsewhere evaluates as the move does.
func TestScenarioEndAssign(t *testing.T) {
	reg, rs, _ := openRegister(t)
	ctx := context.Background()
	asg, room, person := scenarioMove(t, reg, rs)
	p, err := rs.Person(ctx, person.PersonID)
	must(t, err)
	move, err := reg.EvaluateScenario(ctx, floorplan.Scenario{Changes: []floorplan.ScenarioChange{{Op: floorplan.ScenarioMove,
		AssignmentID: asg.ID, AssignmentVersion: asg.Version, RoomID: room.ID, RoomVersion: room.Version}}})
	must(t, err)
	two, err := reg.EvaluateScenario(ctx, floorplan.Scenario{Changes: []floorplan.ScenarioChange{
		{Op: floorplan.ScenarioEnd, AssignmentID: asg.ID, AssignmentVersion: asg.Version},
		{Op: floorplan.ScenarioAssign, PersonID: p.ID, PersonVersion: p.Version, RoomID: room.ID, RoomVersion: room.Version}}})
	must(t, err)
	after := func(res *floorplan.ScenarioResult) float64 {
		for _, sp := range res.People {
			if sp.PersonID == p.ID && sp.After != nil {
				return sp.After.OfficeAreaM2
			}
		}
		return -1
	}
	if after(move) != room.Area() && after(move) != floorplan.RoundM2(room.Area()) || after(two) != after(move) ||
		len(two.Appeared) != len(move.Appeared) {
		t.Errorf("end+assign: area %v, %d findings appear; move: %v, %d (room %.2f m²)", after(two), len(two.Appeared),
			after(move), len(move.Appeared), room.Area())
	}
	// Ending it twice in one scenario is refused, naming the second change.
	_, err = reg.EvaluateScenario(ctx, floorplan.Scenario{Changes: []floorplan.ScenarioChange{
		{Op: floorplan.ScenarioEnd, AssignmentID: asg.ID, AssignmentVersion: asg.Version},
		{Op: floorplan.ScenarioEnd, AssignmentID: asg.ID, AssignmentVersion: asg.Version}}})
	var se *floorplan.ScenarioError
	if !errors.As(err, &se) || se.Index != 1 || se.Field != "assignment_id" {
		t.Errorf("an assignment ended twice: %v", err)
	}
}
