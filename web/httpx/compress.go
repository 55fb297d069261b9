// Package httpx is HTTP plumbing that knows nothing of fitcheck: security
// headers, request logging, panics, body and rate limits, client addresses,
// static files, compression, and pages kept as finished bytes.
package httpx

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzip"
)

// dynamicGzipLevel is how hard pages made per request (steps, the review
// area) are compressed. klauspost's fastest level compresses a step page
// in about a third of the time the standard library's level 5 takes, for
// about 7% more bytes (1.38 KB rather than 1.29 KB): on a busy server the
// CPU is worth more than the 90 bytes. Pages that are the same for
// everyone are compressed once, hard (kept.go).
const dynamicGzipLevel = gzip.BestSpeed

// NewCompressor is chi's compression middleware with two changes: it
// gzips with github.com/klauspost/compress, which produces the same format
// two to three times faster than compress/gzip, and an encoder is taken
// from its pool only when a response is really compressed. chi takes and
// resets one for every request that accepts gzip, before the handler runs;
// an encoder held while a handler waits on the database multiplies memory
// by the requests in flight, and responses that arrive already compressed
// (kept pages) now cost nothing here.
func NewCompressor(types ...string) *middleware.Compressor {
	c := middleware.NewCompressor(dynamicGzipLevel, types...)
	var empty bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&empty, dynamicGzipLevel)
	gz.Close()
	c.SetEncoder("gzip", func(w io.Writer, _ int) io.Writer {
		return &lazyGzip{dst: w, pool: &fastGzips, empty: empty.Bytes()}
	})
	return c
}

// fastGzips are encoders at dynamicGzipLevel, shared by the compression
// middleware and the pages kept after one request (kept.go).
var fastGzips = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(io.Discard, dynamicGzipLevel)
	return gz
}}

// lazyGzip is a gzip stream whose encoder is fetched on the first Write.
type lazyGzip struct {
	dst   io.Writer
	pool  *sync.Pool
	gz    *gzip.Writer
	empty []byte // a complete gzip stream of nothing
}

// Reset points the stream at a new response; chi calls it per request.
func (l *lazyGzip) Reset(w io.Writer) {
	l.dst, l.gz = w, nil
}

func (l *lazyGzip) Write(p []byte) (int, error) {
	if l.gz == nil {
		l.gz = l.pool.Get().(*gzip.Writer)
		l.gz.Reset(l.dst)
	}
	return l.gz.Write(p)
}

// Flush sends what is buffered, for handlers that stream.
func (l *lazyGzip) Flush() error {
	if l.gz == nil {
		return nil
	}
	return l.gz.Flush()
}

// Close ends the stream and returns the encoder to its pool. A compressed
// response with no body still gets a valid (empty) gzip stream.
func (l *lazyGzip) Close() error {
	if l.gz == nil {
		_, err := l.dst.Write(l.empty)
		return err
	}
	err := l.gz.Close()
	l.pool.Put(l.gz)
	l.gz = nil
	return err
}

// HonourGzipRefusal turns "gzip;q=0" into a plain refusal before chi's
// compressor, which looks for the word gzip and would otherwise compress
// for a client that said it cannot take it.
func HonourGzipRefusal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !AcceptsGzip(r) && strings.Contains(strings.ToLower(r.Header.Get("Accept-Encoding")), "gzip") {
			r.Header.Set("Accept-Encoding", "identity")
		}
		next.ServeHTTP(w, r)
	})
}

// AcceptsGzip reads Accept-Encoding, honouring "gzip;q=0" as a refusal.
func AcceptsGzip(r *http.Request) bool {
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
