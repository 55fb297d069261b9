package web

import (
	"net/http"

	"github.com/a-h/templ"
)

func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	deleted := r.URL.Query().Get("done") == "deleted"
	if !deleted && !hasSession(r) {
		// Without a session there is nothing to resume: everyone sees the
		// same page, rendered once.
		p, err := s.cache.landingPage(r.Context(), func() templ.Component { return landingPage(s.landingView(false)) })
		if err != nil {
			return err
		}
		p.serve(w, r)
		return nil
	}
	v := s.landingView(deleted)
	q := s.current
	d, err := s.findDraft(r)
	switch {
	case err == nil && d.AssessmentToken != "":
		v.Resume = &resumeView{ResultURL: resultURL(d.AssessmentToken)}
	case err == nil && len(d.Answers) > 0:
		next := q.FirstIncompleteStep(d.Answers) + 1
		v.Resume = &resumeView{StepURL: stepURL(next), Step: next, Total: v.Steps}
	case err != nil && !isNotFound(err):
		return err
	}
	s.render(w, r, http.StatusOK, landingPage(v))
	return nil
}

func (s *Server) landingView(deleted bool) landingView {
	q := s.current
	return landingView{
		Title:     q.Title,
		Summary:   paragraphs(q.Summary),
		Minutes:   q.Minutes,
		Questions: q.QuestionCount(),
		Steps:     len(q.Steps) + 1,
		Deleted:   deleted,
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check", "error", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
	return nil
}
