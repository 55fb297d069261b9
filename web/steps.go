package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
)

// Step numbers in URLs count from 1; the step after the last question step
// is the built-in "about you" step that submits.

const navField = "_nav" // cannot collide with a question id, which starts with [a-z0-9]

func stepURL(n int) string { return "/step/" + strconv.Itoa(n) }

func resultURL(token string) string { return "/r/" + token }

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
		return badForm(err)
	}
	if r.PostForm.Get("fresh") != "1" {
		d, err := s.findDraft(r)
		if err == nil && d.AssessmentToken == "" {
			http.Redirect(w, r, stepURL(s.current.FirstIncompleteStep(d.Answers)+1), http.StatusSeeOther)
			return nil
		}
		if err != nil && !isNotFound(err) {
			return err
		}
	}
	d, err := s.startDraft(w, r)
	if err != nil {
		return err
	}
	s.recordStep(r, d, 0)
	// The marker lets step 1 tell "cookies are blocked" from "never started".
	http.Redirect(w, r, stepURL(1)+"?started=1", http.StatusSeeOther)
	return nil
}

func (s *Server) showStep(w http.ResponseWriter, r *http.Request) error {
	q := s.current
	idx, ok := stepIndex(r, q)
	if !ok {
		return notFound()
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
	if d.AssessmentToken != "" {
		http.Redirect(w, r, resultURL(d.AssessmentToken), http.StatusSeeOther)
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
	noStore(w)
	if idx == len(q.Steps) {
		// Contact details are never kept in a draft, so this page starts
		// empty for everyone.
		return s.serveStepPage(w, r, "contact", false, func() templ.Component {
			return stepPage(s.contactStepView(assessment.Contact{}, nil))
		})
	}
	page := func() templ.Component { return stepPage(s.questionStepView(idx, url.Values(d.Answers), nil)) }
	key, keep, answered := stepCacheKey(idx, q.Steps[idx], d.Answers)
	if !keep {
		s.render(w, r, http.StatusOK, page())
		return nil
	}
	return s.serveStepPage(w, r, key, answered, page)
}

// serveStepPage sends the kept step page under key; see stepcache.go.
func (s *Server) serveStepPage(w http.ResponseWriter, r *http.Request, key string, answered bool, page func() templ.Component) error {
	p, err := s.cache.stepPage(r.Context(), key, answered, page)
	if err != nil {
		return err
	}
	p.serve(w, r)
	return nil
}

// noteReached records the furthest step a visitor has opened.
func (s *Server) noteReached(r *http.Request, d *assessment.Draft, idx int) error {
	if idx == 0 {
		s.recordStep(r, d, 1)
	}
	if idx <= d.Reached {
		return nil
	}
	s.recordStep(r, d, idx+1)
	_, err := s.updateDraft(r, d, func(d *assessment.Draft) error {
		d.Reached = max(d.Reached, idx)
		return nil
	})
	return err
}

// recordStep counts a visitor reaching a step for the owner's funnel. The
// visitor is a hash of the draft id: anonymous, and nothing from the
// request. A failure here costs a funnel count, never the visitor's page.
// (A submit's "finished" row is written with the submit itself, so it
// stands or falls with it.)
func (s *Server) recordStep(r *http.Request, d *assessment.Draft, step int) {
	if err := s.store.RecordStepView(r.Context(), funnelVisitor(d), step, s.now().UTC()); err != nil {
		s.log.WarnContext(r.Context(), "record step view", slog.Int("step", step), slog.Any("error", err))
	}
}

// funnelVisitor is the funnel's pseudonym for a draft's visitor: it links
// their steps to each other and to nothing else.
func funnelVisitor(d *assessment.Draft) string {
	return hashSessionID("funnel:" + d.ID)[:32]
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
		d.QuestionnaireVersion = s.current.Version
		d.UpdatedAt = now
		d.ExpiresAt = now.Add(assessment.DraftLifetime)
		return nil
	})
	if isNotFound(err) {
		return nil, sessionExpired()
	}
	return d, err
}

func (s *Server) saveStep(w http.ResponseWriter, r *http.Request) error {
	q := s.current
	idx, ok := stepIndex(r, q)
	if !ok {
		return notFound()
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	d, err := s.findDraft(r)
	if isNotFound(err) {
		return sessionExpired()
	}
	if err != nil {
		return err
	}
	if d.AssessmentToken != "" {
		// A resent or double-clicked form: the result already exists.
		http.Redirect(w, r, resultURL(d.AssessmentToken), http.StatusSeeOther)
		return nil
	}
	if idx == len(q.Steps) {
		return s.submit(w, r, d)
	}
	return s.saveQuestionStep(w, r, d, idx)
}

func (s *Server) saveQuestionStep(w http.ResponseWriter, r *http.Request, d *assessment.Draft, idx int) error {
	q := s.current
	step := &q.Steps[idx]
	accepted, errs := step.CheckStep(assessment.Answers(r.PostForm))
	var allowed int
	// The merge is redone against the stored draft if another tab saved a
	// step meanwhile, so neither tab's answers are overwritten.
	_, err := s.updateDraft(r, d, func(d *assessment.Draft) error {
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
	})
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
		s.render(w, r, http.StatusUnprocessableEntity, stepPage(s.questionStepView(idx, r.PostForm, errs)))
		return nil
	}
	http.Redirect(w, r, stepURL(idx+2), http.StatusSeeOther)
	return nil
}

func badForm(err error) *pageError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &pageError{
			status:  http.StatusRequestEntityTooLarge,
			title:   "That was more than we can take in one go",
			message: fmt.Sprintf("A page of answers can be at most %d KB. Please go back, shorten your text and send it again.", maxFormBytes>>10),
			link:    homeLink,
			err:     err,
		}
	}
	return &pageError{
		status:  http.StatusBadRequest,
		title:   "We couldn't read that form",
		message: "Something in what your browser sent was garbled. Please go back and send it again.",
		link:    homeLink,
		err:     err,
	}
}

func outOfOrder(firstIncomplete int) *pageError {
	return &pageError{
		status: http.StatusConflict,
		title:  "Let's take the questions in order",
		message: "That page comes later in the assessment, and an earlier page still needs an answer. " +
			"Anything you just answered has been kept.",
		link: link{Href: stepURL(firstIncomplete + 1), Label: fmt.Sprintf("Go to step %d", firstIncomplete+1)},
	}
}

func cookiesBlocked() *pageError {
	return &pageError{
		status: http.StatusBadRequest,
		title:  "Your browser didn't keep our cookie",
		message: "fitcheck keeps your answers on our server and uses one cookie, only to find them again. " +
			"Please allow cookies for this site and start again.",
		link: homeLink,
	}
}
