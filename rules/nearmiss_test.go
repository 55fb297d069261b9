package rules_test

import (
	"reflect"
	"slices"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// applied is answers with one near-miss change made, as a founder would
// have answered had they picked differently.
func applied(answers assessment.Answers, n assessment.NearMiss) assessment.Answers {
	out := answers.Clone()
	out[n.Question] = slices.Clone(n.To)
	return out
}

// TestNearMissOfEveryExample is the promise a result page makes: each
// listed change, applied alone to the stored answers, gives exactly the
// listed outcome. It also checks each change is one a founder could make
// on the form, and that the list keeps to its limits.
func TestNearMissOfEveryExample(t *testing.T) {
	q := mustDefault(t)
	for _, ex := range q.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			res := rules.EvaluateWithNearMiss(q, ex.Answers)
			if res.NearMiss == nil {
				t.Fatalf("NearMiss = nil, want a list (empty when clear-cut)")
			}
			if len(res.NearMiss) > rules.MaxNearMiss {
				t.Errorf("%d near-misses, want at most %d", len(res.NearMiss), rules.MaxNearMiss)
			}
			seen := map[string]bool{}
			for _, n := range res.NearMiss {
				changed := applied(ex.Answers, n)
				if got := rules.Evaluate(q, changed).Outcome; got != n.Outcome {
					t.Errorf("%s %v -> %v: Evaluate gives %q, near-miss says %q", n.Question, n.From, n.To, got, n.Outcome)
				}
				if n.Outcome == res.Outcome {
					t.Errorf("%s %v -> %v lists the outcome it already has, %q", n.Question, n.From, n.To, n.Outcome)
				}
				if seen[n.Outcome] {
					t.Errorf("two near-misses lead to %q, want at most one per outcome", n.Outcome)
				}
				seen[n.Outcome] = true
				if !reflect.DeepEqual(n.From, ex.Answers[n.Question]) {
					t.Errorf("%s: From = %v, want the answer given, %v", n.Question, n.From, ex.Answers[n.Question])
				}
				if errs := q.CheckAll(changed); len(errs) > 0 {
					t.Errorf("%s %v -> %v is not an answer a founder could give: %v", n.Question, n.From, n.To, errs)
				}
				qn, _, _ := q.Question(n.Question)
				if n.Prompt != qn.Prompt {
					t.Errorf("%s: Prompt = %q, want %q", n.Question, n.Prompt, qn.Prompt)
				}
				if !slices.ContainsFunc(qn.Options, func(o assessment.Option) bool {
					return o.Label == n.Answer && slices.Contains(n.From, o.ID) != slices.Contains(n.To, o.ID)
				}) {
					t.Errorf("%s %v -> %v: Answer = %q, want the label of the option that changed", n.Question, n.From, n.To, n.Answer)
				}
			}
		})
	}
}

// oneChangeAnswers lists, independently of the engine, every answer to qn a
// founder could give that differs from the current one by a single choice:
// every option set the form accepts whose difference from `from` is one
// option added or removed, or, where only one can be chosen at a time, one
// swapped for another.
func oneChangeAnswers(q *assessment.Questionnaire, qn *assessment.Question, from []string) [][]string {
	var out [][]string
	n := len(qn.Options)
	for mask := 1; mask < 1<<n; mask++ {
		var to []string
		for i := range n {
			if mask&(1<<i) != 0 {
				to = append(to, qn.Options[i].ID)
			}
		}
		if _, msg := qn.Check(to); msg != "" {
			continue
		}
		added, removed := 0, 0
		for _, v := range to {
			if !slices.Contains(from, v) {
				added++
			}
		}
		for _, v := range from {
			if !slices.Contains(to, v) {
				removed++
			}
		}
		// On a multi question, a swap is one change only where the form
		// forces it: ticking an exclusive option, or leaving one, unticks
		// the lone other choice.
		swap := added == 1 && removed == 1 &&
			(qn.Type != assessment.Multi || (len(from) == 1 && (exclusive(qn, from[0]) || exclusive(qn, to[0]))))
		if added+removed == 1 || swap {
			out = append(out, to)
		}
	}
	return out
}

func exclusive(qn *assessment.Question, id string) bool {
	opt, ok := qn.Option(id)
	return ok && opt.Exclusive
}

// TestNearMissMissesNothing checks the search against a brute force over
// every example: if some single change gives another outcome, the result
// lists as many distinct outcomes as it can (up to two), and says
// "clear-cut" only when no change flips it.
func TestNearMissMissesNothing(t *testing.T) {
	q := mustDefault(t)
	for _, ex := range q.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			res := rules.EvaluateWithNearMiss(q, ex.Answers)
			flips := map[string]bool{}
			for _, step := range q.Steps {
				for qi := range step.Questions {
					qn := &step.Questions[qi]
					if qn.Type == assessment.Text {
						continue
					}
					for _, to := range oneChangeAnswers(q, qn, ex.Answers[qn.ID]) {
						changed := ex.Answers.Clone()
						changed[qn.ID] = to
						if o := rules.Evaluate(q, changed).Outcome; o != res.Outcome {
							flips[o] = true
						}
					}
				}
			}
			if want := min(len(flips), rules.MaxNearMiss); len(res.NearMiss) != want {
				t.Errorf("%d near-misses %v, want %d: single changes reach %v", len(res.NearMiss), res.NearMiss, want, flips)
			}
			for _, n := range res.NearMiss {
				if !flips[n.Outcome] {
					t.Errorf("near-miss to %q, which no single change reaches", n.Outcome)
				}
			}
		})
	}
}

func TestNearMissChoice(t *testing.T) {
	q := mustParse(t, mustRead(t, "nearmiss.yaml"))
	type change struct{ question, from, to, outcome string }
	tests := []struct {
		name    string
		answers assessment.Answers
		outcome string
		want    []change
	}{
		{
			// Level 5 is book-a-call. Early "loud" flips it to a PM and is
			// asked first, but it does not move signal, which decided; of
			// the level changes the nearest point wins for each outcome.
			name:    "changes to the deciding criterion first, then the smallest step on the scale",
			answers: assessment.Answers{"early": {"quiet"}, "level": {"5"}, "boost": {"none"}, "late": {"calm"}},
			outcome: assessment.BookACall,
			want: []change{
				{"level", "5", "4", assessment.WorthAConversation},
				{"level", "5", "2", assessment.NarrowScope},
			},
		},
		{
			// Level 3 is worth-a-conversation. Level 2 and the boost are
			// each one step; the level is asked first. Level 5 also gives
			// book-a-call but is two steps away, so the boost stands for it.
			name:    "equal steps in questionnaire order, one per outcome",
			answers: assessment.Answers{"early": {"quiet"}, "level": {"3"}, "boost": {"none"}, "late": {"calm"}},
			outcome: assessment.WorthAConversation,
			want: []change{
				{"level", "3", "2", assessment.NarrowScope},
				{"boost", "none", "some", assessment.BookACall},
			},
		},
		{
			// Noise decided; only a change to early or late can move it.
			name:    "a change that moves only a criterion that did not decide",
			answers: assessment.Answers{"early": {"loud"}, "level": {"5"}, "boost": {"none"}, "late": {"calm"}},
			outcome: assessment.HireAPM,
			want:    []change{{"early", "loud", "quiet", assessment.BookACall}},
		},
		{
			// Noise comes from both early and late: no one change undoes it.
			name:    "clear-cut",
			answers: assessment.Answers{"early": {"loud"}, "level": {"5"}, "boost": {"none"}, "late": {"loud"}},
			outcome: assessment.HireAPM,
			want:    []change{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := rules.EvaluateWithNearMiss(q, tt.answers)
			if res.Outcome != tt.outcome {
				t.Fatalf("Outcome = %q, want %q", res.Outcome, tt.outcome)
			}
			got := []change{}
			for _, n := range res.NearMiss {
				if len(n.From) != 1 || len(n.To) != 1 {
					t.Fatalf("near-miss %+v, want one option before and after", n)
				}
				got = append(got, change{n.Question, n.From[0], n.To[0], n.Outcome})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NearMiss = %v, want %v", got, tt.want)
			}
			if res.NearMiss == nil {
				t.Errorf("NearMiss = nil, want an empty list when clear-cut")
			}
		})
	}
}

func TestEvaluateLeavesNearMissUncomputed(t *testing.T) {
	// Evaluate is the cheap call; only EvaluateWithNearMiss searches.
	q := mustDefault(t)
	res := rules.Evaluate(q, articleAnswers())
	if res.NearMiss != nil {
		t.Errorf("Evaluate().NearMiss = %v, want nil (not searched)", res.NearMiss)
	}
	full := rules.EvaluateWithNearMiss(q, articleAnswers())
	full.NearMiss = nil
	if !reflect.DeepEqual(full, res) {
		t.Errorf("EvaluateWithNearMiss differs from Evaluate beyond NearMiss:\n%+v\n%+v", full, res)
	}
}

// BenchmarkNearMiss is the whole cost at submit: evaluation and the
// near-miss search, on the article's founder (about fifty alternatives).
// The budget is 200 µs per op.
func BenchmarkNearMiss(b *testing.B) {
	q := mustDefault(b)
	answers := articleAnswers()
	b.ReportAllocs()
	for b.Loop() {
		rules.EvaluateWithNearMiss(q, answers)
	}
}
