package floorplan

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/geo"
)

func TestValidate(t *testing.T) {
	id := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	other := uuid.MustParse("00000000-0000-0000-0000-000000000002")
	bowtie := orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 6}, {0, 0}}} // edges 0–1 and 2–3 cross
	goodGeoref := geo.Georef{Origin: orb.Point{119.97, 31.81}}
	classes := BuiltinClassification()

	site := Site{Name: "市行政中心", Category: "office.party_government", Ownership: OwnershipRegistered,
		Records: []OwnershipRecord{{Kind: "不动产权证", Number: "苏(2019)常州市不动产权第0001号"}}}
	building := Building{Name: "1号楼", SiteID: id, Georef: goodGeoref, Footprint: rect(40, 20)}
	floor := Floor{BuildingID: id, Ordinal: 2, Name: "3F", Elevation: 7.2}
	room := Room{FloorID: id, Number: "301", Usage: UsageOffice, State: RoomInUse, Geometry: rect(3, 6)}
	agency := Agency{ID: id, Name: "市发展改革委", Level: LevelMunicipal, Status: AgencyActive}
	person := Person{Name: "张三", AgencyID: id, Rank: RankDivision, Status: PersonActive,
		Posts: []Post{{ID: other, Title: "领导小组副组长", Start: Day(2020, 1, 1), End: Day(2022, 1, 1)}}}
	assignment := Assignment{PersonID: id, RoomID: other, Kind: AssignMain, Start: Day(2020, 1, 1)}

	tests := []struct {
		name    string
		err     error
		geoErr  bool   // the error is the geo one, as is
		mention string // in the message; empty for a valid entity
	}{
		{"valid site", site.Validate(classes), false, ""},
		{"site without name", with(site, func(s *Site) { s.Name = " " }).Validate(classes), false, "name"},
		{"site of an unknown category", with(site, func(s *Site) { s.Category = "office.palace" }).Validate(classes), false, "category"},
		{"site with an unknown ownership", with(site, func(s *Site) { s.Ownership = "stolen" }).Validate(classes), false, "ownership"},
		{"site record without kind", with(site, func(s *Site) { s.Records = []OwnershipRecord{{Number: "1"}} }).Validate(classes), false, "record 1"},

		{"valid building", building.Validate(), false, ""},
		{"building without footprint", with(building, func(b *Building) { b.Footprint = nil }).Validate(), false, ""},
		{"building without name", with(building, func(b *Building) { b.Name = "" }).Validate(), false, "name"},
		{"building with a bad georeference", with(building, func(b *Building) { b.Georef.Origin = orb.Point{200, 31} }).Validate(), true, "longitude"},
		{"building with a self-intersecting footprint", with(building, func(b *Building) { b.Footprint = bowtie }).Validate(), true, ""},

		{"valid floor", floor.Validate(), false, ""},
		{"floor without building", with(floor, func(f *Floor) { f.BuildingID = uuid.Nil }).Validate(), false, "building"},
		{"floor without name", with(floor, func(f *Floor) { f.Name = "" }).Validate(), false, "name"},
		{"floor with NaN elevation", with(floor, func(f *Floor) { f.Elevation = math.NaN() }).Validate(), false, "elevation"},
		{"floor with a bad outline", with(floor, func(f *Floor) { f.Outline = bowtie }).Validate(), true, ""},

		{"valid room", room.Validate(), false, ""},
		{"room without floor", with(room, func(r *Room) { r.FloorID = uuid.Nil }).Validate(), false, "floor"},
		{"room of an unknown usage", with(room, func(r *Room) { r.Usage = "ballroom" }).Validate(), false, "usage"},
		{"room of an unknown state", with(room, func(r *Room) { r.State = "" }).Validate(), false, "state"},
		{"room without geometry", with(room, func(r *Room) { r.Geometry = nil }).Validate(), false, "geometry"},
		{"room with a self-intersecting geometry", with(room, func(r *Room) { r.Geometry = bowtie }).Validate(), true, "self"},

		{"valid agency", agency.Validate(), false, ""},
		{"agency without name", with(agency, func(a *Agency) { a.Name = "" }).Validate(), false, "name"},
		{"agency of an unknown level", with(agency, func(a *Agency) { a.Level = "galactic" }).Validate(), false, "level"},
		{"agency of an unknown scale", with(agency, func(a *Agency) { a.Scale = "galactic" }).Validate(), false, "scale"},
		{"agency of an unknown status", with(agency, func(a *Agency) { a.Status = "" }).Validate(), false, "status"},
		{"merged agency without date", with(agency, func(a *Agency) { a.Status = AgencyMerged }).Validate(), false, "date"},
		{"agency with negative approved area", with(agency, func(a *Agency) { a.ApprovedAreaM2 = -1 }).Validate(), false, "approved_area_m2"},
		{"agency with negative headcount", with(agency, func(a *Agency) { a.Headcount = -1 }).Validate(), false, "headcount"},
		{"agency its own successor", with(agency, func(a *Agency) { a.SuccessorID = id }).Validate(), false, "successor"},

		{"valid person", person.Validate(), false, ""},
		{"person without name", with(person, func(p *Person) { p.Name = "" }).Validate(), false, "name"},
		{"person without agency", with(person, func(p *Person) { p.AgencyID = uuid.Nil }).Validate(), false, "agency"},
		{"person of an unknown rank", with(person, func(p *Person) { p.Rank = "emperor" }).Validate(), false, "rank"},
		{"retired person without date", with(person, func(p *Person) { p.Status = PersonRetired }).Validate(), false, "retired"},
		{"post ending before it starts", with(person, func(p *Person) {
			p.Posts = []Post{{Title: "组长", Start: Day(2022, 1, 1), End: Day(2021, 1, 1)}}
		}).Validate(), false, "post"},

		{"valid assignment", assignment.Validate(), false, ""},
		{"assignment without person", with(assignment, func(a *Assignment) { a.PersonID = uuid.Nil }).Validate(), false, "person"},
		{"assignment without room", with(assignment, func(a *Assignment) { a.RoomID = uuid.Nil }).Validate(), false, "room"},
		{"assignment of an unknown kind", with(assignment, func(a *Assignment) { a.Kind = "third" }).Validate(), false, "kind"},
		{"assignment without start", with(assignment, func(a *Assignment) { a.Start = time.Time{} }).Validate(), false, "start"},
		{"assignment ending on its start", with(assignment, func(a *Assignment) { a.End = a.Start }).Validate(), false, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			valid := tt.mention == "" && !tt.geoErr
			if valid {
				if tt.err != nil {
					t.Fatalf("Validate = %v, want nil", tt.err)
				}
				return
			}
			if tt.err == nil {
				t.Fatal("Validate accepted an invalid entity")
			}
			if tt.geoErr {
				var ve *geo.ValidationError
				if !errors.As(tt.err, &ve) || !errors.Is(tt.err, geo.ErrInvalid) {
					t.Fatalf("error %v (%T) is not the geo error", tt.err, tt.err)
				}
			} else if !errors.Is(tt.err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", tt.err)
			}
			if !strings.Contains(tt.err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", tt.err, tt.mention)
			}
		})
	}
}
