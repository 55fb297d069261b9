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

func resultJSON(a *assessment.Assessment) resultDoc {
	doc := resultDoc{
		Outcome:  a.Result.Outcome,
		Criteria: []criterionDoc{},
		Explanation: explanationDoc{Rule: a.Result.Rule, Reason: a.Result.Reason, Criteria: []movedByDoc{},
			Decisive: orEmpty(a.Result.Decisive), NearMiss: orEmpty(a.Result.NearMiss), Tension: a.Result.Tension},
		CreatedAt:            a.CreatedAt.UTC(),
		QuestionnaireVersion: a.QuestionnaireVersion,
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
