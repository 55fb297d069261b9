package rules

import (
	"slices"

	"sessionplayer.studio/fitcheck/assessment"
)

// input is what the rules' conditions are tested against: each criterion's
// level rank, in q.Criteria's order, and the answers. The near-miss search
// reuses one input for every alternative, changing a rank or one answer in
// place rather than copying the answers.
type input struct {
	q       *assessment.Questionnaire
	ranks   []int
	answers answerView
}

func newInput(q *assessment.Questionnaire, criteria []assessment.CriterionResult, answers assessment.Answers) *input {
	ranks := make([]int, len(criteria))
	for i, c := range criteria {
		ranks[i] = c.LevelRank
	}
	return &input{q: q, ranks: ranks, answers: answerView{base: answers}}
}

// answerView is a set of answers with, optionally, one question's answer
// replaced: a near-miss alternative without a copy of the whole map.
type answerView struct {
	base     assessment.Answers
	question string // "" when nothing is replaced
	values   []string
}

func (v answerView) get(question string) []string {
	if v.question != "" && question == v.question {
		return v.values
	}
	return v.base[question]
}

// firstRule is the first rule whose condition holds, or nil.
func (in *input) firstRule() *assessment.Rule {
	for i := range in.q.Rules {
		r := &in.q.Rules[i]
		if r.When == nil || in.holds(r.When) {
			return r
		}
	}
	return nil
}

// criterionIndex is a criterion's position in q.Criteria, or -1. A scan is
// cheaper than a map for the handful of criteria a questionnaire has.
func criterionIndex(q *assessment.Questionnaire, id string) int {
	for i := range q.Criteria {
		if q.Criteria[i].ID == id {
			return i
		}
	}
	return -1
}

func (in *input) holds(c *assessment.Condition) bool {
	switch {
	case c.Criterion != "":
		rank := 0
		if i := criterionIndex(in.q, c.Criterion); i >= 0 {
			rank = in.ranks[i]
		}
		if c.AtLeast != "" {
			return rank >= in.q.LevelRank(c.AtLeast)
		}
		return rank < in.q.LevelRank(c.Below)
	case c.Question != "":
		values := in.answers.get(c.Question)
		if c.Is != "" {
			return len(values) > 0 && values[0] == c.Is
		}
		return slices.Contains(values, c.Includes)
	case len(c.All) > 0:
		for i := range c.All {
			if !in.holds(&c.All[i]) {
				return false
			}
		}
		return true
	case len(c.Any) > 0:
		for i := range c.Any {
			if in.holds(&c.Any[i]) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !in.holds(c.Not)
	case len(c.Of) > 0:
		n := 0
		for i := range c.Of {
			if in.holds(&c.Of[i]) {
				n++
			}
		}
		return n >= c.Count
	}
	return false
}
