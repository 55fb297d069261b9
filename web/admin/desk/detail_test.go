package desk_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/brief"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// TestDeskBriefAndCalibration: how the calibrations recorded here are
// counted on the dashboard is insight.TestCalibrationOnTheDashboard.
func TestDeskBriefAndCalibration(t *testing.T) {
	s := mustStart(t, nil)
	for _, ex := range s.q.Examples {
		reviewtest.Submit(t, s.store, s.q, ex.Answers, assessment.Contact{}, time.Now().UTC())
	}
	v := s.newVisitor()
	for i, ex := range s.q.Examples {
		id := strconv.Itoa(i + 1)
		want := brief.Build(s.q, ex.Answers, rules.Evaluate(s.q, ex.Answers))
		p := v.Get("/admin/a/" + id)
		if got := reviewtest.Texts(p.Doc, "ask"); len(got) != 1 {
			t.Fatalf("%s: %d question lists on the page, want 1", ex.Name, len(got))
		}
		asked := reviewtest.Items(reviewtest.ByTestID(p.Doc, "questions"), "")
		if strings.Join(asked, "|") != strings.Join(want.Questions, "|") {
			t.Errorf("%s: suggested questions = %q, want %q", ex.Name, asked, want.Questions)
		}
		tensions := reviewtest.Items(reviewtest.ByTestID(p.Doc, "tensions"), "data-id")
		var wantTensions []string
		for _, tn := range want.Tensions {
			wantTensions = append(wantTensions, tn.ID)
		}
		if strings.Join(tensions, ",") != strings.Join(wantTensions, ",") {
			t.Errorf("%s: tensions = %v, want %v", ex.Name, tensions, wantTensions)
		}
		// The status and the calibration are beside the brief, before the answers.
		if i := strings.Index(p.Body, `data-testid="status-control"`); i < 0 || i > strings.Index(p.Body, `id="answers-h"`) {
			t.Errorf("%s: the status control is not above the answers", ex.Name)
		}
		txt := v.Get("/admin/a/" + id + "/brief.txt")
		if txt.Status != http.StatusOK || !strings.HasPrefix(txt.Header.Get("Content-Type"), "text/plain") ||
			!strings.Contains(txt.Body, "Ask on the first call") || !strings.Contains(txt.Body, "Verdict: "+s.q.OutcomeLabel(ex.Expect)) {
			t.Errorf("%s: brief.txt = %d %q:\n%s", ex.Name, txt.Status, txt.Header.Get("Content-Type"), txt.Body)
		}
	}

	// Calibration: one click each.
	record := func(id string, form url.Values) {
		t.Helper()
		p := v.Post("/admin/a/"+id+"/calibration", form)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("calibrate %s %v = %d", id, form, p.Status)
		}
	}
	byOutcome := map[string][]string{}
	for i, ex := range s.q.Examples {
		byOutcome[ex.Expect] = append(byOutcome[ex.Expect], strconv.Itoa(i+1))
	}
	fit, pm := byOutcome[assessment.BookACall], byOutcome[assessment.HireAPM]
	record(fit[0], url.Values{"verdict": {"fit"}})                              // book-a-call, right
	record(fit[1], url.Values{"verdict": {"not-fit"}, "needed": {"hire-a-pm"}}) // book-a-call, wrong
	record(pm[0], url.Values{"verdict": {"not-fit"}, "needed": {"hire-a-pm"}})  // hire-a-pm, right
	record(pm[1], url.Values{"verdict": {"no-call"}})
	if p := v.Post("/admin/a/1/calibration", url.Values{"verdict": {"not-fit"}, "needed": {"book-a-call"}}); p.Status != http.StatusBadRequest {
		t.Errorf("not-fit needing book-a-call = %d, want 400", p.Status)
	}
	if got := reviewtest.TextOf(reviewtest.ByTestID(v.Get("/admin/a/"+fit[1]).Doc, "calibration-recorded")); !strings.Contains(got, "Hire a PM") {
		t.Errorf("recorded calibration on the brief = %q, want it to name Hire a PM", got)
	}
}
