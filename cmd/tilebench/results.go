package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// results are what a run measured.
type results struct {
	cfg                   config
	cpus                  int
	loadBefore, loadAfter string
	db                    *database
	ready1                time.Duration // officemap serve: start → /readyz
	firstTile1            time.Duration // officemap serve: start → first rooms tile
	firstTile2            time.Duration // the second server: start → first rooms tile
	statesRecomputed      bool          // server 1 found the stored states of an earlier day and recomputed them
	statesFresh           time.Duration // server 1: start → stored states of today (when recomputed)
	uncached              map[int][]pair
	calibration           map[int]string // by zoom: the reference variant chosen and why
	hot                   []pair
	writes                writeResult
	maxRSS, hwm           int64
	visible               []time.Duration
	cli                   []cliRun
}

// cliRun is one timed CLI command.
type cliRun struct {
	what string
	run  cmdRun
	size int64 // bytes written
	err  error // the command failed
}

// row is a line of the table.
type row struct{ what, measured, target, ok string }

func check(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

// spread summarises values: the median and, for more than one, the range.
func spread(vs []float64, format string) string {
	if len(vs) == 0 {
		return "–"
	}
	s := slices.Sorted(slices.Values(vs))
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	if len(s) == 1 {
		return fmt.Sprintf(format, med)
	}
	return fmt.Sprintf(format+" ("+format+"–"+format+")", med, s[0], s[len(s)-1])
}

func ratios(ps []pair) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.ratio()
	}
	return out
}

func throughputs(ps []pair, a bool) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.b.Throughput
		if a {
			out[i] = p.a.Throughput
		}
	}
	return out
}

// ratioText is a pair list's ratio and throughputs.
func ratioText(ps []pair) string {
	failed := 0
	for _, p := range ps {
		failed += p.a.Route("tiles").Failed + p.b.Route("tiles").Failed
	}
	s := fmt.Sprintf("%s× (officemap %s req/s, reference %s req/s, %d pairs)", spread(ratios(ps), "%.2f"),
		spread(throughputs(ps, true), "%.0f"), spread(throughputs(ps, false), "%.0f"), len(ps))
	if failed > 0 {
		s += fmt.Sprintf(", %d FAILED requests", failed)
	}
	return s
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func dur(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mb(b int64) string {
	if b < 1<<20 {
		return fmt.Sprintf("%.0f kB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

// rows are the table's lines.
func (r *results) rows() []row {
	var rows []row
	if g := r.db.gen; g != nil {
		rows = append(rows, row{fmt.Sprintf("gen of %d rooms", r.db.size.Rooms), dur(g.wall) + ", " + mb(g.maxRSS),
			"< 2 min (at 1M)", check(g.wall < 2*time.Minute)})
	}
	rows = append(rows,
		row{"first tile after start-up (server 1; server 2)", dur(r.firstTile1) + "; " + dur(r.firstTile2), "< 1 s",
			check(r.firstTile1 < time.Second && r.firstTile2 < time.Second)})
	if r.statesRecomputed {
		rows = append(rows, row{"stored states of today recomputed by server 1 (they were of an earlier day)",
			dur(r.statesFresh) + " after start, tiles served meanwhile", "–", "–"})
	}
	w := r.writes
	p99 := quantile(w.patches, 0.99)
	rows = append(rows, row{"PATCH one room p50 / p99 / max",
		fmt.Sprintf("%s / %s / %s (%d ok, %d failed)", dur(quantile(w.patches, 0.5)), dur(p99),
			dur(quantile(w.patches, 1)), len(w.patches), w.failed), "p99 < 150 ms", check(p99 < 150*time.Millisecond && w.failed == 0 && len(w.patches) > 0)})
	t := w.tiles.Route("tiles")
	rows = append(rows, row{"rooms tiles during writes: max (p99)",
		fmt.Sprintf("%s (%s), %d tiles, %d failed", dur(t.Max), dur(t.P99), t.N, t.Failed), "none over 1 s",
		check(t.Max < time.Second && t.Failed == 0 && t.N > 0)})
	vis := slices.Sorted(slices.Values(r.visible))
	rows = append(rows, row{"edit seen on a second server's next tile: median / max",
		fmt.Sprintf("%s / %s (%d edits)", dur(quantile(vis, 0.5)), dur(quantile(vis, 1)), len(vis)), "< 1 s",
		check(len(vis) > 0 && quantile(vis, 1) < time.Second)})
	rows = append(rows, row{"officemap serve RSS, tiles and writes: max VmRSS / VmHWM",
		mb(r.maxRSS) + " / " + mb(r.hwm), "< 500 MB", check(max(r.maxRSS, r.hwm) < 500<<20)})
	for _, c := range r.cli {
		target, ok := "< 10 s", c.run.wall < 10*time.Second
		switch {
		case strings.Contains(c.what, "totals"):
			target, ok = "< 3 s", c.run.wall < 3*time.Second
		case strings.Contains(c.what, "json"), strings.Contains(c.what, "xlsx"):
			target, ok = "< 10 s, < 300 MB", ok && c.run.maxRSS < 300<<20
		case strings.HasPrefix(c.what, "render"):
			target, ok = "< 1 s, < 300 MB", c.run.wall < time.Second && c.run.maxRSS < 300<<20
		}
		measured := fmt.Sprintf("%s, %s (%s written)", dur(c.run.wall), mb(c.run.maxRSS), mb(c.size))
		if c.err != nil {
			measured, ok = "FAILED after "+dur(c.run.wall)+": "+firstErrorLine(c.err), false
		}
		rows = append(rows, row{c.what, measured, target, check(ok)})
	}
	for _, z := range []int{18, 17} {
		ps := r.uncached[z]
		rows = append(rows, row{fmt.Sprintf("uncached z%d tiles, officemap / reference req/s", z), ratioText(ps),
			"≥ 1.2×", check(len(ps) > 0 && median(ratios(ps)) >= 1.2 && !anyFailed(ps))})
	}
	hot, cold := median(throughputs(r.hot, true)), median(throughputs(r.uncached[18], true))
	hotRatio := 0.0
	if cold > 0 {
		hotRatio = hot / cold
	}
	rows = append(rows, row{"cached hot z18 tiles / uncached z18 (officemap)",
		fmt.Sprintf("%.2f× (%.0f vs %.0f req/s; hot vs reference %s×)", hotRatio, hot, cold, spread(ratios(r.hot), "%.1f")),
		"≥ 20×", check(hotRatio >= 20 && !anyFailed(r.hot))})
	return rows
}

// firstErrorLine is the line of a command's error output that says what went wrong (its last line), cut short.
func firstErrorLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 120 {
		l = l[:120] + "…"
	}
	return strings.ReplaceAll(l, "|", "/")
}

func anyFailed(ps []pair) bool {
	for _, p := range ps {
		if p.a.Route("tiles").Failed+p.b.Route("tiles").Failed > 0 {
			return true
		}
	}
	return false
}

// print writes the table and the conditions of the run.
func (r *results) print(out io.Writer) {
	c := r.cfg
	if r.db.gen != nil {
		fmt.Fprintf(out, "\nregister: %d buildings, %d floors, %d rooms, %d people (gen seed %d)\n", r.db.size.Buildings,
			r.db.size.Floors, r.db.size.Rooms, r.db.size.People, c.seed)
	} else {
		fmt.Fprintf(out, "\nregister: %s (reused)\n", redact(r.db.url))
	}
	fmt.Fprintf(out, "machine: %d CPUs, load average %s before, %s after; %d clients, %d A/B pairs, reference gzip %v, parallel query %s, ANALYZE %v\n",
		r.cpus, r.loadBefore, r.loadAfter, c.clients, c.pairs, c.refGzip, c.refParallel, c.analyze)
	for _, z := range []int{18, 17} {
		if cal, ok := r.calibration[z]; ok {
			fmt.Fprintf(out, "reference at z%d: %s\n", z, cal)
		}
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 1, ' ', 0)
	fmt.Fprintln(w, "| what\t| measured\t| target\t| ok\t|")
	fmt.Fprintln(w, "| ---\t| ---\t| ---\t| ---\t|")
	for _, rw := range r.rows() {
		fmt.Fprintf(w, "| %s\t| %s\t| %s\t| %s\t|\n", rw.what, rw.measured, rw.target, rw.ok)
	}
	w.Flush()
}
