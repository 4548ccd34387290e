package floorplan

// Entity validation, used by every store and by the API before a write. Errors wrap ErrInvalid and name
// the field in a sentence; geometry and georeference errors come from package geo unchanged (they wrap
// geo.ErrInvalid and say why).

import (
	"math"
	"strings"

	"github.com/google/uuid"

	"officemap/geo"
)

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func finiteNumber(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Validate checks a site: a name, a category of the deployment's classification, a known ownership
// status, and a kind for each ownership record.
func (s Site) Validate(c Classification) error {
	if blank(s.Name) {
		return Invalidf("site: the name is missing")
	}
	if _, _, ok := c.Lookup(s.Category); !ok {
		return Invalidf("site %q: category %q is not in the classification", s.Name, s.Category)
	}
	if !s.Ownership.Valid() {
		return Invalidf("site %q: ownership %q is not one of registered, filed, unclear", s.Name, s.Ownership)
	}
	for i, r := range s.Records {
		if blank(r.Kind) {
			return Invalidf("site %q: ownership record %d has no kind", s.Name, i+1)
		}
	}
	return nil
}

// Validate checks a building: a name, a valid georeference and, when set, a valid footprint.
func (b Building) Validate() error {
	if blank(b.Name) {
		return Invalidf("building: the name is missing")
	}
	if err := b.Georef.Validate(); err != nil {
		return err
	}
	if len(b.Footprint) > 0 {
		if err := geo.Validate(b.Footprint); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a floor: its building, a name, a finite elevation and, when set, a valid outline.
func (f Floor) Validate() error {
	if f.BuildingID == uuid.Nil {
		return Invalidf("floor: the building id is missing")
	}
	if blank(f.Name) {
		return Invalidf("floor %d: the name is missing", f.Ordinal)
	}
	if !finiteNumber(f.Elevation) {
		return Invalidf("floor %q: the elevation %v is not a number", f.Name, f.Elevation)
	}
	if len(f.Outline) > 0 {
		if err := geo.Validate(f.Outline); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a room: its floor, a known usage and state, and a valid, non-empty geometry (the geo
// error is returned as is, so that the caller sees the reason).
func (r Room) Validate() error {
	name := r.Number
	if name == "" {
		name = r.Name
	}
	if r.FloorID == uuid.Nil {
		return Invalidf("room %q: the floor id is missing", name)
	}
	if !r.Usage.Valid() {
		return Invalidf("room %q: usage %q is not a known usage", name, r.Usage)
	}
	if !r.State.Valid() {
		return Invalidf("room %q: state %q is not one of in_use, idle, under_repair, leased", name, r.State)
	}
	if len(r.Geometry) == 0 {
		return Invalidf("room %q: the geometry is missing", name)
	}
	return geo.Validate(r.Geometry)
}

// Validate checks an agency: a name, a known level (and scale when set) and status, the date of a merger
// or abolition, a non-negative headcount and approved area, and that it is not its own parent or
// successor.
func (a Agency) Validate() error {
	if blank(a.Name) {
		return Invalidf("agency: the name is missing")
	}
	switch {
	case !a.Level.Valid():
		return Invalidf("agency %q: level %q is not one of central, provincial, municipal, county, township", a.Name, a.Level)
	case a.Scale != "" && !a.Scale.Valid():
		return Invalidf("agency %q: scale %q is not one of central, provincial, municipal, county, township", a.Name, a.Scale)
	case !a.Status.Valid():
		return Invalidf("agency %q: status %q is not one of active, merged, abolished", a.Name, a.Status)
	case a.Status != AgencyActive && a.StatusDate.IsZero():
		return Invalidf("agency %q: the date it was %s is missing", a.Name, a.Status)
	case a.Headcount < 0:
		return Invalidf("agency %q: the headcount %d is negative", a.Name, a.Headcount)
	case !finiteNumber(a.ApprovedAreaM2) || a.ApprovedAreaM2 < 0:
		return Invalidf("agency %q: the approved area %v m² must be a non-negative number", a.Name, a.ApprovedAreaM2)
	case a.ID != uuid.Nil && a.ParentID == a.ID:
		return Invalidf("agency %q: it cannot be its own parent", a.Name)
	case a.ID != uuid.Nil && a.SuccessorID == a.ID:
		return Invalidf("agency %q: it cannot be its own successor", a.Name)
	}
	return nil
}

// Validate checks a person: a name, an agency, a known rank and status, the date of a retirement or
// transfer, and each concurrent post (a title, an end after its start).
func (p Person) Validate() error {
	if blank(p.Name) {
		return Invalidf("person: the name is missing")
	}
	switch {
	case p.AgencyID == uuid.Nil:
		return Invalidf("person %q: the agency id is missing", p.Name)
	case !p.Rank.Valid():
		return Invalidf("person %q: rank %q is not a known rank", p.Name, p.Rank)
	case !p.Status.Valid():
		return Invalidf("person %q: status %q is not one of active, retired, transferred", p.Name, p.Status)
	case p.Status != PersonActive && p.StatusDate.IsZero():
		return Invalidf("person %q: the date they %s is missing", p.Name, map[PersonStatus]string{
			PersonRetired: "retired", PersonTransferred: "were transferred"}[p.Status])
	}
	for i, post := range p.Posts {
		if blank(post.Title) {
			return Invalidf("person %q: post %d has no title", p.Name, i+1)
		}
		if !post.Start.IsZero() && !post.End.IsZero() && !post.End.After(post.Start) {
			return Invalidf("person %q: post %q ends on %s, not after its start on %s",
				p.Name, post.Title, post.End.Format(DateLayout), post.Start.Format(DateLayout))
		}
	}
	return nil
}

// Validate checks an assignment: a person, a room, a known kind, a start day and an end after it, and
// for an approved second office (kind second with an approval reference) the concurrent post it serves:
// without it the deadline to vacate the office after the post ends (art. 19: 2 months) cannot be checked.
func (a Assignment) Validate() error {
	switch {
	case a.PersonID == uuid.Nil:
		return Invalidf("assignment: the person id is missing")
	case a.RoomID == uuid.Nil:
		return Invalidf("assignment: the room id is missing")
	case !a.Kind.Valid():
		return Invalidf("assignment: kind %q is not one of main, second", a.Kind)
	case a.Start.IsZero():
		return Invalidf("assignment: the start day is missing")
	case !a.End.IsZero() && !a.End.After(a.Start):
		return Invalidf("assignment: the end day %s is not after the start day %s",
			a.End.Format(DateLayout), a.Start.Format(DateLayout))
	case a.Kind == AssignSecond && !blank(a.ApprovalRef) && a.PostID == uuid.Nil:
		return Invalidf("assignment: an approved second office needs the concurrent post it serves (post_id) " +
			"/ 已批准的兼职办公室须关联所服务的兼职职务（post_id）")
	}
	return nil
}
