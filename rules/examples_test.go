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

// TestDefaultExamplesShowEveryTension: each tension of the default content
// is shown by at least one example that names it, so none is dead content,
// and each that sets an outcome aside has an example where that mattered.
func TestDefaultExamplesShowEveryTension(t *testing.T) {
	q := mustDefault(t)
	named, mattered := map[string]bool{}, map[string]bool{}
	for _, ex := range q.Examples {
		res := rules.Evaluate(q, ex.Answers)
		if ex.Tension != "" && ex.Tension == tensionID(res) {
			named[ex.Tension] = true
		}
		if res.Tension != nil && res.Tension.SetAside != "" {
			mattered[res.Tension.ID] = true
		}
	}
	for _, tn := range q.Tensions {
		if !named[tn.ID] {
			t.Errorf("no example names tension %q and shows it", tn.ID)
		}
		if tn.SetsAside != "" && !mattered[tn.ID] {
			t.Errorf("no example shows tension %q setting %s aside", tn.ID, tn.SetsAside)
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
		// The third version's lines: the request against the description,
		// a permanent owner, an open-ended mandate.
		{assessment.BookACall, assessment.HireAPM},
		{assessment.HireFullTime, assessment.DifferentConversation},
		{assessment.HireFullTime, assessment.WorthAConversation},
		{assessment.NarrowScope, assessment.WorthAConversation},
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

// TestDefaultExamplesSeePastTheRequest checks the four classes the third
// version was written for, each with two examples inside and the example
// just outside each, by the rule that decided and the tension shown (""
// for none). Each "outside" example differs from the one before it in one
// or two answers.
func TestDefaultExamplesSeePastTheRequest(t *testing.T) {
	q := mustDefault(t)
	tests := []struct {
		class   string
		example string
		rule    string
		tension string
	}{
		{"misdiagnosis", "A technical founder asks for someone to run the backlog, yet his strong team re-plans every sprint and nobody settles the trade-off", "clear-fit", "backlog-but-moving-targets"},
		{"misdiagnosis, outside", "The same founder, except that agreed work often never ships", "execution-first", ""},
		{"misdiagnosis", "Asks for more delivery help; the answers show a capable team whose leaders keep reversing the plan", "clear-fit", "backlog-but-moving-targets"},
		{"misdiagnosis, outside", "Asks for more delivery help from a team stretched thin, whose leaders keep reversing the plan", "execution-first", ""},
		{"permanent hand-off", "Scaling company with a working product team that wants product off its plate for good, no end date", "wants-permanent-owner", ""},
		{"permanent hand-off, outside", "The same company, wanting product taken off its plate for a while", "wants-handoff", ""},
		{"permanent hand-off", "Established company with a product team wants a permanent owner of product, and will join the big calls", "wants-permanent-owner", ""},
		{"permanent hand-off, outside", "Growing company with one PM wants a permanent owner of product, without the budget or the team for one", "mixed-fit", ""},
		{"open-ended mandate", "A well-funded innovation unit wants an outsider to tell it what the unit should be", "scope-first", ""},
		{"open-ended mandate, outside", "The same unit, knowing roughly which area it needs settled", "mixed-fit", ""},
		{"open-ended mandate", "A corporate venture team with a VP of Product asks for someone to define its product from scratch", "scope-first", ""},
		{"open-ended mandate, outside", "The same venture team, able to name the decision it needs made", "mixed-fit", ""},
		{"regulated, before launch", "A regulated product before launch: one named, dated decision, a strong team and leads pulling different ways", "clear-fit", ""},
		{"regulated, outside", "The same team, still searching for product–market fit", "not-between-stages", ""},
		{"regulated, before launch", "A medical device before approval, whose clinical and regulatory leads undo each other's calls", "clear-fit", ""},
		{"regulated, outside", "The same device company, still searching for its market", "not-between-stages", ""},
	}
	var previous assessment.Answers
	for _, tt := range tests {
		ex := findExample(t, q, tt.example)
		res := rules.Evaluate(q, ex.Answers)
		if res.Rule != tt.rule || tensionID(res) != tt.tension {
			t.Errorf("%s: %q decided by %q with tension %q, want %q with %q", tt.class, tt.example, res.Rule, tensionID(res), tt.rule, tt.tension)
		}
		if strings.HasSuffix(tt.class, "outside") {
			if n := answersApart(previous, ex.Answers); n == 0 || n > 2 {
				t.Errorf("%s: %q differs from the example inside in %d answers, want 1 or 2", tt.class, tt.example, n)
			}
		}
		previous = ex.Answers
	}
	// The request the description overrides: without the tension, the
	// rules as written would have sent the misdiagnosis to a PM.
	res := rules.Evaluate(q, findExample(t, q, tests[0].example).Answers)
	if res.Tension == nil || res.Tension.SetAside != assessment.HireAPM {
		t.Errorf("misdiagnosis: tension = %+v, want hire-a-pm set aside", res.Tension)
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
