package result

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// The booking round trip: the result's booking button leads through
// /r/{token}/book, which records the click and sends the founder to the
// booking page pre-filled for the provider (Cal.com, Calendly, or any other
// page); the provider's signed webhook brings the booking back.

// Book serves GET /r/{token}/book.
func (h *Handler) Book(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if !tokenPattern.MatchString(token) {
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
	prefill := booking.Prefill{
		AssessmentID: a.ID,
		Ref:          booking.SignRef(h.cfg.BookingKey, a.ID),
		ResultURL:    httpx.AbsoluteURL(h.cfg.BaseURL, r, page.ResultURL(a.Token)),
		Source:       a.Source,
	}
	// Only the founder's own browser carries their name, email and words
	// to the booking page: the address is the share link plus /book, and a
	// co-founder with the link must not see them in a query string.
	if h.ownsResult(r, a) {
		prefill.Contact = a.Contact
		q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
		if words := q.Words(a.Answers); len(words) > 0 {
			prefill.StuckDecision = words[0].Text
		}
	}
	target, err := booking.URL(h.cfg.BookingURL, prefill)
	if err != nil {
		return fmt.Errorf("booking link: %w", err)
	}
	httpx.NoStore(w)
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// maxHookBytes bounds a provider's webhook body; theirs are a few KB.
const maxHookBytes = 256 << 10

// CalHook serves POST /hooks/cal: Cal.com's signed booking webhook.
func (h *Handler) CalHook(w http.ResponseWriter, r *http.Request) {
	h.bookingHook(w, r, "cal.com", h.cfg.CalComWebhookSecret, func(body []byte) (*booking.Booking, error) {
		if err := booking.VerifyCalCom(h.cfg.CalComWebhookSecret, body, r.Header.Get("X-Cal-Signature-256")); err != nil {
			return nil, err
		}
		return booking.ParseCalCom(body)
	})
}

// CalendlyHook serves POST /hooks/calendly: Calendly's signed webhook.
func (h *Handler) CalendlyHook(w http.ResponseWriter, r *http.Request) {
	h.bookingHook(w, r, "calendly", h.cfg.CalendlySigningKey, func(body []byte) (*booking.Booking, error) {
		if err := booking.VerifyCalendly(h.cfg.CalendlySigningKey, body, r.Header.Get("Calendly-Webhook-Signature"), h.now()); err != nil {
			return nil, err
		}
		return booking.ParseCalendly(body)
	})
}

// errBadSignature marks a webhook whose signature does not verify.
var errBadSignature = errors.New("webhook signature does not verify")

// bookingHook answers a provider: 401 for a missing or bad signature
// (nothing changes), 404 when that provider is not configured, 202 for a
// booking of no assessment we know (logged), 204 once a booking is recorded.
// Providers read only the status, so the body is a short text.
func (h *Handler) bookingHook(w http.ResponseWriter, r *http.Request, provider, secret string, verify func([]byte) (*booking.Booking, error)) {
	if secret == "" {
		http.Error(w, "this webhook is not configured", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHookBytes))
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	b, err := verify(body)
	if err != nil {
		h.log.WarnContext(r.Context(), "booking webhook refused", slog.String("provider", provider), slog.Any("error", err))
		http.Error(w, errBadSignature.Error(), http.StatusUnauthorized)
		return
	}
	id, genuine := booking.OpenRef(h.cfg.BookingKey, b.Ref)
	if !b.Created || !genuine {
		// Not a new booking, or one that came by no link of ours (a
		// bare or made-up reference names no assessment).
		if b.Created {
			h.log.InfoContext(r.Context(), "booking without a fitcheck reference", slog.String("provider", provider))
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	b.AssessmentID = id
	ev := &assessment.BookingEvent{AssessmentID: b.AssessmentID, Kind: assessment.BookingBooked, Provider: provider,
		BookingID: b.BookingID, StartsAt: b.StartsAt, CreatedAt: h.now().UTC()}
	recorded, err := h.store.RecordBooking(r.Context(), ev)
	switch {
	case errors.Is(err, assessment.ErrNotFound):
		h.log.InfoContext(r.Context(), "booking for an unknown assessment", slog.String("provider", provider), slog.Int64("assessment_id", b.AssessmentID))
		w.WriteHeader(http.StatusAccepted)
	case err != nil:
		h.log.ErrorContext(r.Context(), "record booking", slog.String("provider", provider), slog.Any("error", err))
		http.Error(w, "could not record the booking; please retry", http.StatusServiceUnavailable)
	default:
		h.log.InfoContext(r.Context(), "booking recorded", slog.String("provider", provider),
			slog.Int64("assessment_id", b.AssessmentID), slog.Bool("new", recorded))
		w.WriteHeader(http.StatusNoContent)
	}
}
