package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// historyEntities are the records whose history the API serves, by the path segment of their routes.
var historyEntities = []struct {
	segment string
	entity  floorplan.Entity
}{
	{"sites", floorplan.EntitySite}, {"buildings", floorplan.EntityBuilding}, {"floors", floorplan.EntityFloor},
	{"rooms", floorplan.EntityRoom}, {"agencies", floorplan.EntityAgency}, {"people", floorplan.EntityPerson},
	{"assignments", floorplan.EntityAssignment}, {"applications", floorplan.EntityApplication},
}

// historyHandler serves GET /api/v1/{segment}/{id}/history: every recorded change of one record, oldest
// first, with who made it, when it was recorded, the day from which it holds (effective) and why, and the
// row images before and after. Deleted records keep their history; a record with none is 404.
func (s *Server) historyHandler(entity floorplan.Entity) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		changes, err := s.store.History(r.Context(), entity, id)
		if err != nil {
			return about(string(entity), err)
		}
		if len(changes) == 0 {
			return about(string(entity), floorplan.ErrNotFound)
		}
		if ok, err := s.historyVisible(r.Context(), entity, id, changes); err != nil {
			return err
		} else if !ok {
			return s.denyRead(r.Context(), string(entity), id)
		}
		return writeJSON(w, http.StatusOK, changes)
	}
}

// historyImage is what places a record in the scope, from a row image of its history.
type historyImage struct {
	AgencyID   uuid.UUID `json:"agency_id"`
	FloorID    uuid.UUID `json:"floor_id"`
	BuildingID uuid.UUID `json:"building_id"`
	PersonID   uuid.UUID `json:"person_id"`
	RoomID     uuid.UUID `json:"room_id"`
}

// historyVisible reports whether the history of a record is in the request's scope, by the rules of its
// item route, applied to the record as its latest recorded change left it (the row image after it, or
// before it for a deletion): a deleted record is judged as it last was.
func (s *Server) historyVisible(ctx context.Context, entity floorplan.Entity, id uuid.UUID, changes []floorplan.Change) (bool, error) {
	sc, err := s.scopeOf(ctx)
	if err != nil || sc.all {
		return sc.all, err
	}
	var img historyImage
	last := changes[len(changes)-1]
	raw := last.New
	if len(raw) == 0 || string(raw) == "null" {
		raw = last.Old
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &img); err != nil {
			return false, err
		}
	}
	switch entity {
	case floorplan.EntitySite:
		return sc.site(id), nil
	case floorplan.EntityBuilding:
		return sc.building(id), nil
	case floorplan.EntityFloor:
		return sc.building(img.BuildingID), nil
	case floorplan.EntityRoom:
		return sc.roomAt(img.AgencyID, img.FloorID), nil
	case floorplan.EntityAgency:
		return sc.agency(id), nil
	case floorplan.EntityPerson:
		return sc.agency(img.AgencyID), nil
	case floorplan.EntityAssignment:
		return s.assignmentVisible(ctx, sc)(floorplan.Assignment{PersonID: img.PersonID, RoomID: img.RoomID})
	case floorplan.EntityApplication: // as GET /api/v1/applications/{id}: where its agency is
		return sc.agency(img.AgencyID), nil
	}
	return false, nil
}
