package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"

	"github.com/go-chi/chi/v5/middleware"
)

// newCompressor is chi's compression middleware with one change: a gzip
// encoder is taken from its pool only when a response is really compressed.
// chi takes and resets one for every request that accepts gzip, before the
// handler runs. Resetting a level-5 encoder clears 640 KB of hash tables,
// which costs more than serving a cached page, and an encoder held while
// a handler waits on the database multiplies memory by the requests in
// flight. Responses that arrive already compressed (cached pages) now cost
// nothing here.
func newCompressor(level int, types ...string) *middleware.Compressor {
	c := middleware.NewCompressor(level, types...)
	pool := &sync.Pool{New: func() any {
		gz, _ := gzip.NewWriterLevel(io.Discard, level)
		return gz
	}}
	var empty bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&empty, level)
	gz.Close()
	c.SetEncoder("gzip", func(w io.Writer, _ int) io.Writer {
		return &lazyGzip{dst: w, pool: pool, empty: empty.Bytes()}
	})
	return c
}

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
