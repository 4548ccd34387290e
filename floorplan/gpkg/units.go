package gpkg

import (
	"context"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"officemap/floorplan"
	"officemap/geo"
)

// The stored local frame is always in metres. Registers written before that rule kept the local
// geometry of a building whose scale is neither 0 nor 1 in the building's drawing units (rooms of
// 4000 × 6000 in a millimetre building, scale 0.001), and every area computed from it was in units²
// labelled m². A building's scale is now only the unit in which clients exchange local coordinates
// (the API's crs=local), and geo.Frame ignores it. rescaleLegacyUnits converts such a register; it is
// the GeoPackage counterpart of the PostGIS migration migrations/0005_units.sql and writes the same
// history.

// rescaleActor is the history actor of the conversion (the PostGIS migration's too). A history image
// recorded before that entity's row by this actor, for a building whose scale is neither 0 nor 1, is in
// the building's drawing units; from it on, images are in metres.
const rescaleActor = "migration:0005_units"

// rescaleReason is the reason of the conversion's history rows (the PostGIS migration's too).
const rescaleReason = "the stored local frame is in metres: geometry converted from drawing units (× scale)"

const (
	sqlLegacyBuildings   = `SELECT ` + buildingColumns + ` FROM buildings_all b WHERE b.scale <> 0 AND b.scale <> 1 ORDER BY b.fid`
	sqlAllBuildingFloors = `SELECT ` + floorColumns + ` FROM floors_all f WHERE f.building_id = ? ORDER BY f.fid`
	sqlAllBuildingRooms  = `SELECT ` + roomColumns + ` FROM rooms_all r JOIN floors_all f ON f.id = r.floor_id
 WHERE f.building_id = ? ORDER BY r.fid`
	sqlRescaleFootprint = `UPDATE buildings_all SET footprint = ? WHERE id = ?`
	sqlRescaleOutline   = `UPDATE floors_all SET outline = ? WHERE id = ?`
	sqlRescaleRoom      = `UPDATE rooms_all SET local_geom = ?, area_m2 = ?, version = version + 1 WHERE id = ?`
)

// rescaleLegacyUnits converts the local geometry of every building whose scale is neither 0 nor 1 from
// the building's drawing units to metres: its footprint, its floors' outlines and its rooms' polygons
// are multiplied by the scale about the local origin, deleted floors and rooms included (so the tables
// hold metres everywhere). Each room's stored area_m2 is computed again and its version rises by one;
// every converted row gets a history row (actor rescaleActor, reason rescaleReason, old and new
// images). The scale stays, as the exchange unit, so clients keep sending and reading the same
// crs=local numbers. The lon/lat geometry (the geom columns) was derived with the scale applied and is
// already right: it is left alone, and with it the R-trees and the sites' geometry.
//
// It is not idempotent: geometry that is already in metres would be scaled again. Call it exactly once
// per file, in the write transaction that upgrades a register written before the rule (and marks the
// file as upgraded); never on a file created with it.
func rescaleLegacyUnits(ctx context.Context, q querier) error {
	s := &Store{loc: time.UTC} // for the row scanners only: no connection is used
	// Effective from the beginning of time for floors; rooms and buildings from the day their current
	// state holds (rescaleBuilding), as migrations/0005_units.sql.
	ctx = floorplan.WithEffective(floorplan.WithReason(floorplan.WithActor(ctx, rescaleActor), rescaleReason),
		floorplan.BeginningOfTime)
	now := time.Now()
	buildings, err := collect(ctx, q, s.scanBuilding, sqlLegacyBuildings)
	if err != nil {
		return fmt.Errorf("gpkg: rescale legacy units: %w", err)
	}
	for _, b := range buildings {
		if err := rescaleBuilding(ctx, q, s, now, b); err != nil {
			return fmt.Errorf("gpkg: rescale legacy units of building %s (scale %g): %w", b.rec.ID,
				b.rec.Georef.Scale, err)
		}
	}
	return nil
}

// rescaleBuilding converts one building, its floors and its rooms (see rescaleLegacyUnits).
func rescaleBuilding(ctx context.Context, q querier, s *Store, now time.Time, row buildingRow) error {
	b := row.rec
	floors, err := collect(ctx, q, s.scanFloor, sqlAllBuildingFloors, b.ID.String())
	if err != nil {
		return err
	}
	rooms, err := collect(ctx, q, s.scanRoom, sqlAllBuildingRooms, b.ID.String())
	if err != nil {
		return err
	}
	k := b.Georef.Scale
	if len(b.Footprint) > 0 {
		nw := row
		nw.rec.Footprint = scalePolygon(b.Footprint, k)
		c := change{floorplan.EntityBuilding, b.ID, opUpdate, buildingImageOf(row), buildingImageOf(nw)}
		bctx := floorplan.WithEffective(ctx, b.ValidFrom)
		if err := writeLocal(bctx, q, now, c, sqlRescaleFootprint, nw.rec.Footprint, b.ID.String()); err != nil {
			return err
		}
	}
	for _, f := range floors {
		if len(f.rec.Outline) == 0 {
			continue
		}
		nw := f
		nw.rec.Outline = scalePolygon(f.rec.Outline, k)
		c := change{floorplan.EntityFloor, f.rec.ID, opUpdate, floorImageOf(f), floorImageOf(nw)}
		if err := writeLocal(ctx, q, now, c, sqlRescaleOutline, nw.rec.Outline, f.rec.ID.String()); err != nil {
			return err
		}
	}
	for _, r := range rooms {
		nw := r
		nw.Geometry = scalePolygon(r.Geometry, k)
		nw.Version++
		// From the day the room's current state holds (as migrations/0005_units.sql): its valid_from, or
		// the day it was deleted.
		eff := r.ValidFrom
		if !r.DeletedAt.IsZero() {
			eff = floorplan.DayOf(r.DeletedAt)
		}
		c := change{floorplan.EntityRoom, r.ID, opUpdate, roomImageOf(r), roomImageOf(nw)}
		err := writeLocal(floorplan.WithEffective(ctx, eff), q, now, c, sqlRescaleRoom, nw.Geometry, geo.Area(nw.Geometry),
			r.ID.String())
		if err != nil {
			return err
		}
	}
	return nil
}

// writeLocal writes the local polygon p of c's row with query (?1 its blob, then args) and records c.
func writeLocal(ctx context.Context, q querier, now time.Time, c change, query string, p orb.Polygon, args ...any) error {
	blob, err := encodeGeom(p, srsLocal)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, query, append([]any{blob}, args...)...); err != nil {
		return err
	}
	return record(ctx, q, now, c)
}

// scalePolygon returns a copy of p with every coordinate multiplied by k (as PostGIS's ST_Scale does).
func scalePolygon(p orb.Polygon, k float64) orb.Polygon {
	if p == nil {
		return nil
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		ring := make(orb.Ring, len(r))
		for j, pt := range r {
			ring[j] = orb.Point{pt[0] * k, pt[1] * k}
		}
		out[i] = ring
	}
	return out
}
