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
