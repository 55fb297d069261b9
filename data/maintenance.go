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
// retention policy. It reports how many assessments went.
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
	return n, nil
}

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO, which reads one snapshot and so is safe while the server
// keeps writing. It refuses to overwrite an existing file.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
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
