package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// Channel is one way of telling the owner: e-mail, webhook, Slack.
type Channel interface {
	// Name is stable: deliveries are stored under it.
	Name() string
	// Send delivers a notice once. An error marked Permanent fails the
	// delivery at once; any other error is retried.
	Send(ctx context.Context, n *Notice) error
}

// Store is what the worker needs of the database: the outbox's claims and
// the rows a notice is built from.
type Store interface {
	ClaimDeliveries(ctx context.Context, channels []string, now time.Time, lease time.Duration, limit int) (*assessment.Claim, error)
	MarkDelivered(ctx context.Context, deliveryID int64, claimToken string, now time.Time) error
	RetryDelivery(ctx context.Context, deliveryID int64, claimToken string, next time.Time, reason string, now time.Time) error
	FailDelivery(ctx context.Context, deliveryID int64, claimToken string, reason string, now time.Time) error
	FindAssessmentByID(ctx context.Context, id int64) (*assessment.Assessment, error)
	FindMessage(ctx context.Context, id int64) (*assessment.Message, error)
}

// Backoff is the wait before each retry after the first attempt fails:
// five retries over about eighteen minutes, then the delivery is failed
// until the owner redelivers it.
var Backoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}

// Worker delivers the outbox. All its state is in the database, so a new
// Worker on the same database (after a restart or a crash) carries on
// where the last one stopped: what was claimed and not settled is claimed
// again when its lease ends.
type Worker struct {
	cfg      WorkerConfig
	channels map[string]Channel
	names    []string
}

// WorkerConfig is what a Worker is built from.
type WorkerConfig struct {
	Store    Store
	Channels []Channel
	// Questionnaire returns the questionnaire of a stored version, for the
	// outcome's headline and the free-text prompts.
	Questionnaire func(ctx context.Context, version string) (*assessment.Questionnaire, error)
	BaseURL       string // -base-url, for the links to the review area and to a founder's result
	Now           func() time.Time
	Log           *slog.Logger

	Poll           time.Duration   // how often to look for due work; 0 means 1 s
	AttemptTimeout time.Duration   // 0 means 5 s
	Backoff        []time.Duration // nil means Backoff
	Batch          int             // deliveries claimed at once; 0 means 8
}

// NewWorker makes a worker. It sends nothing until Run or RunOnce.
func NewWorker(cfg WorkerConfig) *Worker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = 5 * time.Second
	}
	if cfg.Backoff == nil {
		cfg.Backoff = Backoff
	}
	if cfg.Batch == 0 {
		cfg.Batch = 8
	}
	w := &Worker{cfg: cfg, channels: map[string]Channel{}}
	for _, ch := range cfg.Channels {
		w.channels[ch.Name()] = ch
		w.names = append(w.names, ch.Name())
	}
	return w
}

// lease is how long a claim is held: every attempt of a batch runs at once
// and each is cut off at AttemptTimeout, so a live worker settles well
// within it, and a dead one's deliveries are due again soon after.
func (w *Worker) lease() time.Duration {
	return 2*w.cfg.AttemptTimeout + 5*time.Second
}

// Run delivers until ctx ends. Attempts already under way when it ends are
// finished and recorded (each is bounded by AttemptTimeout), so a graceful
// stop leaves nothing claimed; stop the worker before closing the store.
func (w *Worker) Run(ctx context.Context) {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	for {
		// Not ctx: a stop must not cut a batch off between its sends and
		// their records.
		for {
			n, err := w.RunOnce(context.WithoutCancel(ctx))
			if err != nil {
				w.cfg.Log.Warn("deliver notifications", slog.Any("error", err))
			}
			if n < w.cfg.Batch || err != nil || ctx.Err() != nil {
				break // drained what was due; wait for the next tick
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RunOnce claims the deliveries due now, attempts each once, records each
// outcome, and reports how many it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	claim, err := w.cfg.Store.ClaimDeliveries(ctx, w.names, w.cfg.Now(), w.lease(), w.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, d := range claim.Deliveries {
		wg.Go(func() {
			if err := w.deliver(ctx, claim.Token, d); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return len(claim.Deliveries), errors.Join(errs...)
}

// deliver makes one attempt and records it. The error returned is about
// recording, not about the attempt: a failed attempt is an outcome.
func (w *Worker) deliver(ctx context.Context, token string, d assessment.Delivery) error {
	log := w.cfg.Log.With(slog.Int64("delivery_id", d.ID), slog.String("channel", d.Channel),
		slog.String("event", string(d.Event.Type)), slog.Int64("assessment_id", d.Event.AssessmentID), slog.Int("attempt", d.Attempts))
	sendErr := w.attempt(ctx, d)
	now := w.cfg.Now()
	if sendErr == nil {
		log.Info("notification delivered")
		return w.cfg.Store.MarkDelivered(ctx, d.ID, token, now)
	}
	reason := sendErr.Error()
	if len(reason) > 500 {
		reason = reason[:500]
	}
	retry := d.Attempts - 1 // retries already made before this attempt
	if IsPermanent(sendErr) || retry >= len(w.cfg.Backoff) {
		log.Warn("notification failed; the owner can redeliver it", slog.String("error", reason))
		return w.cfg.Store.FailDelivery(ctx, d.ID, token, reason, now)
	}
	next := now.Add(w.cfg.Backoff[retry])
	log.Info("notification attempt failed; will retry", slog.String("error", reason), slog.Time("next_attempt_at", next))
	return w.cfg.Store.RetryDelivery(ctx, d.ID, token, next, reason, now)
}

func (w *Worker) attempt(ctx context.Context, d assessment.Delivery) error {
	ch, ok := w.channels[d.Channel]
	if !ok {
		return Permanent(fmt.Errorf("channel %q is no longer configured", d.Channel))
	}
	if d.Event.Type == assessment.EventResultLink && d.Channel != assessment.EmailChannel {
		// The store fans these out to e-mail alone; never post a
		// founder's address to a webhook or Slack, whatever the row says.
		return Permanent(fmt.Errorf("a %s goes by e-mail only, not by %s", d.Event.Type, d.Channel))
	}
	n, err := w.notice(ctx, d.Event)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.AttemptTimeout)
	defer cancel()
	return ch.Send(ctx, n)
}

// notice reads what an event announces, as it is now.
func (w *Worker) notice(ctx context.Context, ev assessment.Event) (*Notice, error) {
	a, err := w.cfg.Store.FindAssessmentByID(ctx, ev.AssessmentID)
	if errors.Is(err, assessment.ErrNotFound) {
		return nil, Permanent(fmt.Errorf("assessment %d was deleted", ev.AssessmentID))
	}
	if err != nil {
		return nil, err
	}
	if ev.Type == assessment.EventResultLink && ev.Recipient == "" {
		return nil, Permanent(errors.New("the founder's address was erased after an earlier attempt; they can ask again on their result page"))
	}
	var m *assessment.Message
	if ev.MessageID != 0 {
		if m, err = w.cfg.Store.FindMessage(ctx, ev.MessageID); errors.Is(err, assessment.ErrNotFound) {
			return nil, Permanent(fmt.Errorf("message %d was deleted", ev.MessageID))
		} else if err != nil {
			return nil, err
		}
	}
	var q *assessment.Questionnaire
	if w.cfg.Questionnaire != nil {
		if q, err = w.cfg.Questionnaire(ctx, a.QuestionnaireVersion); err != nil {
			return nil, fmt.Errorf("questionnaire %s: %w", a.QuestionnaireVersion, err)
		}
	}
	if ev.Type == assessment.EventResultLink {
		return NewLinkNotice(ev, a, q, w.cfg.BaseURL), nil
	}
	return NewNotice(ev, a, q, m, w.cfg.BaseURL), nil
}

// SendTest sends a ping through the named channel now and says how it
// went: the review area's "send test". Nothing is stored.
func (w *Worker) SendTest(ctx context.Context, channel string) error {
	ch, ok := w.channels[channel]
	if !ok {
		return fmt.Errorf("send test: channel %q is not configured", channel)
	}
	id, err := newPingID()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.AttemptTimeout)
	defer cancel()
	if err := ch.Send(ctx, pingNotice(id, w.cfg.Now(), w.cfg.BaseURL)); err != nil {
		return fmt.Errorf("send test to %s: %w", channel, err)
	}
	return nil
}

// Channels lists the configured channels' names, in the order given.
func (w *Worker) Channels() []string { return append([]string(nil), w.names...) }
