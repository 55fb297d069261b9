package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO, which reads one snapshot and so is safe while the server
// keeps writing. The copy is private (0600), like the database. It refuses
// to overwrite an existing file.
func (s *Store) Backup(ctx context.Context, path string) error {
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
// ("ok" when the file is sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var verdict string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict); err != nil {
		return "", fmt.Errorf("integrity check: %w", err)
	}
	return verdict, nil
}
