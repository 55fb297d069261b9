package desk

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/brief"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// detailView is one assessment's page: the brief, with the follow-up beside it.
type detailView struct {
	frame.Chrome
	Deliveries  []deliveryView
	ID          string
	Date        string
	Title       string // who took it
	Name        string // their name, e-mail or "Anonymous founder", the brief's heading
	Sub         string // their role and company
	Ago         string
	Outcome     string
	OutcomeName string
	Rule        string
	Brief       brief.Brief
	BriefText   string // the plain-text copy, for the copy button
	Answers     []answerView
	Criteria    []page.CriterionView
	Contact     assessment.Contact
	ShareURL    string
	Status      string
	Statuses    []assessment.Status
	Notes       []noteView
	Version     string
	Back        string
	Calibration calibrationView
	Needed      []frame.Choice
	Messages    []noteView // what they wrote from the result page
	Source      string
	Automated   bool
	BookedAt    string
}

type answerView struct {
	Prompt  string
	Answers []string
}

type noteView struct {
	Author string
	When   string
	Body   []string
}

func (h *Handler) Detail(w http.ResponseWriter, r *http.Request) error {
	a, err := h.findAssessment(r)
	if err != nil {
		return err
	}
	notes, err := h.store.ListNotes(r.Context(), a.ID)
	if err != nil {
		return err
	}
	cal, err := h.store.FindCalibration(r.Context(), a.ID)
	if err != nil && !errors.Is(err, assessment.ErrNotFound) {
		return err
	}
	q := h.area.Forms.Find(r.Context(), a.QuestionnaireVersion)
	id := strconv.FormatInt(a.ID, 10)
	b := h.buildBrief(a, q)
	v := detailView{
		Chrome:      h.area.Chrome(r, "list"),
		ID:          id,
		Date:        h.area.LongTime(a.CreatedAt),
		Title:       who(a.Contact),
		Name:        b.Who.Name,
		Sub:         strings.Join(nonEmpty(b.Who.Role, b.Who.Company), ", "),
		Ago:         h.area.Ago(a.CreatedAt),
		Outcome:     a.Result.Outcome,
		OutcomeName: h.area.OutcomeName(a.Result.Outcome),
		Rule:        a.Result.Rule,
		Brief:       b,
		BriefText:   h.briefText(a, b),
		Answers:     answerViews(q, a.Answers),
		Criteria:    page.CriterionViews(q, a.Result),
		Contact:     a.Contact,
		ShareURL:    httpx.AbsoluteURL(h.area.BaseURL, r, page.ResultURL(a.Token)),
		Status:      string(a.Status),
		Statuses:    assessment.Statuses,
		Version:     a.QuestionnaireVersion[:12],
		Back:        "/admin/a/" + id,
		Calibration: h.calibrationView(cal),
		Needed:      h.neededChoices(),
	}
	if v.Deliveries, err = h.deliveryViews(r.Context(), a.ID); err != nil {
		return err
	}
	messages, err := h.store.ListMessages(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, m := range messages {
		v.Messages = append(v.Messages, noteView{Author: m.Email, When: h.area.LongTime(m.CreatedAt), Body: page.Paragraphs(m.Body)})
	}
	v.Source = b.Who.Source
	v.Automated = a.PossiblyAutomated
	v.Script = true
	if !a.BookedAt.IsZero() {
		v.BookedAt = h.area.LongTime(a.BookedAt)
	}
	for _, n := range notes {
		v.Notes = append(v.Notes, noteView{Author: n.Author, When: h.area.LongTime(n.CreatedAt), Body: page.Paragraphs(n.Body)})
	}
	h.area.Pages.Render(w, r, http.StatusOK, detailPage(v))
	return nil
}

// BriefText is the brief as a plain-text download, to paste into a
// calendar invite or print without the page around it.
func (h *Handler) BriefText(w http.ResponseWriter, r *http.Request) error {
	a, err := h.findAssessment(r)
	if err != nil {
		return err
	}
	q := h.area.Forms.Find(r.Context(), a.QuestionnaireVersion)
	text := h.briefText(a, h.buildBrief(a, q))
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="brief-%d.txt"`, a.ID))
	w.Header().Set("Cache-Control", "private, no-store")
	httpx.WriteBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(text))
	return nil
}

// briefText is the brief as plain text, headed by who.
func (h *Handler) briefText(a *assessment.Assessment, b brief.Brief) string {
	return b.Text("Brief: " + who(a.Contact))
}

// buildBrief is a's brief, answered against q, with who they are: the
// details they left (only with their consent), where they came from and
// when they answered.
func (h *Handler) buildBrief(a *assessment.Assessment, q *assessment.Questionnaire) brief.Brief {
	b := brief.Build(h.briefContent(q), a.Answers, a.Result)
	b.Who = brief.Who{Anonymous: true, Name: "Anonymous founder", Source: cmp.Or(a.Source.UTMSource, a.Source.ReferrerHost), Answered: h.area.LongTime(a.CreatedAt)}
	if c := a.Contact; c.Consent {
		b.Who.Anonymous = false
		b.Who.Name, b.Who.Email, b.Who.Company, b.Who.Role = cmp.Or(c.Name, c.Email, c.Company, "Name not given"), c.Email, c.Company, c.Role
	}
	return b
}

// briefContent is q, with the current questionnaire's brief section when
// q's own file predates it: the brief is advice to the owner, so the newest
// advice applies to old answers too (conditions on questions q lacks simply
// do not hold).
func (h *Handler) briefContent(q *assessment.Questionnaire) *assessment.Questionnaire {
	b := q.Brief
	if len(b.Tensions) > 0 || len(b.Questions) > 0 || b.Tried.Question != "" {
		return q
	}
	withBrief := *q
	withBrief.Brief = h.area.Forms.Current().Brief
	return &withBrief
}

// who names the founder as the owner would: name and company, or
// "Anonymous founder".
func who(c assessment.Contact) string {
	if c.Consent {
		if s := strings.Join(nonEmpty(c.Name, c.Company), ", "); s != "" {
			return s
		}
		if c.Email != "" {
			return c.Email
		}
	}
	return "Anonymous founder"
}

// answerViews lists every question with the answer given, in the wording of
// the questionnaire version it was answered against.
func answerViews(q *assessment.Questionnaire, answers assessment.Answers) []answerView {
	var out []answerView
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			out = append(out, answerView{Prompt: qn.Prompt, Answers: answerLabels(&qn, answers[qn.ID])})
		}
	}
	return out
}

func answerLabels(qn *assessment.Question, values []string) []string {
	if qn.Type == assessment.Text {
		return values
	}
	labels := make([]string, 0, len(values))
	for _, v := range values {
		if o, ok := qn.Option(v); ok {
			labels = append(labels, o.Label)
		} else {
			labels = append(labels, v)
		}
	}
	return labels
}
