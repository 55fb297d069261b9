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

// kindLabels say in plain words which way a criterion points.
var kindLabels = map[assessment.CriterionKind]string{
	assessment.FitSignal:    "Points towards a fractional leader",
	assessment.NotFitSignal: "Points elsewhere",
	assessment.Context:      "Context",
}

// CriterionViews orders criteria as the content declares them, fit signals first.
func CriterionViews(q *assessment.Questionnaire, res assessment.Result) []CriterionView {
	out := make([]CriterionView, 0, len(res.Criteria))
	for _, c := range res.Criteria {
		cv := CriterionView{
			ID: c.ID, Label: c.Label, Kind: string(c.Kind), KindLabel: kindLabels[c.Kind],
			Level: c.Level, LevelLabel: c.LevelLabel, Score: c.Score, Max: c.Max, MovedBy: c.MovedBy,
		}
		if def, ok := q.Criterion(c.ID); ok {
			cv.Description = def.Description
		}
		out = append(out, cv)
	}
	rank := map[string]int{string(assessment.FitSignal): 0, string(assessment.NotFitSignal): 1, string(assessment.Context): 2}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Kind] < rank[out[j].Kind] })
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
