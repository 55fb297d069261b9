package rules

import (
	"slices"

	"sessionplayer.studio/fitcheck/assessment"
)

// MaxNearMiss is the most near-misses a result lists.
const MaxNearMiss = 2

// alternative is one single-answer change the near-miss search tries.
type alternative struct {
	question *assessment.Question
	from, to []string
	option   *assessment.Option // picked instead, ticked or unticked
	distance int                // points moved on a scale; 1 for any other change
	touches  bool               // moves a criterion that decided the result
	outcome  string
}

// nearMiss tries every single-answer change and keeps the one or two that
// give another outcome. Each alternative costs one evaluation, but not a
// full one: only the changed question's points are taken off and put back,
// only the criteria they move are graded again, and the answers are not
// copied, so the search stays within a few microseconds per alternative.
func nearMiss(q *assessment.Questionnaire, answers assessment.Answers, res assessment.Result) []assessment.NearMiss {
	base := make([]int, len(res.Criteria))
	for i, c := range res.Criteria {
		base[i] = c.Score
	}
	decided := make([]bool, len(q.Criteria))
	for _, d := range res.Decisive {
		if i := criterionIndex(q, d.Criterion); i >= 0 {
			decided[i] = true
		}
	}
	in := newInput(q, res.Criteria, answers)
	baseRanks := slices.Clone(in.ranks)
	before := make([]int, len(q.Criteria))
	after := make([]int, len(q.Criteria))

	var found []alternative
	for si := range q.Steps {
		for qi := range q.Steps[si].Questions {
			qn := &q.Steps[si].Questions[qi]
			if qn.Type == assessment.Text {
				continue
			}
			from := answers[qn.ID]
			questionPoints(q, qn, from, before)
			for _, alt := range alternatives(qn, from) {
				questionPoints(q, qn, alt.to, after)
				copy(in.ranks, baseRanks)
				for i := range q.Criteria {
					if delta := after[i] - before[i]; delta != 0 {
						in.ranks[i] = levelRank(q, q.Criteria[i], base[i]+delta)
						alt.touches = alt.touches || decided[i]
					}
				}
				in.answers = answerView{base: answers, question: qn.ID, values: alt.to}
				if r := in.firstRule(); r != nil && r.Outcome != res.Outcome {
					alt.outcome = r.Outcome
					found = append(found, alt)
				}
			}
		}
	}
	return choose(found)
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
		out = append(out, assessment.NearMiss{
			Question: alt.question.ID, Prompt: alt.question.Prompt,
			From: nonNil(slices.Clone(alt.from)), To: alt.to,
			Answer: alt.option.Label, Outcome: alt.outcome,
		})
	}
	return out
}

// alternatives lists every answer to qn that differs from `from` by one
// choice, as the form would let a founder give it, in option order: another
// option of a single or scale question; one option more or less of a multi
// question. An exclusive option ("none of these") swaps with a lone choice,
// since ticking one means unticking the other, and a required question is
// never left empty.
func alternatives(qn *assessment.Question, from []string) []alternative {
	var out []alternative
	for oi := range qn.Options {
		opt := &qn.Options[oi]
		var to []string
		switch {
		case qn.Type != assessment.Multi:
			if len(from) == 1 && from[0] == opt.ID {
				continue
			}
			to = []string{opt.ID}
		case slices.Contains(from, opt.ID):
			to = slices.DeleteFunc(slices.Clone(from), func(v string) bool { return v == opt.ID })
			if len(to) == 0 && qn.Required {
				continue
			}
		case len(from) == 0:
			to = []string{opt.ID}
		case opt.Exclusive || hasExclusive(qn, from):
			if len(from) != 1 {
				continue
			}
			to = []string{opt.ID}
		default:
			to = append(slices.Clone(from), opt.ID)
			if qn.MaxChoices > 0 && distinctKnown(qn, to) > qn.MaxChoices {
				continue
			}
		}
		out = append(out, alternative{question: qn, from: from, to: nonNil(to), option: opt, distance: distance(qn, from, oi)})
	}
	return out
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

// questionPoints writes into out what one question's answer adds to each
// criterion, counting each known option once, as Score does.
func questionPoints(q *assessment.Questionnaire, qn *assessment.Question, values []string, out []int) {
	clear(out)
	for vi, v := range values {
		opt, ok := qn.Option(v)
		if !ok || slices.Contains(values[:vi], v) {
			continue
		}
		for crit, points := range opt.Scores {
			if i := criterionIndex(q, crit); i >= 0 {
				out[i] += points
			}
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
