package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// CreateDraft stores a new draft.
func (s *Store) CreateDraft(ctx context.Context, d *assessment.Draft) error {
	answers, err := encodeAnswers(d.Answers)
	if err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	_, err = s.wdb.ExecContext(ctx, `INSERT INTO drafts (id, questionnaire_version, answers, reached, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, d.QuestionnaireVersion, answers, d.Reached,
		formatTime(d.CreatedAt), formatTime(d.UpdatedAt), formatTime(d.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	return nil
}

// findDraftSQL reads a draft that has not expired. It runs on nearly every
// visitor request, so Open prepares it once (Store.findDraft) rather than
// SQLite parsing it each time.
const findDraftSQL = `SELECT id, questionnaire_version, answers, reached, assessment_token,
	created_at, updated_at, expires_at FROM drafts WHERE id = ? AND expires_at > ?`

// FindDraft returns a draft that has not expired by now.
func (s *Store) FindDraft(ctx context.Context, id string, now time.Time) (*assessment.Draft, error) {
	if s.findDraft == nil { // see PrepareEachTime
		return scanDraft(s.db.QueryRowContext(ctx, findDraftSQL, id, formatTime(now)))
	}
	return scanDraft(s.findDraft.QueryRowContext(ctx, id, formatTime(now)))
}

func scanDraft(row *sql.Row) (*assessment.Draft, error) {
	var (
		d                         assessment.Draft
		answers                   []byte
		token                     sql.NullString
		created, updated, expires string
	)
	err := row.Scan(&d.ID, &d.QuestionnaireVersion, &answers, &d.Reached, &token, &created, &updated, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("draft: %w", assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find draft: %w", err)
	}
	if err := json.Unmarshal(answers, &d.Answers); err != nil {
		return nil, fmt.Errorf("decode draft answers: %w", err)
	}
	if d.Answers == nil {
		d.Answers = assessment.Answers{}
	}
	d.AssessmentToken = token.String
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&d.CreatedAt, created}, {&d.UpdatedAt, updated}, {&d.ExpiresAt, expires}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// UpdateDraft saves a draft's answers, progress and expiry.
func (s *Store) UpdateDraft(ctx context.Context, d *assessment.Draft) error {
	answers, err := encodeAnswers(d.Answers)
	if err != nil {
		return fmt.Errorf("update draft: %w", err)
	}
	res, err := s.wdb.ExecContext(ctx, `UPDATE drafts SET questionnaire_version = ?, answers = ?, reached = ?,
		updated_at = ?, expires_at = ? WHERE id = ?`, d.QuestionnaireVersion, answers, d.Reached,
		formatTime(d.UpdatedAt), formatTime(d.ExpiresAt), d.ID)
	if err != nil {
		return fmt.Errorf("update draft: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("update draft: %w", assessment.ErrNotFound)
	}
	return nil
}

// DeleteExpiredDrafts removes drafts whose expiry has passed and reports
// how many. Their answers are gone from the disk too (see
// checkpointAfterDelete).
func (s *Store) DeleteExpiredDrafts(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM drafts WHERE expires_at <= ?`, formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired drafts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired drafts: %w", err)
	}
	if n > 0 {
		s.checkpointAfterDelete(ctx, "expired drafts")
	}
	return n, nil
}

// encodeAnswers returns the answers as JSON text: the column is TEXT in a
// STRICT table, which rejects a []byte (BLOB) value.
func encodeAnswers(a assessment.Answers) (string, error) {
	if a == nil {
		a = assessment.Answers{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode answers: %w", err)
	}
	return string(b), nil
}

// updateDraftIfUnchangedSQL saves a draft only if nobody saved it since it
// was read: updated_at is the version compared and set.
const updateDraftIfUnchangedSQL = `UPDATE drafts SET questionnaire_version = ?, answers = ?, reached = ?,
	updated_at = ?, expires_at = ? WHERE id = ? AND updated_at = ? AND expires_at > ?`

// UpdateDraftWith applies change to d and saves it, but only if the stored
// draft is still the one d was read from (its updated_at is unchanged). If
// another request saved it meanwhile — two tabs posting different steps —
// the draft is read again and change applied to the fresh copy, so neither
// tab's answers are lost. change must therefore be safe to apply again. In
// the common case this costs one UPDATE. A draft that has expired or gone
// is assessment.ErrNotFound; if change fails nothing is written.
func (s *Store) UpdateDraftWith(ctx context.Context, d *assessment.Draft, now time.Time, change func(*assessment.Draft) error) (*assessment.Draft, error) {
	const attempts = 5
	for attempt := 1; ; attempt++ {
		seen := d.UpdatedAt
		if err := change(d); err != nil {
			return nil, err
		}
		answers, err := encodeAnswers(d.Answers)
		if err != nil {
			return nil, fmt.Errorf("update draft: %w", err)
		}
		var n int64
		err = s.write(ctx, true, func(ctx context.Context, q execQueryer) error {
			res, err := q.ExecContext(ctx, updateDraftIfUnchangedSQL, d.QuestionnaireVersion, answers, d.Reached, formatTime(d.UpdatedAt), formatTime(d.ExpiresAt),
				d.ID, formatTime(seen), formatTime(now))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("update draft: %w", err)
		}
		if n == 1 {
			return d, nil
		}
		if attempt == attempts {
			return nil, fmt.Errorf("update draft: changed by others %d times in a row: %w", attempts, assessment.ErrConflict)
		}
		if d, err = s.FindDraft(ctx, d.ID, now); err != nil {
			return nil, err
		}
	}
}
