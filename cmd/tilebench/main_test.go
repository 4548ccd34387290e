package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// TestMain lets the test binary be runCommand's measuring copy, as the benchmark's own binary is.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == measureRSS {
		os.Exit(measuredRun(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// TestRunCommandPeak: a command's peak resident set is its own, not this process's: /bin/true reads as
// small while this process holds 300 MB, and dd with a 150 MB buffer as at least that; a failing
// command's exit status comes back.
func TestRunCommandPeak(t *testing.T) {
	ctx := context.Background()
	ballast := make([]byte, 300<<20)
	for i := range ballast {
		ballast[i] = byte(i)
	}
	small, err := runCommand(ctx, "/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if small.maxRSS <= 0 || small.maxRSS > 100<<20 {
		t.Errorf("/bin/true: peak %d MB while the benchmark holds %d MB, want its own few MB", small.maxRSS>>20, len(ballast)>>20)
	}
	big, err := runCommand(ctx, "dd", "if=/dev/zero", "of=/dev/null", "bs=150M", "count=1")
	if err != nil {
		t.Fatal(err)
	}
	if big.maxRSS < 150<<20 || big.maxRSS > 250<<20 {
		t.Errorf("dd bs=150M: peak %d MB, want 150 MB and a little more", big.maxRSS>>20)
	}
	if _, err := runCommand(ctx, "/bin/false"); err == nil {
		t.Error("/bin/false: no error")
	}
	ballast[len(ballast)-1]++ // kept alive to here
}

// TestRunTiny runs the whole benchmark on a tiny generated register (the database is made and dropped
// by the run) with short rounds, and checks that every measurement of the table was made.
func TestRunTiny(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"--buildings", "3", "--floors", "2", "--rooms-per-floor", "12", "--pairs", "1",
		"--clients", "2", "--hot-tiles", "2", "--hot-duration", "300ms", "--write-duration", "1s", "--patch-rate", "10",
		"--trials", "2"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, what := range []string{"gen of ", "first tile after start-up", "PATCH one room", "rooms tiles during writes",
		"edit seen on a second server", "officemap serve RSS", "report over-standard --format json",
		"report over-standard --format csv", "report over-standard --format xlsx", "report over-standard --totals", "render --floor",
		"uncached z18 tiles", "uncached z17 tiles", "cached hot z18"} {
		if !strings.Contains(text, "| "+what) {
			t.Errorf("the table has no row %q", what)
		}
	}
	if strings.Contains(text, "FAILED") {
		t.Errorf("requests failed:\n%s", text)
	}
	if m := regexp.MustCompile(`\((\d+) ok, 0 failed\)`).FindStringSubmatch(text); m == nil || m[1] == "0" {
		t.Errorf("no PATCH succeeded, or some failed:\n%s", text)
	}
	if !strings.Contains(text, "(2 edits)") {
		t.Errorf("the second server's view of an edit was not timed twice:\n%s", text)
	}
	m := regexp.MustCompile(`uncached z18 tiles[^|]*\| ([0-9.]+)×`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no z18 ratio:\n%s", text)
	}
	if r, _ := strconv.ParseFloat(m[1], 64); r <= 0 {
		t.Errorf("z18 ratio %v, want a positive ratio", r)
	}
	if testing.Verbose() {
		t.Log(text)
	}
}

// TestFlags: bad flags are refused with a message, before anything is started.
func TestFlags(t *testing.T) {
	for _, args := range [][]string{{"--buildings", "0"}, {"--pairs", "0"}, {"--patch-rate", "-1"}, {"extra"}, {"--nope"}} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
	if _, err := withDatabase("mysql://x/y", "z"); err == nil {
		t.Error("withDatabase accepted a mysql URL")
	}
	if got, _ := withDatabase("postgres://u@h:5432/postgres?sslmode=disable", "tb"); got != "postgres://u@h:5432/tb?sslmode=disable" {
		t.Errorf("withDatabase = %q", got)
	}
}

// TestTilesAt: every tile a footprint touches, once, in an order fixed by the seed.
func TestTilesAt(t *testing.T) {
	// One bound straddling a z18 tile corner and one inside the same four tiles.
	c := maptile.New(218436, 106615, 18).Bound().Max // the tile's north-east corner… in lon/lat, Max is east/north
	b := orb.Bound{Min: orb.Point{c[0] - 1e-5, c[1] - 1e-5}, Max: orb.Point{c[0] + 1e-5, c[1] + 1e-5}}
	got := tilesAt([]orb.Bound{b, b}, 18, 1)
	if len(got) != 4 {
		t.Fatalf("%d tiles, want the 4 around a corner: %v", len(got), got)
	}
	seen := map[maptile.Tile]bool{}
	for _, tl := range got {
		if seen[tl] || !tl.Bound().Intersects(b) {
			t.Errorf("tile %v repeated or not touching the bound", tl)
		}
		seen[tl] = true
	}
	again := tilesAt([]orb.Bound{b}, 18, 1)
	for i := range got {
		if got[i] != again[i] {
			t.Fatalf("the order changed with the same seed: %v, %v", got, again)
		}
	}
}

// TestSpread: median and range.
func TestSpread(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want string
	}{
		{nil, "–"},
		{[]float64{2}, "2.00"},
		{[]float64{3, 1, 2}, "2.00 (1.00–3.00)"},
		{[]float64{4, 1}, "2.50 (1.00–4.00)"},
	} {
		if got := spread(c.in, "%.2f"); got != c.want {
			t.Errorf("spread(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	if q := quantile([]time.Duration{1, 2, 3, 4}, 0.5); q != 2 {
		t.Errorf("median of 1..4 = %v, want 2 (nearest rank)", q)
	}
}
