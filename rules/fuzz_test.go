package rules_test

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// FuzzEvaluate runs the default rules over answers decoded from a form-like
// string ("stage=growing&symptoms=busy-uneven&symptoms=..."), so unknown
// questions and options, repeats, empty and huge values all reach Evaluate,
// which takes answers as given. It runs the near-miss search on the same
// answers: no panic, and every change it lists flips the outcome to exactly
// the one it names.
func FuzzEvaluate(f *testing.F) {
	q := mustDefault(f)
	for _, ex := range q.Examples {
		f.Add(encodeAnswers(ex.Answers))
	}
	for _, seed := range []string{
		"",
		"&&&",
		"=",
		"==&=",
		"stage",
		"stage=",
		"stage=growing&stage=early&stage=growing",
		"symptoms=new-direction&symptoms=new-direction&symptoms=new-direction",
		"no-such-question=1&stage=no-such-option",
		"stage=%zz&want-help=%00",
		"\xff\xfe=\xc3\x28&stage=\xed\xa0\x80",
		"stuck-decision=" + strings.Repeat("x", 10000),
		strings.Repeat("tried=roadmap&", 1000),
		"symptoms=none&symptoms=busy-uneven&tried=nothing-yet&tried=nothing-yet",
		"symptoms=none&full-time=hiring-gap&involvement=hand-over&want-help=take-over",
		"decisions=product-lead-overruled&stage=established&alignment=5&alignment=9",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, form string) {
		answers := decodeAnswers(form)
		given := answers.Clone()
		res := rules.Evaluate(q, answers)

		if !slices.Contains(assessment.OutcomeIDs, res.Outcome) {
			t.Errorf("Outcome = %q, want one of %v", res.Outcome, assessment.OutcomeIDs)
		}
		i := slices.IndexFunc(q.Rules, func(r assessment.Rule) bool { return r.ID == res.Rule })
		if i < 0 {
			t.Errorf("Rule = %q, want the id of a rule in the questionnaire", res.Rule)
		} else if r := q.Rules[i]; res.Outcome != r.Outcome || res.Reason != r.Reason {
			t.Errorf("Outcome, Reason = %q, %q; want rule %q's %q, %q", res.Outcome, res.Reason, r.ID, r.Outcome, r.Reason)
		}
		if len(res.Criteria) != len(q.Criteria) {
			t.Fatalf("len(Criteria) = %d, want %d", len(res.Criteria), len(q.Criteria))
		}
		for ci, c := range res.Criteria {
			if want := q.Criteria[ci].ID; c.ID != want {
				t.Errorf("Criteria[%d].ID = %q, want %q (declared order)", ci, c.ID, want)
			}
			if c.LevelRank < 0 || c.LevelRank >= len(q.Levels) {
				t.Errorf("criterion %q: LevelRank = %d, want 0..%d", c.ID, c.LevelRank, len(q.Levels)-1)
			} else if want := q.Levels[c.LevelRank].ID; c.Level != want {
				t.Errorf("criterion %q: Level = %q, want %q (rank %d)", c.ID, c.Level, want, c.LevelRank)
			}
			sum := 0
			for _, m := range c.MovedBy {
				sum += m.Points
				if !answers.Has(m.Question, m.Option) {
					t.Errorf("criterion %q moved by %s=%s, which was not answered", c.ID, m.Question, m.Option)
				}
			}
			if sum != c.Score {
				t.Errorf("criterion %q: MovedBy points sum to %d, want Score %d", c.ID, sum, c.Score)
			}
		}
		if !reflect.DeepEqual(answers, given) {
			t.Errorf("Evaluate changed its answers: got %v, want %v", answers, given)
		}
		if again := rules.Evaluate(q, answers); !reflect.DeepEqual(again, res) {
			t.Errorf("Evaluate is not deterministic:\nfirst  %+v\nsecond %+v", res, again)
		}
		checkDecisive(t, res)
		checkNearMiss(t, q, answers, res)
		if !reflect.DeepEqual(answers, given) {
			t.Errorf("EvaluateWithNearMiss changed its answers: got %v, want %v", answers, given)
		}
	})
}

func checkDecisive(t *testing.T, res assessment.Result) {
	t.Helper()
	if res.Decisive == nil || len(res.Decisive) > rules.MaxDecisive {
		t.Errorf("Decisive = %v, want a list of at most %d", res.Decisive, rules.MaxDecisive)
	}
	for _, d := range res.Decisive {
		c, ok := res.Criterion(d.Criterion)
		if !ok || c.Level != d.Level {
			t.Errorf("decisive %+v does not match a criterion of the result", d)
		}
		if len(d.Answers) > rules.MaxDecisiveAnswers {
			t.Errorf("decisive %q lists %d answers, want at most %d", d.Criterion, len(d.Answers), rules.MaxDecisiveAnswers)
		}
	}
}

// checkNearMiss runs the search and re-evaluates every change it lists.
func checkNearMiss(t *testing.T, q *assessment.Questionnaire, answers assessment.Answers, res assessment.Result) {
	t.Helper()
	full := rules.EvaluateWithNearMiss(q, answers)
	misses := full.NearMiss
	full.NearMiss = nil
	if !reflect.DeepEqual(full, res) {
		t.Errorf("EvaluateWithNearMiss differs from Evaluate beyond NearMiss:\n%+v\n%+v", full, res)
	}
	if misses == nil || len(misses) > rules.MaxNearMiss {
		t.Fatalf("NearMiss = %v, want a list of at most %d", misses, rules.MaxNearMiss)
	}
	outcomes := map[string]bool{}
	for _, n := range misses {
		if outcomes[n.Outcome] {
			t.Errorf("two near-misses lead to %q", n.Outcome)
		}
		outcomes[n.Outcome] = true
		if !slices.Equal(n.From, answers[n.Question]) {
			t.Errorf("near-miss on %q: From = %q, want the answer given, %q", n.Question, n.From, answers[n.Question])
		}
		changed := answers.Clone()
		changed[n.Question] = slices.Clone(n.To)
		got := rules.Evaluate(q, changed).Outcome
		if got != n.Outcome || got == res.Outcome {
			t.Errorf("near-miss %s %q -> %q says %q; evaluating it gives %q (was %q)", n.Question, n.From, n.To, n.Outcome, got, res.Outcome)
		}
	}
}

// decodeAnswers splits a form-like string on '&' and '=' without unescaping,
// so every byte the fuzzer writes reaches a question id or a value.
func decodeAnswers(form string) assessment.Answers {
	answers := assessment.Answers{}
	for _, pair := range strings.Split(form, "&") {
		key, value, _ := strings.Cut(pair, "=")
		answers[key] = append(answers[key], value)
	}
	return answers
}

// encodeAnswers is decodeAnswers' inverse for ids and values without '&' or
// '=', with questions in a stable order.
func encodeAnswers(a assessment.Answers) string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		for _, v := range a[k] {
			pairs = append(pairs, k+"="+v)
		}
	}
	return strings.Join(pairs, "&")
}
