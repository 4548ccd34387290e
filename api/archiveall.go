package api

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/archive"
)

// The archive of every property (GET /api/v1/archive.zip, officemap export archive --all): one zip holding
// the archive package of each property the caller's scope shows (sitePackage, as GET
// /api/v1/sites/{id}/archive.zip gives it), each under a folder of its own named after the property, with
// its own index and hash manifest; archives.json at the top lists the folders.

// archivesListName is the list of the packages at the top of an archive of several properties.
const archivesListName = "archives.json"

// archiveListEntry is one package of an archive of several properties.
type archiveListEntry struct {
	SiteID uuid.UUID `json:"site_id"`
	Name   string    `json:"name"`
	Folder string    `json:"folder"`
}

// ArchiveFolder is the folder of a property's package in an archive of several: its name (without path
// separators) and the first 8 digits of its id, so that two properties of one name never share one.
func ArchiveFolder(site floorplan.Site) string {
	name := strings.NewReplacer("/", "_", `\`, "_").Replace(site.Name)
	return archive.CleanName(name) + "-" + site.ID.String()[:8]
}

// allArchives writes the archive of every property the caller may see. Which properties those are is
// decided before the first byte is sent (an error there is still JSON); a package that fails afterwards
// cuts the connection rather than send an archive that looks whole.
func (s *Server) allArchives(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	sites, err := s.visibleSites(ctx, sc)
	if err != nil {
		return err
	}
	at := time.Now().UTC().Truncate(time.Second)
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", archive.ContentDisposition(fmt.Sprintf("archive-all-%s.zip", at.Format("20060102"))))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := s.writeArchives(r, sc, w, sites, at); err != nil {
		s.log.Error("archive of every property cut short", "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// visibleSites lists the properties whose archive the scope shows (as siteArchive decides for one).
func (s *Server) visibleSites(ctx context.Context, sc scope) ([]floorplan.Site, error) {
	all, err := s.store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	var out []floorplan.Site
	for _, site := range all {
		ok, err := s.documentVisible(ctx, sc, floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: site.ID})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, site)
		}
	}
	return out, nil
}

// writeArchives writes one zip of the packages of sites, each in its folder, and archives.json listing
// them. Each package is made just before it is written, so that only one is held in memory at a time.
func (s *Server) writeArchives(r *http.Request, sc scope, w io.Writer, sites []floorplan.Site, at time.Time) error {
	zw := zip.NewWriter(w)
	list := make([]archiveListEntry, 0, len(sites))
	for _, site := range sites {
		list = append(list, archiveListEntry{SiteID: site.ID, Name: site.Name, Folder: ArchiveFolder(site)})
	}
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	out, err := zw.CreateHeader(&zip.FileHeader{Name: archivesListName, Method: zip.Deflate, Modified: at})
	if err != nil {
		return err
	}
	if _, err := out.Write(data); err != nil {
		return err
	}
	for i, site := range sites {
		files, docs, mod, err := s.sitePackage(r, sc, site)
		if err != nil {
			return fmt.Errorf("site %s: %w", site.ID, err)
		}
		if err := archive.AddPackage(zw, list[i].Folder, files, docs, mod); err != nil {
			return fmt.Errorf("site %s: %w", site.ID, err)
		}
	}
	return zw.Close()
}

// WriteSiteArchive writes the archive package of one property to w, as GET
// /api/v1/sites/{id}/archive.zip gives it to a caller who sees everything (the console: officemap export
// archive --site). The acting user of ctx (floorplan.WithActor) is named as the one who made it.
func (s *Server) WriteSiteArchive(ctx context.Context, w io.Writer, id uuid.UUID) error {
	site, err := s.store.Site(ctx, id)
	if err != nil {
		return err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return err
	}
	files, docs, at, err := s.sitePackage(r, everything, site)
	if err != nil {
		return err
	}
	return archive.WritePackage(w, files, docs, at)
}

// WriteArchives writes the archive of every property to w, as GET /api/v1/archive.zip gives it to a
// caller who sees everything (officemap export archive --all --out FILE.zip), and returns the sites.
func (s *Server) WriteArchives(ctx context.Context, w io.Writer) ([]floorplan.Site, error) {
	sites, err := s.store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return nil, err
	}
	return sites, s.writeArchives(r, everything, w, sites, time.Now().UTC().Truncate(time.Second))
}
