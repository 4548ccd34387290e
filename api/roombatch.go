package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// POST /api/v1/floors/{id}/rooms/batch: the floor editor's "save all", one request that saves a set of
// room changes of one floor as a whole through the register (floorplan.Register.ApplyRooms), so that a
// save cannot stop half way. Each change is read as its single write reads it — an update as PATCH
// /api/v1/rooms/{id} (a JSON merge patch of the room's feature, If-Match given as the change's if_match),
// a new room as POST /api/v1/floors/{id}/rooms — and the rooms must not overlap once all are written
// (a wall moved between two rooms may overlap midway). Every change commits, or none does; an error names
// the change by its index (from 0) and its room.
//
// The answer gives the saved rooms in the order of the changes, each as GET /api/v1/rooms/{id} gives it
// (properties.version is its version) plus an "etag" member: the ETag to send as If-Match next.

// roomBatchIn is the body of a save.
type roomBatchIn struct {
	Changes []roomChangeIn `json:"changes"`
}

// roomChangeIn is one change of a save.
type roomChangeIn struct {
	Op string `json:"op"`
	// ID, IfMatch and Patch are an update's: the room, the ETag of the version read, the merge patch.
	ID      uuid.UUID       `json:"id"`
	IfMatch *string         `json:"if_match"`
	Patch   json.RawMessage `json:"patch"`
	// Feature is a new room's GeoJSON Feature.
	Feature json.RawMessage `json:"feature"`
}

// batchRoomJSON is a saved room: its feature and its ETag.
type batchRoomJSON struct {
	roomFeatureJSON
	ETag string `json:"etag" readonly:"true"`
}

// roomBatchOutJSON is the answer of a save.
type roomBatchOutJSON struct {
	// Revision is the register's revision once the save committed.
	Revision int64           `json:"revision"`
	Rooms    []batchRoomJSON `json:"rooms"`
}

// roomBatchSchema is the OpenAPI schema of roomBatchIn, written out: its patch and feature are rooms.
func roomBatchSchema() map[string]any {
	return map[string]any{"type": "object", "required": []string{"changes"},
		"description": "the changes of rooms of the floor, saved all or nothing; rooms must not overlap once all are written",
		"properties": map[string]any{"changes": map[string]any{"type": "array", "minItems": 1, "maxItems": floorplan.MaxRoomChanges,
			"items": map[string]any{"type": "object", "required": []string{"op"},
				"properties": map[string]any{
					"op":       map[string]any{"type": "string", "enum": []string{"update", "create"}},
					"id":       map[string]any{"type": "string", "format": "uuid", "description": "update: the room"},
					"if_match": map[string]any{"type": "string", "description": "update: the ETag of the version read (required: missing → 428, stale → 412)"},
					"patch":    map[string]any{"allOf": []any{ref("Room")}, "description": "update: a JSON merge patch of the room's Feature, as PATCH /api/v1/rooms/{id} takes"},
					"feature":  map[string]any{"allOf": []any{ref("Room")}, "description": "create: the new room's Feature, as POST /api/v1/floors/{id}/rooms takes"},
				}}}}}
}

func (s *Server) saveRooms(w http.ResponseWriter, r *http.Request) error {
	var in roomBatchIn
	floorID, local, err := idCRSAndDecode(r, &in)
	if err != nil {
		return err
	}
	if n := len(in.Changes); n == 0 || n > floorplan.MaxRoomChanges {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message:   fmt.Sprintf("a save takes 1 to %d changes, not %d", floorplan.MaxRoomChanges, n),
			MessageZH: fmt.Sprintf("一次保存须包含 1 至 %d 项修改，而不是 %d 项", floorplan.MaxRoomChanges, n)}
	}
	ctx := r.Context()
	_, p, err := s.floorFrame(ctx, floorID, local)
	if err != nil {
		return about("floor", err)
	}
	// A save that lost a race to another write on a change with if_match "*" reads its rooms and saves again,
	// as a single write with If-Match: * does (retryAny).
	lost := func(err error) bool {
		var ce *floorplan.ChangeError
		return errors.As(err, &ce) && errors.Is(ce.Err, floorplan.ErrConflict) && ce.Index >= 0 &&
			ce.Index < len(in.Changes) && in.Changes[ce.Index].IfMatch != nil &&
			anyVersion([]string{*in.Changes[ce.Index].IfMatch})
	}
	var (
		rooms []floorplan.Room
		c     floorplan.Changes
	)
	err = retryLost(ctx, lost, func() error {
		changes := make([]floorplan.RoomChange, len(in.Changes))
		seen := map[uuid.UUID]bool{}
		for i, ch := range in.Changes {
			var err error
			if changes[i], err = s.roomChange(ctx, floorID, p, ch, seen); err != nil {
				return changeFailed(i, ch.ID, changes[i].Room.Number, err)
			}
		}
		var err error
		rooms, c, err = s.register.ApplyRooms(ctx, floorID, changes)
		c, err = s.afterWrite(ctx, c, err)
		return err
	})
	if err != nil {
		var ce *floorplan.ChangeError
		if errors.As(err, &ce) {
			return s.refusedChange(ctx, ce)
		}
		return err
	}
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	out := roomBatchOutJSON{Revision: c.Revision, Rooms: make([]batchRoomJSON, len(rooms))}
	rep := changedState(c)
	for i, room := range rooms {
		f := roomOut(room, p, rep)
		if !sc.personal {
			redactRoom(&f)
		}
		out.Rooms[i] = batchRoomJSON{roomFeatureJSON: f, ETag: etag(room.Version)}
	}
	return writeJSON(w, http.StatusOK, out)
}

// roomChange reads one change of a save as its single write would, up to the register's call: an update
// needs its room in the caller's scope (404 otherwise) and on the floor, and if_match (428 missing, 412
// stale, with the room's current version); a room may be changed once. On an error the change's Room
// holds what is known of the room (its number), for the error.
func (s *Server) roomChange(ctx context.Context, floorID uuid.UUID, p projector, ch roomChangeIn, seen map[uuid.UUID]bool) (floorplan.RoomChange, error) {
	switch ch.Op {
	case "create":
		if isNull(ch.Feature) {
			return floorplan.RoomChange{}, badRequest("a create needs feature: the new room's GeoJSON Feature")
		}
		var in roomIn
		if err := unmarshal(ch.Feature, &in); err != nil {
			return floorplan.RoomChange{}, err
		}
		room, shape, err := in.domain(p, nil, false)
		room.FloorID = floorID
		return floorplan.RoomChange{Op: floorplan.OpCreate, Room: room, Shape: shape}, err
	case "update":
	default:
		return floorplan.RoomChange{}, badRequest("op must be update or create, not %q", ch.Op)
	}
	if ch.ID == uuid.Nil {
		return floorplan.RoomChange{}, badRequest("an update needs id: the room's id")
	}
	if seen[ch.ID] {
		return floorplan.RoomChange{}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "the room is changed twice in one save", MessageZH: "同一房间在一次保存中被修改了两次"}
	}
	seen[ch.ID] = true
	if ch.IfMatch == nil || *ch.IfMatch == "" {
		return floorplan.RoomChange{}, errPreconditionRequired()
	}
	cur, err := s.scopedRoom(ctx, ch.ID)
	if err != nil {
		return floorplan.RoomChange{}, about("room", err)
	}
	if cur.FloorID != floorID {
		return floorplan.RoomChange{Room: cur}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "the room is on another floor: a save changes the rooms of one floor", MessageZH: "该房间不在本楼层：一次保存只能修改同一楼层的房间"}
	}
	// The change's if_match is read exactly as a single write's If-Match header.
	version, err := matchVersion([]string{*ch.IfMatch}, cur.Version)
	if err != nil {
		return floorplan.RoomChange{Room: cur}, staleVersion(err, cur.Version)
	}
	if isNull(ch.Patch) {
		return floorplan.RoomChange{Room: cur}, badRequest("an update needs patch: a JSON merge patch of the room's Feature")
	}
	room, shape, err := roomUpdate(cur, p, version, ch.Patch, true)
	if err != nil {
		return floorplan.RoomChange{Room: cur}, err
	}
	return floorplan.RoomChange{Op: floorplan.OpUpdate, Room: room, Shape: shape}, nil
}

// refusedChange answers a save the register refused because of one change: stale versions are 412 with
// the room's current version, as a single write's.
func (s *Server) refusedChange(ctx context.Context, ce *floorplan.ChangeError) error {
	err := about("room", ce.Err)
	if errors.Is(err, floorplan.ErrConflict) && ce.RoomID != uuid.Nil {
		current := int64(0)
		if cur, rerr := s.store.Room(ctx, ce.RoomID); rerr == nil {
			current = cur.Version
		}
		err = staleVersion(errPreconditionFailed(err), current)
	}
	return changeFailed(ce.Index, ce.RoomID, ce.Number, err)
}

// staleVersion adds the room's current version (0: unknown) to a 412; other errors pass.
func staleVersion(err error, current int64) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusPreconditionFailed || current == 0 {
		return err
	}
	out := *ae
	out.Extra = maps.Clone(ae.Extra)
	if out.Extra == nil {
		out.Extra = map[string]any{}
	}
	out.Extra["current_version"] = current
	out.Extra["current_etag"] = etag(current)
	return &out
}

// changeFailed is the error of a save that failed because of change i: err as the error adapter maps it,
// its message saying that nothing was saved and which room, with "index" and, where known, "room_id" and
// "room_number".
func changeFailed(i int, id uuid.UUID, number string, err error) error {
	ae := toAPIError(err)
	out := *ae
	out.Extra = maps.Clone(ae.Extra)
	if out.Extra == nil {
		out.Extra = map[string]any{}
	}
	out.Extra["index"] = i
	if id != uuid.Nil {
		out.Extra["room_id"] = id.String()
	}
	which, whichZH := fmt.Sprintf("change %d", i), fmt.Sprintf("第 %d 项修改", i+1)
	if number != "" {
		out.Extra["room_number"] = number
		which, whichZH = fmt.Sprintf("room %s (change %d)", number, i), fmt.Sprintf("房间 %s（第 %d 项修改）", number, i+1)
	}
	out.Message = fmt.Sprintf("nothing was saved: %s: %s", which, ae.Message)
	if ae.MessageZH != "" {
		out.MessageZH = fmt.Sprintf("未保存任何修改：%s：%s", whichZH, ae.MessageZH)
	}
	if out.Err == nil {
		out.Err = err
	}
	return &out
}
