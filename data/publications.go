package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sessionplayer.studio/fitcheck/assessment"
)

// The kinds of publication, as stored.
const (
	kindPublish  = "publish"
	kindRollback = "roll-back"
)

// lockPublications, run first in a publish on PostgreSQL, makes a second
// instance publishing at the same moment wait, then see this publication
// as the one in force. SQLite's write lock, taken at BEGIN, does the same.
const lockPublications = "LOCK TABLE questionnaire_publications IN SHARE ROW EXCLUSIVE MODE"

// PublishQuestionnaire stores source as a questionnaire version (unless
// that version is stored already) and puts it in force, recording p: who
// published it, when, and the version it replaces. p.Replaced must be the
// version in force as the publisher saw it: when another publication got
// in first, nothing is stored and the error is assessment.ErrConflict.
// Before the first publication the version in force is each instance's own
// file, which the store does not know, so any p.Replaced is taken. p.ID is
// set.
func (s *Store) PublishQuestionnaire(ctx context.Context, p *assessment.Publication, source []byte) error {
	if p.Version == "" || p.By == "" {
		return errors.New("publish questionnaire: a version and who publishes it are required")
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("publish questionnaire %s: %w", p.Version, err)
	}
	defer tx.Rollback()
	if s.d.postgres() {
		if _, err := tx.ExecContext(ctx, lockPublications); err != nil {
			return fmt.Errorf("publish questionnaire %s: %w", p.Version, err)
		}
	}
	latest, err := latestPublication(ctx, tx)
	switch {
	case errors.Is(err, assessment.ErrNotFound):
	case err != nil:
		return fmt.Errorf("publish questionnaire %s: %w", p.Version, err)
	case latest.Version != p.Replaced:
		return fmt.Errorf("publish questionnaire %s: version %s was published meanwhile by %s: %w",
			p.Version, latest.Version, latest.By, assessment.ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO questionnaire_versions (hash, content, created_at)
		VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING`, p.Version, source, formatTime(p.At)); err != nil {
		return fmt.Errorf("publish questionnaire %s: save version: %w", p.Version, err)
	}
	kind := kindPublish
	if p.Rollback {
		kind = kindRollback
	}
	id, _, err := s.d.insertReturningID(ctx, tx, `INSERT INTO questionnaire_publications (version, replaced, published_by, published_at, kind)
		VALUES (?, ?, ?, ?, ?)`, p.Version, p.Replaced, p.By, formatTime(p.At), kind)
	if err != nil {
		return fmt.Errorf("publish questionnaire %s: %w", p.Version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("publish questionnaire %s: commit: %w", p.Version, err)
	}
	p.ID = id
	return nil
}

const publicationColumns = `id, version, replaced, published_by, published_at, kind`

// FindLatestPublication returns the publication in force: the latest. With
// none yet the error is assessment.ErrNotFound, and each instance serves
// its own file. Every instance asks this every few seconds, so it is one
// primary-key lookup.
func (s *Store) FindLatestPublication(ctx context.Context) (*assessment.Publication, error) {
	p, err := latestPublication(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("find the questionnaire in force: %w", err)
	}
	return p, nil
}

func latestPublication(ctx context.Context, q execQueryer) (*assessment.Publication, error) {
	p, err := scanPublication(q.QueryRowContext(ctx, `SELECT `+publicationColumns+`
		FROM questionnaire_publications ORDER BY id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no questionnaire published: %w", assessment.ErrNotFound)
	}
	return p, err
}

// ListPublications returns the latest publications, newest first, at most
// limit of them.
func (s *Store) ListPublications(ctx context.Context, limit int) ([]assessment.Publication, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+publicationColumns+`
		FROM questionnaire_publications ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list publications: %w", err)
	}
	defer rows.Close()
	var out []assessment.Publication
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return nil, fmt.Errorf("list publications: %w", err)
		}
		out = append(out, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list publications: %w", err)
	}
	return out, nil
}

func scanPublication(row interface{ Scan(...any) error }) (*assessment.Publication, error) {
	var (
		p        assessment.Publication
		at, kind string
	)
	if err := row.Scan(&p.ID, &p.Version, &p.Replaced, &p.By, &at, &kind); err != nil {
		return nil, err
	}
	var err error
	if p.At, err = parseTime(at); err != nil {
		return nil, err
	}
	p.Rollback = kind == kindRollback
	return &p, nil
}
