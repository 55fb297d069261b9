package answer

import (
	"net/http"

	"sessionplayer.studio/fitcheck/web/page"
)

// Start serves POST /start: back to the draft in progress, or (asked
// for afresh, or with none) a new draft and step 1.
func (h *Handler) Start(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if r.PostForm.Get("fresh") != "1" {
		d, err := h.drafts.Find(r)
		if err == nil && d.AssessmentToken == "" {
			http.Redirect(w, r, page.StepURL(h.formOf(r.Context(), d).FirstIncompleteStep(d.Answers)+1), http.StatusSeeOther)
			return nil
		}
		if err != nil && !isNotFound(err) {
			return err
		}
	}
	if err := h.drafts.Start(w, r); err != nil {
		return err
	}
	// The marker lets step 1 tell "cookies are blocked" from "never started".
	http.Redirect(w, r, page.StepURL(1)+"?started=1", http.StatusSeeOther)
	return nil
}
