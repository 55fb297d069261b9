package httpx

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// LogBuffer holds log lines in memory and writes them to the log together:
// every interval, when it holds logBufferLimit bytes, at once after a
// record at WARN or above (through Handler), and at Close. One request line
// per write(2) was about a tenth of a kept page's server CPU
// (docs/performance.md); buffered, a crash loses at most one interval of
// INFO lines, never a warning or an error.
type LogBuffer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	closed bool // lines go out at once
}

// logBufferLimit is how much a LogBuffer holds before it writes at once:
// about 400 request lines, well under what 100 ms of a busy server logs.
const logBufferLimit = 64 << 10

// NewLogBuffer buffers w, writing out every interval until Close.
func NewLogBuffer(w io.Writer, interval time.Duration) *LogBuffer {
	b := &LogBuffer{w: w, buf: make([]byte, 0, logBufferLimit), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

func (b *LogBuffer) flushEvery(interval time.Duration) {
	defer close(b.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			b.Flush()
		case <-b.stop:
			return
		}
	}
}

// Write keeps a copy of p (a handler reuses its buffer) to be written out
// with the next flush.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBufferLimit {
		return len(p), b.flushLocked()
	}
	return len(p), nil
}

// Flush writes out what is held.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *LogBuffer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// Close stops the timer and writes out what is held. Lines written after
// Close go out at once.
func (b *LogBuffer) Close() error {
	b.once.Do(func() {
		close(b.stop)
		<-b.done
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.flushLocked()
}

// Handler wraps h, which writes to b, so that a record at WARN or above is
// written out with everything before it as soon as it is logged.
func (b *LogBuffer) Handler(h slog.Handler) slog.Handler {
	return flushOnWarn{h, b}
}

type flushOnWarn struct {
	slog.Handler
	buf *LogBuffer
}

func (f flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := f.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := f.buf.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (f flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{f.Handler.WithAttrs(attrs), f.buf}
}

func (f flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{f.Handler.WithGroup(name), f.buf}
}
