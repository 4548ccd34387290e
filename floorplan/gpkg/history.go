package gpkg

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
)

// The history holds, for every write, row images before (old) and after (new) the change, in the shape
// the PostGIS store's history triggers give them (to_jsonb of the row): the table's columns by name in
// their order, ids as UUID strings or null, days as "2006-01-02", instants as RFC 3339, local geometry as
// GeoJSON in the building's metres, derived lon/lat geometry left out. So History reads the same from both
// stores, and Snapshot rebuilds past days from it the same way.

// History entities beyond floorplan's: a person's posts and the local standard rows.
const (
	entityPost        floorplan.Entity = "post"
	entityStandardRow floorplan.Entity = "standard_row"
)

// History operations.
const (
	opInsert = "insert"
	opUpdate = "update"
	opDelete = "delete"
)

// jsonID is a UUID that is null when nil.
type jsonID uuid.UUID

func (id jsonID) MarshalJSON() ([]byte, error) {
	if uuid.UUID(id) == uuid.Nil {
		return []byte("null"), nil
	}
	return json.Marshal(uuid.UUID(id).String())
}

func (id *jsonID) UnmarshalJSON(b []byte) error {
	return fromJSON(b, id, func(u uuid.UUID) (jsonID, error) { return jsonID(u), nil })
}

// jsonDate is a calendar day, null when zero.
type jsonDate time.Time

func (d jsonDate) MarshalJSON() ([]byte, error) {
	if time.Time(d).IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(time.Time(d).Format(floorplan.DateLayout))
}

func (d *jsonDate) UnmarshalJSON(b []byte) error {
	return fromJSON(b, d, func(s string) (jsonDate, error) {
		t, err := time.Parse(floorplan.DateLayout, s)
		return jsonDate(t), err
	})
}

// jsonInstant is an instant in RFC 3339 (UTC, milliseconds), null when zero.
type jsonInstant time.Time

func (t jsonInstant) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z07:00"))
}

func (t *jsonInstant) UnmarshalJSON(b []byte) error {
	return fromJSON(b, t, func(v time.Time) (jsonInstant, error) { return jsonInstant(v), nil })
}

// fromJSON decodes b into *dst: JSON null as the zero value, anything else as a T converted with conv.
func fromJSON[T, V any](b []byte, dst *V, conv func(T) (V, error)) error {
	if string(b) == "null" {
		var zero V
		*dst = zero
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out, err := conv(v)
	*dst = out
	return err
}

// jsonPolygon is a local polygon as GeoJSON, null when empty.
type jsonPolygon orb.Polygon

func (p jsonPolygon) MarshalJSON() ([]byte, error) { return geometryToJSON(orb.Polygon(p)) }

func (p *jsonPolygon) UnmarshalJSON(b []byte) error {
	g, err := geometryFromJSON[orb.Polygon](b)
	*p = jsonPolygon(g)
	return err
}

// jsonLines are local lines (a floor's openings) as GeoJSON, null when none.
type jsonLines orb.MultiLineString

func (l jsonLines) MarshalJSON() ([]byte, error) { return geometryToJSON(orb.MultiLineString(l)) }

func (l *jsonLines) UnmarshalJSON(b []byte) error {
	g, err := geometryFromJSON[orb.MultiLineString](b)
	*l = jsonLines(g)
	return err
}

// geometryToJSON encodes local geometry as GeoJSON; an empty one is null.
func geometryToJSON(g orb.Geometry) ([]byte, error) {
	if isEmpty(g) {
		return []byte("null"), nil
	}
	return json.Marshal(geojson.NewGeometry(g))
}

// geometryFromJSON decodes GeoJSON of a geometry of type G; null gives nil.
func geometryFromJSON[G orb.Geometry](b []byte) (G, error) {
	var zero G
	if string(b) == "null" {
		return zero, nil
	}
	g, err := geojson.UnmarshalGeometry(b)
	if err != nil {
		return zero, err
	}
	t, ok := g.Geometry().(G)
	if !ok {
		return zero, fmt.Errorf("geometry is a %s, not a %s", g.Geometry().GeoJSONType(), zero.GeoJSONType())
	}
	return t, nil
}

// jsonArea is an area in m² that is null when 0 (none recorded), as the PostGIS store's NULL.
type jsonArea float64

func (a jsonArea) MarshalJSON() ([]byte, error) {
	if a == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(float64(a))
}

func (a *jsonArea) UnmarshalJSON(b []byte) error {
	return fromJSON(b, a, func(v float64) (jsonArea, error) { return jsonArea(v), nil })
}

// Row images, one per table, fields in column order.

type siteImage struct {
	ID        jsonID                      `json:"id"`
	Name      string                      `json:"name"`
	Address   string                      `json:"address"`
	Category  string                      `json:"category"`
	Ownership floorplan.OwnershipStatus   `json:"ownership"`
	Records   []floorplan.OwnershipRecord `json:"records"`
	Note      string                      `json:"note"`
	CreatedAt jsonInstant                 `json:"created_at"`
	DeletedAt jsonInstant                 `json:"deleted_at"`
	// Added by schema version 4.
	JurisdictionID jsonID `json:"jurisdiction_id"`
	Version        int64  `json:"version"` // added by schema version 7: 0 in images written before
}

type buildingImage struct {
	ID          jsonID      `json:"id"`
	SiteID      jsonID      `json:"site_id"`
	Name        string      `json:"name"`
	Address     string      `json:"address"`
	Footprint   jsonPolygon `json:"footprint"`
	OriginLon   float64     `json:"origin_lon"`
	OriginLat   float64     `json:"origin_lat"`
	RotationDeg float64     `json:"rotation_deg"`
	Scale       float64     `json:"scale"`
	SourceID    string      `json:"source_id"`
	CreatedAt   jsonInstant `json:"created_at"`
	DeletedAt   jsonInstant `json:"deleted_at"`
	ValidFrom   jsonDate    `json:"valid_from"`
	Version     int64       `json:"version"`  // added by schema version 7: 0 in images written before
	Lang        string      `json:"lang"`     // added by schema version 8
	Category    string      `json:"category"` // added by schema version 15
}

type floorImage struct {
	ID         jsonID      `json:"id"`
	BuildingID jsonID      `json:"building_id"`
	Ordinal    int         `json:"ordinal"`
	Name       string      `json:"name"`
	Elevation  float64     `json:"elevation"`
	Outline    jsonPolygon `json:"outline"`
	SourceID   string      `json:"source_id"`
	CreatedAt  jsonInstant `json:"created_at"`
	DeletedAt  jsonInstant `json:"deleted_at"`
	Version    int64       `json:"version"`  // added by schema version 7: 0 in images written before
	Openings   jsonLines   `json:"openings"` // added by schema version 8
}

type agencyImage struct {
	ID             jsonID      `json:"id"`
	Name           string      `json:"name"`
	ShortName      string      `json:"short_name"`
	Level          string      `json:"level"`
	Scale          string      `json:"scale"`
	ParentID       jsonID      `json:"parent_id"`
	Headcount      int         `json:"headcount"`
	ApprovedAreaM2 float64     `json:"approved_area_m2"`
	Status         string      `json:"status"`
	StatusDate     jsonDate    `json:"status_date"`
	SuccessorID    jsonID      `json:"successor_id"`
	CreatedAt      jsonInstant `json:"created_at"`
	DeletedAt      jsonInstant `json:"deleted_at"`
	JurisdictionID jsonID      `json:"jurisdiction_id"` // added by schema version 4
	Version        int64       `json:"version"`         // added by schema version 7: 0 in images written before
	Code           string      `json:"code"`            // added by schema version 9: '' in images written before
}

type jurisdictionImage struct {
	ID        jsonID      `json:"id"`
	Name      string      `json:"name"`
	Code      string      `json:"code"`
	ParentID  jsonID      `json:"parent_id"`
	CreatedAt jsonInstant `json:"created_at"`
	DeletedAt jsonInstant `json:"deleted_at"`
}

type roomImage struct {
	ID        jsonID      `json:"id"`
	FloorID   jsonID      `json:"floor_id"`
	Number    string      `json:"number"`
	Name      string      `json:"name"`
	Usage     string      `json:"usage"`
	AgencyID  jsonID      `json:"agency_id"`
	State     string      `json:"state"`
	IdleSince jsonDate    `json:"idle_since"`
	Geom      jsonPolygon `json:"geom"`
	AreaM2    float64     `json:"area_m2"`
	SourceID  string      `json:"source_id"`
	Version   int64       `json:"version"`
	CreatedAt jsonInstant `json:"created_at"`
	DeletedAt jsonInstant `json:"deleted_at"`
	ValidFrom jsonDate    `json:"valid_from"`
	// Added by schema version 8: absent (zero) in images written before.
	SourceCategory string   `json:"source_category"`
	RecordedAreaM2 jsonArea `json:"recorded_area_m2"`
}

type personImage struct {
	ID         jsonID      `json:"id"`
	Name       string      `json:"name"`
	AgencyID   jsonID      `json:"agency_id"`
	Rank       string      `json:"rank"`
	Title      string      `json:"title"`
	Status     string      `json:"status"`
	StatusDate jsonDate    `json:"status_date"`
	CreatedAt  jsonInstant `json:"created_at"`
	DeletedAt  jsonInstant `json:"deleted_at"`
	Version    int64       `json:"version"`  // added by schema version 7: 0 in images written before
	StaffNo    string      `json:"staff_no"` // added by schema version 9: '' in images written before
}

type postImage struct {
	ID        jsonID      `json:"id"`
	PersonID  jsonID      `json:"person_id"`
	Title     string      `json:"title"`
	AgencyID  jsonID      `json:"agency_id"`
	StartDate jsonDate    `json:"start_date"`
	EndDate   jsonDate    `json:"end_date"`
	CreatedAt jsonInstant `json:"created_at"`
	DeletedAt jsonInstant `json:"deleted_at"`
}

type assignmentImage struct {
	ID          jsonID      `json:"id"`
	PersonID    jsonID      `json:"person_id"`
	RoomID      jsonID      `json:"room_id"`
	Kind        string      `json:"kind"`
	PostID      jsonID      `json:"post_id"`
	ApprovalRef string      `json:"approval_ref"`
	StartDate   jsonDate    `json:"start_date"`
	EndDate     jsonDate    `json:"end_date"`
	Version     int64       `json:"version"`
	CreatedAt   jsonInstant `json:"created_at"`
	DeletedAt   jsonInstant `json:"deleted_at"`
}

type standardRowImage struct {
	ID                jsonID      `json:"id"`
	Scale             string      `json:"scale"`
	Rank              string      `json:"rank"`
	Title             string      `json:"title"`
	AreaM2            float64     `json:"area_m2"`
	ToiletAllowanceM2 float64     `json:"toilet_allowance_m2"`
	Effective         jsonDate    `json:"effective"`
	Jurisdiction      string      `json:"jurisdiction"`
	Source            string      `json:"source"`
	CreatedAt         jsonInstant `json:"created_at"`
}

// change is one history row to append.
type change struct {
	entity   floorplan.Entity
	id       uuid.UUID
	op       string
	old, new any // row images; nil for none
}

const sqlInsertHistory = `
INSERT INTO history (entity, entity_id, op, actor, at, old_value, new_value, effective, reason)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// record appends changes to the history, with the actor and the reason of ctx and time at. Each
// change's effective day is that of ctx when it carries one (floorplan.WithEffective), else the default
// of the change (floorplan.DefaultEffective) with today the calendar day of at in at's location (the
// store's: Store.now).
func record(ctx context.Context, q querier, at time.Time, changes ...change) error {
	h := newHistoryWriter(ctx, at)
	for _, c := range changes {
		old, err := imageJSON(c.old)
		if err != nil {
			return err
		}
		nw, err := imageJSON(c.new)
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, sqlInsertHistory, h.args(c.entity, c.id, c.op, old, nw)...); err != nil {
			return err
		}
	}
	return nil
}

// historyWriter holds what every history row of one write shares.
type historyWriter struct {
	actor, reason string
	at            string // DATETIME text
	today         time.Time
	effective     time.Time // from ctx, when explicit
	explicit      bool
}

func newHistoryWriter(ctx context.Context, at time.Time) historyWriter {
	h := historyWriter{actor: floorplan.ActorFrom(ctx), reason: floorplan.ReasonFrom(ctx), today: floorplan.DayOf(at)}
	_, h.at = instant(at)
	h.effective, h.explicit = floorplan.EffectiveFrom(ctx)
	return h
}

// args returns the arguments of sqlInsertHistory for one change, whose images (JSON text or nil) are
// old and nw.
func (h historyWriter) args(entity floorplan.Entity, id uuid.UUID, op string, old, nw any) []any {
	eff := h.effective
	if !h.explicit {
		eff = floorplan.DefaultEffective(entity, op, rawImage(old), rawImage(nw), h.today)
	}
	return []any{string(entity), id.String(), op, h.actor, h.at, old, nw, effectiveDay(eff), h.reason}
}

// rawImage is an image from imageJSON as JSON (nil for none).
func rawImage(img any) json.RawMessage {
	if s, ok := img.(string); ok {
		return json.RawMessage(s)
	}
	return nil
}

// effectiveDay is the DATE text of an effective day; floorplan.BeginningOfTime (the zero time) is
// "0001-01-01", as in the PostGIS store.
func effectiveDay(d time.Time) string { return d.Format(floorplan.DateLayout) }

// imageJSON marshals a row image; nil gives SQL NULL.
func imageJSON(img any) (any, error) {
	if img == nil {
		return nil, nil
	}
	b, err := json.Marshal(img)
	if err != nil {
		return nil, fmt.Errorf("gpkg: history image: %w", err)
	}
	return string(b), nil
}

// historySQL returns an entity's changes, and for a person those of their posts too.
const sqlHistory = `
SELECT h.entity, h.entity_id, h.op, h.actor, CAST(h.at AS TEXT), CAST(h.effective AS TEXT), h.reason,
       h.old_value, h.new_value
  FROM history h
 WHERE (h.entity = ?1 AND h.entity_id = ?2)
    OR (?1 = 'person' AND h.entity = 'post' AND h.entity_id IN (SELECT o.id FROM posts o WHERE o.person_id = ?2))
 ORDER BY h.fid`

// History returns the recorded changes of one entity, oldest first. Old and New are row images: the
// table's columns by name, dates as YYYY-MM-DD, local geometry as GeoJSON in the building's metres
// (derived lon/lat geometry is left out). A person's history includes their posts' changes (entity
// "post"). Effective is the day each change holds from (the zero time for floorplan.BeginningOfTime),
// Reason why it was made.
func (s *Store) History(ctx context.Context, entity floorplan.Entity, id uuid.UUID) ([]floorplan.Change, error) {
	rows, err := s.reader().QueryContext(ctx, sqlHistory, string(entity), id.String())
	if err != nil {
		return nil, wrapErr(err)
	}
	defer rows.Close()
	out := []floorplan.Change{}
	for rows.Next() {
		var (
			c        floorplan.Change
			old, nw  *string
			entityID uuid.UUID
		)
		if err := rows.Scan(&c.Entity, idCol{&entityID}, &c.Op, &c.Actor, instantCol{&c.At, s.loc}, dateCol{&c.Effective},
			&c.Reason, &old, &nw); err != nil {
			return nil, wrapErr(err)
		}
		c.EntityID = entityID
		if old != nil {
			c.Old = json.RawMessage(*old)
		}
		if nw != nil {
			c.New = json.RawMessage(*nw)
		}
		out = append(out, c)
	}
	return out, wrapErr(rows.Err())
}

// sqlRevision is the newest history row. Every write adds history rows, and writes run one at a time on
// the writer connection, so a reader never sees a newer row before an older one commits: the number
// grows with every committed write.
const sqlRevision = `SELECT coalesce(max(fid), 0) FROM history`

// Revision returns the register's revision: it grows with every committed write, so an unchanged
// number means an unchanged register.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var n int64
	if err := s.reader().QueryRowContext(ctx, sqlRevision).Scan(&n); err != nil {
		return 0, wrapErr(err)
	}
	return n, nil
}
