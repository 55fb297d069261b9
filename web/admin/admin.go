// Package admin is the review area at /admin: the owner's sign-in and
// first-run setup, the list of assessments, each one's page with its
// follow-up status and notes, delete, the CSV export and the dashboard.
package admin

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// Store is what the review area needs from storage.
type Store interface {
	CountOwners(ctx context.Context) (int, error)
	CreateFirstOwner(ctx context.Context, o *assessment.Owner) error
	FindOwnerByEmail(ctx context.Context, email string) (*assessment.Owner, error)
	CreateOwnerSession(ctx context.Context, s *assessment.OwnerSession) error
	FindOwnerSession(ctx context.Context, idHash string, now time.Time) (*assessment.OwnerSession, *assessment.Owner, error)
	TouchOwnerSession(ctx context.Context, idHash string, now time.Time) error
	DeleteOwnerSession(ctx context.Context, idHash string) error
	DeleteOwnerSessions(ctx context.Context, ownerID int64) (int64, error)

	ListAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Summary, int, error)
	ExportAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Assessment, error)
	FindAssessmentByID(ctx context.Context, id int64) (*assessment.Assessment, error)
	UpdateStatus(ctx context.Context, id int64, status assessment.Status, now time.Time) error
	AddNote(ctx context.Context, n *assessment.Note) error
	ListDeliveries(ctx context.Context, assessmentID int64) ([]assessment.Delivery, error)
	RedeliverDelivery(ctx context.Context, id int64, now time.Time) error
	ListNotes(ctx context.Context, assessmentID int64) ([]assessment.Note, error)
	// DeleteAssessment must also forget any page kept of the assessment.
	DeleteAssessment(ctx context.Context, id int64) error
	CountOutcomes(ctx context.Context, since time.Time) (map[string]int, error)
	WeeklyOutcomes(ctx context.Context, since time.Time) ([]assessment.WeekCount, error)
	Funnel(ctx context.Context, since time.Time) ([]assessment.FunnelStep, error)

	RecordCalibration(ctx context.Context, c assessment.Calibration) error
	// FindCalibration is assessment.ErrNotFound when none is recorded.
	FindCalibration(ctx context.Context, assessmentID int64) (*assessment.Calibration, error)
	CountCalibrations(ctx context.Context) ([]assessment.CalibrationCount, error)
	CountWaiting(ctx context.Context) (int, error)
	CountBookings(ctx context.Context, since time.Time) ([]assessment.BookingCount, error)
	ListMessages(ctx context.Context, assessmentID int64) ([]assessment.Message, error)
	// ListAnswerSets returns every stored assessment's answers and outcome,
	// for the rules lab's re-score.
	ListAnswerSets(ctx context.Context) ([]assessment.AnswerSet, error)
}

// Questionnaires gives the questionnaire in force and any stored version.
type Questionnaires interface {
	Current() *assessment.Questionnaire
	// Find returns the version an assessment was answered against, or the
	// current one when that version cannot be read back.
	Find(ctx context.Context, version string) *assessment.Questionnaire
}

// Config is what the review area needs to know about its deployment.
type Config struct {
	// Notifier sends test notifications; nil when no channel is configured.
	Notifier Notifier
	// BaseURL, when set, makes share and setup links absolute.
	BaseURL string
	// SignInFailureDelay is how long a failed sign-in waits before it is
	// answered, to slow password guessing. Zero answers at once (tests).
	SignInFailureDelay time.Duration
	// Addrs makes the client pseudonyms in security events.
	Addrs *addrhash.Hasher
	// TimeZone is the owner's: every date and time shown is in it, and the
	// list's from/to filters count days in it. Nil means UTC.
	TimeZone *time.Location
}

// Handler serves the review area. Its methods are the handlers the site's
// route table names.
type Handler struct {
	cfg       Config
	store     Store
	forms     Questionnaires
	pages     page.Renderer
	audit     page.Audit
	log       *slog.Logger
	now       func() time.Time
	setup     setupToken
	signins   *signinLimiter
	hashSlots chan struct{} // bounds concurrent argon2id checks
}

// New builds the review area.
func New(cfg Config, store Store, forms Questionnaires, log *slog.Logger) (*Handler, error) {
	if store == nil || forms == nil || log == nil {
		return nil, errors.New("admin: store, questionnaires and logger are required")
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	return &Handler{cfg: cfg, store: store, forms: forms, pages: page.Renderer{Log: log}, audit: page.Audit{Log: log, Addrs: cfg.Addrs}, log: log, now: time.Now,
		signins: newSigninLimiter(), hashSlots: make(chan struct{}, 4)}, nil
}
