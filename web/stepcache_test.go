package web_test

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// Step pages are kept and shared between visitors when they would be the
// same page (see stepcache.go). These tests are what a visitor would
// notice if that went wrong: someone else's choices or words on their
// page, or their own change of mind not showing.

// stepAnswers is the part of answers asked on step idx.
func stepAnswers(q *assessment.Questionnaire, idx int, answers assessment.Answers) assessment.Answers {
	out := assessment.Answers{}
	for _, qn := range q.Steps[idx].Questions {
		if v, ok := answers[qn.ID]; ok {
			out[qn.ID] = v
		}
	}
	return out
}

// twoDifferentFirstSteps returns two examples whose step 1 answers differ.
func twoDifferentFirstSteps(t *testing.T, q *assessment.Questionnaire) (a, b assessment.Answers) {
	t.Helper()
	for _, x := range q.Examples {
		for _, y := range q.Examples {
			if !maps.EqualFunc(stepAnswers(q, 0, x.Answers), stepAnswers(q, 0, y.Answers), slices.Equal) {
				return x.Answers, y.Answers
			}
		}
	}
	t.Fatal("every example answers step 1 alike")
	return nil, nil
}

// assertChecked fails unless the page shows exactly the choices in want
// for every choice question of step idx.
func assertChecked(t *testing.T, q *assessment.Questionnaire, idx int, p *page, want assessment.Answers, who string) {
	t.Helper()
	if p.status != http.StatusOK {
		t.Fatalf("%s: step %d = %d, want 200", who, idx+1, p.status)
	}
	for _, qn := range q.Steps[idx].Questions {
		if qn.Type == assessment.Text {
			continue
		}
		got := checked(p.doc, qn.ID)
		exp := slices.Clone(want[qn.ID])
		slices.Sort(got)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("%s: step %d shows %s checked as %v, want %v", who, idx+1, qn.ID, got, exp)
		}
	}
}

func TestKeptStepPagesShowEachVisitorTheirOwnChoices(t *testing.T) {
	s := mustStart(t)
	ansA, ansB := twoDifferentFirstSteps(t, s.q)

	fresh := s.newVisitor()
	fresh.start()
	a, b := s.newVisitor(), s.newVisitor()
	for _, v := range []struct {
		who string
		v   *visitor
		ans assessment.Answers
	}{{"A", a, ansA}, {"B", b, ansB}} {
		if next := v.v.fill(v.v.start(), v.ans, "next"); next.status != http.StatusSeeOther {
			t.Fatalf("%s: step 1 = %d, want 303", v.who, next.status)
		}
	}
	// Each sees their own choices, and someone who has not answered yet
	// sees none, whatever order the pages were first shown in.
	for range 2 {
		assertChecked(t, s.q, 0, a.get("/step/1"), stepAnswers(s.q, 0, ansA), "A")
		assertChecked(t, s.q, 0, b.get("/step/1"), stepAnswers(s.q, 0, ansB), "B")
		assertChecked(t, s.q, 0, fresh.get("/step/1"), assessment.Answers{}, "a visitor who has not answered")
	}
	// A changes their mind to B's choices: A's page follows at once.
	if next := a.fill(a.get("/step/1"), ansB, "next"); next.status != http.StatusSeeOther {
		t.Fatalf("A: step 1 again = %d, want 303", next.status)
	}
	assertChecked(t, s.q, 0, a.get("/step/1"), stepAnswers(s.q, 0, ansB), "A after changing")
}

func TestTypedWordsAreNeverShownToAnotherVisitor(t *testing.T) {
	s := mustStart(t)
	textStep, textID := -1, ""
	for i, st := range s.q.Steps {
		for _, qn := range st.Questions {
			if qn.Type == assessment.Text && textStep < 0 {
				textStep, textID = i, qn.ID
			}
		}
	}
	if textStep < 0 {
		t.Skip("the questionnaire asks no free-text question")
	}
	ans := maps.Clone(s.q.Examples[0].Answers)
	words := "Whether to sunset the legacy billing flow"
	ans[textID] = []string{words}
	path := "/step/" + strconv.Itoa(textStep+1)

	writer, reader := s.newVisitor(), s.newVisitor()
	writer.answerAll(ans)
	reader.answerAll(s.q.Examples[0].Answers)
	if got := writer.get(path); !strings.Contains(got.body, words) {
		t.Errorf("the visitor who typed %q does not see it on %s", words, path)
	}
	if got := reader.get(path); strings.Contains(got.body, words) {
		t.Errorf("another visitor sees %q on %s", words, path)
	}
}
