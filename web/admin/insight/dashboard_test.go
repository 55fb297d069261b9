package insight_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// TestCalibrationOnTheDashboard: what the owner records after each call
// (desk.TestDeskBriefAndCalibration records it) is counted against what the
// rules predicted.
func TestCalibrationOnTheDashboard(t *testing.T) {
	s := mustStart(t, nil)
	for _, ex := range s.q.Examples {
		reviewtest.Submit(t, s.store, s.q, ex.Answers, assessment.Contact{}, time.Now().UTC())
	}
	v := s.newVisitor()
	record := func(id string, verdict assessment.Verdict, needed string) {
		t.Helper()
		n, _ := strconv.ParseInt(id, 10, 64)
		c := assessment.Calibration{AssessmentID: n, Verdict: verdict, Needed: needed, RecordedAt: time.Now().UTC()}
		if err := s.store.RecordCalibration(t.Context(), c); err != nil {
			t.Fatalf("RecordCalibration(%+v) = %v", c, err)
		}
	}
	byOutcome := map[string][]string{}
	for i, ex := range s.q.Examples {
		byOutcome[ex.Expect] = append(byOutcome[ex.Expect], strconv.Itoa(i+1))
	}
	fit, pm := byOutcome[assessment.BookACall], byOutcome[assessment.HireAPM]
	record(fit[0], assessment.VerdictFit, "")                    // book-a-call, right
	record(fit[1], assessment.VerdictNotFit, assessment.HireAPM) // book-a-call, wrong
	record(pm[0], assessment.VerdictNotFit, assessment.HireAPM)  // hire-a-pm, right
	record(pm[1], assessment.VerdictNoCall, "")
	dash := v.Get("/admin/dashboard")
	cells := func(outcome string) []string {
		var out []string
		reviewtest.Walk(reviewtest.ByTestID(dash.Doc, "confusion-"+outcome), func(n *html.Node) bool {
			if n.Data == "td" {
				out = append(out, reviewtest.TextOf(n))
			}
			return true
		})
		return out
	}
	// Columns: a fit, needed narrow-scope, hire-a-pm, different-conversation, hire-full-time, no call, right.
	// Two calls are far too few to judge: the share is not given.
	if got, want := strings.Join(cells(assessment.BookACall), ","), "1,0,1,0,0,0,1 of 2 · too few calls to judge"; got != want {
		t.Errorf("book-a-call row = %s, want %s", got, want)
	}
	if got, want := strings.Join(cells(assessment.HireAPM), ","), "0,0,1,0,0,1,1 of 1 · too few calls to judge"; got != want {
		t.Errorf("hire-a-pm row = %s, want %s (one right, one without a call)", got, want)
	}
	if got := reviewtest.TextOf(reviewtest.ByTestID(dash.Doc, "waiting")); !strings.HasPrefix(strings.TrimSpace(got), "0") {
		t.Errorf("waiting = %q, want 0 (nobody consented)", got)
	}
}
