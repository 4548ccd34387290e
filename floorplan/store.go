package floorplan

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// Store keeps the register: sites, buildings, floors, rooms, agencies, people, assignments, local
// space-standard rows and the history of every change. The PostGIS store (floorplan/postgis) and the
// embedded GeoPackage store (floorplan/gpkg) implement it, and floorplan/storetest checks that they
// behave the same. Only the Register (register.go) writes through it; everything else reads through the
// small interfaces it is made of (Reader, Snapshotter, FeatureSource), declared here for their consumers.
//
// Conventions shared by every implementation:
//   - Create methods assign a new UUID when the entity's ID is uuid.Nil, and fill the argument in place
//     (ID, Version, CreatedAt).
//   - Sites, buildings, floors, rooms, agencies, people and assignments carry a Version (1 on create).
//     Update takes the version the caller last read (Delete too, for rooms and assignments); a stale
//     version changes nothing and returns an error wrapping ErrConflict. On success the argument's
//     Version is the new one.
//   - Geometry is validated (errors wrap geo.ErrInvalid with the reason) unless the context says the
//     Register has validated it (Validated); a room that would overlap another room of its floor with a
//     positive area is refused with an *OverlapError. Rooms that share a wall or touch at a corner are
//     fine.
//   - Deleting a room, a person or an assignment is soft: it stays for as-of queries and history.
//   - Every write records ActorFrom(ctx), ReasonFrom(ctx), its effective day and the old and new values
//     in the history.
//   - Missing entities give errors wrapping ErrNotFound; an unreachable store ErrUnavailable.
type Store interface {
	Reader
	Writer
	BulkLoader
	Snapshotter
	FeatureSource
	DocumentStore
	LedgerStore
	ApplicationStore
	RegistrationStore
	CertificateStore
	InspectionStore
	LeadStore
	NoticeStore

	// InTx runs fn with a Store whose writes all commit together, or none do when fn returns an error.
	InTx(ctx context.Context, fn func(tx Store) error) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Reader reads the register as it is now: what HTTP handlers, exports and renders need.
type Reader interface {
	Site(ctx context.Context, id uuid.UUID) (Site, error)
	Sites(ctx context.Context) ([]Site, error)
	Building(ctx context.Context, id uuid.UUID) (Building, error)
	// Buildings lists the buildings of a site, or all of them for uuid.Nil.
	Buildings(ctx context.Context, siteID uuid.UUID) ([]Building, error)
	Floor(ctx context.Context, id uuid.UUID) (Floor, error)
	// Floors lists a building's floors by ordinal, or, for uuid.Nil, every floor by building id, then ordinal.
	Floors(ctx context.Context, buildingID uuid.UUID) ([]Floor, error)
	// FloorsByID returns the live floors among ids, in one read, in the order of Floors(uuid.Nil); an id of
	// no live floor is left out.
	FloorsByID(ctx context.Context, ids []uuid.UUID) ([]Floor, error)
	Room(ctx context.Context, id uuid.UUID) (Room, error)
	Rooms(ctx context.Context, f RoomFilter) ([]Room, error)
	Agency(ctx context.Context, id uuid.UUID) (Agency, error)
	Agencies(ctx context.Context) ([]Agency, error)
	Jurisdiction(ctx context.Context, id uuid.UUID) (Jurisdiction, error)
	// Jurisdictions lists the jurisdiction tree (city → districts → …) by code and name.
	Jurisdictions(ctx context.Context) ([]Jurisdiction, error)
	Person(ctx context.Context, id uuid.UUID) (Person, error)
	People(ctx context.Context, f PersonFilter) ([]Person, error)
	Assignment(ctx context.Context, id uuid.UUID) (Assignment, error)
	Assignments(ctx context.Context, f AssignmentFilter) ([]Assignment, error)
	// StandardRows returns the deployment's local space-standard rows (overrides and additions to the
	// built-in national table).
	StandardRows(ctx context.Context) ([]StandardRow, error)
	// Search finds rooms (by number or name), people, agencies and buildings matching q, Chinese
	// included, best matches first, among what the read scope in shows (filtered before the limit).
	Search(ctx context.Context, q string, limit int, in ReadScope) ([]SearchHit, error)
	// History returns the recorded changes of one entity, oldest first.
	History(ctx context.Context, entity Entity, id uuid.UUID) ([]Change, error)
	// Revision returns a number that grows with every committed write to the register: an unchanged
	// revision means an unchanged register. Caches (the evaluation, tiles) key on it, so that several
	// servers on one database never serve what another server's write has changed.
	Revision(ctx context.Context) (int64, error)
}

// Writer changes the register one record at a time. Only the Register calls it.
type Writer interface {
	CreateSite(ctx context.Context, s *Site) error
	UpdateSite(ctx context.Context, s *Site) error
	DeleteSite(ctx context.Context, id uuid.UUID) error
	CreateBuilding(ctx context.Context, b *Building) error
	UpdateBuilding(ctx context.Context, b *Building) error
	DeleteBuilding(ctx context.Context, id uuid.UUID) error
	CreateFloor(ctx context.Context, f *Floor) error
	UpdateFloor(ctx context.Context, f *Floor) error
	DeleteFloor(ctx context.Context, id uuid.UUID) error
	CreateRoom(ctx context.Context, r *Room) error
	UpdateRoom(ctx context.Context, r *Room) error
	DeleteRoom(ctx context.Context, id uuid.UUID, version int64) error
	CreateAgency(ctx context.Context, a *Agency) error
	UpdateAgency(ctx context.Context, a *Agency) error
	DeleteAgency(ctx context.Context, id uuid.UUID) error
	CreateJurisdiction(ctx context.Context, j *Jurisdiction) error
	UpdateJurisdiction(ctx context.Context, j *Jurisdiction) error
	CreatePerson(ctx context.Context, p *Person) error
	UpdatePerson(ctx context.Context, p *Person) error
	DeletePerson(ctx context.Context, id uuid.UUID) error
	CreateAssignment(ctx context.Context, a *Assignment) error
	UpdateAssignment(ctx context.Context, a *Assignment) error
	DeleteAssignment(ctx context.Context, id uuid.UUID, version int64) error
	// PutStandardRow adds a local row, or replaces the one with the same scale, rank, jurisdiction and
	// effective date.
	PutStandardRow(ctx context.Context, r StandardRow) error
}

// BulkLoader adds many new records at once, all-or-nothing, with the same rules as the Create methods
// (IDs assigned where uuid.Nil; ID, Version and CreatedAt filled in place): imports, the sample, the
// synthetic data and the GeoPackage export load through it.
type BulkLoader interface {
	BulkInsertAgencies(ctx context.Context, agencies []Agency) error
	BulkInsertBuildings(ctx context.Context, buildings []Building) error
	BulkInsertFloors(ctx context.Context, floors []Floor) error
	BulkInsertRooms(ctx context.Context, rooms []Room) error
	BulkInsertPeople(ctx context.Context, people []Person) error
	BulkInsertAssignments(ctx context.Context, as []Assignment) error
	// WithIndexesDeferred runs fn, a load of many batches through the BulkLoader into a register that has
	// no room, person or assignment yet, with the store's indexes that enforce nothing left to be built
	// once at the end (fn's rows indexed in one pass instead of row by row), whatever fn returns. A store
	// may keep every index; it does so for a register that is not empty. It returns fn's error.
	WithIndexesDeferred(ctx context.Context, fn func() error) error
	// Analyze refreshes the statistics the store's query planner keeps of the register's tables, as a
	// bulk load should before its first query: without them the planner takes every table for a few rows.
	// It writes no record; inside a transaction it sees the transaction's rows.
	Analyze(ctx context.Context) error
}

// Snapshotter gives the findings engine everything it needs about one day (effective.go).
type Snapshotter interface {
	// Snapshot returns everything the findings engine needs as it was on day asOf in the world, as now
	// known (see effective.go), in a fixed number of queries whatever the size of the register.
	Snapshot(ctx context.Context, asOf time.Time) (*Snapshot, error)
	// SnapshotRecorded is Snapshot as officemap knew it at the moment recordedAt: only the changes
	// recorded before it count. It answers what officemap said then (the audit question). A zero
	// recordedAt is ErrInvalid (Snapshot answers "as now known"); Snapshot.RecordedAt is recordedAt as given.
	SnapshotRecorded(ctx context.Context, asOf, recordedAt time.Time) (*Snapshot, error)
	// Revision is Reader's: the evaluation is cached by it.
	Revision(ctx context.Context) (int64, error)
}

// PartStore keeps the stored parts (both stores implement it; a store that does not makes StoredParts
// evaluate every part).
type PartStore interface {
	// PartHeads returns, read from one state of the register, the heads of the parts of agencies by
	// ascending id; for nil agencies, of uuid.Nil and every live agency. Agencies never written have
	// counters 0.
	PartHeads(ctx context.Context, agencies []uuid.UUID) ([]PartHead, error)
	// PartResults calls fn with the stored part of each of agencies that has one, by ascending id; with
	// totalsOnly, only the head and Totals of each part are read.
	PartResults(ctx context.Context, agencies []uuid.UUID, totalsOnly bool, fn func(StoredPart) error) error
	// PutParts adds or replaces the stored parts of their agencies, outside any transaction of the
	// register's writes (their revision does not move); a stored part of the same day and policy with a
	// later mark is kept.
	PutParts(ctx context.Context, parts []StoredPart) error
}

// FeatureSource gives the map features of a window: the tile path, OGC API – Features and renders.
type FeatureSource interface {
	// Features returns the map features of a layer whose lon/lat geometry intersects b (lon/lat). It is
	// the tile path: index-driven, no per-row transform.
	Features(ctx context.Context, layer Layer, b orb.Bound, f FeatureFilter) ([]Feature, error)
	// Revision is Reader's: tiles are cached by it.
	Revision(ctx context.Context) (int64, error)
}

// RoomFilter selects rooms; zero fields do not filter. Deleted rooms are left out.
type RoomFilter struct {
	FloorID    uuid.UUID
	BuildingID uuid.UUID
	AgencyID   uuid.UUID
	Number     string
	// In keeps the rooms a caller may read (ReadScope.Room); the zero value keeps all.
	In ReadScope
}

// ReadScope is the part of the register a caller may read, as the stores' queries filter it (the
// caller's grants are turned into it by the service: api's scope). The zero value reads everything.
type ReadScope struct {
	// Limited is set when the scope hides records; Agencies and Floors apply only then.
	Limited bool
	// Agencies are the agencies whose rooms, people and agency records are visible; uuid.Nil stands
	// for the records without an agency.
	Agencies []uuid.UUID
	// Floors are the floors (of the caller's jurisdictions' sites) whose every room is visible.
	Floors []uuid.UUID
	// Places is set when buildings are filtered too: only Buildings are visible.
	Places    bool
	Buildings []uuid.UUID
	// NoPeople hides people altogether: their names are personal data the caller may not read.
	NoPeople bool
}

// Room reports whether a room of agency agencyID on floor floorID is in the scope: the stores' queries
// keep the same rooms.
func (s ReadScope) Room(agencyID, floorID uuid.UUID) bool {
	return !s.Limited || slices.Contains(s.Agencies, agencyID) || slices.Contains(s.Floors, floorID)
}

// PersonFilter selects people; zero fields do not filter. Deleted people are left out.
type PersonFilter struct {
	AgencyID uuid.UUID
}

// AssignmentFilter selects assignments; zero fields do not filter. Deleted assignments are left out.
type AssignmentFilter struct {
	PersonID uuid.UUID
	RoomID   uuid.UUID
	// ActiveOn keeps only the assignments in force on that day.
	ActiveOn time.Time
}

// Snapshot is the register as it stood on one day.
type Snapshot struct {
	AsOf time.Time
	// RecordedAt is the moment whose knowledge the snapshot shows (zero: everything recorded so far).
	RecordedAt time.Time
	// FirstKnown is the earliest day on which the register, as recorded then, had any room (zero when it
	// has none): a snapshot of an earlier day shows a register that did not exist yet.
	FirstKnown time.Time
	// Sites are the properties on the day, with their ownership (rule_filed_property_leased.go reads
	// them, through Buildings and Floors, for the rooms' sites).
	Sites       []Site
	Buildings   []Building
	Floors      []Floor
	Rooms       []Room
	Agencies    []Agency
	People      []Person
	Assignments []Assignment
	// StandardRows are the local rows in force (the built-in table is added by the engine).
	StandardRows []StandardRow
}

// Layer names a map layer served as tiles and OGC collections.
type Layer string

// Map layers.
const (
	LayerBuildings Layer = "buildings"
	LayerRooms     Layer = "rooms"
)

// FeatureFilter narrows a layer's features; zero fields do not filter.
type FeatureFilter struct {
	FloorID uuid.UUID
	// Level keeps only rooms on floors of this ordinal when HasLevel is true.
	Level    int
	HasLevel bool
	// Limit caps the features returned (0: no cap).
	Limit int
	// Offset skips that many features of the ordered list (OGC paging); it implies Ordered.
	Offset int
	// Ordered returns the features by building ID, level, number (byte order) and ID: the same filter
	// gives the same pages. Without it (and Offset) the order is the index's, and the tile path does not
	// pay for a sort.
	Ordered bool
	// In keeps what a read scope shows, in the query (before Limit and Offset): rooms by
	// ReadScope.Room, buildings by ReadScope.Places and Buildings. The zero value keeps all.
	In ReadScope
}

// Feature is one map feature in lon/lat with the attributes a map needs.
type Feature struct {
	ID         uuid.UUID
	Layer      Layer
	Geometry   orb.Polygon // lon/lat (WGS84)
	BuildingID uuid.UUID
	FloorID    uuid.UUID // rooms only
	Level      int       // rooms only: the floor's ordinal
	Number     string    // room number, or building name
	Name       string
	Usage      Usage     // rooms only
	AgencyID   uuid.UUID // rooms only
	AreaM2     float64   // usable area from the local geometry (rooms), footprint area (buildings)
}

// TileRow is one feature as a store's one-query tile path reads it (api/tiles' RowStore): the
// attributes of Feature, the lon/lat polygon as WKB, and a room's stored status when it holds for the day
// asked. Its slices belong to the store and are only valid during the callback that gets the row.
type TileRow struct {
	ID, FloorID, AgencyID uuid.UUID // FloorID and AgencyID: rooms only
	Level                 int       // rooms only
	Number, Name, Usage   []byte    // Number and Usage: rooms only
	AreaM2                float64
	WKB                   []byte
	// Status is the room's stored status (StoredStatus) when it and the states as a whole are for the day
	// asked; nil otherwise, and for buildings.
	Status []byte
}

// SearchKind is the kind of a search hit.
type SearchKind string

// Search hit kinds.
const (
	HitRoom     SearchKind = "room"
	HitPerson   SearchKind = "person"
	HitAgency   SearchKind = "agency"
	HitBuilding SearchKind = "building"
)

// SearchHit is one search result, with where to show it.
type SearchHit struct {
	Kind       SearchKind `json:"kind"`
	ID         uuid.UUID  `json:"id"`
	Label      string     `json:"label"`
	Detail     string     `json:"detail,omitempty"`
	BuildingID uuid.UUID  `json:"building_id"`
	FloorID    uuid.UUID  `json:"floor_id"`
}

// Entity names a kind of record in the history.
type Entity string

// History entities.
const (
	EntitySite       Entity = "site"
	EntityBuilding   Entity = "building"
	EntityFloor      Entity = "floor"
	EntityRoom       Entity = "room"
	EntityAgency     Entity = "agency"
	EntityPerson     Entity = "person"
	EntityAssignment Entity = "assignment"
	// EntityJurisdiction is a node of the jurisdiction tree (jurisdiction.go).
	EntityJurisdiction Entity = "jurisdiction"
)

// Change is one recorded write.
type Change struct {
	Entity   Entity    `json:"entity"`
	EntityID uuid.UUID `json:"entity_id"`
	Op       string    `json:"op"` // insert, update, delete
	Actor    string    `json:"actor"`
	At       time.Time `json:"at"`
	// Effective is the day from which the change holds in the world (see EffectiveFrom); At is when it
	// was recorded.
	Effective time.Time       `json:"effective"`
	Reason    string          `json:"reason,omitempty"`
	Old       json.RawMessage `json:"old,omitempty"`
	New       json.RawMessage `json:"new,omitempty"`
}
