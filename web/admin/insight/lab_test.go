package insight_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

func TestRulesLab(t *testing.T) {
	s := mustStart(t, nil)
	for _, outcome := range []string{assessment.BookACall, assessment.HireAPM, assessment.HireAPM} {
		s.submitted(outcome, assessment.Contact{})
	}
	v := s.newVisitor()
	if p := v.Get("/admin/lab"); p.Status != http.StatusOK || reviewtest.FindForm(p.Doc, "/admin/lab") == nil {
		t.Fatalf("GET /admin/lab = %d, want the form", p.Status)
	}

	t.Run("a bad file lists its problems by line", func(t *testing.T) {
		p := v.Post("/admin/lab", url.Values{"content": {"title: x\nsummary: y\nminutes: 3\nsteps: []\n"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("lab with a bad file = %d, want 422", p.Status)
		}
		if got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "problems")); !strings.Contains(got, "Line 4") || !strings.Contains(got, "steps is missing") {
			t.Errorf("problems = %q, want line 4: steps is missing", got)
		}
	})

	t.Run("a changed rule shows what would move, uploaded as a file", func(t *testing.T) {
		// Fit before execution: the execution-first rule moved below clear-fit,
		// so a strong fit with nobody owning the hand-off books a call.
		changed := moveRule(t, string(assessment.DefaultContent), "execution-first", "mixed-fit")
		p := v.Upload("/admin/lab", "file", "candidate.yaml", []byte(changed))
		if p.Status != http.StatusOK {
			t.Fatalf("lab = %d:\n%s", p.Status, reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "problems")))
		}
		if got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "rescore-summary")); !strings.Contains(got, "2 of 3") {
			t.Errorf("re-score summary = %q, want 2 of 3 to change", got)
		}
		moves := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "moves"))
		if !strings.Contains(moves, "Hire a PM") || !strings.Contains(moves, "Book a call") {
			t.Errorf("moves = %q, want hire-a-PM → book-a-call", moves)
		}
		changedList := reviewtest.ByTestID(p.Doc, "changed")
		if reviewtest.FindLink(changedList, "/admin/a/2") == nil || reviewtest.FindLink(changedList, "/admin/a/3") == nil {
			t.Errorf("the changed rows do not link to assessments 2 and 3")
		}
		if got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "examples")); !strings.Contains(got, "Fails") {
			t.Errorf("examples = %q, want the hire-a-PM examples failing", got)
		}
		if reviewtest.ByTestID(p.Doc, "preview") == nil || !strings.Contains(reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "preview")), s.q.Steps[0].Title) {
			t.Errorf("no preview of the steps")
		}
	})

	t.Run("an example showing another tension fails, and says which", func(t *testing.T) {
		const pinned = "    expect: hire-a-pm\n    tension: none\n"
		if !strings.Contains(string(assessment.DefaultContent), pinned) {
			t.Fatal("no hire-a-pm example of the default pins no tension; update this test")
		}
		candidate := strings.Replace(string(assessment.DefaultContent), pinned, "    expect: hire-a-pm\n    tension: confirm-but-open\n", 1)
		p := v.Post("/admin/lab", url.Values{"content": {candidate}})
		if p.Status != http.StatusOK {
			t.Fatalf("lab = %d:\n%s", p.Status, reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "problems")))
		}
		got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "examples"))
		if want := "expected Hire a PM, tension confirm-but-open, got Hire a PM, tension none"; !strings.Contains(got, want) {
			t.Errorf("examples = %q, want %q", got, want)
		}
	})

	t.Run("renamed options are reported, not guessed", func(t *testing.T) {
		renamed := strings.ReplaceAll(string(assessment.DefaultContent), "push-harder", "ship-faster")
		p := v.Post("/admin/lab", url.Values{"content": {renamed}})
		if p.Status != http.StatusOK {
			t.Fatalf("lab with a renamed option = %d:\n%s", p.Status, reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "problems")))
		}
		got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "unmapped"))
		if !strings.Contains(got, `"tried" has no option "push-harder"`) || !strings.Contains(got, "3 assessments") {
			t.Errorf("unmapped = %q, want the renamed option reported", got)
		}
	})

	// Stored results never change.
	for i, want := range []string{assessment.BookACall, assessment.HireAPM, assessment.HireAPM} {
		a, err := s.store.FindAssessmentByID(t.Context(), int64(i+1))
		if err != nil || a.Result.Outcome != want {
			t.Errorf("assessment %d after the lab = %v, %v; want still %s", i+1, a.Result.Outcome, err, want)
		}
	}
}

// moveRule moves the rule id of a content file to just before the rule before.
func moveRule(t *testing.T, content, id, before string) string {
	t.Helper()
	start := strings.Index(content, "  - id: "+id+"\n")
	end := start + 1 + strings.Index(content[start+1:], "\n  - id: ")
	if start < 0 || end <= start {
		t.Fatalf("no rule %q in the content", id)
	}
	rule := content[start : end+1]
	rest := content[:start] + content[end+1:]
	at := strings.Index(rest, "  - id: "+before+"\n")
	if at < 0 {
		t.Fatalf("no rule %q in the content", before)
	}
	return rest[:at] + rule + rest[at:]
}

// TestLabRunsOneAtATime: while a check runs, another waits its turn (it
// runs after, never beside it); one that waited too long is answered 429,
// with the candidate kept in the form to send again.
func TestLabRunsOneAtATime(t *testing.T) {
	s := mustStart(t, nil)
	s.submitted(assessment.BookACall, assessment.Contact{})
	v := s.newVisitor()
	candidate := url.Values{"content": {string(assessment.DefaultContent)}}

	release := s.handler.HoldLab(50 * time.Millisecond)
	p := v.Post("/admin/lab", candidate)
	if p.Status != http.StatusTooManyRequests || reviewtest.ByTestID(p.Doc, "lab-busy") == nil || reviewtest.ByTestID(p.Doc, "rescore") != nil {
		t.Errorf("a check while another runs past the wait = %d, want 429 saying so, with no re-score", p.Status)
	}
	if !strings.Contains(p.Body, "owner:") {
		t.Errorf("the candidate was not kept in the form")
	}
	release()

	release = s.handler.HoldLab(time.Minute)
	done := make(chan int)
	go func() { done <- v.Post("/admin/lab", candidate).Status }()
	select {
	case st := <-done:
		t.Fatalf("a check while another runs was answered (%d) before the other ended; want it to wait its turn", st)
	case <-time.After(200 * time.Millisecond):
	}
	release()
	if st := <-done; st != http.StatusOK {
		t.Errorf("a check that waited its turn = %d, want 200", st)
	}
}

// TestLabTellsTheOwnerWhenItStopsEarly: a re-score that reaches its
// deadline answers with what it did and says it stopped, and how far it
// got.
func TestLabTellsTheOwnerWhenItStopsEarly(t *testing.T) {
	s := mustStart(t, nil)
	for range 3 {
		s.submitted(assessment.BookACall, assessment.Contact{})
	}
	s.handler.SetLabDeadline(0) // out of time before the first
	p := s.newVisitor().Post("/admin/lab", url.Values{"content": {string(assessment.DefaultContent)}})
	if p.Status != http.StatusOK {
		t.Fatalf("lab = %d, want 200", p.Status)
	}
	if got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "rescore-stopped")); !strings.Contains(got, "stopped") || !strings.Contains(got, "0 of 3") {
		t.Errorf("the lab says %q, want that it stopped after re-scoring 0 of 3", got)
	}
}
