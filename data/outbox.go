package data

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// The outbox: every event to announce is a row written in the same
// transaction as what it announces (SubmitDraft, AddMessage), so nothing the
// server acknowledged goes unannounced and a rolled-back write announces
// nothing. A worker then fans each event out into one delivery per
// configured channel and claims the due ones under a lease.
//
// Every outbox write goes through the writer (Store.write), so it shares the
// commit of whatever visitors' writes are queued with it rather than taking
// the one write connection away from them.

// insertEventSQL is the outbox row of a submit, prepared once by the writer.
const insertEventSQL = `INSERT INTO outbox (type, assessment_id, message_id, webhook_id, created_at)
	VALUES (?, ?, ?, ?, ?)`

// insertEvent writes an outbox event inside the caller's transaction.
// messageID 0 means none.
func insertEvent(ctx context.Context, q execQueryer, typ assessment.EventType, assessmentID, messageID int64, webhookID string, at time.Time) error {
	var msg any
	if messageID != 0 {
		msg = messageID
	}
	if _, err := q.ExecContext(ctx, insertEventSQL, string(typ), assessmentID, msg, webhookID, formatTime(at)); err != nil {
		return fmt.Errorf("insert outbox event: %w", err)
	}
	return nil
}

// newWebhookID makes an event's id: random, so an id never repeats even
// after a database is restored from an older backup, and receivers can
// safely drop a second message with the same id.
func newWebhookID() (string, error) {
	return randomID("msg_")
}

func randomID(prefix string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make random id: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// AddMessage stores a founder's message to the owner and, unless the
// assessment is possibly automated, its message.created event, in one
// transaction. It sets m.ID. The email is kept only with consent. An unknown
// assessment is assessment.ErrNotFound. It sets no limit; the result page
// uses AddMessageWithin.
func (s *Store) AddMessage(ctx context.Context, m *assessment.Message) error {
	return s.AddMessageWithin(ctx, m, 0)
}

// AddMessageWithin is AddMessage, unless the assessment already has
// perResult messages within assessment.MessageWindow before m.CreatedAt
// (0: no limit): then nothing is stored and the error is
// assessment.ErrTooMany. Each message fires an e-mail, a webhook and a
// Slack post, so a result cannot be used to flood them; counted in the
// database, the limit holds across instances.
func (s *Store) AddMessageWithin(ctx context.Context, m *assessment.Message, perResult int) error {
	if !m.Consent {
		m.Email = ""
	}
	webhookID, err := newWebhookID()
	if err != nil {
		return fmt.Errorf("add message to assessment %d: %w", m.AssessmentID, err)
	}
	err = s.write(ctx, false, func(ctx context.Context, q execQueryer) error {
		if perResult > 0 {
			if err := s.checkMessageLimit(ctx, q, m, perResult); err != nil {
				return err
			}
		}
		// INSERT … SELECT inserts nothing for an unknown assessment, which
		// reads as not found rather than as a foreign-key failure.
		id, inserted, err := s.d.insertReturningID(ctx, q, `INSERT INTO messages (assessment_id, email, consent, body, created_at)
			SELECT id, ?, ?, ?, ? FROM assessments WHERE id = ?`,
			m.Email, m.Consent, m.Body, formatTime(m.CreatedAt), m.AssessmentID)
		if err != nil {
			return err
		}
		if !inserted {
			return assessment.ErrNotFound
		}
		m.ID = id
		// The call-first order lifts a founder who wrote (see callFirstKey).
		if _, err := q.ExecContext(ctx, `UPDATE assessments SET messaged = TRUE WHERE id = ? AND NOT messaged`, m.AssessmentID); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `INSERT INTO outbox (type, assessment_id, message_id, webhook_id, created_at)
			SELECT ?, id, ?, ?, ? FROM assessments WHERE id = ? AND possibly_automated = `+s.d.falseValue,
			string(assessment.EventMessageCreated), m.ID, webhookID, formatTime(m.CreatedAt), m.AssessmentID)
		return err
	})
	if err != nil {
		return fmt.Errorf("add message to assessment %d: %w", m.AssessmentID, err)
	}
	return nil
}

// checkMessageLimit is assessment.ErrTooMany when m's assessment has had
// perResult messages within the window. On PostgreSQL, where writers run
// side by side, it first takes a lock of the assessment's own, held to the
// end of the transaction, so the count and the insert stay one step.
func (s *Store) checkMessageLimit(ctx context.Context, q execQueryer, m *assessment.Message, perResult int) error {
	if s.d.postgres() {
		if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, fmt.Sprintf("messages of %d", m.AssessmentID)); err != nil {
			return err
		}
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE assessment_id = ? AND created_at > ?`,
		m.AssessmentID, formatTime(m.CreatedAt.Add(-assessment.MessageWindow))).Scan(&n); err != nil {
		return err
	}
	if n >= perResult {
		return fmt.Errorf("%d messages today: %w", n, assessment.ErrTooMany)
	}
	return nil
}

// FindMessage returns a stored message.
func (s *Store) FindMessage(ctx context.Context, id int64) (*assessment.Message, error) {
	var (
		m       assessment.Message
		created string
	)
	err := s.db.QueryRowContext(ctx, `SELECT id, assessment_id, email, consent, body, created_at
		FROM messages WHERE id = ?`, id).Scan(&m.ID, &m.AssessmentID, &m.Email, &m.Consent, &m.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find message %d: %w", id, err)
	}
	if m.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("find message %d: %w", id, err)
	}
	return &m, nil
}

// ListMessages returns an assessment's messages, oldest first.
func (s *Store) ListMessages(ctx context.Context, assessmentID int64) ([]assessment.Message, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, assessment_id, email, consent, body, created_at
		FROM messages WHERE assessment_id = ? ORDER BY created_at, id`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("list messages of assessment %d: %w", assessmentID, err)
	}
	defer rows.Close()
	var out []assessment.Message
	for rows.Next() {
		var (
			m       assessment.Message
			created string
		)
		if err := rows.Scan(&m.ID, &m.AssessmentID, &m.Email, &m.Consent, &m.Body, &created); err != nil {
			return nil, fmt.Errorf("list messages of assessment %d: %w", assessmentID, err)
		}
		if m.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("list messages of assessment %d: %w", assessmentID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list messages of assessment %d: %w", assessmentID, err)
	}
	return out, nil
}

// Claiming. The SQLite statements below run on the writer's one connection,
// so no two claims ever overlap, and rowids are given in commit order.
// Fanning out needs no flag on the outbox (a flag and its index would cost
// every submit another page in its commit): the events not fanned out yet
// are exactly those after the newest event that has deliveries. That holds
// because every fan-out covers a contiguous range of ids up to the newest
// event, gives each at least one delivery, and deliveries go only with
// their event; deleting the newest events lowers the bound with them.
//
// On PostgreSQL several instances claim at once, and identity values are
// handed out in insert order, not commit order: event 7 may commit after
// event 8 has been fanned out, and the bound above would pass it by. So
// there the fan-out is a transaction of its own that first locks the outbox
// against inserts (dialect.lockOutbox): the lock waits for every submit
// under way to commit or roll back, so no event at or below the newest id
// it reads is still to come, and the same bound holds. The lock is taken
// only when there are new events, and held for the few statements of the
// fan-out. The claim is then one statement whose SELECT has FOR UPDATE
// SKIP LOCKED (dialect.skipLocked): a second instance claiming at the same
// moment passes over the rows the first is taking, and one that reads a
// row just claimed re-checks it and finds its lease taken. Either way no
// two instances hold the same delivery, and the lease (claimed_until) hands
// a row to whoever asks next if its claimer dies.

const (
	// lastFannedSQL is the newest event with deliveries; every later event
	// is new to the worker.
	lastFannedSQL = `SELECT coalesce(max(outbox_id), 0) FROM deliveries`
	anyWorkSQL    = `SELECT EXISTS (SELECT 1 FROM outbox WHERE id > (` + lastFannedSQL + `) AND ?)
		OR EXISTS (SELECT 1 FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
			AND (claimed_until IS NULL OR claimed_until <= ?))`
	lastEventSQL = `SELECT coalesce(max(id), 0) FROM outbox`
	fanOutSQL    = `INSERT INTO deliveries (outbox_id, channel, next_attempt_at, updated_at)
		SELECT id, ?, created_at, ? FROM outbox WHERE id > ? AND id <= ? AND type <> 'result.link'
		ON CONFLICT (outbox_id, channel) DO NOTHING`
	// fanOutLinkSQL gives each result.link event its one delivery, by
	// e-mail, whether or not e-mail is configured now: so every event still
	// gets a delivery (the bound above holds), and one whose channel is
	// gone fails at once, which erases its address.
	fanOutLinkSQL = `INSERT INTO deliveries (outbox_id, channel, next_attempt_at, updated_at)
		SELECT id, ?, created_at, ? FROM outbox WHERE id > ? AND id <= ? AND type = 'result.link'
		ON CONFLICT (outbox_id, channel) DO NOTHING`
	// claimSQL is completed by claimQuery: the dialect's skipLocked, then ")".
	claimSQL = `UPDATE deliveries SET claim_token = ?, claimed_until = ?, attempts = attempts + 1, updated_at = ?
		WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?
			AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ?`
	newEventsSQL    = `SELECT EXISTS (SELECT 1 FROM outbox WHERE id > (` + lastFannedSQL + `))`
	deliveryColumns = `d.id, d.channel, d.status, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at, d.updated_at,
		o.id, o.type, o.assessment_id, o.message_id, o.webhook_id, o.recipient, o.created_at`
)

// ClaimDeliveries hands the caller up to limit deliveries that are due at
// now, held until now+lease: first every new outbox event becomes one
// pending delivery per channel in channels, then the due ones are claimed
// and their attempt counted. Nobody else gets them before the lease ends;
// if the caller dies holding them, they are due again then, so each is
// attempted at least once. The caller reports each outcome with
// MarkDelivered, RetryDelivery or FailDelivery and the claim's token.
// A claim with no deliveries costs one read and no write.
func (s *Store) ClaimDeliveries(ctx context.Context, channels []string, now time.Time, lease time.Duration, limit int) (*assessment.Claim, error) {
	at := formatTime(now)
	var anyWork bool
	if err := s.db.QueryRowContext(ctx, anyWorkSQL, len(channels) > 0, at, at).Scan(&anyWork); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if !anyWork {
		return &assessment.Claim{}, nil
	}
	token, err := randomID("claim_")
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	claim := &assessment.Claim{Token: token, Until: now.Add(lease)}
	if s.d.postgres() {
		err = s.fanOutAndClaimApart(ctx, channels, at, claim, limit)
	} else {
		err = s.write(ctx, false, func(ctx context.Context, q execQueryer) error {
			if err := fanOut(ctx, q, channels, at); err != nil {
				return err
			}
			_, err := q.ExecContext(ctx, s.claimQuery(), token, formatTime(claim.Until), at, at, at, limit)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	// Read back on the read pool: the claim is committed, so it is visible.
	claim.Deliveries, err = s.queryDeliveries(ctx, `WHERE d.claim_token = ? ORDER BY d.next_attempt_at, d.id`, token)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return claim, nil
}

// claimQuery is claimSQL for the store's database.
func (s *Store) claimQuery() string {
	return claimSQL + s.d.skipLocked + ")"
}

// fanOutAndClaimApart is ClaimDeliveries' write on PostgreSQL: the fan-out,
// when there are new events, in a transaction holding the outbox lock, and
// then the claim on its own, so the lock that holds submits back is never
// held through the claim.
func (s *Store) fanOutAndClaimApart(ctx context.Context, channels []string, at string, claim *assessment.Claim, limit int) error {
	var newEvents bool
	if len(channels) > 0 {
		if err := s.db.QueryRowContext(ctx, newEventsSQL).Scan(&newEvents); err != nil {
			return fmt.Errorf("look for new events: %w", err)
		}
	}
	if newEvents {
		err := s.write(ctx, false, func(ctx context.Context, q execQueryer) error {
			if _, err := q.ExecContext(ctx, s.d.lockOutbox); err != nil {
				return fmt.Errorf("lock outbox: %w", err)
			}
			return fanOut(ctx, q, channels, at)
		})
		if err != nil {
			return err
		}
	}
	return s.write(ctx, true, func(ctx context.Context, q execQueryer) error {
		_, err := q.ExecContext(ctx, s.claimQuery(), claim.Token, formatTime(claim.Until), at, at, at, limit)
		return err
	})
}

// fanOut turns every event not seen yet into one delivery per channel,
// except a result.link, which goes by e-mail alone.
// Both bounds are read first: after the first channel's rows the newest
// event with deliveries has moved.
func fanOut(ctx context.Context, q execQueryer, channels []string, at string) error {
	if len(channels) == 0 {
		return nil
	}
	var after, last int64
	if err := q.QueryRowContext(ctx, lastFannedSQL).Scan(&after); err != nil {
		return fmt.Errorf("fan out: %w", err)
	}
	if err := q.QueryRowContext(ctx, lastEventSQL).Scan(&last); err != nil {
		return fmt.Errorf("fan out: %w", err)
	}
	if last <= after {
		return nil
	}
	for _, ch := range channels {
		if _, err := q.ExecContext(ctx, fanOutSQL, ch, at, after, last); err != nil {
			return fmt.Errorf("fan out to %s: %w", ch, err)
		}
	}
	if _, err := q.ExecContext(ctx, fanOutLinkSQL, assessment.EmailChannel, at, after, last); err != nil {
		return fmt.Errorf("fan out result links: %w", err)
	}
	return nil
}

// MarkDelivered records that a claimed delivery arrived. A result.link's
// address is erased with it.
func (s *Store) MarkDelivered(ctx context.Context, deliveryID int64, claimToken string, now time.Time) error {
	return s.settle(ctx, "mark delivered", deliveryID, true, `UPDATE deliveries SET status = 'delivered', delivered_at = ?, last_error = '',
		claim_token = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND claim_token = ?`,
		formatTime(now), formatTime(now), deliveryID, claimToken)
}

// RetryDelivery records a failed attempt of a claimed delivery and makes it
// due again at next.
func (s *Store) RetryDelivery(ctx context.Context, deliveryID int64, claimToken string, next time.Time, reason string, now time.Time) error {
	return s.settle(ctx, "schedule retry", deliveryID, false, `UPDATE deliveries SET next_attempt_at = ?, last_error = ?,
		claim_token = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND claim_token = ?`,
		formatTime(next), reason, formatTime(now), deliveryID, claimToken)
}

// FailDelivery records that a claimed delivery is given up on: it stays
// failed until the owner redelivers it. A result.link's address is erased
// with it, so that one can be redelivered only when the address is the
// founder's consented contact (see eraseRecipientSQL).
func (s *Store) FailDelivery(ctx context.Context, deliveryID int64, claimToken string, reason string, now time.Time) error {
	return s.settle(ctx, "mark failed", deliveryID, true, `UPDATE deliveries SET status = 'failed', last_error = ?,
		claim_token = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND claim_token = ?`,
		reason, formatTime(now), deliveryID, claimToken)
}

// settle runs one update of a claimed delivery and, when final, erases a
// result.link's address in the same transaction. If the claim is no longer
// the caller's (its lease ran out and someone else took the delivery) it
// changes nothing and says so with assessment.ErrConflict.
func (s *Store) settle(ctx context.Context, what string, deliveryID int64, final bool, query string, args ...any) error {
	var (
		n      int64
		erased bool
	)
	err := s.write(ctx, !final, func(ctx context.Context, q execQueryer) error {
		res, err := q.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 || !final {
			return err
		}
		erased, err = s.eraseRecipient(ctx, q, deliveryID)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: delivery %d: %w", what, deliveryID, err)
	}
	if erased {
		// Out of the WAL too, as a deleted row is (checkpointAfterDelete).
		s.checkpointAfterDelete(ctx, "a result link's address")
	}
	if n == 0 {
		return fmt.Errorf("%s: delivery %d is not held by this claim: %w", what, deliveryID, assessment.ErrConflict)
	}
	return nil
}

// ListDeliveries returns the deliveries of an assessment's events (its
// creation, its messages and its link requests), oldest event first.
func (s *Store) ListDeliveries(ctx context.Context, assessmentID int64) ([]assessment.Delivery, error) {
	out, err := s.queryDeliveries(ctx, `WHERE o.assessment_id = ? ORDER BY o.created_at, o.id, d.channel`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of assessment %d: %w", assessmentID, err)
	}
	return out, nil
}

// FindDelivery returns one delivery.
func (s *Store) FindDelivery(ctx context.Context, id int64) (*assessment.Delivery, error) {
	out, err := s.queryDeliveries(ctx, `WHERE d.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find delivery %d: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("delivery %d: %w", id, assessment.ErrNotFound)
	}
	return &out[0], nil
}

// RedeliverDelivery makes a failed delivery pending again, due at now, with
// a fresh set of attempts. A delivery that has not failed is
// assessment.ErrConflict; an unknown one assessment.ErrNotFound.
func (s *Store) RedeliverDelivery(ctx context.Context, id int64, now time.Time) error {
	var n int64
	err := s.write(ctx, true, func(ctx context.Context, q execQueryer) error {
		res, err := q.ExecContext(ctx, `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?,
			claim_token = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND status = 'failed'`,
			formatTime(now), formatTime(now), id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("redeliver delivery %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	d, err := s.FindDelivery(ctx, id)
	if err != nil {
		return fmt.Errorf("redeliver: %w", err)
	}
	return fmt.Errorf("redeliver delivery %d: it is %s, not failed: %w", id, d.Status, assessment.ErrConflict)
}

func (s *Store) queryDeliveries(ctx context.Context, where string, args ...any) ([]assessment.Delivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deliveryColumns+`
		FROM deliveries d JOIN outbox o ON o.id = d.outbox_id `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []assessment.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

func scanDelivery(row scanner) (*assessment.Delivery, error) {
	var (
		d                    assessment.Delivery
		next, updated, evAt  string
		delivered, recipient sql.NullString
		messageID            sql.NullInt64
		status, channel, typ string
	)
	err := row.Scan(&d.ID, &channel, &status, &d.Attempts, &next, &d.LastError, &delivered, &updated,
		&d.Event.ID, &typ, &d.Event.AssessmentID, &messageID, &d.Event.WebhookID, &recipient, &evAt)
	if err != nil {
		return nil, err
	}
	d.Channel, d.Status, d.Event.Type, d.Event.MessageID = channel, assessment.DeliveryStatus(status), assessment.EventType(typ), messageID.Int64
	d.Event.Recipient = recipient.String
	if d.NextAttemptAt, err = parseTime(next); err != nil {
		return nil, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if d.Event.CreatedAt, err = parseTime(evAt); err != nil {
		return nil, err
	}
	if delivered.Valid {
		if d.DeliveredAt, err = parseTime(delivered.String); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// CountDeliveries counts the outbox's deliveries by status (pending,
// delivered, failed), for the operator's metrics.
func (s *Store) CountDeliveries(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM deliveries GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("count deliveries: %w", err)
		}
		out[status] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	return out, nil
}
