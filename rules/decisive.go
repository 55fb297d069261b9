package rules

import (
	"slices"

	"sessionplayer.studio/fitcheck/assessment"
)

// MaxDecisive is the most criteria a result names as decisive, and
// MaxDecisiveAnswers the most answers it shows for each.
const (
	MaxDecisive        = 3
	MaxDecisiveAnswers = 2
)

// leaning is a criterion a rule relied on, and which way: up when the
// condition that held needed it at or above a level, down when below.
type leaning struct {
	criterion int
	up        bool
}

// decisive names the criteria the matching rule relied on, in the order its
// conditions name them, each with the answers that moved it most the way
// the rule needed.
func decisive(in *input, rule *cond, criteria []assessment.CriterionResult) []assessment.Decisive {
	var leanings []leaning
	in.collect(rule, false, &leanings)
	out := make([]assessment.Decisive, 0, len(leanings))
	for _, l := range leanings {
		c := criteria[l.criterion]
		out = append(out, assessment.Decisive{
			Criterion: c.ID, Label: c.Label, Level: c.Level,
			Answers: strongestMovers(c.MovedBy, l.up),
		})
	}
	return out
}

// collect records, at most MaxDecisive and each criterion once, the
// criterion tests under c that made it come out as !negated. It only
// descends into parts that came out that way too, so a test inside an
// `any` branch that failed is never credited. Under a `not` the tests that
// failed are the ones that counted, pointing the other way.
func (in *input) collect(c *cond, negated bool, out *[]leaning) {
	if len(*out) >= MaxDecisive || in.holds(c) == negated {
		return
	}
	switch c.op {
	case opAtLeast, opBelow:
		crit := int(c.crit)
		if crit < 0 || slices.ContainsFunc(*out, func(l leaning) bool { return l.criterion == crit }) {
			return
		}
		*out = append(*out, leaning{criterion: crit, up: (c.op == opAtLeast) != negated})
	case opNot:
		in.collect(&c.parts[0], !negated, out)
	case opAll, opAny, opCount:
		for i := range c.parts {
			in.collect(&c.parts[i], negated, out)
		}
	}
}

// strongestMovers is the one or two answers that moved a criterion furthest
// up (or down), in that order; among equals, the one asked first (moved is
// in questionnaire order).
func strongestMovers(moved []assessment.Contribution, up bool) []assessment.DecisiveAnswer {
	pushes := func(m assessment.Contribution) int {
		if up {
			return m.Points
		}
		return -m.Points
	}
	out := make([]assessment.DecisiveAnswer, 0, MaxDecisiveAnswers)
	var taken [MaxDecisiveAnswers]int
	for len(out) < MaxDecisiveAnswers {
		best := -1
		for i, m := range moved {
			if pushes(m) > 0 && !slices.Contains(taken[:len(out)], i) && (best < 0 || pushes(m) > pushes(moved[best])) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		taken[len(out)] = best
		m := moved[best]
		out = append(out, assessment.DecisiveAnswer{Question: m.Question, Option: m.Option, Answer: m.Answer, Points: m.Points})
	}
	return out
}
