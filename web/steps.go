package web

import (
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

func stepURL(n int) string { return "/step/" + strconv.Itoa(n) }

// stepIndex reads the step number from the URL as a 0-based index, where
// len(q.Steps) is the contact step.
func stepIndex(r *http.Request, q *assessment.Questionnaire) (int, bool) {
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 1 || n > len(q.Steps)+1 {
		return 0, false
	}
	return n - 1, true
}

func (s *Server) start(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if r.PostForm.Get("fresh") != "1" {
		d, err := s.findDraft(r)
		if err == nil && d.AssessmentToken == "" {
			http.Redirect(w, r, stepURL(s.forms.Current().FirstIncompleteStep(d.Answers)+1), http.StatusSeeOther)
			return nil
		}
		if err != nil && !isNotFound(err) {
			return err
		}
	}
	d, err := s.startDraft(w, r, attributionPosted(r))
	if err != nil {
		return err
	}
	s.recordStep(r, d, s.funnel().Started())
	// The marker lets step 1 tell "cookies are blocked" from "never started".
	http.Redirect(w, r, stepURL(1)+"?started=1", http.StatusSeeOther)
	return nil
}

func (s *Server) showStep(w http.ResponseWriter, r *http.Request) error {
	q := s.forms.Current()
	idx, ok := stepIndex(r, q)
	if !ok {
		return page.NotFound()
	}
	d, err := s.findDraft(r)
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
	if d.AssessmentToken != "" && idx == len(q.Steps) {
		// Back from the result: the contact step as it was sent, without
		// any error it once showed, and a way on to the result.
		return s.submittedContactStep(w, r, d.AssessmentToken)
	}
	if d.AssessmentToken != "" {
		http.Redirect(w, r, page.ResultURL(d.AssessmentToken), http.StatusSeeOther)
		return nil
	}
	if allowed := q.FirstIncompleteStep(d.Answers); idx > allowed {
		http.Redirect(w, r, stepURL(allowed+1), http.StatusSeeOther)
		return nil
	}
	if err := s.noteReached(r, d, idx); err != nil {
		return err
	}
	s.keepSession(w, r)
	httpx.NoStore(w)
	if idx == len(q.Steps) {
		return s.serveKeptStep(w, r, stepChoices{step: idx}, false)
	}
	c, keep, answered := choicesOf(idx, q.Steps[idx], d.Answers)
	if !keep {
		s.pages.Render(w, r, http.StatusOK, stepPage(s.questionStepView(idx, url.Values(d.Answers), nil)))
		return nil
	}
	return s.serveKeptStep(w, r, c, answered)
}

// noteReached records the furthest step a visitor has opened.
func (s *Server) noteReached(r *http.Request, d *assessment.Draft, idx int) error {
	if idx == 0 {
		s.recordStep(r, d, s.funnel().Step(0))
	}
	if idx <= d.Reached {
		return nil
	}
	s.recordStep(r, d, s.funnel().Step(idx))
	if unsaved(s.session(r)) {
		return nil // nothing stored to note it in; the first save stores from step 1 on
	}
	_, err := s.updateDraft(r, d, func(d *assessment.Draft) error {
		d.Reached = max(d.Reached, idx)
		return nil
	})
	return err
}

// updateDraft applies change to the draft and saves it without losing a
// save made meanwhile by another tab (see data.UpdateDraftWith), and moves
// its expiry on: thirty days from the last answer, not the first. A draft
// that vanished meanwhile (expired, or deleted with its result) reads to
// the visitor as an expired session.
func (s *Server) updateDraft(r *http.Request, d *assessment.Draft, change func(*assessment.Draft) error) (*assessment.Draft, error) {
	now := s.now().UTC()
	d, err := s.store.UpdateDraftWith(r.Context(), d, now, func(d *assessment.Draft) error {
		if err := change(d); err != nil {
			return err
		}
		d.QuestionnaireVersion = s.forms.Current().Version
		d.UpdatedAt = now
		d.ExpiresAt = now.Add(assessment.DraftLifetime)
		return nil
	})
	if isNotFound(err) {
		return nil, sessionExpired()
	}
	return d, err
}

// saveStep saves a question step's answers and moves the visitor on. (The
// contact step's post is the submit, routed to submit.go.)
func (s *Server) saveStep(w http.ResponseWriter, r *http.Request) error {
	q := s.forms.Current()
	idx, ok := stepIndex(r, q)
	if !ok || idx == len(q.Steps) {
		return page.NotFound()
	}
	d, done, err := s.postedDraft(w, r)
	if done || err != nil {
		return err
	}
	return s.saveQuestionStep(w, r, d, idx)
}

// postedDraft reads a posted step's form and the visitor's draft. done
// means the answer is already sent: the draft was submitted before (a
// resent or double-clicked form), so the visitor goes to their result.
func (s *Server) postedDraft(w http.ResponseWriter, r *http.Request) (d *assessment.Draft, done bool, err error) {
	if err := r.ParseForm(); err != nil {
		return nil, false, page.BadForm(err)
	}
	d, err = s.findDraft(r)
	if isNotFound(err) {
		return nil, false, sessionExpired()
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

func (s *Server) saveQuestionStep(w http.ResponseWriter, r *http.Request, d *assessment.Draft, idx int) error {
	q := s.forms.Current()
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
	var err error
	if unsaved(s.session(r)) {
		err = s.storeFirstAnswers(w, r, d, merge)
	} else {
		_, err = s.updateDraft(r, d, merge)
	}
	if err != nil {
		return err
	}
	s.keepSession(w, r)
	if idx > allowed {
		return outOfOrder(allowed)
	}
	if r.PostForm.Get(navField) == "back" {
		back := "/"
		if idx > 0 {
			back = stepURL(idx)
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if len(errs) > 0 {
		s.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(s.questionStepView(idx, r.PostForm, errs)))
		return nil
	}
	http.Redirect(w, r, stepURL(idx+2), http.StatusSeeOther)
	return nil
}

func outOfOrder(firstIncomplete int) *page.Error {
	return &page.Error{
		Status: http.StatusConflict,
		Title:  "Let's take the questions in order",
		Message: "That page comes later in the assessment, and an earlier page still needs an answer. " +
			"Anything you just answered has been kept.",
		Link: page.Link{Href: stepURL(firstIncomplete + 1), Label: fmt.Sprintf("Go to step %d", firstIncomplete+1)},
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
func (s *Server) submittedContactStep(w http.ResponseWriter, r *http.Request, token string) error {
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	v := s.contactStepView(a.Contact, nil)
	v.Sent = page.ResultURL(token)
	httpx.NoStore(w)
	s.pages.Render(w, r, http.StatusOK, stepPage(v))
	return nil
}
