package floorplan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// What a maintenance and a disposal come to, written to the register and the ledger in the transaction that
// moves the application on (application_effects.go):
//
//   - closing a maintenance at its acceptance records its final cost (ActionInput.Cost, yuan) as a
//     maintenance entry of the property's general ledger for the year of closing, with the acceptance
//     document, and a "renovated" event of the property's timeline;
//   - handing over a disposal's handling records its result (ActionInput.Result): a lease by public tender
//     lets the rooms (leased, no agency: the bureau's own letting) and records the rent received; a sale
//     takes the property's book value of the year off the general ledger; a reallocation gives the rooms to
//     another agency (the old agency's certificates then read invalid by themselves, CertificateValidity); a
//     change of use sets the rooms' usage; a demolition is recorded as such. Each adds an event to the
//     property's timeline naming the mode and the result, with the contract.
//
// The cost and the result are kept on the application (Application.Cost, Application.Result).

// The steps whose forward action records a result (procedures.json).
const (
	maintenanceCostStep  = "acceptance" // maintenance: close records the cost
	disposalResultStep   = "handling"   // disposal: hand_over records the result
	maxMoneyYuan         = 1e13         // the ledger's bound (LedgerEntry.Validate)
	disposalResultRecord = "disposal result"
)

// DisposalResult is what a disposal came to: the contract (a document of the property's archive) and what
// the disposal's mode needs — the rent of a lease by public tender (公开招租), the buyer and price of a sale,
// the agency a reallocation gives the rooms to, the new usage of a change of use, a note on a demolition.
type DisposalResult struct {
	ContractDocumentID uuid.UUID `json:"contract_document_id,omitzero"`
	RentYuan           float64   `json:"rent_yuan,omitempty"`
	Buyer              string    `json:"buyer,omitempty"`
	PriceYuan          float64   `json:"price_yuan,omitempty"`
	ToAgencyID         uuid.UUID `json:"to_agency_id,omitzero"`
	Usage              Usage     `json:"usage,omitempty"`
	Note               string    `json:"note,omitempty"`
}

// Validate checks r as the result of a disposal of mode: what the mode needs is given, what only other modes
// use is not, amounts are positive yuan with at most two decimals. Errors name the field as result.<field>.
func (r *DisposalResult) Validate(mode string) error {
	need := func(ok bool, field, format string, args ...any) error {
		if ok {
			return nil
		}
		return fieldError(disposalResultRecord, "result."+field, FieldOutOfRange, format, args...)
	}
	only := func(set bool, field, forMode string) error {
		return need(!set || mode == forMode, field, "is only for mode %s, not %s", forMode, mode)
	}
	errs := []error{
		only(r.RentYuan != 0, "rent_yuan", "lease_tender"), only(r.Buyer != "", "buyer", "sale"),
		only(r.PriceYuan != 0, "price_yuan", "sale"), only(r.ToAgencyID != uuid.Nil, "to_agency_id", "reallocation"),
		only(r.Usage != "", "usage", "change_of_use"),
	}
	switch mode {
	case "lease_tender":
		errs = append(errs, need(r.ContractDocumentID != uuid.Nil, "contract_document_id", "is required for a lease by public tender: the lease contract"),
			need(positiveYuan(r.RentYuan), "rent_yuan", "is %v: the rent in yuan is required, positive, at most two decimals", r.RentYuan))
	case "sale":
		errs = append(errs, need(r.ContractDocumentID != uuid.Nil, "contract_document_id", "is required for a sale: the sale contract"),
			need(!blank(r.Buyer), "buyer", "is required for a sale: who bought the property"),
			need(positiveYuan(r.PriceYuan), "price_yuan", "is %v: the price in yuan is required, positive, at most two decimals", r.PriceYuan))
	case "reallocation":
		errs = append(errs, need(r.ToAgencyID != uuid.Nil, "to_agency_id", "is required for a reallocation: the agency the rooms go to"))
	case "change_of_use":
		errs = append(errs, need(r.Usage.Valid(), "usage", "is %q: a known usage is required for a change of use (office, service, commercial…)", r.Usage))
	case "demolition":
		errs = append(errs, need(!blank(r.Note), "note", "is required for a demolition: what was demolished, on what decision"))
	default:
		errs = append(errs, need(false, "mode", "cannot be recorded: the disposal's mode %q is not one of %s", mode, strings.Join(DisposalModes, ", ")))
	}
	errs = append(errs, checkText(recordLabel{kind: disposalResultRecord}, "result.buyer", r.Buyer, TextRule{MaxRunes: nameRunes}),
		checkText(recordLabel{kind: disposalResultRecord}, "result.note", r.Note, TextRule{MaxRunes: 500, Lines: true}))
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// positiveYuan reports whether v is a positive amount of yuan the ledger can record.
func positiveYuan(v float64) bool { return v > 0 && yuan(v) }

// yuan reports whether v is a finite amount within the ledger's bound with at most two decimals.
func yuan(v float64) bool {
	return !math.IsNaN(v) && math.Abs(v) <= maxMoneyYuan && math.Abs(v*100-math.Round(v*100)) <= 1e-6
}

// resultEffect returns the effect of in on maintenance or disposal a at step: the cost of a maintenance
// closed at its acceptance, the result of a disposal handed over at its handling. A cost or a result given
// with any other action is refused.
func (g *Register) resultEffect(ctx context.Context, a *Application, step Step, in ActionInput) (effect, error) {
	switch {
	case a.Kind == KindMaintenance && step.Code == maintenanceCostStep && in.Action == ActClose:
		return g.maintenanceCost(ctx, a, in, step.Role)
	case a.Kind == KindDisposal && step.Code == disposalResultStep && in.Action == ActHandOver:
		return g.disposalResult(ctx, a, in, step.Role)
	case in.Cost != nil:
		return nil, fieldError("action", "cost", FieldOutOfRange, "is only given when closing a maintenance at its %s step", maintenanceCostStep)
	case in.Result != nil:
		return nil, fieldError("action", "result", FieldOutOfRange, "is only given when handing over a disposal at its %s step", disposalResultStep)
	}
	return noEffect{}, nil
}

// resultWrites is the effect of a cost or a result: the rooms to write (validated, their permission asked),
// the ledger entries and the timeline event to record, and what to keep on the application.
type resultWrites struct {
	reg     *Register
	rooms   []Room
	entries []*LedgerEntry
	event   *TimelineEvent
	// derecognise, for a sale, records in the ledger minus the property's book value of the year as the
	// transaction reads it, with this note and document.
	derecognise *LedgerEntry
	cost        *float64
	result      *DisposalResult
	// disposed are the rooms a disposal disposes of: the certificates on them are revoked (revokeOvertaken).
	disposed []uuid.UUID
}

func (w *resultWrites) disposedRooms() []uuid.UUID { return w.disposed }

func (w *resultWrites) run(ctx context.Context, tx Store, a *Application, c *Changes) error {
	// run may run again when the store retries the transaction: it writes copies, never w's own records.
	vctx := withValidated(ctx)
	ids := make([]uuid.UUID, 0, len(w.rooms))
	for _, r := range w.rooms {
		if err := tx.UpdateRoom(vctx, &r); err != nil {
			return err
		}
		ids = append(ids, r.ID)
	}
	entries := make([]LedgerEntry, 0, len(w.entries)+1)
	for _, e := range w.entries {
		entries = append(entries, *e)
	}
	if w.derecognise != nil {
		bv, err := bookValue(ctx, tx, w.derecognise.SiteID, w.derecognise.Year)
		if err != nil {
			return err
		}
		if bv != 0 { // nothing in the books: nothing to take off
			e := *w.derecognise
			e.Amount = -bv
			entries = append(entries, e)
		}
	}
	for _, e := range entries {
		if err := e.Validate(); err != nil {
			return err
		}
		if err := tx.AddLedgerEntry(ctx, &e); err != nil {
			return err
		}
	}
	if w.event != nil {
		e := *w.event
		if err := tx.AddTimelineEvent(ctx, &e); err != nil {
			return err
		}
	}
	if len(ids) > 0 {
		states, err := w.reg.writeStates(ctx, tx, ids, nil)
		if err != nil {
			return err
		}
		c.Rooms = append(c.Rooms, states...)
		c.Layers = append(c.Layers, LayerRooms)
	}
	// c.Revision stays 0: the application's own write follows in the transaction, and Register.done reads
	// the revision once it has committed.
	a.Cost, a.Result = w.cost, w.result
	return nil
}

// maintenanceCost prepares the closing of maintenance a: its cost (required, 0 or more yuan) as a
// maintenance entry of the property's general ledger for the year (none for a cost of 0) and a "renovated"
// event of its timeline, both with the acceptance document of the action.
func (g *Register) maintenanceCost(ctx context.Context, a *Application, in ActionInput, role string) (effect, error) {
	if in.Result != nil {
		return nil, fieldError("action", "result", FieldOutOfRange, "is only given when handing over a disposal at its %s step", disposalResultStep)
	}
	if in.Cost == nil {
		return nil, fieldError("action", "cost", FieldOutOfRange, "is required when closing a maintenance: its final cost in yuan (0 or more), recorded in the property's ledger")
	}
	cost := *in.Cost
	if cost < 0 || !yuan(cost) {
		return nil, fieldError("action", "cost", FieldOutOfRange, "is %v, not an amount of yuan of 0 or more with at most two decimals", cost)
	}
	doc, err := g.documentOfType(ctx, in.DocumentIDs, "acceptance")
	if err != nil {
		return nil, err
	}
	site, today := a.Fields.SiteID, DayOf(g.now())
	w := &resultWrites{reg: g, cost: &cost}
	if cost > 0 {
		w.entries = append(w.entries, &LedgerEntry{SiteID: site, Year: today.Year(), Kind: LedgerMaintenance, Amount: cost,
			DocumentID: doc, Note: clip(fmt.Sprintf("维修 maintenance: %s (application %s)", a.Title, a.ID), 500)})
	}
	docs, err := g.siteDocuments(ctx, site, doc)
	if err != nil {
		return nil, err
	}
	w.event = resultEvent(site, today, TimelineRenovated, fmt.Sprintf("维修验收办结 maintenance closed：%s，费用 cost %.2f 元", a.Title, cost),
		applicationNote(a, ""), docs)
	return w, g.allowResult(ctx, w, nil, role)
}

// disposalResult prepares the hand-over of disposal a: its result (required, DisposalResult.Validate) as
// the writes its mode makes (see the top of this file), each room written checked as a room write of the
// Register is and allowed by the permission hook where it is and where it leaves.
func (g *Register) disposalResult(ctx context.Context, a *Application, in ActionInput, role string) (effect, error) {
	mode := a.Fields.Mode
	if in.Cost != nil {
		return nil, fieldError("action", "cost", FieldOutOfRange, "is only given when closing a maintenance at its %s step", maintenanceCostStep)
	}
	if in.Result == nil {
		return nil, fieldError("action", "result", FieldOutOfRange, "is required when handing over a disposal: what the %s came to (contract, rent, buyer and price, agency, usage or note)", mode)
	}
	res := *in.Result
	res.Buyer, res.Note = strings.TrimSpace(res.Buyer), strings.TrimSpace(res.Note)
	if err := res.Validate(mode); err != nil {
		return nil, err
	}
	site, rooms, err := g.disposalRooms(ctx, a)
	if err != nil {
		return nil, err
	}
	var docs []uuid.UUID
	if res.ContractDocumentID != uuid.Nil {
		if docs, err = g.siteDocuments(ctx, site, res.ContractDocumentID); err != nil {
			return nil, err
		} else if len(docs) == 0 {
			return nil, fieldError(disposalResultRecord, "result.contract_document_id", FieldOutOfRange,
				"is %s, not a live document of the property's archive", res.ContractDocumentID)
		}
	}
	today := DayOf(g.now())
	w := &resultWrites{reg: g, result: &res}
	old := slices.Clone(rooms)
	for _, r := range rooms {
		w.disposed = append(w.disposed, r.ID)
	}
	kind, title, err := g.disposalWrites(ctx, a, res, site, today, rooms, w)
	if err != nil {
		return nil, err
	}
	w.event = resultEvent(site, today, kind, title, applicationNote(a, res.Note), docs)
	return w, g.allowResult(ctx, w, old, role)
}

// disposalWrites fills w with what a disposal of a's mode writes — rooms (changed from rooms as read),
// ledger entries — and returns its timeline event's kind and title.
func (g *Register) disposalWrites(ctx context.Context, a *Application, res DisposalResult, site uuid.UUID, today time.Time,
	rooms []Room, w *resultWrites) (TimelineKind, string, error) {
	doc, mode := res.ContractDocumentID, a.Fields.Mode
	if mode == "lease_tender" || mode == "reallocation" || mode == "change_of_use" {
		if len(rooms) == 0 {
			return "", "", fieldError("disposal application", "fields.room_ids", FieldOutOfRange, "names no live room: a %s needs the rooms it disposes of", mode)
		}
		w.rooms = rooms
	}
	if mode == "lease_tender" || mode == "reallocation" {
		if err := g.checkRoomsVacant(ctx, rooms, today); err != nil {
			return "", "", err
		}
	}
	switch mode {
	case "lease_tender":
		for i := range w.rooms {
			w.rooms[i].State, w.rooms[i].AgencyID, w.rooms[i].IdleSince = RoomLeased, uuid.Nil, time.Time{}
		}
		if a.Result != nil && a.Result.RentYuan > 0 { // handed over before and returned: its rent is replaced
			w.entries = append(w.entries, &LedgerEntry{SiteID: site, Year: today.Year(), Kind: LedgerRentReceived, Amount: -a.Result.RentYuan,
				DocumentID: a.Result.ContractDocumentID, Note: clip(fmt.Sprintf("更正 correction: the rent first recorded for application %s, replaced", a.ID), 500)})
		}
		w.entries = append(w.entries, &LedgerEntry{SiteID: site, Year: today.Year(), Kind: LedgerRentReceived, Amount: res.RentYuan,
			DocumentID: doc, Note: clip(fmt.Sprintf("公开招租租金 rent by public tender: %s (application %s)", a.Title, a.ID), 500)})
		return TimelineLeased, fmt.Sprintf("处置 disposal（公开招租 lease_tender）：出租 %d 间，租金 rent %.2f 元", len(rooms), res.RentYuan), nil
	case "sale":
		w.derecognise = &LedgerEntry{SiteID: site, Year: today.Year(), Kind: LedgerBookValue, DocumentID: doc,
			Note: clip(fmt.Sprintf("出售核销账面价值 derecognised on sale to %s for %.2f yuan (application %s)", res.Buyer, res.PriceYuan, a.ID), 500)}
		return TimelineDisposed, fmt.Sprintf("处置 disposal（出售 sale）：sold，买受人 buyer %s，价款 price %.2f 元", res.Buyer, res.PriceYuan), nil
	case "reallocation":
		to, err := g.store.Agency(ctx, res.ToAgencyID)
		if errors.Is(err, ErrNotFound) {
			return "", "", fieldError(disposalResultRecord, "result.to_agency_id", FieldOutOfRange, "is %s, not an agency of the register", res.ToAgencyID)
		} else if err != nil {
			return "", "", err
		}
		if to.Status != AgencyActive {
			return "", "", fieldError(disposalResultRecord, "result.to_agency_id", FieldOutOfRange, "is %s (%s), which is %s: rooms go to an active agency", to.ID, to.Name, to.Status)
		}
		for i := range w.rooms {
			w.rooms[i].AgencyID = to.ID
			if w.rooms[i].State == RoomIdle {
				w.rooms[i].State, w.rooms[i].IdleSince = RoomInUse, time.Time{}
			}
		}
		return TimelineAllocated, fmt.Sprintf("处置 disposal（调剂 reallocation）：%d 间调剂给 reallocated to %s", len(rooms), to.Name), nil
	case "change_of_use":
		for i := range w.rooms {
			w.rooms[i].Usage = res.Usage
		}
		return TimelineDisposed, fmt.Sprintf("处置 disposal（改变用途 change_of_use）：%d 间改为 usage %s", len(rooms), res.Usage), nil
	}
	return TimelineDisposed, "处置 disposal（拆除 demolition）：" + res.Note, nil
}

// disposalRooms returns the property of disposal a and the live rooms it disposes of: fields.room_ids, or
// every live room of fields.site_id when it names none. The rooms must be on that property, and on one.
func (g *Register) disposalRooms(ctx context.Context, a *Application) (uuid.UUID, []Room, error) {
	site := a.Fields.SiteID
	var rooms []Room
	if len(a.Fields.RoomIDs) == 0 {
		buildings, err := g.store.Buildings(ctx, site)
		if err != nil {
			return site, nil, err
		}
		for _, b := range buildings {
			rs, err := g.store.Rooms(ctx, RoomFilter{BuildingID: b.ID})
			if err != nil {
				return site, nil, err
			}
			rooms = append(rooms, rs...)
		}
		return site, rooms, nil
	}
	for i, id := range a.Fields.RoomIDs {
		field := fmt.Sprintf("fields.room_ids[%d]", i)
		r, err := g.store.Room(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return site, nil, fieldError("disposal application", field, FieldOutOfRange, "is %s, no longer a room of the register", id)
		} else if err != nil {
			return site, nil, err
		}
		_, b, err := g.placeOf(ctx, r.FloorID)
		if err != nil {
			return site, nil, err
		}
		if site == uuid.Nil {
			site = b.SiteID
		}
		if b.SiteID != site {
			return site, nil, fieldError("disposal application", field, FieldOutOfRange, "is room %s of another property than %s: a disposal is of one property", r.Number, site)
		}
		rooms = append(rooms, r)
	}
	return site, rooms, nil
}

// checkRoomsVacant refuses rooms somebody is assigned to on day: they cannot be let or given away.
func (g *Register) checkRoomsVacant(ctx context.Context, rooms []Room, day time.Time) error {
	for _, r := range rooms {
		as, err := g.store.Assignments(ctx, AssignmentFilter{RoomID: r.ID, ActiveOn: day})
		if err != nil {
			return err
		}
		if len(as) > 0 {
			return fieldError("disposal application", "fields.room_ids", FieldOutOfRange, "holds room %s, still occupied: vacate it first", r.Number)
		}
	}
	return nil
}

// allowResult checks w's writes as the Register checks each on its own — every room as UpdateRoom does
// (old: the rooms as read, for where they leave), the ledger entries as AddLedgerEntry, the timeline event
// as AddTimelineEvent — and asks the permission hook for each, before the transaction, as a write of the
// step's role: the approved application puts them in the hands of whoever holds it where each record is
// (as an allocation's scenario is applied, scenario.go).
func (g *Register) allowResult(ctx context.Context, w *resultWrites, old []Room, role string) error {
	for i := range w.rooms {
		r := &w.rooms[i]
		b, err := g.roomIn(ctx, r, Shape{})
		if err != nil {
			return err
		}
		if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: r.AgencyID, BuildingID: b, Role: role}); err != nil {
			return err
		}
		if old[i].AgencyID != r.AgencyID {
			if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntityRoom, ID: r.ID, AgencyID: old[i].AgencyID, BuildingID: b, Role: role}); err != nil {
				return err
			}
		}
	}
	entries := w.entries
	if w.derecognise != nil {
		entries = append(slices.Clone(entries), w.derecognise)
	}
	for _, e := range entries {
		if e.Amount != 0 { // a sale's is known in the transaction
			if err := e.Validate(); err != nil {
				return err
			}
		}
		if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntityLedgerEntry, SiteID: e.SiteID, Role: role}); err != nil {
			return err
		}
	}
	if w.event != nil {
		if err := w.event.Validate(); err != nil {
			return err
		}
		site := w.event.SiteID
		return g.allow(ctx, Request{Op: OpCreate, Entity: EntityRegistration, ID: site, SiteID: site, Role: role})
	}
	return nil
}

// bookValue returns the general ledger's book value of site in year, as tx reads it.
func bookValue(ctx context.Context, tx Store, site uuid.UUID, year int) (float64, error) {
	entries, err := tx.LedgerEntries(ctx, LedgerFilter{SiteID: site, Year: year})
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, e := range entries {
		if e.General() && e.Kind == LedgerBookValue {
			sum += e.Amount
		}
	}
	return RoundM2(sum), nil
}

// documentOfType returns the first of ids that is a document of type t (uuid.Nil: none).
func (g *Register) documentOfType(ctx context.Context, ids []uuid.UUID, t string) (uuid.UUID, error) {
	for _, id := range ids {
		d, err := g.store.Document(ctx, id)
		if err != nil {
			return uuid.Nil, err
		}
		if d.DocType == t {
			return id, nil
		}
	}
	return uuid.Nil, nil
}

// siteDocuments returns those of ids that are live documents of site's archive (a timeline event refers to
// those only); uuid.Nil ids are left out.
func (g *Register) siteDocuments(ctx context.Context, site uuid.UUID, ids ...uuid.UUID) ([]uuid.UUID, error) {
	out := []uuid.UUID{}
	if !slices.ContainsFunc(ids, func(id uuid.UUID) bool { return id != uuid.Nil }) {
		return out, nil
	}
	docs, err := g.store.Documents(ctx, DocumentFilter{SiteID: site})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if slices.ContainsFunc(docs, func(d Document) bool { return d.ID == id && d.HiddenAt.IsZero() }) {
			out = append(out, id)
		}
	}
	return out, nil
}

// resultEvent is the timeline event of a result, recorded as the bureau's (manual) events are.
func resultEvent(site uuid.UUID, day time.Time, kind TimelineKind, title, note string, docs []uuid.UUID) *TimelineEvent {
	return &TimelineEvent{SiteID: site, Date: day, Kind: kind, Source: TimelineManual, Title: clip(title, nameRunes),
		Note: clip(note, noteRunes), Entity: EntitySite, EntityID: site, DocumentIDs: docs}
}

// applicationNote is the note of a result's timeline event: the application, and the result's own note.
func applicationNote(a *Application, note string) string {
	s := fmt.Sprintf("办件 application %s（%s）", a.Title, a.ID)
	if note != "" {
		s += "\n" + note
	}
	return s
}

// clip cuts s to at most n runes, ending with an ellipsis when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// withActionReason returns ctx with an action's comment as the reason its writes carry into the history
// (after the request's own reason, when it has one), cut to the reason's length.
func withActionReason(ctx context.Context, comment string) context.Context {
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return ctx
	}
	reason := ReasonFrom(ctx)
	if !blank(reason) {
		reason += "；"
	}
	return WithReason(ctx, clip(reason+comment, reasonRunes))
}
