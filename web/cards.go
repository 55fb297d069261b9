package web

import (
	"net/http"
	"strings"

	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Link previews: a result's card and the landing page's card, 1200×630
// PNGs drawn by package card. A result card depends only on the
// questionnaire version, the outcome and the scores (card.Result has no room
// for anything else), so cards are kept by their view: two founders with
// the same answers share one. The assessment is still looked up first, so a
// deleted result's card is gone.

// cardCacheSize bounds the kept cards: about 40 KB each.
const cardCacheSize = 128

// resultCard serves GET /r/{token}/card.png.
func (s *Server) resultCard(w http.ResponseWriter, r *http.Request) error {
	a, err := s.resultAt(r)
	if err != nil {
		return err
	}
	v := card.ResultFor(s.forms.Find(r.Context(), a.QuestionnaireVersion), a.Result)
	return serveCard(w, r, s.kept.cards, v.Key(), func() ([]byte, error) { return card.RenderResult(v) })
}

// landingCard serves GET /card.png, the landing page's preview.
func (s *Server) landingCard(w http.ResponseWriter, r *http.Request) error {
	v := s.landingCardView()
	return serveCard(w, r, s.kept.cards, "landing", func() ([]byte, error) { return card.RenderLanding(v) })
}

func (s *Server) landingCardView() card.Landing {
	q := s.forms.Current()
	v := card.LandingFor(q)
	v.OwnerName, v.OwnerTitle = q.Owner.Name, q.Owner.Title
	return v
}

func serveCard(w http.ResponseWriter, r *http.Request, kept *httpx.Kept[string], key string, render func() ([]byte, error)) error {
	// A card's address never shows other bytes: its content is fixed by
	// the stored result, so it may be cached for good.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return serveKept(w, r, kept, key, false, func() (*httpx.Page, error) {
		png, err := render()
		if err != nil {
			return nil, err
		}
		return httpx.NewPageUncompressed("image/png", png), nil
	})
}

// preview is what a page tells link previews (Open Graph and Twitter).
func (s *Server) preview(r *http.Request, path, imagePath, imageAlt, description string) page.Preview {
	return page.Preview{
		URL:         httpx.AbsoluteURL(s.cfg.BaseURL, r, path),
		Image:       httpx.AbsoluteURL(s.cfg.BaseURL, r, imagePath),
		ImageAlt:    imageAlt,
		ImageWidth:  card.Width,
		ImageHeight: card.Height,
		Description: shareDescription(description),
	}
}

// shareDescription is at most 160 characters, cut at a word with an
// ellipsis: what Slack and LinkedIn show under a link.
func shareDescription(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= 160 {
		return s
	}
	runes := []rune(s)[:159]
	cut := string(runes)
	if i := strings.LastIndex(cut, " "); i > 100 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
