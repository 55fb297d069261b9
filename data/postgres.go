package data

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Pool sizes on PostgreSQL. Each instance holds up to maxPostgresConns
// connections; several instances behind a load balancer share the server's
// max_connections (100 by default), so this stays well below it.
const (
	maxPostgresConns     = 16
	postgresConnIdleTime = 5 * time.Minute
)

// openPostgres opens a pool on the PostgreSQL database at dsn and migrates
// it. PostgreSQL takes concurrent writers itself, so writes go straight to
// the pool, each in its own transaction: there is no single writer to
// queue behind and no batch to share. Durability is the server's
// (synchronous_commit, on by default): a write is acknowledged when its
// commit is.
func openPostgres(ctx context.Context, dsn string, o openOptions) (*Store, error) {
	where := redactDSN(dsn)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	if err := pingUntil(ctx, db, o, where); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	db.SetMaxOpenConns(maxPostgresConns)
	db.SetMaxIdleConns(maxPostgresConns)
	db.SetConnMaxIdleTime(postgresConnIdleTime)
	h := &handle{db, postgresDialect}
	s := &Store{d: postgresDialect, db: h, wdb: h, direct: &directWriter{observe: o.observeCommit}, log: o.log, mfs: o.migrations}
	if err := s.checkPostgresEncoding(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", where, err)
	}
	if !o.prepareEachTime {
		if s.findDraft, err = h.PrepareContext(ctx, findDraftSQL); err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare statements: %w", err)
		}
	}
	return s, nil
}

// pingUntil pings the server until it answers or o.wait has passed, with a
// pause that doubles from half a second up to maxPingPause between tries,
// and logs each failed try.
func pingUntil(ctx context.Context, db *sql.DB, o openOptions, where string) error {
	deadline := time.Now().Add(o.wait)
	pause := 500 * time.Millisecond
	for try := 1; ; try++ {
		err := db.PingContext(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			if o.wait > 0 {
				return fmt.Errorf("no answer after %d tries in %s: %w", try, o.wait, err)
			}
			return err
		}
		pause = min(pause, left)
		o.log.Warn("database does not answer yet; trying again", slog.String("database", where),
			slog.Int("try", try), slog.String("next_try_in", pause.Round(time.Millisecond).String()), slog.String("error", oneLine(err.Error())))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, maxPingPause)
	}
}

// maxPingPause bounds the pause between tries of a database that does not
// answer at start.
const maxPingPause = 8 * time.Second

// oneLine folds a multi-line error (pgx lists each address it tried on a
// line of its own) onto one line, for a log line per event.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// checkPostgresEncoding refuses a database that cannot hold every answer:
// visitors write in any script, and only UTF-8 stores them all.
func (s *Store) checkPostgresEncoding(ctx context.Context) error {
	var enc string
	if err := s.db.QueryRowContext(ctx, `SHOW server_encoding`).Scan(&enc); err != nil {
		return fmt.Errorf("read server encoding: %w", err)
	}
	if enc != "UTF8" {
		return fmt.Errorf("database encoding is %s; fitcheck needs UTF8 (CREATE DATABASE fitcheck ENCODING 'UTF8' TEMPLATE template0)", enc)
	}
	return nil
}

// redactDSN is dsn without its password, for messages and logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	return u.Redacted()
}

// directWriter runs PostgreSQL's writes at once, on the caller's goroutine,
// and lets Close wait for those already running, as SQLite's committer
// lets its queue drain.
type directWriter struct {
	mu      sync.RWMutex // guards closed against a write starting during close
	closed  bool
	running sync.WaitGroup
	observe func(writes int) // see ObserveCommits; nil when unobserved
}

// write runs fn: a single statement on the pool itself, several in one
// transaction.
func (w *directWriter) write(ctx context.Context, h *handle, single bool, fn func(ctx context.Context, q execQueryer) error) error {
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return fmt.Errorf("queue write: %w", ErrClosed)
	}
	w.running.Add(1)
	w.mu.RUnlock()
	defer w.running.Done()
	if single {
		if err := fn(ctx, h); err != nil {
			return err
		}
		w.observed()
		return nil
	}
	tx, err := h.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	w.observed()
	return nil
}

func (w *directWriter) observed() {
	if w.observe != nil {
		w.observe(1)
	}
}

func (w *directWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.running.Wait()
}
