package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rssServerEnv makes the test binary the server of TestPeakRSS: its value is the command line.
const rssServerEnv = "OFFICEMAP_TEST_RSS_SERVER"

// maxPeakRSS is the peak resident memory the server must stay under while it is flooded (README, Limits).
const maxPeakRSS = 600 << 20

func TestMain(m *testing.M) {
	if args := os.Getenv(rssServerEnv); args != "" {
		// The server of TestPeakRSS, in a process of its own so that its peak memory is its own.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		err := run(ctx, strings.Fields(args), os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestPeakRSS: the demo server, flooded at once with an IMDF zip bomb (500 MiB in one entry), eight
// 8192-pixel plan renders and a 200 MB GeoJSON upload, keeps its peak resident memory (VmHWM) under
// maxPeakRSS, and answers each with a refusal or the thing asked for — never a crash.
func TestPeakRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc (Linux) to read a process's peak memory")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), rssServerEnv+"=demo --accounts=false --addr 127.0.0.1:0 --db "+filepath.Join(t.TempDir(), "rss.gpkg"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	url := strings.TrimSuffix(servedURL(t, out), "/")
	base := peakRSS(t, cmd.Process.Pid)

	bomb := zipBomb(t, 500<<20)
	floor := someFloor(t, url)
	width := widestPlan(t, url, floor)
	var wg sync.WaitGroup
	statuses := make(chan string, 16)
	send := func(what, method, path, ctype string, body io.Reader) {
		defer wg.Done()
		req, _ := http.NewRequest(method, url+path, body)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
		if err != nil {
			statuses <- what + ": " + err.Error() // the 200 MB upload may be cut off by the 413
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses <- fmt.Sprintf("%s: %d", what, resp.StatusCode)
	}
	wg.Add(10)
	go send("zip bomb", http.MethodPost, "/api/v1/imports/imdf", "application/zip", bytes.NewReader(bomb))
	go send("200 MB GeoJSON", http.MethodPost, "/api/v1/imports/geojson", "application/geo+json", bigGeoJSON(200<<20))
	for i := range 8 {
		go send(fmt.Sprintf("plan %d at %d px", i, width), http.MethodGet, fmt.Sprintf("/api/v1/floors/%s/plan.png?width=%d", floor, width), "", nil)
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		t.Log(s)
		if strings.HasSuffix(s, ": 500") {
			t.Errorf("%s: a server error", s)
		}
	}
	if resp, err := http.Get(url + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the server did not survive: %v", err)
	}
	peak := peakRSS(t, cmd.Process.Pid)
	t.Logf("peak RSS: %d MB after loading the demo, %d MB after the flood (limit %d MB)", base>>20, peak>>20, maxPeakRSS>>20)
	if peak > maxPeakRSS {
		t.Errorf("peak RSS %d MB, more than %d MB", peak>>20, maxPeakRSS>>20)
	}
}

// servedURL reads the server's output up to the line saying where it serves.
func servedURL(t *testing.T, out io.Reader) string {
	t.Helper()
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if i := strings.Index(lines.Text(), "http://"); i >= 0 && strings.Contains(lines.Text(), "serving") {
			go io.Copy(io.Discard, out)
			return strings.TrimSpace(lines.Text()[i:])
		}
	}
	t.Fatal("the server printed no URL")
	return ""
}

// peakRSS is a process's peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// zipBomb is an IMDF archive whose unit.geojson inflates to n bytes of spaces.
func zipBomb(t *testing.T, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.Create("unit.geojson")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	for written := int64(0); written < n; written += int64(len(chunk)) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"manifest.json", "venue.geojson", "building.geojson", "level.geojson"} {
		if _, err := z.Create(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bigGeoJSON streams a FeatureCollection of about n bytes of rooms, made as it is read.
func bigGeoJSON(n int64) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriter(pw)
		bw.WriteString(`{"type":"FeatureCollection","features":[`)
		var written int64
		for i := 0; written < n; i++ {
			x := float64(i%1000) * 5
			y := float64(i/1000) * 5
			f := fmt.Sprintf(`%s{"type":"Feature","properties":{"number":"R%d"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
				map[bool]string{true: "", false: ","}[i == 0], i, x, y, x+4, y, x+4, y+4, x, y+4, x, y)
			k, err := bw.WriteString(f)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			written += int64(k)
		}
		bw.WriteString(`]}`)
		pw.CloseWithError(bw.Flush())
	}()
	return pr
}

// someFloor returns the id of a floor of the demo.
func someFloor(t *testing.T, url string) string {
	t.Helper()
	var buildings []struct{ ID string }
	getJSON(t, url+"/api/v1/buildings", &buildings)
	if len(buildings) == 0 {
		t.Fatal("the demo has no buildings")
	}
	var floors []struct{ ID string }
	getJSON(t, url+"/api/v1/buildings/"+buildings[0].ID+"/floors", &floors)
	if len(floors) == 0 {
		t.Fatal("the demo's first building has no floors")
	}
	return floors[len(floors)/2].ID
}

// widestPlan is the widest PNG plan of floor the server draws: 8192 px, or the width its refusal names.
func widestPlan(t *testing.T, url, floor string) int {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/api/v1/floors/%s/plan.png?width=8192", url, floor))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return 8192
	}
	var e struct{ Error struct{ Message string } }
	json.NewDecoder(resp.Body).Decode(&e)
	var width int
	if i := strings.LastIndex(e.Error.Message, "at most "); i < 0 {
		t.Fatalf("plan at 8192 px: %d %q, want 200 or a refusal naming a width", resp.StatusCode, e.Error.Message)
	} else if _, err := fmt.Sscanf(e.Error.Message[i+len("at most "):], "%d", &width); err != nil {
		t.Fatalf("no width in %q", e.Error.Message)
	}
	return width
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
