package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

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

// bookingStore is what the round trip needs from storage.
type bookingStore interface {
	FindAssessment(ctx context.Context, token string) (*assessment.Assessment, error)
	RecordBookingClick(ctx context.Context, assessmentID int64, now time.Time) error
	RecordBooking(ctx context.Context, e *assessment.BookingEvent) (bool, error)
}

// book serves GET /r/{token}/book.
func (s *Server) book(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if !tokenPattern.MatchString(token) {
		return page.NotFound()
	}
	if s.cfg.BookingURL == "" {
		// Without a booking page the result offers a message instead.
		http.Redirect(w, r, page.ResultURL(token)+"#message", http.StatusSeeOther)
		return nil
	}
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	if err := s.store.RecordBookingClick(r.Context(), a.ID, s.now().UTC()); err != nil {
		// A lost click count must not cost the founder their booking.
		s.log.WarnContext(r.Context(), "record booking click", slog.Any("error", err))
	}
	prefill := booking.Prefill{
		AssessmentID: a.ID,
		Ref:          booking.SignRef(s.bookingKey, a.ID),
		ResultURL:    httpx.AbsoluteURL(s.cfg.BaseURL, r, page.ResultURL(a.Token)),
		Source:       a.Source,
	}
	// Only the founder's own browser carries their name, email and words
	// to the booking page: the address is the share link plus /book, and a
	// co-founder with the link must not see them in a query string.
	if s.ownsResult(r, a) {
		prefill.Contact = a.Contact
		q := s.forms.Find(r.Context(), a.QuestionnaireVersion)
		if words := q.Words(a.Answers); len(words) > 0 {
			prefill.StuckDecision = words[0].Text
		}
	}
	target, err := booking.URL(s.cfg.BookingURL, prefill)
	if err != nil {
		return fmt.Errorf("booking link: %w", err)
	}
	httpx.NoStore(w)
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// maxHookBytes bounds a provider's webhook body; theirs are a few KB.
const maxHookBytes = 256 << 10

// calHook serves POST /hooks/cal: Cal.com's signed booking webhook.
func (s *Server) calHook(w http.ResponseWriter, r *http.Request) {
	s.bookingHook(w, r, "cal.com", s.cfg.CalComWebhookSecret, func(body []byte) (*booking.Booking, error) {
		if err := booking.VerifyCalCom(s.cfg.CalComWebhookSecret, body, r.Header.Get("X-Cal-Signature-256")); err != nil {
			return nil, err
		}
		return booking.ParseCalCom(body)
	})
}

// calendlyHook serves POST /hooks/calendly: Calendly's signed webhook.
func (s *Server) calendlyHook(w http.ResponseWriter, r *http.Request) {
	s.bookingHook(w, r, "calendly", s.cfg.CalendlySigningKey, func(body []byte) (*booking.Booking, error) {
		if err := booking.VerifyCalendly(s.cfg.CalendlySigningKey, body, r.Header.Get("Calendly-Webhook-Signature"), s.now()); err != nil {
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
func (s *Server) bookingHook(w http.ResponseWriter, r *http.Request, provider, secret string, verify func([]byte) (*booking.Booking, error)) {
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
		s.log.WarnContext(r.Context(), "booking webhook refused", slog.String("provider", provider), slog.Any("error", err))
		http.Error(w, errBadSignature.Error(), http.StatusUnauthorized)
		return
	}
	id, genuine := booking.OpenRef(s.bookingKey, b.Ref)
	if !b.Created || !genuine {
		// Not a new booking, or one that came by no link of ours (a
		// bare or made-up reference names no assessment).
		if b.Created {
			s.log.InfoContext(r.Context(), "booking without a fitcheck reference", slog.String("provider", provider))
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	b.AssessmentID = id
	ev := &assessment.BookingEvent{AssessmentID: b.AssessmentID, Kind: assessment.BookingBooked, Provider: provider,
		BookingID: b.BookingID, StartsAt: b.StartsAt, CreatedAt: s.now().UTC()}
	recorded, err := s.store.RecordBooking(r.Context(), ev)
	switch {
	case errors.Is(err, assessment.ErrNotFound):
		s.log.InfoContext(r.Context(), "booking for an unknown assessment", slog.String("provider", provider), slog.Int64("assessment_id", b.AssessmentID))
		w.WriteHeader(http.StatusAccepted)
	case err != nil:
		s.log.ErrorContext(r.Context(), "record booking", slog.String("provider", provider), slog.Any("error", err))
		http.Error(w, "could not record the booking; please retry", http.StatusServiceUnavailable)
	default:
		s.log.InfoContext(r.Context(), "booking recorded", slog.String("provider", provider),
			slog.Int64("assessment_id", b.AssessmentID), slog.Bool("new", recorded))
		w.WriteHeader(http.StatusNoContent)
	}
}
