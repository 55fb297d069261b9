// Package web serves fitcheck over HTTP: routing, sessions, and the
// server-rendered pages a founder sees.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/sessions"

	"sessionplayer.studio/fitcheck/assessment"
)

// Store is what the web layer needs from storage.
type Store interface {
	Ping(ctx context.Context) error
	SaveQuestionnaire(ctx context.Context, version string, source []byte, now time.Time) error
	FindQuestionnaire(ctx context.Context, version string) ([]byte, error)
	CreateDraft(ctx context.Context, d *assessment.Draft) error
	FindDraft(ctx context.Context, id string, now time.Time) (*assessment.Draft, error)
	UpdateDraftWith(ctx context.Context, d *assessment.Draft, now time.Time, change func(*assessment.Draft) error) (*assessment.Draft, error)
	SubmitDraft(ctx context.Context, draftID string, a *assessment.Assessment, views ...assessment.StepView) (string, error)
	FindAssessment(ctx context.Context, token string) (*assessment.Assessment, error)
	RecordStepView(ctx context.Context, visitor string, step int, now time.Time) error

	ownerStore
	reviewStore
}

// ownerStore is what sign-in and setup need.
type ownerStore interface {
	CountOwners(ctx context.Context) (int, error)
	CreateFirstOwner(ctx context.Context, o *assessment.Owner) error
	FindOwnerByEmail(ctx context.Context, email string) (*assessment.Owner, error)
	CreateOwnerSession(ctx context.Context, s *assessment.OwnerSession) error
	FindOwnerSession(ctx context.Context, idHash string, now time.Time) (*assessment.OwnerSession, *assessment.Owner, error)
	TouchOwnerSession(ctx context.Context, idHash string, now time.Time) error
	DeleteOwnerSession(ctx context.Context, idHash string) error
	DeleteOwnerSessions(ctx context.Context, ownerID int64) (int64, error)
}

// reviewStore is what the review pages need.
type reviewStore interface {
	ListAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Summary, int, error)
	ExportAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Assessment, error)
	FindAssessmentByID(ctx context.Context, id int64) (*assessment.Assessment, error)
	UpdateStatus(ctx context.Context, id int64, status assessment.Status, now time.Time) error
	AddNote(ctx context.Context, n *assessment.Note) error
	ListNotes(ctx context.Context, assessmentID int64) ([]assessment.Note, error)
	DeleteAssessment(ctx context.Context, id int64) error
	CountOutcomes(ctx context.Context, since time.Time) (map[string]int, error)
	WeeklyOutcomes(ctx context.Context, since time.Time) ([]assessment.WeekCount, error)
	Funnel(ctx context.Context, since time.Time) ([]assessment.FunnelStep, error)
}

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
}

// Server handles every request of the public site.
type Server struct {
	cfg      Config
	store    Store
	current  *assessment.Questionnaire
	parse    func([]byte) (*assessment.Questionnaire, error)
	sessions *sessions.CookieStore
	log      *slog.Logger
	now      func() time.Time

	// versions caches parsed past questionnaires by content hash: a stored
	// version never changes, so it is parsed at most once.
	versions sync.Map

	// cache keeps pages that are the same for every visitor without a
	// session (cache.go).
	cache pageCache

	setup     setupToken
	signins   *signinLimiter
	hashSlots chan struct{} // bounds concurrent argon2id checks
}

// NewServer builds the server around the questionnaire currently in force.
// parse reads a stored questionnaire version back (for results answered
// against an older file); it is passed in so web does not decide how
// content is loaded.
func NewServer(cfg Config, store Store, current *assessment.Questionnaire, parse func([]byte) (*assessment.Questionnaire, error), log *slog.Logger) (*Server, error) {
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
	s := &Server{cfg: cfg, store: store, current: current, parse: parse, sessions: cookies, log: log, now: time.Now,
		signins: newSigninLimiter(), hashSlots: make(chan struct{}, 4)}
	s.versions.Store(current.Version, current)
	if err := store.SaveQuestionnaire(context.Background(), current.Version, current.Source, s.now()); err != nil {
		return nil, fmt.Errorf("record questionnaire version: %w", err)
	}
	return s, nil
}

// questionnaire returns the questionnaire of a stored version, parsing and
// caching it on first use.
func (s *Server) questionnaire(ctx context.Context, version string) (*assessment.Questionnaire, error) {
	if q, ok := s.versions.Load(version); ok {
		return q.(*assessment.Questionnaire), nil
	}
	source, err := s.store.FindQuestionnaire(ctx, version)
	if err != nil {
		return nil, err
	}
	q, err := s.parse(source)
	if err != nil {
		return nil, fmt.Errorf("parse stored questionnaire %s: %w", version, err)
	}
	s.versions.Store(version, q)
	return q, nil
}
