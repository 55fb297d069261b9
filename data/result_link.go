package data

import (
	"context"
	"fmt"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// "Email me the link": a founder's request for their share link is an
// outbox event like any other (result.link), written in one transaction and
// delivered by the worker, by e-mail only (see fanOut). The row carries the
// address until the e-mail is settled (eraseRecipient), and for a day keyed
// pseudonyms of the mailbox and of the asker's network, which with the
// assessment are what the limits count: in the database, so they hold
// across instances and restarts.

// insertLinkRequestSQL inserts the event unless, within the window, the
// result, the mailbox or the client has had its limit of requests; counting
// and inserting are one statement, so on SQLite's one writer two requests
// cannot both slip under a limit (on PostgreSQL a lock does that; see
// RequestResultLink).
const insertLinkRequestSQL = `INSERT INTO outbox (type, assessment_id, webhook_id, created_at, recipient, recipient_key, client_key)
	SELECT ?, id, ?, ?, ?, ?, ? FROM assessments WHERE id = ?
	AND (SELECT count(*) FROM outbox WHERE type = ? AND assessment_id = ? AND created_at > ?) < ?
	AND (SELECT count(*) FROM outbox WHERE recipient_key = ? AND created_at > ?) < ?
	AND (SELECT count(*) FROM outbox WHERE client_key = ? AND created_at > ?) < ?`

// linkRequestLock is the PostgreSQL advisory lock every link request takes:
// they are rare, and one lock for all keeps the three counts and the insert
// one step without ordering three locks.
const linkRequestLock = "fitcheck result.link"

// RequestResultLink stores a founder's request to be e-mailed their share
// link, as a result.link outbox event, unless within
// assessment.LinkRequestWindow before req.CreatedAt the assessment has had
// limits.PerResult requests, req.RecipientKey limits.PerAddress or
// req.ClientKey limits.PerClient: then nothing is stored and the error is
// assessment.ErrTooMany, whichever limit it was. An unknown assessment is
// assessment.ErrNotFound. It returns once the request is on disk.
func (s *Store) RequestResultLink(ctx context.Context, req *assessment.LinkRequest, limits assessment.LinkLimits) error {
	if req.Recipient == "" || req.RecipientKey == "" {
		return fmt.Errorf("request result link for assessment %d: no address", req.AssessmentID)
	}
	webhookID, err := newWebhookID()
	if err != nil {
		return fmt.Errorf("request result link for assessment %d: %w", req.AssessmentID, err)
	}
	since := formatTime(req.CreatedAt.Add(-assessment.LinkRequestWindow))
	var n int64
	err = s.write(ctx, !s.d.postgres(), func(ctx context.Context, q execQueryer) error {
		if s.d.postgres() {
			// Writers run side by side there: hold the link requests' lock
			// so the counts and the insert stay one step.
			if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, linkRequestLock); err != nil {
				return err
			}
		}
		event := string(assessment.EventResultLink)
		res, err := q.ExecContext(ctx, insertLinkRequestSQL, event, webhookID, formatTime(req.CreatedAt),
			req.Recipient, req.RecipientKey, req.ClientKey, req.AssessmentID,
			event, req.AssessmentID, since, limits.PerResult,
			req.RecipientKey, since, limits.PerAddress,
			req.ClientKey, since, limits.PerClient)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("request result link for assessment %d: %w", req.AssessmentID, err)
	}
	if n == 1 {
		return nil
	}
	if _, err := s.FindAssessmentByID(ctx, req.AssessmentID); err != nil {
		return fmt.Errorf("request result link: %w", err)
	}
	return fmt.Errorf("request result link for assessment %d: a daily limit is reached: %w", req.AssessmentID, assessment.ErrTooMany)
}

// eraseRecipientSQL forgets the address of a settled result.link delivery,
// unless it is the contact address the founder consented to share on the
// contact step: that one is stored with the assessment anyway, and keeping
// it lets the owner redeliver a failed e-mail. Completed by the dialect's
// falseValue.
const eraseRecipientSQL = `UPDATE outbox SET recipient = NULL
	WHERE id = (SELECT outbox_id FROM deliveries WHERE id = ?) AND recipient IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.id = outbox.assessment_id
		AND a.consent <> %s AND a.contact_email <> '' AND lower(a.contact_email) = lower(outbox.recipient))`

// eraseRecipient runs inside the settling write of a delivery and reports
// whether it erased an address.
func (s *Store) eraseRecipient(ctx context.Context, q execQueryer, deliveryID int64) (bool, error) {
	res, err := q.ExecContext(ctx, fmt.Sprintf(eraseRecipientSQL, s.d.falseValue), deliveryID)
	if err != nil {
		return false, fmt.Errorf("erase recipient: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("erase recipient: %w", err)
	}
	return n > 0, nil
}

// ForgetLinkRecipientKeys clears the address and client pseudonyms of
// result.link events made before cutoff (now less
// assessment.LinkRequestWindow, in the hourly sweep): past the window they
// count nothing, so nothing is kept that could tie a later request to an
// earlier one.
func (s *Store) ForgetLinkRecipientKeys(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, true, func(ctx context.Context, q execQueryer) error {
		res, err := q.ExecContext(ctx, `UPDATE outbox SET recipient_key = NULL, client_key = NULL
			WHERE (recipient_key IS NOT NULL OR client_key IS NOT NULL) AND created_at < ?`,
			formatTime(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("forget link recipient keys: %w", err)
	}
	return n, nil
}
