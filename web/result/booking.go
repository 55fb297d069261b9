package result

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// The booking round trip: the result's booking button leads through
// /r/{token}/book, which records the click (once per result within
// assessment.BookingClickWindow, however often it is followed) and sends
// the founder to the booking page pre-filled for the provider (Cal.com,
// Calendly, or any other page); the provider's signed webhook brings the
// booking back.

// Book serves GET /r/{token}/book.
func (h *Handler) Book(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if !assessment.IsShareToken(token) {
		return page.NotFound()
	}
	if h.cfg.BookingURL == "" {
		// Without a booking page the result offers a message instead.
		http.Redirect(w, r, page.ResultURL(token)+"#message", http.StatusSeeOther)
		return nil
	}
	a, err := h.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	if err := h.store.RecordBookingClick(r.Context(), a.ID, h.now().UTC()); err != nil {
		// A lost click count must not cost the founder their booking.
		h.log.WarnContext(r.Context(), "record booking click", slog.Any("error", err))
	}
	target, err := booking.URL(h.cfg.BookingURL, h.prefill(r, a, h.ownsResult(r, a)))
	if err != nil {
		return fmt.Errorf("booking link: %w", err)
	}
	httpx.NoStore(w)
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// prefill is what the booking page is told about result a. Only the
// founder's own browser (own) carries their name, email and words to the
// booking page: the address is the share link plus /book, and a
// co-founder with the link must not see them in a query string.
func (h *Handler) prefill(r *http.Request, a *assessment.Assessment, own bool) booking.Prefill {
	p := booking.Prefill{
		AssessmentID: a.ID,
		Ref:          booking.SignRef(h.cfg.BookingKey, a.ID), // sealed: it reveals no id
		ResultURL:    httpx.AbsoluteURL(h.cfg.BaseURL, r, page.ResultURL(a.Token)),
	}
	// Only the founder's own browser carries their name, email, words and
	// where they came from (utm_*) to the booking page: the address is the
	// share link plus /book, and a co-founder or anyone the link reached
	// must not read them in a query string.
	if own {
		p.Source = a.Source
		p.Contact = a.Contact
		q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
		if words := q.Words(a.Answers); len(words) > 0 {
			p.StuckDecision = words[0].Text
		}
	}
	return p
}
