package result

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
)

// BookingHooks answers the booking providers' signed webhooks, which bring
// back a booking made through Book. Server to server: no page, no session,
// exempt from the cross-origin check (web/routes.go).
type BookingHooks struct {
	cfg   Config
	store Store
	log   *slog.Logger
	now   func() time.Time
}

// BookingHooks is the webhooks' handler, on this result flow's store and
// configuration.
func (h *Handler) BookingHooks() *BookingHooks {
	return &BookingHooks{cfg: h.cfg, store: h.store, log: h.log, now: h.now}
}

// maxHookBytes bounds a provider's webhook body; theirs are a few KB.
const maxHookBytes = 256 << 10

// CalHook serves POST /hooks/cal: Cal.com's signed booking webhook.
func (h *BookingHooks) CalHook(w http.ResponseWriter, r *http.Request) {
	h.bookingHook(w, r, "cal.com", h.cfg.CalComWebhookSecret, func(body []byte) error {
		return booking.VerifyCalCom(h.cfg.CalComWebhookSecret, body, r.Header.Get("X-Cal-Signature-256"))
	}, booking.ParseCalCom)
}

// CalendlyHook serves POST /hooks/calendly: Calendly's signed webhook.
func (h *BookingHooks) CalendlyHook(w http.ResponseWriter, r *http.Request) {
	h.bookingHook(w, r, "calendly", h.cfg.CalendlySigningKey, func(body []byte) error {
		return booking.VerifyCalendly(h.cfg.CalendlySigningKey, body, r.Header.Get("Calendly-Webhook-Signature"), h.now())
	}, booking.ParseCalendly)
}

// errBadSignature marks a webhook whose signature does not verify.
var errBadSignature = errors.New("webhook signature does not verify")

// bookingHook answers a provider: 401 for a missing or bad signature
// (nothing changes), 400 for a signed body that is not a booking we can
// read (the sender is genuine, its request is not), 404 when that provider
// is not configured, 202 for a booking of no assessment we know (logged),
// 204 once a booking is recorded. Providers read only the status, so the
// body is a short text.
func (h *BookingHooks) bookingHook(w http.ResponseWriter, r *http.Request, provider, secret string,
	verify func([]byte) error, parse func([]byte) (*booking.Booking, error)) {
	if secret == "" {
		http.Error(w, "this webhook is not configured", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHookBytes))
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	if err := verify(body); err != nil {
		h.log.WarnContext(r.Context(), "booking webhook refused", slog.String("provider", provider), slog.Any("error", err))
		http.Error(w, errBadSignature.Error(), http.StatusUnauthorized)
		return
	}
	b, err := parse(body)
	if err != nil {
		h.log.WarnContext(r.Context(), "signed booking webhook unreadable", slog.String("provider", provider), slog.Any("error", err))
		http.Error(w, "the body is not a booking this server can read", http.StatusBadRequest)
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
		BookingID: assessment.CleanLine(b.BookingID), StartsAt: b.StartsAt, CreatedAt: h.now().UTC()}
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
