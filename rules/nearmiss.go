package rules

import (
	"slices"

	"sessionplayer.studio/fitcheck/assessment"
)

// MaxNearMiss is the most near-misses a result lists.
const MaxNearMiss = 2

// alternative is one single-answer change that gives another outcome: the
// answer alternativeTo makes from `from` with option `option`.
type alternative struct {
	question *assessment.Question
	from     []string
	option   int  // index of the option picked instead, ticked or unticked
	distance int  // points moved on a scale; 1 for any other change
	touches  bool // moves a criterion that decided the result
	outcome  string
}

// nearMiss tries every single-answer change and keeps the one or two that
// give another outcome. Each change costs one evaluation, but not a full
// one: the changed question's points are taken off and the new answer's
// put back, only the criteria that moved are graded again, and the answers
// are viewed with one question replaced rather than copied.
func nearMiss(in *input, res assessment.Result) []assessment.NearMiss {
	s := newSearch(in, res)
	points := optionPoints(in.q)
	n := len(in.q.Criteria)
	for si := range in.q.Steps {
		for qi := range in.q.Steps[si].Questions {
			qn := &in.q.Steps[si].Questions[qi]
			rows := points[:len(qn.Options)*n]
			points = points[len(rows):]
			if qn.Type != assessment.Text {
				s.tryQuestion(qn, rows)
			}
		}
	}
	return choose(s.found)
}

// search is the state of one near-miss search: the evaluated answers as a
// baseline, and the changes found so far that give another outcome.
type search struct {
	in            *input
	outcome       string
	scores, ranks []int  // the baseline's, per criterion
	decided       []bool // per criterion: named in the result's decisive part
	before, after []int  // one question's points, before and after a change
	scratch       []string
	found         []alternative
}

func newSearch(in *input, res assessment.Result) *search {
	n := len(in.q.Criteria)
	s := &search{
		in: in, outcome: res.Outcome,
		scores: make([]int, n), ranks: slices.Clone(in.ranks), decided: make([]bool, n),
		before: make([]int, n), after: make([]int, n),
	}
	for i, c := range res.Criteria {
		s.scores[i] = c.Score
	}
	for _, d := range res.Decisive {
		if i := criterionIndex(in.q, d.Criterion); i >= 0 {
			s.decided[i] = true
		}
	}
	return s
}

// tryQuestion evaluates every single change to qn's answer; rows are its
// options' points (see optionPoints).
func (s *search) tryQuestion(qn *assessment.Question, rows []int) {
	q, in := s.in.q, s.in
	answers := in.answers.base
	from := answers[qn.ID]
	questionPoints(qn, rows, len(q.Criteria), from, s.before)
	for oi := range qn.Options {
		var ok bool
		if s.scratch, ok = alternativeTo(qn, from, oi, s.scratch[:0]); !ok {
			continue
		}
		questionPoints(qn, rows, len(q.Criteria), s.scratch, s.after)
		copy(in.ranks, s.ranks)
		touches := false
		for i := range q.Criteria {
			if delta := s.after[i] - s.before[i]; delta != 0 {
				in.ranks[i] = levelRank(q, q.Criteria[i], s.scores[i]+delta)
				touches = touches || s.decided[i]
			}
		}
		in.answers = answerView{base: answers, question: qn.ID, values: s.scratch}
		r := in.firstRule()
		in.answers = answerView{base: answers}
		if r < 0 || q.Rules[r].Outcome == s.outcome {
			continue
		}
		s.found = append(s.found, alternative{
			question: qn, from: from, option: oi,
			distance: distance(qn, from, oi), touches: touches, outcome: q.Rules[r].Outcome,
		})
	}
	copy(in.ranks, s.ranks)
}

// choose picks at most MaxNearMiss changes, one per outcome: first those
// that move a criterion that decided the result, then the smallest move on
// a scale, then questionnaire order (found is already in that order).
func choose(found []alternative) []assessment.NearMiss {
	slices.SortStableFunc(found, func(a, b alternative) int {
		if a.touches != b.touches {
			if a.touches {
				return -1
			}
			return 1
		}
		return a.distance - b.distance
	})
	out := []assessment.NearMiss{}
	for _, alt := range found {
		if len(out) == MaxNearMiss {
			break
		}
		if slices.ContainsFunc(out, func(n assessment.NearMiss) bool { return n.Outcome == alt.outcome }) {
			continue
		}
		to, _ := alternativeTo(alt.question, alt.from, alt.option, nil)
		out = append(out, assessment.NearMiss{
			Question: alt.question.ID, Prompt: alt.question.Prompt,
			From: nonNil(slices.Clone(alt.from)), To: nonNil(to),
			Answer: alt.question.Options[alt.option].Label, Outcome: alt.outcome,
		})
	}
	return out
}

// alternativeTo writes into buf the answer to qn that differs from `from`
// by option oi, as the form would let a founder give it, and reports
// whether there is one: another option of a single or scale question; one
// option more or less of a multi question. An exclusive option ("none of
// these") swaps with a lone choice, since ticking one unticks the other; a
// required question is never left empty, and max_choices is kept.
func alternativeTo(qn *assessment.Question, from []string, oi int, buf []string) ([]string, bool) {
	opt := &qn.Options[oi]
	switch {
	case qn.Type != assessment.Multi:
		if len(from) == 1 && from[0] == opt.ID {
			return buf, false
		}
		return append(buf, opt.ID), true
	case slices.Contains(from, opt.ID):
		for _, v := range from {
			if v != opt.ID {
				buf = append(buf, v)
			}
		}
		return buf, len(buf) > 0 || !qn.Required
	case len(from) == 0:
		return append(buf, opt.ID), true
	case opt.Exclusive || hasExclusive(qn, from):
		return append(buf, opt.ID), len(from) == 1
	default:
		buf = append(append(buf, from...), opt.ID)
		return buf, qn.MaxChoices == 0 || distinctKnown(qn, buf) <= qn.MaxChoices
	}
}

// distance is how far a change moves along a scale: the number of points
// between the old answer and the new. Every other change counts as one.
func distance(qn *assessment.Question, from []string, to int) int {
	if qn.Type != assessment.Scale || len(from) == 0 {
		return 1
	}
	at := slices.IndexFunc(qn.Options, func(o assessment.Option) bool { return o.ID == from[0] })
	if at < 0 {
		return 1
	}
	if at > to {
		return at - to
	}
	return to - at
}

func hasExclusive(qn *assessment.Question, values []string) bool {
	for _, v := range values {
		if opt, ok := qn.Option(v); ok && opt.Exclusive {
			return true
		}
	}
	return false
}

func distinctKnown(qn *assessment.Question, values []string) int {
	n := 0
	for i, v := range values {
		if _, ok := qn.Option(v); ok && !slices.Contains(values[:i], v) {
			n++
		}
	}
	return n
}

// optionPoints lays out what every option adds to each criterion: one row
// per option, in questionnaire order, one column per criterion, so that a
// question's points are sums of its rows.
func optionPoints(q *assessment.Questionnaire) []int {
	n := len(q.Criteria)
	options := 0
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			options += len(qn.Options)
		}
	}
	out := make([]int, options*n)
	row := 0
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			for _, opt := range qn.Options {
				for crit, points := range opt.Scores {
					if i := criterionIndex(q, crit); i >= 0 {
						out[row*n+i] += points
					}
				}
				row++
			}
		}
	}
	return out
}

// questionPoints writes into out what one question's answer adds to each
// criterion, counting each known option once, as Score does.
func questionPoints(qn *assessment.Question, points []int, n int, values []string, out []int) {
	clear(out)
	for vi, v := range values {
		oi := slices.IndexFunc(qn.Options, func(o assessment.Option) bool { return o.ID == v })
		if oi < 0 || slices.Contains(values[:vi], v) {
			continue
		}
		for i, p := range points[oi*n : (oi+1)*n] {
			out[i] += p
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
