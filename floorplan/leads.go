package floorplan

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Leads (线索, issue 18): what reaches the inspectors from the 12345 hotline, the public, the internet,
// the media or a higher level, kept as records and followed to the end: each is linked to the rooms,
// people and agencies it is about, and is either triaged into an inspection item (a manual item on a
// started plan, register_leads.go) or closed with a reason. The contact of whoever gave it is personal:
// only inspectors and the bureau see it. Leads are never deleted; every change goes through the Register.

// EntityLead is the entity of leads, for the permission hook and the audit log.
const EntityLead Entity = "lead"

// LeadSource is where a lead came from.
type LeadSource string

// The sources of a lead.
const (
	LeadHotline     LeadSource = "hotline_12345" // 12345 政务服务便民热线
	LeadPublic      LeadSource = "public"        // 群众来信来访
	LeadInternet    LeadSource = "internet"      // 网络
	LeadMedia       LeadSource = "media"         // 媒体
	LeadHigherLevel LeadSource = "higher_level"  // 上级交办
	LeadOther       LeadSource = "other"
)

// LeadSources lists every source, in display order.
var LeadSources = []LeadSource{LeadHotline, LeadPublic, LeadInternet, LeadMedia, LeadHigherLevel, LeadOther}

// The states of a lead: open until it is triaged into an inspection item or closed with a reason.
const (
	LeadOpen    = "open"
	LeadTriaged = "triaged"
	LeadClosed  = "closed"
)

// LeadStates lists every state of a lead.
var LeadStates = []string{LeadOpen, LeadTriaged, LeadClosed}

// RoleBureauAdmin is the bureau's role (机关事务管理局), for the permission hook.
const RoleBureauAdmin = "bureau_admin"

// LeadRoles are the roles that make and close leads (the permission hook checks the one given where the
// lead's records are); triage needs an inspector, as every inspection item does.
var LeadRoles = []string{RoleInspector, RoleBureauAdmin}

// Limits of a lead.
const (
	maxLeadText  = 3000 // the text, so that the item it becomes keeps it whole in its notes (4000)
	maxLeadLinks = 50   // of each kind
	maxLeadNote  = 2000 // the reason it was closed
)

// LeadContact is who gave a lead, when they left a name or a number: personal data.
type LeadContact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// LeadPlace is where one record a lead names stands, as it stood when the lead was written: its agency
// (uuid.Nil: none), and for a room its building and floor. Scopes and the permission hook place the lead
// by them.
type LeadPlace struct {
	AgencyID   uuid.UUID `json:"agency_id,omitzero"`
	BuildingID uuid.UUID `json:"building_id,omitzero"`
	FloorID    uuid.UUID `json:"floor_id,omitzero"`
}

// Lead is one lead (线索).
type Lead struct {
	ID         uuid.UUID   `json:"id"`
	Source     LeadSource  `json:"source"`
	ReceivedOn time.Time   `json:"received_on"`
	Text       string      `json:"text"`
	Contact    LeadContact `json:"contact"`
	// The records the lead is about, validated as live when it is written.
	RoomIDs   []uuid.UUID `json:"room_ids"`
	PersonIDs []uuid.UUID `json:"person_ids"`
	AgencyIDs []uuid.UUID `json:"agency_ids"`
	// Places are where those records stood (the register fills them): one per distinct place.
	Places []LeadPlace `json:"places"`
	State  string      `json:"state"`
	// InspectionID and ItemID are the plan and the item a triaged lead became.
	InspectionID uuid.UUID `json:"inspection_id,omitzero"`
	ItemID       uuid.UUID `json:"item_id,omitzero"`
	// Reason is why a closed lead was closed.
	Reason string `json:"reason,omitempty"`
	// CreatedBy is who recorded it; HandledBy and HandledAt who triaged or closed it, and when.
	CreatedBy string    `json:"created_by"`
	HandledBy string    `json:"handled_by,omitempty"`
	HandledAt time.Time `json:"handled_at,omitzero"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the lead's own fields: a known source and state, the day it was received, its text,
// the contact and the links (each at most maxLeadLinks, none twice).
func (l *Lead) Validate() error {
	if !slices.Contains(LeadSources, l.Source) {
		return fieldError("lead", "source", FieldOutOfRange, "is %q, not one of hotline_12345, public, internet, media, higher_level, other", l.Source)
	}
	if !slices.Contains(LeadStates, l.State) {
		return fieldError("lead", "state", FieldOutOfRange, "is %q, not one of open, triaged, closed", l.State)
	}
	if l.ReceivedOn.IsZero() {
		return fieldError("lead", "received_on", FieldOutOfRange, "is required: the day the lead was received")
	}
	if strings.TrimSpace(l.Text) == "" {
		return fieldError("lead", "text", FieldOutOfRange, "is required: what the lead says")
	}
	for _, f := range []struct {
		name, value string
		rule        TextRule
	}{{"text", l.Text, TextRule{MaxRunes: maxLeadText, Lines: true}}, {"contact.name", l.Contact.Name, TextRule{MaxRunes: 100}},
		{"contact.phone", l.Contact.Phone, TextRule{MaxRunes: 40}}, {"reason", l.Reason, TextRule{MaxRunes: maxLeadNote, Lines: true}}} {
		if err := checkText(recordLabel{kind: "lead"}, f.name, f.value, f.rule); err != nil {
			return err
		}
	}
	for _, r := range l.Contact.Phone {
		if !strings.ContainsRune("0123456789+-() ", r) {
			return fieldError("lead", "contact.phone", FieldOutOfRange, "is %q: digits, spaces and + - ( ) only", l.Contact.Phone)
		}
	}
	for _, links := range []struct {
		name string
		ids  []uuid.UUID
	}{{"room_ids", l.RoomIDs}, {"person_ids", l.PersonIDs}, {"agency_ids", l.AgencyIDs}} {
		if len(links.ids) > maxLeadLinks {
			return fieldError("lead", links.name, FieldOutOfRange, "has %d records, more than %d", len(links.ids), maxLeadLinks)
		}
		for i, id := range links.ids {
			if id == uuid.Nil || slices.Index(links.ids, id) != i {
				return fieldError("lead", fmt.Sprintf("%s[%d]", links.name, i), FieldOutOfRange, "is %s: empty or given twice", id)
			}
		}
	}
	return nil
}

// Agencies returns the distinct agencies of the lead's places, in order.
func (l Lead) Agencies() []uuid.UUID {
	var out []uuid.UUID
	for _, p := range l.Places {
		if p.AgencyID != uuid.Nil && !slices.Contains(out, p.AgencyID) {
			out = append(out, p.AgencyID)
		}
	}
	return out
}

// LeadFilter selects leads; zero fields select all.
type LeadFilter struct {
	State  string
	Source LeadSource
}

// LeadStore keeps the leads. CreateLead assigns the ID (when Nil), Version 1 and the times; UpdateLead
// writes the version given (stale: ErrConflict; unknown: ErrNotFound) and moves the version on; a
// triaged lead's item must exist (else ErrNotFound). Nothing is ever deleted.
type LeadStore interface {
	LeadReader
	CreateLead(ctx context.Context, l *Lead) error
	UpdateLead(ctx context.Context, l *Lead) error
}

// LeadReader reads leads (for the HTTP handlers).
type LeadReader interface {
	Lead(ctx context.Context, id uuid.UUID) (Lead, error)
	// Leads lists the leads f selects, oldest received first.
	Leads(ctx context.Context, f LeadFilter) ([]Lead, error)
}

// Body returns the part of l the stores keep as one JSON document: all but the indexed columns (id,
// source, state, received_on, item) and the times and version.
func (l Lead) Body() ([]byte, error) {
	b := l
	b.ID, b.Source, b.State, b.ReceivedOn, b.ItemID = uuid.Nil, "", "", time.Time{}, uuid.Nil
	b.Version, b.CreatedAt, b.UpdatedAt = 0, time.Time{}, time.Time{}
	return json.Marshal(b)
}

// SetBody fills l from a document Body wrote, keeping the indexed columns already read.
func (l *Lead) SetBody(b []byte) error {
	var x Lead
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	x.ID, x.Source, x.State, x.ReceivedOn, x.ItemID = l.ID, l.Source, l.State, l.ReceivedOn, l.ItemID
	x.Version, x.CreatedAt, x.UpdatedAt = l.Version, l.CreatedAt, l.UpdatedAt
	for _, s := range []*[]uuid.UUID{&x.RoomIDs, &x.PersonIDs, &x.AgencyIDs} {
		if *s == nil {
			*s = []uuid.UUID{}
		}
	}
	if x.Places == nil {
		x.Places = []LeadPlace{}
	}
	*l = x
	return nil
}
