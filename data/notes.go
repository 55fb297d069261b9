package data

import (
	"context"
	"fmt"

	"sessionplayer.studio/fitcheck/assessment"
)

// AddNote stores a note on an assessment and sets n.ID. An unknown
// assessment is an assessment.ErrNotFound.
func (s *Store) AddNote(ctx context.Context, n *assessment.Note) error {
	// INSERT … SELECT inserts nothing for an unknown assessment, which reads
	// as not found rather than as a foreign-key failure.
	id, inserted, err := s.d.insertReturningID(ctx, s.wdb, `INSERT INTO notes (assessment_id, author, body, created_at)
		SELECT id, ?, ?, ? FROM assessments WHERE id = ?`,
		n.Author, n.Body, formatTime(n.CreatedAt), n.AssessmentID)
	if err != nil {
		return fmt.Errorf("add note to assessment %d: %w", n.AssessmentID, err)
	}
	if !inserted {
		return fmt.Errorf("add note to assessment %d: %w", n.AssessmentID, assessment.ErrNotFound)
	}
	n.ID = id
	return nil
}

// ListNotes returns an assessment's notes, oldest first.
func (s *Store) ListNotes(ctx context.Context, assessmentID int64) ([]assessment.Note, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, assessment_id, author, body, created_at
		FROM notes WHERE assessment_id = ? ORDER BY created_at, id`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("list notes of assessment %d: %w", assessmentID, err)
	}
	defer rows.Close()
	var notes []assessment.Note
	for rows.Next() {
		var (
			n       assessment.Note
			created string
		)
		if err := rows.Scan(&n.ID, &n.AssessmentID, &n.Author, &n.Body, &created); err != nil {
			return nil, fmt.Errorf("list notes of assessment %d: %w", assessmentID, err)
		}
		if n.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("list notes of assessment %d: %w", assessmentID, err)
		}
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notes of assessment %d: %w", assessmentID, err)
	}
	return notes, nil
}
