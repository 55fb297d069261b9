package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	kgzip "github.com/klauspost/compress/gzip"
)

// Pages that are the same for every visitor without a session are rendered
// once and kept as finished bytes: the landing page (it depends only on the
// questionnaire in force) and each stored result's shared view (a stored
// result never changes). Visitors with a session cookie still get pages
// rendered for them, so a result's owner sees their own controls.

// cachedPage is a finished response, kept gzipped (at the best ratio, once)
// because nearly every client accepts gzip; the few that do not get it
// decompressed as it is sent. Kept gzipped, a result page takes 3 KB
// rather than 15.
type cachedPage struct {
	contentType string
	gzipped     []byte
	size        int // of the body before compression
	etag        string
}

// newCachedPage keeps a page that is asked for again and again (the
// landing page, a shared result), compressed at the best ratio once.
func newCachedPage(contentType string, body []byte) *cachedPage {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	return finishCachedPage(contentType, body, gz.Bytes())
}

// newCachedPageFast keeps a page that may be asked for only a few times (a
// step with uncommon choices), compressed as fast as a page rendered per
// request is.
func newCachedPageFast(contentType string, body []byte) *cachedPage {
	var gz bytes.Buffer
	zw := fastGzips.Get().(*kgzip.Writer)
	zw.Reset(&gz)
	zw.Write(body)
	zw.Close()
	fastGzips.Put(zw)
	return finishCachedPage(contentType, body, gz.Bytes())
}

func finishCachedPage(contentType string, body, gzipped []byte) *cachedPage {
	// The same ETag writeBody would give, so a page keeps its ETag whether
	// it was rendered for this request or came from the cache.
	sum := sha256.Sum256(body)
	return &cachedPage{contentType: contentType, gzipped: bytes.Clone(gzipped), size: len(body),
		etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// serve sends the page, gzipped when the client accepts it. The compression
// middleware passes a response that already has a Content-Encoding through.
func (p *cachedPage) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", p.contentType)
	h.Set("ETag", p.etag)
	h.Add("Vary", "Accept-Encoding")
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(p.gzipped)))
		w.WriteHeader(http.StatusOK)
		w.Write(p.gzipped)
		return
	}
	g := gunzippers.Get().(*gunzipper)
	defer gunzippers.Put(g)
	if err := g.zr.Reset(bytes.NewReader(p.gzipped)); err != nil {
		panic(err) // we wrote these bytes ourselves
	}
	h.Set("Content-Length", strconv.Itoa(p.size))
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

// acceptsGzip reads Accept-Encoding, honouring "gzip;q=0" as a refusal.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// hasSession reports whether the request carries a session cookie, valid
// or not. Without one, the visitor cannot own a draft or a result.
func hasSession(r *http.Request) bool {
	_, err := r.Cookie(sessionName)
	return err == nil
}

// renderBytes renders a component whole, for pages that are kept.
func renderBytes(ctx context.Context, c templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		return nil, fmt.Errorf("render page: %w", err)
	}
	return buf.Bytes(), nil
}

// Result pages kept at most: enough for every result being shared at
// once on a small site, and a few MB at most.
const (
	resultCacheSize = 256
	// resultCacheTTL bounds how long a result removed without the web
	// layer knowing (the retention sweep) can still be served.
	resultCacheTTL = time.Minute
)

// sharedResult is a result's page (or JSON) as everyone but its owner sees
// it, from the cache or rendered and kept. The key holds the share link the
// page shows, which depends on the host when there is no -base-url.
func (s *Server) sharedResult(r *http.Request, token string, asJSON bool) (*cachedPage, error) {
	key := s.absoluteURL(r, resultURL(token))
	if asJSON {
		key += ".json"
	}
	if p := s.cache.result(key, s.now()); p != nil {
		return p, nil
	}
	gen := s.cache.generation()
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return nil, err
	}
	var p *cachedPage
	if asJSON {
		body, err := json.MarshalIndent(resultJSON(a), "", "  ")
		if err != nil {
			return nil, err
		}
		p = newCachedPage("application/json; charset=utf-8", append(body, '\n'))
	} else {
		q := s.questionnaireFor(r.Context(), a.QuestionnaireVersion)
		body, err := renderBytes(r.Context(), resultPage(s.resultView(r, q, a)))
		if err != nil {
			return nil, err
		}
		p = newCachedPage("text/html; charset=utf-8", body)
	}
	s.cache.keepResult(key, a.ID, p, gen, s.now())
	return p, nil
}

// pageCache holds the kept pages. Its zero value is ready to use.
type pageCache struct {
	mu      sync.Mutex
	landing *cachedPage
	steps   map[string]keptStep // see stepcache.go
	results map[string]resultEntry
	// deletions counts forgetResult calls, so a page read from the store
	// before a deletion is not kept after it.
	deletions uint64
}

type resultEntry struct {
	page    *cachedPage
	id      int64 // the assessment's, so deleting it forgets its pages
	expires time.Time
}

// landingPage returns the kept landing page, rendering it on first use.
func (c *pageCache) landingPage(ctx context.Context, page func() templ.Component) (*cachedPage, error) {
	c.mu.Lock()
	p := c.landing
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	body, err := renderBytes(ctx, page())
	if err != nil {
		return nil, err
	}
	p = newCachedPage("text/html; charset=utf-8", body)
	c.mu.Lock()
	c.landing = p
	c.mu.Unlock()
	return p, nil
}

// result returns the kept page under key, if it has not expired.
func (c *pageCache) result(key string, now time.Time) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.results[key]
	if !ok || now.After(e.expires) {
		return nil
	}
	return e.page
}

// generation is taken before reading a result from the store, and given
// back to keepResult.
func (c *pageCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deletions
}

// keepResult keeps a page of assessment id under key, unless a result was
// deleted since gen, making room first when the cache is full: expired
// pages go, then one arbitrary page.
func (c *pageCache) keepResult(key string, id int64, p *cachedPage, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.deletions {
		return
	}
	if c.results == nil {
		c.results = map[string]resultEntry{}
	}
	if len(c.results) >= resultCacheSize {
		for k, e := range c.results {
			if now.After(e.expires) {
				delete(c.results, k)
			}
		}
		for k := range c.results {
			if len(c.results) < resultCacheSize {
				break
			}
			delete(c.results, k)
		}
	}
	c.results[key] = resultEntry{page: p, id: id, expires: now.Add(resultCacheTTL)}
}

// forgetResult drops every kept page of an assessment, when it is deleted.
func (c *pageCache) forgetResult(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deletions++
	for k, e := range c.results {
		if e.id == id {
			delete(c.results, k)
		}
	}
}
