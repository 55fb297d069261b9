// Package insight is what the owner learns from everything stored: the
// dashboard (outcomes over time, where visitors drop off, booking rates,
// whether the rules were right, the notification channels and their test)
// and the rules lab, which re-scores stored answers under a changed
// questionnaire without changing anything.
package insight

import (
	"context"
	"errors"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
)

// Store is what the dashboard and the rules lab need from storage.
type Store interface {
	// CountOutcomesSince counts assessments by outcome since each of the
	// times, in one read: counts[i] is for since[i].
	CountOutcomesSince(ctx context.Context, since ...time.Time) ([]map[string]int, error)
	WeeklyOutcomes(ctx context.Context, since time.Time) ([]assessment.WeekCount, error)
	Funnel(ctx context.Context, since time.Time) ([]assessment.FunnelStep, error)
	CountWaiting(ctx context.Context) (int, error)
	// CountCalibrationsByRule counts recorded calls per predicted outcome,
	// rule and verdict.
	CountCalibrationsByRule(ctx context.Context) ([]assessment.CalibrationCount, error)
	CountBookings(ctx context.Context, since time.Time) ([]assessment.BookingCount, error)
	// EachAnswerSetOn calls fn with every stored assessment's answers and
	// outcome, for the rules lab's re-score, from several workers at once,
	// each run through run, and a batch at a time.
	EachAnswerSetOn(ctx context.Context, run func(work func()), fn func(assessment.AnswerSet) error) error
}

// Handler serves the dashboard and the rules lab. Its exported methods are
// what the site's route table names; every one expects the owner signed in.
type Handler struct {
	area     *frame.Area
	store    Store
	notifier Notifier // nil when no channel is configured
	lab      *labRuns // one re-score at a time, each until its deadline (lab_bounds.go)
}

// New builds the dashboard and the rules lab; notifier sends test
// notifications, and is nil when no channel is configured.
func New(area *frame.Area, store Store, notifier Notifier) (*Handler, error) {
	if area == nil || store == nil {
		return nil, errors.New("insight: the review area and a store are required")
	}
	return &Handler{area: area, store: store, notifier: notifier, lab: newLabRuns()}, nil
}
