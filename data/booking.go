package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// RecordBookingClick records that a founder followed their result's booking
// link. An unknown assessment is assessment.ErrNotFound.
func (s *Store) RecordBookingClick(ctx context.Context, assessmentID int64, now time.Time) error {
	var n int64
	err := s.write(ctx, true, func(ctx context.Context, q execQueryer) error {
		res, err := q.ExecContext(ctx, `INSERT INTO booking_events (assessment_id, kind, created_at)
			SELECT id, ?, ? FROM assessments WHERE id = ?`, string(assessment.BookingClicked), formatTime(now), assessmentID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("record booking click of assessment %d: %w", assessmentID, err)
	}
	if n == 0 {
		return fmt.Errorf("record booking click: assessment %d: %w", assessmentID, assessment.ErrNotFound)
	}
	return nil
}

// RecordBooking records a booking a provider reported and marks the
// assessment booked, with the call's time, in one transaction. It reports
// false, changing nothing, when the provider already reported this
// booking (webhooks are sent at least once). A new or contacted assessment
// moves to status booked; one the owner has closed or archived keeps its
// status. An unknown assessment is assessment.ErrNotFound.
func (s *Store) RecordBooking(ctx context.Context, e *assessment.BookingEvent) (bool, error) {
	var recorded bool
	err := s.write(ctx, false, func(ctx context.Context, q execQueryer) error {
		var status string
		err := q.QueryRowContext(ctx, `SELECT status FROM assessments WHERE id = ?`, e.AssessmentID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return assessment.ErrNotFound
		}
		if err != nil {
			return err
		}
		var starts any
		if !e.StartsAt.IsZero() {
			starts = formatTime(e.StartsAt)
		}
		id, inserted, err := s.d.insertReturningID(ctx, q, `INSERT INTO booking_events (assessment_id, kind, provider, booking_id, starts_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (provider, booking_id) WHERE booking_id <> '' DO NOTHING`,
			e.AssessmentID, string(assessment.BookingBooked), e.Provider, e.BookingID, starts, formatTime(e.CreatedAt))
		if err != nil || !inserted {
			return err // nil when already recorded
		}
		e.ID, recorded = id, true
		_, err = q.ExecContext(ctx, `UPDATE assessments SET booked_at = ?, updated_at = ?,
			status = CASE WHEN status IN (?, ?) THEN ? ELSE status END WHERE id = ?`,
			starts, formatTime(e.CreatedAt), string(assessment.StatusNew), string(assessment.StatusContacted),
			string(assessment.StatusBooked), e.AssessmentID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record booking of assessment %d: %w", e.AssessmentID, err)
	}
	return recorded, nil
}

// ListBookingEvents returns an assessment's clicks and bookings, oldest first.
func (s *Store) ListBookingEvents(ctx context.Context, assessmentID int64) ([]assessment.BookingEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, assessment_id, kind, provider, booking_id, starts_at, created_at
		FROM booking_events WHERE assessment_id = ? ORDER BY created_at, id`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("list booking events of assessment %d: %w", assessmentID, err)
	}
	defer rows.Close()
	var out []assessment.BookingEvent
	for rows.Next() {
		var (
			e       assessment.BookingEvent
			kind    string
			starts  sql.NullString
			created string
		)
		if err := rows.Scan(&e.ID, &e.AssessmentID, &kind, &e.Provider, &e.BookingID, &starts, &created); err != nil {
			return nil, fmt.Errorf("list booking events of assessment %d: %w", assessmentID, err)
		}
		e.Kind = assessment.BookingKind(kind)
		if starts.Valid {
			if e.StartsAt, err = parseTime(starts.String); err != nil {
				return nil, err
			}
		}
		if e.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list booking events of assessment %d: %w", assessmentID, err)
	}
	return out, nil
}

// countBookingsSQL reads from the small table: a booking event comes after
// its assessment, so only events since the window's start can belong to
// an assessment made since then, and CROSS JOIN keeps SQLite reading the
// events first, looking up each one's assessment (PostgreSQL plans it as
// any join).
func (s *Store) countBookingsSQL() string {
	return `SELECT a.outcome,
			count(DISTINCT CASE WHEN e.kind = ? THEN a.id END),
			count(DISTINCT CASE WHEN e.kind = ? THEN a.id END)
		FROM booking_events e CROSS JOIN assessments a
		WHERE a.id = e.assessment_id AND e.created_at >= ? AND a.created_at >= ? AND a.possibly_automated = ` + s.d.falseValue + `
		GROUP BY a.outcome ORDER BY a.outcome`
}

// CountBookings counts, per outcome, the assessments created since since
// that followed the booking link and that booked a call, for the
// dashboard. Possibly automated assessments are left out.
func (s *Store) CountBookings(ctx context.Context, since time.Time) ([]assessment.BookingCount, error) {
	at := formatTime(since)
	rows, err := s.db.QueryContext(ctx, s.countBookingsSQL(),
		string(assessment.BookingClicked), string(assessment.BookingBooked), at, at)
	if err != nil {
		return nil, fmt.Errorf("count bookings: %w", err)
	}
	defer rows.Close()
	var out []assessment.BookingCount
	for rows.Next() {
		var c assessment.BookingCount
		if err := rows.Scan(&c.Outcome, &c.Clicked, &c.Booked); err != nil {
			return nil, fmt.Errorf("count bookings: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count bookings: %w", err)
	}
	return out, nil
}
