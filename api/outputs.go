package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"officemap/floorplan"
	"officemap/floorplan/render"
	"officemap/floorplan/report"
)

// Rendered floorplans, the over-standard report and search.

// planOptions reads width, color and lang of a plan request.
func planOptions(r *http.Request) (render.Options, error) {
	width, err := queryInt(r, "width", render.DefaultWidth, render.MinWidth, render.MaxWidth)
	if err != nil {
		return render.Options{}, err
	}
	color := render.ColorBy(r.URL.Query().Get("color"))
	switch color {
	case "":
		color = render.ByStatus
	case render.ByStatus, render.ByAgency, render.ByUsage:
	default:
		return render.Options{}, badParam("color", fmt.Sprintf("must be status, agency or usage, not %q", string(color)))
	}
	lang, err := queryLang(r)
	if err != nil {
		return render.Options{}, err
	}
	return render.Options{Width: width, Color: color, Lang: lang}, nil
}

// queryLang reads the optional lang parameter of documents (plans, reports): zh (the default) or en.
func queryLang(r *http.Request) (string, error) {
	switch lang := r.URL.Query().Get("lang"); lang {
	case "", "zh", "zh-CN":
		return "zh", nil
	case "en":
		return "en", nil
	default:
		return "", badParam("lang", fmt.Sprintf("must be zh or en, not %q", lang))
	}
}

// evaluation returns the register's evaluation on the as_of day of the request (today by default), as
// now known, or as recorded at recorded_at (the as_of day defaulting to that moment's day).
func (s *Server) evaluation(r *http.Request) (*floorplan.Report, error) {
	asOf, err := queryDate(r, "as_of")
	if err != nil {
		return nil, err
	}
	recorded, err := asRecorded(r)
	if err != nil {
		return nil, err
	}
	if !recorded.IsZero() {
		if asOf.IsZero() {
			asOf = floorplan.DayOf(recorded.Add(-time.Nanosecond).In(time.Local))
		}
		return s.assessor.AsRecorded(r.Context(), asOf, recorded)
	}
	if asOf.IsZero() {
		return s.assessor.Current(r.Context())
	}
	return s.assessor.AsOf(r.Context(), asOf)
}

func (s *Server) planPNG(w http.ResponseWriter, r *http.Request) error {
	return s.plan(w, r, "png")
}

func (s *Server) planSVG(w http.ResponseWriter, r *http.Request) error {
	return s.plan(w, r, "svg")
}

// plan draws a floor's plan. The image is drawn into memory first, so that a failure is still a JSON
// error and never half an image.
func (s *Server) plan(w http.ResponseWriter, r *http.Request, format string) error {
	floorID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	opt, err := planOptions(r)
	if err != nil {
		return err
	}
	rep, err := s.evaluation(r)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	if f, err := s.store.Floor(r.Context(), floorID); err == nil && !sc.building(f.BuildingID) {
		return s.denyRead(r.Context(), "floor", floorID)
	}
	plan, err := render.BuildPlan(r.Context(), scopedPlanStore{Reader: s.store, sc: sc}, sc.report(rep), floorID)
	if err != nil {
		return about("floor", err)
	}
	var buf bytes.Buffer
	contentType := "image/svg+xml; charset=utf-8"
	if format == "png" {
		opt.Fonts = s.renderFonts()
		contentType = "image/png"
		err = render.PNG(&buf, plan, opt)
	} else {
		err = render.SVG(&buf, plan, opt)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="floor-%s.%s"`, floorID, format))
	_, _ = w.Write(buf.Bytes())
	return nil
}

// overStandardReport writes the findings as JSON, CSV (UTF-8 with a BOM), XLSX or a text table.
func (s *Server) overStandardReport(w http.ResponseWriter, r *http.Request) error {
	format := report.JSON
	switch f := r.URL.Query().Get("format"); f {
	case "":
	case string(report.JSON), string(report.CSV), string(report.XLSX), string(report.Table):
		format = report.Format(f)
	default:
		return badParam("format", fmt.Sprintf("must be json, csv or xlsx, not %q", f))
	}
	agencyID, err := queryUUID(r, "agency_id")
	if err != nil {
		return err
	}
	lang, err := queryLang(r)
	if err != nil {
		return err
	}
	write := report.Write
	switch t := r.URL.Query().Get("totals"); t {
	case "", "false":
	case "true":
		write = report.WriteTotals
	default:
		return badParam("totals", fmt.Sprintf("must be true or false, not %q", t))
	}
	rep, err := s.evaluation(r)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf, sc.report(rep), format, report.Options{Lang: lang, AgencyID: agencyID}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", format.ContentType())
	if format == report.CSV || format == report.XLSX {
		name := "over-standard-" + rep.AsOf.Format(floorplan.DateLayout) + format.Ext()
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	_, _ = w.Write(buf.Bytes())
	return nil
}

// searchHitJSON is one search result.
type searchHitJSON struct {
	Kind       string    `json:"kind" enum:"room,person,agency,building"`
	ID         uuid.UUID `json:"id"`
	Label      string    `json:"label"`
	Detail     string    `json:"detail"`
	BuildingID optID     `json:"building_id"`
	FloorID    optID     `json:"floor_id"`
}

type searchJSON struct {
	Query string          `json:"query"`
	Hits  []searchHitJSON `json:"hits"`
}

// Search limits.
const (
	searchDefaultLimit = floorplan.DefaultSearchLimit
	searchMaxLimit     = floorplan.MaxSearchLimit
	searchMaxQuery     = floorplan.MaxSearchRunes
)

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return badParam("q", "is required: the text to search for")
	}
	if n := len([]rune(q)); n > searchMaxQuery {
		return badParam("q", fmt.Sprintf("is %d characters long; at most %d", n, searchMaxQuery))
	}
	limit, err := queryInt(r, "limit", searchDefaultLimit, 1, searchMaxLimit)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	hits, err := s.store.Search(r.Context(), q, limit, sc.read)
	if err != nil {
		return err
	}
	out := searchJSON{Query: q, Hits: make([]searchHitJSON, 0, len(hits))}
	for _, h := range hits {
		out.Hits = append(out.Hits, searchHitJSON{Kind: string(h.Kind), ID: h.ID, Label: h.Label, Detail: h.Detail,
			BuildingID: optID(h.BuildingID), FloorID: optID(h.FloorID)})
	}
	return writeJSON(w, http.StatusOK, out)
}
