package result

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// The result inside the frame on the owner's site (docs/embedding.md). The
// submit hands the founder over with a 307 that posts their form, and its
// signed draft reference, to POST /r/{token}; the result is shown there,
// as theirs, with a button that opens it full-page in a tab of its own.
// Its own forms (the message, the retake) post the reference too and are
// answered with the page to show, never a redirect to an address that
// would need a cookie.

// Framed serves the two routes only the frame uses: the result shown in
// it, and "open full page". A handler of its own beside Handler.
type Framed struct{ h *Handler }

// NewFramed is the result's handlers for the frame, beside h.
func NewFramed(h *Handler) *Framed { return &Framed{h: h} }

// Show serves POST /r/{token}: the result, in the frame.
func (f *Framed) Show(w http.ResponseWriter, r *http.Request) error {
	h := f.h
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if !page.InFrame(r) {
		return page.MethodNotAllowed()
	}
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	return f.render(w, r, http.StatusOK, h.resultView(r, q, a, h.ownsResult(r, a)))
}

// render renders a result page for the frame, its forms carrying the
// visitor's draft reference as it now is.
func (f *Framed) render(w http.ResponseWriter, r *http.Request, status int, v resultView) error {
	h := f.h
	r, err := h.drafts.Framed(r)
	if err != nil {
		return err
	}
	noIndex(w)
	v.Frame = true
	v.EmailLink.On = false // on the full page: its "sent" notice needs a page of its own
	h.pages.Render(w, r, status, resultPage(v))
	return nil
}

// OpenFullPage serves POST /r/{token}/full-page, which the framed result's
// "open full page" button posts into a new tab: the founder's browser takes
// the result as its own, in its first-party cookie, and the tab shows it.
// A reference that does not name this result claims nothing; the tab then
// shows the result as anyone with its link sees it.
func (f *Framed) OpenFullPage(w http.ResponseWriter, r *http.Request) error {
	h := f.h
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	token := chi.URLParam(r, "token")
	if !assessment.IsShareToken(token) {
		return page.NotFound()
	}
	if err := h.drafts.Claim(w, r, token); err != nil && !errors.Is(err, assessment.ErrNotFound) {
		return err
	}
	http.Redirect(w, r, page.ResultURL(token), http.StatusSeeOther)
	return nil
}

// retake shows the hand-over to a retake's first step: the new draft's
// reference, posted on to step 1 at once by frame.js, or by the founder's
// click without JavaScript.
func (f *Framed) retake(w http.ResponseWriter, r *http.Request) error {
	h := f.h
	r, err := h.drafts.Framed(r)
	if err != nil {
		return err
	}
	noIndex(w)
	h.pages.Render(w, r, http.StatusOK, retakeHandOver(page.StepURL(1)))
	return nil
}
