package sample

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The demo's inspections (督查, issue 18), acted out by Handle after the online handling (handling.go):
//
//   - the annual inspection (年度全面督查), made as of 50 days ago and closed 10 days ago: every item
//     notified with a deadline 18 days ago; a member of staff over the standard in a crowded shared room
//     was transferred (the register changed: the assignment ended) and the item verified fixed; an
//     official over the standard answered with a plan but was found not fixed; the merged agency answered
//     that it is moving; the retired official who kept his office was referred to the discipline
//     inspectors (移交纪检监察); the rest are overdue, never answered;
//   - a special inspection (专项督查) of idle and lent rooms, started 3 days ago and left open for the
//     inspector, one item notified with a deadline in two weeks.

// The days of the annual inspection, counted back from today.
const (
	annualAsOf     = 50 // made and started, as of that day
	annualNotified = 48
	annualDeadline = 18 // the rectification deadline: past, so the items left are overdue
	annualAnswered = 25
	annualMovedOut = 22 // the transfer that fixes one item
	annualVerified = 15
	annualReferred = 12
	annualClosed   = 10
	specialStarted = 3
)

// inspections makes, works through and closes the annual inspection and starts the special one.
func (h *handler) inspections() error {
	items, err := h.annual()
	if err != nil {
		return err
	}
	if err := h.workAnnual(items); err != nil {
		return err
	}
	return h.special()
}

// startPlan makes plan p (with the checklist's points of codes; all for none) and starts it n days before
// today as the inspector, and returns its items.
func (h *handler) startPlan(p *floorplan.Inspection, codes []string, n int) ([]floorplan.InspectionItem, error) {
	reg, ctx := h.on(n), h.as("inspector")
	if _, err := reg.CreateInspection(ctx, p, codes); err != nil {
		return nil, fmt.Errorf("make the plan %q: %w", p.Title, err)
	}
	if _, _, err := reg.StartInspection(ctx, p.ID); err != nil {
		return nil, fmt.Errorf("start the plan %q: %w", p.Title, err)
	}
	ir, ok := reg.Reader().(floorplan.InspectionReader)
	if !ok {
		return nil, fmt.Errorf("the register's store does not keep inspections")
	}
	return ir.InspectionItems(h.ctx, floorplan.ItemFilter{InspectionID: p.ID})
}

// annual makes and starts the annual inspection and notifies every item.
func (h *handler) annual() ([]floorplan.InspectionItem, error) {
	from := h.day(annualAsOf)
	p := floorplan.Inspection{Kind: floorplan.InspectAnnual, Title: fmt.Sprintf("%d年度党政机关办公用房全面督查", from.Year()),
		AsOf: from, Scope: floorplan.InspectionScope{Kind: floorplan.ScopeAll}, PeriodFrom: from, PeriodTo: h.day(annualClosed),
		Due: h.day(annualClosed), Team: []string{"inspector"}}
	items, err := h.startPlan(&p, nil, annualAsOf)
	if err != nil {
		return nil, err
	}
	for i := range items {
		err := h.item(&items[i], annualNotified, "inspector", floorplan.ItemActionInput{Action: floorplan.ItemNotify,
			Deadline: h.day(annualDeadline), Comment: "请于期限内整改并反馈"})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// item takes in on item it n days before today as actor, keeping what the register returns.
func (h *handler) item(it *floorplan.InspectionItem, n int, actor string, in floorplan.ItemActionInput) error {
	got, _, err := h.on(n).ActOnItem(h.as(actor), it.ID, in)
	if err != nil {
		return fmt.Errorf("%s item %s (%s): %w", in.Action, it.PointCode, it.RuleID, err)
	}
	*it = got
	return nil
}

// workAnnual answers, verifies and refers the annual inspection's items (see the top of this file) and
// closes it.
func (h *handler) workAnnual(items []floorplan.InspectionItem) error {
	moved, kept := sharedOverStandard(items)
	retired := slices.IndexFunc(items, func(it floorplan.InspectionItem) bool { return it.RuleID == floorplan.RuleNotVacatedAfterLeaving })
	merged := slices.IndexFunc(items, func(it floorplan.InspectionItem) bool { return it.RuleID == floorplan.RuleNotVacatedAfterMerger })
	if moved < 0 || kept < 0 || retired < 0 || merged < 0 {
		return fmt.Errorf("the annual inspection lacks the items the demo works through")
	}
	answers := []struct {
		i    int
		text string
	}{
		{moved, "该同志已调离，原办公室座位已腾退"},
		{kept, "已制定调整方案，年底前调整至标准面积以内的办公室"},
		{merged, "正在办理搬迁，预计下月腾退完毕"},
	}
	for _, a := range answers {
		it := &items[a.i]
		doc, err := h.document("inspection-answer/"+it.ID.String(), it.AgencyID, "other", "整改情况报告.pdf", "demo",
			"Rectification report (sample)", "Item "+it.PointCode+" "+it.RuleID)
		if err != nil {
			return err
		}
		in := floorplan.ItemActionInput{Action: floorplan.ItemAnswer, Comment: a.text, DocumentIDs: []uuid.UUID{doc}}
		if err := h.item(it, annualAnswered, "demo", in); err != nil {
			return err
		}
	}
	if err := h.transfer(*items[moved].Finding); err != nil {
		return err
	}
	fixed, notFixed := true, false
	if err := h.item(&items[moved], annualVerified, "inspector", floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &fixed,
		Comment: "经核查已腾退"}); err != nil {
		return err
	}
	if err := h.item(&items[kept], annualVerified, "inspector", floorplan.ItemActionInput{Action: floorplan.ItemVerify, Fixed: &notFixed,
		Comment: "仍超标使用，整改未到位"}); err != nil {
		return err
	}
	if err := h.item(&items[retired], annualReferred, "inspector", floorplan.ItemActionInput{Action: floorplan.ItemRefer,
		Comment: "退休后逾期未腾退办公用房，整改期限届满仍未反馈，移交市纪委监委"}); err != nil {
		return err
	}
	if _, _, err := h.on(annualClosed).CloseInspection(h.as("inspector"), items[0].InspectionID); err != nil {
		return fmt.Errorf("close the annual inspection: %w", err)
	}
	return nil
}

// sharedOverStandard returns the positions of two over-standard items: one of a person in a room that
// another over-standard item names too (a crowded shared room: moving one person out fixes theirs), and
// one of a person alone in one room (-1 for none).
func sharedOverStandard(items []floorplan.InspectionItem) (moved, kept int) {
	moved, kept = -1, -1
	inRoom := map[uuid.UUID]int{}
	for _, it := range items {
		if it.RuleID == floorplan.RuleOverStandard && it.Finding != nil {
			for _, r := range it.Finding.RoomIDs {
				inRoom[r]++
			}
		}
	}
	for i, it := range items {
		if it.RuleID != floorplan.RuleOverStandard || it.Finding == nil || len(it.Finding.RoomIDs) != 1 {
			continue
		}
		switch shared := inRoom[it.Finding.RoomIDs[0]] > 1; {
		case shared && moved < 0:
			moved = i
		case !shared && kept < 0:
			kept = i
		}
	}
	return moved, kept
}

// transfer ends the assignments of f's person in f's rooms and records the person as transferred, both
// from annualMovedOut days ago, today (as bureau_admin): the register as the verification finds it.
func (h *handler) transfer(f floorplan.Finding) error {
	ctx, day := floorplan.WithReason(h.as("bureau_admin"), "调离 transferred"), h.day(annualMovedOut)
	as, err := h.now.Reader().Assignments(h.ctx, floorplan.AssignmentFilter{PersonID: f.PersonID, ActiveOn: h.today})
	if err != nil {
		return err
	}
	for _, a := range as {
		if !slices.Contains(f.RoomIDs, a.RoomID) {
			continue
		}
		a.End = day
		if _, err := h.now.UpdateAssignment(ctx, &a); err != nil {
			return fmt.Errorf("end the assignment of the person transferred: %w", err)
		}
	}
	p, err := h.now.Reader().Person(h.ctx, f.PersonID)
	if err != nil {
		return err
	}
	p.Status, p.StatusDate = floorplan.PersonTransferred, day
	if _, err := h.now.UpdatePerson(ctx, &p); err != nil {
		return fmt.Errorf("record the person transferred: %w", err)
	}
	return nil
}

// special makes and starts the special inspection of idle and lent rooms and notifies its first item.
func (h *handler) special() error {
	from := h.day(specialStarted)
	p := floorplan.Inspection{Kind: floorplan.InspectSpecial, Title: "闲置及出租出借办公用房专项督查", AsOf: from,
		Scope: floorplan.InspectionScope{Kind: floorplan.ScopeAll}, PeriodFrom: from, PeriodTo: h.today.AddDate(0, 0, 27),
		Due: h.today.AddDate(0, 0, 27), Team: []string{"inspector"}}
	items, err := h.startPlan(&p, []string{"A6", "A7"}, specialStarted)
	if err != nil || len(items) == 0 {
		return err
	}
	return h.item(&items[0], specialStarted-1, "inspector", floorplan.ItemActionInput{Action: floorplan.ItemNotify,
		Deadline: h.today.AddDate(0, 0, 14), Comment: "请于两周内说明闲置原因及处置计划"})
}
