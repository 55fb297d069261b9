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
	op    op
	crit  int32 // criterion tests: index into input.ranks, or -1 if unknown
	rank  int32 // criterion tests: the level's rank (-1 if unknown)
	count int32
	src   *assessment.Condition // answer tests read their question and option here
	parts []cond                // all, any, of; not has exactly one
}

// compileRules resolves every rule's condition, in rule order, and both
// conditions of every tension, in file order. All the compiled conditions
// share one allocation: Evaluate compiles on every call, so compiling must
// cost next to nothing.
func compileRules(q *assessment.Questionnaire) ([]cond, []tension) {
	n := len(q.Rules) + 2*len(q.Tensions)
	for i := range q.Rules {
		if w := q.Rules[i].When; w != nil {
			n += parts(w)
		}
	}
	for i := range q.Tensions {
		for _, c := range []*assessment.Condition{q.Tensions[i].Asked, q.Tensions[i].Described} {
			if c != nil {
				n += parts(c)
			}
		}
	}
	pool := make([]cond, n)
	next := len(q.Rules) + 2*len(q.Tensions)
	for i := range q.Rules {
		if w := q.Rules[i].When; w != nil {
			pool[i] = compile(q, w, pool, &next)
		}
	}
	sides := pool[len(q.Rules) : len(q.Rules)+2*len(q.Tensions)]
	tensions := make([]tension, len(q.Tensions))
	for i := range q.Tensions {
		t := &q.Tensions[i]
		tensions[i] = tension{asked: &sides[2*i], described: &sides[2*i+1], setsAside: t.SetsAside}
		for j, c := range []*assessment.Condition{t.Asked, t.Described} {
			// Parse requires both; a side left out never holds.
			sides[2*i+j] = cond{op: opNever}
			if c != nil {
				sides[2*i+j] = compile(q, c, pool, &next)
			}
		}
	}
	return pool[:len(q.Rules)], tensions
}

// tension is a content tension with both its conditions compiled.
type tension struct {
	asked, described *cond
	setsAside        string // an outcome id, or ""
}

// parts counts the conditions nested below c.
func parts(c *assessment.Condition) int {
	n := 0
	for _, group := range [][]assessment.Condition{c.All, c.Any, c.Of} {
		for i := range group {
			n += 1 + parts(&group[i])
		}
	}
	if c.Not != nil {
		n += 1 + parts(c.Not)
	}
	return n
}

// compile resolves c, taking the room for its parts from pool at *next.
func compile(q *assessment.Questionnaire, c *assessment.Condition, pool []cond, next *int) cond {
	reserve := func(o op, n int) cond {
		out := cond{op: o, parts: pool[*next : *next+n : *next+n], count: int32(c.Count)}
		*next += n
		return out
	}
	group := func(o op, cs []assessment.Condition) cond {
		out := reserve(o, len(cs))
		for i := range cs {
			out.parts[i] = compile(q, &cs[i], pool, next)
		}
		return out
	}
	switch {
	case c.Criterion != "":
		crit := int32(criterionIndex(q, c.Criterion))
		if c.AtLeast != "" {
			return cond{op: opAtLeast, crit: crit, rank: int32(q.LevelRank(c.AtLeast))}
		}
		return cond{op: opBelow, crit: crit, rank: int32(q.LevelRank(c.Below))}
	case c.Question != "":
		if c.Is != "" {
			return cond{op: opIs, src: c}
		}
		return cond{op: opIncludes, src: c}
	case len(c.All) > 0:
		return group(opAll, c.All)
	case len(c.Any) > 0:
		return group(opAny, c.Any)
	case c.Not != nil:
		out := reserve(opNot, 1)
		out.parts[0] = compile(q, c.Not, pool, next)
		return out
	case len(c.Of) > 0:
		return group(opCount, c.Of)
	}
	return cond{op: opNever}
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
	q        *assessment.Questionnaire
	rules    []cond    // compileRules(q)
	tensions []tension // compileRules(q)
	setters  int       // tensions[:setters] ends with the last that sets an outcome aside
	ranks    []int
	answers  answerView
}

func newInput(q *assessment.Questionnaire, criteria []assessment.CriterionResult, answers assessment.Answers) *input {
	rules, tensions := compileRules(q)
	return newInputWith(q, rules, tensions, criteria, answers)
}

// newInputWith is newInput with q's rules and tensions compiled already,
// for evaluating many answer sets under one questionnaire (RescoreUntil).
func newInputWith(q *assessment.Questionnaire, rules []cond, tensions []tension, criteria []assessment.CriterionResult,
	answers assessment.Answers) *input {
	ranks := make([]int, len(criteria))
	for i, c := range criteria {
		ranks[i] = c.LevelRank
	}
	in := &input{q: q, rules: rules, tensions: tensions, ranks: ranks, answers: answerView{base: answers}}
	for i, t := range tensions {
		if t.setsAside != "" {
			in.setters = i + 1
		}
	}
	return in
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

// firstRule is the index of the rule that decides, or -1, as decide finds
// it. It tries only the tensions up to the last that sets an outcome aside:
// a later one could show, but never change the outcome, which is all the
// near-miss search asks this for.
func (in *input) firstRule() int {
	return in.firstRuleBut(in.setAside(in.firstTension(in.tensions[:in.setters])))
}

// decide finds the first tension that holds (or -1) and the first rule
// that holds, passing over the rules that lead to the outcome that tension
// sets aside: where what a founder asks for and what they describe
// disagree, the description decides. A rule without a condition is never
// passed over, so there is always an answer.
func (in *input) decide() (rule, t int) {
	t = in.firstTension(in.tensions)
	return in.firstRuleBut(in.setAside(t)), t
}

// setAside is the outcome tension t sets aside, or "" for none.
func (in *input) setAside(t int) string {
	if t < 0 {
		return ""
	}
	return in.tensions[t].setsAside
}

// firstRuleBut is the index of the first rule whose condition holds and,
// unless it has no condition, whose outcome is not aside; or -1.
func (in *input) firstRuleBut(aside string) int {
	for i := range in.rules {
		c := &in.rules[i]
		if aside != "" && c.op != opAlways && in.q.Rules[i].Outcome == aside {
			continue
		}
		if in.holds(c) {
			return i
		}
	}
	return -1
}

// firstTension is the index of the first of tensions whose asked and
// described conditions both hold, or -1.
func (in *input) firstTension(tensions []tension) int {
	for i := range tensions {
		if t := &tensions[i]; in.holds(t.asked) && in.holds(t.described) {
			return i
		}
	}
	return -1
}

// rank is a criterion's level rank; an unknown criterion is at the lowest.
func (in *input) rank(crit int32) int32 {
	if crit < 0 {
		return 0
	}
	return int32(in.ranks[crit])
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
		values := in.answers.get(c.src.Question)
		return len(values) > 0 && values[0] == c.src.Is
	case opIncludes:
		return slices.Contains(in.answers.get(c.src.Question), c.src.Includes)
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
		return n >= int(c.count)
	}
	return false
}
