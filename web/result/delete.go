package result

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// DeleteOwn serves POST /r/{token}/delete: it lets the visitor who made a result delete it, from the
// browser session that submitted it. A share link alone is not enough.
func (h *Handler) DeleteOwn(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if !assessment.IsShareToken(token) {
		return page.NotFound()
	}
	d, err := h.drafts.Find(r)
	if err != nil && !errors.Is(err, assessment.ErrNotFound) {
		return err
	}
	if err != nil || d.AssessmentToken != token {
		return &page.Error{Status: http.StatusForbidden, Title: "Only the person who took this assessment can delete it",
			Message: "Deleting works from the browser that submitted the answers. If that was you and it no longer works, " +
				"ask the site owner to delete it.", Link: page.Link{Href: page.ResultURL(token), Label: "Back to the result"}}
	}
	a, err := h.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	if err := h.DeleteAssessment(r.Context(), a.ID); err != nil {
		return err
	}
	h.cfg.Audit.Event(r, "result_deleted_by_visitor", "", slog.Int64("assessment_id", a.ID))
	http.Redirect(w, r, "/?done=deleted", http.StatusSeeOther)
	return nil
}
