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

// CatchUpDesk fills in what migration 0008 keeps for the review desk on
// assessments an older fitcheck changed during a rolling upgrade (0008 is
// compatible: that release keeps serving beside this one). It stores
// consented assessments without a person or search text, deletes a
// person's latest take without marking the next, adds messages without
// setting messaged, and calibrates without filling in rule_id. The hourly sweep runs this; it reports how
// many persons and assessments it put right. On a database only this
// release writes, it finds nothing.
func (s *Store) CatchUpDesk(ctx context.Context) (int64, error) {
	persons, err := s.personsToSettle(ctx)
	if err != nil {
		return 0, fmt.Errorf("catch up the desk: %w", err)
	}
	var n int64
	for _, person := range persons {
		if err := s.settlePerson(ctx, person); err != nil {
			return n, fmt.Errorf("catch up the desk: %w", err)
		}
		n++
	}
	for _, fill := range []struct{ what, query string }{
		{"messaged", `UPDATE assessments SET messaged = TRUE WHERE id IN (SELECT assessment_id FROM messages) AND NOT messaged`},
		{"rule", fillRuleIDSQL(s.d) + ` WHERE id IN (SELECT assessment_id FROM calibrations) AND rule_id IS NULL`},
	} {
		res, err := s.wdb.ExecContext(ctx, fill.query)
		if err != nil {
			return n, fmt.Errorf("catch up the desk: %s: %w", fill.what, err)
		}
		filled, err := res.RowsAffected()
		if err != nil {
			return n, fmt.Errorf("catch up the desk: %s: %w", fill.what, err)
		}
		n += filled
	}
	return n, nil
}

// personsToSettle fills in person and search_text where an older release
// left them empty (every consented assessment this release stores has its
// e-mail in search_text) and lists those persons, with every person whose
// takes are not marked with exactly one latest.
func (s *Store) personsToSettle(ctx context.Context) ([]sql.NullString, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, contact_name, contact_email, contact_company
		FROM assessments`+s.d.indexedBy("assessments_person")+` WHERE consent AND search_text = ''`)
	if err != nil {
		return nil, err
	}
	type unfilled struct {
		id int64
		c  assessment.Contact
	}
	var found []unfilled
	for rows.Next() {
		u := unfilled{c: assessment.Contact{Consent: true}}
		if err := rows.Scan(&u.id, &u.c.Name, &u.c.Email, &u.c.Company); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var persons []sql.NullString
	for _, u := range found {
		person := personOf(u.c)
		if _, err := s.wdb.ExecContext(ctx, `UPDATE assessments SET person = ?, search_text = ? WHERE id = ?`,
			person, searchTextOf(u.c), u.id); err != nil {
			return nil, err
		}
		if person.Valid && !seen[person.String] {
			seen[person.String] = true
			persons = append(persons, person)
		}
	}
	marked, err := s.db.QueryContext(ctx, `SELECT person FROM assessments`+s.d.indexedBy("assessments_person")+`
		WHERE consent AND person IS NOT NULL GROUP BY person HAVING sum(CASE WHEN latest THEN 1 ELSE 0 END) <> 1`)
	if err != nil {
		return nil, err
	}
	defer marked.Close()
	for marked.Next() {
		var p sql.NullString
		if err := marked.Scan(&p); err != nil {
			return nil, err
		}
		if !seen[p.String] {
			seen[p.String] = true
			persons = append(persons, p)
		}
	}
	return persons, marked.Err()
}

// settlePerson marks a person's newest take latest in a write of its own,
// as a submit would.
func (s *Store) settlePerson(ctx context.Context, person sql.NullString) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockPerson(ctx, s.d, tx, person); err != nil {
		return err
	}
	if err := settleLatest(ctx, tx, person); err != nil {
		return err
	}
	return tx.Commit()
}
