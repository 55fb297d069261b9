package rules

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"sync"

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
	ID int64
	// Set is the stored assessment without its answers: they are not
	// kept, so a re-score's memory does not grow with what it changes.
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
	r := NewRescorer(q)
	for _, set := range sets {
		if stopped(stop) {
			r.Stop()
			break
		}
		r.Add(set)
	}
	out := r.Result()
	out.Total = len(sets)
	return out
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

// Rescorer is RescoreAll one answer set at a time, for sets streamed from
// storage: it keeps the totals and the changes, never the answers. Add may
// be called from several goroutines at once, so the scoring, which is
// most of the work, runs on as many cores.
type Rescorer struct {
	q        *assessment.Questionnaire
	required []string
	outcomes *outcomeScorer

	mu       sync.Mutex
	total    int
	stopped  bool
	changed  []Change
	moves    map[[2]string]int
	unmapped map[Unmapped]int
}

// NewRescorer starts a re-score under q.
func NewRescorer(q *assessment.Questionnaire) *Rescorer {
	return &Rescorer{q: q, required: requiredQuestions(q), outcomes: newOutcomeScorer(q),
		moves: map[[2]string]int{}, unmapped: map[Unmapped]int{}}
}

// Add re-scores one stored answer set.
func (r *Rescorer) Add(set assessment.AnswerSet) {
	gaps := unmappedIn(r.q, set.Answers, r.required)
	to := r.outcomes.outcome(set.Answers)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total++
	for _, u := range gaps {
		r.unmapped[u]++
	}
	if to == set.Outcome {
		return
	}
	stored := assessment.AnswerSet{ID: set.ID, Outcome: set.Outcome, CreatedAt: set.CreatedAt}
	r.changed = append(r.changed, Change{ID: set.ID, Set: stored, From: set.Outcome, To: to, Unmapped: len(gaps) > 0})
	r.moves[[2]string{set.Outcome, to}]++
}

// Stop records that the re-score was cut short: Result then says it
// covers only the sets added so far.
func (r *Rescorer) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
}

// Result is the re-score of every set added so far: the changes oldest
// first, whatever order the sets came in.
func (r *Rescorer) Result() Rescore {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := Rescore{Total: r.total, Scored: r.total, Stopped: r.stopped, Changed: slices.Clone(r.changed)}
	slices.SortFunc(out.Changed, func(a, b Change) int {
		return cmp.Or(a.Set.CreatedAt.Compare(b.Set.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	for k, n := range r.moves {
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
	for u, n := range r.unmapped {
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

// outcomeScorer gives the outcome Evaluate would, and nothing else: no
// explanation, no per-answer contributions, the rules compiled once. A
// re-score compares outcomes only, over every stored assessment.
type outcomeScorer struct {
	q        *assessment.Questionnaire
	rules    []cond
	tensions []tension
	setters  int            // as input.setters
	index    map[string]int // criterion id → position in q.Criteria
}

func newOutcomeScorer(q *assessment.Questionnaire) *outcomeScorer {
	index := make(map[string]int, len(q.Criteria))
	for i, c := range q.Criteria {
		index[c.ID] = i
	}
	// The compiled rules and tensions, as newInput makes them for one
	// evaluation, made once for all.
	in := newInput(q, nil, nil)
	return &outcomeScorer{q: q, rules: in.rules, tensions: in.tensions, setters: in.setters, index: index}
}

// outcome scores answers as Score does (an unknown question or option
// scores nothing, a repeated option counts once) and applies the rules and
// tensions as Evaluate does. It is safe to call from several goroutines at
// once.
func (s *outcomeScorer) outcome(answers assessment.Answers) string {
	scores := make([]int, len(s.q.Criteria))
	for si := range s.q.Steps {
		for qi := range s.q.Steps[si].Questions {
			qn := &s.q.Steps[si].Questions[qi]
			values := answers[qn.ID]
			for vi, value := range values {
				opt, ok := qn.Option(value)
				if !ok || slices.Contains(values[:vi], value) {
					continue
				}
				for crit, points := range opt.Scores {
					if i, ok := s.index[crit]; ok {
						scores[i] += points
					}
				}
			}
		}
	}
	for i, c := range s.q.Criteria {
		scores[i] = levelRank(s.q, c, scores[i])
	}
	in := &input{q: s.q, rules: s.rules, tensions: s.tensions, setters: s.setters, ranks: scores, answers: answerView{base: answers}}
	if i := in.firstRule(); i >= 0 {
		return s.q.Rules[i].Outcome
	}
	return ""
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
