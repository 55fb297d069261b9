package rules_test

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// mustDefault loads the embedded default questionnaire, examples and all.
func mustDefault(t testing.TB) *assessment.Questionnaire {
	t.Helper()
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("Load(DefaultContent) = %v", err)
	}
	return q
}

// mustParse parses a fixture's bytes, failing the test on any problem.
func mustParse(t *testing.T, data []byte) *assessment.Questionnaire {
	t.Helper()
	q, err := assessment.Parse(data)
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	return q
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// articleAnswers is the founder the source article describes: a growth-stage
// company with strong engineering and lots of ideas, unclear priorities,
// every sprint a new direction, and decisions they could name.
func articleAnswers() assessment.Answers {
	return assessment.Answers{
		"stage":          {"growing"},
		"decisions":      {"founders-strain"},
		"symptoms":       {"busy-uneven", "roadmap-ignored", "new-direction"},
		"alignment":      {"3"},
		"tried":          {"roadmap", "push-harder"},
		"engineering":    {"strong"},
		"team-shape":     {"one-or-two"},
		"handoff":        {"leads-share"},
		"mandate":        {"specific"},
		"stuck-decision": {"Which of our three ideas gets next quarter."},
		"want-help":      {"clarity"},
		"involvement":    {"work-through"},
		"direction":      {"open"},
		"full-time":      {"too-big"},
	}
}

// with returns a copy of a with the given answers replaced.
func with(a assessment.Answers, changes assessment.Answers) assessment.Answers {
	out := a.Clone()
	maps.Copy(out, changes)
	return out
}

func TestEvaluateDefault(t *testing.T) {
	q := mustDefault(t)
	tests := []struct {
		name    string
		answers assessment.Answers
		outcome string
		rule    string
		levels  map[string]string // criterion levels that explain the verdict
	}{
		{
			name:    "the article's example",
			answers: articleAnswers(),
			outcome: assessment.BookACall, rule: "clear-fit",
			levels: map[string]string{
				"between-stages": "strong", "clarity-not-capability": "strong", "focused-mandate": "strong",
				"execution-gap": "low", "validation-seeking": "low", "scope-undefined": "low",
			},
		},
		{
			name: "execution gap: a founder writes the tickets and wants the backlog run",
			answers: assessment.Answers{
				"stage": {"growing"}, "decisions": {"founders-strain"}, "symptoms": {"busy-uneven"},
				"alignment": {"2"}, "tried": {"nothing-yet"}, "engineering": {"stretched"},
				"team-shape": {"no-product"}, "handoff": {"founder-bottleneck"}, "mandate": {"specific"},
				"want-help": {"run-backlog"}, "involvement": {"work-through"}, "direction": {"plan-open"}, "full-time": {"not-yet"},
			},
			outcome: assessment.HireAPM, rule: "execution-first",
			levels: map[string]string{"execution-gap": "strong"},
		},
		{
			name: "undefined scope: everything at once, not sure what help looks like",
			answers: assessment.Answers{
				"stage": {"scaling"}, "decisions": {"whoever"}, "symptoms": {"busy-uneven", "roadmap-ignored"},
				"alignment": {"3"}, "tried": {"process"}, "engineering": {"strong"},
				"team-shape": {"one-or-two"}, "handoff": {"leads-share"}, "mandate": {"everything"},
				"want-help": {"not-sure"}, "involvement": {"work-through"}, "direction": {"none"}, "full-time": {"not-yet"},
			},
			outcome: assessment.NarrowScope, rule: "scope-first",
			levels: map[string]string{"scope-undefined": "strong", "execution-gap": "low"},
		},
		{
			name: "validation seeking: direction settled, wants it confirmed",
			answers: assessment.Answers{
				"stage": {"growing"}, "decisions": {"founders-strain"}, "symptoms": {"roadmap-ignored"},
				"alignment": {"2"}, "tried": {"roadmap"}, "engineering": {"strong"},
				"team-shape": {"one-or-two"}, "handoff": {"pm-owns"}, "mandate": {"specific"},
				"want-help": {"confirm-plan"}, "involvement": {"work-through"}, "direction": {"settled-confirm"}, "full-time": {"not-yet"},
			},
			outcome: assessment.DifferentConversation, rule: "wants-validation",
			levels: map[string]string{"validation-seeking": "strong"},
		},
		{
			name: "budgeted and hiring a Head of Product soon",
			answers: assessment.Answers{
				"stage": {"scaling"}, "decisions": {"whoever"}, "symptoms": {"agreement-fades"},
				"alignment": {"3"}, "tried": {"hired-pm"}, "engineering": {"strong"},
				"team-shape": {"product-team"}, "handoff": {"pm-owns"}, "mandate": {"specific"},
				"want-help": {"build-org"}, "involvement": {"work-through"}, "direction": {"plan-open"}, "full-time": {"hiring-covered"},
			},
			outcome: assessment.HireFullTime, rule: "ready-for-full-time",
			levels: map[string]string{"full-time-ready": "strong", "scope-undefined": "low", "execution-gap": "low"},
		},
		{
			name: "mixed: some signs everywhere, none clear",
			answers: assessment.Answers{
				"stage": {"scaling"}, "decisions": {"whoever"}, "symptoms": {"agreement-fades"},
				"alignment": {"3"}, "tried": {"process"}, "engineering": {"stretched"},
				"team-shape": {"one-or-two"}, "handoff": {"pm-owns"}, "mandate": {"roughly"},
				"want-help": {"clarity"}, "involvement": {"work-through"}, "direction": {"plan-open"}, "full-time": {"not-yet"},
			},
			outcome: assessment.WorthAConversation, rule: "mixed-fit",
			levels: map[string]string{
				"between-stages": "some", "clarity-not-capability": "some",
				"fragile-alignment": "some", "focused-mandate": "some",
			},
		},
		{
			name: "few signals: an established product organisation that works",
			answers: assessment.Answers{
				"stage": {"established"}, "decisions": {"product-lead"}, "symptoms": {"none"},
				"alignment": {"1"}, "tried": {"nothing-yet"}, "engineering": {"stretched"},
				"team-shape": {"product-team"}, "handoff": {"pm-owns"}, "mandate": {"roughly"},
				"want-help": {"clarity"}, "involvement": {"work-through"}, "direction": {"plan-open"}, "full-time": {"not-yet"},
			},
			outcome: assessment.WorthAConversation, rule: "few-signals",
			levels: map[string]string{"between-stages": "low", "clarity-not-capability": "low", "fragile-alignment": "low"},
		},
		{
			// Precedence: everything clear-fit asks for holds, yet nobody
			// ships the work, and that must win.
			name:    "strong fit signals and a strong execution gap",
			answers: with(articleAnswers(), assessment.Answers{"handoff": {"nobody"}}),
			outcome: assessment.HireAPM, rule: "execution-first",
			levels: map[string]string{
				"between-stages": "strong", "clarity-not-capability": "strong", "focused-mandate": "strong",
				"validation-seeking": "low", "scope-undefined": "low",
				"execution-gap": "strong",
			},
		},
		{
			// The description over the request: the article's company
			// asking for someone to run the backlog, with a founder
			// squeezing in the tickets, still books a call.
			name: "the article's company asking for backlog help",
			answers: with(articleAnswers(), assessment.Answers{
				"want-help": {"run-backlog"}, "team-shape": {"no-product"}, "handoff": {"founder-bottleneck"},
			}),
			outcome: assessment.BookACall, rule: "clear-fit",
			levels: map[string]string{"execution-gap": "strong", "clarity-not-capability": "strong", "focused-mandate": "strong"},
		},
		{
			// ... until agreed work never ships: then the request and the
			// description agree.
			name: "the article's company asking for backlog help, with nobody shipping",
			answers: with(articleAnswers(), assessment.Answers{
				"want-help": {"run-backlog"}, "team-shape": {"no-product"}, "handoff": {"nobody"},
			}),
			outcome: assessment.HireAPM, rule: "execution-first",
			levels: map[string]string{"execution-gap": "strong"},
		},
		{
			// Precedence: wanting a blessing outranks even an execution gap.
			name: "validation seeking and a strong execution gap",
			answers: with(articleAnswers(), assessment.Answers{
				"handoff": {"nobody"}, "want-help": {"confirm-plan"}, "involvement": {"work-through"}, "direction": {"settled-confirm"},
			}),
			outcome: assessment.DifferentConversation, rule: "wants-validation",
			levels: map[string]string{"validation-seeking": "strong", "execution-gap": "strong"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if errs := q.CheckAll(tt.answers); len(errs) > 0 {
				t.Fatalf("answer set is not one a founder could submit: %v", errs)
			}
			res := rules.Evaluate(q, tt.answers)
			if res.Outcome != tt.outcome || res.Rule != tt.rule {
				t.Errorf("Evaluate(%s) = %q by rule %q, want %q by rule %q", tt.name, res.Outcome, res.Rule, tt.outcome, tt.rule)
			}
			if want := ruleReason(t, q, tt.rule); res.Reason != want {
				t.Errorf("Evaluate(%s).Reason = %q, want rule %q's reason %q", tt.name, res.Reason, tt.rule, want)
			}
			for id, want := range tt.levels {
				c, ok := res.Criterion(id)
				if !ok {
					t.Errorf("Evaluate(%s) has no criterion %q", tt.name, id)
					continue
				}
				if c.Level != want {
					t.Errorf("Evaluate(%s) criterion %q = %q (score %d), want %q", tt.name, id, c.Level, c.Score, want)
				}
			}
		})
	}
}

func ruleReason(t *testing.T, q *assessment.Questionnaire, id string) string {
	t.Helper()
	for _, r := range q.Rules {
		if r.ID == id {
			return r.Reason
		}
	}
	t.Fatalf("no rule %q in the questionnaire", id)
	return ""
}

func TestEvaluateDeterministic(t *testing.T) {
	q := mustDefault(t)
	answers := with(articleAnswers(), assessment.Answers{"handoff": {"nobody"}})
	first := rules.Evaluate(q, answers)
	// Scores live in maps; repeat enough times that map order would show.
	for i := range 50 {
		if got := rules.Evaluate(q, answers); !reflect.DeepEqual(got, first) {
			t.Fatalf("Evaluate run %d = %+v, want %+v as on the first run", i+2, got, first)
		}
	}
}

func TestEvaluateIgnoresUnknownAnswers(t *testing.T) {
	q := mustDefault(t)
	base := rules.Evaluate(q, articleAnswers())
	noisy := with(articleAnswers(), assessment.Answers{
		"no-such-question": {"growing"},
		"symptoms":         {"busy-uneven", "roadmap-ignored", "new-direction", "no-such-option"},
	})
	if got := rules.Evaluate(q, noisy); !reflect.DeepEqual(got, base) {
		t.Errorf("Evaluate(with unknown question and option) = %+v, want %+v", got, base)
	}
}

func TestEvaluateCountsARepeatedOptionOnce(t *testing.T) {
	// Check collapses repeats, so an example (or stored answer) that lists an
	// option twice passes validation; it must not then score twice.
	q := mustDefault(t)
	once := rules.Evaluate(q, articleAnswers())
	twice := rules.Evaluate(q, with(articleAnswers(), assessment.Answers{
		"symptoms": {"busy-uneven", "roadmap-ignored", "new-direction", "new-direction"},
	}))
	for i, c := range twice.Criteria {
		if want := once.Criteria[i]; c.Score != want.Score || len(c.MovedBy) != len(want.MovedBy) {
			t.Errorf("Evaluate(symptom listed twice) %s = %d from %d answers, want %d from %d",
				c.ID, c.Score, len(c.MovedBy), want.Score, len(want.MovedBy))
		}
	}
	if !reflect.DeepEqual(twice, once) {
		t.Errorf("Evaluate(symptom listed twice) differs from Evaluate(symptom listed once)")
	}
}

func BenchmarkEvaluate(b *testing.B) {
	q := mustDefault(b)
	answers := articleAnswers()
	b.ReportAllocs()
	for b.Loop() {
		rules.Evaluate(q, answers)
	}
}
