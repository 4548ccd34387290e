package floorplan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Stored room states: every live room's status today, kept by the store and brought up to date by each
// write, so that lists and maps read statuses with the rooms instead of from a whole evaluation.
//
// Every write of the Register that can move a status computes, inside its store transaction (reading
// through the transaction, so that it sees its own writes), the state today of the rooms it can move
// (affected, register_status.go) and upserts them there; a room deleted loses its state. A change of the
// local standard rows can move any room: it recomputes every room's state, in its transaction. A batch
// (an import, the sample, synthetic data) can move any room too, but it comes in many transactions (gen
// loads a million rooms 20,000 at a time), each of which would evaluate the whole register again: so it
// only marks the states stale (MarkStatesStale), in its transaction. The store also keeps the day the
// states are for: statuses depend on the day (idle periods, assignments that start or end), so when that
// day is before today, or the states are stale, the first reader (States) recomputes them all, once:
// single-flight within a process, and across servers through LockStates, taken in the recomputing
// transaction. The recomputation evaluates the register agency by agency (EvaluateParts) and writes the
// states part by part (ClearRoomStates, AddRoomStates, SetStatesDay), so that it never holds the whole register; a server recomputes
// them ahead of its readers (KeepStatesFresh: after each midnight and each batch), and gen once its
// batches are in (RefreshStates); while it does, a reader of a few rooms (a tile, a plan) gets them computed on
// their own instead of waiting (statesMeanwhile).
//
// A store whose transactions do not implement StateStore keeps no states: its writes skip them and
// States evaluates the whole register instead.

// StoredStatus is the stored state of one live room on a day (not to be confused with RoomState, its
// physical state): what lists and map tiles show of its status — RoomResult's fields less those of the
// room itself.
type StoredStatus struct {
	RoomID      uuid.UUID
	Status      RoomStatus
	PerPersonM2 float64
	StandardM2  float64
	// Occupants are the room's occupants and their shares, as RoomResult has them (their names and ranks
	// too: a write that changes a person's name, rank or agency recomputes every room of theirs).
	Occupants []OccupantInfo
	// AsOf is the calendar day the state is for.
	AsOf time.Time
}

// StoredStatusOf returns the state of r, the result of an evaluation of day.
func StoredStatusOf(r RoomResult, day time.Time) StoredStatus {
	return StoredStatus{RoomID: r.RoomID, Status: r.Status, PerPersonM2: r.PerPersonM2, StandardM2: r.StandardM2,
		Occupants: r.Occupants, AsOf: DayOf(day)}
}

// StatesReport returns states as a Report of rooms only, indexed by room, for readers of room results:
// each RoomResult has the room's id, status, areas per person and of standard, and occupants, not the
// fields of the Room itself (number, floor, agency, usage, area), which the reader has.
func StatesReport(states map[uuid.UUID]StoredStatus) *Report {
	rep := &Report{Rooms: make([]RoomResult, 0, len(states)), roomIndex: make(map[uuid.UUID]int, len(states))}
	for id, s := range states {
		rep.roomIndex[id] = len(rep.Rooms)
		rep.Rooms = append(rep.Rooms, RoomResult{RoomID: id, Occupants: s.Occupants, PerPersonM2: s.PerPersonM2,
			StandardM2: s.StandardM2, Status: s.Status})
	}
	return rep
}

// StateStore keeps the stored room states: what the Register needs of the Store that InTx hands to its
// function, besides Store, and what States reads. Both stores' Store and transactions implement it (each
// says so at compile time).
type StateStore interface {
	// PutRoomStates adds or replaces the states of their rooms (which must exist).
	PutRoomStates(ctx context.Context, states []StoredStatus) error
	// AddRoomStates adds the states of rooms (which must exist) that have none, as a recomputation does
	// after ClearRoomStates, without PutRoomStates' work of replacing: a room that has a state already fails
	// the call, and none of its states is added.
	AddRoomStates(ctx context.Context, states []StoredStatus) error
	// DeleteRoomStates removes the states of the rooms ids; a room without one is not an error.
	DeleteRoomStates(ctx context.Context, ids []uuid.UUID) error
	// ClearRoomStates removes every stored state; StatesDay is then the zero time until SetStatesDay. A
	// recomputation of every state is ClearRoomStates, AddRoomStates part by part, SetStatesDay, in one
	// transaction (recomputeStates), so that it never holds every state at once.
	ClearRoomStates(ctx context.Context) error
	// SetStatesDay records day as the day the stored states were all computed for.
	SetStatesDay(ctx context.Context, day time.Time) error
	// RoomStateIDs returns the rooms that have a stored state, in no particular order (CheckStates).
	RoomStateIDs(ctx context.Context) ([]uuid.UUID, error)
	// RoomStates returns the stored states of the rooms ids, or of every room for nil ids, in no particular
	// order; rooms without a state are left out.
	RoomStates(ctx context.Context, ids []uuid.UUID) ([]StoredStatus, error)
	// StatesDay returns the day the stored states were last all computed for (SetStatesDay), or the
	// zero time when they never were or are marked stale since.
	StatesDay(ctx context.Context) (time.Time, error)
	// MarkStatesStale records that the stored states may be wrong anywhere (StatesDay is then the zero
	// time), so that the next reader recomputes them all.
	MarkStatesStale(ctx context.Context) error
	// LockStates, inside a transaction, waits for any other transaction that holds it to end and holds it
	// until its own ends, so that the states are recomputed by one server at a time.
	LockStates(ctx context.Context) error
}

// statesFlush is how many states recomputeStates gathers from the parts before it writes them.
const statesFlush = 20_000

// stateStore returns s as a StateStore, when it is one.
func stateStore(s Store) (StateStore, bool) {
	ss, ok := s.(StateStore)
	return ss, ok
}

// writeStates computes, through tx, the state today of the rooms seedRooms and of every room of the
// people seedPeople and of the people in those rooms (affected), stores them in tx when it keeps states,
// and removes the states of the seed rooms that are no longer live. It returns the states computed.
func (g *Register) writeStates(ctx context.Context, tx Store, seedRooms, seedPeople []uuid.UUID) ([]RoomResult, error) {
	if len(seedRooms)+len(seedPeople) == 0 {
		return nil, nil
	}
	day := DayOf(g.now())
	rooms, err := affected(ctx, tx, g.std, g.pol, day, seedRooms, seedPeople)
	if err != nil {
		return nil, err
	}
	ss, ok := stateStore(tx)
	if !ok {
		return rooms, nil
	}
	live := make(map[uuid.UUID]bool, len(rooms))
	states := make([]StoredStatus, len(rooms))
	for i, r := range rooms {
		live[r.RoomID] = true
		states[i] = StoredStatusOf(r, day)
	}
	var gone []uuid.UUID
	for _, id := range seedRooms {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	if err := ss.DeleteRoomStates(ctx, gone); err != nil {
		return nil, err
	}
	return rooms, ss.PutRoomStates(ctx, states)
}

// recomputeStates evaluates the whole register as of day, agency by agency (EvaluateParts), and replaces
// every stored state through tx by the result, part by part, when tx keeps states. It reads the register
// through tx itself (outside nil: tx has written what the evaluation must see, a change of the standard
// rows), or through outside, the store outside tx (freshen, whose transaction has written nothing the
// evaluation reads and holds the register's write order, so that the store's committed register is tx's):
// the next group of parts is then read on a connection of its own while one is evaluated (evaluateParts'
// prefetch: 1M rooms, 38.5–40.1 s → 33.9–35.6 s side by side, 70 MB more), and the states and parts of the
// last are written behind it (writeBehind).
func (g *Register) recomputeStates(ctx context.Context, tx Store, outside Snapshotter, day time.Time) (err error) {
	ss, ok := stateStore(tx)
	if !ok {
		return nil
	}
	if err := ss.ClearRoomStates(ctx); err != nil {
		return err
	}
	keep, err := g.partKeeper(ctx, tx, day)
	if err != nil {
		return err
	}
	var read Snapshotter = tx
	put := func(write func() error) error { return write() }
	if outside != nil {
		// The writes run behind the evaluation: tx is then used by the writer alone until wait.
		read = outside
		w := startWriteBehind()
		put = w.put
		defer func() { // on every way out, a panic's too
			if werr := w.wait(); err == nil {
				err = werr
			}
		}()
	}
	states := make([]StoredStatus, 0, statesFlush)
	putStates := func() error {
		batch := states
		states = make([]StoredStatus, 0, statesFlush)
		return put(func() error { return ss.AddRoomStates(ctx, batch) })
	}
	putParts := func() error {
		parts := keep.batch.take()
		return put(func() error { return keep.batch.write(ctx, parts) })
	}
	err = g.evaluateParts(ctx, read, day, nil, outside != nil, func(p *Report) error {
		if keep.add(p) {
			if err := putParts(); err != nil {
				return err
			}
		}
		if states = appendStates(states, p.Rooms, day); len(states) < statesFlush {
			return nil
		}
		return putStates()
	})
	if err != nil {
		return err
	}
	if err := putParts(); err != nil {
		return err
	}
	if err := putStates(); err != nil {
		return err
	}
	return put(func() error { return ss.SetStatesDay(ctx, day) })
}

// partKeeper stores the parts of a whole evaluation of today as they are made, so that the first report
// after the states' recomputation (gen, midnight) reads them instead of evaluating the register again.
// Its zero value, for another day or a store that keeps no parts, keeps nothing.
type partKeeper struct {
	batch partBatch // batch.ps nil: keep nothing
	day   time.Time
	key   string
	heads map[uuid.UUID]PartMark // the counters read before the evaluation's reads
	seen  int                    // parts added so far
}

// partKeeper returns the keeper of the parts of an evaluation of day through tx.
func (g *Register) partKeeper(ctx context.Context, tx Store, day time.Time) (*partKeeper, error) {
	ps, ok := tx.(PartStore)
	if !ok || !day.Equal(DayOf(g.now())) {
		return &partKeeper{}, nil
	}
	heads, err := ps.PartHeads(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("floorplan: stored parts: %w", err)
	}
	k := &partKeeper{batch: partBatch{ps: ps}, day: day, key: PolicyKey(g.pol), heads: make(map[uuid.UUID]PartMark, len(heads))}
	for _, h := range heads {
		k.heads[h.AgencyID] = h.Current
	}
	return k, nil
}

// add keeps part p (of an agency whose counters were read), in batches as StoredParts does: it reports
// whether the batch is full (to be taken, batch.take, and written, batch.write).
func (k *partKeeper) add(p *Report) bool {
	if k.batch.ps == nil {
		return false
	}
	// The parts come by ascending agency id, uuid.Nil's first: a later part that names no agency (an
	// empty one without totals) cannot be told from it and is left to StoredParts.
	id := partAgency(p)
	first := k.seen == 0
	k.seen++
	mark, ok := k.heads[id]
	if !ok || (id == uuid.Nil) != first {
		return false
	}
	return k.batch.hold(storedPart(p, id, k.day, mark, k.key))
}

// writeBehind runs writes on a goroutine of its own, one at a time and in the order given, so that its
// caller goes on (evaluating the next parts) while the database writes the last ones: at 1M rooms, the
// states' INSERTs are 11 s of PostgreSQL that the evaluation waited for. After a write fails, the later ones
// are not run and put returns the failure; wait waits for the writes given and returns it too. A write that
// panics fails the same way, and wait panics again with its value on the caller's goroutine, where the
// transaction's own handling of a panic (roll back, panic on) would have met it.
type writeBehind struct {
	writes   chan func() error
	done     chan struct{} // closed when the writer has stopped
	failed   chan struct{} // closed when a write has failed, err set
	err      error
	panicked any // the value of a write's panic
	closed   bool
}

// errWritePanicked is the failure of a write behind the evaluation that panicked.
var errWritePanicked = errors.New("floorplan: a write behind the evaluation panicked")

// startWriteBehind starts the writer.
func startWriteBehind() *writeBehind {
	w := &writeBehind{writes: make(chan func() error, 1), done: make(chan struct{}), failed: make(chan struct{})}
	go func() {
		defer close(w.done)
		for write := range w.writes {
			if w.err != nil {
				continue
			}
			if w.err = w.run(write); w.err != nil {
				close(w.failed)
			}
		}
	}()
	return w
}

// run runs write, turning its panic into errWritePanicked (the value kept for wait).
func (w *writeBehind) run(write func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			w.panicked, err = r, errWritePanicked
		}
	}()
	return write()
}

// put gives write to the writer, waiting while another is queued; it returns the failure of an earlier write.
func (w *writeBehind) put(write func() error) error {
	select {
	case <-w.failed:
		return w.err
	default:
	}
	select {
	case w.writes <- write:
		return nil
	case <-w.failed:
		return w.err
	}
}

// wait waits for every write given and returns the first failure; later calls return it again.
func (w *writeBehind) wait() error {
	if !w.closed {
		w.closed = true
		close(w.writes)
	}
	<-w.done
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// appendStates appends the states of rooms, results of an evaluation of day, to states.
func appendStates(states []StoredStatus, rooms []RoomResult, day time.Time) []StoredStatus {
	for _, r := range rooms {
		states = append(states, StoredStatusOf(r, day))
	}
	return states
}

// evaluateRooms is the whole register's occupancy as of day, read through s.
func (g *Register) evaluateRooms(ctx context.Context, s Snapshotter, day time.Time) (*Occupancy, error) {
	snap, err := s.Snapshot(ctx, day)
	if err != nil {
		return nil, err
	}
	return NewOccupancy(snap, g.std, g.pol)
}

// RefreshStates recomputes every stored state now when they are for an earlier day or marked stale (by a
// batch), once however many callers ask at the same time and once across servers (as States does); it
// does nothing when they are fresh or the store keeps no states. gen calls it once its batches are in,
// and KeepStatesFresh after each midnight, so that no reader waits for the recomputation.
func (g *Register) RefreshStates(ctx context.Context) error {
	ss, ok := stateStore(g.store)
	if !ok {
		return nil
	}
	return g.freshen(ctx, ss, DayOf(g.now()))
}

// RefreshParts evaluates and stores the parts of today's evaluation that writes have left dirty, so that
// the next report or dashboard reads them clean (StoredParts); it does nothing when every part is clean or
// the store keeps none. Several servers may run it at once: the parts stay right, some work is repeated.
func (g *Register) RefreshParts(ctx context.Context) error {
	if _, ok := g.store.(PartStore); !ok {
		return nil
	}
	_, err := g.StoredTotals(ctx, nil)
	return err
}

// partsQuiet is how long after this server's last write KeepStatesFresh waits before it evaluates the dirty
// parts: an evaluation of a large agency takes a core for a while, and writes in progress come first.
const partsQuiet = 30 * time.Second

// writing reports whether this Register committed a change less than partsQuiet before now.
func (g *Register) writing(now time.Time) bool {
	last := g.lastWrite.Load()
	return last != 0 && now.Sub(time.Unix(0, last)) < partsQuiet
}

// statesPoll is how often KeepStatesFresh looks whether the stored states were marked stale.
const statesPoll = time.Minute

// KeepStatesFresh keeps the stored states fresh until ctx ends: it refreshes them (RefreshStates) at once,
// shortly after each local midnight and within statesPoll of their being marked stale, and with them the
// stored parts that writes left dirty (RefreshParts), logging what fails. It is the body of a goroutine
// that a server starts.
func (g *Register) KeepStatesFresh(ctx context.Context) {
	if _, ok := stateStore(g.store); !ok {
		return
	}
	for {
		if err := g.RefreshStates(ctx); err != nil && ctx.Err() == nil {
			slog.ErrorContext(ctx, "floorplan: keep the room states fresh", "err", err)
		}
		if !g.writing(g.now()) {
			if err := g.RefreshParts(ctx); err != nil && ctx.Err() == nil {
				slog.ErrorContext(ctx, "floorplan: keep the stored parts fresh", "err", err)
			}
		}
		now := g.now()
		y, m, d := now.Date()
		midnight := time.Date(y, m, d+1, 0, 0, 0, 0, now.Location()).Add(2 * time.Second)
		t := time.NewTimer(min(statesPoll, midnight.Sub(now)))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// directStates is the most rooms that States computes on their own, without waiting, while this process
// recomputes every state: a map tile's rooms (a z17 tile of the 1M-room register has about 3,000), not a
// list of the register.
const directStates = 5000

// States returns the stored state today of the rooms ids (of every live room for nil ids), keyed by room.
// When the stored states are for an earlier day (or were never computed) it recomputes them all first,
// once however many callers ask at the same time — except that while this process already recomputes
// them (a server does so at start-up and after midnight, KeepStatesFresh), the states of a few rooms
// (directStates at most) are computed on their own, read-only, so that a map tile or a plan does not wait
// for the whole register. A room without a stored state (one written around the Register) is computed on
// its own and stored. Without a store that keeps states it evaluates the whole register.
func (g *Register) States(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]StoredStatus, error) {
	today := DayOf(g.now())
	ss, ok := stateStore(g.store)
	if !ok {
		occ, err := g.evaluateRooms(ctx, g.store, today)
		if err != nil {
			return nil, fmt.Errorf("floorplan: room states: %w", err)
		}
		return pick(statesOf(occ.Rooms, today), ids), nil
	}
	if ids != nil && len(ids) <= directStates {
		states, done, err := g.statesMeanwhile(ctx, ss, today, ids)
		if done || err != nil {
			return states, err
		}
	}
	if err := g.freshen(ctx, ss, today); err != nil {
		return nil, err
	}
	stored, err := ss.RoomStates(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("floorplan: room states: %w", err)
	}
	out := make(map[uuid.UUID]StoredStatus, len(stored))
	for _, s := range stored {
		out[s.RoomID] = s
	}
	var missing []uuid.UUID
	for _, id := range ids {
		if s, ok := out[id]; !ok || !s.AsOf.Equal(today) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	// Rooms written around the Register (raw SQL, a store's own tests), or by a write of another day that
	// committed after the recomputation: computed now, for those rooms only, and kept — in a write
	// transaction, which writes queue behind, and only for rooms that are live: asking for a room deleted
	// meanwhile writes nothing.
	computed, err := affected(ctx, g.store, g.std, g.pol, today, missing, nil)
	if err != nil {
		return nil, fmt.Errorf("floorplan: room states: %w", err)
	}
	live := statesOf(computed, today)
	missing = slices.DeleteFunc(missing, func(id uuid.UUID) bool {
		if _, ok := live[id]; !ok {
			delete(out, id) // not live: no state
			return true
		}
		return false
	})
	if len(missing) == 0 {
		return out, nil
	}
	err = g.store.InTx(ctx, func(tx Store) error {
		computed, err = g.writeStates(ctx, tx, missing, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("floorplan: room states: %w", err)
	}
	for _, id := range missing {
		delete(out, id) // a state of another day, unless computed again below
	}
	for id, s := range pick(statesOf(computed, today), missing) {
		out[id] = s
	}
	return out, nil
}

// statesMeanwhile computes today's states of the rooms ids (of those live) on their own, without storing
// them, when the stored states are not for today and this process is recomputing them (done true);
// otherwise it does nothing and States goes on as usual (done false).
func (g *Register) statesMeanwhile(ctx context.Context, ss StateStore, today time.Time,
	ids []uuid.UUID) (states map[uuid.UUID]StoredStatus, done bool, err error) {
	select {
	case g.recomputing <- struct{}{}: // no recomputation runs here: the usual way
		<-g.recomputing
		return nil, false, nil
	default:
	}
	day, err := ss.StatesDay(ctx)
	if err != nil {
		return nil, true, fmt.Errorf("floorplan: room states: %w", err)
	}
	if day.Equal(today) {
		return nil, false, nil // recomputed (or being so for a write's rooms): read them
	}
	computed, err := affected(ctx, g.store, g.std, g.pol, today, ids, nil)
	if err != nil {
		return nil, true, fmt.Errorf("floorplan: room states: %w", err)
	}
	return pick(statesOf(computed, today), ids), true, nil
}

// freshen recomputes every stored state when they are not for today: one recomputation at a time in this
// process (the others wait for it and find the states fresh), and one across servers (LockStates in the
// recomputing transaction, after which the day is read again).
func (g *Register) freshen(ctx context.Context, ss StateStore, today time.Time) error {
	day, err := ss.StatesDay(ctx)
	if err != nil {
		return fmt.Errorf("floorplan: room states: %w", err)
	}
	if day.Equal(today) {
		return nil
	}
	select {
	case g.recomputing <- struct{}{}:
		defer func() { <-g.recomputing }()
	case <-ctx.Done():
		return ctx.Err()
	}
	// Another reader of this process may have recomputed them while this one waited.
	if day, err = ss.StatesDay(ctx); err != nil || day.Equal(today) {
		return err
	}
	err = g.store.InTx(ctx, func(tx Store) error {
		txs, ok := stateStore(tx)
		if !ok {
			return fmt.Errorf("floorplan: the store's transaction (%T) keeps no room states", tx)
		}
		if err := txs.LockStates(ctx); err != nil {
			return err
		}
		if day, err := txs.StatesDay(ctx); err != nil || day.Equal(today) {
			return err // recomputed meanwhile, by this process or another server
		}
		return g.recomputeStates(ctx, tx, g.store, today)
	})
	if err != nil {
		return fmt.Errorf("floorplan: recompute the room states for %s: %w", today.Format(DateLayout), err)
	}
	return nil
}

// statesOf returns the states of rooms, results of an evaluation of day, keyed by room.
func statesOf(rooms []RoomResult, day time.Time) map[uuid.UUID]StoredStatus {
	out := make(map[uuid.UUID]StoredStatus, len(rooms))
	for _, r := range rooms {
		out[r.RoomID] = StoredStatusOf(r, day)
	}
	return out
}

// pick keeps the states of ids (all of them for nil ids).
func pick(states map[uuid.UUID]StoredStatus, ids []uuid.UUID) map[uuid.UUID]StoredStatus {
	if ids == nil {
		return states
	}
	out := make(map[uuid.UUID]StoredStatus, len(ids))
	for _, id := range ids {
		if s, ok := states[id]; ok {
			out[id] = s
		}
	}
	return out
}

// StateDiff is a room whose stored state differs from a whole evaluation's (CheckStates). A zero Stored
// (RoomID uuid.Nil) is a live room without a stored state; a zero Computed, a stored state of a room that is
// not live.
type StateDiff struct {
	RoomID uuid.UUID
	// Number is the room's number, when it is live (CheckStates fills it in).
	Number   string
	Stored   StoredStatus
	Computed StoredStatus
}

// CheckStates evaluates the whole register as of today and compares it with the stored states, as a
// reader finds them: states of an earlier day, or marked stale by a batch, are recomputed first (States).
// It returns the differences by room id, and the number of live rooms compared. It evaluates and compares
// agency by agency (EvaluateParts).
func (g *Register) CheckStates(ctx context.Context) ([]StateDiff, int, error) {
	ss, ok := stateStore(g.store)
	if !ok {
		return nil, 0, fmt.Errorf("floorplan: the store (%T) keeps no room states", g.store)
	}
	today := DayOf(g.now())
	if err := g.freshen(ctx, ss, today); err != nil {
		return nil, 0, err
	}
	var diffs []StateDiff
	live := map[uuid.UUID]struct{}{}
	err := g.EvaluateParts(ctx, today, nil, func(p *Report) error {
		ids := make([]uuid.UUID, len(p.Rooms))
		for i, r := range p.Rooms {
			ids[i] = r.RoomID
			live[r.RoomID] = struct{}{}
		}
		stored, err := ss.RoomStates(ctx, ids)
		if err != nil {
			return err
		}
		for _, d := range DiffStates(stored, statesOf(p.Rooms, today)) {
			if r, ok := p.Room(d.RoomID); ok {
				d.Number = r.Number
			}
			diffs = append(diffs, d)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	// States of rooms that are not live.
	ids, err := ss.RoomStateIDs(ctx)
	if err != nil {
		return nil, 0, err
	}
	ids = slices.DeleteFunc(ids, func(id uuid.UUID) bool { _, ok := live[id]; return ok })
	if len(ids) > 0 {
		stored, err := ss.RoomStates(ctx, ids)
		if err != nil {
			return nil, 0, err
		}
		diffs = append(diffs, DiffStates(stored, nil)...)
	}
	slices.SortFunc(diffs, func(a, b StateDiff) int { return compareID(a.RoomID, b.RoomID) })
	return diffs, len(live), nil
}

// DiffStates compares stored states with computed ones (keyed by room) and returns the rooms where they
// differ, by room id. The day of a state is compared with the rest: a stored state of an earlier day
// differs.
func DiffStates(stored []StoredStatus, computed map[uuid.UUID]StoredStatus) []StateDiff {
	var out []StateDiff
	seen := make(map[uuid.UUID]bool, len(stored))
	for _, s := range stored {
		seen[s.RoomID] = true
		c, ok := computed[s.RoomID]
		if !ok || !sameState(s, c) {
			out = append(out, StateDiff{RoomID: s.RoomID, Stored: s, Computed: c})
		}
	}
	for id, c := range computed {
		if !seen[id] {
			out = append(out, StateDiff{RoomID: id, Computed: c})
		}
	}
	slices.SortFunc(out, func(a, b StateDiff) int { return compareID(a.RoomID, b.RoomID) })
	return out
}

// sameState reports whether a and b say the same of their room; the areas are compared to the survey
// precision the engine rounds them to (0.01 m²), which a store's float column keeps exactly anyway.
func sameState(a, b StoredStatus) bool {
	return a.RoomID == b.RoomID && a.Status == b.Status && slices.Equal(a.Occupants, b.Occupants) &&
		a.AsOf.Equal(b.AsOf) && closeM2(a.PerPersonM2, b.PerPersonM2) && closeM2(a.StandardM2, b.StandardM2)
}

// closeM2 reports whether two areas agree well within the survey precision.
func closeM2(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}
