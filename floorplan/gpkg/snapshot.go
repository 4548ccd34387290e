package gpkg

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// How Snapshot works (as in the PostGIS store; the semantics are floorplan/effective.go's).
//
// Every history record carries the instant it was recorded (at) and the day it holds from (effective).
// Snapshot(D) is the register as of day D as now known; SnapshotRecorded(D, T) the same among the records
// recorded before the instant T. For each row:
//   - a row that has no record effective after D (and, with T, none recorded at or after T) is as it is
//     now: it is read from its live table (and left out if it is deleted);
//   - any other row is rebuilt from the image of its latest record (max fid) effective on or before D
//     (and recorded before T); it is left out if that image is a deletion or if it has none (it did not
//     exist on D, as known then).
//
// All of it runs in one read transaction (one WAL snapshot). The rows to rebuild are found with one query
// over the history's (effective, entity_id) index (and its (at, entity_id) one with T) and left out of
// the live rows in Go (rather than a NOT EXISTS probe of the history for every row); their images come
// from one more query over the history, skipped when there is no row to rebuild: that is the fast path of
// today's snapshot (D today or later, no T, no record effective after D), which reads the live tables
// only. The full-table queries say NOT INDEXED: SQLite would otherwise walk a partial index (… WHERE
// deleted_at IS NULL) and fetch every row from it, several times slower than reading the table. That is
// at most twelve queries whatever the size of the register. Standard rows are those in force on D.

// farFuture stands for "no recordedAt": later than every instant the history holds.
const farFuture = "9999-12-31T23:59:59.999Z"

const (
	sqlSnapSites       = `SELECT ` + siteColumns + ` FROM sites_all s NOT INDEXED WHERE s.deleted_at IS NULL`
	sqlSnapFloors      = `SELECT ` + floorColumns + ` FROM floors_all f NOT INDEXED WHERE f.deleted_at IS NULL`
	sqlSnapRooms       = `SELECT ` + roomColumns + ` FROM rooms_all r NOT INDEXED WHERE r.deleted_at IS NULL`
	sqlSnapPeople      = `SELECT ` + personColumns + ` FROM people p NOT INDEXED WHERE p.deleted_at IS NULL`
	sqlSnapPosts       = `SELECT ` + postColumns + ` FROM posts o NOT INDEXED WHERE o.deleted_at IS NULL`
	sqlSnapAssignments = `SELECT ` + assignmentColumns + ` FROM assignments a NOT INDEXED WHERE a.deleted_at IS NULL`
	sqlSnapStandards   = `SELECT ` + standardRowColumns + ` FROM standard_rows t`

	// sqlSnapSizes counts the live rooms, people and assignments, so that the slices are made to size
	// (the partial indexes answer it), and finds the earliest effective day of a room record that is not
	// a deletion, recorded before ?1 (Snapshot.FirstKnown), on the partial index made for it.
	sqlSnapSizes = `
SELECT (SELECT count(*) FROM rooms_all WHERE deleted_at IS NULL),
       (SELECT count(*) FROM people WHERE deleted_at IS NULL),
       (SELECT count(*) FROM assignments WHERE deleted_at IS NULL),
       (SELECT CAST(h.effective AS TEXT) FROM history h INDEXED BY history_room_effective_idx
         WHERE h.entity = 'room' AND h.op <> 'delete' AND h.at < ?1
         ORDER BY h.effective LIMIT 1)`

	// sqlSnapChangedIDs lists the rows with a record effective after day ?1; sqlSnapChangedIDsRecorded
	// also those with a record at or after the instant ?2.
	sqlSnapChangedIDs         = `SELECT h.entity_id FROM history h WHERE h.effective > ?1`
	sqlSnapChangedIDsRecorded = `SELECT h.entity_id FROM history h WHERE h.effective > ?1 OR h.at >= ?2`

	// sqlSnapChanged returns, for every such row, the image of its latest record effective on or before
	// ?1 and recorded before ?2 (SQLite takes the bare columns from the row that gives max(fid)).
	sqlSnapChanged = `
SELECT h.entity, h.op, h.new_value, max(h.fid)
  FROM history h
 WHERE h.effective <= ?1 AND h.at < ?2
   AND h.entity_id IN (SELECT c.entity_id FROM history c WHERE c.effective > ?1)
 GROUP BY h.entity_id`
	sqlSnapChangedRecorded = `
SELECT h.entity, h.op, h.new_value, max(h.fid)
  FROM history h
 WHERE h.effective <= ?1 AND h.at < ?2
   AND h.entity_id IN (SELECT c.entity_id FROM history c WHERE c.effective > ?1 OR c.at >= ?2)
 GROUP BY h.entity_id`
)

// Snapshot returns the register as of day asOf, as now known (see above).
func (s *Store) Snapshot(ctx context.Context, asOf time.Time) (*floorplan.Snapshot, error) {
	return s.snapshot(ctx, floorplan.DayOf(asOf), time.Time{})
}

// SnapshotRecorded returns the register as of day asOf as officemap knew it at the instant recordedAt:
// only the changes recorded before it count (see above). A zero recordedAt is Snapshot.
func (s *Store) SnapshotRecorded(ctx context.Context, asOf, recordedAt time.Time) (*floorplan.Snapshot, error) {
	if recordedAt.IsZero() {
		return nil, floorplan.Invalidf("no recording time given")
	}
	return s.snapshot(ctx, floorplan.DayOf(asOf), recordedAt)
}

// recordedBefore is the DATETIME text T such that a history row was recorded before the instant t when
// its at < T: t rounded up to the millisecond the history keeps (farFuture for a zero t).
func recordedBefore(t time.Time) string {
	if t.IsZero() {
		return farFuture
	}
	ms := t.Truncate(time.Millisecond)
	if ms.Before(t) {
		ms = ms.Add(time.Millisecond)
	}
	_, text := instant(ms)
	return text
}

// snapshot reads the register as of day (see above), among the records recorded before recordedAt when
// it is not zero.
func (s *Store) snapshot(ctx context.Context, day, recordedAt time.Time) (*floorplan.Snapshot, error) {
	snap := &floorplan.Snapshot{AsOf: day, RecordedAt: recordedAt}
	var (
		sites       []siteRow
		buildings   []buildingRow
		floors      []floorRow
		rooms       []floorplan.Room
		agencies    []agencyRow
		people      []floorplan.Person
		posts       []postRow
		assignments []assignmentRow
		standards   []standardRowRow
		changed     = map[uuid.UUID]bool{}
		imgs        []image
	)
	dayText, before := day.Format(floorplan.DateLayout), recordedBefore(recordedAt)
	changedIDs, changedImages := sqlSnapChangedIDs, sqlSnapChanged
	if !recordedAt.IsZero() {
		changedIDs, changedImages = sqlSnapChangedIDsRecorded, sqlSnapChangedRecorded
	}
	err := s.read(ctx, func(q querier) error {
		var nRooms, nPeople, nAssignments int
		err := q.QueryRowContext(ctx, sqlSnapSizes, before).Scan(&nRooms, &nPeople, &nAssignments, dateCol{&snap.FirstKnown})
		if err != nil {
			return err
		}
		ids, err := collect(ctx, q, scanID, changedIDs, dayText, before)
		if err != nil {
			return err
		}
		for _, id := range ids {
			changed[id] = true
		}
		if len(changed) > 0 {
			if imgs, err = collect(ctx, q, scanImage, changedImages, dayText, before); err != nil {
				return err
			}
		}
		if sites, err = collect(ctx, q, s.scanSite, sqlSnapSites); err != nil {
			return err
		}
		if buildings, err = collect(ctx, q, s.scanBuilding, sqlAllBuildings); err != nil {
			return err
		}
		if floors, err = collect(ctx, q, s.scanFloor, sqlSnapFloors); err != nil {
			return err
		}
		rooms = make([]floorplan.Room, 0, nRooms)
		if rooms, err = collectInto(ctx, q, rooms, s.scanRoom, sqlSnapRooms); err != nil {
			return err
		}
		if agencies, err = collect(ctx, q, s.scanAgency, sqlAgencies); err != nil {
			return err
		}
		people = make([]floorplan.Person, 0, nPeople)
		if people, err = collectInto(ctx, q, people, s.scanPerson, sqlSnapPeople); err != nil {
			return err
		}
		if posts, err = collect(ctx, q, s.scanPost, sqlSnapPosts); err != nil {
			return err
		}
		assignments = make([]assignmentRow, 0, nAssignments)
		if assignments, err = collectInto(ctx, q, assignments, s.scanAssignment, sqlSnapAssignments); err != nil {
			return err
		}
		standards, err = collect(ctx, q, s.scanStandardRow, sqlSnapStandards)
		return err
	})
	if err != nil {
		return nil, err
	}
	unchanged := func(id uuid.UUID) bool { return !changed[id] }
	snap.Sites = recs(keep(sites, func(r siteRow) bool { return unchanged(r.rec.ID) }))
	snap.Buildings = recs(keep(buildings, func(r buildingRow) bool { return unchanged(r.rec.ID) }))
	snap.Floors = recs(keep(floors, func(r floorRow) bool { return unchanged(r.rec.ID) }))
	snap.Rooms = keep(rooms, func(r floorplan.Room) bool { return unchanged(r.ID) })
	snap.Agencies = recs(keep(agencies, func(r agencyRow) bool { return unchanged(r.rec.ID) }))
	snap.People = keep(people, func(r floorplan.Person) bool { return unchanged(r.ID) })
	snap.Assignments = assignmentsOf(keep(assignments, func(r assignmentRow) bool { return unchanged(r.ID) }))
	held := recs(keep(posts, func(r postRow) bool { return unchanged(r.rec.Post.ID) }))
	stdRows := standardRowsOf(keep(standards, func(r standardRowRow) bool { return unchanged(r.id) }))
	for _, img := range imgs {
		if err := s.addImage(snap, &held, &stdRows, img); err != nil {
			return nil, err
		}
	}
	floorplan.AttachPosts(snap.People, held)
	snap.StandardRows = floorplan.StandardRowsInForce(stdRows, day)
	return snap, nil
}

// keep filters rows in place.
func keep[T any](rows []T, ok func(T) bool) []T {
	out := rows[:0]
	for _, r := range rows {
		if ok(r) {
			out = append(out, r)
		}
	}
	return out
}

func scanID(row scanner) (uuid.UUID, error) {
	var id uuid.UUID
	err := row.Scan(idCol{&id})
	return id, err
}

// image is one row image from the history.
type image struct {
	entity floorplan.Entity
	op     string
	row    []byte // nil for none
}

func scanImage(row scanner) (image, error) {
	var (
		img image
		nw  *string
		seq int64
	)
	if err := row.Scan(&img.entity, &img.op, &nw, &seq); err != nil {
		return img, err
	}
	if nw != nil {
		img.row = []byte(*nw)
	}
	return img, nil
}

// addImage adds a rebuilt row to the snapshot, unless it records a deletion.
func (s *Store) addImage(snap *floorplan.Snapshot, posts *[]floorplan.PersonPost, rows *[]floorplan.StandardRow,
	img image) error {
	if img.op == opDelete || img.row == nil {
		return nil
	}
	var probe struct {
		ID        jsonID      `json:"id"`
		DeletedAt jsonInstant `json:"deleted_at"`
	}
	if err := json.Unmarshal(img.row, &probe); err != nil {
		return fmt.Errorf("gpkg: history image of a %s: %w", img.entity, err)
	}
	if !time.Time(probe.DeletedAt).IsZero() {
		return nil
	}
	var err error
	switch img.entity {
	case floorplan.EntitySite:
		var r siteImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.Sites = append(snap.Sites, floorplan.Site{ID: uuid.UUID(r.ID), Name: r.Name, Address: r.Address,
				Category: r.Category, Ownership: r.Ownership, Records: recordsOf(r.Records), Note: r.Note,
				JurisdictionID: uuid.UUID(r.JurisdictionID), Version: imageVersion(r.Version)})
		}
	case floorplan.EntityBuilding:
		var r buildingImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.Buildings = append(snap.Buildings, floorplan.Building{ID: uuid.UUID(r.ID), SiteID: uuid.UUID(r.SiteID),
				Name: r.Name, Address: r.Address, Footprint: orb.Polygon(r.Footprint), SourceID: r.SourceID, Lang: r.Lang,
				Category:  r.Category,
				Georef:    georef(r.OriginLon, r.OriginLat, r.RotationDeg, r.Scale),
				ValidFrom: s.imageValidFrom(r.ValidFrom, r.CreatedAt), Version: imageVersion(r.Version)})
		}
	case floorplan.EntityFloor:
		var r floorImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.Floors = append(snap.Floors, floorplan.Floor{ID: uuid.UUID(r.ID), BuildingID: uuid.UUID(r.BuildingID),
				Ordinal: r.Ordinal, Name: r.Name, Elevation: r.Elevation, Outline: orb.Polygon(r.Outline),
				SourceID: r.SourceID, Version: imageVersion(r.Version), Openings: orb.MultiLineString(r.Openings)})
		}
	case floorplan.EntityRoom:
		var r roomImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.Rooms = append(snap.Rooms, floorplan.Room{ID: uuid.UUID(r.ID), FloorID: uuid.UUID(r.FloorID),
				Number: r.Number, Name: r.Name, Usage: floorplan.Usage(r.Usage), AgencyID: uuid.UUID(r.AgencyID),
				State: floorplan.RoomState(r.State), IdleSince: time.Time(r.IdleSince), Geometry: orb.Polygon(r.Geom),
				SourceID: r.SourceID, Version: r.Version, CreatedAt: s.in(time.Time(r.CreatedAt)),
				ValidFrom: s.imageValidFrom(r.ValidFrom, r.CreatedAt), SourceCategory: r.SourceCategory,
				RecordedAreaM2: float64(r.RecordedAreaM2)})
		}
	case floorplan.EntityAgency:
		var r agencyImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.Agencies = append(snap.Agencies, floorplan.Agency{ID: uuid.UUID(r.ID), Name: r.Name,
				ShortName: r.ShortName, Level: floorplan.AdminLevel(r.Level), Scale: floorplan.AdminLevel(r.Scale),
				ParentID: uuid.UUID(r.ParentID), Headcount: r.Headcount, ApprovedAreaM2: r.ApprovedAreaM2,
				Status: floorplan.AgencyStatus(r.Status), StatusDate: time.Time(r.StatusDate),
				SuccessorID: uuid.UUID(r.SuccessorID), JurisdictionID: uuid.UUID(r.JurisdictionID),
				Version: imageVersion(r.Version), Code: r.Code})
		}
	case floorplan.EntityPerson:
		var r personImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.People = append(snap.People, floorplan.Person{ID: uuid.UUID(r.ID), Name: r.Name,
				AgencyID: uuid.UUID(r.AgencyID), Rank: floorplan.Rank(r.Rank), Title: r.Title, Posts: []floorplan.Post{},
				Status: floorplan.PersonStatus(r.Status), StatusDate: time.Time(r.StatusDate),
				Version: imageVersion(r.Version), CreatedAt: s.in(time.Time(r.CreatedAt)), StaffNo: r.StaffNo})
		}
	case entityPost:
		var r postImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			*posts = append(*posts, floorplan.PersonPost{PersonID: uuid.UUID(r.PersonID),
				Post: floorplan.Post{ID: uuid.UUID(r.ID), Title: r.Title, AgencyID: uuid.UUID(r.AgencyID),
					Start: time.Time(r.StartDate), End: time.Time(r.EndDate)}})
		}
	case floorplan.EntityAssignment:
		var r assignmentImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			snap.Assignments = append(snap.Assignments, floorplan.Assignment{ID: uuid.UUID(r.ID),
				PersonID: uuid.UUID(r.PersonID), RoomID: uuid.UUID(r.RoomID), Kind: floorplan.AssignmentKind(r.Kind),
				PostID: uuid.UUID(r.PostID), ApprovalRef: r.ApprovalRef, Start: time.Time(r.StartDate),
				End: time.Time(r.EndDate), Version: r.Version})
		}
	case entityStandardRow:
		var r standardRowImage
		if err = json.Unmarshal(img.row, &r); err == nil {
			*rows = append(*rows, floorplan.StandardRow{Scale: floorplan.AdminLevel(r.Scale), Rank: floorplan.Rank(r.Rank),
				Title: r.Title, AreaM2: r.AreaM2, ToiletAllowanceM2: r.ToiletAllowanceM2, Effective: time.Time(r.Effective),
				Jurisdiction: r.Jurisdiction, Source: r.Source})
		}
	}
	if err != nil {
		return fmt.Errorf("gpkg: history image of %s %s: %w", img.entity, uuid.UUID(probe.ID), err)
	}
	return nil
}

func georef(lon, lat, rotation, scale float64) (g geo.Georef) {
	g.Origin = orb.Point{lon, lat}
	g.RotationDeg, g.Scale = rotation, scale
	return g
}

// imageValidFrom is the valid_from of a room or building image; images recorded before schema version 2
// have none, and then it is the day the row was entered, as the migration filled it in the live row.
func (s *Store) imageValidFrom(validFrom jsonDate, created jsonInstant) time.Time {
	if !time.Time(validFrom).IsZero() || time.Time(created).IsZero() {
		return time.Time(validFrom)
	}
	return floorplan.DayOf(time.Time(created).In(s.loc))
}

// in is t in the store's time zone (zero stays zero).
func (s *Store) in(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(s.loc)
}

// imageVersion is the version of a building, floor, agency or person in its history image: 1 for an image
// written before schema version 7, which gave every row version 1.
func imageVersion(v int64) int64 { return max(v, 1) }
