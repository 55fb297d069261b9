package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"

	"sessionplayer.studio/fitcheck/assessment"
)

// SQLite's own lower() and LIKE fold ASCII letters only, so a search for
// "ångström" would miss "Ångström". unicode_lower folds the way Go does.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("unicode_lower", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return strings.ToLower(v), nil
			case []byte:
				return strings.ToLower(string(v)), nil
			default:
				return v, nil
			}
		})
}

// ListAssessments returns the assessments matching f, newest first, and how
// many match in all, ignoring f.Limit and f.Offset. A Limit of 0 means no
// limit.
func (s *Store) ListAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Summary, int, error) {
	where, args := s.d.filterWhere(f)
	// One snapshot for both queries, without blocking writers.
	tx, err := s.db.BeginTx(ctx, s.d.snapshot)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	defer tx.Rollback()

	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assessments`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list assessments: count: %w", err)
	}
	var limit any = f.Limit
	if f.Limit <= 0 {
		limit = s.d.noLimit
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, token, outcome, status,
		contact_name, contact_email, contact_company, contact_role, consent,
		`+s.d.criteriaJSON+`, created_at
		FROM assessments`+where+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	defer rows.Close()
	var list []assessment.Summary
	for rows.Next() {
		var (
			sum      assessment.Summary
			criteria sql.NullString
			created  string
		)
		if err := rows.Scan(&sum.ID, &sum.Token, &sum.Outcome, &sum.Status,
			&sum.Contact.Name, &sum.Contact.Email, &sum.Contact.Company, &sum.Contact.Role, &sum.Contact.Consent,
			&criteria, &created); err != nil {
			return nil, 0, fmt.Errorf("list assessments: %w", err)
		}
		if criteria.Valid {
			if err := json.Unmarshal([]byte(criteria.String), &sum.Criteria); err != nil {
				return nil, 0, fmt.Errorf("list assessments: decode criteria of assessment %d: %w", sum.ID, err)
			}
		}
		if sum.CreatedAt, err = parseTime(created); err != nil {
			return nil, 0, fmt.Errorf("list assessments: %w", err)
		}
		list = append(list, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	return list, total, nil
}

// filterWhere turns f into a WHERE clause (empty when f matches everything)
// and its arguments.
func (d *dialect) filterWhere(f assessment.Filter) (string, []any) {
	var (
		conds []string
		args  []any
	)
	if f.Outcome != "" {
		conds = append(conds, `outcome = ?`)
		args = append(args, f.Outcome)
	}
	if f.Status != "" {
		conds = append(conds, `status = ?`)
		args = append(args, string(f.Status))
	}
	if !f.From.IsZero() {
		conds = append(conds, `created_at >= ?`)
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, `created_at < ?`)
		args = append(args, formatTime(f.To))
	}
	if f.Search != "" {
		pattern := "%" + escapeLike(strings.ToLower(f.Search)) + "%"
		conds = append(conds, `(`+d.lower+`(contact_name) LIKE ? ESCAPE '\'
			OR `+d.lower+`(contact_email) LIKE ? ESCAPE '\'
			OR `+d.lower+`(contact_company) LIKE ? ESCAPE '\')`)
		args = append(args, pattern, pattern, pattern)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// likeEscaper makes the visitor's text match itself in a LIKE … ESCAPE '\'
// pattern: % and _ are not wildcards there.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }

// FindAssessmentByID returns the assessment with the given id.
func (s *Store) FindAssessmentByID(ctx context.Context, id int64) (*assessment.Assessment, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE id = ?`, id)
	a, err := scanAssessment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("assessment %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find assessment %d: %w", id, err)
	}
	return a, nil
}

// UpdateStatus moves an assessment to a follow-up status.
func (s *Store) UpdateStatus(ctx context.Context, id int64, status assessment.Status, now time.Time) error {
	if !status.Valid() {
		return fmt.Errorf("update status of assessment %d: unknown status %q", id, status)
	}
	res, err := s.wdb.ExecContext(ctx, `UPDATE assessments SET status = ?, updated_at = ? WHERE id = ?`,
		string(status), formatTime(now), id)
	if err != nil {
		return fmt.Errorf("update status of assessment %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update status of assessment %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("update status of assessment %d: %w", id, assessment.ErrNotFound)
	}
	return nil
}

// DeleteAssessment removes an assessment, its notes and the draft it was
// submitted from, so nothing the founder answered is left behind: not in
// the rows, and not on disk (see checkpointAfterDelete).
func (s *Store) DeleteAssessment(ctx context.Context, id int64) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	defer tx.Rollback()
	var token string
	// Notes go with the row: notes.assessment_id is ON DELETE CASCADE.
	err = tx.QueryRowContext(ctx, `DELETE FROM assessments WHERE id = ? RETURNING token`, id).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("delete assessment %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE assessment_token = ?`, token); err != nil {
		return fmt.Errorf("delete assessment %d: draft: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete assessment %d: commit: %w", id, err)
	}
	s.checkpointAfterDelete(ctx, "assessment")
	return nil
}
