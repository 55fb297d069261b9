package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sessionplayer.studio/fitcheck/assessment"
)

// RecordCalibration stores what the owner found after a call, replacing any
// earlier record. An unknown assessment is an assessment.ErrNotFound.
func (s *Store) RecordCalibration(ctx context.Context, c assessment.Calibration) error {
	if err := c.Check(); err != nil {
		return fmt.Errorf("record calibration of assessment %d: %w", c.AssessmentID, err)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record calibration of assessment %d: %w", c.AssessmentID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO calibrations (assessment_id, verdict, needed, recorded_at)
		SELECT id, ?, ?, ? FROM assessments WHERE id = ?
		ON CONFLICT (assessment_id) DO UPDATE SET verdict = excluded.verdict, needed = excluded.needed, recorded_at = excluded.recorded_at`,
		string(c.Verdict), c.Needed, formatTime(c.RecordedAt), c.AssessmentID)
	if err != nil {
		return fmt.Errorf("record calibration of assessment %d: %w", c.AssessmentID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("record calibration of assessment %d: %w", c.AssessmentID, err)
	} else if n == 0 {
		return fmt.Errorf("record calibration of assessment %d: %w", c.AssessmentID, assessment.ErrNotFound)
	}
	// The dashboard's per-rule table reads rule_id; an assessment stored
	// before migration 0008 has none until it is calibrated.
	if _, err := tx.ExecContext(ctx, fillRuleIDSQL(s.d)+` WHERE id = ? AND rule_id IS NULL`, c.AssessmentID); err != nil {
		return fmt.Errorf("record calibration of assessment %d: rule: %w", c.AssessmentID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record calibration of assessment %d: commit: %w", c.AssessmentID, err)
	}
	return nil
}

// fillRuleIDSQL sets rule_id from the stored result; the caller adds which
// rows.
func fillRuleIDSQL(d *dialect) string {
	return `UPDATE assessments SET rule_id = ` + d.ruleOfResult()
}

// FindCalibration returns an assessment's calibration, or
// assessment.ErrNotFound when none is recorded.
func (s *Store) FindCalibration(ctx context.Context, assessmentID int64) (*assessment.Calibration, error) {
	c := assessment.Calibration{AssessmentID: assessmentID}
	var recorded string
	err := s.db.QueryRowContext(ctx, `SELECT verdict, needed, recorded_at FROM calibrations WHERE assessment_id = ?`, assessmentID).
		Scan(&c.Verdict, &c.Needed, &recorded)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("calibration of assessment %d: %w", assessmentID, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find calibration of assessment %d: %w", assessmentID, err)
	}
	if c.RecordedAt, err = parseTime(recorded); err != nil {
		return nil, fmt.Errorf("find calibration of assessment %d: %w", assessmentID, err)
	}
	return &c, nil
}

// countCalibrationsSQL reads from the small table: CROSS JOIN keeps SQLite
// looking up each calibration's assessment, rather than the other way
// round; PostgreSQL plans it as any join.
const countCalibrationsSQL = `SELECT a.outcome, c.verdict, c.needed, count(*)
	FROM calibrations c CROSS JOIN assessments a WHERE a.id = c.assessment_id
	GROUP BY a.outcome, c.verdict, c.needed ORDER BY a.outcome, c.verdict, c.needed`

// CountCalibrations counts recorded calibrations per predicted outcome and
// verdict: the confusion table of the dashboard.
func (s *Store) CountCalibrations(ctx context.Context) ([]assessment.CalibrationCount, error) {
	rows, err := s.db.QueryContext(ctx, countCalibrationsSQL)
	if err != nil {
		return nil, fmt.Errorf("count calibrations: %w", err)
	}
	defer rows.Close()
	var out []assessment.CalibrationCount
	for rows.Next() {
		var c assessment.CalibrationCount
		if err := rows.Scan(&c.Predicted, &c.Verdict, &c.Needed, &c.Count); err != nil {
			return nil, fmt.Errorf("count calibrations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count calibrations: %w", err)
	}
	return out, nil
}

// CountWaiting is how many founders are waiting to hear from the owner:
// the rows the review list shows for assessment.Waiting, counted by the
// list's own query, so the dashboard's number is the list's.
func (s *Store) CountWaiting(ctx context.Context) (int, error) {
	from, args := s.listFrom(assessment.Waiting())
	var n int
	if err := s.db.QueryRowContext(ctx, countSQL(from), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count waiting founders: %w", err)
	}
	return n, nil
}
