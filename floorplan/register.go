package floorplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// The register service: the one door for every change.
//
// HTTP handlers, importers, the CLI, the sample and the workflows to come translate their input into a
// call on the Register, which for every change
//
//  1. takes the acting user and the reason from the context (WithActor, WithReason, WithEffective);
//  2. converts the geometry from the client's frame to the building's local metres, once (Shape);
//  3. validates the record, once (the stores trust it: Validated);
//  4. asks the permission hook (Permit) whether the user may make it;
//  5. writes it through the store in one transaction, which records the history and bumps the revision,
//     and in which the state today of the rooms whose status the change can have moved is computed, for
//     those rooms only, and stored (states.go);
//  6. returns what changed (Changes): the revision, the map layers touched and those rooms' states;
//  7. tells the subscribers (caches) what changed.
//
// Nothing else writes to a Store: the API holds only its read interfaces.

// Op names a kind of change, for the permission hook.
type Op string

// Kinds of change.
const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
	OpSplit  Op = "split"
	// OpBatch is a transaction of many changes (an import, the sample, synthetic data).
	OpBatch Op = "batch"
)

// Request describes a change asked for, for the permission hook: what, on which record, and where the
// record stands (its agency and building, when it has them), so that scopes can be checked.
type Request struct {
	Op         Op
	Entity     Entity
	ID         uuid.UUID // uuid.Nil for a record not created yet
	AgencyID   uuid.UUID
	BuildingID uuid.UUID
	// SiteID is the site of a site's change (its ID when it exists).
	SiteID uuid.UUID
	// JurisdictionID is the jurisdiction a site or an agency is put in by the change (its new value;
	// uuid.Nil: the city level, or the parent agency's), or the parent of a jurisdiction written.
	JurisdictionID uuid.UUID
	// What names a batch ("import dxf", "sample"…).
	What string
	// Role is the role an application's step needs (procedures.go): the hook allows the change only to a
	// caller holding that role over the record's place; "" for every other change.
	Role string
}

// Permit decides whether the acting user of ctx may make the change; a nil error allows it. Its errors
// should wrap ErrForbidden (or ErrNotFound for a record the user may not know of).
type Permit func(ctx context.Context, req Request) error

// AllowAll is the permission hook of single-user mode.
func AllowAll(context.Context, Request) error { return nil }

// ErrForbidden is what a Permit returns when the user may not make a change.
var ErrForbidden = errors.New("floorplan: forbidden")

// Changes is what a write changed.
type Changes struct {
	// Revision is the register's revision once the write committed.
	Revision int64
	// Layers are the map layers whose features may have changed.
	Layers []Layer
	// Rooms is the state today of the rooms whose status the write can have moved (the rooms written and
	// every room of the people in them), computed for those rooms only. Empty for a batch.
	Rooms []RoomResult
	// Batch is set for a transaction of many changes: anything may have changed.
	Batch bool
	// Entity is the kind of record written by a write of one record (and the records it carries along:
	// a room's states); "" when the write is of several kinds or a Batch.
	Entity Entity
}

// Room returns the state today of one of the rooms of c.
func (c Changes) Room(id uuid.UUID) (RoomResult, bool) {
	for _, r := range c.Rooms {
		if r.RoomID == id {
			return r, true
		}
	}
	return RoomResult{}, false
}

// Register is the one door for every change to the register (see above). It is safe for concurrent use.
type Register struct {
	store  Store
	permit Permit
	// accounts is set with a permission hook (WithPermit): users are known, and an inspection's team is kept.
	accounts bool
	std      *Standards
	pol      Policy
	now      func() time.Time
	blobs    Blobs       // nil: the store keeps document bytes (WithBlobs)
	procs    *Procedures // nil: DefaultProcedures (WithProcedures)
	// checklist and assessment configure the inspections (checklist.go, inspections.go).
	checklist  *Checklist // nil: DefaultChecklist (WithChecklist)
	assessment MonthDay   // zero: 12-31 (WithAssessmentDate)

	mu          sync.Mutex
	subscribers []func(Changes)
	// recomputing is held by the one recomputation of every room's state that runs in this process (States).
	recomputing chan struct{}
	// lastWrite is when this Register last committed a change (unix nanoseconds): RefreshParts waits for
	// the writes to settle.
	lastWrite atomic.Int64
}

// RegisterOption configures a Register.
type RegisterOption func(*Register)

// WithPermit sets the permission hook (default AllowAll).
func WithPermit(p Permit) RegisterOption { return func(g *Register) { g.permit, g.accounts = p, true } }

// WithStandards sets the standards and policy the returned room states are computed with (default: the
// national table plus the store's local rows, DefaultPolicy).
func WithStandards(std *Standards, pol Policy) RegisterOption {
	return func(g *Register) { g.std, g.pol = std, pol }
}

// WithProcedures sets the procedures of the online handling (default DefaultProcedures).
func WithProcedures(ps *Procedures) RegisterOption { return func(g *Register) { g.procs = ps } }

// WithRegisterClock sets the clock that says what today is (default time.Now).
func WithRegisterClock(now func() time.Time) RegisterOption { return func(g *Register) { g.now = now } }

// NewRegister returns the register service over store: a store itself, never a transaction's (InTx's tx),
// since the register runs transactions of its own on it, and reads outside them (recomputeStates).
func NewRegister(store Store, opts ...RegisterOption) *Register {
	g := &Register{store: store, permit: AllowAll, pol: DefaultPolicy(), now: time.Now, recomputing: make(chan struct{}, 1)}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Policy returns the policy the register's room states are computed with (its rules' periods).
func (g *Register) Policy() Policy { return g.pol }

// Subscribe adds fn to what is called after every committed change (caches drop what it touches).
func (g *Register) Subscribe(fn func(Changes)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.subscribers = append(g.subscribers, fn)
}

// Reader returns the store's read side, for callers that read what they are about to change.
func (g *Register) Reader() Reader { return g.store }

// Check asks the permission hook whether the change req describes may be made, without making it: a dry
// run (an import's preview) must be allowed as the change itself would be.
func (g *Register) Check(ctx context.Context, req Request) error { return g.allow(ctx, req) }

// allow checks what the write carries into the history (CheckWriteContext) and asks the permission hook.
// Every write of the Register passes here first.
func (g *Register) allow(ctx context.Context, req Request) error {
	if err := CheckWriteContext(ctx); err != nil {
		return err
	}
	return g.permit(ctx, req)
}

// done finishes a committed change: the revision, the subscribers. c.Rooms, when the change can move
// room states, were computed in its transaction (writeStates).
func (g *Register) done(ctx context.Context, c Changes) (Changes, error) {
	if c.Revision == 0 {
		rev, err := g.store.Revision(ctx)
		if err != nil {
			return c, err
		}
		c.Revision = rev
	}
	g.lastWrite.Store(g.now().UnixNano())
	g.mu.Lock()
	subs := slices.Clone(g.subscribers)
	g.mu.Unlock()
	for _, fn := range subs {
		fn(c)
	}
	return c, nil
}

// Batch runs fn as one transaction of many changes (an import, the sample, synthetic data): everything
// fn writes through tx commits together, or nothing does. The permission hook sees req (Op OpBatch).
// Records written in a batch are validated by the store; before it commits, the rooms it wrote are checked
// against their floor's outline, with every room of a floor whose outline it wrote (outline.go).
func (g *Register) Batch(ctx context.Context, req Request, fn func(tx Store) error) (Changes, error) {
	req.Op = OpBatch
	if err := g.allow(ctx, req); err != nil {
		return Changes{}, err
	}
	err := g.store.InTx(ctx, func(tx Store) error {
		guard := newOutlineGuard(tx)
		if err := fn(guard); err != nil {
			return err
		}
		if err := guard.check(ctx); err != nil {
			return err
		}
		// Anything may have moved: the next reader computes every room's state again (states.go).
		if ss, ok := stateStore(tx); ok {
			return ss.MarkStatesStale(ctx)
		}
		return nil
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{Layers: []Layer{LayerBuildings, LayerRooms}, Batch: true})
}

// BulkLoad runs fn, a load of many Batch calls into a register that has no room, person or assignment yet
// (synthetic data, a first import), with the store left to build its indexes that enforce nothing once at
// the end instead of row by row (BulkLoader.WithIndexesDeferred). The permission hook sees req (Op
// OpBatch). It returns fn's error, or the building's.
func (g *Register) BulkLoad(ctx context.Context, req Request, fn func() error) error {
	req.Op = OpBatch
	if err := g.allow(ctx, req); err != nil {
		return err
	}
	return g.store.WithIndexesDeferred(ctx, fn)
}

// Sites.

// CreateSite adds a property. Sites are validated by the store, which holds the deployment's
// classification of properties.
func (g *Register) CreateSite(ctx context.Context, s *Site) (Changes, error) {
	if err := g.allow(ctx, Request{Op: OpCreate, Entity: EntitySite, JurisdictionID: s.JurisdictionID}); err != nil {
		return Changes{}, err
	}
	err := g.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateSite(ctx, s); err != nil {
			return err
		}
		return checkRecordDocuments(ctx, tx, *s)
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// checkRecordDocuments refuses a title record whose scan (DocumentID) is not a live document of the site's
// archive, naming the record's field; it runs in the transaction that writes the site.
func checkRecordDocuments(ctx context.Context, r DocumentReader, s Site) error {
	var live map[uuid.UUID]bool
	for i, rec := range s.Records {
		if rec.DocumentID == uuid.Nil {
			continue
		}
		if live == nil {
			docs, err := r.Documents(ctx, DocumentFilter{SiteID: s.ID})
			if err != nil {
				return err
			}
			live = make(map[uuid.UUID]bool, len(docs))
			for _, d := range docs {
				live[d.ID] = d.HiddenAt.IsZero()
			}
		}
		if !live[rec.DocumentID] {
			return fieldError(label("site", s.Name), fmt.Sprintf("records[%d].document_id", i), FieldOutOfRange,
				"is %s, not a live document of this property's archive", rec.DocumentID)
		}
	}
	return nil
}

// UpdateSite replaces a property's fields. A change of its ownership is a change of its registration state
// (SetRegistration's checks, and its history), effective today or on the context's effective day.
func (g *Register) UpdateSite(ctx context.Context, s *Site) (Changes, error) {
	if err := g.allow(ctx, Request{Op: OpUpdate, Entity: EntitySite, ID: s.ID, SiteID: s.ID, JurisdictionID: s.JurisdictionID}); err != nil {
		return Changes{}, err
	}
	err := g.store.InTx(ctx, func(tx Store) error {
		old, err := tx.Site(ctx, s.ID)
		if err != nil {
			return err
		}
		if err := checkRecordDocuments(ctx, tx, *s); err != nil {
			return err
		}
		if old.Ownership == s.Ownership {
			return tx.UpdateSite(ctx, s)
		}
		// A change of the registration state edited with the rest of the record is a state change as
		// SetRegistration makes one: checked (filed needs its filing steps) and in the state's history.
		c := RegistrationChange{SiteID: s.ID, State: s.Ownership, Effective: DayOf(g.now()), Reason: ReasonFrom(ctx)}
		if d, ok := EffectiveFrom(ctx); ok {
			c.Effective = d
		}
		if blank(c.Reason) {
			c.Reason = "随房产记录修改（site record edited）"
		}
		if err := c.Validate(); err != nil {
			return err
		}
		return changeState(ctx, tx, old, s, &c)
	})
	if err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}

// DeleteSite deletes a property without buildings.
func (g *Register) DeleteSite(ctx context.Context, id uuid.UUID) (Changes, error) {
	if err := g.allow(ctx, Request{Op: OpDelete, Entity: EntitySite, ID: id, SiteID: id}); err != nil {
		return Changes{}, err
	}
	if err := g.store.DeleteSite(ctx, id); err != nil {
		return Changes{}, err
	}
	return g.done(ctx, Changes{})
}
