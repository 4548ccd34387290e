package postgis_test

import (
	"context"
	"testing"

	"officemap/floorplan"
	"officemap/floorplan/postgis/pgtest"
	"officemap/floorplan/storetest"
)

// TestLeads runs the conformance tests of the leads (migrations/0028_leads.sql).
func TestLeads(t *testing.T) {
	storetest.RunLeads(t, newAgedStore)
}

// TestLeadsNeverDeleted: the database itself refuses to delete a lead, to give it an unknown source or
// state, and to mark it triaged without an item.
func TestLeadsNeverDeleted(t *testing.T) {
	ctx := floorplan.WithActor(context.Background(), "test")
	url := pgtest.NewDB(t)
	s := openStoreOn(t, url)
	l := floorplan.Lead{Source: floorplan.LeadHotline, ReceivedOn: floorplan.Day(2026, 3, 2), Text: "12345 来电", State: floorplan.LeadOpen}
	must(t, s.CreateLead(ctx, &l))
	refusedByDatabase(t, ctx, url, `DELETE FROM leads`, `UPDATE leads SET source = 'letter'`, `UPDATE leads SET state = 'lost'`,
		`UPDATE leads SET state = 'triaged'`)
}
