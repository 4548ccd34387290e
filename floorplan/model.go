// Package floorplan is officemap's domain: properties (房产), buildings, floors, rooms, using agencies
// (使用单位), people and their rooms, the national space standards and the rules that decide what is over
// standard (超标).
//
// Rooms are kept in their building's local frame in metres (the CAD drawing's plane): that is where a
// room's usable area (使用面积) is measured. Everything can be evaluated as of a date.
//
// Where to look first:
//   - occupancy.go: how a room's area is shared among its occupants and the per-person area (人均使用面积);
//   - standards.go: the built-in space-standard table with its legal source, and local overrides;
//   - findings.go: the over-standard and use rules (automated 督查), each with its legal source;
//   - store.go: the Store interface every storage backend implements.
package floorplan

import (
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/geo"
)

// OwnershipStatus is how a property's title stands (权属状态).
type OwnershipStatus string

// Ownership statuses. A property whose records are missing is filed (备案) rather than registered,
// and its using unit may not dispose of it (《党政机关办公用房管理办法》 art. 5).
const (
	OwnershipRegistered OwnershipStatus = "registered" // 已登记
	OwnershipFiled      OwnershipStatus = "filed"      // 已备案
	OwnershipUnclear    OwnershipStatus = "unclear"    // 权属不清
	// The states of the registration path (floorplan/registration.go).
	OwnershipToRegister OwnershipStatus = "to_register" // 待登记
	OwnershipFiling     OwnershipStatus = "filing"      // 备案办理中
	OwnershipDisputed   OwnershipStatus = "disputed"    // 有争议
)

// Valid reports whether s is one of the known ownership statuses.
func (s OwnershipStatus) Valid() bool {
	switch s {
	case OwnershipRegistered, OwnershipFiled, OwnershipUnclear, OwnershipToRegister, OwnershipFiling, OwnershipDisputed:
		return true
	}
	return false
}

// OwnershipRecord is one title document of a property: a real-estate certificate (不动产权证),
// a land certificate, a filing record.
type OwnershipRecord struct {
	Kind     string    `json:"kind"`   // e.g. "不动产权证", "土地使用证", "备案"
	Number   string    `json:"number"` // certificate or filing number
	IssuedOn time.Time `json:"issued_on,omitzero"`
	Holder   string    `json:"holder,omitempty"`
	Note     string    `json:"note,omitempty"`
	// AreaM2 is the building (gross) area the title gives (建筑面积, m²), 0 when it gives none: the ledger
	// compares it with the gross area measured from the drawings (账实) and the book area (账证).
	AreaM2 float64 `json:"area_m2,omitempty"`
	// ExpiresOn is the day the land-use right ends (土地使用权终止日期), zero when the title gives none; not
	// before IssuedOn.
	ExpiresOn time.Time `json:"expires_on,omitzero"`
	// DocumentID is the scan of the title: a live document of the site in the archive (一房一档), uuid.Nil
	// when none is filed. The register checks it in the transaction that writes the site.
	DocumentID uuid.UUID `json:"document_id,omitzero"`
}

// Site is a property (房产): one compound or plot with its buildings, title and category.
type Site struct {
	ID        uuid.UUID         `json:"id"`
	Name      string            `json:"name"`
	Address   string            `json:"address,omitempty"`
	Category  string            `json:"category"` // a Category.Code of the deployment's Classification
	Ownership OwnershipStatus   `json:"ownership"`
	Records   []OwnershipRecord `json:"records"`
	Note      string            `json:"note,omitempty"`
	// JurisdictionID is the district (辖市区) the property lies in; uuid.Nil for the city level (not set).
	JurisdictionID uuid.UUID `json:"jurisdiction_id"`
	// Version is 1 when the record is created and moves on by one with every update; an update at
	// another version is refused (ErrConflict). The API's ETag.
	Version int64 `json:"version"`
}

// Building is one building of a site. Its footprint is in its local frame in metres; Georef places that
// frame on the earth.
type Building struct {
	ID        uuid.UUID   `json:"id"`
	SiteID    uuid.UUID   `json:"site_id"`
	Name      string      `json:"name"`
	Address   string      `json:"address,omitempty"`
	Footprint orb.Polygon `json:"-"` // local metres
	Georef    geo.Georef  `json:"georef"`
	// SourceID identifies the building in an imported source (CAD file, IMDF id, OSM way), so that a
	// re-import updates rather than duplicates. Empty for buildings drawn in officemap.
	SourceID string `json:"source_id,omitempty"`
	// Lang is the language (BCP 47 tag) of the names of the building, its floors and rooms as the source
	// gave them ("en", "zh-CN"); empty for names typed here (zh-CN).
	Lang string `json:"lang,omitempty"`
	// Category is the building's own kind (a Category.Code of the deployment's Classification) when it
	// differs from its site's, e.g. a housing block inside an office compound; empty means the site's.
	Category string `json:"category,omitempty"`
	// ValidFrom is the day the building exists from in the world, when known (built, acquired); zero when
	// unknown, and then it exists in reports from the day it was entered.
	ValidFrom time.Time `json:"valid_from,omitzero"`
	Version   int64     `json:"version"` // as Site.Version
}

// Floor is one level of a building. Ordinal 0 is the ground floor, 1 the next one up, -1 the first
// basement (as IMDF's level ordinal).
type Floor struct {
	ID         uuid.UUID   `json:"id"`
	BuildingID uuid.UUID   `json:"building_id"`
	Ordinal    int         `json:"ordinal"`
	Name       string      `json:"name"`      // display name: "B1", "1F", "2F" …
	Elevation  float64     `json:"elevation"` // metres above the building's ground floor
	Outline    orb.Polygon `json:"-"`         // optional gross outline in local metres
	// Openings are the floor's doors and other openings as lines in local metres (from an IMDF archive's
	// opening.geojson or a drawing's doors layer), drawn on plans; nil when none are known.
	Openings orb.MultiLineString `json:"-"`
	SourceID string              `json:"source_id,omitempty"`
	Version  int64               `json:"version"` // as Site.Version
}

// Usage is a room's use type. The office types are those of 《党政机关办公用房建设标准》 (2014); the rest
// are not office space and are never checked against a per-person standard.
type Usage string

// Room usages.
const (
	UsageOffice      Usage = "office"      // 办公室
	UsageRestRoom    Usage = "rest_room"   // 休息室 (a leader's rest room: counts inside the office limit)
	UsageToilet      Usage = "toilet"      // 卫生间 (assigned to one person: a private toilet)
	UsageService     Usage = "service"     // 服务用房: 会议室、接待室、档案室、文印室、资料室…
	UsageEquipment   Usage = "equipment"   // 设备用房: 变配电室、水泵房、空调机房…
	UsageAncillary   Usage = "ancillary"   // 附属用房: 食堂、汽车库、人防设施、警卫用房…
	UsageTechnical   Usage = "technical"   // 技术业务用房
	UsageCirculation Usage = "circulation" // 交通: corridors, stairs, lifts, lobbies
	UsageShaft       Usage = "shaft"       // 管井: pipe, cable and lift shafts (no floor: never usable area)
	UsageVoid        Usage = "void"        // 中庭上空/挑空: open to the floor below (no floor: never usable area)
	UsageCommercial  Usage = "commercial"  // 商业 (leased shops; not office space)
	UsageResidential Usage = "residential" // 住宅
	UsageOther       Usage = "other"       // 其他
)

// Usages lists every usage in display order.
var Usages = []Usage{UsageOffice, UsageRestRoom, UsageToilet, UsageService, UsageEquipment, UsageAncillary,
	UsageTechnical, UsageCirculation, UsageShaft, UsageVoid, UsageCommercial, UsageResidential, UsageOther}

// Valid reports whether u is a known usage.
func (u Usage) Valid() bool { return slices.Contains(Usages, u) }

// IsOfficeSpace reports whether rooms of this usage are office space in the sense of
// 《党政机关办公用房管理办法》 art. 2 (offices, service, equipment and ancillary rooms).
func (u Usage) IsOfficeSpace() bool {
	switch u {
	case UsageOffice, UsageRestRoom, UsageToilet, UsageService, UsageEquipment, UsageAncillary, UsageTechnical:
		return true
	}
	return false
}

// HasFloor reports whether rooms of this usage have a floor to stand on, and so count in usable area
// (使用面积) totals: every usage but shafts and voids, which are drawn so that a plan has no holes but are
// never floor area.
func (u Usage) HasFloor() bool { return u != UsageShaft && u != UsageVoid }

// CountsAsOffice reports whether an assigned room of this usage counts towards a person's office area
// (办公室使用面积): the office itself and a leader's rest room.
func (u Usage) CountsAsOffice() bool { return u == UsageOffice || u == UsageRestRoom }

// RoomState is what a room is known to be doing, as recorded by a planner.
type RoomState string

// Room states. A room in use may still be found vacant when nobody is assigned to it.
const (
	RoomInUse       RoomState = "in_use"       // 在用
	RoomIdle        RoomState = "idle"         // 闲置 (since IdleSince)
	RoomUnderRepair RoomState = "under_repair" // 维修中
	RoomLeased      RoomState = "leased"       // 出租出借
)

// Valid reports whether s is a known room state.
func (s RoomState) Valid() bool {
	switch s {
	case RoomInUse, RoomIdle, RoomUnderRepair, RoomLeased:
		return true
	}
	return false
}

// Room is one room of a floor. Geometry is in the building's local frame in metres; its planar area
// is the room's usable area (使用面积).
type Room struct {
	ID        uuid.UUID   `json:"id"`
	FloorID   uuid.UUID   `json:"floor_id"`
	Number    string      `json:"number"` // room number (房间号)
	Name      string      `json:"name,omitempty"`
	Usage     Usage       `json:"usage"`
	AgencyID  uuid.UUID   `json:"agency_id"` // uuid.Nil when the room is not allocated to an agency
	State     RoomState   `json:"state"`
	IdleSince time.Time   `json:"idle_since,omitzero"`
	Geometry  orb.Polygon `json:"-"` // local metres
	SourceID  string      `json:"source_id,omitempty"`
	// SourceCategory is the room's category in the source it was imported from ("opentobelow", "parking",
	// "room.office", a DXF layer's room type), kept so that an export gives it back; empty when drawn here.
	SourceCategory string `json:"source_category,omitempty"`
	// RecordedAreaM2 is the usable area the bureau's own room register records for the room (账面面积),
	// imported from its spreadsheet to be compared with the measured Area; 0 when none is recorded.
	RecordedAreaM2 float64 `json:"recorded_area_m2,omitempty"`
	Version        int64   `json:"version"`
	// ValidFrom is the day the room exists from in the world, when known (drawn from a survey of an older
	// building, say); zero when unknown, and then it exists in reports from the day it was entered.
	ValidFrom time.Time `json:"valid_from,omitzero"`
	// CreatedAt is when the room came into the register (used for as-of queries and idle detection).
	CreatedAt time.Time `json:"created_at,omitzero"`
	DeletedAt time.Time `json:"deleted_at,omitzero"`
}

// Area returns the room's usable area in m², computed from its local geometry.
func (r Room) Area() float64 { return geo.Area(r.Geometry) }

// AdminLevel is an agency's administrative level (机关级别).
type AdminLevel string

// Administrative levels, as the 2014 standard names them.
const (
	LevelCentral    AdminLevel = "central"    // 中央机关
	LevelProvincial AdminLevel = "provincial" // 省级机关
	LevelMunicipal  AdminLevel = "municipal"  // 市级机关
	LevelCounty     AdminLevel = "county"     // 县级机关
	LevelTownship   AdminLevel = "township"   // 乡级机关
)

// AdminLevels lists the levels from the top.
var AdminLevels = []AdminLevel{LevelCentral, LevelProvincial, LevelMunicipal, LevelCounty, LevelTownship}

// Valid reports whether l is a known level.
func (l AdminLevel) Valid() bool { return slices.Contains(AdminLevels, l) }

// AgencyStatus is whether an agency still exists.
type AgencyStatus string

// Agency statuses. A merged or abolished agency must hand back its rooms.
const (
	AgencyActive    AgencyStatus = "active"    // 存续
	AgencyMerged    AgencyStatus = "merged"    // 合并
	AgencyAbolished AgencyStatus = "abolished" // 撤销
)

// Valid reports whether s is a known agency status.
func (s AgencyStatus) Valid() bool {
	return s == AgencyActive || s == AgencyMerged || s == AgencyAbolished
}

// Agency is a using unit (使用单位): a party or government organ, a dispatched body or a public institution.
type Agency struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	ShortName string    `json:"short_name,omitempty"`
	// Code is the bureau's own key for the agency (a 统一社会信用代码 or an internal code), by which its
	// spreadsheets name it; empty for none. Two live agencies never share a code.
	Code  string     `json:"code,omitempty"`
	Level AdminLevel `json:"level"`
	// Scale is the level whose space-standard table applies to the agency's staff when it differs from
	// Level: 副省级 cities use the provincial scale, 派出机构 and 事业单位 are mapped onto another
	// level's scale (notes to the 2014 standard). Empty means Level.
	Scale          AdminLevel   `json:"scale,omitempty"`
	ParentID       uuid.UUID    `json:"parent_id"`        // uuid.Nil for a top-level agency
	Headcount      int          `json:"headcount"`        // authorised headcount (编制)
	ApprovedAreaM2 float64      `json:"approved_area_m2"` // approved office area (核定面积); 0 = not set
	Status         AgencyStatus `json:"status"`
	StatusDate     time.Time    `json:"status_date,omitzero"` // when it was merged or abolished
	SuccessorID    uuid.UUID    `json:"successor_id"`         // the agency it merged into, if any
	// JurisdictionID is the district (辖市区) the agency belongs to; uuid.Nil for the city level (not set),
	// and then it belongs to its parent's (see JurisdictionOf).
	JurisdictionID uuid.UUID `json:"jurisdiction_id"`
	Version        int64     `json:"version"` // as Site.Version
}

// StandardScale returns the level whose standard table applies to the agency's staff.
func (a Agency) StandardScale() AdminLevel {
	if a.Scale != "" {
		return a.Scale
	}
	return a.Level
}

// Rank is a person's grade (职务层次/职级) in the national civil-service ladder. Which space standard a
// rank gets depends on the level of the agency (a 正处级 official is a 市级 bureau head but a 省级
// division head): see Standards.
type Rank string

// Ranks, from the top. The 职级 sequence (一级巡视员 …) maps onto these grades.
const (
	RankMinister     Rank = "minister"      // 省部级正职
	RankViceMinister Rank = "vice_minister" // 省部级副职
	RankBureau       Rank = "bureau"        // 厅局级正职
	RankViceBureau   Rank = "vice_bureau"   // 厅局级副职
	RankDivision     Rank = "division"      // 县处级正职
	RankViceDivision Rank = "vice_division" // 县处级副职
	RankSection      Rank = "section"       // 乡科级正职
	RankViceSection  Rank = "vice_section"  // 乡科级副职
	RankStaff        Rank = "staff"         // 科员及以下
)

// Ranks lists every rank from the top.
var Ranks = []Rank{RankMinister, RankViceMinister, RankBureau, RankViceBureau, RankDivision, RankViceDivision,
	RankSection, RankViceSection, RankStaff}

// Valid reports whether r is a known rank.
func (r Rank) Valid() bool { return slices.Contains(Ranks, r) }

// PersonStatus is whether a person still works in their agency.
type PersonStatus string

// Person statuses. On transfer or retirement the office is recovered within 1 month (art. 19).
const (
	PersonActive      PersonStatus = "active"      // 在职
	PersonRetired     PersonStatus = "retired"     // 退休
	PersonTransferred PersonStatus = "transferred" // 调离
)

// Valid reports whether s is a known person status.
func (s PersonStatus) Valid() bool {
	return s == PersonActive || s == PersonRetired || s == PersonTransferred
}

// Post is a position a person holds: their main post or a concurrent one (兼职).
type Post struct {
	ID       uuid.UUID `json:"id"`
	Title    string    `json:"title"`
	AgencyID uuid.UUID `json:"agency_id"`
	Start    time.Time `json:"start,omitzero"`
	End      time.Time `json:"end,omitzero"` // zero while held
}

// Held reports whether the post is held on day d.
func (p Post) Held(d time.Time) bool { return Within(d, p.Start, p.End) }

// Person is a member of staff.
type Person struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	// StaffNo is the bureau's stable key for the person (工号, an employee number), by which its
	// spreadsheets and personnel system name them; empty for none. Two live people never share one. It is
	// personal data, like the name. (The national ID number is never a key and never stored.)
	StaffNo    string       `json:"staff_no,omitempty"`
	AgencyID   uuid.UUID    `json:"agency_id"`
	Rank       Rank         `json:"rank"`
	Title      string       `json:"title,omitempty"` // main post title, e.g. "局长"
	Posts      []Post       `json:"posts"`           // concurrent posts (兼职)
	Status     PersonStatus `json:"status"`
	StatusDate time.Time    `json:"status_date,omitzero"` // retirement or transfer date
	Version    int64        `json:"version"`              // as Site.Version
	CreatedAt  time.Time    `json:"created_at,omitzero"`
	DeletedAt  time.Time    `json:"deleted_at,omitzero"`
}

// AssignmentKind says whether a room is a person's main office or a second one.
type AssignmentKind string

// Assignment kinds. A second office, for a concurrent post, needs an approval and must be smaller than
// the standard (art. 19).
const (
	AssignMain   AssignmentKind = "main"   // 主办公室
	AssignSecond AssignmentKind = "second" // 兼职办公室
)

// Valid reports whether k is a known assignment kind.
func (k AssignmentKind) Valid() bool { return k == AssignMain || k == AssignSecond }

// Assignment puts a person in a room from Start to End (End zero while it lasts).
type Assignment struct {
	ID       uuid.UUID      `json:"id"`
	PersonID uuid.UUID      `json:"person_id"`
	RoomID   uuid.UUID      `json:"room_id"`
	Kind     AssignmentKind `json:"kind"`
	// PostID is the concurrent post a second office serves, when known.
	PostID uuid.UUID `json:"post_id"`
	// ApprovalRef is the reference of the approval of a second office (审批文号); empty means none.
	ApprovalRef string    `json:"approval_ref,omitempty"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end,omitzero"`
	Version     int64     `json:"version"`
	DeletedAt   time.Time `json:"deleted_at,omitzero"`
}

// Active reports whether the assignment is in force on day d.
func (a Assignment) Active(d time.Time) bool { return Within(d, a.Start, a.End) }
