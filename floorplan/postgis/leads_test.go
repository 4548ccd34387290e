package postgis_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"officemap/floorplan"
	"officemap/floorplan/postgis"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestLeads runs the conformance tests of the leads (migrations/0028_leads.sql).
func TestLeads(t *testing.T) {
	storetest.RunLeads(t, func(t *testing.T) floorplan.Store {
		return &agedStore{Store: pgtest.NewStore(t, postgis.WithLocation(conformanceZone))}
	})
}

// TestLeadsNeverDeleted: the database itself refuses to delete a lead, to give it an unknown source or
// state, and to mark it triaged without an item.
func TestLeadsNeverDeleted(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	dbURL := pgtest.NewDB(t)
	s, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := floorplan.Lead{Source: floorplan.LeadHotline, ReceivedOn: floorplan.Day(2026, 3, 2), Text: "12345 来电", State: floorplan.LeadOpen}
	if err := s.CreateLead(ctx, &l); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{`DELETE FROM leads`, `UPDATE leads SET source = 'letter'`, `UPDATE leads SET state = 'lost'`,
		`UPDATE leads SET state = 'triaged'`} {
		if _, err := conn.Exec(ctx, q); err == nil {
			t.Errorf("%s: the database allowed it", q)
		}
	}
}
