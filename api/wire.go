package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The wire types: the JSON of each resource, snake_case, with dates as YYYY-MM-DD and optional
// references as null. They are separate from the domain types so that the API's shape is decided here,
// in one place, and documented from the same types (openapi.go).

// date is a calendar day on the wire: "YYYY-MM-DD", or null when unset. An RFC 3339 time is accepted on
// input and reduced to its day.
type date struct{ time.Time }

func dateOf(t time.Time) date { return date{t} }

func (d date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(floorplan.DateLayout) + `"`), nil
}

func (d *date) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		d.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return &valueError{fmt.Sprintf("a date must be a string YYYY-MM-DD, not %s", data)}
	}
	if s == "" {
		d.Time = time.Time{}
		return nil
	}
	if t, err := time.Parse(floorplan.DateLayout, s); err == nil {
		d.Time = t
		return nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		d.Time = floorplan.DayOf(t)
		return nil
	}
	return &valueError{fmt.Sprintf("date %q is not YYYY-MM-DD", s)}
}

// valueError is a bad value inside a JSON body, found by a wire type's decoder.
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

// optID is an optional reference to another entity: a UUID string, or null for none.
type optID uuid.UUID

func (o optID) UUID() uuid.UUID { return uuid.UUID(o) }

func (o optID) MarshalJSON() ([]byte, error) {
	if uuid.UUID(o) == uuid.Nil {
		return []byte("null"), nil
	}
	return []byte(`"` + uuid.UUID(o).String() + `"`), nil
}

func (o *optID) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		*o = optID(uuid.Nil)
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return &valueError{fmt.Sprintf("an id must be a UUID string or null, not %s", data)}
	}
	if s == "" {
		*o = optID(uuid.Nil)
		return nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return &valueError{fmt.Sprintf("%q is not a UUID", s)}
	}
	*o = optID(id)
	return nil
}

// siteJSON is a site (房产) on the wire.
type siteJSON struct {
	ID        uuid.UUID    `json:"id"`
	Name      string       `json:"name"`
	Address   string       `json:"address"`
	Category  string       `json:"category"`
	Ownership string       `json:"ownership" enum:"registered,to_register,filing,filed,unclear,disputed"`
	Records   []recordJSON `json:"records"`
	Note      string       `json:"note"`
	// JurisdictionID is the district the property lies in (null: the city level).
	JurisdictionID optID `json:"jurisdiction_id"`
	Version        int64 `json:"version" readonly:"true"`
}

type recordJSON struct {
	Kind     string `json:"kind"`
	Number   string `json:"number"`
	IssuedOn date   `json:"issued_on"`
	Holder   string `json:"holder"`
	Note     string `json:"note"`
	// AreaM2 is the title's building area (建筑面积), 0 when it gives none.
	AreaM2 float64 `json:"area_m2"`
	// ExpiresOn is the day the land-use right ends (土地使用权终止日期), null when none; not before issued_on.
	ExpiresOn date `json:"expires_on"`
	// DocumentID is the scan of the title: a live document of this property's archive, null for none.
	DocumentID optID `json:"document_id"`
}

func siteOut(s floorplan.Site) siteJSON {
	out := siteJSON{ID: s.ID, Name: s.Name, Address: s.Address, Category: s.Category,
		Ownership: string(s.Ownership), Records: make([]recordJSON, 0, len(s.Records)), Note: s.Note,
		JurisdictionID: optID(s.JurisdictionID), Version: s.Version}
	for _, r := range s.Records {
		out.Records = append(out.Records, recordJSON{Kind: r.Kind, Number: r.Number, IssuedOn: dateOf(r.IssuedOn),
			Holder: r.Holder, Note: r.Note, AreaM2: r.AreaM2, ExpiresOn: dateOf(r.ExpiresOn), DocumentID: optID(r.DocumentID)})
	}
	return out
}

func (j siteJSON) recordID() uuid.UUID { return j.ID }

func (j siteJSON) domain() floorplan.Site {
	s := floorplan.Site{ID: j.ID, Name: j.Name, Address: j.Address, Category: j.Category,
		Ownership: floorplan.OwnershipStatus(j.Ownership), Note: j.Note, Records: []floorplan.OwnershipRecord{},
		JurisdictionID: j.JurisdictionID.UUID()}
	for _, r := range j.Records {
		s.Records = append(s.Records, floorplan.OwnershipRecord{Kind: r.Kind, Number: r.Number,
			IssuedOn: r.IssuedOn.Time, Holder: r.Holder, Note: r.Note, AreaM2: r.AreaM2, ExpiresOn: r.ExpiresOn.Time,
			DocumentID: r.DocumentID.UUID()})
	}
	return s
}

// agencyJSON is an agency (使用单位) on the wire.
type agencyJSON struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	ShortName string    `json:"short_name"`
	// Code is the bureau's own key for the agency (统一社会信用代码 or an internal code); "" for none.
	Code           string  `json:"code"`
	Level          string  `json:"level" enum:"central,provincial,municipal,county,township"`
	Scale          string  `json:"scale" enum:",central,provincial,municipal,county,township"`
	ParentID       optID   `json:"parent_id"`
	Headcount      int     `json:"headcount"`
	ApprovedAreaM2 float64 `json:"approved_area_m2"`
	Status         string  `json:"status" enum:"active,merged,abolished"`
	StatusDate     date    `json:"status_date"`
	SuccessorID    optID   `json:"successor_id"`
	// JurisdictionID is the district the agency belongs to (null: its parent's, or the city level).
	JurisdictionID optID `json:"jurisdiction_id"`
	Version        int64 `json:"version" readonly:"true"`
}

func agencyOut(a floorplan.Agency) agencyJSON {
	return agencyJSON{ID: a.ID, Name: a.Name, ShortName: a.ShortName, Code: a.Code, Level: string(a.Level),
		Scale:    string(a.Scale),
		ParentID: optID(a.ParentID), Headcount: a.Headcount, ApprovedAreaM2: a.ApprovedAreaM2,
		Status: string(a.Status), StatusDate: dateOf(a.StatusDate), SuccessorID: optID(a.SuccessorID),
		JurisdictionID: optID(a.JurisdictionID), Version: a.Version}
}

func (j agencyJSON) recordID() uuid.UUID { return j.ID }

func (j agencyJSON) domain() floorplan.Agency {
	status := floorplan.AgencyStatus(j.Status)
	if status == "" {
		status = floorplan.AgencyActive
	}
	return floorplan.Agency{ID: j.ID, Name: j.Name, ShortName: j.ShortName, Code: j.Code, Level: floorplan.AdminLevel(j.Level),
		Scale: floorplan.AdminLevel(j.Scale), ParentID: j.ParentID.UUID(), Headcount: j.Headcount,
		ApprovedAreaM2: j.ApprovedAreaM2, Status: status, StatusDate: j.StatusDate.Time,
		SuccessorID: j.SuccessorID.UUID(), JurisdictionID: j.JurisdictionID.UUID()}
}

// personJSON is a member of staff on the wire.
type personJSON struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	// StaffNo is the bureau's key for the person (工号); "" for none. Personal data, as the name.
	StaffNo    string     `json:"staff_no"`
	AgencyID   uuid.UUID  `json:"agency_id"`
	Rank       string     `json:"rank" enum:"minister,vice_minister,bureau,vice_bureau,division,vice_division,section,vice_section,staff"`
	Title      string     `json:"title"`
	Posts      []postJSON `json:"posts"`
	Status     string     `json:"status" enum:"active,retired,transferred"`
	StatusDate date       `json:"status_date"`
	CreatedAt  *time.Time `json:"created_at" readonly:"true"`
	Version    int64      `json:"version" readonly:"true"`
}

type postJSON struct {
	ID       uuid.UUID `json:"id"`
	Title    string    `json:"title"`
	AgencyID uuid.UUID `json:"agency_id"`
	Start    date      `json:"start"`
	End      date      `json:"end"`
}

func personOut(p floorplan.Person) personJSON {
	out := personJSON{ID: p.ID, Name: p.Name, StaffNo: p.StaffNo, AgencyID: p.AgencyID, Rank: string(p.Rank), Title: p.Title,
		Posts: make([]postJSON, 0, len(p.Posts)), Status: string(p.Status), StatusDate: dateOf(p.StatusDate),
		Version: p.Version}
	if !p.CreatedAt.IsZero() {
		t := p.CreatedAt.UTC()
		out.CreatedAt = &t
	}
	for _, po := range p.Posts {
		out.Posts = append(out.Posts, postJSON{ID: po.ID, Title: po.Title, AgencyID: po.AgencyID,
			Start: dateOf(po.Start), End: dateOf(po.End)})
	}
	return out
}

func (j personJSON) recordID() uuid.UUID { return j.ID }

func (j personJSON) domain() floorplan.Person {
	status := floorplan.PersonStatus(j.Status)
	if status == "" {
		status = floorplan.PersonActive
	}
	p := floorplan.Person{ID: j.ID, Name: j.Name, StaffNo: j.StaffNo, AgencyID: j.AgencyID, Rank: floorplan.Rank(j.Rank), Title: j.Title,
		Status: status, StatusDate: j.StatusDate.Time, Posts: []floorplan.Post{}}
	for _, po := range j.Posts {
		id := po.ID
		if id == uuid.Nil {
			id = uuid.New()
		}
		p.Posts = append(p.Posts, floorplan.Post{ID: id, Title: po.Title, AgencyID: po.AgencyID,
			Start: po.Start.Time, End: po.End.Time})
	}
	return p
}

// assignmentJSON puts a person in a room on the wire.
type assignmentJSON struct {
	ID          uuid.UUID `json:"id"`
	PersonID    uuid.UUID `json:"person_id"`
	RoomID      uuid.UUID `json:"room_id"`
	Kind        string    `json:"kind" enum:"main,second"`
	PostID      optID     `json:"post_id"`
	ApprovalRef string    `json:"approval_ref"`
	Start       date      `json:"start"`
	End         date      `json:"end"`
	Version     int64     `json:"version" readonly:"true"`
}

func assignmentOut(a floorplan.Assignment) assignmentJSON {
	return assignmentJSON{ID: a.ID, PersonID: a.PersonID, RoomID: a.RoomID, Kind: string(a.Kind),
		PostID: optID(a.PostID), ApprovalRef: a.ApprovalRef, Start: dateOf(a.Start), End: dateOf(a.End),
		Version: a.Version}
}

func (j assignmentJSON) domain() floorplan.Assignment {
	kind := floorplan.AssignmentKind(j.Kind)
	if kind == "" {
		kind = floorplan.AssignMain
	}
	return floorplan.Assignment{ID: j.ID, PersonID: j.PersonID, RoomID: j.RoomID, Kind: kind,
		PostID: j.PostID.UUID(), ApprovalRef: j.ApprovalRef, Start: j.Start.Time, End: j.End.Time}
}
