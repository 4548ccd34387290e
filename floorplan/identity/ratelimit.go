package identity

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

// limiter is a token bucket per source address, in memory and bounded: when it holds max addresses it
// forgets those whose bucket has refilled, and if none has, an arbitrary one.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	max     int
	buckets map[string]*bucket
}

type bucket struct {
	tokens  float64
	at      time.Time
	limited bool // the last attempt was refused
}

func newLimiter(perMinute, burst, max int) *limiter {
	return &limiter{
		rate:    float64(perMinute) / 60,
		burst:   float64(burst),
		max:     max,
		buckets: make(map[string]*bucket),
	}
}

// allow takes a token from addr's bucket at now. first is true when the attempt is refused after one
// that was not, so that a flood is audited once, not once per request.
func (l *limiter) allow(addr string, now time.Time) (ok, first bool) {
	key := addrKey(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = l.level(b, now)
	b.at = now
	if b.tokens < 1 {
		first = !b.limited
		b.limited = true
		return false, first
	}
	b.tokens--
	b.limited = false
	return true, false
}

// level is b's tokens at now.
func (l *limiter) level(b *bucket, now time.Time) float64 {
	if d := now.Sub(b.at); d > 0 {
		return min(l.burst, b.tokens+d.Seconds()*l.rate)
	}
	return b.tokens
}

func (l *limiter) evict(now time.Time) {
	for k, b := range l.buckets {
		if l.level(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.max {
			break
		}
		delete(l.buckets, k)
	}
}

// addrKey is the bucket of an address "host:port" or "host": the host, and for IPv6 its /64 (one
// client's network), so that a client cannot get new buckets by changing its port or interface ID.
func addrKey(addr string) string {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// RateLimiter is a token bucket per client address (an IPv6 client's /64), in memory and bounded, for
// anonymous routes other than the sign-in (e.g. the public verification of certificates).
type RateLimiter struct{ l *limiter }

// NewRateLimiter allows perMinute requests a minute per address after a burst of burst, remembering at
// most max addresses.
func NewRateLimiter(perMinute, burst, max int) *RateLimiter {
	return &RateLimiter{l: newLimiter(perMinute, burst, max)}
}

// Allow takes a token from addr's bucket at now; false when it has none.
func (r *RateLimiter) Allow(addr string, now time.Time) bool {
	ok, _ := r.l.allow(addr, now)
	return ok
}
