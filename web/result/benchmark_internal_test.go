package result

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestBenchmarksAreCountedOncePerLifetime: a version's figures are counted
// once and used until the lifetime has passed; then counted again, with a
// new generation (so kept shared views are made again). A failed count
// shows nothing and is tried again on the next page.
func TestBenchmarksAreCountedOncePerLifetime(t *testing.T) {
	counts := map[string]int{}
	fail := false
	count := func(_ context.Context, version string) (assessment.Benchmark, error) {
		if fail {
			return assessment.Benchmark{}, errors.New("database away")
		}
		counts[version]++
		return assessment.Benchmark{Version: version, Count: counts[version]}, nil
	}
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b := newBenchmarks(count, time.Minute, slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.now = func() time.Time { return clock }

	first, _ := b.of(t.Context(), "v1")
	gen := b.Generation()
	clock = clock.Add(59 * time.Second)
	again, _ := b.of(t.Context(), "v1")
	if counts["v1"] != 1 || again.Count != first.Count || b.Generation() != gen {
		t.Errorf("within the lifetime: counted %d times, generation %d → %d; want once, unchanged", counts["v1"], gen, b.Generation())
	}
	b.of(t.Context(), "v2")
	if counts["v2"] != 1 || counts["v1"] != 1 {
		t.Errorf("another version: counts %v, want v2 counted on its own", counts)
	}
	clock = clock.Add(time.Minute)
	gen = b.Generation()
	if later, _ := b.of(t.Context(), "v1"); later.Count != 2 || b.Generation() == gen {
		t.Errorf("past the lifetime: %+v, generation %d; want counted again and a new generation", later, b.Generation())
	}
	clock = clock.Add(time.Hour)
	fail = true
	if _, ok := b.of(t.Context(), "v1"); ok {
		t.Error("a failed count is used")
	}
	fail = false
	if _, ok := b.of(t.Context(), "v1"); !ok || counts["v1"] != 3 {
		t.Errorf("after a failed count: counted %d times, want it tried again", counts["v1"])
	}
}
