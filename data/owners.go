package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// Emails compare case-insensitively because owners.email is COLLATE NOCASE
// on SQLite (ASCII letters only, which covers nearly every address in use)
// and COLLATE email_nocase on PostgreSQL (every script).

// CountOwners reports how many owners there are; none means setup is open.
func (s *Store) CountOwners(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM owners`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count owners: %w", err)
	}
	return n, nil
}

// CreateOwner stores a new owner and sets o.ID. An email already taken, in
// any letter case, is an assessment.ErrConflict.
func (s *Store) CreateOwner(ctx context.Context, o *assessment.Owner) error {
	if err := insertOwner(ctx, s.d, s.wdb, o); err != nil {
		return fmt.Errorf("create owner: %w", err)
	}
	return nil
}

// CreateFirstOwner stores o only if there is no owner yet, else it returns
// assessment.ErrConflict. The setup page uses it, so two people racing to
// claim a fresh install cannot both win.
func (s *Store) CreateFirstOwner(ctx context.Context, o *assessment.Owner) error {
	// The DSN's _txlock=immediate takes the write lock at BEGIN, so a
	// concurrent call waits here and then sees this one's owner.
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create first owner: %w", err)
	}
	defer tx.Rollback()
	if s.d.lockOwners != "" {
		if _, err := tx.ExecContext(ctx, s.d.lockOwners); err != nil {
			return fmt.Errorf("create first owner: %w", err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM owners`).Scan(&n); err != nil {
		return fmt.Errorf("create first owner: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("create first owner: an owner exists already: %w", assessment.ErrConflict)
	}
	if err := insertOwner(ctx, s.d, tx, o); err != nil {
		return fmt.Errorf("create first owner: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create first owner: commit: %w", err)
	}
	return nil
}

func insertOwner(ctx context.Context, d *dialect, db execQueryer, o *assessment.Owner) error {
	if o.Email == "" || o.PasswordHash == "" {
		return errors.New("insert owner: email and password hash are required")
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	id, _, err := d.insertReturningID(ctx, db, `INSERT INTO owners (email, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?)`, o.Email, o.PasswordHash, formatTime(o.CreatedAt), formatTime(o.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert owner: email %s is taken: %w", o.Email, assessment.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("insert owner: %w", err)
	}
	o.ID = id
	return nil
}

const ownerColumns = `owners.id, owners.email, owners.password_hash, owners.created_at, owners.updated_at`

// FindOwnerByEmail returns the owner with that email, in any letter case.
func (s *Store) FindOwnerByEmail(ctx context.Context, email string) (*assessment.Owner, error) {
	o, err := scanOwner(s.db.QueryRowContext(ctx, `SELECT `+ownerColumns+` FROM owners WHERE email = ?`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("owner: %w", assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find owner: %w", err)
	}
	return o, nil
}

// FindOwner returns the owner with the given id.
func (s *Store) FindOwner(ctx context.Context, id int64) (*assessment.Owner, error) {
	o, err := scanOwner(s.db.QueryRowContext(ctx, `SELECT `+ownerColumns+` FROM owners WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("owner %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find owner %d: %w", id, err)
	}
	return o, nil
}

// ListOwners returns every owner, ordered by email.
func (s *Store) ListOwners(ctx context.Context) ([]assessment.Owner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ownerColumns+` FROM owners ORDER BY email, id`)
	if err != nil {
		return nil, fmt.Errorf("list owners: %w", err)
	}
	defer rows.Close()
	var owners []assessment.Owner
	for rows.Next() {
		o, err := scanOwner(rows)
		if err != nil {
			return nil, fmt.Errorf("list owners: %w", err)
		}
		owners = append(owners, *o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list owners: %w", err)
	}
	return owners, nil
}

// SetOwnerPassword replaces an owner's password hash and, in the same
// transaction, ends all their sessions: a new password signs out everywhere.
func (s *Store) SetOwnerPassword(ctx context.Context, email, hash string, now time.Time) error {
	if hash == "" {
		return errors.New("set owner password: password hash is required")
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set owner password: %w", err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `UPDATE owners SET password_hash = ?, updated_at = ? WHERE email = ? RETURNING id`,
		hash, formatTime(now), email).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set owner password: %w", assessment.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("set owner password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM owner_sessions WHERE owner_id = ?`, id); err != nil {
		return fmt.Errorf("set owner password: end sessions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set owner password: commit: %w", err)
	}
	return nil
}

func scanOwner(row scanner) (*assessment.Owner, error) {
	var (
		o                assessment.Owner
		created, updated string
	)
	if err := row.Scan(&o.ID, &o.Email, &o.PasswordHash, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if o.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if o.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &o, nil
}
