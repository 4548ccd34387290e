package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"officemap/api"
	"officemap/floorplan"
	"officemap/floorplan/gpkg"
	"officemap/floorplan/identity"
	"officemap/floorplan/sample"
	"officemap/static"
)

// ---- the server ----

type server struct {
	*httptest.Server
	t *testing.T
}

// startServer serves officemap in process on a fresh GeoPackage holding the demo sample, in
// single-user mode (no accounts).
func startServer(t *testing.T) *server {
	t.Helper()
	return serve(t, api.Deps{Store: sampleStore(t)})
}

// browseDemo checks for chromium first (skipping or failing t before starting anything), then serves the
// demo sample as startServer does and opens a browser on it.
func browseDemo(t *testing.T) (*server, *browser) {
	t.Helper()
	chromium(t)
	s := startServer(t)
	return s, openBrowser(t, s.URL)
}

// serveAccounts serves officemap in process on a fresh GeoPackage holding the demo sample, with accounts
// on: an identity service made with opts, whose users the store keeps.
func serveAccounts(t *testing.T, opts identity.Options) (*server, *identity.Service, *gpkg.Store) {
	t.Helper()
	store := sampleStore(t)
	svc := identity.NewService(store, opts)
	return serve(t, api.Deps{Store: store, Register: api.NewRegister(store, svc), Identity: svc}), svc, store
}

// serveUser serves officemap with accounts on, sign-ins limited loosely and passwords hashed two at a time
// (the tests sign in often), and one user, name, with role and password. It returns the identity service,
// to add other users, and an API token of the user's, made as at the console, to read the register as
// they see it.
func serveUser(t *testing.T, name string, role identity.Role, password string) (*server, *identity.Service, string) {
	t.Helper()
	s, svc, _ := serveAccounts(t, identity.Options{SignInPerMinute: 100, MaxHashing: 2})
	ctx := context.Background()
	u, _, err := svc.AddUser(ctx, name, []identity.Grant{{Role: role}}, password)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.NewToken(ctx, u.ID, "e2e", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return s, svc, token
}

// sampleStore opens a fresh GeoPackage holding the demo sample.
func sampleStore(t *testing.T) *gpkg.Store { return openSample(t, false) }

// handledStore opens a fresh GeoPackage holding the demo sample and its handling acted out: the
// applications and inspections the demo users find under way (floorplan/sample/handling.go).
func handledStore(t *testing.T) *gpkg.Store { return openSample(t, true) }

// openSample opens a fresh GeoPackage holding the demo sample, with its handling acted out if handled.
func openSample(t *testing.T, handled bool) *gpkg.Store {
	t.Helper()
	ctx := floorplan.WithActor(context.Background(), "e2e")
	store, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "e2e.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	d := sample.Build(floorplan.DayOf(time.Now()))
	reg := floorplan.NewRegister(store)
	if err := d.Load(ctx, reg); err != nil {
		t.Fatalf("loading the sample: %v", err)
	}
	if !handled {
		return store
	}
	past := func(clock func() time.Time) *floorplan.Register {
		return floorplan.NewRegister(store, floorplan.WithRegisterClock(clock))
	}
	if err := d.Handle(ctx, reg, past); err != nil {
		t.Fatalf("acting out the sample's handling: %v", err)
	}
	return store
}

// serve serves officemap in process with deps, whose Store must be set; the app, the assessor and a
// silent logger are added.
func serve(t *testing.T, deps api.Deps) *server {
	t.Helper()
	deps.Assessor = floorplan.NewAssessor(deps.Store, nil, floorplan.DefaultPolicy())
	deps.Static = static.Handler()
	deps.Logger = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(api.NewServer(api.Config{}, deps))
	t.Cleanup(srv.Close)
	return &server{Server: srv, t: t}
}

// do sends one API request and returns the status, the ETag and the body. body is sent as JSON, or as
// it is when it is a []byte (a file to upload).
func (s *server) do(method, path string, body any, header map[string]string) (int, string, []byte) {
	s.t.Helper()
	var rd io.Reader
	if raw, ok := body.([]byte); ok {
		rd = bytes.NewReader(raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("ETag"), b
}

// singleUser is the token of a reader in single-user mode: none, as there are no accounts.
const singleUser = ""

// read decodes the JSON of a GET that must succeed, sent with token (an API token, or singleUser), and
// returns the size of the body, uncompressed.
func (s *server) read(token, path string, out any) int {
	s.t.Helper()
	header := map[string]string{}
	if token != singleUser {
		header["Authorization"] = "Bearer " + token
	}
	status, _, b := s.do(http.MethodGet, path, nil, header)
	if status != http.StatusOK {
		s.t.Fatalf("GET %s = %d: %s", path, status, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	return len(b)
}

// get decodes the JSON of a GET that must succeed, sent without a token.
func (s *server) get(path string, out any) {
	s.t.Helper()
	s.read(singleUser, path, out)
}

// sampleFloor is a floor of the served register with its building and its rooms, as a reader sees them.
type sampleFloor struct {
	building building
	floor    floor
	rooms    []room
	size     int // the bytes of the rooms' GeoJSON as served, uncompressed
}

// The coordinates in which floors reads the rooms: longitude and latitude, as the viewer draws them, or
// the floor's local frame in metres, as the editor does.
const (
	crsLonLat = ""
	crsLocal  = "local"
)

// floors reads the register as token's user (singleUser when there are no accounts): every building's
// floors, lowest first, with their rooms in crs, in the API's order, so that a building's floors stand
// together and the first floor that fits a test is the one a loop over the API would find.
func (s *server) floors(token, crs string) []sampleFloor {
	s.t.Helper()
	query := ""
	if crs != crsLonLat {
		query = "?crs=" + url.QueryEscape(crs)
	}
	var buildings []building
	s.read(token, "/api/v1/buildings", &buildings)
	var out []sampleFloor
	for _, bl := range buildings {
		var fls []floor
		s.read(token, "/api/v1/buildings/"+bl.ID+"/floors", &fls)
		for _, f := range fls {
			var rs rooms
			size := s.read(token, "/api/v1/floors/"+f.ID+"/rooms"+query, &rs)
			out = append(out, sampleFloor{building: bl, floor: f, rooms: rs.Features, size: size})
		}
	}
	return out
}

// floorsWith returns the first building, in the API's order, with at least two floors that have a room
// for which want holds, and those floors of it, lowest first; the zero building when there is none.
func floorsWith(floors []sampleFloor, want func(room) bool) (building, []sampleFloor) {
	with := map[string][]sampleFloor{}
	for _, sf := range floors {
		if slices.ContainsFunc(sf.rooms, want) {
			with[sf.building.ID] = append(with[sf.building.ID], sf)
		}
	}
	for _, sf := range floors {
		if len(with[sf.building.ID]) >= 2 {
			return sf.building, with[sf.building.ID]
		}
	}
	return building{}, nil
}

// The API's shapes, as far as the tests read them.
type building struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Footprint json.RawMessage `json:"footprint"`
}

type floor struct {
	ID         string `json:"id"`
	BuildingID string `json:"building_id"`
	Ordinal    int    `json:"ordinal"`
	Name       string `json:"name"`
}

type occupant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type room struct {
	ID       string `json:"id"`
	Geometry struct {
		Coordinates [][][2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		FloorID     string     `json:"floor_id"`
		Number      string     `json:"number"`
		Name        string     `json:"name"`
		Usage       string     `json:"usage"`
		AreaM2      float64    `json:"area_m2"`
		Occupants   []occupant `json:"occupants"`
		PerPersonM2 float64    `json:"per_person_m2"`
		Status      string     `json:"status"`
		State       string     `json:"state"` // in_use, idle, under_repair or leased
		Version     int64      `json:"version"`
	} `json:"properties"`
}

type rooms struct {
	Features []room `json:"features"`
}

type finding struct {
	RoomIDs  []string `json:"room_ids"`
	PersonID string   `json:"person_id"`
	Message  string   `json:"message"`
	Source   string   `json:"source"`
}

type searchHit struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	FloorID string `json:"floor_id"`
}

// ---- the browser ----

// chromium finds the browser: CHROMIUM_PATH, then chromium on PATH. Missing, the test fails in CI and is
// skipped elsewhere.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is needed for the browser tests (apt-get install chromium fonts-wqy-microhei)")
	}
	t.Skip("chromium is not installed: skipping the browser tests (apt-get install chromium fonts-wqy-microhei)")
	return ""
}

// browser is one Chromium tab, with a record of every request the page made and of its console errors.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	requests []string
	problems []string // console errors, uncaught exceptions, failed loads
	statuses []string // responses with status ≥ 400: "412 PATCH /api/…"
	methods  map[network.RequestID]string
	urls     map[network.RequestID]string
	codes    map[network.RequestID]int64 // the status on the wire (304 for a revalidated copy), else the page's
	loads    []load                      // requests that finished, with their status and size on the wire
	canceled []string                    // URLs of requests the page aborted
}

// load is one request that finished: its URL, status as sent (304 for a revalidated copy) and bytes
// received on the wire (headers included, compressed as sent).
type load struct {
	URL    string
	Status int64
	Bytes  float64
}

func openBrowser(t *testing.T, base string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{t: t, base: base, methods: map[network.RequestID]string{}, urls: map[network.RequestID]string{},
		codes: map[network.RequestID]int64{}}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	b.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
		b.methods[ev.RequestID] = ev.Request.Method
		b.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFinished:
		b.loads = append(b.loads, load{URL: b.urls[ev.RequestID], Status: b.codes[ev.RequestID], Bytes: ev.EncodedDataLength})
	case *network.EventResponseReceivedExtraInfo:
		// The status the server sent: a revalidated copy is a 304 here and a 200 to the page.
		b.codes[ev.RequestID] = ev.StatusCode
	case *network.EventResponseReceived:
		if _, ok := b.codes[ev.RequestID]; !ok {
			b.codes[ev.RequestID] = ev.Response.Status
		}
		if ev.Response.Status >= 400 {
			b.statuses = append(b.statuses, fmt.Sprintf("%d %s %s", ev.Response.Status, b.methods[ev.RequestID],
				strings.TrimPrefix(ev.Response.URL, b.base)))
		}
	case *network.EventLoadingFailed:
		if ev.Canceled {
			b.canceled = append(b.canceled, b.urls[ev.RequestID])
		} else {
			b.problems = append(b.problems, "load failed: "+ev.ErrorText)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			b.problems = append(b.problems, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		b.problems = append(b.problems, "exception: "+(&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
	case *log.EventEntryAdded:
		// A response with an error status is logged by the browser as a network error: those are
		// checked against the expected ones through statuses.
		if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
			b.problems = append(b.problems, "log: "+ev.Entry.Text)
		}
	}
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v\nstate: %s", err, b.stateJSON())
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes its value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Fatalf("evaluating %s: %v (%s)", expr, err, raw)
		}
	}
}

func (b *browser) stateJSON() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`window.officemap ? officemap.state() : null`))
	if err != nil {
		return err.Error()
	}
	return string(raw)
}

// wait polls a JavaScript condition until it holds.
func (b *browser) wait(what, cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 40*time.Second)
	defer cancel()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for {
		_, err = chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(time.Until(deadline)),
			chromedp.WithPollingInterval(50*time.Millisecond)))
		// A poll that started as the page was navigating (a link followed, a reload) loses its JavaScript
		// context: that is the page changing, not the condition failing, so poll again in the new page.
		if err == nil || !lostContext(err) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		b.mu.Lock()
		problems := slices.Clone(b.problems)
		b.mu.Unlock()
		if dir := os.Getenv("OFFICEMAP_E2E_SCREENSHOTS"); dir != "" {
			if png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); err == nil {
				_ = os.WriteFile(filepath.Join(dir, "failure.png"), png, 0o644)
			}
		}
		rendered, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](`officemap.renderedRoomIds()`))
		b.t.Fatalf("waiting for %s (%s): %v\nstate: %s\nrendered rooms: %s\nproblems: %q", what, cond, err, b.stateJSON(), rendered, problems)
	}
}

// lostContext reports whether err is the browser saying the page's JavaScript context went away under an
// evaluation (the page navigated meanwhile).
func lostContext(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") || strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// settle waits until the app has no request in flight, no tile loading and no animation, twice in a row.
func (b *browser) settle() {
	b.t.Helper()
	for range 2 {
		b.wait("the app to settle", `window.officemap && officemap.state().ready && !officemap.state().busy`)
		b.do(chromedp.Sleep(120 * time.Millisecond))
	}
}

// pixel returns a screen position from an expression giving [x, y] (or null).
func (b *browser) pixel(expr string) (float64, float64) {
	b.t.Helper()
	var p []float64
	b.eval(expr, &p)
	if len(p) != 2 {
		b.t.Fatalf("%s gave no pixel (%v); state: %s", expr, p, b.stateJSON())
	}
	// The map fills the page below the header: the pixel is relative to the map's element.
	var off []float64
	b.eval(`(() => { const m = officemap.state().editing ? document.getElementById('editor-map') : document.getElementById('map');
		const r = m.getBoundingClientRect(); return [r.left, r.top]; })()`, &off)
	return p[0] + off[0], p[1] + off[1]
}

func (b *browser) click(x, y float64) {
	b.t.Helper()
	b.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y), chromedp.MouseClickXY(x, y))
}

func (b *browser) clickSel(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.eval(fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? '').trim()`, sel), &s)
	return s
}

// typeText focuses an input, clears it and types text as an input method commits it.
func (b *browser) typeText(sel, text string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.focus(); el.select?.(); return true; })()`, sel), nil)
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
		return err
	}))
}

func (b *browser) key(key string, code int64) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: key, Code: key,
				WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// screenshot saves the page to OFFICEMAP_E2E_SCREENSHOTS/name (a temporary directory when unset).
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("OFFICEMAP_E2E_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// extraShot saves a screenshot only when OFFICEMAP_E2E_SCREENSHOTS is set, for people reviewing the UI.
func (b *browser) extraShot(name string) {
	b.t.Helper()
	if os.Getenv("OFFICEMAP_E2E_SCREENSHOTS") != "" {
		b.screenshot(name)
	}
}

// pixelOfBuilding is where the centre of bl's footprint is on the page.
func (b *browser) pixelOfBuilding(bl building) (float64, float64) {
	b.t.Helper()
	var fp struct{ Coordinates [][][2]float64 }
	if err := json.Unmarshal(bl.Footprint, &fp); err != nil {
		b.t.Fatal(err)
	}
	c := centroid(fp.Coordinates[0])
	return b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, c[0], c[1]))
}

// openFloor picks the building bl on the map and then its floor floorID, as a user does.
func (b *browser) openFloor(bl building, floorID string) {
	b.t.Helper()
	b.click(b.pixelOfBuilding(bl))
	b.wait("the building to be chosen", fmt.Sprintf(`officemap.state().building === %q && officemap.state().floor`, bl.ID))
	b.settle()
	b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, floorID))
	b.wait("the floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, floorID))
	b.settle()
}

// checkClean fails t for every request the page made outside the server at url, every browser problem
// and every error answer that expected does not allow.
func (b *browser) checkClean(t *testing.T, url string, expected func(status string) bool) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if !strings.HasPrefix(u, url+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the page requested %s, outside the test server", u)
		}
	}
	for _, p := range b.problems {
		t.Errorf("browser problem: %s", p)
	}
	for _, st := range b.statuses {
		if !expected(st) {
			t.Errorf("unexpected error response: %s", st)
		}
	}
}

type appState struct {
	Ready     bool     `json:"ready"`
	Tab       string   `json:"tab"`
	Lang      string   `json:"lang"`
	Building  string   `json:"building"`
	Room      string   `json:"room"`
	Agency    string   `json:"agency"`
	Editing   bool     `json:"editing"`
	Busy      bool     `json:"busy"`
	Highlight []string `json:"highlight"`
	Floor     *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"floor"`
	Editor *struct {
		Mode     string `json:"mode"`
		Selected *struct {
			ID     string  `json:"id"`
			Number string  `json:"number"`
			Area   float64 `json:"area"`
			Dirty  bool    `json:"dirty"`
		} `json:"selected"`
		Error    *struct{ Code, Message string } `json:"error"`
		Conflict *struct{ Number string }        `json:"conflict"`
	} `json:"editor"`
}

func (b *browser) state() appState {
	b.t.Helper()
	var s appState
	b.eval(`officemap.state()`, &s)
	return s
}

// ---- helpers over the data ----

// centroid is the mean of a ring's distinct vertices.
func centroid(ring [][2]float64) [2]float64 {
	var c [2]float64
	n := len(ring) - 1
	for _, p := range ring[:n] {
		c[0] += p[0] / float64(n)
		c[1] += p[1] / float64(n)
	}
	return c
}

// m2 formats an area as the page does.
func m2(v float64) string { return fmt.Sprintf("%.2f m²", v) }

// findRect finds, on one of the floors, a rectangular room without occupants whose four corners are all
// vertices of other rooms of the floor (so that a drawing snapped to the neighbours rebuilds it), and a
// second room without occupants for the conflict.
func findRect(s *server, floors []floor) (fl floor, target, other room, ok bool) {
	for _, f := range floors {
		var local rooms
		s.get("/api/v1/floors/"+f.ID+"/rooms?crs=local", &local)
		vertices := map[string]map[[2]float64]bool{}
		for _, r := range local.Features {
			vertices[r.ID] = map[[2]float64]bool{}
			for _, p := range r.Geometry.Coordinates[0] {
				vertices[r.ID][p] = true
			}
		}
		for _, r := range local.Features {
			ring := r.Geometry.Coordinates[0]
			if len(ring) != 5 || len(r.Properties.Occupants) > 0 || r.Properties.Number == "" {
				continue
			}
			shared := 0
			for _, p := range ring[:4] {
				for id, vs := range vertices {
					if id != r.ID && vs[p] {
						shared++
						break
					}
				}
			}
			if shared < 4 {
				continue
			}
			for _, o := range local.Features {
				if o.ID != r.ID && len(o.Properties.Occupants) == 0 && o.Properties.Number != "" {
					return f, r, o, true
				}
			}
		}
	}
	return floor{}, room{}, room{}, false
}

// ---- the test ----

// TestBrowser walks through the app as its users do, in one browser: the map, a floor and a room, the
// search, the dashboard, the language switch, then the editor (drawing a room, a conflicting edit).
func TestBrowser(t *testing.T) {
	s, b := browseDemo(t)

	var buildings []building
	s.get("/api/v1/buildings", &buildings)
	if len(buildings) < 2 {
		t.Fatalf("the sample has %d buildings; the test needs two", len(buildings))
	}
	floorsOf := map[string][]floor{}
	roomsOf := map[string][]room{} // by floor id, lon/lat
	buildingOfFloor := map[string]string{}
	var allRooms []room
	for _, sf := range s.floors(singleUser, crsLonLat) {
		floorsOf[sf.building.ID] = append(floorsOf[sf.building.ID], sf.floor)
		roomsOf[sf.floor.ID] = sf.rooms
		buildingOfFloor[sf.floor.ID] = sf.building.ID
		allRooms = append(allRooms, sf.rooms...)
	}

	if !t.Run("map loads and fits every building", func(t *testing.T) {
		b.t = t
		start := time.Now()
		b.do(chromedp.Navigate(s.URL + "/"))
		b.settle()
		// Reported, not asserted (speed is for benchmarks): the page loaded, every building drawn and
		// the app idle, less the two 120 ms pauses settle takes to be sure.
		t.Logf("first map paint on the demo: %v", time.Since(start)-240*time.Millisecond)
		if got := b.text("#card-overview h2"); got != "总览" {
			t.Errorf("overview card title = %q, want 总览 (zh-CN by default)", got)
		}
		b.extraShot("overview.png")
		for _, bl := range buildings {
			x, y := b.pixelOfBuilding(bl)
			if x < 0 || y < 40 || x > 1400-360 || y > 900 {
				t.Errorf("building %s is at (%.0f, %.0f), outside the map", bl.Name, x, y)
			}
		}
	}) {
		return
	}

	// The room to look at: an over-standard office with occupants and findings.
	var target room
	for _, r := range allRooms {
		if r.Properties.Status == "over_standard" && len(r.Properties.Occupants) > 0 {
			target = r
			break
		}
	}
	if target.ID == "" {
		t.Fatal("the sample has no over-standard room")
	}
	targetFloor := target.Properties.FloorID
	targetBuilding := buildingOfFloor[targetFloor]

	if !t.Run("pick a building, a floor and a room", func(t *testing.T) {
		b.t = t
		var bl building
		for _, x := range buildings {
			if x.ID == targetBuilding {
				bl = x
			}
		}
		b.openFloor(bl, targetFloor)
		// Every room of the floor is drawn (from the floor's GeoJSON: the app requests no tile).
		want := []string{}
		for _, r := range roomsOf[targetFloor] {
			want = append(want, r.ID)
		}
		slices.Sort(want)
		b.wait("the floor's rooms on the map", fmt.Sprintf(`JSON.stringify(officemap.renderedRoomIds()) === %q`, mustJSON(want)))

		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, target.ID)))
		b.wait("the room card", fmt.Sprintf(`document.querySelector('#card-room')?.dataset.roomId === %q`, target.ID))
		if got := b.text("#room-number"); got != target.Properties.Number {
			t.Errorf("room number = %q, want %q", got, target.Properties.Number)
		}
		if got := b.text("#room-status"); got != "超标" {
			t.Errorf("status = %q, want 超标", got)
		}
		if got := b.text("#room-per-person"); got != m2(target.Properties.PerPersonM2) {
			t.Errorf("per-person area = %q, want %q", got, m2(target.Properties.PerPersonM2))
		}
		if got := b.text("#room-area"); got != m2(target.Properties.AreaM2) {
			t.Errorf("area = %q, want %q", got, m2(target.Properties.AreaM2))
		}
		occ := b.text("#room-occupants")
		for _, o := range target.Properties.Occupants {
			if !strings.Contains(occ, o.Name) {
				t.Errorf("occupants %q lack %s", occ, o.Name)
			}
		}
		// The findings about the room or its occupants, each with its sentence and legal source.
		var report struct{ Findings []finding }
		s.get("/api/v1/reports/over-standard?format=json", &report)
		findings := b.text("#room-findings")
		n := 0
		for _, f := range report.Findings {
			about := slices.Contains(f.RoomIDs, target.ID)
			for _, o := range target.Properties.Occupants {
				about = about || f.PersonID == o.ID
			}
			if about {
				n++
				if !strings.Contains(findings, f.Message) || !strings.Contains(findings, f.Source) {
					t.Errorf("the panel lacks the finding %q (%s)", f.Message, f.Source)
				}
			}
		}
		if n == 0 {
			t.Error("the report has no finding about an over-standard room")
		}
		var planHref string
		b.eval(`document.querySelector('#plan-png')?.getAttribute('href') ?? ''`, &planHref)
		b.clickSel("#card-room .card-head button")
		b.wait("the floor card", `!!document.querySelector('#plan-png')`)
		b.eval(`document.querySelector('#plan-png').getAttribute('href')`, &planHref)
		if status, _, _ := s.do(http.MethodGet, planHref, nil, nil); status != http.StatusOK {
			t.Errorf("the plan link %s answers %d", planHref, status)
		}
		b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, targetFloor))
		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, target.ID)))
		b.wait("the room card again", `!!document.querySelector('#card-room')`)
		b.settle()
		b.screenshot("viewer-floor.png")

		// Colour by agency: the legend names the floor's agencies; back to status.
		b.do(chromedp.SetValue(chromedp.CSS("#color-by"), "agency"))
		b.eval(`document.querySelector('#color-by').dispatchEvent(new Event('change')), true`, nil)
		b.wait("the agency legend", `document.querySelector('#legend .legend-title').textContent === '使用单位'`)
		var agencyRef struct {
			Properties struct {
				AgencyID string `json:"agency_id"`
			}
		}
		s.get("/api/v1/rooms/"+target.ID, &agencyRef)
		var ag struct {
			Name      string `json:"name"`
			ShortName string `json:"short_name"`
		}
		s.get("/api/v1/agencies/"+agencyRef.Properties.AgencyID, &ag)
		label := ag.ShortName
		if label == "" {
			label = ag.Name
		}
		if legend := b.text("#legend"); !strings.Contains(legend, label) {
			t.Errorf("agency legend %q lacks %s", legend, label)
		}
		b.do(chromedp.SetValue(chromedp.CSS("#color-by"), "status"))
		b.eval(`document.querySelector('#color-by').dispatchEvent(new Event('change')), true`, nil)
		b.wait("the status legend", `document.querySelector('#legend .legend-title').textContent === '超标状态'`)
	}) {
		return
	}

	if !t.Run("search a person by name and fly to their room", func(t *testing.T) {
		b.t = t
		// Someone with a main office in another building, whose name nobody else has.
		names := map[string]int{}
		for _, r := range allRooms {
			for _, o := range r.Properties.Occupants {
				names[o.Name]++
			}
		}
		var person occupant
		var office room
		for _, r := range allRooms {
			if buildingOfFloor[r.Properties.FloorID] == targetBuilding {
				continue
			}
			for _, o := range r.Properties.Occupants {
				if o.Kind == "main" && names[o.Name] == 1 && person.ID == "" {
					person, office = o, r
				}
			}
		}
		if person.ID == "" {
			t.Fatal("no one in another building to search for")
		}
		var found struct{ Hits []searchHit }
		s.get("/api/v1/search?q="+url.QueryEscape(person.Name), &found)
		if len(found.Hits) == 0 || found.Hits[0].ID != person.ID {
			t.Fatalf("the API's search for %s does not find them first: %+v", person.Name, found.Hits)
		}
		b.typeText("#search", person.Name)
		b.wait("the search hits", fmt.Sprintf(`!!document.querySelector('#search-results li[data-id=%q]')`, person.ID))
		b.key("Enter", 13)
		b.wait("the person's room", fmt.Sprintf(`officemap.state().room === %q && officemap.state().highlight.includes(%q)`, office.ID, office.ID))
		b.settle()
		st := b.state()
		if st.Floor == nil || st.Floor.ID != office.Properties.FloorID || st.Building != buildingOfFloor[office.Properties.FloorID] {
			t.Errorf("after the search the map shows %+v, want floor %s", st, office.Properties.FloorID)
		}
		// The map flew there: the room is in the middle part of the map.
		x, y := b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, office.ID))
		if x < 200 || x > 1400-360-200 || y < 150 || y > 800 {
			t.Errorf("the room is at (%.0f, %.0f): the map did not fly to it", x, y)
		}
		if !strings.Contains(b.text("#room-occupants"), person.Name) {
			t.Errorf("the room card does not list %s", person.Name)
		}
		if got := b.text("#room-number"); got != office.Properties.Number {
			t.Errorf("room card shows %q, want %q", got, office.Properties.Number)
		}
		b.extraShot("search-person.png")
	}) {
		return
	}

	if !t.Run("dashboard and agency filter", func(t *testing.T) {
		b.t = t
		var report struct {
			Agencies []struct {
				AgencyID string `json:"agency_id"`
				Rooms    int    `json:"rooms"`
			}
		}
		s.get("/api/v1/reports/over-standard?format=json", &report)
		b.clickSel(`a[data-tab="dashboard"]`)
		b.wait("the dashboard", `document.querySelectorAll('#dash-agencies tbody tr').length > 0`)
		b.extraShot("dashboard.png")
		var rows int
		b.eval(`document.querySelectorAll('#dash-agencies tbody tr').length`, &rows)
		if rows != len(report.Agencies) {
			t.Errorf("dashboard has %d agency rows, the report %d", rows, len(report.Agencies))
		}
		for _, l := range []string{"#dl-csv", "#dl-xlsx"} {
			var href string
			b.eval(fmt.Sprintf(`document.querySelector(%q).getAttribute('href')`, l), &href)
			if status, _, _ := s.do(http.MethodGet, href, nil, nil); status != http.StatusOK {
				t.Errorf("%s → %s answers %d", l, href, status)
			}
		}
		agency := ""
		for _, a := range report.Agencies {
			if a.Rooms > 0 {
				agency = a.AgencyID
				break
			}
		}
		b.clickSel(fmt.Sprintf(`#dash-agencies tr[data-agency-id=%q]`, agency))
		b.wait("the agency's rooms", fmt.Sprintf(`officemap.state().tab === 'map' && officemap.state().agency === %q && !!document.querySelector('#card-agency table')`, agency))
		b.settle()
		var shown []string
		b.eval(`officemap.renderedRoomIds()`, &shown)
		b.extraShot("agency.png")
		if len(shown) == 0 {
			t.Error("no room of the agency is drawn")
		}
		for _, id := range shown {
			for _, r := range allRooms {
				if r.ID == id && r.Properties.Status != "" {
					var one struct {
						Properties struct {
							AgencyID string `json:"agency_id"`
						}
					}
					s.get("/api/v1/rooms/"+id, &one)
					if one.Properties.AgencyID != agency {
						t.Errorf("room %s of agency %s is drawn under the filter %s", r.Properties.Number, one.Properties.AgencyID, agency)
					}
				}
			}
		}
		b.clickSel("#card-agency .card-head button")
		b.wait("the filter to clear", `officemap.state().agency === null`)
	}) {
		return
	}

	if !t.Run("language switch is remembered", func(t *testing.T) {
		b.t = t
		b.clickSel("#lang")
		b.wait("English", `document.querySelector('[data-tab="map"]').textContent === 'Map'`)
		b.settle()
		b.extraShot("english.png")
		b.do(chromedp.Reload())
		b.settle()
		if got := b.text(`[data-tab="dashboard"]`); got != "Over-standard" {
			t.Errorf("after a reload the tab reads %q: English not remembered", got)
		}
		b.clickSel("#lang")
		b.wait("Chinese", `document.querySelector('[data-tab="map"]').textContent === '地图'`)
	}) {
		return
	}

	fl, old, other, ok := findRect(s, floorsOf[targetBuilding])
	if !ok {
		for _, bl := range buildings {
			if fl, old, other, ok = findRect(s, floorsOf[bl.ID]); ok {
				break
			}
		}
	}
	if !ok {
		t.Fatal("no room in the sample can be rebuilt from its neighbours' corners")
	}
	openEditor := func(t *testing.T) {
		t.Helper()
		if st := b.state(); st.Floor == nil || st.Floor.ID != fl.ID {
			bid := buildingOfFloor[fl.ID]
			// Choose the building from the overview list, then the floor.
			if st.Building != "" {
				b.clickSel(`#levels .close`)
			}
			b.wait("the overview", `!!document.querySelector('#card-overview')`)
			b.eval(fmt.Sprintf(`(() => { for (const a of document.querySelectorAll('#card-overview a')) if (a.textContent === %q) { a.click(); return true; } return false; })()`,
				buildingName(buildings, bid)), nil)
			b.wait("the building", fmt.Sprintf(`officemap.state().building === %q && officemap.state().floor`, bid))
			b.settle()
			b.clickSel(fmt.Sprintf(`#levels button[data-floor-id=%q]`, fl.ID))
			b.wait("the floor", fmt.Sprintf(`officemap.state().floor?.id === %q`, fl.ID))
			b.settle()
		}
		b.clickSel("#edit-floor")
		b.wait("the editor", `officemap.state().editing && !!document.querySelector('#card-edit')`)
		b.settle()
	}

	var created string
	if !t.Run("draw a room in the editor and see it in the tiles", func(t *testing.T) {
		b.t = t
		openEditor(t)

		// Drawings the server refuses: a room over another (409 naming it) and a bow tie (422).
		drawAt := func(pts [][2]float64) {
			b.clickSel("#tool-draw")
			for _, p := range pts {
				x, y := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, p[0], p[1]))
				b.click(x, y)
				b.do(chromedp.Sleep(80 * time.Millisecond))
			}
			x, y := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, pts[0][0], pts[0][1]))
			b.click(x, y)
			b.wait("the drawing in the form", `officemap.state().editor.selected?.id === null`)
			b.typeText("#edit-number", "X1")
			b.clickSel("#edit-save")
		}
		c := centroid(other.Geometry.Coordinates[0])
		drawAt([][2]float64{{c[0] - 0.5, c[1] - 0.5}, {c[0] + 0.5, c[1] - 0.5}, {c[0] + 0.5, c[1] + 0.5}, {c[0] - 0.5, c[1] + 0.5}})
		b.wait("the overlap error", `document.querySelector('#edit-error')?.dataset.code === 'overlap'`)
		b.extraShot("editor-overlap.png")
		if msg := b.text("#edit-error-pop"); !strings.Contains(msg, other.Properties.Number) {
			t.Errorf("the overlap message next to the drawing is %q; it should name room %s", msg, other.Properties.Number)
		}
		b.clickSel("#edit-delete")
		b.clickSel("#edit-delete")
		b.wait("the drawing discarded", `officemap.state().editor.selected === null && officemap.state().editor.unsaved === 0`)
		drawAt([][2]float64{{c[0] - 0.5, c[1] - 0.5}, {c[0] + 0.5, c[1] + 0.5}, {c[0] + 0.5, c[1] - 0.5}, {c[0] - 0.5, c[1] + 0.5}})
		b.wait("the geometry error", `document.querySelector('#edit-error')?.dataset.code === 'invalid_geometry'`)
		if msg := b.text("#edit-error-pop"); !strings.Contains(msg, "图形无效") {
			t.Errorf("the invalid-geometry message next to the drawing is %q", msg)
		}
		b.clickSel("#edit-delete")
		b.clickSel("#edit-delete")
		b.wait("the drawing discarded", `officemap.state().editor.selected === null && officemap.state().editor.unsaved === 0`)

		// Remove the room, then draw it again by clicking near its corners: snapping puts each vertex on
		// the neighbours' corners exactly.
		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, old.ID)))
		b.wait("the room in the form", fmt.Sprintf(`officemap.state().editor.selected?.id === %q`, old.ID))
		b.clickSel("#edit-delete")
		b.clickSel("#edit-delete")
		b.wait("the deletion", fmt.Sprintf(`!officemap.renderedRoomIds().includes(%q) && officemap.state().editor.selected === null`, old.ID))
		if status, _, _ := s.do(http.MethodGet, "/api/v1/rooms/"+old.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("GET the deleted room = %d, want 404", status)
		}

		b.clickSel("#tool-draw")
		ring := old.Geometry.Coordinates[0]
		offsets := [][2]float64{{3, -2}, {-2, 3}, {2, 2}, {-3, -2}}
		for i, p := range ring[:4] {
			x, y := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, p[0], p[1]))
			b.click(x+offsets[i][0], y+offsets[i][1])
			b.do(chromedp.Sleep(80 * time.Millisecond))
		}
		x, y := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, ring[0][0], ring[0][1]))
		b.click(x+1, y-1) // the first corner again: the polygon closes
		b.wait("the new room in the form", `officemap.state().editor.selected && officemap.state().editor.selected.id === null`)
		b.extraShot("editor-drawn.png")
		st := b.state()
		if math.Abs(st.Editor.Selected.Area-old.Properties.AreaM2) > 0.005 {
			t.Errorf("live area of the drawing = %.4f m², want %.2f (the corners did not snap)", st.Editor.Selected.Area, old.Properties.AreaM2)
		}
		if got := b.text("#edit-area"); got != m2(old.Properties.AreaM2) {
			t.Errorf("the form shows area %q, want %q", got, m2(old.Properties.AreaM2))
		}
		number := old.Properties.Number + "A"
		b.typeText("#edit-number", number)
		b.do(chromedp.SetValue(chromedp.CSS("#edit-usage"), old.Properties.Usage))
		b.clickSel("#edit-save")
		b.wait("the saved room", `officemap.state().editor.selected?.id && !officemap.state().editor.selected.dirty`)
		created = b.state().Editor.Selected.ID

		var saved room
		s.get("/api/v1/rooms/"+created+"?crs=local", &saved)
		if saved.Properties.Number != number || saved.Properties.FloorID != fl.ID || saved.Properties.Usage != old.Properties.Usage {
			t.Errorf("saved room: %+v", saved.Properties)
		}
		if math.Abs(saved.Properties.AreaM2-old.Properties.AreaM2) > 1e-9 {
			t.Errorf("server area %.4f m², want %.4f: the drawing is not the old room's rectangle", saved.Properties.AreaM2, old.Properties.AreaM2)
		}
		for _, p := range ring[:4] {
			if !slices.Contains(saved.Geometry.Coordinates[0], p) {
				t.Errorf("the saved room lacks the corner %v (snapping): %v", p, saved.Geometry.Coordinates[0])
			}
		}

		// The rooms tiles carry it (decoded here with orb, independently of the page).
		var ll room
		s.get("/api/v1/rooms/"+created, &ll)
		cc := centroid(ll.Geometry.Coordinates[0])
		tile := maptile.At(orb.Point{cc[0], cc[1]}, 19)
		status, _, body := s.do(http.MethodGet, fmt.Sprintf("/tiles/rooms/%d/%d/%d.mvt?floor_id=%s", tile.Z, tile.X, tile.Y, fl.ID), nil, nil)
		if status != http.StatusOK {
			t.Fatalf("rooms tile = %d", status)
		}
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			if layers, err = mvt.UnmarshalGzipped(body); err != nil {
				t.Fatalf("decoding the tile: %v", err)
			}
		}
		inTile := false
		for _, l := range layers {
			for _, f := range l.Features {
				if f.Properties["id"] == created {
					inTile = true
					if f.Properties["number"] != number {
						t.Errorf("tile feature number = %v, want %s", f.Properties["number"], number)
					}
				}
			}
		}
		if !inTile {
			t.Errorf("the rooms tile %v has no feature %s", tile, created)
		}

		// And the viewer draws it once the editor is closed.
		b.clickSel("#tool-exit")
		b.wait("the viewer", `!officemap.state().editing`)
		b.settle()
		b.wait("the new room on the map", fmt.Sprintf(`officemap.renderedRoomIds().includes(%q) && !officemap.renderedRoomIds().includes(%q)`, created, old.ID))
	}) {
		return
	}

	if !t.Run("a shared wall moves in both rooms; an orthogonal cut splits a room", func(t *testing.T) {
		b.t = t
		var mine room
		s.get("/api/v1/rooms/"+created+"?crs=local", &mine)
		var local rooms
		s.get("/api/v1/floors/"+fl.ID+"/rooms?crs=local", &local)
		// A corner v of the new room that is a corner of exactly one neighbour n, with the wall [v, w]
		// between them.
		ring := mine.Geometry.Coordinates[0][:4]
		var v, w [2]float64
		var n room
		for i, p := range ring {
			var with []room
			for _, r := range local.Features {
				if r.ID != created && slices.Contains(r.Geometry.Coordinates[0], p) {
					with = append(with, r)
				}
			}
			if len(with) != 1 {
				continue
			}
			for _, q := range [][2]float64{ring[(i+1)%4], ring[(i+3)%4]} {
				if slices.Contains(with[0].Geometry.Coordinates[0], q) && n.ID == "" {
					v, w, n = p, q, with[0]
				}
			}
		}
		if n.ID == "" {
			t.Fatal("the new room shares no wall with exactly one neighbour")
		}
		// Rooms whose edge passes through v (a T-junction) follow it too: the editor makes v their vertex.
		follow := []room{n}
		for _, r := range local.Features {
			rg := r.Geometry.Coordinates[0]
			for i := 0; i+1 < len(rg) && r.ID != created && r.ID != n.ID; i++ {
				if onSegment(v, rg[i], rg[i+1]) {
					follow = append(follow, r)
					break
				}
			}
		}
		changing := fmt.Sprint(1 + len(follow))
		openEditor(t)
		// Drag v a quarter of the way along the shared wall.
		to := [2]float64{v[0] + (w[0]-v[0])/4, v[1] + (w[1]-v[1])/4}
		x0, y0 := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, v[0], v[1]))
		x1, y1 := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, to[0], to[1]))
		held := func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }
		steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0, y0),
			chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y0, held, chromedp.ClickCount(1))}
		for i := 1; i <= 8; i++ {
			f := float64(i) / 8
			steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+(x1-x0)*f, y0+(y1-y0)*f, held),
				chromedp.Sleep(30*time.Millisecond))
		}
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x1, y1, held, chromedp.ClickCount(1)))
		b.do(steps...)
		b.wait("the changed rooms", `officemap.state().editor.unsaved === `+changing)
		// Undo puts both back; the same drag again.
		b.clickSel("#tool-undo")
		b.wait("the undo", `officemap.state().editor.unsaved === 0`)
		b.do(steps...)
		b.wait("the changed rooms again", `officemap.state().editor.unsaved === `+changing)
		b.clickSel("#tool-save")
		b.wait("the rooms saved", `officemap.state().editor.unsaved === 0 && !officemap.state().busy`)
		var a room
		s.get("/api/v1/rooms/"+created+"?crs=local", &a)
		var moved [2]float64
		for _, p := range a.Geometry.Coordinates[0] {
			if !slices.Contains(mine.Geometry.Coordinates[0], p) {
				moved = p
			}
		}
		if moved == ([2]float64{}) || slices.Contains(a.Geometry.Coordinates[0], v) {
			t.Fatalf("the new room's corner %v did not move: %v", v, a.Geometry.Coordinates[0])
		}
		for _, f := range follow {
			var c room
			s.get("/api/v1/rooms/"+f.ID+"?crs=local", &c)
			if !slices.Contains(c.Geometry.Coordinates[0], moved) || slices.Contains(c.Geometry.Coordinates[0], v) {
				t.Errorf("room %s did not follow the shared corner to %v: %v", f.Properties.Number, moved, c.Geometry.Coordinates[0])
			}
		}
		if math.Hypot(moved[0]-to[0], moved[1]-to[1]) > 0.2 {
			t.Errorf("the corner moved to %v, want near %v", moved, to)
		}

		// Split the room with a line drawn across it with Shift held: the cut is horizontal.
		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, created)))
		b.wait("the room in the form", fmt.Sprintf(`officemap.state().editor.selected?.id === %q`, created))
		minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range a.Geometry.Coordinates[0] {
			minX, maxX = min(minX, p[0]), max(maxX, p[0])
			minY, maxY = min(minY, p[1]), max(maxY, p[1])
		}
		cy := minY + (maxY-minY)*0.55
		b.clickSel("#tool-split")
		px, py := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, minX-1.5, cy))
		b.click(px, py)
		qx, qy := b.pixel(fmt.Sprintf(`officemap.pixelOf([%v, %v])`, maxX+1.5, cy+(maxY-minY)*0.2))
		shift := chromedp.ButtonModifiers(chromedp.ModifierShift)
		b.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, qx, qy, chromedp.ButtonModifiers(chromedp.ModifierShift)),
			chromedp.MouseClickXY(qx, qy, shift), chromedp.Sleep(80*time.Millisecond), chromedp.MouseClickXY(qx, qy, shift))
		b.wait("the split", fmt.Sprintf(`!officemap.renderedRoomIds().includes(%q) && officemap.state().editor.selected?.number === %q`,
			created, a.Properties.Number+"-1"))
		pieces := []room{}
		var after rooms
		s.get("/api/v1/floors/"+fl.ID+"/rooms?crs=local", &after)
		for _, r := range after.Features {
			if strings.HasPrefix(r.Properties.Number, a.Properties.Number+"-") {
				pieces = append(pieces, r)
			}
		}
		if len(pieces) != 2 {
			t.Fatalf("split into %d rooms, want 2", len(pieces))
		}
		if sum := pieces[0].Properties.AreaM2 + pieces[1].Properties.AreaM2; math.Abs(sum-a.Properties.AreaM2) > 0.02 {
			t.Errorf("the pieces' areas sum to %.2f, the room had %.2f", sum, a.Properties.AreaM2)
		}
		for _, pc := range pieces {
			var ys []float64
			for _, p := range pc.Geometry.Coordinates[0] {
				if !slices.Contains(a.Geometry.Coordinates[0], p) {
					ys = append(ys, p[1])
				}
			}
			// The server computes the cut's corners by intersection: equal up to rounding.
			if len(ys) < 2 || slices.Max(ys)-slices.Min(ys) > 1e-9 {
				t.Errorf("piece %s: the cut's new corners lie at y %v, want one y (a horizontal cut)", pc.Properties.Number, ys)
			}
		}

		// Assign a person to the first piece, then remove them again.
		piece := pieces[0]
		if piece.Properties.Number != a.Properties.Number+"-1" {
			piece = pieces[1]
		}
		var person occupant
		for _, r := range allRooms {
			for _, o := range r.Properties.Occupants {
				if person.ID == "" && o.Kind == "main" {
					person = o
				}
			}
		}
		b.typeText("#assign-q", person.Name)
		b.wait("the person in the hits", fmt.Sprintf(`!!document.querySelector('#assign-hits button[data-person-id=%q]')`, person.ID))
		b.do(chromedp.SetValue(chromedp.CSS("#assign-kind"), "second"))
		b.clickSel(fmt.Sprintf(`#assign-hits button[data-person-id=%q]`, person.ID))
		b.wait("the occupant", fmt.Sprintf(`!!document.querySelector('#edit-occupants button[data-person-id=%q]')`, person.ID))
		var withPerson room
		s.get("/api/v1/rooms/"+piece.ID, &withPerson)
		if len(withPerson.Properties.Occupants) != 1 || withPerson.Properties.Occupants[0].ID != person.ID ||
			withPerson.Properties.Occupants[0].Kind != "second" {
			t.Errorf("after assigning, the room's occupants are %+v", withPerson.Properties.Occupants)
		}
		wantPP := m2(withPerson.Properties.AreaM2)
		if got := b.text("#edit-per-person"); got != wantPP {
			t.Errorf("per-person area in the form = %q, want %q", got, wantPP)
		}
		sel := fmt.Sprintf(`#edit-occupants button[data-person-id=%q]`, person.ID)
		b.clickSel(sel)
		b.clickSel(sel)
		b.wait("the occupant removed", `!document.querySelector('#edit-occupants')`)
		s.get("/api/v1/rooms/"+piece.ID, &withPerson)
		if len(withPerson.Properties.Occupants) != 0 {
			t.Errorf("after removing, the room's occupants are %+v", withPerson.Properties.Occupants)
		}

		b.clickSel("#tool-exit")
		b.wait("the viewer", `!officemap.state().editing`)
		b.settle()
	}) {
		return
	}

	t.Run("a conflicting edit is refused and can be reloaded", func(t *testing.T) {
		b.t = t
		openEditor(t)
		b.click(b.pixel(fmt.Sprintf(`officemap.roomPixel(%q)`, other.ID)))
		b.wait("the room in the form", fmt.Sprintf(`officemap.state().editor.selected?.id === %q`, other.ID))
		b.typeText("#edit-name", "规划科改名")

		// Someone else changes the room behind the page's back.
		_, etag, _ := s.do(http.MethodGet, "/api/v1/rooms/"+other.ID, nil, nil)
		theirs := "另一位规划员的修改"
		status, _, body := s.do(http.MethodPatch, "/api/v1/rooms/"+other.ID, map[string]any{"properties": map[string]any{"name": theirs}},
			map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"})
		if status != http.StatusOK {
			t.Fatalf("PATCH behind the page's back = %d: %s", status, body)
		}

		b.clickSel("#edit-save")
		b.wait("the conflict message", `!!document.querySelector('#edit-conflict')`)
		b.extraShot("conflict.png")
		msg := b.text("#edit-conflict")
		if !strings.Contains(msg, "保存冲突") || !strings.Contains(msg, other.Properties.Number) || !strings.Contains(msg, "已被他人修改") {
			t.Errorf("conflict message = %q", msg)
		}
		var now room
		s.get("/api/v1/rooms/"+other.ID, &now)
		if now.Properties.Name != theirs {
			t.Errorf("the other planner's change was overwritten: name %q", now.Properties.Name)
		}
		b.clickSel("#conflict-reload")
		b.wait("the reloaded room", `!document.querySelector('#edit-conflict')`)
		var name string
		b.eval(`document.querySelector('#edit-name').value`, &name)
		if name != theirs {
			t.Errorf("after reloading the form shows name %q, want %q", name, theirs)
		}
		b.clickSel("#tool-exit")
		b.wait("the viewer", `!officemap.state().editing`)
	})

	t.Run("no external request and no console error", func(t *testing.T) {
		b.mu.Lock()
		seen := len(b.requests)
		b.mu.Unlock()
		if seen < 10 {
			t.Errorf("only %d requests were seen: the listener is not working", seen)
		}
		// The viewer draws floors from their GeoJSON: the tile endpoints are for GIS clients only.
		b.mu.Lock()
		for _, u := range b.requests {
			if strings.Contains(u, "/tiles/") {
				t.Errorf("the app requested a tile: %s", u)
			}
		}
		b.mu.Unlock()
		// The error answers expected: the refused drawings and the refused save of the conflict (one
		// room's PATCH or the floor's batch of changes, as the editor saves them), and GET
		// /api/v1/me's 404 that tells the app that accounts are off.
		b.checkClean(t, s.URL, func(st string) bool {
			return st == "404 GET /api/v1/me" || strings.HasPrefix(st, "412 PATCH /api/v1/rooms/"+other.ID) ||
				strings.HasPrefix(st, "412 POST /api/v1/floors/"+fl.ID+"/rooms/batch") ||
				strings.HasPrefix(st, "409 POST /api/v1/floors/"+fl.ID+"/rooms") || strings.HasPrefix(st, "422 POST /api/v1/floors/"+fl.ID+"/rooms")
		})
	})
}

// onSegment reports whether p lies strictly inside the segment [a, b] (within 0.1 mm).
func onSegment(p, a, b [2]float64) bool {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 || p == a || p == b {
		return false
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	return t > 0 && t < 1 && math.Hypot(a[0]+t*dx-p[0], a[1]+t*dy-p[1]) < 1e-4
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func buildingName(bs []building, id string) string {
	for _, b := range bs {
		if b.ID == id {
			return b.Name
		}
	}
	return ""
}
