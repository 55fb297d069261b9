package result

import (
	"net/http"

	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/web/page"
)

// A result's link preview is a 1200×630 PNG drawn by package card. It
// depends only on the questionnaire version, the outcome and the scores
// (card.Result has no room for anything else), so cards are kept by their
// view: two founders with the same answers share one. The assessment is
// still looked up first, so a deleted result's card is gone.

// cardCacheSize bounds the kept cards: about 40 KB each.
const cardCacheSize = 128

// Card serves GET /r/{token}/card.png.
func (h *Handler) Card(w http.ResponseWriter, r *http.Request) error {
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	v := card.ResultFor(h.forms.Find(r.Context(), a.QuestionnaireVersion), a.Result)
	return page.ServeCard(w, r, h.cards, v.Key(), func() ([]byte, error) { return card.RenderResult(v) })
}
