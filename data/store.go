// Package data stores fitcheck's questionnaire versions, drafts and
// assessments and returns domain types. The database is SQLite
// (modernc.org/sqlite, pure Go, the embedded default) or PostgreSQL (pgx),
// behind the same Store.
package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// timeFormat is fixed-width so stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// Store is the database behind fitcheck.
type Store struct {
	d *dialect
	// On SQLite db is for reads (several connections, which WAL lets run
	// beside a write) and wdb for writes (one connection, so writers queue
	// in Go, not in SQLite). On PostgreSQL both are the same pool.
	db, wdb *handle
	submits *committer    // SQLite's group commit; nil on PostgreSQL
	direct  *directWriter // PostgreSQL's writes; nil on SQLite
	log     *slog.Logger
	// path is the SQLite file ("" on PostgreSQL); readOnly marks a store
	// from OpenReadOnly.
	path     string
	readOnly bool
	mfs      fs.FS // the migrations, when not the embedded ones (tests)

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

// readerPageCacheKiB bounds each reading connection's page cache, which by
// default grows to 2 MB: eight readers held up to 16 MB, a third of the
// server's peak memory under the bench (docs/performance.md). It buys
// little: in WAL mode a connection drops its whole cache whenever another
// has committed since its last read, which under visitors' writes is
// nearly every read, and a page not cached is read from the operating
// system's cache of the file. The writer keeps the default: its cache
// survives its own commits and holds the index pages every submit changes.
const readerPageCacheKiB = 512

// readerDSN is DSN for the connections that read, with their smaller cache.
func readerDSN(path string) string {
	return DSN(path) + fmt.Sprintf("&_pragma=cache_size(-%d)", readerPageCacheKiB)
}

// uriPathEscaper escapes what a file: URI would otherwise read as a query,
// a fragment or an escape, so a path like "a#b.db" opens that file, not "a".
var uriPathEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// IsPostgres reports whether a -db value names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens the database and applies any migrations it has not seen. db is
// a postgres:// URL, for PostgreSQL, or a file path, for SQLite.
//
// A SQLite file is created if needed; it and its -wal and -shm files are
// made readable by their owner only (0600); a wider file is tightened, and
// the change logged.
func Open(ctx context.Context, db string, opts ...Option) (*Store, error) {
	o := openOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	o.fill()
	if IsPostgres(db) {
		return openPostgres(ctx, db, o)
	}
	return openSQLite(ctx, db, o)
}

func openSQLite(ctx context.Context, path string, o openOptions) (*Store, error) {
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := tightenModes(o.log, databaseFiles(path)...); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db, err := sql.Open("sqlite", readerDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := pingThroughBusy(ctx, db); err != nil {
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
	// Reading in pure-Go SQLite is CPU work: more connections than about two
	// per core buy no throughput, and each holds its page cache, schema and
	// prepared statements (about 1.3 MB under the bench: 8 readers on two
	// cores peaked at 53.5 MB, 4 at 48.4 MB; docs/performance.md).
	readers := readerConns()
	db.SetMaxOpenConns(readers)
	db.SetMaxIdleConns(readers)
	s := &Store{d: sqliteDialect, db: &handle{db, sqliteDialect}, wdb: &handle{wdb, sqliteDialect}, log: o.log, path: path, mfs: o.migrations}
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
	if s.submits, err = newCommitter(ctx, wdb, keep, o.observeCommit); err != nil {
		s.closeStatements()
		db.Close()
		wdb.Close()
		return nil, fmt.Errorf("start writer: %w", err)
	}
	return s, nil
}

// Close finishes the writes already queued or running, then closes the
// database.
func (s *Store) Close() error {
	if s.submits != nil {
		s.submits.close()
	}
	if s.direct != nil {
		s.direct.close()
	}
	s.closeStatements()
	if s.wdb == s.db {
		return s.db.Close()
	}
	return errors.Join(s.wdb.Close(), s.db.Close())
}

// Engine names the database behind the store: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name }

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

// pingThroughBusy opens the first connection, trying again while SQLite
// answers "database is locked". A brand-new file is switched to WAL by
// whichever connection gets there first, and SQLite refuses the others at
// once rather than through the busy handler; several processes starting on
// one new file at the same moment would otherwise fail their start.
func pingThroughBusy(ctx context.Context, db *sql.DB) error {
	var err error
	for wait := 5 * time.Millisecond; wait < 2*time.Second; wait *= 2 {
		if err = db.PingContext(ctx); err == nil || !isBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return err
}

// readerConns is how many reading connections a SQLite store keeps: two
// per core the Go scheduler uses, and at least four, so a long export or
// re-score never leaves the pages without one.
func readerConns() int { return max(4, 2*runtime.GOMAXPROCS(0)) }
