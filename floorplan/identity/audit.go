package identity

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrChainBroken is wrapped by Verify's error when the audit chain does not hold.
var ErrChainBroken = errors.New("identity: audit chain broken")

// chainDomain starts the canonical encoding, so that an audit hash cannot be mistaken for any other
// SHA-256 in officemap, and a later encoding can change the version.
const chainDomain = "officemap/audit/v1\x00"

// Chain returns the hash of r: the hex SHA-256 of its canonical encoding, which holds every field but
// Hash, each unambiguously — Seq as 8 bytes big-endian, At as its Unix microseconds in 8 bytes,
// UserID's 16 bytes, and each string as its length in 8 bytes followed by its bytes.
func Chain(r AuditRecord) string {
	h := sha256.New()
	var n [8]byte
	putInt := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	putString := func(s string) {
		putInt(uint64(len(s)))
		h.Write([]byte(s))
	}
	h.Write([]byte(chainDomain))
	putInt(uint64(r.Seq))
	putInt(uint64(r.At.UnixMicro()))
	h.Write(r.UserID[:])
	for _, s := range [...]string{r.Username, r.Role, r.Addr, r.Action, r.Target, r.Outcome, r.Detail, r.PrevHash} {
		putString(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal makes r the record after prev: it sets r.Seq to prev.Seq+1 when r.Seq is zero, r.PrevHash to
// prev.Hash ("" when prev is the zero record: r is the first), and r.Hash to Chain(r). It first puts
// r in the form every store holds exactly — At in UTC to the microsecond, strings valid UTF-8
// without NUL bytes — so that the hash still checks after a round trip through any store.
func Seal(prev, r AuditRecord) AuditRecord {
	if r.Seq == 0 {
		r.Seq = prev.Seq + 1
	}
	r.At = r.At.UTC().Truncate(time.Microsecond)
	for _, s := range []*string{&r.Username, &r.Role, &r.Addr, &r.Action, &r.Target, &r.Outcome, &r.Detail} {
		*s = storable(*s)
	}
	r.PrevHash = prev.Hash
	r.Hash = Chain(r)
	return r
}

// storable returns s as valid UTF-8 without NUL bytes, which PostgreSQL's text refuses.
func storable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// Verify checks a run of audit records in Seq order, as Store.Audit returns them: every record's Hash
// is Chain of its fields, its Seq follows the one before without a gap, and its PrevHash is the Hash
// of the one before. It returns 0 and nil when the chain holds, else the Seq of the first broken
// record — the one changed, or the one after a record removed — and an error wrapping ErrChainBroken
// that says what is wrong.
//
// The records may start after Seq 1 only when the log was purged: then its PrevHash is the purged
// head's Hash, which is no longer there to check, and the records must hold the "audit.purge" record
// that announced the purge (Service.PurgeAudit writes it before purging); without one, the first
// record is named, as the one after records removed. Removing the last records leaves no trace in
// the chain; compare the head with what the server last wrote.
func Verify(records []AuditRecord) (firstBroken int64, err error) {
	var v verifier
	for _, r := range records {
		if seq, err := v.next(r); err != nil {
			return seq, err
		}
	}
	return v.done()
}

// ActionAuditPurge is the action of the record that announces a purge of the audit log.
const ActionAuditPurge = "audit.purge"

// verifier checks a chain one record at a time, so that a long log can be read in pages.
type verifier struct {
	prev    AuditRecord
	started bool
	first   int64 // Seq of the first record
	purged  bool  // a purge was announced
}

// done completes the check once every record has been through next.
func (v *verifier) done() (int64, error) {
	if v.started && v.first > 1 && !v.purged {
		return v.first, fmt.Errorf("%w at record %d: the log starts there and records no purge", ErrChainBroken, v.first)
	}
	return 0, nil
}

func (v *verifier) next(r AuditRecord) (int64, error) {
	expect := r.Seq // the Seq of the record at this place in the chain
	if v.started {
		expect = v.prev.Seq + 1
	}
	broken := func(seq int64, format string, args ...any) (int64, error) {
		return seq, fmt.Errorf("%w at record %d: %s", ErrChainBroken, seq, fmt.Sprintf(format, args...))
	}
	switch {
	case Chain(r) != r.Hash:
		return broken(expect, "its hash does not match its contents")
	case !v.started && r.Seq < 1:
		return broken(r.Seq, "sequence number %d", r.Seq)
	case !v.started && r.Seq == 1 && r.PrevHash != "":
		return broken(1, "the first record has a previous hash")
	case v.started && r.Seq != expect:
		return broken(r.Seq, "follows record %d", v.prev.Seq)
	case v.started && r.PrevHash != v.prev.Hash:
		return broken(r.Seq, "its previous hash is not record %d's hash", v.prev.Seq)
	}
	if !v.started {
		v.first = r.Seq
	}
	v.purged = v.purged || r.Action == ActionAuditPurge
	v.prev, v.started = r, true
	return 0, nil
}
