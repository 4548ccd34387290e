package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// The jurisdiction tree (issue 12): the city, its districts (辖市区) and below, which sites, agencies and
// the scopes of grants refer to. Anyone who may read sees the whole tree (it names places, not records);
// only an unscoped security administrator changes it (the permission hook places a jurisdiction's change
// nowhere: requestTargets). There is no delete: grants and records refer to the nodes.

// jurisdictionJSON is a node of the tree on the wire.
type jurisdictionJSON struct {
	ID   uuid.UUID `json:"id" readonly:"true"`
	Name string    `json:"name"`
	// Code is the administrative division code (行政区划代码: 6, 9 or 12 digits), "" when unknown.
	Code string `json:"code"`
	// ParentID is the node above (null: the top, the city).
	ParentID optID `json:"parent_id"`
}

func jurisdictionOut(j floorplan.Jurisdiction) jurisdictionJSON {
	return jurisdictionJSON{ID: j.ID, Name: j.Name, Code: j.Code, ParentID: optID(j.ParentID)}
}

func (j jurisdictionJSON) recordID() uuid.UUID { return j.ID }

func (j jurisdictionJSON) domain() floorplan.Jurisdiction {
	return floorplan.Jurisdiction{ID: j.ID, Name: j.Name, Code: j.Code, ParentID: j.ParentID.UUID()}
}

// jurisdictions serves the tree: list, create and merge-patch.
func (s *Server) jurisdictions() collectionRoutes {
	p := plainRecords[floorplan.Jurisdiction, jurisdictionJSON]{entity: "jurisdiction", collection: "/api/v1/jurisdictions",
		out: jurisdictionOut,
		query: func(r *http.Request) ([]floorplan.Jurisdiction, error) {
			return s.store.Jurisdictions(r.Context())
		},
		read: s.jurisdiction, create: s.register.CreateJurisdiction, update: s.register.UpdateJurisdiction}
	return collectionRoutes{list: p.handleList, create: p.handleCreate, patch: p.handlePatch}
}

// jurisdiction reads one node of the tree.
func (s *Server) jurisdiction(ctx context.Context, id uuid.UUID) (floorplan.Jurisdiction, error) {
	list, err := s.store.Jurisdictions(ctx)
	if err != nil {
		return floorplan.Jurisdiction{}, err
	}
	for _, j := range list {
		if j.ID == id {
			return j, nil
		}
	}
	return floorplan.Jurisdiction{}, floorplan.ErrNotFound
}
