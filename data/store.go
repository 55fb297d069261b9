// Package data stores fitcheck's questionnaire versions, drafts and
// assessments in SQLite (modernc.org/sqlite, pure Go) and returns domain types.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// timeFormat is fixed-width so stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// Store is the SQLite database behind fitcheck.
type Store struct {
	db      *sql.DB // reads: several connections, which WAL lets run beside a write
	wdb     *sql.DB // writes: one connection, so writers queue in Go, not in SQLite
	submits *committer
	log     *slog.Logger

	findDraft *sql.Stmt // on db; see findDraftSQL
}

// DSN builds the connection string. Every setting is per connection, so it
// lives in the DSN rather than in one PRAGMA on a pooled handle:
//   - WAL lets readers work while a submit commits;
//   - busy_timeout waits for a lock instead of failing at once;
//   - synchronous(FULL) fsyncs each commit, so an acknowledged result
//     survives a power cut;
//   - _txlock=immediate takes the write lock when a transaction begins, so
//     read-then-write transactions never fail with "database is locked";
//   - secure_delete(1) overwrites deleted rows, and pages freed by deletes,
//     with zeros, so "delete for good" leaves no text in the file once the
//     WAL is checkpointed (see checkpointAfterDelete). FAST would leave
//     freed overflow pages, where long free text lives, as they were.
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "secure_delete(1)")
	q.Set("_txlock", "immediate")
	return "file:" + uriPathEscaper.Replace(path) + "?" + q.Encode()
}

// uriPathEscaper escapes what a file: URI would otherwise read as a query,
// a fragment or an escape, so a path like "a#b.db" opens that file, not "a".
var uriPathEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Open opens (creating if needed) the database at path and applies any
// migrations it has not seen. The database and its -wal and -shm files are
// made readable by their owner only (0600); a wider file is tightened, and
// the change logged.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o := openOptions{log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := tightenModes(o.log, databaseFiles(path)...); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// SQLite allows one writer at a time. Writers on many connections would
	// wait for each other inside SQLite's busy handler, which sleeps and
	// retries with growing pauses: under load that turns into second-long
	// stalls. One write connection makes them queue in database/sql instead,
	// each starting the moment the previous write ends.
	wdb, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s := &Store{db: db, wdb: wdb, log: o.log}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		wdb.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	keep := !o.prepareEachTime
	if keep {
		if s.findDraft, err = db.PrepareContext(ctx, findDraftSQL); err != nil {
			db.Close()
			wdb.Close()
			return nil, fmt.Errorf("prepare statements: %w", err)
		}
	}
	if s.submits, err = newCommitter(ctx, wdb, keep); err != nil {
		s.closeStatements()
		db.Close()
		wdb.Close()
		return nil, fmt.Errorf("start writer: %w", err)
	}
	return s, nil
}

// Close finishes the submits already queued, then closes the database.
func (s *Store) Close() error {
	s.submits.close()
	s.closeStatements()
	return errors.Join(s.wdb.Close(), s.db.Close())
}

func (s *Store) closeStatements() {
	if s.findDraft != nil {
		s.findDraft.Close()
	}
	if s.submits != nil {
		closeAll(s.submits.stmts)
	}
}

// Ping checks the database answers, for health checks.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.PingContext(ctx)
}

// migrate applies embedded migrations in order, each in its own transaction,
// recording each so it runs once.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	base := strings.TrimPrefix(name, "migrations/")
	num, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(num)
	if !ok || err != nil {
		return fmt.Errorf("migration %s: name must start with a number and an underscore", base)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	if n > 0 {
		return nil
	}
	script, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return fmt.Errorf("migration %s: %w", base, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		version, formatTime(time.Now())); err != nil {
		return fmt.Errorf("migration %s: record: %w", base, err)
	}
	return tx.Commit()
}

func formatTime(t time.Time) string {
	return t.UTC().Format(timeFormat)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}
