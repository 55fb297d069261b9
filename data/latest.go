package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// The columns migration 0008 added for the desk, as the store writes them.

// searchSeparator joins the fields of search_text.
const searchSeparator = "\n"

// personOf is who took an assessment, for grouping retakes: the consented
// e-mail, case-folded as the search folds; "" (stored as NULL) when
// anonymous, so each anonymous take stands alone.
func personOf(c assessment.Contact) sql.NullString {
	if !c.Consent || c.Email == "" {
		return sql.NullString{}
	}
	return sql.NullString{String: strings.ToLower(c.Email), Valid: true}
}

// searchTextOf is what the review search matches: name, e-mail and
// company, case-folded, a line each. Only consented contacts are kept.
func searchTextOf(c assessment.Contact) string {
	if !c.Consent {
		return ""
	}
	return strings.ToLower(c.Name + searchSeparator + c.Email + searchSeparator + c.Company)
}

// The statements that keep assessments.latest right.
const (
	newestTakeSQL = `SELECT id FROM assessments WHERE consent AND person = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`
	// settleLatestSQL marks the newest take latest and the others not,
	// touching only rows whose mark changes: a row rewritten on SQLite is
	// rewritten whole, answers and result included.
	settleLatestSQL = `UPDATE assessments SET latest = (id = ?)
		WHERE consent AND person = ? AND latest <> (id = ?)`
	lockPersonSQL = `SELECT pg_advisory_xact_lock(hashtext(?))`
)

// lockPerson, on PostgreSQL, makes every write that changes a person's
// takes wait for any other doing so, until its transaction ends: two
// retakes submitted at once must not both stay latest. Take it before the
// first change to the person's rows, so two writers never wait for each
// other's row and lock at once. SQLite has one writer and needs none.
func lockPerson(ctx context.Context, d *dialect, q execQueryer, person sql.NullString) error {
	if !d.postgres() || !person.Valid {
		return nil
	}
	if _, err := q.ExecContext(ctx, lockPersonSQL, "person:"+person.String); err != nil {
		return fmt.Errorf("lock person: %w", err)
	}
	return nil
}

// settleLatest marks a person's newest take as their latest and every
// other not, inside a write that has changed their takes (and, on
// PostgreSQL, holds lockPerson). A person with no takes left needs
// nothing.
func settleLatest(ctx context.Context, q execQueryer, person sql.NullString) error {
	if !person.Valid {
		return nil
	}
	var newest int64
	err := q.QueryRowContext(ctx, newestTakeSQL, person.String).Scan(&newest)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find the latest take: %w", err)
	}
	if _, err := q.ExecContext(ctx, settleLatestSQL, newest, person.String, newest); err != nil {
		return fmt.Errorf("mark the latest take: %w", err)
	}
	return nil
}
