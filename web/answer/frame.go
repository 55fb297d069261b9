package answer

import (
	"errors"
	"net/http"
	"net/url"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// The embedded journey (docs/embedding.md): the same steps inside a frame
// on the owner's site. Where the browser keeps no cookie in a frame, the
// draft travels in each form as a signed reference (web/visitor), never in
// a URL; so every framed post answers with the next page itself instead
// of redirecting to an address that would need a cookie, and the submit
// hands the result over with a 307, which posts the same form (and its
// reference) on to the result.

// navShow, posted from the retake's hand-over page, shows a step without
// saving anything.
const navShow = "show"

// showFramed renders step idx (the contact step is len(q.Steps)) of d's
// questionnaire for the frame, with the visitor's reference in its form.
func (h *Handler) showFramed(w http.ResponseWriter, r *http.Request, d *assessment.Draft, idx int) error {
	q := h.formOf(r.Context(), d)
	if allowed := q.FirstIncompleteStep(d.Answers); idx > allowed {
		idx = allowed
	}
	if err := h.drafts.Opened(w, r, d, idx); err != nil {
		return err
	}
	return h.renderFramed(w, r, http.StatusOK, framedStepView(q, idx, d.Answers))
}

// renderFramed renders a step page for the frame, after every change to
// the visitor's session, so its form carries the reference as it now is.
func (h *Handler) renderFramed(w http.ResponseWriter, r *http.Request, status int, v stepView) error {
	r, err := h.drafts.Framed(r)
	if err != nil {
		return err
	}
	httpx.NoStore(w)
	h.pages.Render(w, r, status, stepPage(v))
	return nil
}

func framedStepView(q *assessment.Questionnaire, idx int, answers assessment.Answers) stepView {
	if idx == len(q.Steps) {
		return contactStepView(q, assessment.Contact{}, nil)
	}
	return questionStepView(q, idx, url.Values(answers), nil)
}

// toFramedResult hands a framed visitor on to their result: a 307 makes
// the browser post the same form, reference included, to POST /r/{token},
// which shows the result in the frame (web/result).
func toFramedResult(w http.ResponseWriter, r *http.Request, token string) {
	http.Redirect(w, r, page.ResultURL(token), http.StatusTemporaryRedirect)
}

// startFramed is Start inside the frame: back to the draft the reference
// or the partitioned cookie names, or a fresh one, shown at once.
func (h *Handler) startFramed(w http.ResponseWriter, r *http.Request) error {
	if r.PostForm.Get("fresh") != "1" {
		d, err := h.drafts.Find(r)
		switch {
		case err == nil && d.AssessmentToken != "":
			toFramedResult(w, r, d.AssessmentToken)
			return nil
		case err == nil:
			return h.showFramed(w, r, d, h.formOf(r.Context(), d).FirstIncompleteStep(d.Answers))
		case !isNotFound(err):
			return err
		}
	}
	if err := h.drafts.Start(w, r); err != nil {
		return err
	}
	d, err := h.drafts.Find(r)
	if err != nil {
		return err
	}
	return h.showFramed(w, r, d, 0)
}

// ShowFrameStart serves GET /embed: what the frame on the owner's site
// opens on. It offers to start, or to carry on with the draft (or see the
// result) the partitioned cookie still names, and carries where the founder
// came from into Start.
func (h *Handler) ShowFrameStart(w http.ResponseWriter, r *http.Request) error {
	return h.renderFrameStart(w, page.WithFrame(r, ""))
}

func (h *Handler) renderFrameStart(w http.ResponseWriter, r *http.Request) error {
	q := h.forms.Current()
	v := frameStartView{Title: q.Title, Minutes: q.Minutes, Questions: q.QuestionCount(), Steps: len(q.Steps),
		Owner: page.OwnerOf(q.Owner, h.cfg.AvatarURL)}
	if summary := page.Paragraphs(q.Summary); len(summary) > 0 {
		v.Lead = summary[0]
	}
	d, err := h.drafts.Find(r)
	switch {
	case err == nil && d.AssessmentToken != "":
		v.Finished = true
	case err == nil && len(d.Answers) > 0:
		dq := h.formOf(r.Context(), d)
		v.ResumeStep, v.Total = dq.FirstIncompleteStep(d.Answers)+1, len(dq.Steps)
	case err != nil && !errors.Is(err, assessment.ErrNotFound):
		return err
	}
	if v.ResumeStep == 0 && !v.Finished && r.Method == http.MethodGet {
		v.Source = h.drafts.FrameSource(r)
	}
	if v.Finished {
		v.ResultURL = page.ResultURL(d.AssessmentToken)
	}
	r, err = h.drafts.Framed(r)
	if err != nil {
		return err
	}
	httpx.NoStore(w)
	w.Header().Set("X-Robots-Tag", "noindex")
	h.pages.Render(w, r, http.StatusOK, frameStartPage(v))
	return nil
}

// frameStartView is the frame's first page.
type frameStartView struct {
	Title      string
	Lead       string
	Minutes    int
	Questions  int
	Steps      int
	Owner      page.OwnerView
	ResumeStep int // the step to carry on at, 1-based; 0 for none
	Total      int
	Finished   bool
	ResultURL  string
	Source     url.Values // where the founder came from, carried by Start
}
