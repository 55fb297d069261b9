package rules

import "sessionplayer.studio/fitcheck/assessment"

// Holds reports whether a content condition holds for an evaluated result
// and its answers, as a rule's `when` would: the brief's tensions use the
// same conditions as the rules, so they read and behave alike.
func Holds(q *assessment.Questionnaire, c *assessment.Condition, res assessment.Result, answers assessment.Answers) bool {
	ranks := make([]int, len(q.Criteria))
	for i, cr := range q.Criteria {
		if r, ok := res.Criterion(cr.ID); ok {
			ranks[i] = r.LevelRank
		}
	}
	next := 0
	compiled := compile(q, c, make([]cond, parts(c)), &next)
	in := &input{q: q, ranks: ranks, answers: answerView{base: answers}}
	return in.holds(&compiled)
}
