package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/archive"
	"officemap/floorplan/identity"
	"officemap/floorplan/render"
)

// The archive package of a property (GET /api/v1/sites/{id}/archive.zip): one zip with an index (JSON,
// valid against archive-index.schema.json, and the same as an HTML page), the plans of every floor as PNG
// and SVG, every document of the property and of its buildings, floors and rooms that the caller may see,
// and a SHA-256 manifest of all of it (archive.WritePackage).

//go:embed archive-index.schema.json
var archiveIndexSchema []byte

// ArchiveIndexSchema returns the JSON Schema of a package's index.json.
func ArchiveIndexSchema() []byte { return slices.Clone(archiveIndexSchema) }

// archiveIndex is a package's index.json.
type archiveIndex struct {
	Format      string              `json:"format"` // "officemap-archive"
	Version     int                 `json:"version"`
	GeneratedAt time.Time           `json:"generated_at"`
	GeneratedBy string              `json:"generated_by"`
	Site        siteJSON            `json:"site"`
	Buildings   []archiveBuilding   `json:"buildings"`
	Documents   []archiveDocument   `json:"documents"`
	Timeline    []timelineEventJSON `json:"timeline"`          // the property's timeline (registration.go), oldest first
	Missing     []string            `json:"missing_documents"` // the checklist's types without a document (缺档)
	Manifest    string              `json:"manifest"`
}

type archiveBuilding struct {
	Building buildingJSON   `json:"building"`
	Floors   []archiveFloor `json:"floors"`
}

type archiveFloor struct {
	Floor   floorJSON `json:"floor"`
	PlanPNG string    `json:"plan_png"`
	PlanSVG string    `json:"plan_svg"`
}

type archiveDocument struct {
	documentJSON
	Path string `json:"path"`
}

// siteArchive writes the archive package of the site of {id}. Everything but the documents' bytes is
// made before the first byte is sent, so that a failure there is still a JSON error; a document whose
// bytes fail afterwards (gone, or changed: archive.ErrBadHash) cuts the connection rather than send a
// package that looks whole.
func (s *Server) siteArchive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	site, err := s.store.Site(ctx, id)
	if err != nil {
		return about("site", err)
	}
	sc, err := s.scopeOf(ctx)
	if err != nil {
		return err
	}
	if ok, err := s.documentVisible(ctx, sc, floorplan.Document{SubjectType: floorplan.SubjectSite, SubjectID: id}); err != nil {
		return err
	} else if !ok {
		return s.denyRead(ctx, "site", id)
	}
	files, docs, at, err := s.sitePackage(r, sc, site)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", archive.ContentDisposition(fmt.Sprintf("archive-%s-%s.zip", site.Name, at.Format("20060102"))))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := archive.WritePackage(w, files, docs, at); err != nil {
		s.log.Error("archive package cut short", "site", id, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// sitePackage makes the archive package of site as the caller's scope shows it: its files (index.json
// and index.html first, then the plans), its documents (read as the package is written) and the moment
// it was made. The package of one property (siteArchive) and that of every property (archiveall.go)
// share it.
func (s *Server) sitePackage(r *http.Request, sc scope, site floorplan.Site) ([]archive.PackageFile, []archive.PackageDoc, time.Time, error) {
	index := archiveIndex{Format: "officemap-archive", Version: 1, GeneratedAt: time.Now().UTC().Truncate(time.Second),
		GeneratedBy: callerName(r), Site: siteOut(site), Buildings: []archiveBuilding{}, Documents: []archiveDocument{},
		Timeline: []timelineEventJSON{}, Missing: []string{}, Manifest: archive.ManifestName}
	files, err := s.archivePlaces(r, sc, &index)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	events, err := floorplan.BuildTimeline(r.Context(), s.store, site, timelineScope(sc))
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	for _, e := range events {
		index.Timeline = append(index.Timeline, timelineEventOut(e))
	}
	docs, err := s.archiveDocuments(r, sc, site.ID, &index)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	index.Missing = s.missingDocuments(site, index.Documents)
	data, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	var page bytes.Buffer
	if err := archivePage.Execute(&page, index); err != nil {
		return nil, nil, time.Time{}, err
	}
	files = append([]archive.PackageFile{{Path: "index.json", Data: data}, {Path: "index.html", Data: page.Bytes()}}, files...)
	return files, docs, index.GeneratedAt, nil
}

// archivePlaces fills the index's buildings and floors (those the scope shows) and returns the plans as
// files.
func (s *Server) archivePlaces(r *http.Request, sc scope, index *archiveIndex) ([]archive.PackageFile, error) {
	ctx := r.Context()
	buildings, err := s.store.Buildings(ctx, index.Site.ID)
	if err != nil {
		return nil, err
	}
	var files []archive.PackageFile
	store := scopedPlanStore{Reader: s.store, sc: sc}
	day := floorplan.DayOf(time.Now())
	for _, b := range buildings {
		if !sc.building(b.ID) {
			continue
		}
		ab := archiveBuilding{Building: buildingOut(b, false), Floors: []archiveFloor{}}
		floors, err := s.store.Floors(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range floors {
			plan, err := render.BuildPlanToday(ctx, store, s.register.States, day, f.ID)
			if err != nil {
				return nil, err
			}
			base := fmt.Sprintf("plans/%s-%s", b.ID.String()[:8], f.ID.String()[:8])
			var png, svg bytes.Buffer
			if err := render.PNG(&png, plan, render.Options{Width: render.DefaultWidth, Fonts: s.renderFonts()}); err != nil {
				return nil, err
			}
			if err := render.SVG(&svg, plan, render.Options{Width: render.DefaultWidth}); err != nil {
				return nil, err
			}
			files = append(files, archive.PackageFile{Path: base + ".png", Data: png.Bytes()},
				archive.PackageFile{Path: base + ".svg", Data: svg.Bytes()})
			ab.Floors = append(ab.Floors, archiveFloor{Floor: floorOut(f, newProjector(false, b)), PlanPNG: base + ".png", PlanSVG: base + ".svg"})
		}
		index.Buildings = append(index.Buildings, ab)
	}
	return files, nil
}

// archiveDocuments fills the index's documents (live, visible to the caller) and returns them for the
// package.
func (s *Server) archiveDocuments(r *http.Request, sc scope, site uuid.UUID, index *archiveIndex) ([]archive.PackageDoc, error) {
	ctx := r.Context()
	docs, err := s.store.Documents(ctx, floorplan.DocumentFilter{SiteID: site})
	if err != nil {
		return nil, err
	}
	blobs, shown := s.register.Blobs(), s.documentsShown(sc)
	var out []archive.PackageDoc
	for _, d := range docs {
		if ok, err := shown(ctx, d); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		pd := archive.PackageDoc{Name: d.Name, SHA256: d.SHA256,
			Open: func() (io.ReadCloser, error) { return blobs.Open(ctx, d.SHA256) }}
		out = append(out, pd)
		index.Documents = append(index.Documents, archiveDocument{documentJSON: documentOut(d), Path: archive.DocPath(pd)})
	}
	return out, nil
}

// missingDocuments lists the document types the checklist expects of the site and that none of docs has.
func (s *Server) missingDocuments(site floorplan.Site, docs []archiveDocument) []string {
	held := make([]string, len(docs))
	for i, d := range docs {
		held[i] = d.DocType
	}
	missing := archive.DefaultChecklist().Missing(site.Category, string(site.Ownership), held)
	if missing == nil {
		return []string{}
	}
	return missing
}

// callerName is the signed-in user's name, or the single user's.
func callerName(r *http.Request) string {
	if c, ok := identity.CallerFrom(r.Context()); ok {
		return c.User.Username
	}
	return floorplan.ActorFrom(r.Context())
}

// archivePage is the package's index.html: the same content as index.json, to read without a program.
var archivePage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Site.Name}} — 房产档案</title>
<style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}img{max-width:100%;border:1px solid #ccc}</style></head>
<body><h1>{{.Site.Name}} 房产档案（一房一档）</h1>
<p>地址：{{.Site.Address}}　类别：{{.Site.Category}}　权属：{{.Site.Ownership}}　生成：{{.GeneratedAt.Format "2006-01-02 15:04"}} UTC，{{.GeneratedBy}}</p>
<h2>权属记录</h2><table><tr><th>种类</th><th>编号</th><th>权利人</th><th>发证日期</th></tr>
{{range .Site.Records}}<tr><td>{{.Kind}}</td><td>{{.Number}}</td><td>{{.Holder}}</td><td>{{if not .IssuedOn.IsZero}}{{.IssuedOn.Format "2006-01-02"}}{{end}}</td></tr>{{end}}</table>
{{if .Missing}}<h2>缺档</h2><ul>{{range .Missing}}<li>{{.}}</li>{{end}}</ul>{{end}}
<h2>文件</h2><table><tr><th>类型</th><th>文件</th><th>大小</th><th>SHA-256</th><th>上传</th></tr>
{{range .Documents}}<tr><td>{{.DocType}}</td><td><a href="{{.Path}}">{{.Name}}</a></td><td>{{.Size}}</td><td><code>{{.SHA256}}</code></td><td>{{.UploadedBy}} {{.UploadedAt.Format "2006-01-02"}}</td></tr>{{end}}</table>
<h2>楼栋与平面图</h2>{{range .Buildings}}<h3>{{.Building.Name}}</h3>{{range .Floors}}<h4>{{.Floor.Name}}</h4><p><a href="{{.PlanSVG}}">SVG</a></p><img src="{{.PlanPNG}}" alt="{{.Floor.Name}}">{{end}}{{end}}
<h2>履历</h2><table><tr><th>日期</th><th>事项</th><th>说明</th><th>来源</th><th>记录人</th></tr>
{{range .Timeline}}<tr><td>{{with .Date}}{{.}}{{end}}</td><td>{{.Title}}</td><td>{{.Note}}</td><td>{{if eq .Source "manual"}}手工{{else}}自动{{end}}</td><td>{{.RecordedBy}}</td></tr>{{end}}</table>
<p>校验：<code>{{.Manifest}}</code>（sha256sum -c）</p></body></html>
`))
