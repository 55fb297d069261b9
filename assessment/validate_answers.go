package assessment

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// MaxValuesPerQuestion bounds how many values one question may receive, so a
// tampered form cannot make us store or loop over thousands of them.
const MaxValuesPerQuestion = 32

// FieldErrors maps a question id to the message a visitor should read next to it.
type FieldErrors map[string]string

// Check validates one answer to this question. It returns the answer cleaned
// (see CleanText; de-duplicated, empty values dropped) and, when the answer cannot
// be accepted, a message written for the visitor.
func (qn *Question) Check(values []string) ([]string, string) {
	if len(values) > MaxValuesPerQuestion {
		return nil, "That answer had more values than this question allows. Please answer again."
	}
	clean := cleanValues(values)
	if len(clean) == 0 {
		if qn.Required {
			return nil, requiredMessage(qn.Type)
		}
		return nil, ""
	}
	switch qn.Type {
	case Text:
		return qn.checkText(clean)
	case Multi:
		return qn.checkMulti(clean)
	default:
		return qn.checkSingle(clean)
	}
}

func requiredMessage(t QuestionType) string {
	switch t {
	case Multi:
		return "Please choose at least one answer."
	case Text:
		return "Please write a short answer."
	default:
		return "Please choose an answer."
	}
}

func (qn *Question) checkText(clean []string) ([]string, string) {
	if len(clean) > 1 {
		return nil, "Please write one answer."
	}
	if !utf8.ValidString(clean[0]) {
		return nil, "That text could not be read. Please type it again."
	}
	if n := utf8.RuneCountInString(clean[0]); n > qn.TextLimit() {
		return clean, fmt.Sprintf("Please keep this to %d characters or fewer (this one has %d).", qn.TextLimit(), n)
	}
	return clean, ""
}

func (qn *Question) checkSingle(clean []string) ([]string, string) {
	if len(clean) > 1 {
		return nil, "Please choose only one answer."
	}
	if _, ok := qn.Option(clean[0]); !ok {
		return nil, "That answer isn't one of the choices. Please choose again."
	}
	return clean, ""
}

func (qn *Question) checkMulti(clean []string) ([]string, string) {
	known := make([]string, 0, len(clean))
	exclusive := ""
	for _, v := range clean {
		opt, ok := qn.Option(v)
		if !ok {
			return nil, "One of those answers isn't among the choices. Please choose again."
		}
		if opt.Exclusive {
			exclusive = opt.Label
		}
		known = append(known, v)
	}
	if exclusive != "" && len(known) > 1 {
		return known, fmt.Sprintf("“%s” can't be combined with other answers. Please choose one or the other.", exclusive)
	}
	if qn.MaxChoices > 0 && len(known) > qn.MaxChoices {
		return known, fmt.Sprintf("Please choose at most %d.", qn.MaxChoices)
	}
	return known, ""
}

// cleanValues cleans each value (CleanText) and drops empties and repeats,
// keeping order.
func cleanValues(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		v = CleanText(v)
		if v == "" || slices.Contains(out, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// CheckStep validates the answers to one step's questions. It returns the
// answers that are acceptable — kept even when others on the step are not,
// so nothing a visitor answered is lost — and a message per rejected question.
func (s *Step) CheckStep(given Answers) (Answers, FieldErrors) {
	accepted := Answers{}
	errs := FieldErrors{}
	for i := range s.Questions {
		qn := &s.Questions[i]
		clean, msg := qn.Check(given[qn.ID])
		if msg != "" {
			errs[qn.ID] = msg
			continue
		}
		if len(clean) > 0 {
			accepted[qn.ID] = clean
		}
	}
	return accepted, errs
}

// FirstIncompleteStep is the index of the first step whose answers do not
// pass, or len(Steps) when every step is complete.
func (q *Questionnaire) FirstIncompleteStep(a Answers) int {
	for i := range q.Steps {
		if _, errs := q.Steps[i].CheckStep(a); len(errs) > 0 {
			return i
		}
	}
	return len(q.Steps)
}

// CheckAll validates a complete answer set, as the examples and a final
// submit need: every step, and no answers to questions that do not exist.
func (q *Questionnaire) CheckAll(a Answers) FieldErrors {
	errs := FieldErrors{}
	for i := range q.Steps {
		_, stepErrs := q.Steps[i].CheckStep(a)
		for k, v := range stepErrs {
			errs[k] = v
		}
	}
	for id := range a {
		if _, _, ok := q.Question(id); !ok {
			errs[id] = "There is no question with this id."
		}
	}
	return errs
}

// AnswersAsked keeps only the answers to questions q asks, and only those
// q accepts, so a draft begun under an older file (or a result retaken
// under a newer one) carries no stale answers.
func (q *Questionnaire) AnswersAsked(all Answers) Answers {
	out := Answers{}
	for _, step := range q.Steps {
		accepted, _ := step.CheckStep(all)
		for k, v := range accepted {
			out[k] = v
		}
	}
	return out
}
