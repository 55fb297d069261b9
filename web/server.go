// Package web serves fitcheck over HTTP: the route table of the whole site,
// and the pages a founder sees: the landing page, the steps, the submit and
// the result. The review area is web/admin; the shared frame web/page.
package web

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/metrics"
	"sessionplayer.studio/fitcheck/web/admin"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Store is what the site needs from storage: the visitor pages' part, and
// the review area's.
type Store interface {
	visitorStore
	admin.Store
	DeleteAssessmentsBefore(ctx context.Context, cutoff time.Time) (int64, error)
}

// visitorStore is what the visitor pages need.
type visitorStore interface {
	Ping(ctx context.Context) error
	Ready(ctx context.Context) error
	SaveQuestionnaire(ctx context.Context, version string, source []byte, now time.Time) error
	FindQuestionnaire(ctx context.Context, version string) ([]byte, error)
	CreateDraftWithin(ctx context.Context, d *assessment.Draft, maxOpen int, now time.Time) error
	FindDraft(ctx context.Context, id string, now time.Time) (*assessment.Draft, error)
	UpdateDraftWith(ctx context.Context, d *assessment.Draft, now time.Time, change func(*assessment.Draft) error) (*assessment.Draft, error)
	SubmitDraft(ctx context.Context, draftID string, a *assessment.Assessment, views ...assessment.StepView) (string, error)
	FindAssessment(ctx context.Context, token string) (*assessment.Assessment, error)
	RecordStepView(ctx context.Context, visitor string, step int, now time.Time) error
	bookingStore
	messageStore
	linkStore
}

// Notifier is the delivery worker as the site uses it: the channels
// configured, and a signed test sent to one.
type Notifier = admin.Notifier

// Config is what the server needs to know about its deployment.
type Config struct {
	// BookingURL is where "book a call" buttons lead. Empty hides them.
	BookingURL string
	// BaseURL, when set, makes share links absolute (https://fit.example.com).
	BaseURL string
	// SessionHashKey signs and SessionBlockKey encrypts the session cookie.
	SessionHashKey  []byte
	SessionBlockKey []byte
	// SignInFailureDelay is how long a failed owner sign-in waits before it
	// is answered, to slow password guessing. Zero answers at once (tests).
	SignInFailureDelay time.Duration
	// TrustedProxies lists the CIDR prefixes of reverse proxies whose
	// X-Forwarded-For is believed. Empty: the connection address is the client.
	TrustedProxies []string
	// MinCompletionTime is the least time between starting and submitting
	// that a person could take; faster submits are treated as automated.
	// Zero turns the check off (tests).
	MinCompletionTime time.Duration
	// PublicPostsPerMinute caps answer posts per client; zero means 120.
	PublicPostsPerMinute int
	// CalComWebhookSecret and CalendlySigningKey verify the booking
	// providers' webhooks (/hooks/cal, /hooks/calendly); empty turns each off.
	CalComWebhookSecret string
	CalendlySigningKey  string
	// SharedResultLifetime bounds how long a result's shared page is served
	// from memory; 0 keeps it until the result is deleted through this
	// server. Several instances on one database need it: a delete through
	// one is not seen by the others' memory.
	SharedResultLifetime time.Duration
	// Notifier is the delivery worker, for the review area's test
	// notifications; nil when no channel is configured.
	Notifier Notifier
	// OwnerPhoto is the owner's avatar (a small square PNG, card.Avatar),
	// or nil for an avatar with their initials.
	OwnerPhoto []byte
	// Metrics, when not nil, counts requests and submits.
	Metrics *metrics.Set
	// EmailResults shows founders, on their own result page, a form that
	// e-mails them its share link. Set it only where the outbox's e-mail
	// channel is configured and BaseURL is set: the e-mail's link is made
	// on BaseURL, never on a host a request names.
	EmailResults bool
	// MaxOpenDrafts caps the unfinished assessments one client network (a
	// /24, or an IPv6 /64) may have stored; zero means 200.
	MaxOpenDrafts int
	// TimeZone is the owner's: the review area shows dates and times in it
	// and its date filters count days in it. Nil means UTC.
	TimeZone *time.Location
}

// Server handles every request of the site.
type Server struct {
	cfg      Config
	store    visitorStore
	forms    *questionnaires
	sessions *sessions.CookieStore
	// cookieName is the visitor cookie's name: __Host- under https.
	cookieName string
	pages      page.Renderer
	audit      page.Audit
	addrs      *addrhash.Hasher // pseudonyms of client addresses and networks
	linkKey    []byte           // keys the pseudonyms of "Email me the link" addresses
	avatar     *httpx.Page      // the owner's photo, or nil
	bookingKey []byte           // signs the assessment reference booking links carry
	avatarURL  string           // its address, which changes with the photo
	log        *slog.Logger
	now        func() time.Time
	kept       *keptPages
	deletes    forgettingStore // every delete goes through it
	admin      *admin.Handler
	draining   atomic.Bool // see Drain
}

// NewServer builds the server around the questionnaire currently in force,
// and records that questionnaire's version.
func NewServer(cfg Config, store Store, current *assessment.Questionnaire, log *slog.Logger) (*Server, error) {
	if len(cfg.SessionHashKey) < 32 || len(cfg.SessionBlockKey) != 32 {
		return nil, errors.New("session keys: need a hash key of at least 32 bytes and a 32-byte block key")
	}
	cookies := sessions.NewCookieStore(cfg.SessionHashKey, cfg.SessionBlockKey)
	cookies.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(assessment.DraftLifetime / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   strings.HasPrefix(cfg.BaseURL, "https://"),
	}
	compactSessions(cookies)
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{cfg: cfg, store: store, forms: newQuestionnaires(current, store, log), sessions: cookies,
		pages: page.Renderer{Log: log}, log: log, now: time.Now, kept: newKeptPages(cfg.SharedResultLifetime, time.Now)}
	s.deletes = forgettingStore{Store: store, kept: s.kept}
	if cfg.OwnerPhoto != nil {
		s.avatar = httpx.NewPageUncompressed("image/png", cfg.OwnerPhoto)
		s.avatarURL = "/avatar/" + strings.Trim(httpx.ETag(cfg.OwnerPhoto), `"`)[:16] + ".png"
	}
	s.cookieName = sessionName
	if cookies.Options.Secure {
		s.cookieName = secureSessionName
	}
	if err := store.SaveQuestionnaire(context.Background(), current.Version, current.Source, s.now()); err != nil {
		return nil, fmt.Errorf("record questionnaire version: %w", err)
	}
	addrs, err := addrhash.New(derivedKey(cfg.SessionHashKey, "fitcheck client address pseudonym"))
	if err != nil {
		return nil, fmt.Errorf("client pseudonyms: %w", err)
	}
	s.addrs = addrs
	s.bookingKey = derivedKey(cfg.SessionHashKey, "fitcheck booking reference")
	s.linkKey = derivedKey(cfg.SessionHashKey, "fitcheck result link recipient")
	s.audit = page.Audit{Log: log, Addrs: addrs}
	review, err := admin.New(admin.Config{BaseURL: cfg.BaseURL, SignInFailureDelay: cfg.SignInFailureDelay, Addrs: addrs, TimeZone: cfg.TimeZone, Notifier: cfg.Notifier},
		s.deletes, s.forms, log)
	if err != nil {
		return nil, err
	}
	s.admin = review
	return s, nil
}

// SetupURL returns the one-time link for creating the first owner account,
// or "" when an owner exists already.
func (s *Server) SetupURL(ctx context.Context) (string, error) {
	return s.admin.SetupURL(ctx)
}

// ApplyRetention deletes assessments created before cutoff (the owner's
// retention policy), and every page kept of them.
func (s *Server) ApplyRetention(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.deletes.DeleteAssessmentsBefore(ctx, cutoff)
}

// derivedKey is a key for one purpose, made from the session secret, so the
// operator has one secret to keep, not several.
func derivedKey(secret []byte, purpose string) []byte {
	key, err := hkdf.Key(sha256.New, secret, nil, purpose, 32)
	if err != nil {
		panic(err) // only for a key length HKDF cannot give; 32 bytes it always can
	}
	return key
}
