package web_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestBrowserWhereAFounderStands: a result with "Among founders who took
// this" shown (the content's minimum of comparable results reached) passes
// the page checks in Chromium on a phone and a desktop: axe-core, no
// sideways scroll, and the section on screen with one line per criterion.
// It is the shared view, which carries the same section as the founder's
// own page, so no journey is walked to reach it.
func TestBrowserWhereAFounderStands(t *testing.T) {
	mustBrowser(t)
	content := bytes.Replace(assessment.DefaultContent, []byte("  minimum: 30\n"), []byte("  minimum: 10\n"), 1)
	if bytes.Equal(content, assessment.DefaultContent) {
		t.Fatal("the default content's benchmarks section moved: update this test's replacement")
	}
	s := mustStartAt(t, filepath.Join(t.TempDir(), "fitcheck.db"), content)
	var shown *assessment.Assessment
	for i := range 10 {
		a := s.storeResult(s.q.Examples[i%len(s.q.Examples)].Answers, false)
		if shown == nil {
			shown = a
		}
	}
	for _, m := range []mode{mobileMode, desktopMode} {
		tb := newTab(t, s, m)
		tb.shotPrefix = "benchmark-"
		tb.open("/r/" + shown.Token)
		if !tb.exists(`[data-testid=benchmark]`) {
			t.Fatalf("%s: with the minimum of 10 results stored, the result does not show where the founder stands (at %s)", m.name, tb.where())
		}
		if lines, want := eval[int](tb, `document.querySelectorAll('[data-testid=benchmark] li').length`), len(shown.Result.Criteria); lines != want {
			t.Errorf("%s: %d lines among founders, want one per criterion (%d)", m.name, lines, want)
		}
		tb.checkPage("result-shared")
	}
}
