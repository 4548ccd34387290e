package tiles

import (
	"container/list"
	"sync"

	"github.com/google/uuid"

	"officemap/floorplan"
)

// cacheKey names one encoded tile: the layer's generation is part of it, so that a tile drawn before
// Invalidate can never be found after it, even when its drawing finishes later.
type cacheKey struct {
	rev      int64 // the store's revision (Store.Revision), when it has one
	layer    floorplan.Layer
	format   format
	z        uint32
	x, y     uint32
	floorID  uuid.UUID
	level    int
	hasLevel bool
	gen      uint64
	scope    string // Scope.Key
}

// tile is an encoded tile, as it is kept: a PNG in data, a vector tile gzipped in gz only (most clients take
// it so; the few that do not get it decompressed). Both are empty for a tile with no features. etag is that
// of the uncompressed bytes.
type tile struct {
	data []byte
	gz   []byte
	etag string
}

// entryOverhead approximates the bytes of bookkeeping per cached tile (key, list element, map slot).
const entryOverhead = 160

func (t *tile) size() int64 { return int64(len(t.data)+len(t.gz)) + entryOverhead }

type cacheEntry struct {
	key  cacheKey
	tile *tile
	size int64
}

// lru is an in-memory cache of tiles bounded by bytes, least recently used out first. It is safe for
// concurrent use.
type lru struct {
	mu    sync.Mutex
	max   int64
	bytes int64
	ll    *list.List // front: most recently used
	items map[cacheKey]*list.Element
}

func newLRU(maxBytes int64) *lru {
	return &lru{max: maxBytes, ll: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *lru) get(k cacheKey) (*tile, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*cacheEntry).tile, true
}

// put stores t under k. A tile larger than the whole cache is not kept.
func (c *lru) put(k cacheKey, t *tile) {
	if c == nil {
		return
	}
	size := t.size()
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		ce := e.Value.(*cacheEntry)
		c.bytes += size - ce.size
		ce.tile, ce.size = t, size
		c.ll.MoveToFront(e)
	} else {
		c.items[k] = c.ll.PushFront(&cacheEntry{key: k, tile: t, size: size})
		c.bytes += size
	}
	c.evict()
}

func (c *lru) evict() {
	for c.bytes > c.max {
		e := c.ll.Back()
		if e == nil {
			return
		}
		ce := e.Value.(*cacheEntry)
		c.ll.Remove(e)
		delete(c.items, ce.key)
		c.bytes -= ce.size
	}
}

// dropLayer forgets every tile of a layer: after Invalidate they can no longer be found, and this
// gives their memory back at once rather than when they age out.
func (c *lru) dropLayer(layer floorplan.Layer) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.ll.Front(); e != nil; {
		next := e.Next()
		ce := e.Value.(*cacheEntry)
		if ce.key.layer == layer {
			c.ll.Remove(e)
			delete(c.items, ce.key)
			c.bytes -= ce.size
		}
		e = next
	}
}

// stats returns the number of tiles and bytes held.
func (c *lru) stats() (n int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}
