package page

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"sessionplayer.studio/fitcheck/assessment"
)

// questionnaireStore reads stored questionnaire versions back.
type questionnaireStore interface {
	FindQuestionnaire(ctx context.Context, version string) ([]byte, error)
}

// Questionnaires is the questionnaire in force and every stored version a
// result was answered against, each read from the store at most once: a
// stored version never changes. Every page is rendered from one of them.
type Questionnaires struct {
	current  *assessment.Questionnaire
	store    questionnaireStore
	log      *slog.Logger
	versions sync.Map // version → *assessment.Questionnaire
}

// NewQuestionnaires starts with current, the questionnaire in force.
func NewQuestionnaires(current *assessment.Questionnaire, store questionnaireStore, log *slog.Logger) *Questionnaires {
	q := &Questionnaires{current: current, store: store, log: log}
	q.versions.Store(current.Version, current)
	return q
}

// Current is the questionnaire new visitors answer.
func (q *Questionnaires) Current() *assessment.Questionnaire { return q.current }

// Find is the questionnaire a result was answered against. If that version
// cannot be read back the current one stands in: the scores and reasons are
// stored with the result, only the outcome copy would differ.
func (q *Questionnaires) Find(ctx context.Context, version string) *assessment.Questionnaire {
	if v, ok := q.versions.Load(version); ok {
		return v.(*assessment.Questionnaire)
	}
	found, err := q.load(ctx, version)
	if err != nil {
		q.log.ErrorContext(ctx, "load questionnaire version", slog.String("version", version), slog.Any("error", err))
		return q.current
	}
	q.versions.Store(version, found)
	return found
}

func (q *Questionnaires) load(ctx context.Context, version string) (*assessment.Questionnaire, error) {
	source, err := q.store.FindQuestionnaire(ctx, version)
	if err != nil {
		return nil, err
	}
	found, err := assessment.Parse(source)
	if err != nil {
		return nil, fmt.Errorf("parse stored questionnaire %s: %w", version, err)
	}
	return found, nil
}
