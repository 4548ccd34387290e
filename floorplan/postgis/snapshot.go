package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
)

// How Snapshot works (see floorplan/effective.go for the two times of every fact).
//
// A snapshot of day D as recorded before the instant T (T = +infinity for Snapshot: as now known) takes
// each row as the image of its latest history record (by seq) recorded before T and effective on or
// before D. So:
//   - a row that has no history record effective after D or recorded at or after T is as it is now: it
//     is read from its live table (and left out if it is deleted);
//   - every other row is rebuilt from that image (one query over the history for all tables); it is left
//     out if the image is a deletion, or if there is none (it did not exist on D, as known at T).
//
// That is ten queries whatever the size of the register, and the cost of the rebuild grows with what
// changed after D, not with the register. When D is today or later, T is +infinity and no record is
// effective after D (nothing entered for the future), the live tables are the answer: nine queries in
// one read-only repeatable-read transaction. Standard rows are those in force on D (their own effective
// days). FirstKnown is the earliest effective day of any room record recorded before T. The order of
// each slice is unspecified.

// snapChanged is the condition "this history record is not part of the register as of $1 recorded before
// $2".
const snapChanged = `(h.effective > $1 OR h.at >= $2)`

const (
	snapSitesSQL       = `SELECT ` + siteColumns + ` FROM sites s WHERE s.deleted_at IS NULL`
	snapFloorsSQL      = `SELECT ` + floorColumns + ` FROM floors f WHERE f.deleted_at IS NULL`
	snapRoomsSQL       = `SELECT ` + roomColumns + ` FROM rooms r WHERE r.deleted_at IS NULL`
	snapPeopleSQL      = `SELECT ` + personColumns + ` FROM people p WHERE p.deleted_at IS NULL`
	snapPostsSQL       = `SELECT ` + postColumns + ` FROM posts o WHERE o.deleted_at IS NULL`
	snapAssignmentsSQL = `SELECT ` + assignmentColumns + ` FROM assignments a WHERE a.deleted_at IS NULL`
	snapStandardsSQL   = `SELECT ` + standardRowColumns + ` FROM standard_rows t WHERE true`

	// snapFutureSQL: is anything recorded as holding only after $1?
	snapFutureSQL = `SELECT EXISTS (SELECT 1 FROM history h WHERE h.effective > $1)`
	// snapFirstKnownSQL: the earliest day any room is known from, among records before $1.
	snapFirstKnownSQL = `SELECT min(h.effective) FROM history h WHERE h.entity = 'room' AND h.op <> 'delete' AND h.at < $1`

	// snapChangedSQL returns, for every row with a record effective after $1 or recorded at or after $2,
	// the image of its latest record effective on or before $1 and recorded before $2 (a new row's image read
	// where it is kept, for those records only: history_image, migrations/0032_insert_images.sql).
	snapChangedSQL = `
SELECT l.entity, l.op, history_image(l.entity, l.entity_id, l.seq, l.op, l.new)
  FROM (SELECT DISTINCT ON (h.entity_id) h.entity, h.entity_id, h.seq, h.op, h.new
          FROM history h
         WHERE h.at < $2 AND h.effective <= $1
           AND h.entity_id IN (SELECT h.entity_id FROM history h WHERE ` + snapChanged + `)
         ORDER BY h.entity_id, h.seq DESC) l`
)

// snapQueries are the queries that read a snapshot: one for the rows of each table, all run with the same
// arguments, and the one for the row images to rebuild the other rows from ("" for none).
type snapQueries struct {
	sites, buildings, floors, rooms, agencies, people, posts, assignments, standards string
	changed                                                                          string
}

var (
	// snapLive reads the live tables (no arguments).
	snapLive = snapQueries{snapSitesSQL, allBuildingsSQL, snapFloorsSQL, snapRoomsSQL, agenciesSQL, snapPeopleSQL, snapPostsSQL,
		snapAssignmentsSQL, snapStandardsSQL, ""}
	// snapPast reads the past ($1 the day, $2 the recording cutoff): the live rows that no record changed
	// since, and the images of the others.
	snapPast = snapQueries{
		sites:       unchanged(snapSitesSQL, "s"),
		buildings:   unchanged(`SELECT `+buildingColumns+` FROM buildings b WHERE b.deleted_at IS NULL`, "b"),
		floors:      unchanged(snapFloorsSQL, "f"),
		rooms:       unchanged(snapRoomsSQL, "r"),
		agencies:    unchanged(`SELECT `+agencyColumns+` FROM agencies a WHERE a.deleted_at IS NULL`, "a"),
		people:      unchanged(snapPeopleSQL, "p"),
		posts:       unchanged(snapPostsSQL, "o"),
		assignments: unchanged(snapAssignmentsSQL, "a"),
		standards:   unchanged(snapStandardsSQL, "t"),
		changed:     snapChangedSQL,
	}
)

// unchanged narrows liveSQL, a query of the live rows of a table (alias its alias), to the rows with no
// history record effective after $1 or recorded at or after $2.
func unchanged(liveSQL, alias string) string {
	return liveSQL + `
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.entity_id = ` + alias + `.id AND ` + snapChanged + `)`
}

// Snapshot returns the register as it was on day asOf, as now known (see above).
func (s *Store) Snapshot(ctx context.Context, asOf time.Time) (*floorplan.Snapshot, error) {
	return s.snapshot(ctx, floorplan.DayOf(asOf), time.Time{})
}

// SnapshotRecorded returns the register as it was on day asOf, as recorded before the instant
// recordedAt (see above).
func (s *Store) SnapshotRecorded(ctx context.Context, asOf, recordedAt time.Time) (*floorplan.Snapshot, error) {
	if recordedAt.IsZero() {
		return nil, floorplan.Invalidf("no recording time given")
	}
	return s.snapshot(ctx, floorplan.DayOf(asOf), recordedAt)
}

// snapshot reads day's register as recorded before recorded (zero: as now known).
func (s *Store) snapshot(ctx context.Context, day, recorded time.Time) (*floorplan.Snapshot, error) {
	cutoff := pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	if !recorded.IsZero() {
		cutoff = pgtype.Timestamptz{Time: recorded, Valid: true}
	}
	var (
		snap   *floorplan.Snapshot
		first  time.Time
		future bool
	)
	err := s.read(AsJob(ctx), snapFirstKnownSQL, func(q querier) error { // the whole register: a job
		if err := q.QueryRow(ctx, snapFirstKnownSQL, cutoff).Scan(dateDst(&first)); err != nil {
			return err
		}
		if recorded.IsZero() && !day.Before(s.today()) {
			if err := q.QueryRow(ctx, snapFutureSQL, day).Scan(&future); err != nil {
				return err
			}
			if !future {
				var err error
				snap, err = s.readSnapshot(ctx, q, day, snapLive)
				return err
			}
		}
		var err error
		snap, err = s.readSnapshot(ctx, q, day, snapPast, day, cutoff)
		return err
	})
	if err != nil {
		return nil, err
	}
	snap.RecordedAt, snap.FirstKnown = recorded, first
	return snap, nil
}

// readSnapshot reads the snapshot of day with qs, each query run with args: the rows its queries read,
// and those rebuilt from the row images of qs.changed.
func (s *Store) readSnapshot(ctx context.Context, q querier, day time.Time, qs snapQueries,
	args ...any) (*floorplan.Snapshot, error) {
	snap := &floorplan.Snapshot{AsOf: day}
	var (
		posts []floorplan.PersonPost
		rows  []floorplan.StandardRow
		imgs  []image
	)
	err := func() error {
		var err error
		if snap.Sites, err = collect(ctx, q, scanSite, qs.sites, args...); err != nil {
			return err
		}
		if snap.Buildings, err = collect(ctx, q, scanBuilding, qs.buildings, args...); err != nil {
			return err
		}
		if snap.Floors, err = collect(ctx, q, scanFloor, qs.floors, args...); err != nil {
			return err
		}
		if snap.Rooms, err = collect(ctx, q, s.scanRoom, qs.rooms, args...); err != nil {
			return err
		}
		if snap.Agencies, err = collect(ctx, q, scanAgency, qs.agencies, args...); err != nil {
			return err
		}
		if snap.People, err = collect(ctx, q, s.scanPerson, qs.people, args...); err != nil {
			return err
		}
		if posts, err = collect(ctx, q, scanPost, qs.posts, args...); err != nil {
			return err
		}
		if snap.Assignments, err = collect(ctx, q, s.scanAssignment, qs.assignments, args...); err != nil {
			return err
		}
		if rows, err = collect(ctx, q, scanStandardRow, qs.standards, args...); err != nil {
			return err
		}
		if qs.changed != "" {
			imgs, err = collect(ctx, q, scanImage, qs.changed, args...)
		}
		return err
	}()
	if err != nil {
		return nil, err
	}
	for _, img := range imgs {
		if err := s.addImage(snap, &posts, &rows, img); err != nil {
			return nil, err
		}
	}
	floorplan.AttachPosts(snap.People, posts)
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
func (s *Store) addImage(snap *floorplan.Snapshot, posts *[]floorplan.PersonPost, rows *[]floorplan.StandardRow,
	img image) error {
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
	if r.ValidFrom.IsZero() && !r.CreatedAt.IsZero() { // an image written before 0004_bitemporal
		r.ValidFrom.Time = floorplan.DayOf(r.CreatedAt.In(s.loc))
	}
	var err error
	switch img.entity {
	case floorplan.EntitySite:
		site := floorplan.Site{ID: r.ID, Name: r.Name, Address: r.Address, Category: r.Category,
			Ownership: floorplan.OwnershipStatus(r.Ownership), Note: r.Note, JurisdictionID: r.JurisdictionID,
			Version: r.version(), Records: []floorplan.OwnershipRecord{}}
		if len(r.Records) > 0 && string(r.Records) != "null" {
			err = json.Unmarshal(r.Records, &site.Records)
		}
		snap.Sites = append(snap.Sites, site)
	case floorplan.EntityBuilding:
		b := floorplan.Building{ID: r.ID, SiteID: r.SiteID, Name: r.Name, Address: r.Address, SourceID: r.SourceID,
			Lang: r.Lang, Category: r.Category}
		b.Georef.Origin = orb.Point{r.OriginLon, r.OriginLat}
		b.Georef.RotationDeg, b.Georef.Scale, b.ValidFrom = r.RotationDeg, r.scaleNumber(), r.ValidFrom.Time
		b.Version = r.version()
		b.Footprint, err = imageAs[orb.Polygon](r.Footprint)
		snap.Buildings = append(snap.Buildings, b)
	case floorplan.EntityFloor:
		f := floorplan.Floor{ID: r.ID, BuildingID: r.BuildingID, Ordinal: r.Ordinal, Name: r.Name,
			Elevation: r.Elevation, SourceID: r.SourceID, Version: r.version()}
		if f.Outline, err = imageAs[orb.Polygon](r.Outline); err == nil {
			f.Openings, err = imageAs[orb.MultiLineString](r.Openings)
		}
		snap.Floors = append(snap.Floors, f)
	case floorplan.EntityRoom:
		rm := floorplan.Room{ID: r.ID, FloorID: r.FloorID, Number: r.Number, Name: r.Name, Usage: floorplan.Usage(r.Usage),
			AgencyID: r.AgencyID, State: floorplan.RoomState(r.State), IdleSince: r.IdleSince.Time,
			SourceID: r.SourceID, Version: r.Version, ValidFrom: r.ValidFrom.Time, CreatedAt: s.in(r.CreatedAt),
			SourceCategory: r.SourceCategory, RecordedAreaM2: r.RecordedAreaM2}
		rm.Geometry, err = imageAs[orb.Polygon](r.Geom)
		snap.Rooms = append(snap.Rooms, rm)
	case floorplan.EntityAgency:
		snap.Agencies = append(snap.Agencies, floorplan.Agency{ID: r.ID, Name: r.Name, ShortName: r.ShortName,
			Level: floorplan.AdminLevel(r.Level), Scale: floorplan.AdminLevel(r.scaleText()), ParentID: r.ParentID, JurisdictionID: r.JurisdictionID,
			Headcount: r.Headcount, ApprovedAreaM2: r.ApprovedAreaM2, Status: floorplan.AgencyStatus(r.Status),
			StatusDate: r.StatusDate.Time, SuccessorID: r.SuccessorID, Version: r.version(), Code: r.Code})
	case floorplan.EntityPerson:
		snap.People = append(snap.People, floorplan.Person{ID: r.ID, Name: r.Name, AgencyID: r.AgencyID,
			Rank: floorplan.Rank(r.Rank), Title: r.Title, Posts: []floorplan.Post{},
			Status: floorplan.PersonStatus(r.Status), StatusDate: r.StatusDate.Time, Version: r.version(),
			CreatedAt: s.in(r.CreatedAt), StaffNo: r.StaffNo})
	case entityPost:
		*posts = append(*posts, floorplan.PersonPost{PersonID: r.PersonID, Post: floorplan.Post{ID: r.ID,
			Title: r.Title, AgencyID: r.AgencyID, Start: r.StartDate.Time, End: r.EndDate.Time}})
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

// version is the image's version: 1 for an image of a building, floor, agency or person written before
// 0009_versions, which gave every row version 1.
func (r rowImage) version() int64 { return max(r.Version, 1) }

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
	JurisdictionID    uuid.UUID       `json:"jurisdiction_id"`
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
	ValidFrom         jsonDate        `json:"valid_from"`
	CreatedAt         time.Time       `json:"created_at"`
	DeletedAt         time.Time       `json:"deleted_at"`
	Geom              json.RawMessage `json:"geom"`
	Footprint         json.RawMessage `json:"footprint"`
	Outline           json.RawMessage `json:"outline"`
	// Added by 0010_imports: absent (zero) in images written before.
	SourceCategory string          `json:"source_category"`
	RecordedAreaM2 float64         `json:"recorded_area_m2"` // null (0) when none is recorded
	Lang           string          `json:"lang"`
	Openings       json.RawMessage `json:"openings"`
	// Added by 0011_staff: absent ('') in images written before.
	StaffNo string `json:"staff_no"`
	Code    string `json:"code"` // an agency's; a jurisdiction's too, which no snapshot rebuilds
	// A site's own columns.
	Category  string          `json:"category"`
	Ownership string          `json:"ownership"`
	Records   json.RawMessage `json:"records"`
	Note      string          `json:"note"`
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

// imageAs decodes a geometry column of a row image (GeoJSON, as PostGIS casts geometry to jsonb) of type G
// (a polygon, lines); null or absent gives nil.
func imageAs[G orb.Geometry](raw json.RawMessage) (G, error) {
	var zero G
	if len(raw) == 0 || string(raw) == "null" {
		return zero, nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return zero, err
	}
	p, ok := g.Geometry().(G)
	if !ok {
		return zero, fmt.Errorf("geometry is a %s, not a %s", g.Geometry().GeoJSONType(), zero.GeoJSONType())
	}
	return p, nil
}
