package identity

import (
	"sync"
	"time"
)

// The credentials cache: a server authenticates every request (a browser's map asks for dozens of tiles
// a second, each with its session cookie), and reading the session or token and its user costs two
// round trips to the store. The Service keeps what a secret authenticated to for Options.CredentialTTL:
// within that time a request with the same secret is answered from memory, after the checks that depend
// on the clock (expiry, idle time, the minute's touch) have been made again. Every change this Service
// makes to users, sessions or tokens (signing out, revoking, disabling, grants, passwords, lockouts)
// empties the cache at once; a change made by another server or process is seen within the TTL.

// DefaultCredentialTTL is how long an authenticated secret is kept unless Options.CredentialTTL says.
const DefaultCredentialTTL = 2 * time.Second

// maxCachedCredentials bounds the cache: past it, it starts again.
const maxCachedCredentials = 10_000

// credEntry is what one secret (by its hash) authenticated to, and when.
type credEntry struct {
	user    User
	session Session // for a session's secret
	token   Token   // for a token's
	at      time.Time
}

// credCache is the cache; its zero value is ready, with a zero ttl keeping nothing.
type credCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]credEntry
}

// get returns the entry of hash when it was kept less than ttl before now.
func (c *credCache) get(hash string, now time.Time) (credEntry, bool) {
	if c.ttl <= 0 {
		return credEntry{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.Sub(e.at) >= c.ttl || now.Before(e.at) {
		return credEntry{}, false
	}
	return e, true
}

// put keeps e for hash.
func (c *credCache) put(hash string, e credEntry) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedCredentials {
		c.entries = map[string]credEntry{}
	}
	c.entries[hash] = e
}

// forget empties the cache: a user, session or token changed.
func (c *credCache) forget() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}
