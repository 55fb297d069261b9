package assessment

import "strings"

// Outcome ids. They are stable: tests, stored results and the JSON API use them.
const (
	BookACall             = "book-a-call"
	WorthAConversation    = "worth-a-conversation"
	NarrowScope           = "narrow-scope"
	HireAPM               = "hire-a-pm"
	DifferentConversation = "different-conversation"
	HireFullTime          = "hire-full-time"
)

// OutcomeIDs lists every outcome a content file must describe, in the order
// the product documents them.
var OutcomeIDs = []string{BookACall, WorthAConversation, NarrowScope, HireAPM, DifferentConversation, HireFullTime}

// Question finds a question by id, with the index of the step that asks it.
func (q *Questionnaire) Question(id string) (*Question, int, bool) {
	for si := range q.Steps {
		for qi := range q.Steps[si].Questions {
			if q.Steps[si].Questions[qi].ID == id {
				return &q.Steps[si].Questions[qi], si, true
			}
		}
	}
	return nil, 0, false
}

// Outcome finds an outcome by id.
func (q *Questionnaire) Outcome(id string) (*Outcome, bool) {
	for i := range q.Outcomes {
		if q.Outcomes[i].ID == id {
			return &q.Outcomes[i], true
		}
	}
	return nil, false
}

// OutcomeLabel is the owner's short name for an outcome: its label in the
// content file, or else its id in words ("narrow-scope" reads "Narrow scope").
func (q *Questionnaire) OutcomeLabel(id string) string {
	if o, ok := q.Outcome(id); ok && o.Label != "" {
		return o.Label
	}
	words := strings.ReplaceAll(id, "-", " ")
	if words == "" {
		return words
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

// Tension finds a result tension by id.
func (q *Questionnaire) Tension(id string) (*ResultTension, bool) {
	for i := range q.Tensions {
		if q.Tensions[i].ID == id {
			return &q.Tensions[i], true
		}
	}
	return nil, false
}

// Criterion finds a criterion by id.
func (q *Questionnaire) Criterion(id string) (*Criterion, bool) {
	for i := range q.Criteria {
		if q.Criteria[i].ID == id {
			return &q.Criteria[i], true
		}
	}
	return nil, false
}

// LevelRank is a level's position on the ladder (0 is the lowest), or -1.
func (q *Questionnaire) LevelRank(id string) int {
	for i, l := range q.Levels {
		if l.ID == id {
			return i
		}
	}
	return -1
}

// Option finds an option of a question by id.
func (qn *Question) Option(id string) (*Option, bool) {
	for i := range qn.Options {
		if qn.Options[i].ID == id {
			return &qn.Options[i], true
		}
	}
	return nil, false
}

// QuestionCount is the number of questions across all steps.
func (q *Questionnaire) QuestionCount() int {
	n := 0
	for _, s := range q.Steps {
		n += len(s.Questions)
	}
	return n
}
