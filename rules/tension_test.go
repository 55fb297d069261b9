package rules_test

import (
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// TestTensionSetsTheRequestAside runs tension.yaml, where asking for a PM
// leads to hire-a-pm by the first rule unless a strong alpha says
// otherwise: the description then decides, and the result says so.
func TestTensionSetsTheRequestAside(t *testing.T) {
	q := mustParse(t, mustRead(t, "tension.yaml"))
	base := assessment.Answers{"pick": {"c"}, "ticks": {"x"}, "scale": {"2"}}
	tests := []struct {
		name     string
		answers  assessment.Answers
		outcome  string
		rule     string
		tension  string // "" for none
		setAside string
	}{
		{"asked for a PM, described a strong alpha: the description decides",
			with(base, assessment.Answers{"ask": {"pm"}}), assessment.BookACall, "probe", "pm-but-alpha", assessment.HireAPM},
		{"asked for a PM, alpha weak: no disagreement, the request stands, and a later tension shows",
			with(base, assessment.Answers{"pick": {"a"}, "ask": {"pm"}}), assessment.HireAPM, "to-pm", "pm-any", ""},
		{"a tension that sets nothing aside only shows",
			with(base, assessment.Answers{"scale": {"3"}, "ask": {"validate"}}), assessment.BookACall, "probe", "validate-but-beta", ""},
		{"asked nothing: no tension, the rules as written",
			with(base, assessment.Answers{"gate": {"to-pm"}}), assessment.HireAPM, "to-pm", "", ""},
		{"a set-aside outcome another rule would not have given is not reported as set aside",
			with(base, assessment.Answers{"ticks": {"none"}, "ask": {"pm"}}), assessment.BookACall, "probe", "pm-but-alpha", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := rules.EvaluateWithNearMiss(q, tt.answers)
			if res.Outcome != tt.outcome || res.Rule != tt.rule {
				t.Errorf("Evaluate = %s by %s, want %s by %s", res.Outcome, res.Rule, tt.outcome, tt.rule)
			}
			if got := tensionID(res); got != tt.tension {
				t.Fatalf("Tension = %q, want %q", got, tt.tension)
			}
			if res.Tension == nil {
				return
			}
			want, _ := q.Tension(tt.tension)
			if res.Tension.Sentence != want.Sentence || res.Tension.Neutral != want.Neutral {
				t.Errorf("Tension words = %q / %q, want the content's %q / %q", res.Tension.Sentence, res.Tension.Neutral, want.Sentence, want.Neutral)
			}
			if res.Tension.SetAside != tt.setAside {
				t.Errorf("Tension.SetAside = %q, want %q", res.Tension.SetAside, tt.setAside)
			}
			// The decisive part is the deciding rule's, as for any result.
			if tt.rule == "probe" && (len(res.Decisive) != 1 || res.Decisive[0].Criterion != "alpha") {
				t.Errorf("Decisive = %v, want alpha, which the probe rule tested", decisiveLines(res))
			}
			for _, n := range res.NearMiss {
				if got := rules.Evaluate(q, applied(tt.answers, n)).Outcome; got != n.Outcome {
					t.Errorf("near-miss %s -> %v gives %s, says %s", n.Question, n.To, got, n.Outcome)
				}
			}
		})
	}
}

// TestNearMissSeesTheTension: the one change that undoes the description
// (a weaker pick) brings the request back, and the search must say so.
func TestNearMissSeesTheTension(t *testing.T) {
	q := mustParse(t, mustRead(t, "tension.yaml"))
	answers := assessment.Answers{"pick": {"c"}, "ticks": {"x"}, "scale": {"2"}, "ask": {"pm"}}
	res := rules.EvaluateWithNearMiss(q, answers)
	found := false
	for _, n := range res.NearMiss {
		if n.Question == "pick" && n.Outcome == assessment.HireAPM {
			found = true
		}
	}
	if !found {
		t.Errorf("NearMiss = %+v, want pick -> a giving hire-a-pm (the tension no longer holds)", res.NearMiss)
	}
}

func TestExampleExpectingAnotherTensionFails(t *testing.T) {
	data := mustRead(t, "tension.yaml")
	if f := rules.CheckExamples(mustParse(t, data)); len(f) != 0 {
		t.Fatalf("CheckExamples(tension.yaml) = %v, want none", f)
	}
	for _, tt := range []struct{ from, to, want string }{
		{"tension: pm-but-alpha", "tension: pm-any", "expected tension pm-any, got pm-but-alpha"},
		{"tension: none", "tension: pm-any", "expected tension pm-any, got none"},
	} {
		broken := strings.Replace(string(data), tt.from, tt.to, 1)
		failures := rules.CheckExamples(mustParse(t, []byte(broken)))
		if len(failures) != 1 || !strings.Contains(failures[0].String(), tt.want) {
			t.Errorf("CheckExamples(%s -> %s) = %v, want one failure saying %q", tt.from, tt.to, failures, tt.want)
		}
	}
}

func tensionID(res assessment.Result) string {
	if res.Tension == nil {
		return ""
	}
	return res.Tension.ID
}
