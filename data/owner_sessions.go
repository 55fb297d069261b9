package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// CreateOwnerSession stores a signed-in owner's session, by the hash of its
// id. An unknown owner is an assessment.ErrNotFound.
func (s *Store) CreateOwnerSession(ctx context.Context, sess *assessment.OwnerSession) error {
	// INSERT … SELECT inserts nothing for an unknown owner, which reads as
	// not found rather than as a foreign-key failure.
	res, err := s.wdb.ExecContext(ctx, `INSERT INTO owner_sessions (id_hash, owner_id, created_at, last_seen_at, expires_at)
		SELECT ?, id, ?, ?, ? FROM owners WHERE id = ?`,
		sess.IDHash, formatTime(sess.CreatedAt), formatTime(sess.LastSeenAt), formatTime(sess.ExpiresAt), sess.OwnerID)
	if isUniqueViolation(err) {
		return fmt.Errorf("create owner session: %w", assessment.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create owner session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create owner session: %w", err)
	} else if n == 0 {
		return fmt.Errorf("create owner session: owner %d: %w", sess.OwnerID, assessment.ErrNotFound)
	}
	return nil
}

// liveSession is the condition a session must meet at now (the first
// argument) and idle cutoff (the second) to be used: it has not reached its
// absolute expiry, and it was last seen less than OwnerIdleTimeout ago.
const liveSession = `owner_sessions.expires_at > ? AND owner_sessions.last_seen_at > ?`

func liveSessionArgs(now time.Time) []any {
	return []any{formatTime(now), formatTime(now.Add(-assessment.OwnerIdleTimeout))}
}

// FindOwnerSession returns a live session and its owner. A session that is
// missing, past its ExpiresAt, or idle for OwnerIdleTimeout or longer is an
// assessment.ErrNotFound.
func (s *Store) FindOwnerSession(ctx context.Context, idHash string, now time.Time) (*assessment.OwnerSession, *assessment.Owner, error) {
	var (
		sess                     assessment.OwnerSession
		created, seen, expires   string
		o                        assessment.Owner
		ownerCreated, ownerUpdtd string
	)
	args := append([]any{idHash}, liveSessionArgs(now)...)
	err := s.db.QueryRowContext(ctx, `SELECT owner_sessions.id_hash, owner_sessions.created_at,
		owner_sessions.last_seen_at, owner_sessions.expires_at, `+ownerColumns+`
		FROM owner_sessions JOIN owners ON owners.id = owner_sessions.owner_id
		WHERE owner_sessions.id_hash = ? AND `+liveSession, args...).
		Scan(&sess.IDHash, &created, &seen, &expires,
			&o.ID, &o.Email, &o.PasswordHash, &ownerCreated, &ownerUpdtd)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("owner session: %w", assessment.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find owner session: %w", err)
	}
	sess.OwnerID = o.ID
	for _, f := range []struct {
		dst *time.Time
		src string
	}{
		{&sess.CreatedAt, created}, {&sess.LastSeenAt, seen}, {&sess.ExpiresAt, expires},
		{&o.CreatedAt, ownerCreated}, {&o.UpdatedAt, ownerUpdtd},
	} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, nil, fmt.Errorf("find owner session: %w", err)
		}
	}
	return &sess, &o, nil
}

// TouchOwnerSession records that the session was used at now, which keeps
// it from going idle. Only a live session can be touched: one that has
// expired or gone idle is an assessment.ErrNotFound, so touching never
// revives it.
func (s *Store) TouchOwnerSession(ctx context.Context, idHash string, now time.Time) error {
	// max() (GREATEST on PostgreSQL) keeps last_seen_at from moving back when two requests race;
	// the stored times are fixed-width UTC text, so they compare as times.
	args := append([]any{formatTime(now), idHash}, liveSessionArgs(now)...)
	res, err := s.wdb.ExecContext(ctx, `UPDATE owner_sessions SET last_seen_at = `+s.d.later+`(last_seen_at, ?)
		WHERE id_hash = ? AND `+liveSession, args...)
	if err != nil {
		return fmt.Errorf("touch owner session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("touch owner session: %w", err)
	} else if n == 0 {
		return fmt.Errorf("touch owner session: %w", assessment.ErrNotFound)
	}
	return nil
}

// DeleteOwnerSession ends one session (signing out). A session already gone
// is not an error.
func (s *Store) DeleteOwnerSession(ctx context.Context, idHash string) error {
	if _, err := s.wdb.ExecContext(ctx, `DELETE FROM owner_sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete owner session: %w", err)
	}
	return nil
}

// DeleteOwnerSessions ends every session of one owner (signing out
// everywhere) and reports how many there were.
func (s *Store) DeleteOwnerSessions(ctx context.Context, ownerID int64) (int64, error) {
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM owner_sessions WHERE owner_id = ?`, ownerID)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of owner %d: %w", ownerID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete sessions of owner %d: %w", ownerID, err)
	}
	return n, nil
}

// DeleteExpiredOwnerSessions removes every session FindOwnerSession would
// no longer accept at now, expired or idle, and reports how many.
func (s *Store) DeleteExpiredOwnerSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM owner_sessions WHERE NOT (`+liveSession+`)`, liveSessionArgs(now)...)
	if err != nil {
		return 0, fmt.Errorf("delete expired owner sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired owner sessions: %w", err)
	}
	return n, nil
}
