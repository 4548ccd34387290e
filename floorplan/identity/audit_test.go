package identity_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan/identity"
)

// chain seals n records the way a store does.
func chain(n int) []identity.AuditRecord {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var rs []identity.AuditRecord
	var prev identity.AuditRecord
	for i := range n {
		r := identity.Seal(prev, identity.AuditRecord{
			At: t0.Add(time.Duration(i) * time.Second), UserID: uuid.New(), Username: fmt.Sprint("user", i),
			Role: "planner", Addr: "192.0.2.1", Action: "write.room.update", Target: fmt.Sprint("room ", i),
			Outcome: identity.OutcomeOK, Detail: `{"change":` + fmt.Sprint(i) + `}`,
		})
		rs = append(rs, r)
		prev = r
	}
	return rs
}

func TestSeal(t *testing.T) {
	rs := chain(3)
	for i, r := range rs {
		if r.Seq != int64(i+1) || r.Hash != identity.Chain(r) || len(r.Hash) != 64 {
			t.Errorf("record %d: Seq %d Hash %q", i, r.Seq, r.Hash)
		}
	}
	if rs[0].PrevHash != "" || rs[1].PrevHash != rs[0].Hash || rs[2].PrevHash != rs[1].Hash {
		t.Error("PrevHash is not the previous record's Hash")
	}
	// Seal puts a record in the form every store keeps exactly.
	r := identity.Seal(identity.AuditRecord{}, identity.AuditRecord{
		At:     time.Date(2026, 3, 2, 17, 0, 0, 123456789, time.FixedZone("CST", 8*3600)),
		Detail: "a\x00b\xffc",
	})
	if r.At.Location() != time.UTC || r.At.Nanosecond() != 123456000 || r.At.Hour() != 9 {
		t.Errorf("At = %v, want UTC to the microsecond", r.At)
	}
	if r.Detail != "a\uFFFDb\uFFFDc" {
		t.Errorf("Detail = %q, want NUL and invalid UTF-8 replaced", r.Detail)
	}
	// An explicit Seq is kept.
	if r := identity.Seal(rs[2], identity.AuditRecord{Seq: 9}); r.Seq != 9 {
		t.Errorf("Seal changed an explicit Seq to %d", r.Seq)
	}
}

// TestChainUnambiguous checks that moving bytes from one field to the next changes the hash: the
// encoding is length-prefixed, not concatenated.
func TestChainUnambiguous(t *testing.T) {
	a := identity.AuditRecord{Username: "ab", Role: "c"}
	b := identity.AuditRecord{Username: "a", Role: "bc"}
	c := identity.AuditRecord{Action: "x", Target: ""}
	d := identity.AuditRecord{Action: "", Target: "x"}
	if identity.Chain(a) == identity.Chain(b) || identity.Chain(c) == identity.Chain(d) {
		t.Error("records whose fields concatenate to the same bytes have the same hash")
	}
	// Time zones do not matter, microseconds do.
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if identity.Chain(identity.AuditRecord{At: t0}) != identity.Chain(identity.AuditRecord{At: t0.In(time.FixedZone("CST", 8*3600))}) {
		t.Error("the hash depends on the time zone of At")
	}
	if identity.Chain(identity.AuditRecord{At: t0}) == identity.Chain(identity.AuditRecord{At: t0.Add(time.Microsecond)}) {
		t.Error("the hash ignores microseconds")
	}
}

func TestVerifyTamper(t *testing.T) {
	fields := []struct {
		name   string
		tamper func(*identity.AuditRecord)
	}{
		{"Seq", func(r *identity.AuditRecord) { r.Seq += 100 }},
		{"At", func(r *identity.AuditRecord) { r.At = r.At.Add(time.Microsecond) }},
		{"UserID", func(r *identity.AuditRecord) { r.UserID = uuid.New() }},
		{"Username", func(r *identity.AuditRecord) { r.Username += "x" }},
		{"Role", func(r *identity.AuditRecord) { r.Role = "bureau_admin" }},
		{"Addr", func(r *identity.AuditRecord) { r.Addr = "10.0.0.1" }},
		{"Action", func(r *identity.AuditRecord) { r.Action = "read" }},
		{"Target", func(r *identity.AuditRecord) { r.Target = "" }},
		{"Outcome", func(r *identity.AuditRecord) { r.Outcome = identity.OutcomeDenied }},
		{"Detail", func(r *identity.AuditRecord) { r.Detail += " " }},
		{"PrevHash", func(r *identity.AuditRecord) { r.PrevHash = "00" + r.PrevHash }},
		{"Hash", func(r *identity.AuditRecord) { r.Hash = identity.Chain(identity.AuditRecord{}) }},
		// Rewriting a record and its hash is caught by the next record.
		{"Detail and Hash", func(r *identity.AuditRecord) { r.Detail = "rewritten"; r.Hash = identity.Chain(*r) }},
	}
	const n = 5
	intact := chain(n)
	if seq, err := identity.Verify(intact); seq != 0 || err != nil {
		t.Fatalf("Verify of an intact chain = %d, %v", seq, err)
	}
	for _, f := range fields {
		for i := range n {
			t.Run(fmt.Sprintf("%s/record %d", f.name, i+1), func(t *testing.T) {
				rs := slices.Clone(intact)
				f.tamper(&rs[i])
				want := int64(i + 1)
				switch {
				case f.name == "Seq" && i == 0:
					want = rs[0].Seq // nothing before it says what it was
				case f.name == "Detail and Hash":
					if i == n-1 {
						return // the head rewritten with its hash: only the next record would tell
					}
					want = int64(i + 2)
				}
				seq, err := identity.Verify(rs)
				if seq != want || !errors.Is(err, identity.ErrChainBroken) {
					t.Errorf("Verify = %d, %v; want %d", seq, err, want)
				}
			})
		}
	}
}

func TestVerifyRemoved(t *testing.T) {
	const n = 5
	intact := chain(n)
	for i := range n - 1 { // removing the last record leaves no trace
		t.Run(fmt.Sprintf("record %d", i+1), func(t *testing.T) {
			rs := slices.Delete(slices.Clone(intact), i, i+1)
			seq, err := identity.Verify(rs)
			if seq != int64(i+2) || !errors.Is(err, identity.ErrChainBroken) {
				t.Errorf("Verify = %d, %v; want %d, the next record", seq, err, i+2)
			}
		})
	}
	t.Run("records swapped", func(t *testing.T) {
		rs := slices.Clone(intact)
		rs[1], rs[2] = rs[2], rs[1]
		if seq, err := identity.Verify(rs); seq != 3 || err == nil {
			t.Errorf("Verify = %d, %v; want 3", seq, err)
		}
	})
	t.Run("record inserted", func(t *testing.T) {
		forged := identity.Seal(intact[1], identity.AuditRecord{Action: "user.role", Detail: "forged"})
		rs := slices.Insert(slices.Clone(intact), 2, forged)
		if seq, err := identity.Verify(rs); seq != 3 || err == nil {
			t.Errorf("Verify = %d, %v; want 3, the record that follows the forged one", seq, err)
		}
	})
}

func TestVerifyPurged(t *testing.T) {
	rs := chain(6)
	// A purge announced in the log kept: the log may start after 1.
	announced := identity.Seal(rs[5], identity.AuditRecord{Action: identity.ActionAuditPurge, Outcome: identity.OutcomeOK})
	kept := append(slices.Clone(rs[3:]), announced)
	if seq, err := identity.Verify(kept); seq != 0 || err != nil {
		t.Errorf("Verify of a purged log = %d, %v", seq, err)
	}
	if seq, err := identity.Verify(nil); seq != 0 || err != nil {
		t.Errorf("Verify of an empty log = %d, %v", seq, err)
	}
	// The first records removed without a purge: the first kept record is named.
	if seq, err := identity.Verify(rs[3:]); seq != 4 || !errors.Is(err, identity.ErrChainBroken) {
		t.Errorf("Verify of a log cut without a purge = %d, %v; want 4", seq, err)
	}
	// A first record with Seq 1 and a previous hash is forged.
	forged := identity.Seal(identity.AuditRecord{Hash: "ab"}, identity.AuditRecord{Seq: 1})
	if seq, err := identity.Verify([]identity.AuditRecord{forged}); seq != 1 || err == nil {
		t.Errorf("Verify of a first record with a previous hash = %d, %v; want 1", seq, err)
	}
}
