package result

import (
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// The JSON twin of a result page. It never carries contact details.
type resultDoc struct {
	Outcome              string         `json:"outcome"`
	Criteria             []criterionDoc `json:"criteria"`
	Explanation          explanationDoc `json:"explanation"`
	CreatedAt            time.Time      `json:"created_at"`
	QuestionnaireVersion string         `json:"questionnaire_version"`
	// Benchmark is where the founder stands among founders who answered
	// the same version; null until that version has enough of them.
	Benchmark *benchmarkDoc `json:"benchmark"`
}

// benchmarkDoc is where a founder stands, as the page says it: in tenths,
// from a sample of at least Minimum comparable results.
type benchmarkDoc struct {
	Comparable int           `json:"comparable"`
	Since      string        `json:"since"` // the first comparable result's day, YYYY-MM-DD
	Minimum    int           `json:"minimum"`
	Criteria   []standingDoc `json:"criteria"`
}

type standingDoc struct {
	Criterion string `json:"criterion"`
	// BelowInTen, SameInTen and AboveInTen are how many in ten of the
	// comparable results scored below, the same as and above this one,
	// each rounded down.
	BelowInTen int    `json:"below_in_10"`
	SameInTen  int    `json:"same_in_10"`
	AboveInTen int    `json:"above_in_10"`
	Sentence   string `json:"sentence"`
}

func benchmarkJSON(b benchmarkView) *benchmarkDoc {
	if len(b.Standings) == 0 {
		return nil
	}
	doc := &benchmarkDoc{Comparable: b.Of, Since: b.SinceISO, Minimum: b.Minimum}
	for _, s := range b.Standings {
		doc.Criteria = append(doc.Criteria, standingDoc{Criterion: s.Criterion, BelowInTen: s.BelowInTen, SameInTen: s.SameInTen,
			AboveInTen: s.AboveInTen, Sentence: s.Sentence})
	}
	return doc
}

type criterionDoc struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Score int    `json:"score"`
	Max   int    `json:"max"`
	Level string `json:"level"`
}

type explanationDoc struct {
	Rule     string                `json:"rule"`
	Reason   string                `json:"reason"`
	Criteria []movedByDoc          `json:"criteria"`
	Decisive []assessment.Decisive `json:"decisive"`
	NearMiss []assessment.NearMiss `json:"near_miss"`
	// Tension is where what the founder asked for and what they described
	// disagree, in the questionnaire's words; null when they agree.
	Tension *assessment.TensionShown `json:"tension"`
}

type movedByDoc struct {
	Criterion string                    `json:"criterion"`
	Level     string                    `json:"level"`
	MovedBy   []assessment.Contribution `json:"moved_by"`
}

func resultJSON(a *assessment.Assessment, bench benchmarkView) resultDoc {
	doc := resultDoc{
		Outcome:  a.Result.Outcome,
		Criteria: []criterionDoc{},
		Explanation: explanationDoc{Rule: a.Result.Rule, Reason: a.Result.Reason, Criteria: []movedByDoc{},
			Decisive: orEmpty(a.Result.Decisive), NearMiss: orEmpty(a.Result.NearMiss), Tension: a.Result.Tension},
		CreatedAt:            a.CreatedAt.UTC(),
		QuestionnaireVersion: a.QuestionnaireVersion,
		Benchmark:            benchmarkJSON(bench),
	}
	for _, c := range a.Result.Criteria {
		doc.Criteria = append(doc.Criteria, criterionDoc{ID: c.ID, Label: c.Label, Kind: string(c.Kind), Score: c.Score, Max: c.Max, Level: c.Level})
		doc.Explanation.Criteria = append(doc.Explanation.Criteria, movedByDoc{Criterion: c.ID, Level: c.Level, MovedBy: c.MovedBy})
	}
	return doc
}

// orEmpty writes a list stored before it existed (nil) as [] in JSON.
func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
