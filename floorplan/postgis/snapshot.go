package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
)

// How Snapshot works.
//
// For asOf today or later (in the store's time zone) it reads the live tables: eight queries (one per
// table, posts included) in one read-only repeatable-read transaction, so they see one state of the
// register.
//
// For a day before today it rebuilds the register as it stood at the end of that day (the cutoff:
// midnight starting the next day, in the store's time zone) from the history, which records every write
// with its time:
//   - a row that has no history at or after the cutoff is as it is now: it is read from its live table
//     (and left out if it is deleted, since it was deleted before the cutoff);
//   - a row that changed at or after the cutoff is rebuilt from its last row image before the cutoff (one
//     query over the history for all tables); it is left out if that image is a deletion or if it has
//     none (it did not exist yet).
//
// That is nine queries whatever the size of the register, and the cost of the rebuild grows with what
// changed since the day, not with the register. A room's geometry and agency, a person's agency and
// rank, an assignment's dates: all are as recorded at the end of the day; rooms, people and assignments
// deleted later are present. Standard rows are those in force on the day (effective on or before it).
// The order of each slice is unspecified.

const (
	snapFloorsSQL      = `SELECT ` + floorColumns + ` FROM floors f WHERE f.deleted_at IS NULL`
	snapRoomsSQL       = `SELECT ` + roomColumns + ` FROM rooms r WHERE r.deleted_at IS NULL`
	snapPeopleSQL      = `SELECT ` + personColumns + ` FROM people p WHERE p.deleted_at IS NULL`
	snapPostsSQL       = `SELECT ` + postColumns + ` FROM posts o WHERE o.deleted_at IS NULL`
	snapAssignmentsSQL = `SELECT ` + assignmentColumns + ` FROM assignments a WHERE a.deleted_at IS NULL`
	snapStandardsSQL   = `SELECT ` + standardRowColumns + ` FROM standard_rows t WHERE true`

	// The past: live rows with no history at or after the cutoff $1.
	snapBuildingsAtSQL = `SELECT ` + buildingColumns + ` FROM buildings b WHERE b.deleted_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = b.id AND h.at >= $1)`
	snapFloorsAtSQL = snapFloorsSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = f.id AND h.at >= $1)`
	snapRoomsAtSQL = snapRoomsSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = r.id AND h.at >= $1)`
	snapAgenciesAtSQL = `SELECT ` + agencyColumns + ` FROM agencies a WHERE a.deleted_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = a.id AND h.at >= $1)`
	snapPeopleAtSQL = snapPeopleSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = p.id AND h.at >= $1)`
	snapPostsAtSQL = snapPostsSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = o.id AND h.at >= $1)`
	snapAssignmentsAtSQL = snapAssignmentsSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = a.id AND h.at >= $1)`
	snapStandardsAtSQL = snapStandardsSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = t.id AND h.at >= $1)`

	// snapChangedSQL returns, for every row changed at or after $1, its last image before $1.
	snapChangedSQL = `
SELECT DISTINCT ON (h.entity_id) h.entity, h.op, h.new
  FROM history h
 WHERE h.at < $1
   AND h.entity_id IN (SELECT c.entity_id FROM history c WHERE c.at >= $1)
 ORDER BY h.entity_id, h.seq DESC`
)

// Snapshot returns the register as it stood on day asOf (see above).
func (s *Store) Snapshot(ctx context.Context, asOf time.Time) (*floorplan.Snapshot, error) {
	day := floorplan.DayOf(asOf)
	if !day.Before(s.today()) {
		return s.liveSnapshot(ctx, day)
	}
	cutoff := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, s.loc)
	return s.snapshotAt(ctx, day, cutoff)
}

// liveSnapshot reads the live tables.
func (s *Store) liveSnapshot(ctx context.Context, day time.Time) (*floorplan.Snapshot, error) {
	snap := &floorplan.Snapshot{AsOf: day}
	var posts []personPost
	var rows []floorplan.StandardRow
	err := s.read(ctx, func(q querier) error {
		var err error
		if snap.Buildings, err = collect(ctx, q, scanBuilding, allBuildingsSQL); err != nil {
			return err
		}
		if snap.Floors, err = collect(ctx, q, scanFloor, snapFloorsSQL); err != nil {
			return err
		}
		if snap.Rooms, err = collect(ctx, q, s.scanRoom, snapRoomsSQL); err != nil {
			return err
		}
		if snap.Agencies, err = collect(ctx, q, scanAgency, agenciesSQL); err != nil {
			return err
		}
		if snap.People, err = collect(ctx, q, s.scanPerson, snapPeopleSQL); err != nil {
			return err
		}
		if posts, err = collect(ctx, q, scanPost, snapPostsSQL); err != nil {
			return err
		}
		if snap.Assignments, err = collect(ctx, q, s.scanAssignment, snapAssignmentsSQL); err != nil {
			return err
		}
		rows, err = collect(ctx, q, scanStandardRow, snapStandardsSQL)
		return err
	})
	if err != nil {
		return nil, err
	}
	attachPosts(snap.People, posts)
	snap.StandardRows = floorplan.StandardRowsInForce(rows, day)
	return snap, nil
}

// snapshotAt rebuilds the register as it stood just before cutoff.
func (s *Store) snapshotAt(ctx context.Context, day, cutoff time.Time) (*floorplan.Snapshot, error) {
	snap := &floorplan.Snapshot{AsOf: day}
	var (
		posts []personPost
		rows  []floorplan.StandardRow
		imgs  []image
	)
	err := s.read(ctx, func(q querier) error {
		var err error
		if snap.Buildings, err = collect(ctx, q, scanBuilding, snapBuildingsAtSQL, cutoff); err != nil {
			return err
		}
		if snap.Floors, err = collect(ctx, q, scanFloor, snapFloorsAtSQL, cutoff); err != nil {
			return err
		}
		if snap.Rooms, err = collect(ctx, q, s.scanRoom, snapRoomsAtSQL, cutoff); err != nil {
			return err
		}
		if snap.Agencies, err = collect(ctx, q, scanAgency, snapAgenciesAtSQL, cutoff); err != nil {
			return err
		}
		if snap.People, err = collect(ctx, q, s.scanPerson, snapPeopleAtSQL, cutoff); err != nil {
			return err
		}
		if posts, err = collect(ctx, q, scanPost, snapPostsAtSQL, cutoff); err != nil {
			return err
		}
		if snap.Assignments, err = collect(ctx, q, s.scanAssignment, snapAssignmentsAtSQL, cutoff); err != nil {
			return err
		}
		if rows, err = collect(ctx, q, scanStandardRow, snapStandardsAtSQL, cutoff); err != nil {
			return err
		}
		imgs, err = collect(ctx, q, scanImage, snapChangedSQL, cutoff)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, img := range imgs {
		if err := s.addImage(snap, &posts, &rows, img); err != nil {
			return nil, err
		}
	}
	attachPosts(snap.People, posts)
	snap.StandardRows = floorplan.StandardRowsInForce(rows, day)
	return snap, nil
}

// image is one row image from the history.
type image struct {
	entity floorplan.Entity
	op     string
	row    []byte // jsonb; nil for a hard delete
}

func scanImage(row pgx.Row) (image, error) {
	var img image
	err := row.Scan(&img.entity, &img.op, &img.row)
	return img, err
}

// addImage adds a rebuilt row to the snapshot, unless it records a deletion.
func (s *Store) addImage(snap *floorplan.Snapshot, posts *[]personPost, rows *[]floorplan.StandardRow, img image) error {
	if img.op == "delete" || img.row == nil {
		return nil
	}
	var r rowImage
	if err := json.Unmarshal(img.row, &r); err != nil {
		return fmt.Errorf("postgis: history image of a %s: %w", img.entity, err)
	}
	if !r.DeletedAt.IsZero() {
		return nil
	}
	var err error
	switch img.entity {
	case floorplan.EntityBuilding:
		b := floorplan.Building{ID: r.ID, SiteID: r.SiteID, Name: r.Name, Address: r.Address, SourceID: r.SourceID}
		b.Georef.Origin = orb.Point{r.OriginLon, r.OriginLat}
		b.Georef.RotationDeg, b.Georef.Scale = r.RotationDeg, r.scaleNumber()
		b.Footprint, err = imagePolygon(r.Footprint)
		snap.Buildings = append(snap.Buildings, b)
	case floorplan.EntityFloor:
		f := floorplan.Floor{ID: r.ID, BuildingID: r.BuildingID, Ordinal: r.Ordinal, Name: r.Name,
			Elevation: r.Elevation, SourceID: r.SourceID}
		f.Outline, err = imagePolygon(r.Outline)
		snap.Floors = append(snap.Floors, f)
	case floorplan.EntityRoom:
		rm := floorplan.Room{ID: r.ID, FloorID: r.FloorID, Number: r.Number, Name: r.Name, Usage: floorplan.Usage(r.Usage),
			AgencyID: r.AgencyID, State: floorplan.RoomState(r.State), IdleSince: r.IdleSince.Time,
			SourceID: r.SourceID, Version: r.Version, CreatedAt: s.in(r.CreatedAt)}
		rm.Geometry, err = imagePolygon(r.Geom)
		snap.Rooms = append(snap.Rooms, rm)
	case floorplan.EntityAgency:
		snap.Agencies = append(snap.Agencies, floorplan.Agency{ID: r.ID, Name: r.Name, ShortName: r.ShortName,
			Level: floorplan.AdminLevel(r.Level), Scale: floorplan.AdminLevel(r.scaleText()), ParentID: r.ParentID,
			Headcount: r.Headcount, ApprovedAreaM2: r.ApprovedAreaM2, Status: floorplan.AgencyStatus(r.Status),
			StatusDate: r.StatusDate.Time, SuccessorID: r.SuccessorID})
	case floorplan.EntityPerson:
		snap.People = append(snap.People, floorplan.Person{ID: r.ID, Name: r.Name, AgencyID: r.AgencyID,
			Rank: floorplan.Rank(r.Rank), Title: r.Title, Posts: []floorplan.Post{},
			Status: floorplan.PersonStatus(r.Status), StatusDate: r.StatusDate.Time, CreatedAt: s.in(r.CreatedAt)})
	case entityPost:
		*posts = append(*posts, personPost{personID: r.PersonID, post: floorplan.Post{ID: r.ID, Title: r.Title,
			AgencyID: r.AgencyID, Start: r.StartDate.Time, End: r.EndDate.Time}})
	case floorplan.EntityAssignment:
		snap.Assignments = append(snap.Assignments, floorplan.Assignment{ID: r.ID, PersonID: r.PersonID,
			RoomID: r.RoomID, Kind: floorplan.AssignmentKind(r.Kind), PostID: r.PostID, ApprovalRef: r.ApprovalRef,
			Start: r.StartDate.Time, End: r.EndDate.Time, Version: r.Version})
	case entityStandardRow:
		*rows = append(*rows, floorplan.StandardRow{Scale: floorplan.AdminLevel(r.scaleText()), Rank: floorplan.Rank(r.Rank),
			Title: r.Title, AreaM2: r.AreaM2, ToiletAllowanceM2: r.ToiletAllowanceM2, Effective: r.Effective.Time,
			Jurisdiction: r.Jurisdiction, Source: r.Source})
	}
	if err != nil {
		return fmt.Errorf("postgis: history image of %s %s: %w", img.entity, r.ID, err)
	}
	return nil
}

func (s *Store) in(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(s.loc)
}

// rowImage is the union of the columns of the tables with history, as to_jsonb writes them.
type rowImage struct {
	ID                uuid.UUID       `json:"id"`
	SiteID            uuid.UUID       `json:"site_id"`
	BuildingID        uuid.UUID       `json:"building_id"`
	FloorID           uuid.UUID       `json:"floor_id"`
	AgencyID          uuid.UUID       `json:"agency_id"`
	ParentID          uuid.UUID       `json:"parent_id"`
	SuccessorID       uuid.UUID       `json:"successor_id"`
	PersonID          uuid.UUID       `json:"person_id"`
	RoomID            uuid.UUID       `json:"room_id"`
	PostID            uuid.UUID       `json:"post_id"`
	Name              string          `json:"name"`
	ShortName         string          `json:"short_name"`
	Address           string          `json:"address"`
	Number            string          `json:"number"`
	Title             string          `json:"title"`
	Usage             string          `json:"usage"`
	State             string          `json:"state"`
	Level             string          `json:"level"`
	Scale             json.RawMessage `json:"scale"` // text on agencies and standard rows, a number on buildings
	Rank              string          `json:"rank"`
	Status            string          `json:"status"`
	Kind              string          `json:"kind"`
	ApprovalRef       string          `json:"approval_ref"`
	SourceID          string          `json:"source_id"`
	Jurisdiction      string          `json:"jurisdiction"`
	Source            string          `json:"source"`
	Ordinal           int             `json:"ordinal"`
	Headcount         int             `json:"headcount"`
	Version           int64           `json:"version"`
	Elevation         float64         `json:"elevation"`
	OriginLon         float64         `json:"origin_lon"`
	OriginLat         float64         `json:"origin_lat"`
	RotationDeg       float64         `json:"rotation_deg"`
	ApprovedAreaM2    float64         `json:"approved_area_m2"`
	AreaM2            float64         `json:"area_m2"`
	ToiletAllowanceM2 float64         `json:"toilet_allowance_m2"`
	IdleSince         jsonDate        `json:"idle_since"`
	StatusDate        jsonDate        `json:"status_date"`
	StartDate         jsonDate        `json:"start_date"`
	EndDate           jsonDate        `json:"end_date"`
	Effective         jsonDate        `json:"effective"`
	CreatedAt         time.Time       `json:"created_at"`
	DeletedAt         time.Time       `json:"deleted_at"`
	Geom              json.RawMessage `json:"geom"`
	Footprint         json.RawMessage `json:"footprint"`
	Outline           json.RawMessage `json:"outline"`
}

// scaleText is the scale column of agencies and standard rows.
func (r *rowImage) scaleText() string {
	var s string
	_ = json.Unmarshal(r.Scale, &s)
	return s
}

// scaleNumber is the scale column of buildings.
func (r *rowImage) scaleNumber() float64 {
	var f float64
	_ = json.Unmarshal(r.Scale, &f)
	return f
}

// jsonDate is a date column in a row image ("2006-01-02" or null).
type jsonDate struct{ time.Time }

func (d *jsonDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	d.Time = t
	return err
}

// imagePolygon decodes a geometry column of a row image (GeoJSON, as PostGIS casts geometry to jsonb).
func imagePolygon(raw json.RawMessage) (orb.Polygon, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, err
	}
	p, ok := g.Geometry().(orb.Polygon)
	if !ok {
		return nil, fmt.Errorf("geometry is a %s, not a polygon", g.Geometry().GeoJSONType())
	}
	return p, nil
}
