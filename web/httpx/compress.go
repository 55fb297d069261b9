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

	"github.com/klauspost/compress/gzip"
)

// dynamicGzipLevel is how hard pages made per request (steps, the review
// area) are compressed. klauspost's fastest level compresses a step page
// in about a third of the time the standard library's level 5 takes, for
// about 7% more bytes (1.38 KB rather than 1.29 KB): on a busy server the
// CPU is worth more than the 90 bytes. Pages that are the same for
// everyone are compressed once, hard (kept.go).
const dynamicGzipLevel = gzip.BestSpeed

// Compress gzips responses of the given content types for clients that
// accept gzip ("gzip;q=0" is a refusal), with github.com/klauspost/compress,
// which produces the same format two to three times faster than
// compress/gzip. It replaces chi's Compressor and the refusal check that
// had to sit in front of it, for three reasons measured on the kept pages
// (docs/performance.md): a response that arrives already compressed (every
// kept page) costs one look at Accept-Encoding and a pooled wrapper,
// nothing more; a client that does not accept gzip gets the handler's own
// writer; and an encoder is taken from its pool only when a response is
// really compressed, so one held while a handler waits on the database
// does not multiply memory by the requests in flight.
func Compress(types ...string) func(http.Handler) http.Handler {
	compressible := make(map[string]bool, len(types))
	for _, t := range types {
		compressible[t] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !AcceptsGzip(r) {
				next.ServeHTTP(w, r)
				return
			}
			cw := gzipResponses.Get().(*gzipResponse)
			*cw = gzipResponse{ResponseWriter: w, types: compressible}
			defer func() {
				cw.close()
				*cw = gzipResponse{}
				gzipResponses.Put(cw)
			}()
			next.ServeHTTP(cw, r)
		})
	}
}

var gzipResponses = sync.Pool{New: func() any { return new(gzipResponse) }}

// gzipResponse compresses a response whose type is compressible and that
// is not compressed already; it decides when the header is written.
type gzipResponse struct {
	http.ResponseWriter
	types       map[string]bool
	gz          *gzip.Writer // taken from fastGzips on the first Write of a compressed body
	wroteHeader bool
	compress    bool
}

func (g *gzipResponse) WriteHeader(status int) {
	if g.wroteHeader {
		g.ResponseWriter.WriteHeader(status)
		return
	}
	g.wroteHeader = true
	h := g.ResponseWriter.Header()
	contentType, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	if h.Get("Content-Encoding") == "" && g.types[contentType] {
		g.compress = true
		h["Content-Encoding"] = gzipEncodingValue
		h.Add("Vary", "Accept-Encoding")
		h.Del("Content-Length") // of the body before compression
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipResponse) Write(p []byte) (int, error) {
	if !g.wroteHeader {
		g.WriteHeader(http.StatusOK)
	}
	if !g.compress {
		return g.ResponseWriter.Write(p)
	}
	if g.gz == nil {
		g.gz = fastGzips.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	return g.gz.Write(p)
}

// Flush sends what is buffered, for handlers that stream.
func (g *gzipResponse) Flush() {
	if g.gz != nil {
		g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// close ends a compressed stream and returns its encoder; a compressed
// response with no body still gets a valid (empty) gzip stream.
func (g *gzipResponse) close() {
	switch {
	case g.gz != nil:
		g.gz.Close()
		fastGzips.Put(g.gz)
	case g.compress:
		g.ResponseWriter.Write(emptyGzip)
	}
}

// emptyGzip is a complete gzip stream of nothing, as dynamicGzipLevel
// writes it.
var emptyGzip = func() []byte {
	var b bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&b, dynamicGzipLevel)
	gz.Close()
	return b.Bytes()
}()

// fastGzips are encoders at dynamicGzipLevel, shared by the compression
// middleware and the pages kept after one request (kept.go).
var fastGzips = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(io.Discard, dynamicGzipLevel)
	return gz
}}

// AcceptsGzip reads Accept-Encoding, honouring "gzip;q=0" as a refusal.
// It is asked on every request, so it reads the header in place rather
// than splitting it.
func AcceptsGzip(r *http.Request) bool {
	rest := r.Header.Get("Accept-Encoding")
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
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
