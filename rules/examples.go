package rules

import (
	"fmt"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// ExampleFailure is an owner's example whose answers did not produce the
// outcome it expects, or not the tension it expects (Tension, when set).
type ExampleFailure struct {
	Name    string
	Expect  string
	Tension string
	Result  assessment.Result
}

// String says what the example got and why, so the owner can see which
// rule or tension to adjust.
func (f ExampleFailure) String() string {
	if f.Result.Outcome == f.Expect {
		return fmt.Sprintf("example %q: expected tension %s, got %s", f.Name, f.Tension, shownID(f.Result.Tension))
	}
	var levels []string
	for _, c := range f.Result.Criteria {
		levels = append(levels, fmt.Sprintf("%s=%s (%d)", c.ID, c.Level, c.Score))
	}
	return fmt.Sprintf("example %q: expected %s, got %s (rule %q matched first: %s) — levels: %s",
		f.Name, f.Expect, f.Result.Outcome, f.Result.Rule, f.Result.Reason, strings.Join(levels, ", "))
}

// CheckExamples evaluates every example in the questionnaire and returns
// those that do not produce the outcome they expect.
func CheckExamples(q *assessment.Questionnaire) []ExampleFailure {
	var failures []ExampleFailure
	for _, ex := range q.Examples {
		res := Evaluate(q, ex.Answers)
		if res.Outcome != ex.Expect || (ex.Tension != "" && ex.Tension != shownID(res.Tension)) {
			failures = append(failures, ExampleFailure{Name: ex.Name, Expect: ex.Expect, Tension: ex.Tension, Result: res})
		}
	}
	return failures
}

// shownID is a result tension's id, or "none".
func shownID(t *assessment.TensionShown) string {
	if t == nil {
		return assessment.NoTension
	}
	return t.ID
}

// ExamplesError reports failing examples as one error.
type ExamplesError struct {
	Failures []ExampleFailure
}

func (e *ExamplesError) Error() string {
	lines := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		lines[i] = "  " + f.String()
	}
	return fmt.Sprintf("%d example(s) do not produce the outcome they expect:\n%s", len(e.Failures), strings.Join(lines, "\n"))
}

// Load parses a content file and runs its examples: the check start-up and
// `fitcheck validate` share.
func Load(data []byte) (*assessment.Questionnaire, error) {
	q, err := assessment.Parse(data)
	if err != nil {
		return nil, err
	}
	if failures := CheckExamples(q); len(failures) > 0 {
		return nil, &ExamplesError{Failures: failures}
	}
	return q, nil
}
