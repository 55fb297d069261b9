// Package rules turns answers into a result: a score and level per
// criterion, the outcome chosen by the content file's rules in order of
// precedence, and the explanation behind both. It is pure: no I/O, no clock.
package rules

import (
	"slices"

	"sessionplayer.studio/fitcheck/assessment"
)

// Evaluate scores the answers against the questionnaire, applies its rules
// and names the criteria that decided (Result.Decisive). It does not search
// for near-misses, which costs one evaluation per alternative answer; use
// EvaluateWithNearMiss for a result that is stored. The questionnaire must
// have passed assessment.Parse; answers are taken as given (unknown
// questions and options simply score nothing).
func Evaluate(q *assessment.Questionnaire, answers assessment.Answers) assessment.Result {
	res, _ := evaluate(q, answers)
	return res
}

// EvaluateWithNearMiss is Evaluate plus the near-miss search: the result a
// submit stores, so a result page never has to search again.
func EvaluateWithNearMiss(q *assessment.Questionnaire, answers assessment.Answers) assessment.Result {
	res, in := evaluate(q, answers)
	res.NearMiss = nearMiss(in, res)
	return res
}

// evaluate is Evaluate, also returning the input it tested the rules
// against, which the near-miss search goes on to reuse.
func evaluate(q *assessment.Questionnaire, answers assessment.Answers) (assessment.Result, *input) {
	criteria := Score(q, answers)
	in := newInput(q, criteria, answers)
	i, t := in.decide()
	if i < 0 {
		// Parse guarantees a final unconditional rule; this is only reached
		// with a questionnaire that skipped it.
		return assessment.Result{Criteria: criteria, Decisive: []assessment.Decisive{}}, in
	}
	r := &q.Rules[i]
	return assessment.Result{
		Outcome: r.Outcome, Rule: r.ID, Reason: r.Reason, Criteria: criteria,
		Decisive: decisive(in, &in.rules[i], criteria),
		Tension:  shownTension(in, t, r.Outcome),
	}, in
}

// shownTension is the tension t as the result names it, or nil for none.
// It records the outcome the tension set aside only when the request alone
// would have led there: otherwise the description changed nothing.
func shownTension(in *input, t int, outcome string) *assessment.TensionShown {
	if t < 0 {
		return nil
	}
	ct := &in.q.Tensions[t]
	shown := &assessment.TensionShown{ID: ct.ID, Sentence: ct.Sentence, Neutral: ct.Neutral}
	if aside := ct.SetsAside; aside != "" && aside != outcome {
		if j := in.firstRuleBut(""); j >= 0 && in.q.Rules[j].Outcome == aside {
			shown.SetAside = aside
		}
	}
	return shown
}

// Score computes every criterion's score, level and contributing answers,
// in the order the criteria are declared.
func Score(q *assessment.Questionnaire, answers assessment.Answers) []assessment.CriterionResult {
	out := make([]assessment.CriterionResult, len(q.Criteria))
	index := make(map[string]int, len(q.Criteria))
	for i, c := range q.Criteria {
		index[c.ID] = i
		out[i] = assessment.CriterionResult{ID: c.ID, Label: c.Label, Kind: c.Kind, MovedBy: []assessment.Contribution{}}
	}
	for _, step := range q.Steps {
		for qi := range step.Questions {
			qn := &step.Questions[qi]
			values := answers[qn.ID]
			for vi, value := range values {
				opt, ok := qn.Option(value)
				// A repeated option counts once, as Question.Check treats it.
				if !ok || slices.Contains(values[:vi], value) {
					continue
				}
				addOption(out, index, qn, opt)
			}
		}
	}
	for i, most := range q.MaxScores() {
		out[i].Max = most
	}
	for i, c := range q.Criteria {
		rank := levelRank(q, c, out[i].Score)
		out[i].LevelRank = rank
		out[i].Level = q.Levels[rank].ID
		out[i].LevelLabel = q.Levels[rank].Label
	}
	return out
}

// addOption credits one chosen option's points. Questions are visited in the
// order they are asked, so each criterion's explanation reads in that order.
func addOption(out []assessment.CriterionResult, index map[string]int, qn *assessment.Question, opt *assessment.Option) {
	for crit, points := range opt.Scores {
		i, ok := index[crit]
		if !ok || points == 0 {
			continue
		}
		out[i].Score += points
		out[i].MovedBy = append(out[i].MovedBy, assessment.Contribution{
			Question: qn.ID, Prompt: qn.Prompt, Option: opt.ID, Answer: opt.Label, Points: points,
		})
	}
}

// levelRank is the highest level whose threshold the score reaches.
func levelRank(q *assessment.Questionnaire, c assessment.Criterion, score int) int {
	rank := 0
	for i := 1; i < len(q.Levels); i++ {
		if min, ok := c.Thresholds[q.Levels[i].ID]; ok && score >= min {
			rank = i
		}
	}
	return rank
}
