// Package loadtest drives an officemap server with many concurrent clients and reports what they saw:
// throughput, and per route the count, the errors and the 50th and 99th percentile latencies. It needs
// no external tool; the repository's load test (loadtest_test.go) runs it against both stores, once on a
// quiet register and once with a table locked and database backends killed.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// ErrDone, returned by a Route's Request, ends the client that asked: the route has nothing more to send
// (a Sequence is exhausted). The run ends when every client has ended or Config.Duration has passed.
var ErrDone = errors.New("loadtest: no more requests")

// Route is one kind of request of the mix.
type Route struct {
	Name string
	// Weight is the route's share of the requests, relative to the other routes' weights.
	Weight int
	// Request builds one request (relative to Config.Base); rng is the client's own. It returns ErrDone
	// when the route has nothing more to send.
	Request func(rng *rand.Rand) (*http.Request, error)
	// OK reports whether a status is an expected answer (default: below 400). A write's 412 after a
	// concurrent change of the same record, say, is expected.
	OK func(status int) bool
}

// Config is a run.
type Config struct {
	Base     string       // the server, e.g. "http://127.0.0.1:8080"
	Client   *http.Client // nil: a client with a 30 s timeout and enough idle connections per host
	Header   http.Header  // sent with every request (e.g. Authorization)
	Clients  int          // concurrent clients (default 32)
	Duration time.Duration
	Routes   []Route
	Seed     uint64 // clients' random sequences derive from it
}

// Stats are what one route saw.
type Stats struct {
	Name     string
	N        int         // requests sent
	Failed   int         // transport errors and unexpected statuses
	Statuses map[int]int // by HTTP status; 0 for a transport error
	P50, P99 time.Duration
	Max      time.Duration
}

// Report is the outcome of a run.
type Report struct {
	Clients    int
	Elapsed    time.Duration
	Total      int
	Throughput float64 // requests per second
	Routes     []Stats // in Config.Routes' order
}

// Route returns the stats of the route named name (zero Stats when there is none).
func (r Report) Route(name string) Stats {
	for _, s := range r.Routes {
		if s.Name == name {
			return s
		}
	}
	return Stats{}
}

// String is the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d clients, %.1f s, %d requests, %.0f requests/s\n", r.Clients, r.Elapsed.Seconds(), r.Total, r.Throughput)
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "route\tn\tfailed\tp50 ms\tp99 ms\tmax ms\tstatuses\t")
	for _, s := range r.Routes {
		fmt.Fprintf(w, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%s\t\n", s.Name, s.N, s.Failed, ms(s.P50), ms(s.P99), ms(s.Max), statuses(s.Statuses))
	}
	w.Flush()
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// statuses lists a route's statuses in order, e.g. "200×95 503×5".
func statuses(m map[int]int) string {
	codes := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d×%d", c, m[c])
	}
	return strings.Join(parts, " ")
}

// sample is one request's outcome.
type sample struct {
	route   int
	status  int // 0: transport error
	failed  bool
	latency time.Duration
}

// Sequence returns a Route.Request that hands out GET requests of paths in order, each once across all
// clients, and then ErrDone: a run over it sends every path exactly once (unless Duration ends it first),
// which is how a cache is kept out of a throughput measurement. It is safe for concurrent use.
func Sequence(paths []string) func(rng *rand.Rand) (*http.Request, error) {
	var next atomic.Int64
	return func(*rand.Rand) (*http.Request, error) {
		i := next.Add(1) - 1
		if i >= int64(len(paths)) {
			return nil, ErrDone
		}
		return http.NewRequest(http.MethodGet, paths[i], nil)
	}
}

// Run sends the mix from cfg.Clients clients until cfg.Duration has passed, ctx ends or every client has
// been told ErrDone, and reports.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if len(cfg.Routes) == 0 {
		return Report{}, fmt.Errorf("loadtest: no routes")
	}
	pick, err := picker(cfg.Routes)
	if err != nil {
		return Report{}, err
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 32
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: cfg.Clients}}
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	results := make([][]sample, cfg.Clients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range cfg.Clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(c)))
			for ctx.Err() == nil {
				i := pick(rng)
				s, done := send(ctx, client, cfg, cfg.Routes[i], rng)
				if done {
					return
				}
				if ctx.Err() != nil && s.status == 0 {
					return // cut off by the end of the run, not a failure
				}
				s.route = i
				results[c] = append(results[c], s)
			}
		})
	}
	wg.Wait()
	return summarise(cfg, slices.Concat(results...), time.Since(start)), nil
}

// picker returns a function choosing a route index by weight.
func picker(routes []Route) (func(*rand.Rand) int, error) {
	var cum []int
	total := 0
	for _, r := range routes {
		if r.Weight <= 0 || r.Request == nil {
			return nil, fmt.Errorf("loadtest: route %q needs a positive weight and a request", r.Name)
		}
		total += r.Weight
		cum = append(cum, total)
	}
	return func(rng *rand.Rand) int {
		n := rng.IntN(total)
		i, _ := slices.BinarySearch(cum, n+1)
		return i
	}, nil
}

// send makes and times one request of route; done reports that the route returned ErrDone.
func send(ctx context.Context, client *http.Client, cfg Config, route Route, rng *rand.Rand) (s sample, done bool) {
	req, err := route.Request(rng)
	if errors.Is(err, ErrDone) {
		return sample{}, true
	}
	if err != nil {
		return sample{failed: true}, false
	}
	if req.URL.Host == "" {
		full, err := http.NewRequestWithContext(ctx, req.Method, cfg.Base+req.URL.String(), req.Body)
		if err != nil {
			return sample{failed: true}, false
		}
		full.Header = req.Header
		req = full
	} else {
		req = req.WithContext(ctx)
	}
	for k, v := range cfg.Header {
		if req.Header.Get(k) == "" {
			req.Header[k] = v
		}
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return sample{failed: true, latency: time.Since(t0)}, false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	ok := route.OK
	if ok == nil {
		ok = func(status int) bool { return status < 400 }
	}
	return sample{status: resp.StatusCode, failed: !ok(resp.StatusCode), latency: time.Since(t0)}, false
}

// summarise turns the samples into the report.
func summarise(cfg Config, all []sample, elapsed time.Duration) Report {
	rep := Report{Clients: cfg.Clients, Elapsed: elapsed, Total: len(all), Routes: make([]Stats, len(cfg.Routes))}
	if elapsed > 0 {
		rep.Throughput = float64(len(all)) / elapsed.Seconds()
	}
	lat := make([][]time.Duration, len(cfg.Routes))
	for i, r := range cfg.Routes {
		rep.Routes[i] = Stats{Name: r.Name, Statuses: map[int]int{}}
	}
	for _, s := range all {
		st := &rep.Routes[s.route]
		st.N++
		st.Statuses[s.status]++
		if s.failed {
			st.Failed++
		}
		lat[s.route] = append(lat[s.route], s.latency)
	}
	for i, l := range lat {
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		rep.Routes[i].P50, rep.Routes[i].P99, rep.Routes[i].Max = quantile(l, 0.50), quantile(l, 0.99), l[len(l)-1]
	}
	return rep
}

// quantile is the q-quantile of sorted (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
