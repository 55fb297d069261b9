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
func decisive(in *input, r *assessment.Rule, criteria []assessment.CriterionResult) []assessment.Decisive {
	out := []assessment.Decisive{}
	if r.When == nil {
		return out
	}
	for _, l := range in.leanings(r.When) {
		c := criteria[l.criterion]
		out = append(out, assessment.Decisive{
			Criterion: c.ID, Label: c.Label, Level: c.Level,
			Answers: strongestMovers(c.MovedBy, l.up),
		})
	}
	return out
}

// leanings collects, at most MaxDecisive and each criterion once, the
// criterion tests under cond that made it hold.
func (in *input) leanings(cond *assessment.Condition) []leaning {
	var out []leaning
	in.collect(cond, false, &out)
	return out
}

// collect walks cond, which must evaluate to !negated for its parts to have
// counted, and records each criterion test that agreed. Under a `not` the
// tests that failed are the ones that counted, pointing the other way.
func (in *input) collect(c *assessment.Condition, negated bool, out *[]leaning) {
	if len(*out) >= MaxDecisive || in.holds(c) == negated {
		return
	}
	switch {
	case c.Criterion != "":
		i := criterionIndex(in.q, c.Criterion)
		if i < 0 || slices.ContainsFunc(*out, func(l leaning) bool { return l.criterion == i }) {
			return
		}
		*out = append(*out, leaning{criterion: i, up: (c.AtLeast != "") != negated})
	case len(c.All) > 0:
		for i := range c.All {
			in.collect(&c.All[i], negated, out)
		}
	case len(c.Any) > 0:
		for i := range c.Any {
			in.collect(&c.Any[i], negated, out)
		}
	case c.Not != nil:
		in.collect(c.Not, !negated, out)
	case len(c.Of) > 0:
		for i := range c.Of {
			in.collect(&c.Of[i], negated, out)
		}
	}
}

// strongestMovers is the one or two answers that moved a criterion furthest
// up (or down), in that order; among equals, the one asked first.
func strongestMovers(moved []assessment.Contribution, up bool) []assessment.DecisiveAnswer {
	var pushing []assessment.Contribution
	for _, m := range moved {
		if (up && m.Points > 0) || (!up && m.Points < 0) {
			pushing = append(pushing, m)
		}
	}
	slices.SortStableFunc(pushing, func(a, b assessment.Contribution) int {
		if up {
			return b.Points - a.Points
		}
		return a.Points - b.Points
	})
	out := make([]assessment.DecisiveAnswer, 0, MaxDecisiveAnswers)
	for _, m := range pushing[:min(len(pushing), MaxDecisiveAnswers)] {
		out = append(out, assessment.DecisiveAnswer{Question: m.Question, Option: m.Option, Answer: m.Answer, Points: m.Points})
	}
	return out
}
