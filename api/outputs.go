package api

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"runtime"
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
	q := queryOf(r)
	width := q.int("width", render.DefaultWidth, render.MinWidth, render.MaxWidth)
	color := nextParam(q, "color", choice(render.ByStatus, map[string]render.ColorBy{
		"status": render.ByStatus, "agency": render.ByAgency, "usage": render.ByUsage}, "status, agency or usage"))
	lang := nextParam(q, "lang", documentLang)
	return render.Options{Width: width, Color: color, Lang: lang}, q.err
}

// documentLang reads the optional lang parameter of documents (plans, reports): zh (the default) or en.
var documentLang = choice("zh", map[string]string{"zh": "zh", "zh-CN": "zh", "en": "en"}, "zh or en")

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

// scopedEvaluation is the evaluation as the request's scope shows it (scope.report), and the scope.
func (s *Server) scopedEvaluation(r *http.Request) (*floorplan.Report, scope, error) {
	rep, err := s.evaluation(r)
	if err != nil {
		return nil, scope{}, err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return nil, sc, err
	}
	return sc.report(rep), sc, nil
}

// bigPlanPixels is the size of a PNG plan's image (4 bytes a pixel) from which it is collected as soon as the
// plan is drawn: 64 MiB.
const bigPlanPixels = 16 << 20

// bigPlan reports whether the PNG encoded in b (its header says how large it is, whatever the floor's shape)
// was drawn on an image of bigPlanPixels or more.
func bigPlan(b []byte) bool {
	c, err := png.DecodeConfig(bytes.NewReader(b))
	return err == nil && c.Width*c.Height >= bigPlanPixels
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
	today, err := planToday(r)
	if err != nil {
		return err
	}
	var rep *floorplan.Report
	var sc scope
	if today {
		sc, err = s.scopeOf(r.Context())
	} else {
		rep, sc, err = s.scopedEvaluation(r)
	}
	if err != nil {
		return err
	}
	if f, err := s.store.Floor(r.Context(), floorID); err == nil && !sc.building(f.BuildingID) {
		return s.denyRead(r.Context(), "floor", floorID)
	}
	var plan render.Plan
	store := scopedPlanStore{Reader: s.store, sc: sc}
	if today {
		// The statuses of the floor's rooms (those the scope shows: store lists no other) are their
		// stored states, so that a plan costs its floor and not an evaluation of the whole register. The
		// occupants' names are not drawn, only their number, so the scope has nothing more to hide.
		plan, err = render.BuildPlanToday(r.Context(), store, s.register.States, floorplan.DayOf(time.Now()), floorID)
	} else {
		plan, err = render.BuildPlan(r.Context(), store, rep, floorID)
	}
	if err != nil {
		return about("floor", err)
	}
	var buf bytes.Buffer
	contentType := "image/svg+xml; charset=utf-8"
	if format == "png" {
		opt.Fonts = s.renderFonts()
		contentType = "image/png"
		err = render.PNG(&buf, plan, opt)
		if err == nil && bigPlan(buf.Bytes()) {
			// The image drawn (up to render.MaxPixels: 128 MiB) is garbage now. Collected at once, its memory
			// serves the next large plan; left to the collector's pace, the heap grew to twice what the renders
			// hold, and eight of the widest plans at once took the server from 320 MB to 580–720 MB (TestPeakRSS).
			runtime.GC()
		}
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

// planToday reports whether a plan request is for today as now known (no as_of, no recorded_at), which
// the stored room states answer; a plan of another day, or as recorded, needs the whole evaluation. A
// malformed as_of or recorded_at is a bad request.
func planToday(r *http.Request) (bool, error) {
	asOf, err := queryDate(r, "as_of")
	if err != nil {
		return false, err
	}
	recorded, err := asRecorded(r)
	if err != nil {
		return false, err
	}
	return asOf.IsZero() && recorded.IsZero(), nil
}

// overStandardReport writes the findings as JSON, CSV (UTF-8 with a BOM), XLSX or a text table, as the
// evaluation makes them, agency by agency (reportSource): the request holds one agency's part, not the
// register. The headers are sent with the first byte, so an error until then (a bad parameter, a
// failed evaluation of the first parts, anything while a small report is still in the writer's buffer,
// any XLSX error: the workbook is put together before it is sent) is still a JSON error. An error after
// the first byte aborts the connection (http.ErrAbortHandler): the client sees a broken transfer, never
// a short report that looks whole; the error is logged.
func (s *Server) overStandardReport(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	format := nextParam(q, "format", choice(report.JSON, map[string]report.Format{"json": report.JSON, "csv": report.CSV,
		"xlsx": report.XLSX, "table": report.Table}, "json, csv or xlsx"))
	agencyID := q.uuid("agency_id")
	lang := nextParam(q, "lang", documentLang)
	totals := nextParam(q, "totals", choice(false, map[string]bool{"false": false, "true": true}, "true or false"))
	if q.err != nil {
		return q.err
	}
	sc, err := s.scopeOf(r.Context())
	if err != nil {
		return err
	}
	var agencies []uuid.UUID
	if agencyID != uuid.Nil {
		agencies = []uuid.UUID{agencyID}
	}
	write := report.Stream
	if totals {
		write = report.StreamTotals
	}
	src, err := s.reportSource(r, sc, agencies, totals && format != report.XLSX)
	if err != nil {
		return err
	}
	opt := report.Options{Lang: lang, AgencyID: agencyID}
	if src.rooms != nil {
		opt.RoomNumber = src.rooms.number
	}
	return s.streamOut(w, r, func(h http.Header) {
		h.Set("Content-Type", format.ContentType())
		if format == report.CSV || format == report.XLSX {
			name := "over-standard-" + src.day.Format(floorplan.DateLayout) + format.Ext()
			h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		}
	}, func(w io.Writer) error { return write(w, src.day, src.parts, format, opt) })
}

// streamOut runs write on the response, setting the headers (header) with the first byte. An error
// before the first byte is returned, for the adapter to answer as JSON; after it, it is logged and the
// connection aborted (panic(http.ErrAbortHandler)), so that the client sees a broken transfer.
func (s *Server) streamOut(w http.ResponseWriter, r *http.Request, header func(http.Header), write func(io.Writer) error) error {
	out := &firstByte{w: w, header: header}
	if err := write(out); err != nil {
		if !out.started {
			return err
		}
		s.log.LogAttrs(r.Context(), slog.LevelError, "response aborted after its first byte",
			slog.String("request_id", requestID(r.Context())), slog.String("error", err.Error()))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// firstByte is a response writer that sets the headers (header) when the first byte goes out, so that
// an error before it can still be answered as a JSON error.
type firstByte struct {
	w       http.ResponseWriter
	header  func(http.Header)
	started bool
}

func (f *firstByte) Write(p []byte) (int, error) {
	if !f.started {
		f.started = true
		f.header(f.w.Header())
	}
	return f.w.Write(p)
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
