package sample

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The demo's online handling (网上办理, issue 17) and inspections (督查, issue 18, inspecting.go), acted
// out through the Register once Load has filled it, so that every demo user has work waiting:
//
//   - an allocation of 市财政局 closed: its scenario (a vacant office of 市政府办 set to it) applied at
//     approval and its usage certificate issued at hand-over;
//   - an allocation of 市数据局 at review, with a proposed scenario (bureau_admin);
//   - an allocation of 市财政局 returned to its draft for more detail (agency_manager);
//   - a maintenance of 市财政局 at works (planner), and one of 天宁街道 at assessment (district_admin);
//   - a second office for the commission's deputy who heads 市统计局 at approval (approver);
//   - a lease by public tender (lease_tender) of 老干部局's closed reading room at handling (planner);
//   - the recoveries (腾退) opened from the demo's findings (agency managers).
//
// Each step is taken by the demo user of its role (the actor named by the role code; agency_manager for
// 市财政局, the agency of cmd's demo manager) or, for another agency's side, by "demo", the operator at
// the console, as Load is. Steps dated in the past are taken through a register whose clock reads that
// day; steps that change rooms (an applied scenario, a certificate) are taken today.

// cast are the day the dataset was built for and the records the handling acts on.
type cast struct {
	today time.Time
	// postHolder holds post, a concurrent post with no office yet (story.go).
	postHolder, post uuid.UUID
	// rooms by tag: the vacant and idle rooms the applications name.
	rooms map[string]uuid.UUID
}

// castRooms notes the day and the rooms the handling names.
func (g *gen) castRooms() {
	g.d.cast.today = g.today
	g.d.cast.rooms = map[string]uuid.UUID{}
	for _, tag := range []string{"szfb-vacated", "swb-new", "tjj-idle", "lgbj-reading"} {
		g.d.cast.rooms[tag] = g.taggedRoom(tag).ID
	}
}

// Handle acts out the demo's online handling and inspections (see above) on the register reg that Load
// filled. reg takes today's steps; past(clock) must return a register like reg (same store, permission
// hook and options) whose clock is clock, for the steps dated in the past. ctx carries no caller: the
// actors are named per step. It stops at the first refusal, naming the step.
func (d *Dataset) Handle(ctx context.Context, reg *floorplan.Register, past func(clock func() time.Time) *floorplan.Register) error {
	if d.cast.today.IsZero() {
		return errors.New("sample: handle: the dataset was not made by Build")
	}
	h := &handler{ctx: ctx, d: d, today: d.cast.today, now: reg, past: past}
	if err := h.applications(); err != nil {
		return fmt.Errorf("sample: online handling: %w", err)
	}
	if err := h.inspections(); err != nil {
		return fmt.Errorf("sample: inspections: %w", err)
	}
	return nil
}

// handler acts out the handling.
type handler struct {
	ctx   context.Context
	d     *Dataset
	today time.Time
	now   *floorplan.Register
	past  func(clock func() time.Time) *floorplan.Register
}

// on returns the register of the day n days before today (n = 0: today's).
func (h *handler) on(n int) *floorplan.Register {
	if n == 0 {
		return h.now
	}
	at := h.day(n).Add(10 * time.Hour) // office hours
	return h.past(func() time.Time { return at })
}

// day returns the day n days before today.
func (h *handler) day(n int) time.Time { return h.today.AddDate(0, 0, -n) }

// as returns the context of actor.
func (h *handler) as(actor string) context.Context { return floorplan.WithActor(h.ctx, actor) }

// step is an action on an application: n days before today, by actor.
type step struct {
	n       int
	actor   string
	action  floorplan.AppAction
	comment string
	docs    []uuid.UUID
}

// file files a n days before today as actor and takes steps on it in order.
func (h *handler) file(a *floorplan.Application, n int, actor string, steps ...step) error {
	if _, err := h.on(n).FileApplication(h.as(actor), a); err != nil {
		return fmt.Errorf("file %s %q: %w", a.Kind, a.Title, err)
	}
	return h.act(a, steps...)
}

// act takes steps on application a, keeping what the register returns.
func (h *handler) act(a *floorplan.Application, steps ...step) error {
	for _, s := range steps {
		in := floorplan.ActionInput{Action: s.action, Comment: s.comment, DocumentIDs: s.docs}
		got, _, err := h.on(s.n).ActOnApplication(h.as(s.actor), a.ID, in)
		if err != nil {
			return fmt.Errorf("%s %q at %s: %w", s.action, a.Title, a.State, err)
		}
		*a = got
	}
	return nil
}

// document files a one-page PDF of lines against an agency as actor, with a fixed id from key.
func (h *handler) document(key string, agency uuid.UUID, docType, name, actor string, lines ...string) (uuid.UUID, error) {
	data := samplePDF(lines)
	sum := sha256.Sum256(data)
	doc := floorplan.Document{ID: newID("document", key), SubjectType: floorplan.SubjectAgency, SubjectID: agency, DocType: docType,
		Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), MediaType: "application/pdf", Date: h.today}
	if _, err := h.now.FileDocument(h.as(actor), &doc, bytes.NewReader(data)); err != nil {
		return uuid.Nil, fmt.Errorf("document %s: %w", name, err)
	}
	return doc.ID, nil
}

// setAgency is the scenario that allocates the room with the tag to agency.
func (h *handler) setAgency(tag string, agency uuid.UUID) (floorplan.Scenario, error) {
	r, err := h.now.Reader().Room(h.ctx, h.d.cast.rooms[tag])
	if err != nil {
		return floorplan.Scenario{}, fmt.Errorf("room %s: %w", tag, err)
	}
	return floorplan.Scenario{Changes: []floorplan.ScenarioChange{
		{Op: floorplan.ScenarioSetAgency, RoomID: r.ID, RoomVersion: r.Version, AgencyID: agency}}}, nil
}

// propose proposes sc on allocation a n days before today as bureau_admin.
func (h *handler) propose(a *floorplan.Application, n int, sc floorplan.Scenario, comment string) error {
	got, _, err := h.on(n).ProposeScenario(h.as("bureau_admin"), a.ID, sc, comment)
	if err != nil {
		return fmt.Errorf("propose a scenario for %q: %w", a.Title, err)
	}
	*a = got
	return nil
}

// applications files the applications and takes them to their steps (see the top of this file).
func (h *handler) applications() error {
	for _, fn := range []func() error{h.allocations, h.maintenance, h.secondOffice, h.disposal} {
		if err := fn(); err != nil {
			return err
		}
	}
	if _, err := h.now.OpenRecoveries(h.as("demo")); err != nil {
		return fmt.Errorf("open the recoveries: %w", err)
	}
	return nil
}

// allocations: one closed with its certificate, one at review with its scenario, one returned to draft.
func (h *handler) allocations() error {
	czj, sjju := newID("agency", "czj"), newID("agency", "sjju")
	closed := floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: czj, Title: "申请调剂副局长办公室一间",
		Fields: floorplan.ApplicationFields{AreaM2: 18, Reason: "新任副局长到岗，现有办公室已满，申请调剂办公室一间"}}
	if err := h.file(&closed, 30, "agency_manager", step{28, "agency_manager", floorplan.ActSubmit, "请审核", nil}); err != nil {
		return err
	}
	sc, err := h.setAgency("szfb-vacated", czj)
	if err != nil {
		return err
	}
	if err := h.propose(&closed, 25, sc, "市政府办腾退的办公室空置，拟调剂给市财政局"); err != nil {
		return err
	}
	approval, err := h.document("allocation-approval", czj, "filing_document", "调剂办公用房批复.pdf", "approver",
		"Approval of the allocation of an office (sample)")
	if err != nil {
		return err
	}
	err = h.act(&closed, step{24, "bureau_admin", floorplan.ActSubmit, "审核通过，报请审批", nil},
		step{0, "approver", floorplan.ActApprove, "同意调剂", []uuid.UUID{approval}},
		step{0, "planner", floorplan.ActHandOver, "已办理交接，核发使用凭证", nil},
		step{0, "bureau_admin", floorplan.ActClose, "办结", nil})
	if err != nil {
		return err
	}

	review := floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: sjju, Title: "市数据局新增编制用房申请",
		Fields: floorplan.ApplicationFields{AreaM2: 18, Reason: "新增编制4名，现有办公室不足"}}
	if err := h.file(&review, 6, "demo", step{5, "demo", floorplan.ActSubmit, "请审核", nil}); err != nil {
		return err
	}
	if sc, err = h.setAgency("swb-new", sjju); err != nil {
		return err
	}
	if err := h.propose(&review, 2, sc, "拟将市委办新隔出的空置办公室调剂给市数据局"); err != nil {
		return err
	}

	draft := floorplan.Application{Kind: floorplan.KindAllocation, AgencyID: czj, Title: "申请档案室用房",
		Fields: floorplan.ApplicationFields{AreaM2: 30, Reason: "会计档案增加，现有档案室不足"}}
	return h.file(&draft, 8, "agency_manager", step{7, "agency_manager", floorplan.ActSubmit, "请审核", nil},
		step{4, "bureau_admin", floorplan.ActReturn, "请补充档案数量及现有档案室使用情况", nil})
}

// maintenance: 市财政局's at works, 天宁街道's (of the turnover building) at assessment.
func (h *handler) maintenance() error {
	works := floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: newID("agency", "czj"), Title: "市财政局办公区卫生间防水维修",
		Fields: floorplan.ApplicationFields{SiteID: newID("site", "centre"), Budget: 86000}}
	err := h.file(&works, 40, "agency_manager", step{38, "agency_manager", floorplan.ActSubmit, "请评估", nil},
		step{33, "bureau_admin", floorplan.ActSubmit, "现场查勘属实，报请审批", nil},
		step{30, "approver", floorplan.ActApprove, "同意，预算8.6万元", nil})
	if err != nil {
		return err
	}
	assessment := floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: newID("agency", "tnjd"), Title: "周转办公楼空调更换",
		Fields: floorplan.ApplicationFields{SiteID: newID("site", "turnover"), Budget: 42000}}
	return h.file(&assessment, 5, "demo", step{3, "demo", floorplan.ActSubmit, "空调使用超过十年，故障频发", nil})
}

// secondOffice: 市统计局 applies for its idle room as the second office of its concurrent head, at approval.
func (h *handler) secondOffice() error {
	a := floorplan.Application{Kind: floorplan.KindSecondOffice, AgencyID: newID("agency", "tjj"), Title: "兼职局长办公室申请",
		Fields: floorplan.ApplicationFields{PersonID: h.d.cast.postHolder, PostID: h.d.cast.post, RoomID: h.d.cast.rooms["tjj-idle"],
			DistanceReason: "统计局与发改委分处东西两翼，兼职需在统计局处理日常事务"}}
	return h.file(&a, 14, "demo", step{12, "demo", floorplan.ActSubmit, "请审核", nil},
		step{6, "bureau_admin", floorplan.ActSubmit, "面积小于标准，报请审批", nil})
}

// disposal: a lease by public tender of 老干部局's closed reading room, approved, at handling.
func (h *handler) disposal() error {
	lgbj := newID("agency", "lgbj")
	a := floorplan.Application{Kind: floorplan.KindDisposal, AgencyID: lgbj, Title: "原阅览室公开招租",
		Fields: floorplan.ApplicationFields{RoomIDs: []uuid.UUID{h.d.cast.rooms["lgbj-reading"]}, Mode: "lease_tender",
			Finding: "room.idle: 原阅览室闲置超过6个月"}}
	approval, err := h.document("disposal-approval", lgbj, "filing_document", "公开招租批复.pdf", "approver",
		"Approval of a lease by public tender (sample)")
	if err != nil {
		return err
	}
	return h.file(&a, 20, "bureau_admin", step{18, "bureau_admin", floorplan.ActSubmit, "闲置超过6个月，拟公开招租", nil},
		step{10, "approver", floorplan.ActApprove, "同意公开招租", []uuid.UUID{approval}})
}
