package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"sessionplayer.studio/fitcheck/assessment"
)

// maxBatch bounds how many submits share one transaction, so one commit
// never holds the write lock for long.
const maxBatch = 128

// ErrClosed is returned for a submit that arrives after Close.
var ErrClosed = fmt.Errorf("store is closed: %w", assessment.ErrUnavailable)

// committer is group commit for the visitor-facing writes: submits, saved
// steps and funnel rows. With synchronous=FULL every commit waits for an
// fsync, which caps one-row-per-transaction inserts at a few thousand a
// second. One goroutine instead takes every write that is waiting, in the
// order they came, runs them all in one transaction, commits once (one
// fsync), and only then answers each caller: a write is acknowledged
// exactly when it is durable, and under load many share one disk flush.
type committer struct {
	db     *sql.DB
	stmts  map[string]*sql.Stmt // hotWrites, prepared once on db's one connection
	queue  chan *writeRequest
	done   chan struct{}
	once   sync.Once
	mu     sync.RWMutex // guards closed against a send on a closed queue
	closed bool

	commits atomic.Int64     // transactions committed, for tests and metrics
	observe func(writes int) // see ObserveCommits; nil when unobserved
}

// writeRequest is one write waiting for the writer. run does the work in
// the batch's transaction (or, alone in a batch and single, on its own).
// A multi-statement write runs inside a savepoint, so that if it fails it
// is undone alone; a single statement is undone by SQLite itself.
//
// A write whose every error the batch may survive comes before its first
// change (guardedByOrder) needs no savepoint either: each of its statements
// is undone by SQLite alone if it fails, and an error after its first
// change is made one that fails the whole batch (afterFirstChange).
type writeRequest struct {
	run            func(ctx context.Context, q execQueryer) error
	single         bool // one statement: needs no savepoint, and alone needs no BEGIN
	guardedByOrder bool // fails on its own only before its first change: needs no savepoint
	reply          chan error
}

// execQueryer is a transaction or the write connection itself.
type execQueryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write queues fn for the writer and waits until it is durable. If ctx ends
// first the caller gets ctx's error, but the write may still commit.
//
// On PostgreSQL there is no queue: fn runs at once in its own transaction.
func (s *Store) write(ctx context.Context, single bool, fn func(ctx context.Context, q execQueryer) error) error {
	if s.direct != nil {
		return s.direct.write(ctx, s.wdb, single, fn)
	}
	return s.queue(ctx, &writeRequest{run: fn, single: single, reply: make(chan error, 1)})
}

// writeGuardedByOrder is write for a multi-statement fn whose errors that
// are its own (not found, a conflict, a constraint) all come before its
// first change, and which passes every error after that change through
// afterFirstChange. It runs without a savepoint: a savepoint makes SQLite
// copy every page the write changes into its statement journal, which for
// a submit (a row, its ten indexes, the draft, the outbox and the funnel)
// outgrows the journal's 64 KB in memory, so the rest of the batch writes
// each page to a temporary file: a fifth of a submit's CPU.
func (s *Store) writeGuardedByOrder(ctx context.Context, fn func(ctx context.Context, q execQueryer) error) error {
	if s.direct != nil {
		return s.direct.write(ctx, s.wdb, false, fn)
	}
	return s.queue(ctx, &writeRequest{run: fn, guardedByOrder: true, reply: make(chan error, 1)})
}

// afterFirstChange makes err, met after a write's first change, one the
// batch cannot survive: the write cannot be undone alone without a
// savepoint, so the whole batch fails rather than commit half of it.
func afterFirstChange(err error) error {
	if err == nil {
		return nil
	}
	return batchError{err}
}

// batchError is an error that fails every write in the batch: it hides
// its cause from errors.Is and errors.As, which is what commit asks.
type batchError struct{ err error }

func (e batchError) Error() string { return e.err.Error() }

// queue sends req to the writer and waits until it is durable.
func (s *Store) queue(ctx context.Context, req *writeRequest) error {
	if err := s.submits.enqueue(ctx, req); err != nil {
		return err
	}
	select {
	case err := <-req.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *committer) enqueue(ctx context.Context, req *writeRequest) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return fmt.Errorf("queue write: %w", ErrClosed)
	}
	select {
	case c.queue <- req:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("queue write: %w", ctx.Err())
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
		batch := []*writeRequest{first}
		// Whoever queued first woke this goroutine, and on a server with
		// one CPU it would otherwise run at once and commit a batch of
		// one, holding that CPU through the fsync while every other
		// request waits behind it. Yielding first lets the requests that
		// are already runnable reach the queue, so they share the commit.
		// When nothing else is runnable this returns at once.
		runtime.Gosched()
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

// commit writes a batch in one transaction, committed once. A batch of one
// single-statement write runs on its own, which SQLite makes just as
// durable, so a quiet server pays no BEGIN and COMMIT around it.
func (c *committer) commit(batch []*writeRequest) {
	// The batch belongs to many requests; none of their contexts may cancel
	// the others' work.
	ctx := context.Background()
	if len(batch) == 1 && batch[0].single {
		err := batch[0].run(ctx, preparedOn{c.db, nil, c.stmts})
		// Counted before the caller hears back, so a caller that then
		// reads the counts sees its own write in them.
		c.commits.Add(1)
		c.observed(1)
		batch[0].reply <- err
		return
	}
	replies := make([]error, len(batch))
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		answerAll(batch, fmt.Errorf("begin: %w", err))
		return
	}
	defer tx.Rollback()
	q := preparedOn{tx, tx, c.stmts}
	for i, req := range batch {
		replies[i] = runOne(ctx, q, req)
		if err := replies[i]; err != nil && !errors.Is(err, assessment.ErrNotFound) &&
			!errors.Is(err, assessment.ErrConflict) && !isConstraintViolation(err) {
			// Not a problem with this one write (a clash, a missing draft)
			// but with the database: SQLite may have rolled the whole
			// transaction back, so trust none of it.
			answerAll(batch, err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		answerAll(batch, fmt.Errorf("commit: %w", err))
		return
	}
	c.commits.Add(1)
	c.observed(len(batch))
	for i, req := range batch {
		req.reply <- replies[i]
	}
}

func (c *committer) observed(writes int) {
	if c.observe != nil {
		c.observe(writes)
	}
}

func runOne(ctx context.Context, tx execQueryer, req *writeRequest) error {
	if req.single || req.guardedByOrder {
		return req.run(ctx, tx)
	}
	if _, err := tx.ExecContext(ctx, savepointSQL); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	err := req.run(ctx, tx)
	if err != nil {
		if _, rbErr := tx.ExecContext(ctx, rollbackToSavepointSQL); rbErr != nil {
			// The write may be half done and cannot be undone alone: the
			// error must not read as this write's own (%v, not %w), so the
			// whole batch fails rather than commit half of it.
			return fmt.Errorf("roll back savepoint after %v: %w", err, rbErr)
		}
	}
	if _, relErr := tx.ExecContext(ctx, releaseSavepointSQL); relErr != nil && err == nil {
		err = fmt.Errorf("release savepoint: %w", relErr)
	}
	return err
}

const (
	savepointSQL           = `SAVEPOINT write`
	rollbackToSavepointSQL = `ROLLBACK TO write`
	releaseSavepointSQL    = `RELEASE write`
)

func answerAll(batch []*writeRequest, err error) {
	for _, req := range batch {
		req.reply <- err
	}
}

// newCommitter prepares the hot write statements on db, which must have
// exactly one connection (unless keepPrepared is false), and starts the
// writer.
func newCommitter(ctx context.Context, db *sql.DB, keepPrepared bool, observe func(writes int)) (*committer, error) {
	stmts := make(map[string]*sql.Stmt, len(hotWrites))
	if keepPrepared {
		for _, query := range hotWrites {
			st, err := db.PrepareContext(ctx, query)
			if err != nil {
				closeAll(stmts)
				return nil, fmt.Errorf("prepare %q: %w", query, err)
			}
			stmts[query] = st
		}
	}
	c := &committer{db: db, stmts: stmts, queue: make(chan *writeRequest, maxBatch), done: make(chan struct{}), observe: observe}
	go c.run()
	return c, nil
}

func closeAll(stmts map[string]*sql.Stmt) {
	for _, st := range stmts {
		st.Close()
	}
}

// hotWrites are the statements the writer runs for visitors, prepared once
// so SQLite does not parse them again for every write. A statement not
// listed here still runs, parsed each time.
var hotWrites = []string{
	savepointSQL, rollbackToSavepointSQL, releaseSavepointSQL,
	submittedTokenSQL, insertAssessmentSQL, markDraftSubmittedSQL, insertEventSQL,
	updateDraftIfUnchangedSQL, insertStepViewSQL, createDraftWithinSQL,
	newestTakeSQL, settleLatestSQL,
}

// preparedOn runs a query as its prepared statement when it is one of
// hotWrites, inside tx when there is one, and otherwise as given.
type preparedOn struct {
	q     execQueryer
	tx    *sql.Tx // nil outside a transaction
	stmts map[string]*sql.Stmt
}

func (p preparedOn) stmt(ctx context.Context, query string) *sql.Stmt {
	st, ok := p.stmts[query]
	if !ok {
		return nil
	}
	if p.tx != nil {
		// Bound to the same connection, so the prepared statement is reused.
		return p.tx.StmtContext(ctx, st)
	}
	return st
}

func (p preparedOn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.q.ExecContext(ctx, query, args...)
}

func (p preparedOn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.q.QueryRowContext(ctx, query, args...)
}
