package floorplan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/zstd"
)

// Stored parts: each agency's part of today's evaluation (EvaluateParts), kept by the store, so that a
// report of today reads the parts that no write has touched instead of evaluating the whole register.
//
// The database keeps them honest, not the Register: every agency has a change counter (uuid.Nil: the rooms
// and people of no agency), and the store's own triggers move on, in the transaction of every change, the
// counter of each agency whose part the change can move — a room's agency and the agencies of the people
// assigned to it; for an assignment, its person's agency and the agencies of the rooms that person holds
// and of everyone assigned to them; for a person, the same closure; for an agency, itself, its parent and
// successor (and, when its level, scale or life changes, the closure of its people); for a post, its
// person's agency and its own. A change of the local standard rows moves the counter of every agency (one
// counter for all, PartMark.Every), and so does a room written when the register had no other live room (the
// parts' notes say whether the register has rooms). Bulk loads (imports, gen) go through the same triggers:
// they leave the parts they touch dirty, never wrong.
//
// A stored part carries the marks (both counters) read before the reads of the evaluation that made it:
// a write that commits after that read moves a counter past the stored mark, and the part is dirty even if
// the evaluation did or did not see the write; a write that committed before it is seen by the evaluation.
// A part is clean when its marks are the current ones, its day is today and it was evaluated with the
// Register's policy (PolicyKey).

// PartMark is the change counters a stored part was evaluated at: its agency's and every agency's.
type PartMark struct {
	Agency int64
	Every  int64
}

// StoredPart is one agency's part of a day's evaluation as the store keeps it.
type StoredPart struct {
	AgencyID uuid.UUID
	// AsOf is the calendar day evaluated.
	AsOf time.Time
	// Mark is the counters read before the evaluation's reads.
	Mark PartMark
	// Policy is the PolicyKey of the policy evaluated with.
	Policy string
	// Notes, Findings, People and Totals are the part's (Totals: none for uuid.Nil); its rooms are not
	// kept (their states are: StateStore).
	Notes    []Note
	Findings []Finding
	People   []PersonResult
	Totals   []AgencyTotals
	// Rooms are the rooms the findings name, as Named gives them.
	Rooms []RoomResult
}

// PartHead is what a store knows of an agency's part without reading its results: the current counters,
// and the day, marks and policy of the stored part, if there is one.
type PartHead struct {
	AgencyID uuid.UUID
	Current  PartMark
	Stored   bool
	AsOf     time.Time
	Mark     PartMark
	Policy   string
}

// clean reports whether the stored part holds for day under the policy key.
func (h PartHead) clean(day time.Time, policy string) bool {
	return h.Stored && h.Mark == h.Current && h.AsOf.Equal(day) && h.Policy == policy
}

// PolicyKey identifies a policy among stored parts: parts evaluated with another policy are dirty.
func PolicyKey(pol Policy) string {
	b, err := json.Marshal(pol)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(append(b, partsFormat...))
	return hex.EncodeToString(sum[:8])
}

// partsFormat is the version of what a stored part holds and how, part of its PolicyKey: parts stored in an
// earlier form are dirty, and evaluated again by their first reader. "named-rooms": the parts keep their named
// rooms (2026-12-02); "/layout": in partcodec.go's layout rather than gob (2026-12-04). A server of an earlier
// version, beside this one during an upgrade, finds this one's parts dirty in turn, rather than unreadable.
const partsFormat = "named-rooms/layout"

// partsFlush is how many evaluated parts StoredParts writes to the store at once, at most; and
// partsFlushRows how many findings and people, at most, beyond the first part: a province's agency has
// tens of thousands of people, and the parts held for one write are held in memory.
const (
	partsFlush     = 64
	partsFlushRows = 20_000
)

// partsRead is how many clean parts StoredParts reads from the store at once: their totals, or (held
// compressed until each is decoded) partsReadResults of their results — a province's agency is a few
// megabytes compressed.
const (
	partsRead        = 64
	partsReadResults = 8
)

// StoredParts calls fn with the parts of today's evaluation (EvaluateParts) of agencies — for nil, of the
// rooms and people of no agency (uuid.Nil) and of every live agency — in ascending agency id order: the
// clean ones read from the store, the dirty ones evaluated (all in one EvaluateParts) and stored on the way.
// Each part is a Report as EvaluateParts makes it (AsOf today, the Register's Policy, the whole
// register's Notes, the agency's Findings, People and totals in Agencies) except that Rooms holds only
// the rooms its findings name that the part's evaluation held, and of each only its RoomID, Number,
// FloorID and AgencyID (Named): what a report needs to name them and a scope to place them. Room results
// are read with the rooms (States). fn may keep the parts; its error stops the call and is
// returned. A store that keeps no parts has every part evaluated.
func (g *Register) StoredParts(ctx context.Context, agencies []uuid.UUID, fn func(part *Report) error) error {
	return g.storedParts(ctx, agencies, readResults, fn)
}

// StoredPartTotals is StoredParts giving each part's totals (Agencies) and the evaluation's Notes only, with
// empty Findings, People and Rooms: what a report of the totals writes, read without decoding the clean
// parts' results (but the first's, for the notes).
func (g *Register) StoredPartTotals(ctx context.Context, agencies []uuid.UUID, fn func(part *Report) error) error {
	return g.storedParts(ctx, agencies, readTotalsNotes, func(p *Report) error {
		p.Findings, p.People, p.Rooms = []Finding{}, []PersonResult{}, []RoomResult{}
		return fn(p)
	})
}

// StoredTotals returns the totals of today's evaluation of agencies (nil: every live agency), ordered as
// Report.Agencies (by name, id): StoredParts reading only the totals of the clean parts.
func (g *Register) StoredTotals(ctx context.Context, agencies []uuid.UUID) ([]AgencyTotals, error) {
	out := []AgencyTotals{}
	err := g.storedParts(ctx, agencies, readTotals, func(part *Report) error {
		out = append(out, part.Agencies...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b AgencyTotals) int {
		if a.Name != b.Name {
			if a.Name < b.Name {
				return -1
			}
			return 1
		}
		return compareID(a.AgencyID, b.AgencyID)
	})
	return out, nil
}

// partRead is what storedParts reads of the clean parts.
type partRead int

const (
	readResults     partRead = iota // everything
	readTotalsNotes                 // the totals, and the notes (from one part)
	readTotals                      // the totals
)

func (g *Register) storedParts(ctx context.Context, agencies []uuid.UUID, read partRead, fn func(*Report) error) error {
	totalsOnly := read != readResults
	day := DayOf(g.now())
	ps, ok := g.store.(PartStore)
	if !ok {
		return g.EvaluateParts(ctx, day, agencies, func(p *Report) error { return fn(bare(p)) })
	}
	if agencies != nil {
		agencies = slices.Clone(agencies)
		slices.SortFunc(agencies, compareID)
		agencies = slices.Compact(agencies)
	}
	heads, err := ps.PartHeads(ctx, agencies)
	if err != nil {
		return fmt.Errorf("floorplan: stored parts: %w", err)
	}
	m := partMerge{ctx: ctx, g: g, ps: ps, batch: partBatch{ps: ps}, day: day, key: PolicyKey(g.pol), totalsOnly: totalsOnly,
		wantNotes: read == readTotalsNotes, fn: fn}
	for _, h := range heads {
		if h.clean(day, m.key) {
			m.clean = append(m.clean, h.AgencyID)
		} else {
			m.dirty = append(m.dirty, h)
		}
	}
	if len(m.dirty) > 0 {
		ids := make([]uuid.UUID, len(m.dirty))
		for i, h := range m.dirty {
			ids[i] = h.AgencyID
		}
		err := g.EvaluateParts(ctx, day, ids, m.evaluated)
		if err == nil && m.next != len(m.dirty) {
			err = fmt.Errorf("floorplan: stored parts: EvaluateParts gave %d parts of %d", m.next, len(m.dirty))
		}
		if err == nil {
			err = m.batch.flush(ctx)
		}
		if err != nil {
			return err
		}
	}
	return m.emitClean(ctx, uuid.Nil, true)
}

// partMerge hands the clean parts (read from the store) and the dirty ones (evaluated) to fn in one
// ascending order, and stores the evaluated ones.
type partMerge struct {
	ctx        context.Context
	g          *Register
	ps         PartStore
	batch      partBatch // the evaluated parts, stored in batches
	day        time.Time
	key        string
	totalsOnly bool
	wantNotes  bool // with totalsOnly: the notes, from the first clean part
	fn         func(*Report) error
	clean      []uuid.UUID // not yet emitted, ascending
	dirty      []PartHead  // to evaluate, ascending: EvaluateParts gives one part for each, in this order
	next       int         // the position in dirty of the next part evaluated
	notes      []Note      // the evaluation's notes, once a part has given them
}

// evaluated stores (in batches) and emits an evaluated part, after the clean parts before it.
func (m *partMerge) evaluated(p *Report) error {
	if m.next >= len(m.dirty) {
		return fmt.Errorf("floorplan: stored parts: EvaluateParts gave more parts than the %d asked for", len(m.dirty))
	}
	h := m.dirty[m.next]
	m.next++
	if id := partAgency(p); id != h.AgencyID && id != uuid.Nil {
		return fmt.Errorf("floorplan: stored parts: EvaluateParts gave the part of agency %s for %s", id, h.AgencyID)
	}
	if err := m.emitClean(m.ctx, h.AgencyID, false); err != nil {
		return err
	}
	if err := m.batch.add(m.ctx, storedPart(p, h.AgencyID, m.day, h.Current, m.key)); err != nil {
		return err
	}
	if m.notes == nil {
		m.notes = p.Notes
	}
	return m.fn(bare(p))
}

// partBatch holds evaluated parts until a batch of them is written (PutParts): partsFlush parts, or
// partsFlushRows findings and people beyond the first part.
type partBatch struct {
	ps      PartStore
	pending []StoredPart
	rows    int // the findings and people of pending
}

// add holds sp, writing the batch when it is full.
func (b *partBatch) add(ctx context.Context, sp StoredPart) error {
	if b.hold(sp) {
		return b.flush(ctx)
	}
	return nil
}

// hold holds sp and reports whether the batch is full.
func (b *partBatch) hold(sp StoredPart) bool {
	b.pending = append(b.pending, sp)
	b.rows += len(sp.Findings) + len(sp.People)
	return len(b.pending) >= partsFlush || b.rows >= partsFlushRows
}

// take hands over the parts held (to be written by the caller) and starts another batch.
func (b *partBatch) take() []StoredPart {
	parts := b.pending
	b.pending, b.rows = nil, 0
	return parts
}

// flush writes the parts held.
func (b *partBatch) flush(ctx context.Context) error {
	if err := b.write(ctx, b.pending); err != nil {
		return err
	}
	clear(b.pending) // the parts handed on are their readers': not kept here
	b.pending, b.rows = b.pending[:0], 0
	return nil
}

// write stores parts: the batch's own (flush) or a batch taken from it (take).
func (b *partBatch) write(ctx context.Context, parts []StoredPart) error {
	if len(parts) == 0 {
		return nil
	}
	if err := b.ps.PutParts(ctx, parts); err != nil {
		return fmt.Errorf("floorplan: store parts: %w", err)
	}
	return nil
}

// storedPart is evaluated part p as the store keeps it: agency id's, of day, at mark, under policy key.
func storedPart(p *Report, id uuid.UUID, day time.Time, mark PartMark, key string) StoredPart {
	return StoredPart{AgencyID: id, AsOf: day, Mark: mark, Policy: key, Notes: p.Notes, Findings: p.Findings,
		People: p.People, Totals: p.Agencies, Rooms: Named(p)}
}

// emitClean reads and emits the clean parts before id (all of them with all), partsRead (or
// partsReadResults) at a time.
func (m *partMerge) emitClean(ctx context.Context, id uuid.UUID, all bool) error {
	n := 0
	for n < len(m.clean) && (all || compareID(m.clean[n], id) < 0) {
		n++
	}
	if m.wantNotes && m.notes == nil && n > 0 {
		// The notes are the whole evaluation's, the same in every part: read them with the first one.
		err := m.ps.PartResults(ctx, m.clean[:1], false, func(sp StoredPart) error {
			m.notes = nonNil(sp.Notes)
			return nil
		})
		if err != nil {
			return fmt.Errorf("floorplan: stored parts: %w", err)
		}
	}
	for n > 0 {
		k := min(n, partsRead)
		if !m.totalsOnly {
			k = min(n, partsReadResults)
		}
		chunk := m.clean[:k]
		err := m.ps.PartResults(ctx, chunk, m.totalsOnly, func(sp StoredPart) error {
			return m.fn(m.report(sp))
		})
		if err != nil {
			return fmt.Errorf("floorplan: stored parts: %w", err)
		}
		m.clean, n = m.clean[k:], n-k
	}
	return nil
}

// report is the Report of a stored part.
func (m *partMerge) report(sp StoredPart) *Report {
	if m.totalsOnly {
		sp.Notes = m.notes // not read with the totals (nil unless wanted)
	}
	p := &Report{AsOf: m.day, Policy: m.g.pol, Notes: sp.Notes, Findings: sp.Findings, People: sp.People,
		Agencies: sp.Totals, Rooms: sp.Rooms}
	if p.Rooms == nil {
		p.Rooms = []RoomResult{}
	}
	if p.Notes == nil {
		p.Notes = []Note{}
	}
	if p.Findings == nil {
		p.Findings = []Finding{}
	}
	if p.People == nil {
		p.People = []PersonResult{}
	}
	if p.Agencies == nil {
		p.Agencies = []AgencyTotals{}
	}
	return p
}

// bare is p with only its named rooms (Named), as StoredParts gives every part.
func bare(p *Report) *Report {
	return &Report{AsOf: p.AsOf, Policy: p.Policy, Notes: p.Notes, Findings: p.Findings, People: p.People,
		Agencies: p.Agencies, Rooms: Named(p)}
}

// Named returns the rooms of p that its findings name, in the order first named, each with only its
// RoomID, Number, FloorID and AgencyID: what a report of the findings needs of them. A room a finding
// names that p does not hold (another agency's) is left out; the list is never nil.
func Named(p *Report) []RoomResult {
	named := map[uuid.UUID]bool{}
	for _, f := range p.Findings {
		for _, id := range f.RoomIDs {
			named[id] = true
		}
	}
	held := make(map[uuid.UUID]*RoomResult, len(named))
	for i := range p.Rooms {
		if r := &p.Rooms[i]; named[r.RoomID] {
			held[r.RoomID] = r
		}
	}
	out := make([]RoomResult, 0, len(held))
	for _, f := range p.Findings {
		for _, id := range f.RoomIDs {
			if r, ok := held[id]; ok {
				out = append(out, RoomResult{RoomID: r.RoomID, Number: r.Number, FloorID: r.FloorID, AgencyID: r.AgencyID})
				delete(held, id)
			}
		}
	}
	return out
}

// partAgency is the agency a part of EvaluateParts belongs to, as its contents say (uuid.Nil for an
// empty part).
func partAgency(p *Report) uuid.UUID {
	switch {
	case len(p.Agencies) > 0:
		return p.Agencies[0].AgencyID
	case len(p.Findings) > 0:
		return p.Findings[0].AgencyID
	case len(p.People) > 0:
		return p.People[0].AgencyID
	case len(p.Rooms) > 0:
		return p.Rooms[0].AgencyID
	}
	return uuid.Nil
}

// SplitByAgency splits a whole report into the parts of agencies (nil: uuid.Nil and every agency of the
// report's totals), as StoredParts gives them: ascending agency id, each with the report's AsOf, Policy and
// Notes, the agency's Findings, People and totals, and its rooms that they name (Named). It is the oracle of the tests of stored
// parts.
func SplitByAgency(rep *Report, agencies []uuid.UUID) []*Report {
	ids := slices.Clone(agencies)
	if agencies == nil {
		ids = append(ids, uuid.Nil)
		for _, t := range rep.Agencies {
			ids = append(ids, t.AgencyID)
		}
	}
	slices.SortFunc(ids, compareID)
	ids = slices.Compact(ids)
	out := make([]*Report, 0, len(ids))
	for _, id := range ids {
		p := &Report{AsOf: rep.AsOf, Policy: rep.Policy, Notes: rep.Notes, Rooms: []RoomResult{},
			Findings: []Finding{}, People: []PersonResult{}, Agencies: []AgencyTotals{}}
		for _, f := range rep.Findings {
			if f.AgencyID == id {
				p.Findings = append(p.Findings, f)
			}
		}
		for _, r := range rep.People {
			if r.AgencyID == id {
				p.People = append(p.People, r)
			}
		}
		for _, t := range rep.Agencies {
			if t.AgencyID == id {
				p.Agencies = append(p.Agencies, t)
			}
		}
		held := &Report{Findings: p.Findings}
		for _, r := range rep.Rooms {
			if r.AgencyID == id {
				held.Rooms = append(held.Rooms, r)
			}
		}
		p.Rooms = Named(held)
		out = append(out, p)
	}
	return out
}

// partResults is what EncodePartResults encodes of a part.
type partResults struct {
	Notes    []Note
	Findings []Finding
	People   []PersonResult
	Rooms    []RoomResult // the named rooms (Named)
}

// EncodePartResults is the compact encoding in which the stores keep a part's notes, findings, people and
// named rooms: the layout of partcodec.go, compressed with zstd (a province's agency has tens of thousands
// of people: its part is a few megabytes so, against some 25 MB of JSON).
func EncodePartResults(p StoredPart) ([]byte, error) {
	raw, err := encodePart(partResults{Notes: p.Notes, Findings: p.Findings, People: p.People, Rooms: p.Rooms})
	if err != nil {
		return nil, fmt.Errorf("floorplan: encode the part of agency %s: %w", p.AgencyID, err)
	}
	enc, err := partEncoder()
	if err != nil {
		return nil, err
	}
	return enc.EncodeAll(raw, nil), nil
}

// partEncoder and partDecoder are the zstd encoder and decoder of every part's results, made once: their
// EncodeAll and DecodeAll may be called from several goroutines at once, each call on one goroutine. (An
// encoder made for each part allocated and cleared its window every time: 10 of the 22 s of CPU that gen
// spent evaluating a million rooms.)
var (
	partEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	})
	partDecoder = sync.OnceValues(func() (*zstd.Decoder, error) { return zstd.NewReader(nil) })
)

// DecodePartResults sets the Notes, Findings, People and Rooms of p from b, an EncodePartResults encoding, as
// the engine makes them (empty lists, never nil).
func DecodePartResults(b []byte, p *StoredPart) error {
	dec, err := partDecoder()
	if err != nil {
		return err
	}
	raw, err := dec.DecodeAll(b, nil)
	if err != nil {
		return fmt.Errorf("floorplan: decode the part of agency %s: %w", p.AgencyID, err)
	}
	r, err := decodePart(raw)
	if err != nil {
		return fmt.Errorf("floorplan: decode the part of agency %s: %w", p.AgencyID, err)
	}
	for i := range r.Findings {
		if r.Findings[i].RoomIDs == nil {
			r.Findings[i].RoomIDs = []uuid.UUID{}
		}
	}
	for i := range r.People {
		if r.People[i].RoomIDs == nil {
			r.People[i].RoomIDs = []uuid.UUID{}
		}
	}
	p.Notes, p.Findings, p.People, p.Rooms = nonNil(r.Notes), nonNil(r.Findings), nonNil(r.People), nonNil(r.Rooms)
	return nil
}

// nonNil is v, or an empty slice for nil.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
