package web

import (
	"net/http"

	"sessionplayer.studio/fitcheck/web/page"
)

func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	deleted := r.URL.RawQuery != "" && r.URL.Query().Get("done") == "deleted"
	source := s.attributionFrom(r)
	if !deleted && !hasSession(r) && source.IsZero() {
		// Without a session there is nothing to resume, and without a
		// tagged link nothing to carry: everyone sees the same page,
		// rendered once.
		return s.serveLanding(w, r)
	}
	v := s.landingView(r, deleted)
	v.Source = attributionInputs(source)
	q := s.forms.Current()
	d, err := s.findDraft(r)
	switch {
	case err == nil && d.AssessmentToken != "":
		v.Resume = &resumeView{ResultURL: page.ResultURL(d.AssessmentToken)}
	case err == nil && len(d.Answers) > 0:
		next := q.FirstIncompleteStep(d.Answers) + 1
		v.Resume = &resumeView{StepURL: stepURL(next), Step: next, Total: v.Steps}
	case err != nil && !isNotFound(err):
		return err
	}
	s.pages.Render(w, r, http.StatusOK, landingPage(v))
	return nil
}

func (s *Server) landingView(r *http.Request, deleted bool) landingView {
	q := s.forms.Current()
	summary := page.Paragraphs(q.Summary)
	v := landingView{
		Title:     q.Title,
		Summary:   summary,
		Minutes:   q.Minutes,
		Questions: q.QuestionCount(),
		Steps:     len(q.Steps),
		Deleted:   deleted,
		Preview:   s.preview(r, "/", "/card.png", q.Title, firstOr(summary, q.Title)),
		Owner:     s.owner(),
	}
	if len(summary) > 1 {
		v.More = summary[1:]
	}
	return v
}

// landingView is the landing page.
type landingView struct {
	Title     string
	Summary   []string
	Minutes   int
	Questions int
	Steps     int
	Resume    *resumeView
	Deleted   bool
	Preview   page.Preview
	Owner     page.OwnerView
	More      []string      // the summary's paragraphs after the lead
	Source    []hiddenInput // where the founder came from, carried by Start
}

type resumeView struct {
	StepURL   string
	Step      int
	Total     int
	ResultURL string
}

// owner is the owner block's view of the content's owner.
func (s *Server) owner() page.OwnerView {
	return page.OwnerOf(s.forms.Current().Owner, s.avatarURL)
}

// serveAvatar serves the owner's photo. Its address carries its content's
// hash, so it is cached for good.
func (s *Server) serveAvatar(w http.ResponseWriter, r *http.Request) {
	if s.avatar == nil || r.URL.Path != s.avatarURL {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	s.avatar.ServeHTTP(w, r)
}
