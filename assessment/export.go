package assessment

import "time"

// ExportRow is a stored assessment as the CSV export writes it: the
// columns it needs and no more. Of the result it has the outcome and each
// criterion's score and level, not the explanation.
type ExportRow struct {
	ID                   int64
	Token                string
	QuestionnaireVersion string
	Outcome              string
	Status               Status
	Contact              Contact
	Answers              Answers
	Criteria             []CriterionScore
	CreatedAt            time.Time
}

// CriterionScore is one criterion's score and level, as a stored result
// has them.
type CriterionScore struct {
	ID         string `json:"id"`
	Score      int    `json:"score"`
	LevelLabel string `json:"level_label"`
}

// Criterion finds a criterion's score by id.
func (r *ExportRow) Criterion(id string) (CriterionScore, bool) {
	for _, c := range r.Criteria {
		if c.ID == id {
			return c, true
		}
	}
	return CriterionScore{}, false
}
