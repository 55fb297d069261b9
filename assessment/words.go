package assessment

import "strings"

// Words is a founder's own answer to a free-text question, with the question
// it answered.
type Words struct {
	QuestionID string
	Prompt     string
	Text       string
}

// Words lists the free-text answers given, in the order the questionnaire
// asks them: what the owner reads in a founder's own words (the stuck
// decision, in the default content). Blank answers are left out.
func (q *Questionnaire) Words(a Answers) []Words {
	var out []Words
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			if qn.Type != Text {
				continue
			}
			if text := strings.TrimSpace(a.First(qn.ID)); text != "" {
				out = append(out, Words{QuestionID: qn.ID, Prompt: qn.Prompt, Text: text})
			}
		}
	}
	return out
}
