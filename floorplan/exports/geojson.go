package exports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/google/uuid"
	"github.com/paulmach/orb/geojson"

	"officemap/floorplan"
	"officemap/geo"
)

// GeoJSONOptions says how WriteGeoJSON writes coordinates.
type GeoJSONOptions struct {
	// Local writes the building's local metres instead of lon/lat, with "crs": "local" and the
	// building's georeference in a "georef" member (as imports/geojson reads it back). Only one building
	// can be written so.
	Local bool
}

// ErrManyBuildings is returned by WriteGeoJSON with Local for data of more than one building.
var ErrManyBuildings = errors.New("exports: local coordinates need one building (give --building)")

// WriteGeoJSON writes the rooms as an RFC 7946 FeatureCollection, one feature per room with its id,
// number, name, usage, state, level, floor, building, agency, area (m², from the local geometry),
// occupants, per-person area, standard and status on the day.
func WriteGeoJSON(w io.Writer, d *Data, opt GeoJSONOptions) error {
	fc := geojson.NewFeatureCollection()
	fc.ExtraMembers = geojson.Properties{"as_of": d.AsOf.Format(floorplan.DateLayout)}
	if opt.Local {
		if len(d.Buildings) != 1 {
			return ErrManyBuildings
		}
		g := d.Buildings[0].Georef
		fc.ExtraMembers["crs"] = map[string]any{"type": "name", "properties": map[string]any{"name": "local"}}
		fc.ExtraMembers["georef"] = map[string]any{"origin": []float64{g.Origin[0], g.Origin[1]}, "rotation_deg": g.RotationDeg}
	}
	for _, r := range d.Rooms {
		geom := r.Geometry
		if !opt.Local {
			geom = d.LonLat(r)
		}
		f := geojson.NewFeature(geom)
		f.ID = r.ID.String()
		f.Properties = d.roomProperties(r)
		fc.Append(f)
	}
	enc := json.NewEncoder(w)
	if err := enc.Encode(fc); err != nil {
		return fmt.Errorf("geojson: %w", err)
	}
	return nil
}

// roomProperties are the attributes of a room in GeoJSON and the GeoPackage's rooms_export table.
func (d *Data) roomProperties(r floorplan.Room) geojson.Properties {
	f := d.FloorOf(r)
	b := d.BuildingOf(f)
	st := d.Standing(r.ID)
	occ := make([]map[string]any, 0, len(st.Occupants))
	for _, o := range st.Occupants {
		occ = append(occ, map[string]any{"id": o.PersonID.String(), "name": o.Name, "rank": o.Rank,
			"rank_title": o.RankTitle, "share_m2": round(o.ShareM2)})
	}
	return geojson.Properties{
		"id": r.ID.String(), "number": r.Number, "name": r.Name, "usage": string(r.Usage), "state": string(r.State),
		"level": f.Ordinal, "floor_id": f.ID.String(), "floor_name": f.Name,
		"building_id": b.ID.String(), "building_name": b.Name,
		"agency_id": nullID(r.AgencyID), "agency_name": d.AgencyName(r.AgencyID),
		"area_m2": round(geo.Area(r.Geometry)), "occupants": occ, "per_person_m2": round(st.PerPersonM2),
		"standard_m2": round(st.StandardM2), "status": string(st.Status), "source_id": r.SourceID,
	}
}

// round keeps areas to 0.000001 m² (6 decimals), enough for any report and free of float noise.
func round(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1e6) / 1e6
}

func nullID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
}
