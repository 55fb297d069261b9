package notify_test

import (
	"slices"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
)

// TestDecisiveReasons: the reasons named are those the matching rule
// tested and that showed up, so a hire-a-PM verdict names the execution
// gap, not the fit signals that also scored high.
func TestDecisiveReasons(t *testing.T) {
	q := testQuestionnaire(t)
	crit := func(id string, kind assessment.CriterionKind, rank int) assessment.CriterionResult {
		return assessment.CriterionResult{ID: id, Label: id, Kind: kind, Score: rank * 2, Max: 6, LevelRank: rank}
	}
	criteria := []assessment.CriterionResult{
		crit("between-stages", assessment.FitSignal, 2), crit("clarity-not-capability", assessment.FitSignal, 2),
		crit("fragile-alignment", assessment.FitSignal, 0), crit("focused-mandate", assessment.FitSignal, 1),
		crit("execution-gap", assessment.NotFitSignal, 2), crit("validation-seeking", assessment.NotFitSignal, 0),
		crit("scope-undefined", assessment.NotFitSignal, 0),
	}
	for _, tt := range []struct {
		rule string
		q    *assessment.Questionnaire
		want []string
	}{
		{"execution-first", q, []string{"execution-gap"}},
		{"clear-fit", q, []string{"between-stages", "clarity-not-capability", "focused-mandate"}},
		{"few-signals", q, []string{"between-stages", "clarity-not-capability", "execution-gap", "focused-mandate"}},
		{"execution-first", nil, []string{"between-stages", "clarity-not-capability", "execution-gap", "focused-mandate"}},
	} {
		a := &assessment.Assessment{ID: 1, Result: assessment.Result{Outcome: "x", Rule: tt.rule, Criteria: criteria}}
		n := notify.NewNotice(assessment.Event{Type: assessment.EventAssessmentCreated}, a, tt.q, nil, "")
		var got []string
		for _, r := range n.Decisive {
			got = append(got, r.Criterion)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("decisive reasons for rule %s (questionnaire %v) = %v, want %v", tt.rule, tt.q != nil, got, tt.want)
		}
	}
}
