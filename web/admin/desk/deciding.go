package desk

import (
	"sort"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// decidingLabels names up to n criteria behind a result's outcome, each
// with its level: the result's decisive criteria, or for a result stored
// before those, the strongest signals on the outcome's side (fit signals for
// an outcome that invites a call, the signals against otherwise).
func decidingLabels(res assessment.Result, n int) []string {
	if len(res.Decisive) > 0 {
		var out []string
		for i := 0; i < len(res.Decisive) && i < n; i++ {
			d := res.Decisive[i]
			label := d.Label
			if c, ok := res.Criterion(d.Criterion); ok {
				label += " (" + strings.ToLower(c.LevelLabel) + ")"
			}
			out = append(out, label)
		}
		return out
	}
	// Stored before decisive reasons were computed: the strongest signals
	// on the side the outcome took.
	wantFit := res.Outcome == assessment.BookACall || res.Outcome == assessment.WorthAConversation
	var picked []assessment.CriterionResult
	for _, c := range res.Criteria {
		if c.LevelRank > 0 && (c.Kind == assessment.FitSignal) == wantFit {
			picked = append(picked, c)
		}
	}
	sort.SliceStable(picked, func(i, j int) bool {
		if picked[i].LevelRank != picked[j].LevelRank {
			return picked[i].LevelRank > picked[j].LevelRank
		}
		return picked[i].Score > picked[j].Score
	})
	var out []string
	for i := 0; i < len(picked) && i < n; i++ {
		out = append(out, picked[i].Label+" ("+strings.ToLower(picked[i].LevelLabel)+")")
	}
	if len(out) == 0 {
		return []string{"No strong signals either way"}
	}
	return out
}
