package floorplan

// Entity validation, used by every store and by the API before a write. Errors wrap ErrInvalid and name
// the field in a sentence (text and number limits: a *FieldError, see limits.go); geometry and
// georeference errors come from package geo unchanged (they wrap geo.ErrInvalid and say why).

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/geo"
)

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// Validate checks a site: a name, a category of the deployment's classification, a known ownership
// status, and a kind for each ownership record.
func (s Site) Validate(c Classification) error {
	if err := s.checkTexts(); err != nil {
		return err
	}
	if blank(s.Name) {
		return Invalidf("site: the name is missing")
	}
	if _, _, ok := c.Lookup(s.Category); !ok {
		return Invalidf("site %q: category %q is not in the classification", s.Name, s.Category)
	}
	if !s.Ownership.Valid() {
		return Invalidf("site %q: ownership %q is not one of registered, to_register, filing, filed, unclear, disputed", s.Name, s.Ownership)
	}
	for i, r := range s.Records {
		if blank(r.Kind) {
			return Invalidf("site %q: ownership record %d has no kind", s.Name, i+1)
		}
		if !(r.AreaM2 >= 0 && r.AreaM2 <= maxTitleAreaM2) { // NaN fails too
			return Invalidf("site %q: ownership record %d: area_m2 %v is not a building area in m² from 0 to %g", s.Name, i+1, r.AreaM2, float64(maxTitleAreaM2))
		}
		if !r.ExpiresOn.IsZero() && !r.IssuedOn.IsZero() && DayOf(r.ExpiresOn).Before(DayOf(r.IssuedOn)) {
			return fieldError(label("site", s.Name), fmt.Sprintf("records[%d].expires_on", i), FieldOutOfRange,
				"%s is before the day the title was issued (%s)", r.ExpiresOn.Format(time.DateOnly), r.IssuedOn.Format(time.DateOnly))
		}
	}
	return nil
}

// maxTitleAreaM2 bounds a title's building area: 10 km² of floor space.
const maxTitleAreaM2 = 1e7

// checkTexts checks the site's text fields and those of its ownership records.
func (s Site) checkTexts() error {
	rec := recordLabel{"site", s.Name}
	fields := []field{{"name", s.Name}, {"address", s.Address}, {"category", s.Category}, {"note", s.Note}}
	for i, r := range s.Records {
		fields = append(fields, inList("records", i, field{"kind", r.Kind}, field{"number", r.Number},
			field{"holder", r.Holder}, field{"note", r.Note})...)
	}
	return checkTexts(rec, "site", fields...)
}

// inList names fields of item i of a list ("records[0].kind").
func inList(list string, i int, fields ...field) []field {
	for k := range fields {
		fields[k].name = fmt.Sprintf("%s[%d].%s", list, i, fields[k].name)
	}
	return fields
}

// Validate checks a building: a name, a valid georeference and, when set, a valid footprint within
// MaxFromOriginM of the origin.
func (b Building) Validate() error {
	if err := checkTexts(recordLabel{"building", b.Name}, "building", field{"name", b.Name}, field{"address", b.Address},
		field{"source_id", b.SourceID}, field{"lang", b.Lang}); err != nil {
		return err
	}
	if blank(b.Name) {
		return Invalidf("building: the name is missing")
	}
	if err := b.Georef.Validate(); err != nil {
		return err
	}
	return optionalGeometry(b.Footprint)
}

// optionalGeometry validates a footprint or an outline when there is one: a valid polygon within
// MaxFromOriginM of the building's origin.
func optionalGeometry(p orb.Polygon) error {
	if len(p) == 0 {
		return nil
	}
	return localGeometry(p)
}

// localGeometry validates a polygon in a building's local metres: valid, and within MaxFromOriginM of
// the origin.
func localGeometry(p orb.Polygon) error {
	if err := geo.Validate(p); err != nil {
		return err
	}
	return geo.CheckNear(p, MaxFromOriginM)
}

// Validate checks a floor: its building, a name, an ordinal and an elevation within their bounds and,
// when set, a valid outline and openings within MaxFromOriginM of the building's origin.
func (f Floor) Validate() error {
	rec := recordLabel{"floor", f.Name}
	if err := checkTexts(rec, "floor", field{"name", f.Name}, field{"source_id", f.SourceID}); err != nil {
		return err
	}
	if f.BuildingID == uuid.Nil {
		return Invalidf("floor: the building id is missing")
	}
	if blank(f.Name) {
		return Invalidf("floor %d: the name is missing", f.Ordinal)
	}
	if err := checkRange(rec, "ordinal", float64(f.Ordinal), MinOrdinal, MaxOrdinal, ""); err != nil {
		return err
	}
	if err := checkRange(rec, "elevation", f.Elevation, MinElevationM, MaxElevationM, " m"); err != nil {
		return err
	}
	if err := optionalGeometry(f.Outline); err != nil {
		return err
	}
	return checkOpenings(rec, f.Openings)
}

// checkOpenings validates a floor's openings (none is fine): each a line of finite points within
// MaxFromOriginM of the building's origin, at least two of them distinct, as a valid line must be.
func checkOpenings(rec recordLabel, lines orb.MultiLineString) error {
	for i, l := range lines {
		distinct := false
		for k, p := range l {
			if d := math.Hypot(p[0], p[1]); !(d <= MaxFromOriginM) { // NaN and ±Inf fail too
				return Invalidf("%s: openings[%d] position %d (%g, %g) is not within %g m of the building's origin",
					rec, i, k, p[0], p[1], MaxFromOriginM)
			}
			distinct = distinct || p != l[0]
		}
		if !distinct {
			return Invalidf("%s: openings[%d] is not a line: it needs two distinct positions", rec, i)
		}
	}
	return nil
}

// Validate checks a room: its floor, a known usage and state, and a valid, non-empty geometry within
// MaxFromOriginM of the building's origin (the geo error is returned as is, so that the caller sees the
// reason).
func (r Room) Validate() error {
	name := roomName(r)
	rec := recordLabel{"room", name}
	if err := checkTexts(rec, "room", field{"number", r.Number}, field{"name", r.Name}, field{"source_id", r.SourceID},
		field{"source_category", r.SourceCategory}); err != nil {
		return err
	}
	// 0 is none recorded.
	if err := checkRange(rec, "recorded_area_m2", r.RecordedAreaM2, 0, MaxRecordedAreaM2, " m²"); err != nil {
		return err
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
	return localGeometry(r.Geometry)
}

// Validate checks an agency: a name, a known level (and scale when set) and status, the date of a merger
// or abolition, a non-negative headcount and approved area, and that it is not its own parent or
// successor.
func (a Agency) Validate() error {
	rec := recordLabel{"agency", a.Name}
	if err := checkTexts(rec, "agency", field{"name", a.Name}, field{"short_name", a.ShortName},
		field{"code", a.Code}); err != nil {
		return err
	}
	if err := checkKey(rec, "code", a.Code); err != nil {
		return err
	}
	if err := checkRange(rec, "headcount", float64(a.Headcount), 0, MaxHeadcount, ""); err != nil {
		return err
	}
	if err := checkRange(rec, "approved_area_m2", a.ApprovedAreaM2, 0, MaxApprovedAreaM2, " m²"); err != nil {
		return err
	}
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
	fields := []field{{"name", p.Name}, {"staff_no", p.StaffNo}, {"title", p.Title}}
	for i, post := range p.Posts {
		fields = append(fields, inList("posts", i, field{"title", post.Title})...)
	}
	if err := checkTexts(recordLabel{"person", p.Name}, "person", fields...); err != nil {
		return err
	}
	if err := checkKey(recordLabel{"person", p.Name}, "staff_no", p.StaffNo); err != nil {
		return err
	}
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
	if err := checkTexts(recordLabel{kind: "assignment"}, "assignment", field{"approval_ref", a.ApprovalRef}); err != nil {
		return err
	}
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
