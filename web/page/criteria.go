package page

import (
	"sort"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// CriterionView is one criterion's result as the result page and the review
// area show it.
type CriterionView struct {
	ID          string
	Label       string
	Kind        string
	KindLabel   string
	Description string
	Level       string
	LevelLabel  string
	Score       int
	Max         int
	MovedBy     []assessment.Contribution
}

// CriterionViews orders criteria as the content declares them, fit signals first.
func CriterionViews(q *assessment.Questionnaire, res assessment.Result) []CriterionView {
	out := make([]CriterionView, 0, len(res.Criteria))
	for _, c := range res.Criteria {
		cv := CriterionView{
			ID: c.ID, Label: c.Label, Kind: string(c.Kind), KindLabel: c.Kind.Direction(),
			Level: c.Level, LevelLabel: c.LevelLabel, Score: c.Score, Max: c.Max, MovedBy: c.MovedBy,
		}
		if def, ok := q.Criterion(c.ID); ok {
			cv.Description = def.Description
		}
		out = append(out, cv)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return assessment.CriterionKind(out[i].Kind).Rank() < assessment.CriterionKind(out[j].Kind).Rank()
	})
	return out
}

// Signed writes points with their sign: +2, -1, 0.
func Signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Paragraphs splits copy on blank lines.
func Paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Join(strings.Fields(p), " "))
		}
	}
	return out
}
