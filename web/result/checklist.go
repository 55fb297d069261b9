package result

import (
	"net/http"

	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Checklist serves GET /r/{token}/checklist: the outcome's guide, a page to
// read or print (the one-hour scoping exercise, the hiring guides), or, in
// a file without one, its next step as a one-page checklist. It holds
// nothing of the founder's.
func (h *Handler) Checklist(w http.ResponseWriter, r *http.Request) error {
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	o, ok := q.Outcome(a.Result.Outcome)
	if !ok || (o.Guide == nil && len(o.NextStep.Points) == 0) {
		return page.NotFound()
	}
	v := checklistView{
		Title: o.NextStep.Title, Body: page.Paragraphs(o.NextStep.Body),
		Sections: []guideSection{{Points: o.NextStep.Points, Ticks: true}},
		Back:     page.ResultURL(a.Token), Owner: h.owner(), ShareURL: httpx.AbsoluteURL(h.cfg.BaseURL, r, page.ResultURL(a.Token)),
	}
	if g := o.Guide; g != nil {
		v.Guide, v.Title, v.Body, v.Sections = true, g.Title, page.Paragraphs(g.Intro), nil
		for _, s := range g.Sections {
			v.Sections = append(v.Sections, guideSection{Title: s.Title, Body: page.Paragraphs(s.Body), Points: s.Points, WriteIn: s.WriteIn})
		}
	}
	noIndex(w)
	h.pages.Render(w, r, http.StatusOK, checklistPage(v))
	return nil
}

// checklistView is the printable guide, or checklist.
type checklistView struct {
	Guide    bool // a guide of the content's, rather than the next step's points
	Title    string
	Body     []string
	Sections []guideSection
	Back     string
	ShareURL string
	Owner    page.OwnerView
}

// guideSection is one part of the guide under its heading.
type guideSection struct {
	Title   string
	Body    []string
	Points  []string
	Ticks   bool // points to tick off
	WriteIn bool // room to write under each point, on paper
}
