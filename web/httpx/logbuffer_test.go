package httpx_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/web/httpx"
)

// openLog is a log file as the server writes it, and a way to read what is
// on disk.
func openLog(t *testing.T) (*os.File, func() string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fitcheck.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, func() string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// TestLogBufferWritesWarningsAtOnce: a warning is on disk when the call
// that logs it returns, with every line logged before it; INFO lines wait
// for the buffer, and Close writes them out.
func TestLogBufferWritesWarningsAtOnce(t *testing.T) {
	f, onDisk := openLog(t)
	buf := httpx.NewLogBuffer(f, time.Hour) // the timer never fires in this test
	log := slog.New(buf.Handler(slog.NewTextHandler(buf, nil))).With(slog.String("app", "fitcheck"))
	log.Info("request", slog.String("route", "/"))
	if got := onDisk(); got != "" {
		t.Fatalf("an INFO line went to disk before any flush: %q", got)
	}
	log.Warn("disk nearly full")
	got := onDisk()
	if !strings.Contains(got, "disk nearly full") || !strings.Contains(got, "route=/") {
		t.Fatalf("after a warning the log holds %q, want the warning and the line before it", got)
	}
	log.Info("request", slog.String("route", "/r/{token}"))
	if strings.Contains(onDisk(), "/r/{token}") {
		t.Fatal("an INFO line after the warning went to disk before any flush")
	}
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(onDisk(), "route=/r/{token}") {
		t.Errorf("Close left an INFO line unwritten: %q", onDisk())
	}
	log.Info("after close")
	if !strings.Contains(onDisk(), "after close") {
		t.Error("a line logged after Close was not written at once")
	}
}

// TestLogBufferFlushesOnItsTimer: an INFO line reaches the disk without a
// warning or Close, within the interval (polled with a deadline far longer
// than the interval, so a loaded machine cannot fail it).
func TestLogBufferFlushesOnItsTimer(t *testing.T) {
	f, onDisk := openLog(t)
	buf := httpx.NewLogBuffer(f, 10*time.Millisecond)
	defer buf.Close()
	slog.New(buf.Handler(slog.NewTextHandler(buf, nil))).Info("request", slog.String("route", "/step/{n}"))
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(onDisk(), "/step/{n}"); {
		if time.Now().After(deadline) {
			t.Fatal("the INFO line was not written by the buffer's timer within 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkRequestLogLine is one request line as LogRequests logs it, to a
// file: straight (one write(2) a line) and through a LogBuffer.
func BenchmarkRequestLogLine(b *testing.B) {
	path := filepath.Join(b.TempDir(), "fitcheck.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := httpx.NewLogBuffer(f, 100*time.Millisecond)
	defer buf.Close()
	for name, log := range map[string]*slog.Logger{
		"file":     slog.New(slog.NewTextHandler(f, nil)),
		"buffered": slog.New(buf.Handler(slog.NewTextHandler(buf, nil))),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(b.Context(), slog.LevelInfo, "request",
					slog.String("request_id", "0123456789abcdef"), slog.String("method", "GET"),
					slog.String("route", "/r/{token}"), slog.Int("status", 200), slog.Int("bytes", 3900),
					slog.Duration("duration", 41*time.Microsecond))
			}
		})
	}
}
