package httpx

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
)

// Page is a finished response, kept gzipped because nearly every client
// accepts gzip; the few that do not get it decompressed as it is sent. Kept
// gzipped, a result page takes 3 KB rather than 15.
//
// Its headers' values are built with it (see Value), so sending it sets no
// header the slow way.
type Page struct {
	contentType string
	gzipped     []byte
	raw         []byte // set instead of gzipped for a body kept uncompressed
	size        int    // of the body before compression
	etag        string
	headers     pageHeaders
}

// pageHeaders are a kept page's header values, built once.
type pageHeaders struct {
	contentType, etag  []string
	length             []string // of the body as kept (gzipped, or raw)
	uncompressedLength []string // of the body decompressed, for a client without gzip
}

var (
	varyAcceptEncoding = Value("Accept-Encoding")
	gzipEncodingValue  = Value("gzip")
)

func (p *Page) buildHeaders() *Page {
	kept := p.raw
	if kept == nil {
		kept = p.gzipped
	}
	p.headers = pageHeaders{contentType: Value(p.contentType), etag: Value(p.etag),
		length: Value(strconv.Itoa(len(kept))), uncompressedLength: Value(strconv.Itoa(p.size))}
	return p
}

// NewPage keeps a page that is asked for again and again (a landing page,
// a shared result), compressed at the best ratio once.
func NewPage(contentType string, body []byte) *Page {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	return finishPage(contentType, body, gz.Bytes())
}

// NewPageUncompressed keeps a body that compression would not shrink (a
// PNG), sent as it is to every client.
func NewPageUncompressed(contentType string, body []byte) *Page {
	return (&Page{contentType: contentType, raw: bytes.Clone(body), size: len(body), etag: ETag(body)}).buildHeaders()
}

// NewPageFast keeps a page that may be asked for only a few times,
// compressed as fast as a page rendered per request is.
func NewPageFast(contentType string, body []byte) *Page {
	var gz bytes.Buffer
	zw := fastGzips.Get().(*kgzip.Writer)
	zw.Reset(&gz)
	zw.Write(body)
	zw.Close()
	fastGzips.Put(zw)
	return finishPage(contentType, body, gz.Bytes())
}

// Bytes is how much memory the page's body holds, as kept.
func (p *Page) Bytes() int {
	return len(p.gzipped) + len(p.raw) + len(p.etag) + len(p.contentType)
}

func finishPage(contentType string, body, gzipped []byte) *Page {
	return (&Page{contentType: contentType, gzipped: bytes.Clone(gzipped), size: len(body), etag: ETag(body)}).buildHeaders()
}

// ServeHTTP sends the page, gzipped when the client accepts it. The
// compression middleware passes a response that already has a
// Content-Encoding through.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = p.headers.contentType
	h["Etag"] = p.headers.etag
	if p.raw == nil {
		if _, ok := h["Vary"]; ok {
			h.Add("Vary", "Accept-Encoding")
		} else {
			h["Vary"] = varyAcceptEncoding
		}
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && ETagMatches(inm, p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if p.raw != nil {
		h["Content-Length"] = p.headers.length
		w.WriteHeader(http.StatusOK)
		w.Write(p.raw)
		return
	}
	if AcceptsGzip(r) {
		h["Content-Encoding"] = gzipEncodingValue
		h["Content-Length"] = p.headers.length
		w.WriteHeader(http.StatusOK)
		w.Write(p.gzipped)
		return
	}
	g := gunzippers.Get().(*gunzipper)
	defer gunzippers.Put(g)
	if err := g.zr.Reset(bytes.NewReader(p.gzipped)); err != nil {
		panic(err) // we wrote these bytes ourselves
	}
	h["Content-Length"] = p.headers.uncompressedLength
	w.WriteHeader(http.StatusOK)
	io.CopyBuffer(w, &g.zr, g.buf[:])
}

// gunzipper decompresses kept pages for the few clients without gzip,
// reusing its decoder and buffer.
type gunzipper struct {
	zr  gzip.Reader
	buf [8 << 10]byte
}

var gunzippers = sync.Pool{New: func() any { return new(gunzipper) }}

// Kept holds pages under keys of type K, within a limit on how many and
// on how many bytes (the pages' and the keys'): a key a client chooses (a
// share link on the Host it names) can make it churn, never grow. The key
// type is the page's whole identity: a page must be made from its key
// alone, so a key type that cannot hold a visitor's data keeps one
// visitor's page from being shown to another.
//
// A full cache makes room by dropping the oldest page that is not pinned.
// Pinned pages (every visitor's first view of something, a known set) are
// never dropped, but count against the limits like any other: when pinned
// pages fill the cache, a new page is served without being kept. Pages can
// belong to a group (a stored record's id), and a whole group is forgotten
// at once when its record goes.
type Kept[K comparable] struct {
	mu       sync.Mutex
	limit    int
	maxBytes int
	bytes    int              // held now: pages and keys
	keyBytes func(K) int      // a key's own size, for keys that hold strings
	lifetime time.Duration    // 0: a page is kept until dropped or forgotten
	now      func() time.Time // for lifetime
	pages    map[K]keptEntry
	order    []K // oldest first
	// forgets counts Forget calls, so a page made from a record read before
	// a forget is not kept after it.
	forgets uint64
}

type keptEntry struct {
	page   *Page
	pinned bool
	group  int64
	kept   time.Time // when, for lifetime
	cost   int       // bytes it holds, key included
}

// keptEntryOverhead is what an entry costs beyond its bytes: the map slot,
// the order slot and the Page header, roughly.
const keptEntryOverhead = 128

// NewKept makes a cache of at most limit pages and maxBytes bytes.
func NewKept[K comparable](limit, maxBytes int) *Kept[K] {
	return &Kept[K]{limit: limit, maxBytes: maxBytes, pages: make(map[K]keptEntry)}
}

// WithKeyBytes counts each key's size (its strings) against the byte
// limit: for a key that holds something a request names.
func (k *Kept[K]) WithKeyBytes(size func(K) int) *Kept[K] {
	k.keyBytes = size
	return k
}

// WithLifetime makes pages expire d after they were kept, by now: for
// pages of records that another process may delete, which this process
// would not hear of.
func (k *Kept[K]) WithLifetime(d time.Duration, now func() time.Time) *Kept[K] {
	k.lifetime, k.now = d, now
	return k
}

// Get returns the page kept under key, or nil.
func (k *Kept[K]) Get(key K) *Page {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.pages[key]
	if e.page != nil && k.lifetime > 0 && k.now().Sub(e.kept) >= k.lifetime {
		return nil
	}
	return e.page
}

// Generation is read before the record a page is made from, and given back
// to Keep, which keeps nothing when a group was forgotten in between.
func (k *Kept[K]) Generation() uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.forgets
}

// Keep stores p under key in group (0 for none), unless a forget happened
// since gen. A full cache drops its oldest unpinned pages first; when that
// cannot make room (every page pinned, or p alone larger than the byte
// limit), p is not kept.
func (k *Kept[K]) Keep(key K, p *Page, pinned bool, group int64, gen uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if gen != k.forgets {
		return
	}
	var at time.Time
	if k.lifetime > 0 {
		at = k.now()
	}
	e := keptEntry{page: p, pinned: pinned, group: group, kept: at, cost: k.cost(key, p)}
	if old, ok := k.pages[key]; ok {
		k.remove(key, old)
	}
	for len(k.pages) >= k.limit || k.bytes+e.cost > k.maxBytes {
		if !k.dropOldest() {
			return
		}
	}
	k.pages[key] = e
	k.order = append(k.order, key)
	k.bytes += e.cost
}

// cost is the bytes an entry holds: its page, its key, and the overhead.
func (k *Kept[K]) cost(key K, p *Page) int {
	n := p.Bytes() + keptEntryOverhead
	if k.keyBytes != nil {
		n += k.keyBytes(key)
	}
	return n
}

// remove takes key's entry out of the map and the order.
func (k *Kept[K]) remove(key K, e keptEntry) {
	delete(k.pages, key)
	k.bytes -= e.cost
	if i := slices.Index(k.order, key); i >= 0 {
		k.order = slices.Delete(k.order, i, i+1)
	}
}

// dropOldest removes the oldest unpinned page, reporting whether there was one.
func (k *Kept[K]) dropOldest() bool {
	for i, key := range k.order {
		if e := k.pages[key]; !e.pinned {
			delete(k.pages, key)
			k.bytes -= e.cost
			k.order = slices.Delete(k.order, i, i+1)
			return true
		}
	}
	return false
}

// Forget drops every page of group.
func (k *Kept[K]) Forget(group int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forgets++
	k.order = slices.DeleteFunc(k.order, func(key K) bool {
		if e := k.pages[key]; e.group == group {
			delete(k.pages, key)
			k.bytes -= e.cost
			return true
		}
		return false
	})
}

// ForgetAll drops every page.
func (k *Kept[K]) ForgetAll() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forgets++
	clear(k.pages)
	k.order = k.order[:0]
	k.bytes = 0
}

// Len is how many pages are kept.
func (k *Kept[K]) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.pages)
}

// Size is how many bytes the kept pages and their keys hold.
func (k *Kept[K]) Size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.bytes
}
