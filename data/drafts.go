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

// CreateDraft stores a new draft, with no cap; see CreateDraftWithin.
func (s *Store) CreateDraft(ctx context.Context, d *assessment.Draft) error {
	answers, err := encodeAnswers(d.Answers)
	if err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	d.Source = d.Source.Bounded()
	src := d.Source
	_, err = s.wdb.ExecContext(ctx, `INSERT INTO drafts (id, questionnaire_version, answers, reached, client_network, client_address,
		created_at, updated_at, expires_at, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer_host)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.QuestionnaireVersion, answers, d.Reached, d.ClientNetwork, d.ClientAddress,
		formatTime(d.CreatedAt), formatTime(d.UpdatedAt), formatTime(d.ExpiresAt),
		src.UTMSource, src.UTMMedium, src.UTMCampaign, src.UTMTerm, src.UTMContent, src.ReferrerHost)
	if err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	return nil
}

// openDraftsOf is the condition for a client network's open drafts at a
// time: neither submitted nor expired. Its arguments are the network and
// the time; it matches drafts_open_by_network, so counting reads the index
// alone.
const openDraftsOf = `client_network = ? AND assessment_token IS NULL AND expires_at > ?`

// createDraftWithinSQL inserts a draft only while its network, and its
// address (when it has one), have fewer than their caps of open drafts.
// An address is always in the same network, so one pass over the
// network's open drafts (drafts_open_by_network) counts both. Counting and
// inserting are one statement, and SQLite runs one write at a time, so
// drafts made at the same moment cannot all slip under a cap (on
// PostgreSQL a lock per network, which holds its addresses, does that; see
// CreateDraftWithin).
const createDraftWithinSQL = `INSERT INTO drafts (id, questionnaire_version, answers, reached, client_network, client_address,
	created_at, updated_at, expires_at, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer_host)
	SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
	WHERE (SELECT count(*) < ? AND (? = '' OR count(CASE WHEN client_address = ? THEN 1 END) < ?)
		FROM drafts WHERE ` + openDraftsOf + `)`

// CreateDraftWithin stores a new draft, with the answers it already has (a
// draft is made when its first answers are saved, not before, so a visitor
// who only presses Start stores nothing), unless d.ClientNetwork already
// has caps.PerNetwork open drafts at now, or d.ClientAddress
// caps.PerAddress: then nothing is stored and the error is
// assessment.ErrTooMany. A draft with d.ID stored already (a second tab
// saving its first answers at the same moment) is assessment.ErrConflict:
// find it and update it instead. It returns once the draft is on disk.
func (s *Store) CreateDraftWithin(ctx context.Context, d *assessment.Draft, caps assessment.DraftCaps, now time.Time) error {
	if d.ClientNetwork == "" {
		// Every draft without one would share a single cap.
		return errors.New("create draft: no client network to count it against")
	}
	answers, err := encodeAnswers(d.Answers)
	if err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	d.Source = d.Source.Bounded()
	src := d.Source
	var n int64
	// On PostgreSQL writers run side by side, so the count and the insert
	// need a lock of the network's own to stay one step: a transaction
	// (not a single statement) holding an advisory lock on the network.
	err = s.write(ctx, !s.d.postgres(), func(ctx context.Context, q execQueryer) error {
		if s.d.postgres() {
			if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, d.ClientNetwork); err != nil {
				return err
			}
		}
		at := formatTime(now)
		res, err := q.ExecContext(ctx, createDraftWithinSQL, d.ID, d.QuestionnaireVersion, answers, d.Reached, d.ClientNetwork, d.ClientAddress,
			formatTime(d.CreatedAt), formatTime(d.UpdatedAt), formatTime(d.ExpiresAt),
			src.UTMSource, src.UTMMedium, src.UTMCampaign, src.UTMTerm, src.UTMContent, src.ReferrerHost,
			caps.PerNetwork, d.ClientAddress, d.ClientAddress, caps.PerAddress, d.ClientNetwork, at)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("create draft: %s exists already: %w", d.ID, assessment.ErrConflict)
	case err != nil:
		return fmt.Errorf("create draft: %w", err)
	case n == 0:
		return fmt.Errorf("create draft: %d open drafts from this network or %d from this address: %w",
			caps.PerNetwork, caps.PerAddress, assessment.ErrTooMany)
	}
	return nil
}

// CountOpenDrafts reports how many drafts from a client network are open
// at now: neither submitted nor expired.
func (s *Store) CountOpenDrafts(ctx context.Context, network string, now time.Time) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM drafts WHERE `+openDraftsOf, network, formatTime(now)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count open drafts: %w", err)
	}
	return n, nil
}

// findDraftSQL reads a draft that has not expired. It runs on nearly every
// visitor request, so Open prepares it once (Store.findDraft) rather than
// SQLite parsing it each time.
const findDraftSQL = `SELECT id, questionnaire_version, answers, reached, client_network, assessment_token,
	created_at, updated_at, expires_at,
	utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer_host
	FROM drafts WHERE id = ? AND expires_at > ?`

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
	err := row.Scan(&d.ID, &d.QuestionnaireVersion, &answers, &d.Reached, &d.ClientNetwork, &token, &created, &updated, &expires,
		&d.Source.UTMSource, &d.Source.UTMMedium, &d.Source.UTMCampaign, &d.Source.UTMTerm, &d.Source.UTMContent, &d.Source.ReferrerHost)
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
