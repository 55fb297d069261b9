package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"sessionplayer.studio/fitcheck/assessment"
)

// maxBatch bounds how many submits share one transaction, so one commit
// never holds the write lock for long.
const maxBatch = 128

// ErrClosed is returned for a submit that arrives after Close.
var ErrClosed = fmt.Errorf("store is closed: %w", assessment.ErrUnavailable)

// committer is group commit for submits. With synchronous=FULL every commit
// waits for an fsync, which caps one-row-per-transaction inserts at a few
// thousand a second. One goroutine instead takes every submit that is
// waiting, writes them all in one transaction, commits once (one fsync),
// and only then answers each caller: a submit is acknowledged exactly when
// it is durable, and under load many share the cost of one disk flush.
type committer struct {
	db     *sql.DB
	queue  chan *submitRequest
	done   chan struct{}
	once   sync.Once
	mu     sync.RWMutex // guards closed against a send on a closed queue
	closed bool

	commits atomic.Int64 // transactions committed, for tests and metrics
}

type submitRequest struct {
	draftID string
	a       *assessment.Assessment
	reply   chan submitReply
}

type submitReply struct {
	token string
	err   error
}

func newCommitter(db *sql.DB) *committer {
	c := &committer{db: db, queue: make(chan *submitRequest, maxBatch), done: make(chan struct{})}
	go c.run()
	return c
}

// SubmitDraft stores the assessment made from a draft and marks the draft
// submitted. If the draft was already submitted (a double click, a resent
// form) nothing new is stored and the first submission's token is returned,
// so one draft never makes two rows. It returns once the row is committed to
// disk. If ctx ends first the caller gets ctx's error, but the submit may
// still commit; submitting the same draft again then finds its token.
func (s *Store) SubmitDraft(ctx context.Context, draftID string, a *assessment.Assessment) (string, error) {
	req := &submitRequest{draftID: draftID, a: a, reply: make(chan submitReply, 1)}
	if err := s.submits.enqueue(ctx, req); err != nil {
		return "", err
	}
	select {
	case r := <-req.reply:
		return r.token, r.err
	case <-ctx.Done():
		return "", fmt.Errorf("submit draft: %w", ctx.Err())
	}
}

func (c *committer) enqueue(ctx context.Context, req *submitRequest) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return fmt.Errorf("submit draft: %w", ErrClosed)
	}
	select {
	case c.queue <- req:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("submit draft: %w", ctx.Err())
	}
}

// close stops taking submits, lets the queued ones commit, and waits.
func (c *committer) close() {
	c.once.Do(func() {
		c.mu.Lock()
		c.closed = true
		close(c.queue)
		c.mu.Unlock()
		<-c.done
	})
}

func (c *committer) run() {
	defer close(c.done)
	for first := range c.queue {
		batch := []*submitRequest{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case req, ok := <-c.queue:
				if !ok {
					break drain
				}
				batch = append(batch, req)
			default:
				break drain
			}
		}
		c.commit(batch)
	}
}

// commit writes a batch in one transaction. Each submit runs inside its own
// savepoint, so one that fails (a clash, a missing draft) is rolled back
// alone and the others still commit.
func (c *committer) commit(batch []*submitRequest) {
	// The batch belongs to many requests; none of their contexts may cancel
	// the others' work.
	ctx := context.Background()
	replies := make([]submitReply, len(batch))
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		answerAll(batch, submitReply{err: fmt.Errorf("submit draft: begin: %w", err)})
		return
	}
	defer tx.Rollback()
	for i, req := range batch {
		replies[i] = submitOne(ctx, tx, req)
		if err := replies[i].err; err != nil && !errors.Is(err, assessment.ErrNotFound) &&
			!errors.Is(err, assessment.ErrConflict) && !isConstraintViolation(err) {
			// Not a problem with this one submit (a clash, a missing draft)
			// but with the database: SQLite may have rolled the whole
			// transaction back, so trust none of it.
			answerAll(batch, submitReply{err: err})
			return
		}
	}
	if err := tx.Commit(); err != nil {
		answerAll(batch, submitReply{err: fmt.Errorf("submit draft: commit: %w", err)})
		return
	}
	c.commits.Add(1)
	for i, req := range batch {
		req.reply <- replies[i]
	}
}

func submitOne(ctx context.Context, tx *sql.Tx, req *submitRequest) submitReply {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT submit`); err != nil {
		return submitReply{err: fmt.Errorf("submit draft: savepoint: %w", err)}
	}
	token, err := submitInTx(ctx, tx, req.draftID, req.a)
	if err != nil {
		if _, rbErr := tx.ExecContext(ctx, `ROLLBACK TO submit`); rbErr != nil {
			err = errors.Join(err, fmt.Errorf("roll back savepoint: %w", rbErr))
		}
	}
	if _, relErr := tx.ExecContext(ctx, `RELEASE submit`); relErr != nil && err == nil {
		err = fmt.Errorf("submit draft: release savepoint: %w", relErr)
	}
	return submitReply{token: token, err: err}
}

func answerAll(batch []*submitRequest, r submitReply) {
	for _, req := range batch {
		req.reply <- r
	}
}
