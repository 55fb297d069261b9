package rules_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

func TestDefaultExamplesPass(t *testing.T) {
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("Parse(DefaultContent) = %v", err)
	}
	for _, f := range rules.CheckExamples(q) {
		t.Errorf("default content: %s", f)
	}
}

func TestDefaultReachesEveryOutcome(t *testing.T) {
	q := mustDefault(t)
	reached := map[string]bool{}
	fired := map[string]bool{}
	for _, ex := range q.Examples {
		res := rules.Evaluate(q, ex.Answers)
		reached[res.Outcome] = true
		fired[res.Rule] = true
	}
	for _, id := range assessment.OutcomeIDs {
		if !reached[id] {
			t.Errorf("no example in the default content reaches outcome %q", id)
		}
	}
	// The format guide asks for an example that shows each rule firing.
	for _, r := range q.Rules {
		if !fired[r.ID] {
			t.Errorf("no example in the default content is decided by rule %q", r.ID)
		}
	}
}

// TestDefaultExamplesCoverEveryBoundary holds the default content to what
// its examples are for: at least three per outcome, and for each pair of
// neighbouring outcomes an example on each side of the line between them,
// the two differing in no more than two answers.
func TestDefaultExamplesCoverEveryBoundary(t *testing.T) {
	q := mustDefault(t)
	per := map[string]int{}
	for _, ex := range q.Examples {
		per[ex.Expect]++
	}
	for _, id := range assessment.OutcomeIDs {
		if per[id] < 3 {
			t.Errorf("%d example(s) expect %q, want at least 3", per[id], id)
		}
	}
	pairs := [][2]string{
		{assessment.BookACall, assessment.WorthAConversation},
		{assessment.HireAPM, assessment.WorthAConversation},
		{assessment.HireFullTime, assessment.BookACall},
		{assessment.DifferentConversation, assessment.WorthAConversation},
		{assessment.NarrowScope, assessment.BookACall},
	}
	for _, p := range pairs {
		if a, b, ok := closestPair(q.Examples, p[0], p[1]); !ok {
			t.Errorf("no two examples, one expecting %s and one %s, differ in two answers or fewer", p[0], p[1])
		} else {
			t.Logf("%s | %s: %q and %q", p[0], p[1], a, b)
		}
	}
}

// TestDefaultExamplesTellTheSituationsApart checks the three situations the
// questionnaire was changed to see, each against its neighbour across the
// line, by the rule that decided it.
func TestDefaultExamplesTellTheSituationsApart(t *testing.T) {
	q := mustDefault(t)
	for _, tt := range []struct{ example, rule string }{
		{"Established company whose VP of Product owns the roadmap, while the executive team keeps overriding it", "not-between-stages"},
		{"Growing company, a few PMs and no product leader, where the founders keep overturning each other's calls", "clear-fit"},
		{"Our Head of Product left; a permanent hire is budgeted but months away, and nobody owns the calls meanwhile", "clear-fit"},
		{"Clear fit signals, but a permanent leader is budgeted and a co-founder covers product well until they start", "ready-for-full-time"},
		{"Take product off our plate and fix it: the leadership team will stay out of it", "wants-handoff"},
		{"Wants product taken off the founders' plate, though they would still join the big decisions", "fit-with-doubts"},
	} {
		ex := findExample(t, q, tt.example)
		if res := rules.Evaluate(q, ex.Answers); res.Rule != tt.rule {
			t.Errorf("%q decided by %q, want %q", tt.example, res.Rule, tt.rule)
		}
	}
}

// closestPair finds examples expecting a and b whose answers differ in at
// most two questions.
func closestPair(examples []assessment.Example, a, b string) (string, string, bool) {
	for _, x := range examples {
		for _, y := range examples {
			if x.Expect == a && y.Expect == b && answersApart(x.Answers, y.Answers) <= 2 {
				return x.Name, y.Name, true
			}
		}
	}
	return "", "", false
}

func answersApart(x, y assessment.Answers) int {
	n := 0
	for k, v := range x {
		if k != "stuck-decision" && !slices.Equal(v, y[k]) {
			n++
		}
	}
	for k := range y {
		if _, ok := x[k]; !ok && k != "stuck-decision" {
			n++
		}
	}
	return n
}

func TestCheckExamplesReportsFailure(t *testing.T) {
	data := mustRead(t, "small.yaml")
	q := mustParse(t, data)
	if f := rules.CheckExamples(q); len(f) != 0 {
		t.Fatalf("CheckExamples(small.yaml) = %v, want none", f)
	}

	// The owner expects narrow-scope, but the gate sends this one to a PM.
	const name = "Routed to a PM"
	broken := []byte(strings.Replace(string(data), "expect: hire-a-pm", "expect: narrow-scope", 1))
	q = mustParse(t, broken)
	failures := rules.CheckExamples(q)
	if len(failures) != 1 {
		t.Fatalf("CheckExamples = %d failure(s) %v, want 1", len(failures), failures)
	}
	f := failures[0]
	if f.Name != name || f.Expect != assessment.NarrowScope || f.Result.Outcome != assessment.HireAPM || f.Result.Rule != "to-pm" {
		t.Errorf("CheckExamples failure = {%q expect %q got %q by %q}, want {%q expect %q got %q by %q}",
			f.Name, f.Expect, f.Result.Outcome, f.Result.Rule, name, assessment.NarrowScope, assessment.HireAPM, "to-pm")
	}
	for _, want := range []string{`"` + name + `"`, "expected narrow-scope, got hire-a-pm", `rule "to-pm"`, "alpha=low (1)"} {
		if !strings.Contains(f.String(), want) {
			t.Errorf("failure text %q does not contain %q", f.String(), want)
		}
	}

	q, err := rules.Load(broken)
	if q != nil {
		t.Errorf("Load(failing example) returned a questionnaire, want nil")
	}
	var ee *rules.ExamplesError
	if !errors.As(err, &ee) {
		t.Fatalf("Load(failing example) error = %T %v, want *rules.ExamplesError", err, err)
	}
	if len(ee.Failures) != 1 {
		t.Errorf("ExamplesError has %d failures, want 1", len(ee.Failures))
	}
	for _, want := range []string{name, "got hire-a-pm"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load error %q does not contain %q", err, want)
		}
	}
}

func TestLoad(t *testing.T) {
	data := mustRead(t, "small.yaml")
	q, err := rules.Load(data)
	if err != nil {
		t.Fatalf("Load(small.yaml) = %v", err)
	}
	if q.Version != assessment.Version(data) {
		t.Errorf("Load(small.yaml).Version = %q, want %q", q.Version, assessment.Version(data))
	}

	// A broken file is a content problem, not an examples problem.
	broken := []byte(strings.Replace(string(data), "{alpha: 4}", "{alfa: 4}", 1))
	_, err = rules.Load(broken)
	var ce *assessment.ContentError
	if !errors.As(err, &ce) {
		t.Fatalf("Load(unknown criterion) error = %T %v, want *assessment.ContentError", err, err)
	}
	var ee *rules.ExamplesError
	if errors.As(err, &ee) {
		t.Errorf("Load(unknown criterion) error is an *ExamplesError, want only a *ContentError")
	}
	if !slices.ContainsFunc(ce.Problems, func(p assessment.Problem) bool { return strings.Contains(p.Message, `"alfa"`) }) {
		t.Errorf("Load(unknown criterion) problems = %v, want one naming %q", ce.Problems, "alfa")
	}
}

// TestEarlierDefaultStillLoads keeps the default questionnaire as it was
// before the decisive part and near-miss were added: results stored
// against that version are rendered from it, so it must still parse, and
// its own examples must still land where they did.
func TestEarlierDefaultStillLoads(t *testing.T) {
	q, err := rules.Load(mustRead(t, "default-before-decisive.yaml"))
	if err != nil {
		t.Fatalf("Load(earlier default) = %v", err)
	}
	for _, ex := range q.Examples {
		res := rules.EvaluateWithNearMiss(q, ex.Answers)
		if res.Outcome != ex.Expect {
			t.Errorf("%s: %s, want %s", ex.Name, res.Outcome, ex.Expect)
		}
		for _, n := range res.NearMiss {
			changed := ex.Answers.Clone()
			changed[n.Question] = n.To
			if got := rules.Evaluate(q, changed).Outcome; got != n.Outcome {
				t.Errorf("%s: near-miss %s -> %v gives %s, says %s", ex.Name, n.Question, n.To, got, n.Outcome)
			}
		}
	}
}
