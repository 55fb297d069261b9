package data

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"sessionplayer.studio/fitcheck/assessment"
)

// answerSetBatch is how many stored answer sets one query reads. A
// variable only so tests can cross batches with a few rows.
var answerSetBatch = 1000

// storedAnswers is one row as read, before its JSON is decoded.
type storedAnswers struct {
	id               int64
	outcome, answers string
	created          string
}

// EachAnswerSet calls fn with every stored assessment's answers and stored
// outcome, for a re-score under a candidate questionnaire. fn runs on one
// goroutine per CPU at once, in no particular order, and must be safe for
// that: the answers' JSON is decoded there too, which with the scoring is
// most of a re-score's work. Rows are read in batches, each a short query
// resuming after the last, so memory stays flat however many there are.
// The first error stops the walk and is returned.
func (s *Store) EachAnswerSet(ctx context.Context, fn func(assessment.AnswerSet) error) error {
	return s.EachAnswerSetOn(ctx, func(work func()) { work() }, fn)
}

// EachAnswerSetOn is EachAnswerSet with each of its workers (decoding and
// fn) run through run, which calls the work it is given and returns when
// that returns: the rules lab runs them at a lower priority than visitors'
// requests (httpx.RunNiced).
func (s *Store) EachAnswerSetOn(ctx context.Context, run func(work func()), fn func(assessment.AnswerSet) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	rows := make(chan []storedAnswers, 2)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			run(func() {
				for batch := range rows {
					for _, r := range batch {
						if ctx.Err() != nil {
							continue // drain, so the reader never blocks
						}
						if err := decodeAnswerSet(r, fn); err != nil {
							cancel(err)
						}
					}
				}
			})
		})
	}
	readErr := s.readAnswerSets(ctx, rows)
	close(rows)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && err != context.Canceled {
		return err
	}
	if readErr != nil {
		return fmt.Errorf("list answer sets: %w", readErr)
	}
	return nil
}

// answersHint is about how many questions a questionnaire asks: the
// answers' map is made at its final size, since growing it one answer at a
// time cost a tenth of a re-score.
const answersHint = 16

func decodeAnswerSet(r storedAnswers, fn func(assessment.AnswerSet) error) error {
	a := assessment.AnswerSet{ID: r.id, Outcome: r.outcome}
	var err error
	if a.Answers, err = decodeAnswers(r.answers); err != nil {
		return fmt.Errorf("list answer sets: decode answers of assessment %d: %w", r.id, err)
	}
	if a.CreatedAt, err = parseTime(r.created); err != nil {
		return fmt.Errorf("list answer sets: %w", err)
	}
	return fn(a)
}

// readAnswerSets sends every stored answer set to out, a batch at a time,
// in id order.
func (s *Store) readAnswerSets(ctx context.Context, out chan<- []storedAnswers) error {
	var after int64
	for {
		batch, err := s.answerSetBatch(ctx, after)
		if err != nil {
			return err
		}
		if len(batch) > 0 {
			select {
			case out <- batch:
			case <-ctx.Done():
				return nil // a worker failed; EachAnswerSet reports why
			}
		}
		if len(batch) < answerSetBatch {
			return nil
		}
		after = batch[len(batch)-1].id
	}
}

func (s *Store) answerSetBatchSQL() string {
	return `SELECT id, outcome, answers, created_at FROM assessments` + s.d.indexedBy("assessments_answer_sets") + `
		WHERE id > ? ORDER BY id LIMIT ?`
}

func (s *Store) answerSetBatch(ctx context.Context, after int64) ([]storedAnswers, error) {
	rows, err := s.db.QueryContext(ctx, s.answerSetBatchSQL(), after, answerSetBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	batch := make([]storedAnswers, 0, answerSetBatch)
	for rows.Next() {
		var r storedAnswers
		if err := rows.Scan(&r.id, &r.outcome, &r.answers, &r.created); err != nil {
			return nil, err
		}
		batch = append(batch, r)
	}
	return batch, rows.Err()
}
