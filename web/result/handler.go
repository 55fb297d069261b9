// Package result is a stored result and what hangs off it: the result page
// (the founder's own, and the shared view kept for everyone else), its JSON,
// its link-preview card, the booking link and the booking providers'
// webhooks, the message form, "Email me the link", the retake, the
// checklist, and deleting it. Every delete of an assessment, the owner's
// and the retention sweep's too, goes through Handler.DeleteAssessment,
// which forgets the pages kept of it.
package result

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Store is what the result and its actions need from storage.
type Store interface {
	FindAssessment(ctx context.Context, token string) (*assessment.Assessment, error)
	DeleteAssessment(ctx context.Context, id int64) error
	DeleteAssessmentsBefore(ctx context.Context, cutoff time.Time) (int64, error)
	RecordBookingClick(ctx context.Context, assessmentID int64, now time.Time) error
	RecordBooking(ctx context.Context, e *assessment.BookingEvent) (bool, error)
	AddMessageWithin(ctx context.Context, m *assessment.Message, perResult int) error
	RequestResultLink(ctx context.Context, req *assessment.LinkRequest, limits assessment.LinkLimits) error
	// BenchmarkOf counts how a version's comparable results scored.
	BenchmarkOf(ctx context.Context, version string) (assessment.Benchmark, error)
}

// Drafts is the visitor's session (web/visitor.Drafts): whose result this
// is, and a fresh draft for a retake.
type Drafts interface {
	// Find is assessment.ErrNotFound when the visitor has no draft.
	Find(r *http.Request) (*assessment.Draft, error)
	// HasSession reports whether the request carries a session cookie.
	HasSession(r *http.Request) bool
	// Restart starts a fresh draft from source, stored at once as fill
	// fills it; when refused, the session stays as it was.
	Restart(w http.ResponseWriter, r *http.Request, source assessment.Attribution, fill func(*assessment.Draft) error) error
	// PutFlash and TakeFlash pass a value to the next page, once.
	PutFlash(w http.ResponseWriter, r *http.Request, key, value string) error
	TakeFlash(w http.ResponseWriter, r *http.Request, key string) (string, error)
	// Framed marks r as a request of the embedded journey, its pages'
	// forms carrying the visitor's signed draft reference as it now is.
	Framed(r *http.Request) (*http.Request, error)
	// Claim makes the draft a posted reference names, when it made the
	// result token, this browser's own in its first-party cookie.
	Claim(w http.ResponseWriter, r *http.Request, token string) error
}

// Questionnaires gives the questionnaire in force and any stored version.
type Questionnaires interface {
	Current() *assessment.Questionnaire
	Find(ctx context.Context, version string) *assessment.Questionnaire
}

// Config is what the result pages need to know about the deployment.
type Config struct {
	// BaseURL, when set, makes share links absolute (https://fit.example.com).
	BaseURL string
	// BookingURL is where "book a call" leads; empty offers a message.
	BookingURL string
	// BookingInline shows the booking page inside the founder's result,
	// where its provider allows a plain iframe (booking.Inline).
	BookingInline bool
	// EmailResults shows the founder's own result a form that e-mails them
	// its share link (web.Config.EmailResults).
	EmailResults bool
	// SharedResultLifetime bounds how long a shared page is kept; 0 keeps
	// it until the result is deleted through this server.
	SharedResultLifetime time.Duration
	// CalComWebhookSecret and CalendlySigningKey verify the booking
	// providers' webhooks; empty turns each off.
	CalComWebhookSecret string
	CalendlySigningKey  string
	// BookingKey signs the assessment reference booking links carry.
	BookingKey []byte
	// LinkKey keys the pseudonyms of "Email me the link" addresses.
	LinkKey []byte
	// AvatarURL is the owner's photo, or "" for their initials.
	AvatarURL string
	// Audit logs security events (a visitor deleting their result).
	Audit page.Audit
	// BenchmarkLifetime is how long a version's figures of where founders
	// stand are used before they are counted again; zero means
	// defaultBenchmarkLifetime.
	BenchmarkLifetime time.Duration
}

// Handler serves a result and its actions. Its exported methods are the
// handlers the site's route table names.
type Handler struct {
	cfg     Config
	store   Store
	drafts  Drafts
	forms   Questionnaires
	pages   page.Renderer
	log     *slog.Logger
	now     func() time.Time
	results *httpx.Kept[resultKey] // shared views, by share link (kept.go)
	cards   *httpx.Kept[string]    // cards, by card view (card.go)
	renders *cardRenders           // how often a card not kept may be drawn (card.go)
	// benchmarks are where founders stand, per version (benchmark.go).
	benchmarks *benchmarks
}

// New builds the result's handlers.
func New(cfg Config, store Store, drafts Drafts, forms Questionnaires, pages page.Renderer, log *slog.Logger) *Handler {
	h := &Handler{cfg: cfg, store: store, drafts: drafts, forms: forms, pages: pages, log: log, now: time.Now,
		results: httpx.NewKept[resultKey](resultCacheSize, resultCacheBytes).WithKeyBytes(resultKey.size),
		cards:   httpx.NewKept[string](cardCacheSize, cardCacheBytes), renders: newCardRenders()}
	h.benchmarks = newBenchmarks(store.BenchmarkOf, cfg.BenchmarkLifetime, log)
	if cfg.SharedResultLifetime > 0 {
		// Several instances on one database: a result deleted through
		// another instance is otherwise still shown from this one's memory.
		h.results.WithLifetime(cfg.SharedResultLifetime, time.Now)
	}
	return h
}

// resultAt is the stored result the request's {token} names; a malformed
// token is not found without asking the store.
func (h *Handler) resultAt(r *http.Request) (*assessment.Assessment, error) {
	token := chi.URLParam(r, "token")
	if !assessment.IsShareToken(token) {
		return nil, page.NotFound()
	}
	return h.store.FindAssessment(r.Context(), token)
}

// ownsResult reports whether the visitor's session made result a.
func (h *Handler) ownsResult(r *http.Request, a *assessment.Assessment) bool {
	d, err := h.drafts.Find(r)
	return err == nil && d.AssessmentToken == a.Token
}

// owner is the owner block's view of the content's owner.
func (h *Handler) owner() page.OwnerView {
	return page.OwnerOf(h.forms.Current().Owner, h.cfg.AvatarURL)
}

// noIndex keeps a result page out of search engines and caches.
func noIndex(w http.ResponseWriter) {
	httpx.NoStore(w)
	w.Header()["X-Robots-Tag"] = noIndexValue
}

var noIndexValue = httpx.Value("noindex") // built once: see httpx.Value
