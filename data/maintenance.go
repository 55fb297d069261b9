package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// DeleteAssessmentsBefore removes assessments created before cutoff, with
// their notes and drafts, and funnel rows older than cutoff: the owner's
// retention policy. It reports how many assessments went. What went is
// gone from the disk too (see checkpointAfterDelete).
func (s *Store) DeleteAssessmentsBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("apply retention: %w", err)
	}
	defer tx.Rollback()
	at := formatTime(cutoff)
	if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE assessment_token IN
		(SELECT token FROM assessments WHERE created_at < ?)`, at); err != nil {
		return 0, fmt.Errorf("apply retention: drafts: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM assessments WHERE created_at < ?`, at)
	if err != nil {
		return 0, fmt.Errorf("apply retention: assessments: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("apply retention: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM step_views WHERE created_at < ?`, at); err != nil {
		return 0, fmt.Errorf("apply retention: step views: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("apply retention: commit: %w", err)
	}
	if n > 0 {
		s.checkpointAfterDelete(ctx, "assessments past retention")
	}
	return n, nil
}

// ErrNotSQLite is returned for a file-level operation asked of a
// PostgreSQL store, which has its own tools for them.
var ErrNotSQLite = errors.New("the database is PostgreSQL")

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO, which reads one snapshot and so is safe while the server
// keeps writing. The copy is private (0600), like the database. It refuses
// to overwrite an existing file. A PostgreSQL database is backed up with
// pg_dump instead (ErrNotSQLite).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.d.postgres() {
		return fmt.Errorf("backup: %w: use pg_dump (see docs/deploy.md)", ErrNotSQLite)
	}
	// VACUUM INTO accepts an empty file, so the copy is created first, by
	// us and private: SQLite would create it 0644 less the umask. O_EXCL
	// also makes "never overwrite" hold against a file appearing meanwhile.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; choose a new file name", path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	err = errors.Join(f.Close(), os.Chmod(path, privateMode))
	if err == nil {
		_, err = s.db.ExecContext(ctx, `VACUUM INTO ?`, path)
	}
	if err != nil {
		os.Remove(path) // ours, and empty or half written
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's full integrity check and returns its verdict
// ("ok" when the file is sound). PostgreSQL has amcheck for that instead
// (ErrNotSQLite).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	if s.d.postgres() {
		return "", fmt.Errorf("integrity check: %w: use pg_amcheck", ErrNotSQLite)
	}
	var verdict string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict); err != nil {
		return "", fmt.Errorf("integrity check: %w", err)
	}
	return verdict, nil
}

// CheckSettings compares the live connection's settings with what the store
// relies on and returns, for each that differs, a sentence saying what is
// wrong and how to fix it. None means all is well.
//
// On SQLite those are the DSN's pragmas (WAL, synchronous FULL, foreign keys,
// a busy timeout); on PostgreSQL, a UTF-8 database whose character type
// folds letter case beyond ASCII (the review search needs it), and commits
// that wait for the disk.
func (s *Store) CheckSettings(ctx context.Context) ([]string, error) {
	var checks []settingCheck
	if s.d.postgres() {
		checks = postgresSettingChecks
	} else {
		checks = sqliteSettingChecks
	}
	var problems []string
	if s.readOnly && !s.d.postgres() {
		checks = checks[1:] // journal_mode: an immutable open always says "delete"
		if wal, err := walMode(s.path); err != nil {
			return nil, fmt.Errorf("check settings: %w", err)
		} else if !wal {
			problems = append(problems, "the file is not in WAL mode: starting fitcheck serve switches it")
		}
	}
	for _, c := range checks {
		var got string
		if err := s.db.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			return nil, fmt.Errorf("check settings: %s: %w", c.query, err)
		}
		if !c.ok(got) {
			problems = append(problems, fmt.Sprintf("%s is %q: %s", c.query, got, c.fix))
		}
	}
	return problems, nil
}

type settingCheck struct {
	query string
	ok    func(string) bool
	fix   string
}

var sqliteSettingChecks = []settingCheck{
	{"PRAGMA journal_mode", equalFold("wal"), "want wal; another program may have opened the file in another journal mode"},
	{"PRAGMA synchronous", equal("2"), "want 2 (FULL), so an acknowledged submit survives a power cut"},
	{"PRAGMA foreign_keys", equal("1"), "want 1"},
	{"PRAGMA busy_timeout", func(v string) bool { return v != "0" }, "want a timeout, so a write waits for the lock instead of failing"},
	{"PRAGMA secure_delete", equal("1"), "want 1, so deleted answers are overwritten, not left in the file"},
}

var postgresSettingChecks = []settingCheck{
	{"SHOW server_encoding", equal("UTF8"), "create the database with ENCODING 'UTF8'"},
	{"SELECT lower('ÅNGSTRÖM')", equal("ångström"), "the database's LC_CTYPE folds ASCII only, so searches miss accented names; create it with a UTF-8 locale (e.g. LC_CTYPE 'C.UTF-8')"},
	{"SHOW synchronous_commit", func(v string) bool { return v != "off" }, "want on, so an acknowledged submit survives a crash of the database server"},
	{"SHOW fsync", equal("on"), "want on, so commits reach the disk"},
}

func equal(want string) func(string) bool { return func(v string) bool { return v == want } }

func equalFold(want string) func(string) bool {
	return func(v string) bool { return strings.EqualFold(v, want) }
}
