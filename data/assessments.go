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

// SaveQuestionnaire stores a questionnaire version unless one with the same
// content hash is already stored.
func (s *Store) SaveQuestionnaire(ctx context.Context, version string, source []byte, now time.Time) error {
	_, err := s.wdb.ExecContext(ctx, `INSERT INTO questionnaire_versions (hash, content, created_at)
		VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING`, version, source, formatTime(now))
	if err != nil {
		return fmt.Errorf("save questionnaire %s: %w", version, err)
	}
	return nil
}

// FindQuestionnaire returns the stored content of a questionnaire version.
func (s *Store) FindQuestionnaire(ctx context.Context, version string) ([]byte, error) {
	var content []byte
	err := s.db.QueryRowContext(ctx, `SELECT content FROM questionnaire_versions WHERE hash = ?`, version).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("questionnaire %s: %w", version, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find questionnaire %s: %w", version, err)
	}
	return content, nil
}

// The statements of a submit, prepared once by the writer.
const (
	submittedTokenSQL     = `SELECT assessment_token FROM drafts WHERE id = ?`
	markDraftSubmittedSQL = `UPDATE drafts SET assessment_token = ?, updated_at = ? WHERE id = ?`
	insertAssessmentSQL   = `INSERT INTO assessments (token, questionnaire_version, outcome, answers, result,
		contact_name, contact_email, contact_company, contact_role, consent, status, created_at, updated_at,
		utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer_host, possibly_automated, person, search_text, rule_id,
		criterion_scores)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// submitInTx stores the assessment made from a draft and marks the draft
// submitted, inside tx. If the draft was already submitted (a double click,
// a resent form) nothing new is stored and the token of the first
// submission is returned, so one draft never makes two rows.
//
// Its own refusals (the draft not found, the token taken) come before its
// first change, and the insert that finds a token taken is undone by SQLite
// alone; every error after the insert goes through afterFirstChange. So it
// runs in a shared batch without a savepoint (writeGuardedByOrder).
func submitInTx(ctx context.Context, d *dialect, tx execQueryer, draftID string, a *assessment.Assessment) (token string, created bool, err error) {
	var existing sql.NullString
	err = tx.QueryRowContext(ctx, submittedTokenSQL+d.lockDraft, draftID).Scan(&existing)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("draft: %w", assessment.ErrNotFound)
	}
	if err != nil {
		return "", false, fmt.Errorf("read draft: %w", err)
	}
	if existing.Valid && existing.String != "" {
		return existing.String, false, nil
	}
	if err := insertAssessment(ctx, d, tx, a); err != nil {
		return "", false, err // says what it was doing
	}
	if _, err := tx.ExecContext(ctx, markDraftSubmittedSQL, a.Token, formatTime(a.CreatedAt), draftID); err != nil {
		return "", false, fmt.Errorf("mark draft submitted: %w", afterFirstChange(err))
	}
	return a.Token, true, nil
}

func insertAssessment(ctx context.Context, d *dialect, tx execQueryer, a *assessment.Assessment) error {
	answers, err := json.Marshal(a.Answers)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	result, err := json.Marshal(a.Result)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	// answers and result go in as strings: the columns are TEXT in a STRICT
	// table, which rejects a []byte (BLOB) value.
	c := a.Contact
	if !c.Consent {
		// Contact details are kept only with consent to be contacted.
		c = assessment.Contact{}
	}
	src := a.Source.Bounded()
	person := personOf(c)
	if err := lockPerson(ctx, d, tx, person); err != nil {
		return fmt.Errorf("insert assessment: %w", err)
	}
	id, _, err := d.insertReturningID(ctx, tx, insertAssessmentSQL, a.Token, a.QuestionnaireVersion, a.Result.Outcome, string(answers), string(result),
		c.Name, c.Email, c.Company, c.Role, c.Consent, string(assessment.StatusNew),
		formatTime(a.CreatedAt), formatTime(a.CreatedAt),
		src.UTMSource, src.UTMMedium, src.UTMCampaign, src.UTMTerm, src.UTMContent, src.ReferrerHost, a.PossiblyAutomated,
		person, searchTextOf(c), a.Result.Rule, encodeScores(a.Result.Criteria))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert assessment: token taken: %w", assessment.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("insert assessment: %w", err)
	}
	// Stored as latest (the column's default): a retake makes the earlier
	// one not, and one dated before another take is not.
	if err := settleLatest(ctx, tx, person); err != nil {
		return fmt.Errorf("insert assessment: %w", afterFirstChange(err))
	}
	a.ID = id
	a.Contact = c
	a.Source = src
	a.Status = assessment.StatusNew
	a.UpdatedAt = a.CreatedAt
	return nil
}

// FindAssessment returns the assessment with the given share token.
func (s *Store) FindAssessment(ctx context.Context, token string) (*assessment.Assessment, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE token = ?`, token)
	a, err := scanAssessment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("assessment: %w", assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find assessment: %w", err)
	}
	return a, nil
}

type scanner interface {
	Scan(dest ...any) error
}

// assessmentColumns are the columns scanAssessment reads, in its order.
const assessmentColumns = `id, token, questionnaire_version, answers, result,
	contact_name, contact_email, contact_company, contact_role, consent, status, created_at, updated_at,
	utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer_host, possibly_automated, booked_at`

func scanAssessment(row scanner) (*assessment.Assessment, error) {
	var (
		a                assessment.Assessment
		answers, result  []byte
		created, updated string
		booked           sql.NullString
	)
	err := row.Scan(&a.ID, &a.Token, &a.QuestionnaireVersion, &answers, &result,
		&a.Contact.Name, &a.Contact.Email, &a.Contact.Company, &a.Contact.Role, &a.Contact.Consent, &a.Status, &created, &updated,
		&a.Source.UTMSource, &a.Source.UTMMedium, &a.Source.UTMCampaign, &a.Source.UTMTerm, &a.Source.UTMContent, &a.Source.ReferrerHost,
		&a.PossiblyAutomated, &booked)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(answers, &a.Answers); err != nil {
		return nil, fmt.Errorf("decode answers of assessment %d: %w", a.ID, err)
	}
	if err := json.Unmarshal(result, &a.Result); err != nil {
		return nil, fmt.Errorf("decode result of assessment %d: %w", a.ID, err)
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if booked.Valid {
		if a.BookedAt, err = parseTime(booked.String); err != nil {
			return nil, err
		}
	}
	return &a, nil
}
