// Package sample is the built-in demo compound: a municipal administrative centre (市级机关集中办公区) by
// Changzhou's civic square, with its buildings, floors and rooms, the city's agencies and their staff in
// their offices, and a few cases an inspection (督查) should find. `officemap demo` loads it.
//
// The compound is described in compound.go as floor plans: each floor is a corridor with a row of bays
// on either side, and each bay holds one or more rooms (an office, an L-shaped office with a small room in
// its corner, a leader's suite of office, rest room and private toilet). The people are seated as the
// plans say; story.go then adds what the findings engine is there to catch — an over-standard office, a
// crowded shared room, a retired official still in his room, a second office without approval, an agency
// merged but not moved out, an idle room — one or more of each rule of floorplan.Rules. Once loaded,
// Handle acts out the online handling and the inspections through the register (handling.go, inspecting.go).
//
// Build is deterministic: the same day gives the same dataset, and every record's id is a name-based UUID
// that depends on the plan, not on the day, so that a reload gives the same ids. All dates are counted back
// from the day given, so that the findings are current whenever the demo runs.
package sample

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// Dataset is the demo register. Every slice lists parents before children: an agency's parent and
// successor come before it.
type Dataset struct {
	// Jurisdictions is the jurisdiction tree: 常州市 and four of its districts (辖市区), parents first.
	Jurisdictions []floorplan.Jurisdiction
	Sites         []floorplan.Site
	Buildings     []floorplan.Building
	Floors        []floorplan.Floor
	Rooms         []floorplan.Room
	Agencies      []floorplan.Agency
	People        []floorplan.Person
	Assignments   []floorplan.Assignment
	// Documents are the archive's documents with their bytes, and LedgerEntries the ledger's lines of this
	// year (archive.go).
	Documents     []SampleDocument
	LedgerEntries []floorplan.LedgerEntry
	// RegistrationChanges, FilingSteps and TimelineEvents are the registration's history, the filing path and
	// the manual timeline events of the filed turnover building (archive.go).
	RegistrationChanges []floorplan.RegistrationChange
	FilingSteps         []floorplan.FilingStep
	TimelineEvents      []floorplan.TimelineEvent

	// cast are the day and records the demo's online handling and inspections act on (Handle).
	cast cast
}

// Build returns the demo compound as it stands on day today (taken as a calendar day): dates of
// assignments, retirements, mergers and idle rooms are counted back from it.
func Build(today time.Time) *Dataset {
	g := newGen(floorplan.DayOf(today))
	g.jurisdictions()
	g.agencies()
	g.sites()
	g.compound()
	g.story()
	g.approvals()
	g.archive()
	g.castRooms()
	return g.d
}

// Load writes the dataset through the register in one transaction (Register.Batch): agencies (parents first), sites,
// buildings, floors, rooms, people and assignments, the archive's documents (their bytes in the store) and the
// ledger's entries, with their fixed ids. Either all of it is written or
// none. The dataset itself is not changed: each record is copied before the store's Create method fills
// it in.
func (d *Dataset) Load(ctx context.Context, reg *floorplan.Register) error {
	_, err := reg.Batch(ctx, floorplan.Request{What: "sample"}, func(tx floorplan.Store) error {
		if err := create(ctx, d.Jurisdictions, tx.CreateJurisdiction, func(j floorplan.Jurisdiction) string { return "jurisdiction " + j.Name }); err != nil {
			return err
		}
		if err := create(ctx, d.Agencies, tx.CreateAgency, func(a floorplan.Agency) string { return "agency " + a.Name }); err != nil {
			return err
		}
		if err := create(ctx, d.Sites, tx.CreateSite, func(s floorplan.Site) string { return "site " + s.Name }); err != nil {
			return err
		}
		if err := create(ctx, d.Buildings, tx.CreateBuilding, func(b floorplan.Building) string { return "building " + b.Name }); err != nil {
			return err
		}
		if err := create(ctx, d.Floors, tx.CreateFloor, func(f floorplan.Floor) string { return "floor " + f.Name + " (" + f.ID.String() + ")" }); err != nil {
			return err
		}
		if err := create(ctx, d.Rooms, tx.CreateRoom, func(r floorplan.Room) string { return "room " + r.Number + r.Name + " (" + r.ID.String() + ")" }); err != nil {
			return err
		}
		if err := create(ctx, d.People, tx.CreatePerson, func(p floorplan.Person) string { return "person " + p.Name }); err != nil {
			return err
		}
		if err := create(ctx, d.Assignments, tx.CreateAssignment, func(a floorplan.Assignment) string { return "assignment " + a.ID.String() }); err != nil {
			return err
		}
		for _, doc := range d.Documents {
			c := doc.Document
			if err := tx.Blobs().Put(ctx, c.SHA256, c.Size, bytes.NewReader(doc.Data)); err != nil {
				return fmt.Errorf("sample: document %s: %w", c.Name, err)
			}
			if err := tx.CreateDocument(ctx, &c); err != nil {
				return fmt.Errorf("sample: document %s: %w", c.Name, err)
			}
		}
		if err := create(ctx, d.LedgerEntries, tx.AddLedgerEntry, func(e floorplan.LedgerEntry) string { return "ledger entry " + string(e.Kind) }); err != nil {
			return err
		}
		if err := create(ctx, d.RegistrationChanges, tx.AddRegistrationChange, func(c floorplan.RegistrationChange) string { return "registration change " + string(c.State) }); err != nil {
			return err
		}
		if err := create(ctx, d.FilingSteps, tx.AddFilingStep, func(s floorplan.FilingStep) string { return "filing step " + string(s.Step) }); err != nil {
			return err
		}
		return create(ctx, d.TimelineEvents, tx.AddTimelineEvent, func(e floorplan.TimelineEvent) string { return "timeline event " + e.Title })
	})
	return err
}

// create writes copies of recs with fn, naming the failing record in the error.
func create[T any](ctx context.Context, recs []T, fn func(context.Context, *T) error, what func(T) string) error {
	for _, r := range recs {
		c := r
		if err := fn(ctx, &c); err != nil {
			return fmt.Errorf("sample: %s: %w", what(r), err)
		}
	}
	return nil
}

// newID returns the fixed id of the record of a kind with a key: a name-based (SHA-1, version 5) UUID, the
// same on every build whatever the day.
func newID(kind, key string) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:officemap:sample:"+kind+":"+key))
}
