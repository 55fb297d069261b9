package admin

import (
	"net/http"
	"strconv"

	"sessionplayer.studio/fitcheck/web/page"

	"github.com/go-chi/chi/v5"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
)

// assessmentID reads {id} from the URL; junk is simply not found.
func assessmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, page.NotFound()
	}
	return id, nil
}

func (h *Handler) Detail(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	a, err := h.store.FindAssessmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	notes, err := h.store.ListNotes(r.Context(), id)
	if err != nil {
		return err
	}
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	v := detailView{
		chrome:   h.chromeFor(r, "list"),
		ID:       strconv.FormatInt(a.ID, 10),
		Date:     a.CreatedAt.Format("2 January 2006, 15:04 MST"),
		Outcome:  h.outcomeName(a.Result.Outcome),
		Reason:   a.Result.Reason,
		Rule:     a.Result.Rule,
		Answers:  answerViews(q, a.Answers),
		Criteria: page.CriterionViews(q, a.Result),
		Contact:  a.Contact,
		ShareURL: httpx.AbsoluteURL(h.cfg.BaseURL, r, page.ResultURL(a.Token)),
		Status:   string(a.Status),
		Statuses: assessment.Statuses,
		Version:  a.QuestionnaireVersion[:12],
	}
	for _, n := range notes {
		v.Notes = append(v.Notes, noteView{Author: n.Author, When: n.CreatedAt.Format("2 Jan 2006, 15:04 MST"), Body: page.Paragraphs(n.Body)})
	}
	h.pages.Render(w, r, http.StatusOK, detailPage(v))
	return nil
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
