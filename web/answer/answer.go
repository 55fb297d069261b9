// Package answer is answering the assessment: Start, each step's page and
// its save, and the submit on the contact step, which runs the rules and
// stores the result. Step pages as first seen, or with the same choices,
// are rendered once and kept.
package answer

import (
	"context"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/metrics"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Store is what answering needs from storage; drafts are saved through
// Drafts.
type Store interface {
	SubmitDraft(ctx context.Context, draftID string, a *assessment.Assessment, views ...assessment.StepView) (string, error)
	FindAssessment(ctx context.Context, token string) (*assessment.Assessment, error)
}

// Drafts is the visitor's draft, found and saved through their session
// cookie (web/visitor.Drafts).
type Drafts interface {
	// Find is assessment.ErrNotFound when the visitor has no draft.
	Find(r *http.Request) (*assessment.Draft, error)
	// Start begins a fresh draft from the Start form.
	Start(w http.ResponseWriter, r *http.Request) error
	// Save applies change to the draft and stores it.
	Save(w http.ResponseWriter, r *http.Request, d *assessment.Draft, change func(*assessment.Draft) error) error
	// Opened records that the visitor opened step idx (0-based).
	Opened(w http.ResponseWriter, r *http.Request, d *assessment.Draft, idx int) error
	// Finished is the funnel row a submit writes with itself.
	Finished(d *assessment.Draft, at time.Time) assessment.StepView
}

// Questionnaires gives the questionnaire a draft was started under.
type Questionnaires interface {
	// Find is the questionnaire of a stored version (the one in force
	// when that version cannot be read back).
	Find(ctx context.Context, version string) *assessment.Questionnaire
}

// Config is what answering needs to know about the deployment.
type Config struct {
	// MinCompletionTime is the least time between starting and submitting
	// that a person could take; faster submits are marked automated. Zero
	// turns the check off.
	MinCompletionTime time.Duration
	// Metrics, when not nil, counts submits by outcome.
	Metrics *metrics.Set
}

// Handler serves the steps and the submit. Its exported methods are the
// handlers the site's route table names.
type Handler struct {
	cfg    Config
	store  Store
	drafts Drafts
	forms  Questionnaires
	pages  page.Renderer
	kept   *httpx.Kept[stepChoices]
	now    func() time.Time
}

// New builds the steps' handlers.
func New(cfg Config, store Store, drafts Drafts, forms Questionnaires, pages page.Renderer) *Handler {
	return &Handler{cfg: cfg, store: store, drafts: drafts, forms: forms, pages: pages,
		kept: httpx.NewKept[stepChoices](stepCacheSize, stepCacheBytes).WithKeyBytes(stepChoices.size), now: time.Now}
}
