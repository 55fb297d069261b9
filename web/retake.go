package web

import (
	"maps"
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// retake serves POST /r/{token}/retake: a new assessment, pre-filled with
// this result's answers, for the founder who made it. The old result stays
// as it was. Someone with only the link may not: the answers are the
// founder's, their own words included.
func (s *Server) retake(w http.ResponseWriter, r *http.Request) error {
	a, err := s.resultAt(r)
	if err != nil {
		return err
	}
	if !s.ownsResult(r, a) {
		return &page.Error{Status: http.StatusForbidden, Title: "Only the person who took this assessment can retake it with its answers",
			Message: "You can take it yourself from the start.", Link: page.Link{Href: "/", Label: "Take it yourself"}}
	}
	sess := s.session(r)
	before := maps.Clone(sess.Values) // the session that owns this result
	d, err := s.startDraft(w, r, a.Source)
	if err != nil {
		return err
	}
	q := s.forms.Current()
	err = s.storeFirstAnswers(w, r, d, func(d *assessment.Draft) error {
		d.Answers = answersFor(q, a.Answers) // only what today's questionnaire still asks
		d.Reached = q.FirstIncompleteStep(d.Answers)
		return nil
	})
	if err != nil {
		// Nothing was started: the founder keeps their result as theirs.
		clear(sess.Values)
		maps.Copy(sess.Values, before)
		if serr := s.saveSession(w, r, sess); serr != nil {
			s.log.WarnContext(r.Context(), "restore session after a refused retake", "error", serr)
		}
		return err
	}
	s.recordStep(r, d, s.funnel().Started())
	http.Redirect(w, r, stepURL(1), http.StatusSeeOther)
	return nil
}

// checklist serves GET /r/{token}/checklist: the outcome's next step as a
// one-page checklist to print or save (the hiring checklist, for hire-a-pm
// and hire-full-time). It holds nothing of the founder's.
func (s *Server) checklist(w http.ResponseWriter, r *http.Request) error {
	a, err := s.resultAt(r)
	if err != nil {
		return err
	}
	q := s.forms.Find(r.Context(), a.QuestionnaireVersion)
	o, ok := q.Outcome(a.Result.Outcome)
	if !ok || len(o.NextStep.Points) == 0 {
		return page.NotFound()
	}
	httpNoIndex(w)
	s.pages.Render(w, r, http.StatusOK, checklistPage(checklistView{
		Title: o.NextStep.Title, Body: page.Paragraphs(o.NextStep.Body), Points: o.NextStep.Points,
		Back: page.ResultURL(a.Token), Owner: s.owner(), ShareURL: httpx.AbsoluteURL(s.cfg.BaseURL, r, page.ResultURL(a.Token)),
	}))
	return nil
}

// checklistView is the printable checklist.
type checklistView struct {
	Title    string
	Body     []string
	Points   []string
	Back     string
	ShareURL string
	Owner    page.OwnerView
}
