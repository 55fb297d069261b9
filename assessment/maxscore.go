package assessment

import "slices"

// MaxScores returns the most each criterion can score, in q.Criteria's
// order, so a chart can draw a score against what was possible. It depends
// on the questionnaire alone; Parse works it out once, and a questionnaire
// built another way (a test's literal) gets it worked out on each call.
// The slice is shared: callers must not change it.
func (q *Questionnaire) MaxScores() []int {
	if len(q.maxScores) == len(q.Criteria) && q.maxScores != nil {
		return q.maxScores
	}
	return maxScores(q)
}

func maxScores(q *Questionnaire) []int {
	index := make(map[string]int, len(q.Criteria))
	for i, c := range q.Criteria {
		index[c.ID] = i
	}
	out := make([]int, len(q.Criteria))
	for _, step := range q.Steps {
		for qi := range step.Questions {
			addMaximum(out, index, &step.Questions[qi])
		}
	}
	return out
}

// addMaximum adds the most a question can contribute to each criterion:
// the best single option, or for a multi question the best max_choices
// combinable options together, whichever is more.
func addMaximum(out []int, index map[string]int, qn *Question) {
	best := map[string]int{}
	combinable := map[string][]int{}
	for _, opt := range qn.Options {
		for crit, points := range opt.Scores {
			if points <= 0 {
				continue
			}
			if qn.Type == Multi && !opt.Exclusive {
				combinable[crit] = append(combinable[crit], points)
			}
			best[crit] = max(best[crit], points)
		}
	}
	for crit, points := range combinable {
		slices.SortFunc(points, func(a, b int) int { return b - a })
		if qn.MaxChoices > 0 && len(points) > qn.MaxChoices {
			points = points[:qn.MaxChoices]
		}
		sum := 0
		for _, p := range points {
			sum += p
		}
		best[crit] = max(best[crit], sum)
	}
	for crit, points := range best {
		if i, ok := index[crit]; ok {
			out[i] += points
		}
	}
}
