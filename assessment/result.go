package assessment

// Result is what the rules decided and why. It is stored with the assessment
// exactly as computed, so a result reads the same years later.
//
// Decisive and NearMiss were added after the first results were stored: a
// result stored before them decodes with both nil, which means "not
// computed", not "none". A result computed now has them non-nil, empty when
// there is nothing to list.
type Result struct {
	Outcome  string            `json:"outcome"`
	Rule     string            `json:"rule"`
	Reason   string            `json:"reason"`
	Criteria []CriterionResult `json:"criteria"`
	Decisive []Decisive        `json:"decisive"`
	NearMiss []NearMiss        `json:"near_miss"`
	// Tension is where what the founder asked for and what they described
	// disagree, if anywhere; nil when they agree, and on every result
	// stored before content files had tensions.
	Tension *TensionShown `json:"tension,omitempty"`
}

// TensionShown is the tension a result names, in the words of the content
// file it was decided under, stored with it like the reason.
type TensionShown struct {
	ID       string `json:"id"`
	Sentence string `json:"sentence"`
	Neutral  string `json:"neutral,omitempty"`
	// SetAside is the outcome the request alone would have led to, when the
	// tension set it aside; empty when the verdict would be the same anyway.
	SetAside string `json:"set_aside,omitempty"`
}

// Decisive is one criterion the matching rule relied on: a condition of the
// rule that named it held. Answers are the one or two answers that pushed
// it furthest in the direction the condition needed (up for at_least, down
// for below), largest first; empty when no answer moved it that way, as
// when a criterion is low because nothing raised it.
type Decisive struct {
	Criterion string           `json:"criterion"`
	Label     string           `json:"label"`
	Level     string           `json:"level"`
	Answers   []DecisiveAnswer `json:"answers"`
}

// DecisiveAnswer is one answer behind a decisive criterion, with the points
// it gave that criterion.
type DecisiveAnswer struct {
	Question string `json:"question"`
	Option   string `json:"option"`
	Answer   string `json:"answer"`
	Points   int    `json:"points"`
}

// NearMiss is one answer that, changed on its own, gives another outcome.
// From and To are the question's option ids before and after; Answer is the
// label of the option that changed: the one picked instead, ticked, or (when
// To is shorter than From) unticked.
type NearMiss struct {
	Question string   `json:"question"`
	Prompt   string   `json:"prompt"`
	From     []string `json:"from"`
	To       []string `json:"to"`
	Answer   string   `json:"answer"`
	Outcome  string   `json:"outcome"`
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
