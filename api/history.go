package api

import (
	"net/http"

	"officemap/floorplan"
)

// historyEntities are the records whose history the API serves, by the path segment of their routes.
var historyEntities = []struct {
	segment string
	entity  floorplan.Entity
}{
	{"sites", floorplan.EntitySite}, {"buildings", floorplan.EntityBuilding}, {"floors", floorplan.EntityFloor},
	{"rooms", floorplan.EntityRoom}, {"agencies", floorplan.EntityAgency}, {"people", floorplan.EntityPerson},
	{"assignments", floorplan.EntityAssignment},
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
		return writeJSON(w, http.StatusOK, changes)
	}
}
