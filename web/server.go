// Package web serves fitcheck over HTTP: the route table of the whole site
// (routes.go), the wiring of the flows that answer it (this file), and the
// landing page and health checks. Each flow is a package of its own: the
// visitor's session and draft (web/visitor), answering the steps
// (web/answer), the result and what hangs off it (web/result), the review
// area (web/admin); web/page is the shared frame and web/httpx the plumbing.
// arch_test.go holds the map of who may import whom.
package web

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/metrics"
	"sessionplayer.studio/fitcheck/web/admin/account"
	"sessionplayer.studio/fitcheck/web/admin/desk"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/admin/insight"
	"sessionplayer.studio/fitcheck/web/answer"
	"sessionplayer.studio/fitcheck/web/page"
	"sessionplayer.studio/fitcheck/web/result"
	"sessionplayer.studio/fitcheck/web/visitor"
)

// Notifier is the delivery worker as the site uses it: the channels
// configured, and a signed test sent to one.
type Notifier = insight.Notifier

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

// Server handles every request of the site: it holds the flows the route
// table names, and the landing page's own few things.
type Server struct {
	cfg     Config
	store   *data.Store
	forms   *page.Questionnaires
	pages   page.Renderer
	log     *slog.Logger
	avatar  *page.Avatar
	kept    landingPages
	drafts  *visitor.Drafts
	answers *answer.Handler
	results *result.Handler
	// The review area, by job: the owner's account (setup, sign-in, the
	// gate), the desk (the assessments), insight (dashboard, rules lab).
	account *account.Handler
	desk    *desk.Handler
	insight *insight.Handler
	// versions publishes from the rules lab, lists what was published and
	// rolls back.
	versions *insight.Versions
	// draining is set once the process is stopping (Drain).
	draining atomic.Bool
}

// NewServer builds the server around file, the questionnaire it was
// started with (-questionnaire or the built-in one), and records that
// questionnaire's version. A version published in the database (the rules
// lab, `fitcheck publish`) is in force instead, from the start; Follow
// keeps watching for the next.
func NewServer(cfg Config, store *data.Store, file *assessment.Questionnaire, log *slog.Logger) (*Server, error) {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	addrs, err := addrhash.New(derivedKey(cfg.SessionHashKey, "fitcheck client address pseudonym"))
	if err != nil {
		return nil, fmt.Errorf("client pseudonyms: %w", err)
	}
	forms := page.NewQuestionnaires(file, store, log)
	drafts, err := visitor.New(visitor.Config{HashKey: cfg.SessionHashKey, BlockKey: cfg.SessionBlockKey,
		Secure: strings.HasPrefix(cfg.BaseURL, "https://"), MaxOpenDrafts: cfg.MaxOpenDrafts, Addrs: addrs}, store, forms, log)
	if err != nil {
		return nil, err
	}
	if err := store.SaveQuestionnaire(context.Background(), file.Version, file.Source, time.Now()); err != nil {
		return nil, fmt.Errorf("record questionnaire version: %w", err)
	}
	if err := forms.Refresh(context.Background()); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: store, forms: forms, pages: page.Renderer{Log: log}, log: log,
		avatar: page.NewAvatar(cfg.OwnerPhoto), kept: newLandingPages(), drafts: drafts}
	s.answers = answer.New(answer.Config{MinCompletionTime: cfg.MinCompletionTime, Metrics: cfg.Metrics}, store, drafts, forms, s.pages)
	s.results = result.New(result.Config{
		BaseURL: cfg.BaseURL, BookingURL: cfg.BookingURL, EmailResults: cfg.EmailResults,
		SharedResultLifetime: cfg.SharedResultLifetime,
		CalComWebhookSecret:  cfg.CalComWebhookSecret, CalendlySigningKey: cfg.CalendlySigningKey,
		BookingKey: derivedKey(cfg.SessionHashKey, "fitcheck booking reference"),
		LinkKey:    derivedKey(cfg.SessionHashKey, "fitcheck result link recipient"),
		AvatarURL:  s.avatar.URL(), Audit: page.Audit{Log: log, Addrs: addrs},
	}, store, drafts, forms, s.pages, log)
	review := reviewStore{Store: store, results: s.results}
	area, err := newReviewArea(cfg, addrs, review, forms, log)
	if err != nil {
		return nil, err
	}
	s.account, s.desk, s.insight, s.versions = area.account, area.desk, area.insight, area.versions
	return s, nil
}

// Questionnaires is the questionnaire in force and every stored version:
// the start-up log names the one in force, and Follow keeps it current.
func (s *Server) Questionnaires() *page.Questionnaires { return s.forms }

// reviewArea is the review area's parts, by job.
type reviewArea struct {
	account  *account.Handler
	desk     *desk.Handler
	insight  *insight.Handler
	versions *insight.Versions
}

// newReviewArea makes the review area's parts around their shared frame.
// Each reads and writes through store, whose deletes go through the result
// flow, so a delete from the desk forgets the kept pages of what it
// deletes; publishing changes forms, the questionnaire in force.
func newReviewArea(cfg Config, addrs *addrhash.Hasher, store reviewStore, forms *page.Questionnaires, log *slog.Logger) (reviewArea, error) {
	var a reviewArea
	area, err := frame.New(frame.Config{BaseURL: cfg.BaseURL, Addrs: addrs, TimeZone: cfg.TimeZone}, forms, log)
	if err != nil {
		return a, err
	}
	if a.account, err = account.New(area, store, cfg.SignInFailureDelay); err != nil {
		return a, err
	}
	if a.desk, err = desk.New(area, store); err != nil {
		return a, err
	}
	if a.insight, err = insight.New(area, store, cfg.Notifier); err != nil {
		return a, err
	}
	a.versions, err = insight.NewVersions(area, store, forms)
	return a, err
}

// reviewStore is the store as the review area gets it: its deletes go
// through the result flow, which forgets the pages kept of a result.
type reviewStore struct {
	*data.Store
	results *result.Handler
}

func (s reviewStore) DeleteAssessment(ctx context.Context, id int64) error {
	return s.results.DeleteAssessment(ctx, id)
}

// SetupURL returns the one-time link for creating the first owner account,
// or "" when an owner exists already.
func (s *Server) SetupURL(ctx context.Context) (string, error) {
	return s.account.SetupURL(ctx)
}

// ApplyRetention deletes assessments created before cutoff (the owner's
// retention policy), and every page kept of them.
func (s *Server) ApplyRetention(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.results.DeleteAssessmentsBefore(ctx, cutoff)
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
