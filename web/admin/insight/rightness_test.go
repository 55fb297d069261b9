package insight_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// TestRightnessWithAnIntervalOnceThereAreEnoughCalls: per outcome and per
// rule, the dashboard gives the share right with its 95% Wilson interval
// from minCallsToJudge calls on, and says plainly when there are fewer.
func TestRightnessWithAnIntervalOnceThereAreEnoughCalls(t *testing.T) {
	s := mustStart(t, nil)
	fit := reviewtest.ExampleAnswers(t, s.q, assessment.BookACall)
	pm := reviewtest.ExampleAnswers(t, s.q, assessment.HireAPM)
	record := func(a *assessment.Assessment, verdict assessment.Verdict, needed string) {
		t.Helper()
		stored, err := s.store.FindAssessment(t.Context(), a.Token)
		if err != nil {
			t.Fatal(err)
		}
		c := assessment.Calibration{AssessmentID: stored.ID, Verdict: verdict, Needed: needed, RecordedAt: time.Now().UTC()}
		if err := s.store.RecordCalibration(t.Context(), c); err != nil {
			t.Fatalf("RecordCalibration(%+v) = %v", c, err)
		}
	}
	// Twelve calls on book-a-call: nine were a fit, three needed a PM.
	for i := range 12 {
		a := reviewtest.Submit(t, s.store, s.q, fit, assessment.Contact{}, time.Now().UTC())
		if i < 9 {
			record(a, assessment.VerdictFit, "")
		} else {
			record(a, assessment.VerdictNotFit, assessment.HireAPM)
		}
	}
	// Two on hire-a-pm, both right.
	for range 2 {
		record(reviewtest.Submit(t, s.store, s.q, pm, assessment.Contact{}, time.Now().UTC()), assessment.VerdictNotFit, assessment.HireAPM)
	}
	dash := s.newVisitor().Get("/admin/dashboard")
	lastCell := func(testID string) string {
		t.Helper()
		row := reviewtest.ByTestID(dash.Doc, testID)
		if row == nil {
			t.Fatalf("no row %s on the dashboard", testID)
		}
		var last string
		reviewtest.Walk(row, func(n *html.Node) bool {
			if n.Data == "td" {
				last = reviewtest.TextOf(n)
			}
			return true
		})
		return last
	}
	if got, want := lastCell("confusion-"+assessment.BookACall), "75% right (47%–91%, 9 of 12)"; got != want {
		t.Errorf("book-a-call rules right = %q, want %q", got, want)
	}
	if got, want := lastCell("confusion-"+assessment.HireAPM), "2 of 2 · too few calls to judge"; got != want {
		t.Errorf("hire-a-pm rules right = %q, want %q", got, want)
	}
	fitRule := rules.Evaluate(s.q, fit).Rule
	if got, want := lastCell("rule-"+fitRule), "75% right (47%–91%, 9 of 12)"; got != want {
		t.Errorf("rule %s right = %q, want %q", fitRule, got, want)
	}
	pmRule := rules.Evaluate(s.q, pm).Rule
	if got := lastCell("rule-" + pmRule); !strings.Contains(got, "too few calls to judge") {
		t.Errorf("rule %s right = %q, want too few calls to judge", pmRule, got)
	}
}
