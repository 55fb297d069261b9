package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
)

// notifyChannels builds the configured delivery channels, checking each
// as it goes: serve and doctor both call it, so doctor passes no channel
// the server refuses. warnings are what works but should change.
func notifyChannels(cfg *config) (channels []notify.Channel, warnings []string, err error) {
	// Each attempt is cut off at 5 s by the worker; the client's own
	// timeout is a backstop.
	client := &http.Client{Timeout: 10 * time.Second}
	if cfg.SMTPURL != "" {
		email, err := notify.NewEmail(notify.SMTPConfig{URL: cfg.SMTPURL, Password: cfg.env("FITCHECK_SMTP_PASSWORD"),
			From: cfg.MailFrom, To: cfg.notifyEmails()})
		if err != nil {
			return nil, nil, err
		}
		channels = append(channels, email)
	}
	if cfg.WebhookURL != "" {
		secret := cfg.env("FITCHECK_WEBHOOK_SECRET")
		hook, err := notify.NewWebhook(cfg.WebhookURL, secret, client, time.Now)
		if err != nil {
			return nil, nil, fmt.Errorf("FITCHECK_WEBHOOK_SECRET: %w", err)
		}
		if secret == "" {
			warnings = append(warnings, "webhook requests are unsigned: set FITCHECK_WEBHOOK_SECRET (whsec_…) so the receiver can verify them")
		}
		channels = append(channels, hook)
	}
	if cfg.SlackURL != "" {
		channels = append(channels, notify.NewSlack(cfg.SlackURL, client))
	}
	return channels, warnings, nil
}

// newNotifier builds the delivery worker for the channels, or returns nil
// when there are none (events then wait in the outbox, and are fanned out
// to whatever channels a later start configures).
func newNotifier(cfg *config, channels []notify.Channel, store *data.Store, current *assessment.Questionnaire, log *slog.Logger) *notify.Worker {
	if len(channels) == 0 {
		return nil
	}
	w := notify.NewWorker(notify.WorkerConfig{
		Store:         store,
		Channels:      channels,
		Questionnaire: questionnaires(store, current),
		BaseURL:       cfg.BaseURL,
		Log:           log,
	})
	log.Info("owner notifications on", slog.Any("channels", w.Channels()))
	return w
}

// questionnaires finds the questionnaire a stored assessment answered,
// parsing each older version once.
func questionnaires(store *data.Store, current *assessment.Questionnaire) func(context.Context, string) (*assessment.Questionnaire, error) {
	var versions sync.Map
	versions.Store(current.Version, current)
	return func(ctx context.Context, version string) (*assessment.Questionnaire, error) {
		if q, ok := versions.Load(version); ok {
			return q.(*assessment.Questionnaire), nil
		}
		source, err := store.FindQuestionnaire(ctx, version)
		if err != nil {
			return nil, err
		}
		q, err := assessment.Parse(source)
		if err != nil {
			return nil, fmt.Errorf("parse stored questionnaire %s: %w", version, err)
		}
		versions.Store(version, q)
		return q, nil
	}
}

// startNotifier runs w until ctx ends or the returned stop is called; stop
// waits until the attempts under way are recorded, so it must run before
// the store closes.
func startNotifier(ctx context.Context, w *notify.Worker) (stop func()) {
	if w == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// bookingHookWarnings say at start when bookings cannot come back: the
// booking link points at Cal.com or Calendly but the secret that proves
// its webhooks genuine is not set, so every booking report would be refused.
func bookingHookWarnings(cfg *config) []string {
	switch booking.ProviderOf(cfg.BookingURL) {
	case booking.CalCom:
		if cfg.env("FITCHECK_CALCOM_WEBHOOK_SECRET") == "" {
			return []string{"booked calls are not reported back: set FITCHECK_CALCOM_WEBHOOK_SECRET and add a Cal.com webhook to /hooks/cal (README: Notifications and booking)"}
		}
	case booking.Calendly:
		if cfg.env("FITCHECK_CALENDLY_SIGNING_KEY") == "" {
			return []string{"booked calls are not reported back: set FITCHECK_CALENDLY_SIGNING_KEY and subscribe a Calendly webhook to /hooks/calendly (README: Notifications and booking)"}
		}
	}
	return nil
}
