package answer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Step numbers in URLs count from 1; the step after the last question step
// is the built-in "about you" step that submits.

const navField = "_nav" // cannot collide with a question id, which starts with [a-z0-9]

// stepIndex reads the step number from the URL as a 0-based index. It is
// checked against the draft's questionnaire (inStep) once the draft is
// found: len(q.Steps) is the contact step.
func stepIndex(r *http.Request) (int, bool) {
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 1 {
		return 0, false
	}
	return n - 1, true
}

// inSteps reports whether idx is a step of q, the contact step included.
func inSteps(idx int, q *assessment.Questionnaire) bool { return idx <= len(q.Steps) }

// formOf is the questionnaire a draft is answered against: the version it
// was started under. A version published meanwhile changes nothing a
// founder has begun; they finish what they started (docs/questionnaire.md).
func (h *Handler) formOf(ctx context.Context, d *assessment.Draft) *assessment.Questionnaire {
	return h.forms.Find(ctx, d.QuestionnaireVersion)
}

// ShowStep serves GET /step/{n}.
func (h *Handler) ShowStep(w http.ResponseWriter, r *http.Request) error {
	idx, ok := stepIndex(r)
	if !ok {
		return page.NotFound()
	}
	d, err := h.drafts.Find(r)
	if isNotFound(err) {
		if r.URL.Query().Get("started") == "1" {
			return cookiesBlocked()
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	q := h.formOf(r.Context(), d)
	if !inSteps(idx, q) {
		return page.NotFound()
	}
	if d.AssessmentToken != "" && idx == len(q.Steps) {
		// Back from the result: the contact step as it was sent, without
		// any error it once showed, and a way on to the result.
		return h.submittedContactStep(w, r, d.AssessmentToken)
	}
	if d.AssessmentToken != "" {
		http.Redirect(w, r, page.ResultURL(d.AssessmentToken), http.StatusSeeOther)
		return nil
	}
	if allowed := q.FirstIncompleteStep(d.Answers); idx > allowed {
		http.Redirect(w, r, page.StepURL(allowed+1), http.StatusSeeOther)
		return nil
	}
	if err := h.drafts.Opened(w, r, d, idx); err != nil {
		return err
	}
	httpx.NoStore(w)
	if idx == len(q.Steps) {
		return h.serveKeptStep(w, r, stepChoices{version: q.Version, step: idx}, false)
	}
	c, keep, answered := choicesOf(q, idx, d.Answers)
	if !keep {
		h.pages.Render(w, r, http.StatusOK, stepPage(questionStepView(q, idx, url.Values(d.Answers), nil)))
		return nil
	}
	return h.serveKeptStep(w, r, c, answered)
}

// SaveStep serves POST /step/{n}: a question step's post saves the step's
// answers and moves the visitor on; the contact step's post is the submit
// (submit.go). Which step is the contact step depends on the draft's
// questionnaire, so one route takes both.
func (h *Handler) SaveStep(w http.ResponseWriter, r *http.Request) error {
	idx, ok := stepIndex(r)
	if !ok {
		return page.NotFound()
	}
	d, done, err := h.postedDraft(w, r)
	if done || err != nil {
		return err
	}
	q := h.formOf(r.Context(), d)
	switch {
	case !inSteps(idx, q):
		return page.NotFound()
	case idx == len(q.Steps):
		return h.submitDraft(w, r, d, q)
	}
	return h.saveQuestionStep(w, r, d, q, idx)
}

// postedDraft reads a posted step's form and the visitor's draft. done
// means the answer is already sent: the draft was submitted before (a
// resent or double-clicked form), so the visitor goes to their result.
func (h *Handler) postedDraft(w http.ResponseWriter, r *http.Request) (d *assessment.Draft, done bool, err error) {
	if err := r.ParseForm(); err != nil {
		return nil, false, page.BadForm(err)
	}
	d, err = h.drafts.Find(r)
	if isNotFound(err) {
		return nil, false, page.SessionExpired()
	}
	if err != nil {
		return nil, false, err
	}
	if d.AssessmentToken != "" {
		http.Redirect(w, r, page.ResultURL(d.AssessmentToken), http.StatusSeeOther)
		return nil, true, nil
	}
	return d, false, nil
}

func (h *Handler) saveQuestionStep(w http.ResponseWriter, r *http.Request, d *assessment.Draft, q *assessment.Questionnaire, idx int) error {
	step := &q.Steps[idx]
	accepted, errs := step.CheckStep(assessment.Answers(r.PostForm))
	var allowed int
	// The merge is redone against the stored draft if another tab saved a
	// step meanwhile, so neither tab's answers are overwritten.
	merge := func(d *assessment.Draft) error {
		allowed = q.FirstIncompleteStep(d.Answers)
		for _, qn := range step.Questions {
			switch {
			case accepted[qn.ID] != nil:
				d.Answers[qn.ID] = accepted[qn.ID]
			case errs[qn.ID] == "":
				delete(d.Answers, qn.ID) // an optional answer cleared on purpose
			}
			// A rejected answer leaves the saved one in place.
		}
		return nil
	}
	if err := h.drafts.Save(w, r, d, merge); err != nil {
		return err
	}
	if idx > allowed {
		return outOfOrder(allowed)
	}
	if r.PostForm.Get(navField) == "back" {
		back := "/"
		if idx > 0 {
			back = page.StepURL(idx)
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if len(errs) > 0 {
		h.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(questionStepView(q, idx, r.PostForm, errs)))
		return nil
	}
	http.Redirect(w, r, page.StepURL(idx+2), http.StatusSeeOther)
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, assessment.ErrNotFound) }

func outOfOrder(firstIncomplete int) *page.Error {
	return &page.Error{
		Status: http.StatusConflict,
		Title:  "Let's take the questions in order",
		Message: "That page comes later in the assessment, and an earlier page still needs an answer. " +
			"Anything you just answered has been kept.",
		Link: page.Link{Href: page.StepURL(firstIncomplete + 1), Label: fmt.Sprintf("Go to step %d", firstIncomplete+1)},
	}
}

func cookiesBlocked() *page.Error {
	return &page.Error{
		Status: http.StatusBadRequest,
		Title:  "Your browser didn't keep our cookie",
		Message: "fitcheck keeps your answers on our server and uses one cookie, only to find them again. " +
			"Please allow cookies for this site and start again.",
		Link: page.HomeLink,
	}
}

// submittedContactStep shows the contact step of a draft already submitted,
// filled in as it was sent (contact details only if they were kept, with
// consent), saying that the result exists.
func (h *Handler) submittedContactStep(w http.ResponseWriter, r *http.Request, token string) error {
	a, err := h.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	v := contactStepView(h.forms.Find(r.Context(), a.QuestionnaireVersion), a.Contact, nil)
	v.Sent = page.ResultURL(token)
	httpx.NoStore(w)
	h.pages.Render(w, r, http.StatusOK, stepPage(v))
	return nil
}
