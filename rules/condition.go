package rules

import (
	"slices"

	"sessionplayer.studio/fitcheck/assessment"
)

// op is what a compiled condition tests.
type op uint8

const (
	opAlways op = iota // a rule without a condition
	opAtLeast
	opBelow
	opIs
	opIncludes
	opAll
	opAny
	opNot
	opCount
	opNever // a condition in no known form; Parse rejects these
)

// cond is a rule's condition with its criterion and level ids resolved to
// positions, so that testing it, once per alternative in the near-miss
// search, costs integer comparisons rather than lookups by name.
type cond struct {
	op       op
	crit     int // criterion tests: index into input.ranks, or -1 if unknown
	rank     int // criterion tests: the level's rank (-1 if unknown)
	question string
	option   string
	parts    []cond // all, any, of; not has exactly one
	count    int
}

// compileRules resolves every rule's condition, in rule order.
func compileRules(q *assessment.Questionnaire) []cond {
	out := make([]cond, len(q.Rules))
	for i := range q.Rules {
		if w := q.Rules[i].When; w != nil {
			out[i] = compile(q, w)
		}
	}
	return out
}

func compile(q *assessment.Questionnaire, c *assessment.Condition) cond {
	switch {
	case c.Criterion != "":
		if c.AtLeast != "" {
			return cond{op: opAtLeast, crit: criterionIndex(q, c.Criterion), rank: q.LevelRank(c.AtLeast)}
		}
		return cond{op: opBelow, crit: criterionIndex(q, c.Criterion), rank: q.LevelRank(c.Below)}
	case c.Question != "":
		if c.Is != "" {
			return cond{op: opIs, question: c.Question, option: c.Is}
		}
		return cond{op: opIncludes, question: c.Question, option: c.Includes}
	case len(c.All) > 0:
		return cond{op: opAll, parts: compileAll(q, c.All)}
	case len(c.Any) > 0:
		return cond{op: opAny, parts: compileAll(q, c.Any)}
	case c.Not != nil:
		return cond{op: opNot, parts: []cond{compile(q, c.Not)}}
	case len(c.Of) > 0:
		return cond{op: opCount, parts: compileAll(q, c.Of), count: c.Count}
	}
	return cond{op: opNever}
}

func compileAll(q *assessment.Questionnaire, cs []assessment.Condition) []cond {
	out := make([]cond, len(cs))
	for i := range cs {
		out[i] = compile(q, &cs[i])
	}
	return out
}

// criterionIndex is a criterion's position in q.Criteria, or -1.
func criterionIndex(q *assessment.Questionnaire, id string) int {
	for i := range q.Criteria {
		if q.Criteria[i].ID == id {
			return i
		}
	}
	return -1
}

// input is what conditions are tested against: each criterion's level
// rank, in q.Criteria's order, and the answers. The near-miss search reuses
// one input for every alternative, changing ranks and one answer in place
// rather than copying the answers.
type input struct {
	q       *assessment.Questionnaire
	rules   []cond // compileRules(q)
	ranks   []int
	answers answerView
}

func newInput(q *assessment.Questionnaire, criteria []assessment.CriterionResult, answers assessment.Answers) *input {
	ranks := make([]int, len(criteria))
	for i, c := range criteria {
		ranks[i] = c.LevelRank
	}
	return &input{q: q, rules: compileRules(q), ranks: ranks, answers: answerView{base: answers}}
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

// firstRule is the index of the first rule whose condition holds, or -1.
func (in *input) firstRule() int {
	for i := range in.rules {
		if in.holds(&in.rules[i]) {
			return i
		}
	}
	return -1
}

// rank is a criterion's level rank; an unknown criterion is at the lowest.
func (in *input) rank(crit int) int {
	if crit < 0 {
		return 0
	}
	return in.ranks[crit]
}

func (in *input) holds(c *cond) bool {
	switch c.op {
	case opAlways:
		return true
	case opAtLeast:
		return in.rank(c.crit) >= c.rank
	case opBelow:
		return in.rank(c.crit) < c.rank
	case opIs:
		values := in.answers.get(c.question)
		return len(values) > 0 && values[0] == c.option
	case opIncludes:
		return slices.Contains(in.answers.get(c.question), c.option)
	case opAll:
		for i := range c.parts {
			if !in.holds(&c.parts[i]) {
				return false
			}
		}
		return true
	case opAny:
		for i := range c.parts {
			if in.holds(&c.parts[i]) {
				return true
			}
		}
		return false
	case opNot:
		return !in.holds(&c.parts[0])
	case opCount:
		n := 0
		for i := range c.parts {
			if in.holds(&c.parts[i]) {
				n++
			}
		}
		return n >= c.count
	}
	return false
}
