package api

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/archive"
)

// The archive's findings (floorplan/archive/findings.go): GET /api/v1/register/findings — each property's
// missing documents per the checklist (缺档) and the ledger's failed reconciliations (账实, 账证), for the
// properties the caller may see. They are not the findings engine's (those are in the over-standard
// report): they are about the property's records, not about who uses what.
//
// Scope: a caller who sees everything sees every property; any other caller sees the properties of its
// jurisdictions (a district bureau) and those with a room it may read (an agency manager: the properties
// its agency uses). agency_id narrows to the properties that agency uses (an agency outside the scope is
// 404); site_id to one property (404 when it is not visible).

// archiveFindingJSON is an archive's finding on the wire (the OpenAPI schema ArchiveFinding).
type archiveFindingJSON = archive.Finding

// registerFindings serves GET /api/v1/register/findings?site_id=&agency_id=&year=.
func (s *Server) registerFindings(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	site := q.uuid("site_id")
	agency := q.uuid("agency_id")
	year := q.int("year", time.Now().Year(), 1949, 2200)
	if q.err != nil {
		return q.err
	}
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	visible, err := s.findingSites(ctx, sc)
	if err != nil {
		return err
	}
	keep := visible
	if site != uuid.Nil {
		x, err := s.store.Site(ctx, site)
		if err != nil {
			return about("site", err)
		}
		if !visible(x) {
			return s.denyRead(ctx, "site", site)
		}
		keep = func(x floorplan.Site) bool { return x.ID == site }
	}
	if agency != uuid.Nil {
		if _, err := s.store.Agency(ctx, agency); err != nil {
			return about("agency", err)
		}
		if !sc.agency(agency) {
			return s.denyRead(ctx, "agency", agency)
		}
		used, err := s.sitesOfRooms(ctx, floorplan.RoomFilter{AgencyID: agency})
		if err != nil {
			return err
		}
		narrow := keep
		keep = func(x floorplan.Site) bool { return used[x.ID] && narrow(x) && visible(x) }
	}
	out, err := archive.Findings(ctx, s.store, archive.DefaultChecklist(), archive.DefaultDocTypes(), year, keep, time.Now())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// findingSites returns which properties the caller sees the archive's findings of: every one when the scope
// is everything; else those of its jurisdictions and those with a room in its scope.
func (s *Server) findingSites(ctx context.Context, sc scope) (func(floorplan.Site) bool, error) {
	if sc.all {
		return func(floorplan.Site) bool { return true }, nil
	}
	used, err := s.sitesOfRooms(ctx, floorplan.RoomFilter{In: sc.read})
	if err != nil {
		return nil, err
	}
	return func(x floorplan.Site) bool { return sc.sites[x.ID] || used[x.ID] }, nil
}

// sitesOfRooms returns the properties of the live rooms f selects: a floor and a building read once each.
func (s *Server) sitesOfRooms(ctx context.Context, f floorplan.RoomFilter) (map[uuid.UUID]bool, error) {
	rooms, err := s.store.Rooms(ctx, f)
	if err != nil {
		return nil, err
	}
	floors := map[uuid.UUID]bool{}
	for _, r := range rooms {
		floors[r.FloorID] = true
	}
	buildings := map[uuid.UUID]bool{}
	for id := range floors {
		fl, err := s.store.Floor(ctx, id)
		if err != nil {
			return nil, err
		}
		buildings[fl.BuildingID] = true
	}
	sites := map[uuid.UUID]bool{}
	for id := range buildings {
		b, err := s.store.Building(ctx, id)
		if err != nil {
			return nil, err
		}
		sites[b.SiteID] = true
	}
	return sites, nil
}
