package answer

import (
	"net/url"
	"slices"
	"strconv"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// View models: each is shaped like its screen, so templates only lay out.

type stepView struct {
	Title      string
	Intro      string
	Number     int
	Total      int    // question steps; the contact step comes after them
	Optional   bool   // the contact step, which counts as optional, not as one more step
	Sent       string // the result's address, once these answers were submitted
	Action     string
	BackURL    string // a link back when there is no earlier step to save through
	SubmitText string
	Questions  []questionView
	Contact    *contactView
	Errors     []fieldErrorView
}

type questionView struct {
	ID        string
	Type      string
	Prompt    string
	Help      string
	Required  bool
	Options   []optionView
	Text      string
	MaxLength string
	LowLabel  string
	HighLabel string
	Error     string
}

type optionView struct {
	ID      string
	N       int // 1-based position, shown on a scale's buttons
	Label   string
	Checked bool
}

type fieldErrorView struct {
	FieldID string // the id of the element the summary links to
	Label   string
	Message string
}

type contactView struct {
	// AskConsent asks whether to keep details typed without the consent
	// box ticked, with a button for each answer.
	AskConsent   bool
	Owner        string // the owner's first name
	Intro        string
	Fields       []contactFieldView
	Consent      bool
	ConsentLabel string
}

type contactFieldView struct {
	Name         string
	Label        string
	Type         string
	Autocomplete string
	Value        string
	Error        string
}

// inputID is the id of a question's first input, where an error link lands.
func inputID(qn assessment.Question) string {
	if qn.Type == assessment.Text || len(qn.Options) == 0 {
		return "q-" + qn.ID
	}
	return "q-" + qn.ID + "-" + qn.Options[0].ID
}

// questionStepView is step idx of q, with form's answers and errs.
func questionStepView(q *assessment.Questionnaire, idx int, form url.Values, errs assessment.FieldErrors) stepView {
	step := q.Steps[idx]
	v := stepView{
		Title:      step.Title,
		Intro:      step.Intro,
		Number:     idx + 1,
		Total:      len(q.Steps),
		Action:     page.StepURL(idx + 1),
		SubmitText: "Next",
	}
	for _, qn := range step.Questions {
		qv := questionView{
			ID: qn.ID, Type: string(qn.Type), Prompt: qn.Prompt, Help: qn.Help, Required: qn.Required,
			LowLabel: qn.LowLabel, HighLabel: qn.HighLabel, Error: errs[qn.ID],
		}
		chosen := form[qn.ID]
		if qn.Type == assessment.Text {
			qv.MaxLength = strconv.Itoa(qn.TextLimit())
			if len(chosen) > 0 {
				qv.Text = chosen[0]
			}
		}
		for _, o := range qn.Options {
			qv.Options = append(qv.Options, optionView{ID: o.ID, N: len(qv.Options) + 1, Label: o.Label, Checked: slices.Contains(chosen, o.ID)})
		}
		if qv.Error != "" {
			v.Errors = append(v.Errors, fieldErrorView{FieldID: inputID(qn), Label: qn.Prompt, Message: qv.Error})
		}
		v.Questions = append(v.Questions, qv)
	}
	return v
}

var contactFieldDefs = []contactFieldView{
	{Name: "name", Label: "Your name", Type: "text", Autocomplete: "name"},
	{Name: "email", Label: "Email", Type: "email", Autocomplete: "email"},
	{Name: "company", Label: "Company", Type: "text", Autocomplete: "organization"},
	{Name: "role", Label: "Your role", Type: "text", Autocomplete: "organization-title"},
}

// contactStepView is q's contact step, filled in with c, and errs.
func contactStepView(q *assessment.Questionnaire, c assessment.Contact, errs assessment.FieldErrors) stepView {
	n := len(q.Steps) + 1
	cv := &contactView{Intro: q.Contact.Intro, Consent: c.Consent, ConsentLabel: q.Contact.ConsentLabel,
		Owner: q.Owner.FirstName()}
	values := map[string]string{"name": c.Name, "email": c.Email, "company": c.Company, "role": c.Role}
	v := stepView{Title: q.Contact.Title, Number: n, Total: len(q.Steps), Optional: true, Action: page.StepURL(n), SubmitText: "See my result", Contact: cv}
	for _, f := range contactFieldDefs {
		f.Value = values[f.Name]
		f.Error = errs[f.Name]
		cv.Fields = append(cv.Fields, f)
		if f.Error != "" {
			v.Errors = append(v.Errors, fieldErrorView{FieldID: "c-" + f.Name, Label: f.Label, Message: f.Error})
		}
	}
	if msg := errs[formError]; msg != "" {
		v.Errors = append(v.Errors, fieldErrorView{FieldID: "c-name", Label: "Your details", Message: msg})
	}
	return v
}
