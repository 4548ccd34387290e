package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/geo"
)

// georefJSON places a building's local frame on the earth (geo.Georef): the [lon, lat] of the local
// origin, the clockwise angle in degrees from true north to the drawing's +Y axis, and the scale: the
// unit, in metres, of the local coordinates exchanged with crs=local (0.001 for a client that draws in
// millimetres; 0 or absent means 1, metres). The scale is only that exchange unit: officemap stores the
// local frame in metres, multiplies crs=local input by the scale and divides crs=local output by it.
type georefJSON struct {
	Origin      [2]float64 `json:"origin"` // [lon, lat]
	RotationDeg float64    `json:"rotation_deg"`
	Scale       float64    `json:"scale"`
}

func georefOut(g geo.Georef) georefJSON {
	return georefJSON{Origin: [2]float64{g.Origin[0], g.Origin[1]}, RotationDeg: g.RotationDeg, Scale: g.Scale}
}

// domain converts a georeference from the wire. The scale must be a number from geo.MinScale to
// geo.MaxScale metres per unit; 0 (or absent) means 1.
func (j georefJSON) domain() (geo.Georef, error) {
	scale := j.Scale
	if scale == 0 {
		scale = 1
	}
	if !(scale >= geo.MinScale && scale <= geo.MaxScale) { // also refuses NaN
		return geo.Georef{}, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: fmt.Sprintf("field georef.scale must be the metres per local unit, from %g to %g (0.001 for millimetres; 0 or absent for metres), not %g",
				geo.MinScale, geo.MaxScale, j.Scale),
			MessageZH: fmt.Sprintf("字段 georef.scale 须为每个本地坐标单位对应的米数，取值 %g 至 %g（毫米为 0.001；米可填 0 或省略），不能为 %g",
				geo.MinScale, geo.MaxScale, j.Scale),
			Extra: map[string]any{"field": "georef.scale"}}
	}
	return geo.Georef{Origin: orb.Point{j.Origin[0], j.Origin[1]}, RotationDeg: j.RotationDeg, Scale: scale}, nil
}

// buildingJSON is a building on the wire (output and PATCH base). Its footprint, and the geometry of its
// floors and rooms, is stored in local metres; with crs=local it is exchanged in units of georef.scale
// metres. Changing georef.scale (PATCH) changes only that exchange unit: the stored geometry stays in
// metres, so no room moves, grows or shrinks, and every area_m2 stays the same. A PATCH that sends a
// footprint with crs=local together with a new scale gives the footprint in the new unit.
type buildingJSON struct {
	ID        uuid.UUID         `json:"id"`
	SiteID    uuid.UUID         `json:"site_id"`
	Name      string            `json:"name"`
	Address   string            `json:"address"`
	Footprint *geojson.Geometry `json:"footprint" schema:"Polygon"`
	Georef    georefJSON        `json:"georef"`
	SourceID  string            `json:"source_id"`
	// Lang is the language (BCP 47) of the names the source gave; "" for names typed here (zh-CN).
	Lang string `json:"lang"`
	// Category is the building's own kind (a category code of GET /api/v1/classification) when it differs
	// from its site's; "" for the site's.
	Category string `json:"category"`
	// ValidFrom is the day the building exists from in the world (built or acquired), when known.
	ValidFrom date `json:"valid_from"`
	// AreaM2 is the footprint's area in m², from the stored local metres (whatever georef.scale is).
	AreaM2  float64 `json:"area_m2" readonly:"true"`
	Version int64   `json:"version" readonly:"true"`
}

// buildingIn is a building as it arrives: the footprint is parsed by parsePolygon and the georeference
// may be left out (then placed at the footprint's centre).
type buildingIn struct {
	ID        uuid.UUID       `json:"id"`
	SiteID    uuid.UUID       `json:"site_id"`
	Name      string          `json:"name"`
	Address   string          `json:"address"`
	Footprint json.RawMessage `json:"footprint"`
	Georef    *georefJSON     `json:"georef"`
	SourceID  string          `json:"source_id"`
	Lang      string          `json:"lang"`
	Category  string          `json:"category"`
	ValidFrom date            `json:"valid_from"`
}

func buildingOut(b floorplan.Building, local bool) buildingJSON {
	return buildingJSON{ID: b.ID, SiteID: b.SiteID, Name: b.Name, Address: b.Address,
		Footprint: newProjector(local, b).out(b.Footprint), Georef: georefOut(b.Georef), SourceID: b.SourceID,
		Lang: b.Lang, Category: b.Category, ValidFrom: dateOf(b.ValidFrom), AreaM2: roundArea(geo.Area(b.Footprint)), Version: b.Version}
}

func (in buildingIn) recordID() uuid.UUID { return in.ID }

// domain converts a building from the wire. keep is the stored footprint, used when the input has none
// and keepFootprint is set (a PATCH that leaves it alone).
func (in buildingIn) domain(local bool, keep orb.Polygon, keepFootprint bool) (floorplan.Building, floorplan.Shape, error) {
	b := floorplan.Building{ID: in.ID, SiteID: in.SiteID, Name: in.Name, Address: in.Address, SourceID: in.SourceID,
		Lang: in.Lang, Category: in.Category, ValidFrom: in.ValidFrom.Time}
	var wire orb.Polygon
	if !isNull(in.Footprint) && !keepFootprint {
		p, err := parsePolygon(in.Footprint, "footprint")
		if err != nil {
			return b, floorplan.Shape{}, err
		}
		wire = p
	}
	switch {
	case in.Georef != nil:
		g, err := in.Georef.domain()
		if err != nil {
			return b, floorplan.Shape{}, err
		}
		b.Georef = g
	case wire != nil && !local:
		// No georeference given: put the local origin at the footprint's centre, north up, in metres.
		b.Georef = geo.Georef{Origin: wire.Bound().Center(), Scale: 1}
	default:
		return b, floorplan.Shape{}, badRequest("field georef is required (origin [lon, lat], rotation_deg, scale) unless a lon/lat footprint is given")
	}
	switch {
	case keepFootprint:
		b.Footprint = keep
	case wire != nil:
		if err := b.Georef.Validate(); err != nil {
			return b, floorplan.Shape{}, err
		}
		shape, err := projectorOf(local, b.Georef).shapeIn(wire)
		return b, shape, err
	}
	return b, floorplan.Shape{}, nil
}

func (s *Server) listBuildings(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	siteID, local := q.uuid("site_id"), q.crsLocal()
	if q.err != nil {
		return q.err
	}
	query := func(r *http.Request) ([]floorplan.Building, error) { return s.store.Buildings(r.Context(), siteID) }
	list, err := scopedList(s, query, buildingShown)(r)
	return writeList(w, list, err, func(b floorplan.Building) buildingJSON { return buildingOut(b, local) })
}

func (s *Server) createBuilding(w http.ResponseWriter, r *http.Request) error {
	local, err := crsLocal(r)
	if err != nil {
		return err
	}
	var in buildingIn
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	b, fp, err := in.domain(local, nil, false)
	if err != nil {
		return err
	}
	if _, err := s.register.CreateBuilding(r.Context(), &b, fp); err != nil {
		return err
	}
	setETag(w, b.Version)
	return writeCreated(w, "/api/v1/buildings", b.ID, buildingOut(b, local))
}

// visibleBuildingAt reads the building named by the path's {id}, and the request's crs: a building
// outside the request's scope is not found.
func (s *Server) visibleBuildingAt(r *http.Request) (floorplan.Building, bool, error) {
	id, local, err := idAndCRS(r)
	if err != nil {
		return floorplan.Building{}, local, err
	}
	b, err := scopedRead(s, "building", s.store.Building, buildingShown)(r.Context(), id)
	return b, local, about("building", err)
}

func (s *Server) getBuilding(w http.ResponseWriter, r *http.Request) error {
	b, local, err := s.visibleBuildingAt(r)
	if err != nil {
		return err
	}
	setETag(w, b.Version)
	return writeJSON(w, http.StatusOK, buildingOut(b, local))
}

// patchBuilding merges the body (RFC 7396) into the building at the version If-Match names; its local
// footprint stays unless the patch names footprint.
func (s *Server) patchBuilding(w http.ResponseWriter, r *http.Request) error {
	id, local, patch, err := conditionalCRSAndBody(r)
	if err != nil {
		return err
	}
	return retryAny(r, func() error {
		cur, err := s.store.Building(r.Context(), id)
		if err != nil {
			return about("building", err)
		}
		version, err := ifMatch(r, cur.Version)
		if err != nil {
			return err
		}
		in, err := merged[buildingIn](buildingOut(cur, local), patch, id)
		if err != nil {
			return err
		}
		b, fp, err := in.domain(local, cur.Footprint, !hasMember(patch, "footprint"))
		if err != nil {
			return err
		}
		b.Version = version
		if _, err := s.register.UpdateBuilding(r.Context(), &b, fp); err != nil {
			return stale(about("building", err))
		}
		setETag(w, b.Version)
		return writeJSON(w, http.StatusOK, buildingOut(b, local))
	})
}

func (s *Server) deleteBuilding(w http.ResponseWriter, r *http.Request) error {
	return deleteIfMatch(w, r, "building", s.store.Building,
		func(b floorplan.Building) int64 { return b.Version }, unversioned(s.register.DeleteBuilding))
}

// floorJSON is a floor (level) on the wire.
type floorJSON struct {
	ID         uuid.UUID         `json:"id"`
	BuildingID uuid.UUID         `json:"building_id"`
	Ordinal    int               `json:"ordinal"`
	Name       string            `json:"name"`
	Elevation  float64           `json:"elevation"`
	Outline    *geojson.Geometry `json:"outline" schema:"Polygon"`
	SourceID   string            `json:"source_id"`
	Version    int64             `json:"version" readonly:"true"`
}

type floorIn struct {
	ID         uuid.UUID       `json:"id"`
	BuildingID uuid.UUID       `json:"building_id"`
	Ordinal    int             `json:"ordinal"`
	Name       string          `json:"name"`
	Elevation  float64         `json:"elevation"`
	Outline    json.RawMessage `json:"outline"`
	SourceID   string          `json:"source_id"`
}

func floorOut(f floorplan.Floor, p projector) floorJSON {
	return floorJSON{ID: f.ID, BuildingID: f.BuildingID, Ordinal: f.Ordinal, Name: f.Name, Elevation: f.Elevation,
		Outline: p.out(f.Outline), SourceID: f.SourceID, Version: f.Version}
}

func (in floorIn) recordID() uuid.UUID { return in.ID }

// domain converts a floor from the wire, with its outline as sent (the Register converts it).
func (in floorIn) domain(p projector) (floorplan.Floor, floorplan.Shape, error) {
	f := floorplan.Floor{ID: in.ID, BuildingID: in.BuildingID, Ordinal: in.Ordinal, Name: in.Name,
		Elevation: in.Elevation, SourceID: in.SourceID}
	if isNull(in.Outline) {
		return f, floorplan.Shape{}, nil
	}
	wire, err := parsePolygon(in.Outline, "outline")
	if err != nil {
		return f, floorplan.Shape{}, err
	}
	shape, err := p.shapeIn(wire)
	return f, shape, err
}

func (s *Server) listFloors(w http.ResponseWriter, r *http.Request) error {
	b, local, err := s.visibleBuildingAt(r)
	if err != nil {
		return err
	}
	floors, err := s.store.Floors(r.Context(), b.ID)
	if err != nil {
		return err
	}
	p := newProjector(local, b)
	return writeJSON(w, http.StatusOK, wireList(floors, func(f floorplan.Floor) floorJSON { return floorOut(f, p) }))
}

func (s *Server) createFloor(w http.ResponseWriter, r *http.Request) error {
	var in floorIn
	buildingID, local, err := idCRSAndDecode(r, &in)
	if err != nil {
		return err
	}
	if in.BuildingID != uuid.Nil && in.BuildingID != buildingID {
		return badRequest("field building_id differs from the building in the path")
	}
	in.BuildingID = buildingID
	b, err := s.store.Building(r.Context(), buildingID)
	if err != nil {
		return about("building", err)
	}
	p := newProjector(local, b)
	f, outline, err := in.domain(p)
	if err != nil {
		return err
	}
	if _, err := s.register.CreateFloor(r.Context(), &f, outline); err != nil {
		return err
	}
	setETag(w, f.Version)
	return writeCreated(w, "/api/v1/floors", f.ID, floorOut(f, p))
}

// floorAndBuilding reads a floor and its building.
func (s *Server) floorAndBuilding(ctx context.Context, floorID uuid.UUID) (floorplan.Floor, floorplan.Building, error) {
	f, err := s.store.Floor(ctx, floorID)
	if err != nil {
		return f, floorplan.Building{}, about("floor", err)
	}
	b, err := s.store.Building(ctx, f.BuildingID)
	if err != nil {
		return f, b, about("building", err)
	}
	return f, b, nil
}

// floorFrame reads a floor and the projector of its building's frame for crs=local or lon/lat.
func (s *Server) floorFrame(ctx context.Context, floorID uuid.UUID, local bool) (floorplan.Floor, projector, error) {
	f, b, err := s.floorAndBuilding(ctx, floorID)
	if err != nil {
		return f, projector{}, err
	}
	return f, newProjector(local, b), nil
}

// floorAt reads the floor named by the path's {id} with the projector of the request's crs.
func (s *Server) floorAt(r *http.Request) (floorplan.Floor, projector, error) {
	id, local, err := idAndCRS(r)
	if err != nil {
		return floorplan.Floor{}, projector{}, err
	}
	return s.floorFrame(r.Context(), id, local)
}

// visibleFloorAt is floorAt for a floor the caller may see: those who see its building (404 otherwise, as
// for a missing one).
func (s *Server) visibleFloorAt(r *http.Request) (floorplan.Floor, projector, error) {
	f, p, err := s.floorAt(r)
	if err == nil {
		err = shown(r.Context(), s, "floor", f.ID, f, floorShown)
	}
	if err != nil {
		return floorplan.Floor{}, projector{}, err
	}
	return f, p, nil
}

func (s *Server) getFloor(w http.ResponseWriter, r *http.Request) error {
	f, p, err := s.visibleFloorAt(r)
	if err != nil {
		return err
	}
	setETag(w, f.Version)
	return writeJSON(w, http.StatusOK, floorOut(f, p))
}

// patchFloor merges the body (RFC 7396) into the floor at the version If-Match names; its outline stays
// unless the patch names it.
func (s *Server) patchFloor(w http.ResponseWriter, r *http.Request) error {
	id, local, patch, err := conditionalCRSAndBody(r)
	if err != nil {
		return err
	}
	return retryAny(r, func() error {
		cur, p, err := s.floorFrame(r.Context(), id, local)
		if err != nil {
			return err
		}
		version, err := ifMatch(r, cur.Version)
		if err != nil {
			return err
		}
		in, err := merged[floorIn](floorOut(cur, p), patch, id)
		if err != nil {
			return err
		}
		if in.BuildingID != cur.BuildingID {
			return badRequest("field building_id: a floor cannot move to another building")
		}
		keepOutline := !hasMember(patch, "outline")
		if keepOutline {
			in.Outline = nil
		}
		f, outline, err := in.domain(p)
		if err != nil {
			return err
		}
		if keepOutline {
			f.Outline = cur.Outline
		}
		f.Openings = cur.Openings // drawn doors come from imports; a floor's edit keeps them
		f.Version = version
		if _, err := s.register.UpdateFloor(r.Context(), &f, outline); err != nil {
			return stale(about("floor", err))
		}
		setETag(w, f.Version)
		return writeJSON(w, http.StatusOK, floorOut(f, p))
	})
}

func (s *Server) deleteFloor(w http.ResponseWriter, r *http.Request) error {
	return deleteIfMatch(w, r, "floor", s.store.Floor,
		func(f floorplan.Floor) int64 { return f.Version }, unversioned(s.register.DeleteFloor))
}
