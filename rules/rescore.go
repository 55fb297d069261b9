package rules

import (
	"fmt"
	"slices"
	"sort"

	"sessionplayer.studio/fitcheck/assessment"
)

// Rescore is what a candidate questionnaire would do to stored history:
// every stored answer set evaluated again under it. Nothing stored changes.
type Rescore struct {
	Total int
	// Scored is how many of Total were re-scored: all of them, unless
	// RescoreUntil was stopped (Stopped), when the rest is left out.
	Scored   int
	Stopped  bool
	Changed  []Change // the assessments whose outcome would change, oldest first
	Moves    []Move   // how many would move from each outcome to each other, most first
	Unmapped []Unmapped
}

// Change is one stored assessment whose outcome the candidate changes.
type Change struct {
	ID   int64
	Set  assessment.AnswerSet
	From string
	To   string
	// Unmapped says the stored answers name questions or options the
	// candidate lacks: the new outcome ignores them rather than guess.
	Unmapped bool
}

// Move counts the assessments that would go from one outcome to another.
type Move struct {
	From, To string
	Count    int
}

// Unmapped is a stored answer the candidate cannot read: a question it
// lacks (Option empty), an option it lacks (perhaps renamed), or a
// required question it adds that nobody stored has answered (New). Count
// is how many stored assessments are affected.
type Unmapped struct {
	Question string
	Option   string
	New      bool
	Count    int
}

// RescoreAll evaluates every answer set under q. Answers to questions or
// options q does not have are reported in Unmapped and score nothing, as
// Evaluate treats them; they are never matched to look-alikes.
func RescoreAll(q *assessment.Questionnaire, sets []assessment.AnswerSet) Rescore {
	return RescoreUntil(q, sets, nil)
}

// RescoreUntil is RescoreAll that stops early once stop is closed (nil
// never does): the sets re-scored by then are reported, with Stopped set,
// so a candidate too costly to run on all of history still gets an answer.
func RescoreUntil(q *assessment.Questionnaire, sets []assessment.AnswerSet, stop <-chan struct{}) Rescore {
	out := Rescore{Total: len(sets)}
	moves := map[[2]string]int{}
	unmapped := map[Unmapped]int{}
	required := requiredQuestions(q)
	compiled, tensions := compileRules(q) // once for all the sets, not once each
	for i, set := range sets {
		if stopped(stop) {
			out.Stopped = true
			break
		}
		out.Scored = i + 1
		gaps := unmappedIn(q, set.Answers, required)
		for _, u := range gaps {
			unmapped[u]++
		}
		to := outcomeUnder(q, compiled, tensions, set.Answers)
		if to == set.Outcome {
			continue
		}
		out.Changed = append(out.Changed, Change{ID: set.ID, Set: set, From: set.Outcome, To: to, Unmapped: len(gaps) > 0})
		moves[[2]string{set.Outcome, to}]++
	}
	for k, n := range moves {
		out.Moves = append(out.Moves, Move{From: k[0], To: k[1], Count: n})
	}
	sort.Slice(out.Moves, func(i, j int) bool {
		a, b := out.Moves[i], out.Moves[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	for u, n := range unmapped {
		u.Count = n
		out.Unmapped = append(out.Unmapped, u)
	}
	sort.Slice(out.Unmapped, func(i, j int) bool {
		a, b := out.Unmapped[i], out.Unmapped[j]
		if a.Question != b.Question {
			return a.Question < b.Question
		}
		return a.Option < b.Option
	})
	return out
}

// outcomeUnder is Evaluate(q, answers).Outcome, with q's rules and
// tensions compiled already, and without the explanation only a stored
// result needs.
func outcomeUnder(q *assessment.Questionnaire, compiled []cond, tensions []tension, answers assessment.Answers) string {
	in := newInputWith(q, compiled, tensions, Score(q, answers), answers)
	if i, _ := in.decide(); i >= 0 {
		return q.Rules[i].Outcome
	}
	return ""
}

// stopped reports, without waiting, whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

func requiredQuestions(q *assessment.Questionnaire) []string {
	var ids []string
	for _, s := range q.Steps {
		for _, qn := range s.Questions {
			if qn.Required {
				ids = append(ids, qn.ID)
			}
		}
	}
	return ids
}

// unmappedIn lists what of answers q cannot read, each once (the Count is
// left for the caller to add up).
func unmappedIn(q *assessment.Questionnaire, answers assessment.Answers, required []string) []Unmapped {
	var out []Unmapped
	for id, values := range answers {
		qn, _, ok := q.Question(id)
		if !ok {
			out = append(out, Unmapped{Question: id})
			continue
		}
		if qn.Type == assessment.Text {
			continue
		}
		for i, v := range values {
			if _, ok := qn.Option(v); !ok && !slices.Contains(values[:i], v) {
				out = append(out, Unmapped{Question: id, Option: v})
			}
		}
	}
	for _, id := range required {
		if _, ok := answers[id]; !ok {
			out = append(out, Unmapped{Question: id, New: true})
		}
	}
	return out
}

// String says what the candidate cannot read, in the owner's terms.
func (u Unmapped) String() string {
	switch {
	case u.New:
		return fmt.Sprintf("question %q is required here but was never answered", u.Question)
	case u.Option != "":
		return fmt.Sprintf("question %q has no option %q (renamed or removed?)", u.Question, u.Option)
	default:
		return fmt.Sprintf("question %q is not in this file", u.Question)
	}
}
