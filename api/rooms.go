package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
)

// Rooms are GeoJSON Features: the geometry is the room's polygon (lon/lat, or with crs=local the
// building's local coordinates in units of its georef.scale metres; see geometry.go) and the
// properties carry the register's fields and, read-only, the room's state against the standard today
// (area, occupants, per-person area, standard, status) from the Assessor.

// occupantJSON is one occupant of a room today.
type occupantJSON struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Rank      string    `json:"rank"`
	RankTitle string    `json:"rank_title"`
	Kind      string    `json:"kind" enum:"main,second"`
	ShareM2   float64   `json:"share_m2"`
}

// roomProps are a room feature's properties.
type roomProps struct {
	ID        uuid.UUID `json:"id" readonly:"true"`
	FloorID   uuid.UUID `json:"floor_id" readonly:"true"`
	Number    string    `json:"number"`
	Name      string    `json:"name"`
	Usage     string    `json:"usage" enum:"office,rest_room,toilet,service,equipment,ancillary,technical,circulation,shaft,void,commercial,residential,other"`
	AgencyID  optID     `json:"agency_id"`
	State     string    `json:"state" enum:"in_use,idle,under_repair,leased"`
	IdleSince date      `json:"idle_since"`
	SourceID  string    `json:"source_id"`
	// SourceCategory is the room's category in the source it was imported from (IMDF category, DXF
	// room type), given back by exports.
	SourceCategory string `json:"source_category"`
	// RecordedAreaM2 is the usable area the bureau's room register records (账面面积); null when none.
	RecordedAreaM2 *float64 `json:"recorded_area_m2"`
	// ValidFrom is the day the room exists from in the world (a known earlier start); as-of reports see
	// it from then. Default: the day it is entered (or the request's effective day).
	ValidFrom date  `json:"valid_from"`
	Version   int64 `json:"version" readonly:"true"`
	// AreaM2 is the usable area (使用面积) in m², from the stored local metres (whatever georef.scale is).
	AreaM2      float64        `json:"area_m2" readonly:"true"`
	Occupants   []occupantJSON `json:"occupants" readonly:"true"`
	PerPersonM2 float64        `json:"per_person_m2" readonly:"true"`
	StandardM2  float64        `json:"standard_m2" readonly:"true"`
	Status      *string        `json:"status" readonly:"true" enum:"over_standard,compliant,vacant,non_office,no_standard"`
	CreatedAt   *time.Time     `json:"created_at" readonly:"true"`
}

// roomFeatureJSON is a room on the wire.
type roomFeatureJSON struct {
	Type       string            `json:"type" enum:"Feature"`
	ID         uuid.UUID         `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry" schema:"Polygon"`
	Properties roomProps         `json:"properties"`
}

type roomCollectionJSON struct {
	Type     string            `json:"type" enum:"FeatureCollection"`
	Features []roomFeatureJSON `json:"features"`
	// Openings are the floor's doors and other openings in the request's crs, drawn over the rooms by
	// the app: a floor's list only, absent when the floor has none.
	Openings *geojson.Geometry `json:"openings,omitempty" schema:"MultiLineString" readonly:"true"`
}

// roomIn is a room feature as it arrives. Read-only properties are ignored.
type roomIn struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		Number         string   `json:"number"`
		Name           string   `json:"name"`
		Usage          string   `json:"usage"`
		AgencyID       optID    `json:"agency_id"`
		State          string   `json:"state"`
		IdleSince      date     `json:"idle_since"`
		SourceID       string   `json:"source_id"`
		SourceCategory string   `json:"source_category"`
		RecordedAreaM2 *float64 `json:"recorded_area_m2"`
		ValidFrom      date     `json:"valid_from"`
	} `json:"properties"`
}

// roomOut is a room on the wire, with its state today from rep (which may be nil).
func roomOut(room floorplan.Room, p projector, rep *floorplan.Report) roomFeatureJSON {
	props := roomProps{ID: room.ID, FloorID: room.FloorID, Number: room.Number, Name: room.Name,
		Usage: string(room.Usage), AgencyID: optID(room.AgencyID), State: string(room.State),
		IdleSince: dateOf(room.IdleSince), SourceID: room.SourceID, SourceCategory: room.SourceCategory,
		ValidFrom: dateOf(room.ValidFrom), Version: room.Version, AreaM2: roundArea(room.Area()), Occupants: []occupantJSON{}}
	if room.RecordedAreaM2 != 0 {
		props.RecordedAreaM2 = &room.RecordedAreaM2
	}
	if !room.CreatedAt.IsZero() {
		t := room.CreatedAt.UTC()
		props.CreatedAt = &t
	}
	if rep != nil {
		if rr, ok := rep.Room(room.ID); ok {
			for _, o := range rr.Occupants {
				props.Occupants = append(props.Occupants, occupantJSON{ID: o.PersonID, Name: o.Name, Rank: string(o.Rank),
					RankTitle: o.RankTitle, Kind: string(o.Kind), ShareM2: roundArea(o.ShareM2)})
			}
			props.PerPersonM2 = roundArea(rr.PerPersonM2)
			props.StandardM2 = roundArea(rr.StandardM2)
			status := string(rr.Status)
			props.Status = &status
		}
	}
	return roomFeatureJSON{Type: "Feature", ID: room.ID, Geometry: p.out(room.Geometry), Properties: props}
}

// domain converts a room from the wire, with its geometry as sent (the Register converts it to local
// metres and validates it). When keepGeometry is set the stored geometry keep is used instead of the
// input's (and the shape is empty).
func (in roomIn) domain(p projector, keep orb.Polygon, keepGeometry bool) (floorplan.Room, floorplan.Shape, error) {
	if in.Type != "Feature" {
		return floorplan.Room{}, floorplan.Shape{}, badRequest("the body must be a GeoJSON Feature (type \"Feature\"), not %q", in.Type)
	}
	pr := in.Properties
	room := floorplan.Room{Number: pr.Number, Name: pr.Name, Usage: floorplan.Usage(pr.Usage),
		AgencyID: pr.AgencyID.UUID(), State: floorplan.RoomState(pr.State), IdleSince: pr.IdleSince.Time,
		SourceID: pr.SourceID, SourceCategory: pr.SourceCategory, ValidFrom: pr.ValidFrom.Time}
	if pr.RecordedAreaM2 != nil {
		room.RecordedAreaM2 = *pr.RecordedAreaM2
	}
	if room.State == "" {
		room.State = floorplan.RoomInUse
	}
	if keepGeometry {
		room.Geometry = keep
		return room, floorplan.Shape{}, nil
	}
	if isNull(in.Geometry) {
		return room, floorplan.Shape{}, badRequest("field geometry is required: a GeoJSON Polygon")
	}
	wire, err := parsePolygon(in.Geometry, "geometry")
	if err != nil {
		return room, floorplan.Shape{}, err
	}
	shape, err := p.shapeIn(wire)
	return room, shape, err
}

// roomContext reads what a room's handlers need: the room, its floor's building and the projector of
// the request's crs.
func (s *Server) roomContext(r *http.Request, id uuid.UUID) (floorplan.Room, projector, error) {
	room, p, _, err := s.roomPlace(r, id)
	return room, p, err
}

// roomPlace is roomContext that also returns the request's context carrying the room, its floor and
// building as read (floorplan.WithKnown), for the write that follows: the register does not read them again.
func (s *Server) roomPlace(r *http.Request, id uuid.UUID) (floorplan.Room, projector, context.Context, error) {
	ctx := r.Context()
	local, err := crsLocal(r)
	if err != nil {
		return floorplan.Room{}, projector{}, ctx, err
	}
	room, err := s.scopedRoom(ctx, id)
	if err != nil {
		return room, projector{}, ctx, about("room", err)
	}
	f, b, err := s.floorAndBuilding(ctx, room.FloorID)
	if err != nil {
		return room, projector{}, ctx, err
	}
	return room, newProjector(local, b), floorplan.WithKnown(ctx, f, b, &room), nil
}

// roomIfMatch is roomContext for a conditional write: it checks the request's If-Match against the
// room's version (412 when stale) and returns the version to write against.
// The context returned carries the room, its floor and building as read (roomPlace), for the write.
func (s *Server) roomIfMatch(r *http.Request, id uuid.UUID) (floorplan.Room, projector, int64, context.Context, error) {
	room, p, ctx, err := s.roomPlace(r, id)
	if err != nil {
		return room, p, 0, ctx, err
	}
	version, err := ifMatch(r, room.Version)
	return room, p, version, ctx, err
}

// writeRoom answers with one room, its ETag and its state today.
func (s *Server) writeRoom(ctx context.Context, w http.ResponseWriter, status int, room floorplan.Room, p projector) error {
	rep, err := s.storedStates(ctx, []floorplan.Room{room})
	if err != nil {
		return err
	}
	return s.answerRoom(ctx, w, status, room, p, rep)
}

// storedStates is the state today of rooms, as the store keeps it up to date after every write
// (floorplan.Register.States: no whole evaluation of the register), as a report to read rooms from.
func (s *Server) storedStates(ctx context.Context, rooms []floorplan.Room) (*floorplan.Report, error) {
	ids := make([]uuid.UUID, len(rooms))
	for i, r := range rooms {
		ids[i] = r.ID
	}
	states, err := s.register.States(ctx, ids)
	if err != nil {
		return nil, err
	}
	return floorplan.StatesReport(states), nil
}

// writtenRoom answers a successful write with the room and its state today, as the Register computed it
// for the rooms the write touched.
func (s *Server) writtenRoom(ctx context.Context, w http.ResponseWriter, status int, room floorplan.Room, p projector, c floorplan.Changes) error {
	return s.answerRoom(ctx, w, status, room, p, changedState(c))
}

// answerRoom answers with one room, its ETag and its state from rep, as the request's scope shows it.
func (s *Server) answerRoom(ctx context.Context, w http.ResponseWriter, status int, room floorplan.Room, p projector, rep *floorplan.Report) error {
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	out := roomOut(room, p, rep)
	if !sc.personal {
		redactRoom(&out)
	}
	setETag(w, room.Version)
	return writeGeoJSON(w, status, out)
}

// changedState is the state of the rooms a write touched, as a report to read rooms from.
func changedState(c floorplan.Changes) *floorplan.Report {
	return &floorplan.Report{Rooms: c.Rooms}
}

// afterWrite makes the error of a committed write that could not compute the rooms' state a warning: the
// write must not look failed (a client would retry and write twice); the room is then sent without its
// state today, which a GET gives once the store answers again.
func (s *Server) afterWrite(ctx context.Context, c floorplan.Changes, err error) (floorplan.Changes, error) {
	if err != nil && c.Revision != 0 {
		s.log.WarnContext(ctx, "status after a write", "request_id", requestID(ctx), "error", err.Error())
		return c, nil
	}
	return c, err
}

// frames gives the projector of the floor a room is on.
type frames func(floorID uuid.UUID) (projector, error)

// oneFrame is the frames of rooms that share one projector (rooms of one floor, or of one building).
func oneFrame(p projector) frames { return func(uuid.UUID) (projector, error) { return p, nil } }

// floorFrames reads the projector of each floor once, for rooms across floors.
func (s *Server) floorFrames(ctx context.Context, local bool) frames {
	seen := map[uuid.UUID]projector{}
	return func(floorID uuid.UUID) (projector, error) {
		if p, ok := seen[floorID]; ok {
			return p, nil
		}
		_, p, err := s.floorFrame(ctx, floorID, local)
		if err != nil {
			return p, err
		}
		seen[floorID] = p
		return p, nil
	}
}

// roomsOut is rooms as a GeoJSON FeatureCollection, each with its state from rep (which may be nil).
func roomsOut(rooms []floorplan.Room, frameOf frames, rep *floorplan.Report) (roomCollectionJSON, error) {
	out := roomCollectionJSON{Type: "FeatureCollection", Features: make([]roomFeatureJSON, 0, len(rooms))}
	for _, room := range rooms {
		p, err := frameOf(room.FloorID)
		if err != nil {
			return out, err
		}
		out.Features = append(out.Features, roomOut(room, p, rep))
	}
	return out, nil
}

// writeRooms answers with those of rooms in the request's scope and their state today, and with a
// floor's openings (nil: none, or not a floor's list).
func (s *Server) writeRooms(ctx context.Context, w http.ResponseWriter, rooms []floorplan.Room, frameOf frames, openings *geojson.Geometry) error {
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	rooms = sc.keepRooms(rooms)
	rep, err := s.storedStates(ctx, rooms)
	if err != nil {
		return err
	}
	out, err := roomsOut(rooms, frameOf, rep)
	if err != nil {
		return err
	}
	out.Openings = openings
	return answerRooms(w, http.StatusOK, sc, out)
}

// answerRooms answers with a collection of rooms as the scope sc shows it: without the occupants' names
// and ranks when it has no personal data.
func answerRooms(w http.ResponseWriter, status int, sc scope, out roomCollectionJSON) error {
	if !sc.personal {
		for i := range out.Features {
			redactRoom(&out.Features[i])
		}
	}
	return writeGeoJSON(w, status, out)
}

func (s *Server) listRooms(w http.ResponseWriter, r *http.Request) error {
	f, p, err := s.visibleFloorAt(r)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	rooms, err := s.store.Rooms(r.Context(), floorplan.RoomFilter{FloorID: f.ID, In: sc.read})
	if err != nil {
		return err
	}
	return s.writeRooms(r.Context(), w, rooms, oneFrame(p), p.lines(f.Openings))
}

// lines converts stored lines (local metres) to the wire, as out does polygons.
func (p projector) lines(mls orb.MultiLineString) *geojson.Geometry {
	if len(mls) == 0 {
		return nil
	}
	conv := func(pt orb.Point) orb.Point { return orb.Point{pt[0] / p.unit, pt[1] / p.unit} }
	if !p.local {
		conv = p.frame.ToLonLat
	}
	out := make(orb.MultiLineString, len(mls))
	for i, ls := range mls {
		out[i] = make(orb.LineString, len(ls))
		for j, pt := range ls {
			out[i][j] = conv(pt)
		}
	}
	return geojson.NewGeometry(out)
}

// maxRoomSearch caps GET /api/v1/rooms: an agency's or a building's rooms, not the whole register.
const maxRoomSearch = 20000

// searchRooms lists the rooms of an agency (各使用单位办公用房分布) and/or a building, across floors, as a
// GeoJSON FeatureCollection like a floor's list. One of agency_id and building_id is required.
func (s *Server) searchRooms(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	f := floorplan.RoomFilter{AgencyID: q.uuid("agency_id"), BuildingID: q.uuid("building_id")}
	if q.err != nil {
		return q.err
	}
	if f.AgencyID == uuid.Nil && f.BuildingID == uuid.Nil {
		return badRequest("agency_id or building_id is required (a floor's rooms are at /api/v1/floors/{id}/rooms)")
	}
	local, err := crsLocal(r)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	f.In = sc.read // counted in the scope: the count says nothing about other scopes' rooms
	rooms, err := s.store.Rooms(r.Context(), f)
	if err != nil {
		return err
	}
	if len(rooms) > maxRoomSearch {
		return badRequest("%d rooms match; narrow the request to at most %d (add building_id)", len(rooms), maxRoomSearch)
	}
	return s.writeRooms(r.Context(), w, rooms, s.floorFrames(r.Context(), local), nil)
}

func (s *Server) createRoom(w http.ResponseWriter, r *http.Request) error {
	var in roomIn
	floorID, local, err := idCRSAndDecode(r, &in)
	if err != nil {
		return err
	}
	_, p, err := s.floorFrame(r.Context(), floorID, local)
	if err != nil {
		return err
	}
	room, shape, err := in.domain(p, nil, false)
	if err != nil {
		return err
	}
	room.FloorID = floorID
	c, err := s.register.CreateRoom(r.Context(), &room, shape)
	if c, err = s.afterWrite(r.Context(), c, err); err != nil {
		return err
	}
	location(w, "/api/v1/rooms/"+room.ID.String())
	return s.writtenRoom(r.Context(), w, http.StatusCreated, room, p, c)
}

func (s *Server) getRoom(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	room, p, err := s.roomContext(r, id)
	if err != nil {
		return err
	}
	return s.writeRoom(r.Context(), w, http.StatusOK, room, p)
}

// putRoom replaces a room's properties and geometry.
func (s *Server) putRoom(w http.ResponseWriter, r *http.Request) error {
	return s.updateRoom(w, r, false)
}

// patchRoom merges a patch into the room feature (RFC 7396): properties merge, and a geometry, when
// given, replaces the room's.
func (s *Server) patchRoom(w http.ResponseWriter, r *http.Request) error {
	return s.updateRoom(w, r, true)
}

func (s *Server) updateRoom(w http.ResponseWriter, r *http.Request, patch bool) error {
	id, body, err := conditionalBody(r)
	if err != nil {
		return err
	}
	return retryAny(r, func() error {
		cur, p, version, ctx, err := s.roomIfMatch(r, id)
		if err != nil {
			return err
		}
		room, shape, err := roomUpdate(cur, p, version, body, patch)
		if err != nil {
			return err
		}
		c, err := s.register.UpdateRoom(ctx, &room, shape)
		if c, err = s.afterWrite(r.Context(), c, err); err != nil {
			return stale(about("room", err))
		}
		return s.writtenRoom(r.Context(), w, http.StatusOK, room, p, c)
	})
}

// roomUpdate decodes the body of a PUT (or, with patch, of a PATCH: a merge patch of the room's feature as
// p shows it) of room cur into the room to write at version and its shape (empty when the geometry stays).
func roomUpdate(cur floorplan.Room, p projector, version int64, body []byte, patch bool) (floorplan.Room, floorplan.Shape, error) {
	var in roomIn
	var err error
	keepGeometry := false
	if patch {
		if in, err = mergePatch[roomIn](roomOut(cur, p, nil), body); err != nil {
			return floorplan.Room{}, floorplan.Shape{}, err
		}
		keepGeometry = !hasMember(body, "geometry")
	} else if err := unmarshal(body, &in); err != nil {
		return floorplan.Room{}, floorplan.Shape{}, err
	}
	room, shape, err := in.domain(p, cur.Geometry, keepGeometry)
	if err != nil {
		return room, shape, err
	}
	room.ID, room.FloorID, room.Version, room.CreatedAt = cur.ID, cur.FloorID, version, cur.CreatedAt
	if !patch {
		keepProvenance(body, &room, cur)
	}
	return room, shape, nil
}

// keepProvenance keeps, on a PUT that does not name them, what an import recorded about a room: its
// source category and the area its register records. A client that predates them must not wipe them.
func keepProvenance(body []byte, room *floorplan.Room, cur floorplan.Room) {
	var doc struct {
		Properties json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(body, &doc) // the body parsed once already
	if !hasMember(doc.Properties, "source_category") {
		room.SourceCategory = cur.SourceCategory
	}
	if !hasMember(doc.Properties, "recorded_area_m2") {
		room.RecordedAreaM2 = cur.RecordedAreaM2
	}
}

func (s *Server) deleteRoom(w http.ResponseWriter, r *http.Request) error {
	return deleteIfMatch(w, r, "room", s.scopedRoom,
		func(room floorplan.Room) int64 { return room.Version }, s.register.DeleteRoom)
}

// scopedRoom reads a room, not found outside the request's scope.
func (s *Server) scopedRoom(ctx context.Context, id uuid.UUID) (floorplan.Room, error) {
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return floorplan.Room{}, err
	}
	room, err := s.store.Room(ctx, id)
	return room, s.roomInScope(ctx, sc, "room", room, err)
}
