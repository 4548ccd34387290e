package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunProcedures drives every procedure of the online handling end to end through the Register on a store
// of its own from newStore for each test: a second office (returned for changes, approved, closed; refused
// for a room not smaller than the standard), a maintenance (its cost in the ledger; refused without one;
// rejected at approval), a disposal of each mode (its result in the register, the ledger and the timeline;
// refused, writing nothing, without what the mode needs), a recovery opened from a finding (not closed while
// occupied) and a deadline passing on the register's clock. Each checks the application's history: one row
// per write, with the actor and the action's comment as the reason.
func RunProcedures(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"SecondOffice", testProcedureSecondOffice},
		{"Maintenance", testProcedureMaintenance},
		{"Disposal", testProcedureDisposal},
		{"Recovery", testProcedureRecovery},
		{"Deadline", testProcedureDeadline},
	})
}

// procedureRun is a register over the fixture's store whose clock runs shift ahead of the store's.
type procedureRun struct {
	t     *testing.T
	f     *fixture
	g     *floorplan.Register
	shift time.Duration
	docs  map[string]uuid.UUID // doc type → a document of the site's archive
}

func newProcedureRun(t *testing.T, f *fixture) *procedureRun {
	p := &procedureRun{t: t, f: f, docs: map[string]uuid.UUID{}}
	p.g = floorplan.NewRegister(f.s, floorplan.WithRegisterClock(func() time.Time { return f.clock.Now().Add(p.shift) }))
	for i, typ := range []string{"filing_document", "acceptance", "contract"} {
		d, err := fileDoc(t, f, floorplan.SubjectSite, f.site.ID, typ, []byte(fmt.Sprintf("%%PDF-1.7\n%s %d", typ, i)), uuid.Nil)
		must(t, err)
		p.docs[typ] = d.ID
	}
	return p
}

// file files a through the register as actor "applicant".
func (p *procedureRun) file(a floorplan.Application) floorplan.Application {
	p.t.Helper()
	if _, err := p.g.FileApplication(floorplan.WithActor(p.f.ctx, "applicant"), &a); err != nil {
		p.t.Fatalf("file %s: %v", a.Kind, err)
	}
	return a
}

// act takes in on application id as actor "officer", with the documents of the types named.
func (p *procedureRun) act(id uuid.UUID, in floorplan.ActionInput, docTypes ...string) (floorplan.Application, error) {
	for _, typ := range docTypes {
		in.DocumentIDs = append(in.DocumentIDs, p.docs[typ])
	}
	if in.Comment == "" {
		in.Comment = "意见 " + string(in.Action)
	}
	a, _, err := p.g.ActOnApplication(floorplan.WithActor(p.f.ctx, "officer"), id, in)
	return a, err
}

// mustAct is act that must move the application to want.
func (p *procedureRun) mustAct(id uuid.UUID, in floorplan.ActionInput, want string, docTypes ...string) floorplan.Application {
	p.t.Helper()
	a, err := p.act(id, in, docTypes...)
	if err != nil {
		p.t.Fatalf("%s: %v", in.Action, err)
	}
	if a.State != want {
		p.t.Fatalf("%s: state %s, want %s", in.Action, a.State, want)
	}
	return a
}

// checkHistory checks that the history of application a has its filing and then one update per action,
// with the actor and the action's comment as the reason.
func (p *procedureRun) checkHistory(a floorplan.Application) {
	p.t.Helper()
	h, err := p.f.s.History(p.f.ctx, floorplan.EntityApplication, a.ID)
	must(p.t, err)
	if len(h) != len(a.Actions)+1 {
		p.t.Fatalf("history of %s: %d rows, want %d (filed and %d actions)", a.Kind, len(h), len(a.Actions)+1, len(a.Actions))
	}
	if h[0].Op != "insert" || h[0].Actor != "applicant" || len(h[0].New) == 0 {
		p.t.Errorf("history row 0: %s by %q, want the filing by applicant with its row", h[0].Op, h[0].Actor)
	}
	for i, act := range a.Actions {
		c := h[i+1]
		if c.Op != "update" || c.Actor != "officer" || !strings.Contains(c.Reason, act.Comment) {
			p.t.Errorf("history row %d: %s by %q because %q; want the update by officer because %q", i+1, c.Op, c.Actor, c.Reason, act.Comment)
		}
		if !strings.Contains(string(c.New), `"state"`) || !strings.Contains(string(c.Old), `"state"`) {
			p.t.Errorf("history row %d: images %s → %s, want the application's rows", i+1, c.Old, c.New)
		}
	}
}

// refused asserts that err is a 422 naming field, and that application id is still at its version.
func (p *procedureRun) refused(what string, err error, field string, id uuid.UUID, version int64) {
	p.t.Helper()
	var fe *floorplan.FieldError
	if !errors.As(err, &fe) || !errors.Is(err, floorplan.ErrInvalid) || fe.Field != field {
		p.t.Errorf("%s: %v, want a field error on %s", what, err, field)
	}
	a, err := p.f.s.Application(p.f.ctx, id)
	must(p.t, err)
	if a.Version != version {
		p.t.Errorf("%s: the application moved on to version %d, want it left at %d", what, a.Version, version)
	}
}

func testProcedureSecondOffice(t *testing.T, f *fixture) {
	p := newProcedureRun(t, f)
	today := floorplan.DayOf(f.clock.Now())
	person := floorplan.Person{Name: "王兼职", AgencyID: f.agencies[0].ID, Rank: floorplan.RankViceDivision, Status: floorplan.PersonActive,
		Posts: []floorplan.Post{{ID: uuid.New(), Title: "兼任主任", AgencyID: f.agencies[1].ID, Start: today.AddDate(-1, 0, 0)}}}
	must(t, f.s.CreatePerson(f.ctx, &person))
	person, err := f.s.Person(f.ctx, person.ID)
	must(t, err)
	small := f.room(t, 1, "S01", rect(0, 0, 3, 3))   // 9 m²: smaller than 18
	large := f.room(t, 1, "S02", rect(10, 0, 16, 5)) // 30 m²
	fields := floorplan.ApplicationFields{PersonID: person.ID, PostID: person.Posts[0].ID, RoomID: large.ID, DistanceReason: "两地相距20公里"}
	big := floorplan.Application{Kind: floorplan.KindSecondOffice, AgencyID: f.agencies[1].ID, Title: "兼职办公室", Fields: fields}
	var fe *floorplan.FieldError
	if _, err := p.g.FileApplication(f.ctx, &big); !errors.As(err, &fe) || fe.Field != "fields.room_id" {
		t.Errorf("a second office not smaller than the standard: %v, want a field error on fields.room_id", err)
	}
	fields.RoomID = small.ID
	a := p.file(floorplan.Application{Kind: floorplan.KindSecondOffice, AgencyID: f.agencies[1].ID, Title: "兼职办公室", Fields: fields})
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "review")
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActReturn, Comment: "请补充距离说明"}, "draft")
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit, Comment: "已补充"}, "review")
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "approval")
	if _, err := p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActApprove}); !errors.Is(err, floorplan.ErrInvalid) {
		t.Errorf("approve without the filing document: %v, want ErrInvalid", err)
	}
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActApprove}, "handling", "filing_document")
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActClose}, floorplan.StateClosed)
	if len(a.Actions) != 6 || a.Actions[1].Comment != "请补充距离说明" || a.Actions[4].DocumentIDs[0] != p.docs["filing_document"] {
		t.Errorf("trail %+v", a.Actions)
	}
	p.checkHistory(a)
}

func testProcedureMaintenance(t *testing.T, f *fixture) {
	p := newProcedureRun(t, f)
	year := floorplan.DayOf(f.clock.Now()).Year()
	a := p.file(floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: f.agencies[0].ID, Title: "屋面防水维修",
		Fields: floorplan.ApplicationFields{SiteID: f.site.ID, Budget: 150000}})
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "assessment")
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "approval")
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActApprove}, "works")
	cost := 128000.5
	if _, err := p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver, Cost: &cost}); err == nil {
		t.Errorf("a cost given at the works' hand-over was taken")
	}
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver}, "acceptance")
	_, err := p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActClose}, "acceptance")
	p.refused("close without the cost", err, "cost", a.ID, a.Version)
	negative := -1.0
	_, err = p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActClose, Cost: &negative}, "acceptance")
	p.refused("close with a negative cost", err, "cost", a.ID, a.Version)
	ledger := func() []floorplan.LedgerEntry {
		es, err := f.s.LedgerEntries(f.ctx, floorplan.LedgerFilter{SiteID: f.site.ID, Year: year})
		must(t, err)
		return es
	}
	if n := len(ledger()); n != 0 {
		t.Fatalf("the refusals wrote %d ledger entries", n)
	}
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActClose, Cost: &cost, Comment: "验收合格"}, floorplan.StateClosed, "acceptance")
	es := ledger()
	if len(es) != 1 || es[0].Kind != floorplan.LedgerMaintenance || es[0].Amount != cost || !es[0].General() ||
		es[0].DocumentID != p.docs["acceptance"] || !strings.Contains(es[0].Note, "屋面防水维修") || es[0].RecordedBy != "officer" {
		t.Errorf("ledger after closing: %+v; want one maintenance entry of %v with the acceptance document", es, cost)
	}
	stored, err := f.s.Application(f.ctx, a.ID)
	must(t, err)
	if stored.Cost == nil || *stored.Cost != cost {
		t.Errorf("the stored application's cost is %v, want %v", stored.Cost, cost)
	}
	events, err := f.s.TimelineEvents(f.ctx, f.site.ID)
	must(t, err)
	if len(events) != 1 || events[0].Kind != floorplan.TimelineRenovated || len(events[0].DocumentIDs) != 1 {
		t.Errorf("timeline after closing: %+v; want one renovated event with the acceptance document", events)
	}
	p.checkHistory(stored)

	b := p.file(floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: f.agencies[0].ID, Title: "外墙翻新",
		Fields: floorplan.ApplicationFields{SiteID: f.site.ID, Budget: 900000}})
	p.mustAct(b.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "assessment")
	p.mustAct(b.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "approval")
	b = p.mustAct(b.ID, floorplan.ActionInput{Action: floorplan.ActReject, Comment: "预算超标，不予批准"}, floorplan.StateRejected)
	if _, err := p.act(b.ID, floorplan.ActionInput{Action: floorplan.ActClose, Cost: &cost}); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("closing a rejected maintenance: %v, want ErrConflict", err)
	}
	if n := len(ledger()); n != 1 {
		t.Errorf("the rejected maintenance left %d ledger entries, want the first one's only", n)
	}
	p.checkHistory(b)
}

// toHandling files a disposal of mode and brings it to its handling step.
func (p *procedureRun) toHandling(mode string, rooms ...uuid.UUID) floorplan.Application {
	p.t.Helper()
	fields := floorplan.ApplicationFields{Mode: mode, Finding: "room.idle: 闲置满6个月", RoomIDs: rooms}
	if len(rooms) == 0 {
		fields.SiteID = p.f.site.ID
	}
	a := p.file(floorplan.Application{Kind: floorplan.KindDisposal, AgencyID: p.f.agencies[0].ID, Title: "闲置用房处置 " + mode, Fields: fields})
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "approval")
	return p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActApprove}, "handling", "filing_document")
}

// handOver hands disposal a over with res: refused first with each of bad (field → a result lacking what
// the mode needs), writing nothing, then taken; it closes a and returns it.
func (p *procedureRun) handOver(a floorplan.Application, res floorplan.DisposalResult, bad map[string]floorplan.DisposalResult) floorplan.Application {
	p.t.Helper()
	before := p.written()
	_, err := p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver}, "contract")
	p.refused(a.Fields.Mode+" without a result", err, "result", a.ID, a.Version)
	for field, r := range bad {
		_, err := p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver, Result: &r}, "contract")
		p.refused(a.Fields.Mode+" without "+field, err, field, a.ID, a.Version)
	}
	if after := p.written(); after != before {
		p.t.Errorf("%s: the refusals wrote: %s, then %s", a.Fields.Mode, before, after)
	}
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver, Result: &res, Comment: "处置完成"}, "acceptance", "contract")
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActClose}, floorplan.StateClosed)
	stored, err := p.f.s.Application(p.f.ctx, a.ID)
	must(p.t, err)
	if stored.Result == nil || *stored.Result != res {
		p.t.Errorf("%s: the stored result is %+v, want %+v", a.Fields.Mode, stored.Result, res)
	}
	p.checkHistory(stored)
	return stored
}

// written sums up what a disposal can write: the site's rooms, its ledger entries and timeline events.
func (p *procedureRun) written() string {
	p.t.Helper()
	rooms, err := p.f.s.Rooms(p.f.ctx, floorplan.RoomFilter{BuildingID: p.f.building.ID})
	must(p.t, err)
	var b strings.Builder
	for _, r := range rooms {
		fmt.Fprintf(&b, "%s %s %s %s v%d; ", r.Number, r.State, r.AgencyID, r.Usage, r.Version)
	}
	es, err := p.f.s.LedgerEntries(p.f.ctx, floorplan.LedgerFilter{SiteID: p.f.site.ID})
	must(p.t, err)
	ev, err := p.f.s.TimelineEvents(p.f.ctx, p.f.site.ID)
	must(p.t, err)
	fmt.Fprintf(&b, "%d ledger entries, %d events", len(es), len(ev))
	return b.String()
}

// lastEvent is the site's latest timeline event.
func (p *procedureRun) lastEvent() floorplan.TimelineEvent {
	p.t.Helper()
	ev, err := p.f.s.TimelineEvents(p.f.ctx, p.f.site.ID)
	must(p.t, err)
	if len(ev) == 0 {
		p.t.Fatal("no timeline event")
	}
	return ev[len(ev)-1]
}

func testProcedureDisposal(t *testing.T, f *fixture) {
	p := newProcedureRun(t, f)
	today := floorplan.DayOf(f.clock.Now())
	idle := func(number string, x float64) floorplan.Room {
		r := f.newRoom(0, number, rect(x, 0, x+5, 4))
		r.State, r.IdleSince = floorplan.RoomIdle, today.AddDate(0, -8, 0)
		must(t, f.s.CreateRoom(f.ctx, &r))
		return r
	}
	contract := p.docs["contract"]
	year := today.Year()
	entries := func(kind floorplan.LedgerKind) []floorplan.LedgerEntry {
		es, err := f.s.LedgerEntries(f.ctx, floorplan.LedgerFilter{SiteID: f.site.ID, Year: year})
		must(t, err)
		var out []floorplan.LedgerEntry
		for _, e := range es {
			if e.Kind == kind {
				out = append(out, e)
			}
		}
		return out
	}

	t.Run("lease_tender", func(t *testing.T) {
		r := idle("L01", 0)
		a := p.toHandling("lease_tender", r.ID)
		res := floorplan.DisposalResult{ContractDocumentID: contract, RentYuan: 86400, Note: "公开招租，三家竞价"}
		p.handOver(a, res, map[string]floorplan.DisposalResult{
			"result.rent_yuan":            {ContractDocumentID: contract},
			"result.contract_document_id": {RentYuan: 86400},
			"result.buyer":                {ContractDocumentID: contract, RentYuan: 86400, Buyer: "某公司"},
		})
		got, err := f.s.Room(f.ctx, r.ID)
		must(t, err)
		if got.State != floorplan.RoomLeased || got.AgencyID != uuid.Nil {
			t.Errorf("leased room: %s of %s, want leased and no agency (the bureau's own letting)", got.State, got.AgencyID)
		}
		rent := entries(floorplan.LedgerRentReceived)
		if len(rent) != 1 || rent[0].Amount != 86400 || rent[0].DocumentID != contract || !rent[0].General() {
			t.Errorf("rent entries %+v, want one of 86400 with the contract", rent)
		}
		if e := p.lastEvent(); e.Kind != floorplan.TimelineLeased || !strings.Contains(e.Title, "lease_tender") || len(e.DocumentIDs) != 1 || e.DocumentIDs[0] != contract {
			t.Errorf("timeline event %+v, want leased, naming the mode, with the contract", e)
		}
	})
	t.Run("lease_tender returned", func(t *testing.T) {
		r := idle("L02", 30)
		a := p.toHandling("lease_tender", r.ID)
		sum := func() (total float64) {
			for _, e := range entries(floorplan.LedgerRentReceived) {
				total += e.Amount
			}
			return total
		}
		before := sum()
		first := floorplan.DisposalResult{ContractDocumentID: contract, RentYuan: 50000}
		p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver, Result: &first}, "acceptance", "contract")
		p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActReturn, Comment: "租金有误"}, "handling")
		second := floorplan.DisposalResult{ContractDocumentID: contract, RentYuan: 60000}
		p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver, Result: &second}, "acceptance", "contract")
		if got := sum() - before; got != 60000 {
			t.Errorf("rent recorded after a hand-over returned and done again: %v, want the second result's 60000", got)
		}
	})
	t.Run("sale", func(t *testing.T) {
		must(t, f.s.AddLedgerEntry(f.ctx, &floorplan.LedgerEntry{SiteID: f.site.ID, Year: year, Kind: floorplan.LedgerBookValue, Amount: 5200000}))
		a := p.toHandling("sale")
		res := floorplan.DisposalResult{ContractDocumentID: contract, Buyer: "常州某置业有限公司", PriceYuan: 6100000}
		p.handOver(a, res, map[string]floorplan.DisposalResult{
			"result.buyer":      {ContractDocumentID: contract, PriceYuan: 6100000},
			"result.price_yuan": {ContractDocumentID: contract, Buyer: "常州某置业有限公司"},
		})
		bv := entries(floorplan.LedgerBookValue)
		var sum float64
		for _, e := range bv {
			sum += e.Amount
		}
		if len(bv) != 2 || sum != 0 || bv[1].Amount != -5200000 || !strings.Contains(bv[1].Note, "常州某置业有限公司") {
			t.Errorf("book value entries %+v, want the value and its derecognition naming the buyer", bv)
		}
		if e := p.lastEvent(); e.Kind != floorplan.TimelineDisposed || !strings.Contains(e.Title, "sold") || !strings.Contains(e.Title, "6100000.00") {
			t.Errorf("timeline event %+v, want disposed, sold, with the price", e)
		}
	})
	disposalsOfUse(t, f, p, idle, contract)
}

// disposalsOfUse ends testProcedureDisposal: the disposals that keep the property (a room reallocated to
// another agency, its certificate revoked; a room's use changed) and its demolition.
func disposalsOfUse(t *testing.T, f *fixture, p *procedureRun, idle func(string, float64) floorplan.Room, contract uuid.UUID) {
	t.Run("reallocation", func(t *testing.T) {
		r := idle("R01", 10)
		cert, err := p.g.IssueCertificate(f.ctx, f.agencies[0].ID, []uuid.UUID{r.ID}, uuid.Nil)
		must(t, err)
		a := p.toHandling("reallocation", r.ID)
		p.handOver(a, floorplan.DisposalResult{ToAgencyID: f.agencies[1].ID}, map[string]floorplan.DisposalResult{
			"result.to_agency_id": {ToAgencyID: uuid.New()},
			"result.usage":        {ToAgencyID: f.agencies[1].ID, Usage: floorplan.UsageCommercial},
		})
		got, err := f.s.Room(f.ctx, r.ID)
		must(t, err)
		if got.AgencyID != f.agencies[1].ID || got.State != floorplan.RoomInUse {
			t.Errorf("reallocated room: %s of %s, want in use by the second agency", got.State, got.AgencyID)
		}
		cert, err = f.s.Certificate(f.ctx, cert.ID)
		must(t, err)
		v, err := floorplan.CertificateValidity(f.ctx, f.s, cert)
		must(t, err)
		if v.Valid || !cert.Revoked() || !strings.Contains(cert.RevokeReason, "disposal (reallocation)") ||
			!strings.Contains(cert.RevokeReason, a.ID.String()) {
			t.Errorf("the old agency's certificate after the reallocation: %+v, %+v; want revoked naming the disposal", cert, v)
		}
		if e := p.lastEvent(); e.Kind != floorplan.TimelineAllocated || !strings.Contains(e.Title, f.agencies[1].Name) {
			t.Errorf("timeline event %+v, want allocated naming the agency", e)
		}
	})
	t.Run("change_of_use", func(t *testing.T) {
		r := idle("C01", 20)
		a := p.toHandling("change_of_use", r.ID)
		p.handOver(a, floorplan.DisposalResult{Usage: floorplan.UsageService, Note: "改作档案室"}, map[string]floorplan.DisposalResult{
			"result.usage": {Usage: "warehouse"},
		})
		got, err := f.s.Room(f.ctx, r.ID)
		must(t, err)
		if got.Usage != floorplan.UsageService {
			t.Errorf("room's usage %s, want service", got.Usage)
		}
	})
	t.Run("demolition", func(t *testing.T) {
		a := p.toHandling("demolition")
		p.handOver(a, floorplan.DisposalResult{ContractDocumentID: contract, Note: "危房拆除，拆除合同"}, map[string]floorplan.DisposalResult{
			"result.note": {ContractDocumentID: contract},
		})
		if e := p.lastEvent(); e.Kind != floorplan.TimelineDisposed || !strings.Contains(e.Title, "demolition") || !strings.Contains(e.Title, "危房拆除") {
			t.Errorf("timeline event %+v, want disposed naming the demolition", e)
		}
	})
}

func testProcedureRecovery(t *testing.T, f *fixture) {
	p := newProcedureRun(t, f)
	today := floorplan.DayOf(f.clock.Now())
	room := f.room(t, 0, "T01", rect(0, 0, 5, 4))
	person := floorplan.Person{Name: "李退休", AgencyID: f.agencies[0].ID, Rank: floorplan.RankDivision, Status: floorplan.PersonActive}
	must(t, f.s.CreatePerson(f.ctx, &person))
	asg := f.assign(t, person, room, today.AddDate(-2, 0, 0))
	person.Status, person.StatusDate = floorplan.PersonRetired, today.AddDate(0, -3, 0)
	must(t, f.s.UpdatePerson(f.ctx, &person))
	opened, err := p.g.OpenRecoveries(floorplan.WithActor(f.ctx, "applicant"))
	must(t, err)
	if len(opened) != 1 || opened[0].Kind != floorplan.KindRecovery || len(opened[0].Fields.RoomIDs) != 1 || opened[0].Fields.RoomIDs[0] != room.ID {
		t.Fatalf("opened %+v, want one recovery of the retired person's room", opened)
	}
	a := opened[0]
	if again, err := p.g.OpenRecoveries(f.ctx); err != nil || len(again) != 0 {
		t.Errorf("opening again: %d, %v; want none (the finding has an open recovery)", len(again), err)
	}
	deadline := floorplan.DayOf(a.Fields.Deadline)
	if want := person.StatusDate.AddDate(0, 1, 0); !deadline.Equal(floorplan.DayOf(want)) {
		t.Errorf("legal deadline %s, want a month after retirement %s", deadline.Format(floorplan.DateLayout), want.Format(floorplan.DateLayout))
	}
	if a.Overdue(deadline.Add(12*time.Hour)) || !a.Overdue(f.clock.Now()) {
		t.Errorf("overdue on the deadline %v, now %v; want not yet, then yes (the deadline passed)", a.Overdue(deadline.Add(12*time.Hour)), a.Overdue(f.clock.Now()))
	}
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver, Comment: "已通知腾退"}, "acceptance")
	_, err = p.act(a.ID, floorplan.ActionInput{Action: floorplan.ActClose})
	p.refused("close while occupied", err, "fields.room_ids", a.ID, a.Version)
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActReturn, Comment: "仍有人员占用"}, "vacating")
	must(t, f.s.DeleteAssignment(f.ctx, asg.ID, asg.Version))
	p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActHandOver}, "acceptance")
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActClose, Comment: "已腾退"}, floorplan.StateClosed)
	if a.Overdue(f.clock.Now().AddDate(1, 0, 0)) {
		t.Errorf("a closed recovery is overdue")
	}
	h, err := f.s.History(f.ctx, floorplan.EntityApplication, a.ID)
	must(t, err)
	if len(h) != len(a.Actions)+1 || h[0].Op != "insert" {
		t.Errorf("history of the recovery: %d rows, want the opening and %d actions", len(h), len(a.Actions))
	}
}

// testProcedureDeadline: a step's deadline passes on the register's clock: the application is overdue
// after it, and the next step's deadline counts from the register's day.
func testProcedureDeadline(t *testing.T, f *fixture) {
	p := newProcedureRun(t, f)
	a := p.file(floorplan.Application{Kind: floorplan.KindMaintenance, AgencyID: f.agencies[0].ID, Title: "空调更换",
		Fields: floorplan.ApplicationFields{SiteID: f.site.ID, Budget: 40000}})
	today := floorplan.DayOf(f.clock.Now())
	if due := a.Due["draft"]; !due.Equal(today.AddDate(0, 0, 30)) {
		t.Errorf("draft due %s, want 30 days from today", due)
	}
	if a.Overdue(f.clock.Now()) {
		t.Errorf("overdue when filed")
	}
	p.shift = 31 * 24 * time.Hour
	later := f.clock.Now().Add(p.shift)
	if !a.Overdue(later) {
		t.Errorf("not overdue 31 days on (due %s)", a.Due["draft"])
	}
	a = p.mustAct(a.ID, floorplan.ActionInput{Action: floorplan.ActSubmit}, "assessment")
	if due := a.Due["assessment"]; !due.Equal(floorplan.DayOf(later).AddDate(0, 0, 15)) || a.Actions[0].At.Sub(later).Abs() > time.Minute {
		t.Errorf("assessment due %s, action at %s: want 15 days from the register's day %s", due, a.Actions[0].At, later)
	}
	if a.Overdue(later) {
		t.Errorf("overdue right after moving on")
	}
	p.checkHistory(a)
}
