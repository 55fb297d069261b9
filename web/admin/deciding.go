package admin

import (
	"sort"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// decidingLabels names up to n criteria behind a result's outcome, strongest
// first, each with its level: for an outcome that argues for a call the fit
// signals, for one that routes elsewhere the signals against.
func decidingLabels(res assessment.Result, n int) []string {
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
