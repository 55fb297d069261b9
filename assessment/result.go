package assessment

// Result is what the rules decided and why. It is stored with the assessment
// exactly as computed, so a result reads the same years later.
type Result struct {
	Outcome  string            `json:"outcome"`
	Rule     string            `json:"rule"`
	Reason   string            `json:"reason"`
	Criteria []CriterionResult `json:"criteria"`
}

// CriterionResult is one criterion's score, level and the answers that moved it.
type CriterionResult struct {
	ID         string         `json:"id"`
	Label      string         `json:"label"`
	Kind       CriterionKind  `json:"kind"`
	Score      int            `json:"score"`
	Max        int            `json:"max"`
	Level      string         `json:"level"`
	LevelLabel string         `json:"level_label"`
	LevelRank  int            `json:"level_rank"` // 0 is the lowest level
	MovedBy    []Contribution `json:"moved_by"`
}

// Contribution is one answer's effect on one criterion.
type Contribution struct {
	Question string `json:"question"`
	Prompt   string `json:"prompt"`
	Option   string `json:"option"`
	Answer   string `json:"answer"`
	Points   int    `json:"points"`
}

// Criterion finds a criterion's result by id.
func (r Result) Criterion(id string) (CriterionResult, bool) {
	for _, c := range r.Criteria {
		if c.ID == id {
			return c, true
		}
	}
	return CriterionResult{}, false
}
