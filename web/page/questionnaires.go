package page

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// questionnaireStore reads stored questionnaire versions back, and the
// publication in force.
type questionnaireStore interface {
	FindQuestionnaire(ctx context.Context, version string) ([]byte, error)
	FindLatestPublication(ctx context.Context) (*assessment.Publication, error)
	PublishQuestionnaire(ctx context.Context, p *assessment.Publication, source []byte) error
}

// Questionnaires is the questionnaire in force and every stored version a
// draft or a result was answered against, each read from the store at most
// once: a stored version never changes. Every page is rendered from one of
// them.
//
// The version in force is the latest publication in the database (from the
// rules lab or `fitcheck publish`); before the first, it is the file the
// server started with (-questionnaire, or the built-in one). Every instance
// reads the publication in force every few seconds (Follow), so a version
// published through one is served by all of them without a restart.
type Questionnaires struct {
	file     *assessment.Questionnaire
	inForce  atomic.Pointer[InForce]
	store    questionnaireStore
	log      *slog.Logger
	versions sync.Map // version → *assessment.Questionnaire

	// changing is held while the version in force is read and replaced, so
	// a poll that read the store before a publish cannot put back the
	// version the publish replaced.
	changing   sync.Mutex
	unreadable string // a published version this build could not read, logged once
}

// InForce is the questionnaire new visitors answer, and the publication
// that put it in force: nil when nothing has been published and the file
// the server started with is in force.
type InForce struct {
	Q           *assessment.Questionnaire
	Publication *assessment.Publication
}

// NewQuestionnaires starts with file, the questionnaire the server was
// started with, in force until Refresh finds a publication.
func NewQuestionnaires(file *assessment.Questionnaire, store questionnaireStore, log *slog.Logger) *Questionnaires {
	q := &Questionnaires{file: file, store: store, log: log}
	q.versions.Store(file.Version, file)
	q.inForce.Store(&InForce{Q: file})
	return q
}

// Current is the questionnaire new visitors answer.
func (q *Questionnaires) Current() *assessment.Questionnaire { return q.inForce.Load().Q }

// InForce is the questionnaire new visitors answer, and how it came to be
// in force.
func (q *Questionnaires) InForce() InForce { return *q.inForce.Load() }

// File is the questionnaire the server was started with: in force until
// something is published.
func (q *Questionnaires) File() *assessment.Questionnaire { return q.file }

// Find is the questionnaire a draft or a result was answered against. If
// that version cannot be read back the current one stands in: a result's
// scores and reasons are stored with it, only the outcome copy would
// differ.
func (q *Questionnaires) Find(ctx context.Context, version string) *assessment.Questionnaire {
	found, err := q.Load(ctx, version)
	if err != nil {
		q.log.ErrorContext(ctx, "load questionnaire version", slog.String("version", version), slog.Any("error", err))
		return q.Current()
	}
	return found
}

// Load is the questionnaire of a stored version, or why it cannot be read
// back: assessment.ErrNotFound when it is not stored.
func (q *Questionnaires) Load(ctx context.Context, version string) (*assessment.Questionnaire, error) {
	if v, ok := q.versions.Load(version); ok {
		return v.(*assessment.Questionnaire), nil
	}
	source, err := q.store.FindQuestionnaire(ctx, version)
	if err != nil {
		return nil, err
	}
	found, err := assessment.Parse(source)
	if err != nil {
		return nil, fmt.Errorf("parse stored questionnaire %s: %w", version, err)
	}
	q.versions.Store(version, found)
	return found, nil
}

// Refresh reads the publication in force and, when it is not the one
// served, serves it from now on. A published version this build cannot
// read is logged (once) and the one served stays.
func (q *Questionnaires) Refresh(ctx context.Context) error {
	q.changing.Lock()
	defer q.changing.Unlock()
	p, err := q.store.FindLatestPublication(ctx)
	if errors.Is(err, assessment.ErrNotFound) {
		if q.InForce().Publication != nil {
			q.set(&InForce{Q: q.file}, "nothing is published any more: the file the server started with is in force")
		}
		return nil
	}
	if err != nil {
		return err
	}
	if was := q.InForce().Publication; was != nil && was.ID == p.ID {
		return nil
	}
	next, err := q.Load(ctx, p.Version)
	if err != nil {
		if q.unreadable != p.Version {
			q.unreadable = p.Version
			q.log.ErrorContext(ctx, "the published questionnaire cannot be read by this build; the one in force stays",
				slog.String("version", p.Version), slog.String("in_force", q.Current().Version), slog.Any("error", err))
		}
		return nil
	}
	q.set(&InForce{Q: next, Publication: p}, "questionnaire in force changed")
	return nil
}

// Follow refreshes every interval until ctx ends, so a version published
// through another instance is served here within that interval. A failed
// read is logged and tried again at the next tick.
func (q *Questionnaires) Follow(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := q.Refresh(ctx); err != nil && ctx.Err() == nil {
			q.log.WarnContext(ctx, "read the questionnaire in force", slog.Any("error", err))
		}
	}
}

// Publish puts next in force, recorded as published by by at now (a
// roll-back when rollback is set), and serves it here at once; the other
// instances follow within their poll interval. It replaces the version in
// force as this instance sees it: if another was published meanwhile, the
// error is assessment.ErrConflict and nothing changes. next must already
// have passed its checks (rules.Load).
func (q *Questionnaires) Publish(ctx context.Context, next *assessment.Questionnaire, by string, rollback bool, now time.Time) (*assessment.Publication, error) {
	q.changing.Lock()
	defer q.changing.Unlock()
	p := &assessment.Publication{Version: next.Version, Replaced: q.Current().Version, By: by, At: now.UTC(), Rollback: rollback}
	if err := q.store.PublishQuestionnaire(ctx, p, next.Source); err != nil {
		return nil, err
	}
	q.versions.Store(next.Version, next)
	q.set(&InForce{Q: next, Publication: p}, "questionnaire in force changed")
	return p, nil
}

// set serves f from now on and, when that changes the version served,
// logs why. The caller holds changing.
func (q *Questionnaires) set(f *InForce, why string) {
	was := q.Current().Version
	q.inForce.Store(f)
	if was == f.Q.Version {
		return
	}
	attrs := []slog.Attr{slog.String("version", short(f.Q.Version)), slog.String("was", short(was))}
	if p := f.Publication; p != nil {
		attrs = append(attrs, slog.String("published_by", p.By), slog.Time("published_at", p.At), slog.Bool("rollback", p.Rollback))
	}
	q.log.LogAttrs(context.Background(), slog.LevelInfo, why, attrs...)
}

// short is a version as people read it: its first twelve hex digits.
func short(version string) string {
	if len(version) > 12 {
		return version[:12]
	}
	return version
}
