package result

import (
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// Retake serves POST /r/{token}/retake: a new assessment, pre-filled with
// this result's answers, for the founder who made it. The old result stays
// as it was. Someone with only the link may not: the answers are the
// founder's, their own words included.
func (h *Handler) Retake(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	if !h.ownsResult(r, a) {
		return &page.Error{Status: http.StatusForbidden, Title: "Only the person who took this assessment can retake it with its answers",
			Message: "You can take it yourself from the start.", Link: page.Link{Href: "/", Label: "Take it yourself"}}
	}
	q := h.forms.Current()
	err = h.drafts.Restart(w, r, a.Source, func(d *assessment.Draft) error {
		d.Answers = q.AnswersAsked(a.Answers) // only what today's questionnaire still asks
		d.Reached = q.FirstIncompleteStep(d.Answers)
		return nil
	})
	if err != nil {
		return err // nothing was started: the founder keeps their result as theirs
	}
	if page.InFrame(r) {
		return NewFramed(h).retake(w, r)
	}
	http.Redirect(w, r, page.StepURL(1), http.StatusSeeOther)
	return nil
}
