package storetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// RunCertificates runs the conformance tests of the usage certificates (floorplan.CertificateStore through
// the Register: issue, read by id and code, list, revoke once, validity now) on a store of its own from
// newStore for each test.
func RunCertificates(t *testing.T, newStore func(t *testing.T) floorplan.Store) {
	runSuite(t, newStore, []suiteTest{
		{"IssueAndRead", testCertificateIssue},
		{"Refused", testCertificateRefused},
		{"Revoke", testCertificateRevoke},
		{"Validity", testCertificateValidity},
	})
}

func testCertificateIssue(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	r1 := f.room(t, 0, "101", rect(0, 0, 5, 4))
	r2 := f.room(t, 1, "201", rect(0, 0, 6, 5))
	app := uuid.New()
	c, err := g.IssueCertificate(ctx, f.agencies[0].ID, []uuid.UUID{r1.ID, r2.ID}, app)
	must(t, err)
	if c.ID == uuid.Nil || !floorplan.ValidCertificateCode(c.Code) || c.IssuedBy != "bureau" || c.IssuedAt.IsZero() {
		t.Fatalf("issued %+v: want an id, a code, the actor and the time", c)
	}
	if len(c.Rooms) != 2 || c.Rooms[0].Number != "101" || c.Rooms[1].Floor != "2F" || c.Rooms[0].Building != "综合楼" {
		t.Errorf("rooms %+v: want 101 then 201 (2F) of 综合楼", c.Rooms)
	}
	if c.Rooms[0].AreaM2 != 20 || c.Rooms[1].AreaM2 != 30 || c.TotalAreaM2 != 50 {
		t.Errorf("areas %v, %v, total %v: want 20, 30, 50", c.Rooms[0].AreaM2, c.Rooms[1].AreaM2, c.TotalAreaM2)
	}
	got, err := f.s.Certificate(f.ctx, c.ID)
	must(t, err)
	byCode, err := f.s.CertificateByCode(f.ctx, c.Code)
	must(t, err)
	for _, x := range []floorplan.Certificate{got, byCode} {
		if x.ID != c.ID || x.Code != c.Code || x.AgencyID != f.agencies[0].ID || x.ApplicationID != app || len(x.Rooms) != 2 ||
			x.Rooms[1].ID != r2.ID || x.TotalAreaM2 != 50 || x.Revoked() || !x.IssuedAt.Equal(c.IssuedAt) {
			t.Errorf("read back %+v; want %+v", x, c)
		}
	}
	other := f.room(t, 0, "102", rect(10, 0, 14, 4))
	other.AgencyID = f.agencies[1].ID
	must(t, f.s.UpdateRoom(f.ctx, &other))
	c2, err := g.IssueCertificate(ctx, f.agencies[1].ID, []uuid.UUID{other.ID}, uuid.Nil)
	must(t, err)
	all, err := f.s.Certificates(f.ctx, floorplan.CertificateFilter{})
	must(t, err)
	mine, err := f.s.Certificates(f.ctx, floorplan.CertificateFilter{AgencyID: f.agencies[1].ID})
	must(t, err)
	if len(all) != 2 || len(mine) != 1 || mine[0].ID != c2.ID || mine[0].ApplicationID != uuid.Nil {
		t.Errorf("lists: all %d, agency's %d: want 2 and the second agency's one", len(all), len(mine))
	}
	if _, err := f.s.CertificateByCode(f.ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAA"); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown code: %v; want not found", err)
	}
	if _, err := f.s.Certificate(f.ctx, uuid.New()); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown id: %v; want not found", err)
	}
}

func testCertificateRefused(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	mine := f.room(t, 0, "101", rect(0, 0, 5, 4))
	theirs := f.room(t, 0, "102", rect(10, 0, 14, 4))
	theirs.AgencyID = f.agencies[1].ID
	must(t, f.s.UpdateRoom(f.ctx, &theirs))
	for _, tc := range []struct {
		name   string
		agency uuid.UUID
		rooms  []uuid.UUID
		field  string
	}{
		{"another agency's room", f.agencies[0].ID, []uuid.UUID{mine.ID, theirs.ID}, "room_ids[1]"},
		{"unknown room", f.agencies[0].ID, []uuid.UUID{uuid.New()}, "room_ids[0]"},
		{"no rooms", f.agencies[0].ID, nil, "room_ids"},
		{"twice", f.agencies[0].ID, []uuid.UUID{mine.ID, mine.ID}, "room_ids[1]"},
		{"no agency", uuid.Nil, []uuid.UUID{mine.ID}, "agency_id"},
		{"unknown agency", uuid.New(), []uuid.UUID{mine.ID}, "agency_id"},
	} {
		_, err := g.IssueCertificate(ctx, tc.agency, tc.rooms, uuid.Nil)
		wantField(t, tc.name, err, tc.field)
	}
	all, err := f.s.Certificates(f.ctx, floorplan.CertificateFilter{})
	must(t, err)
	if len(all) != 0 {
		t.Errorf("%d certificates after refusals; want none", len(all))
	}
}

func testCertificateRevoke(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	r := f.room(t, 0, "101", rect(0, 0, 5, 4))
	c, err := g.IssueCertificate(ctx, f.agencies[0].ID, []uuid.UUID{r.ID}, uuid.Nil)
	must(t, err)
	_, err = g.RevokeCertificate(ctx, c.ID, "  ")
	wantField(t, "no reason", err, "reason")
	got, err := g.RevokeCertificate(floorplan.WithActor(f.ctx, "leader"), c.ID, "重新分配")
	must(t, err)
	if !got.Revoked() || got.RevokedBy != "leader" || got.RevokeReason != "重新分配" {
		t.Errorf("revoked %+v: want by leader for 重新分配", got)
	}
	if _, err := g.RevokeCertificate(ctx, c.ID, "again"); !errors.Is(err, floorplan.ErrConflict) {
		t.Errorf("revoked twice: %v; want a conflict", err)
	}
	if _, err := g.RevokeCertificate(ctx, uuid.New(), "x"); !errors.Is(err, floorplan.ErrNotFound) {
		t.Errorf("unknown certificate: %v; want not found", err)
	}
	v, err := floorplan.CertificateValidity(f.ctx, f.s, got)
	must(t, err)
	if v.Valid || v.Reason == "" {
		t.Errorf("validity of a revoked certificate %+v; want invalid with a reason", v)
	}
}

func testCertificateValidity(t *testing.T, f *fixture) {
	g, ctx := f.register(), floorplan.WithActor(f.ctx, "bureau")
	r1 := f.room(t, 0, "101", rect(0, 0, 5, 4))
	r2 := f.room(t, 0, "102", rect(10, 0, 14, 4))
	c, err := g.IssueCertificate(ctx, f.agencies[0].ID, []uuid.UUID{r1.ID, r2.ID}, uuid.Nil)
	must(t, err)
	v, err := floorplan.CertificateValidity(f.ctx, f.s, c)
	must(t, err)
	if !v.Valid {
		t.Fatalf("fresh certificate: %+v; want valid", v)
	}
	r2.AgencyID = f.agencies[1].ID
	must(t, f.s.UpdateRoom(f.ctx, &r2))
	v, err = floorplan.CertificateValidity(f.ctx, f.s, c)
	must(t, err)
	if v.Valid || v.RoomID != r2.ID {
		t.Errorf("room 102 reallocated: %+v; want invalid naming room 102", v)
	}
	r2.AgencyID = f.agencies[0].ID
	must(t, f.s.UpdateRoom(f.ctx, &r2))
	must(t, f.s.DeleteRoom(f.ctx, r1.ID, r1.Version))
	v, err = floorplan.CertificateValidity(f.ctx, f.s, c)
	must(t, err)
	if v.Valid || v.RoomID != r1.ID {
		t.Errorf("room 101 deleted: %+v; want invalid naming room 101", v)
	}
}
