package result

import (
	"net/http"

	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Checklist serves GET /r/{token}/checklist: the outcome's next step as a
// one-page checklist to print or save (the hiring checklist, for hire-a-pm
// and hire-full-time). It holds nothing of the founder's.
func (h *Handler) Checklist(w http.ResponseWriter, r *http.Request) error {
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	o, ok := q.Outcome(a.Result.Outcome)
	if !ok || len(o.NextStep.Points) == 0 {
		return page.NotFound()
	}
	noIndex(w)
	h.pages.Render(w, r, http.StatusOK, checklistPage(checklistView{
		Title: o.NextStep.Title, Body: page.Paragraphs(o.NextStep.Body), Points: o.NextStep.Points,
		Back: page.ResultURL(a.Token), Owner: h.owner(), ShareURL: httpx.AbsoluteURL(h.cfg.BaseURL, r, page.ResultURL(a.Token)),
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
