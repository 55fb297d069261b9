package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"

	"sessionplayer.studio/fitcheck/assessment"
)

// SQLite's own lower() and LIKE fold ASCII letters only, so a search for
// "ångström" would miss "Ångström". unicode_lower folds the way Go does.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("unicode_lower", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return strings.ToLower(v), nil
			case []byte:
				return strings.ToLower(string(v)), nil
			default:
				return v, nil
			}
		})
}

// ListAssessments returns the assessments matching f in f.Order, and how
// many rows match in all, ignoring f.Limit and f.Offset. A Limit of 0 means
// no limit. With f.GroupByEmail a row is the latest assessment of one email
// (anonymous ones stand alone), its older ones in Earlier, and the total
// counts such rows.
func (s *Store) ListAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Summary, int, error) {
	where, args := s.d.filterWhere(f)
	// One snapshot for every query, without blocking writers.
	tx, err := s.db.BeginTx(ctx, s.d.snapshot)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	defer tx.Rollback()

	matching := `SELECT * FROM assessments` + where
	if f.GroupByEmail {
		matching = `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ` + s.personKey() + `
			ORDER BY created_at DESC, id DESC) AS take FROM assessments` + where + `) AS t WHERE take = 1`
	}
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+matching+`) AS m`, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list assessments: count: %w", err)
	}
	var limit any = f.Limit
	if f.Limit <= 0 {
		limit = s.d.noLimit
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, token, outcome, status,
		contact_name, contact_email, contact_company, contact_role, consent,
		answers, result, created_at, CASE WHEN utm_source != '' THEN utm_source ELSE referrer_host END,
		possibly_automated, booked_at IS NOT NULL, `+messageCount+`
		FROM (`+matching+`) AS a ORDER BY `+orderBy(f.Order)+` LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	list, err := scanSummaries(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	if f.GroupByEmail {
		if err := s.addEarlierTakes(ctx, tx, list, where, args); err != nil {
			return nil, 0, fmt.Errorf("list assessments: earlier takes: %w", err)
		}
	}
	return list, total, nil
}

// personKey groups assessments by who took them: the consented email,
// case-folded; an assessment without one is its own person. (consent and
// possibly_automated are tested bare: an integer flag on SQLite, a BOOLEAN
// on PostgreSQL, and both read as a condition.)
func (s *Store) personKey() string {
	return `CASE WHEN consent AND contact_email != '' THEN ` + s.d.lower + `(contact_email) ELSE 'id:' || id END`
}

// messageCount counts the messages of the row at hand.
const messageCount = `(SELECT count(*) FROM messages m WHERE m.assessment_id = a.id)`

// orderBy is the ORDER BY clause of a list order. Call first puts consented
// and still new ones by a person first, then outcomes in
// assessment.CallPriority, a different conversation only with a message.
func orderBy(o assessment.Order) string {
	switch o {
	case assessment.OrderOldest:
		return `created_at ASC, id ASC`
	case assessment.OrderOutcome:
		return outcomeRank + `, created_at DESC, id DESC`
	case assessment.OrderCallFirst:
		return `(consent AND status = 'new' AND NOT possibly_automated) DESC, ` +
			`CASE WHEN outcome = '` + assessment.DifferentConversation + `' AND ` + messageCount + ` = 0 THEN ` +
			strconv.Itoa(len(assessment.CallPriority)) + ` ELSE ` + outcomeRank + ` END, created_at DESC, id DESC`
	default:
		return `created_at DESC, id DESC`
	}
}

// outcomeRank sorts by assessment.CallPriority.
var outcomeRank = func() string {
	var b strings.Builder
	b.WriteString("CASE outcome")
	for i, id := range assessment.CallPriority {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", id, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(assessment.CallPriority))
	return b.String()
}()

func scanSummaries(rows *sql.Rows) ([]assessment.Summary, error) {
	defer rows.Close()
	var list []assessment.Summary
	for rows.Next() {
		var (
			sum             assessment.Summary
			answers, result []byte
			created         string
		)
		if err := rows.Scan(&sum.ID, &sum.Token, &sum.Outcome, &sum.Status,
			&sum.Contact.Name, &sum.Contact.Email, &sum.Contact.Company, &sum.Contact.Role, &sum.Contact.Consent,
			&answers, &result, &created, &sum.Source, &sum.PossiblyAutomated, &sum.Booked, &sum.Messages); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(answers, &sum.Answers); err != nil {
			return nil, fmt.Errorf("decode answers of assessment %d: %w", sum.ID, err)
		}
		if err := json.Unmarshal(result, &sum.Result); err != nil {
			return nil, fmt.Errorf("decode result of assessment %d: %w", sum.ID, err)
		}
		var err error
		if sum.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		list = append(list, sum)
	}
	return list, rows.Err()
}

// addEarlierTakes fills each row's Earlier with the same person's older
// assessments that match the same filter.
func (s *Store) addEarlierTakes(ctx context.Context, tx *txn, list []assessment.Summary, where string, args []any) error {
	index := map[string]int{}
	var keys []any
	for i, sum := range list {
		if sum.Contact.Consent && sum.Contact.Email != "" {
			k := strings.ToLower(sum.Contact.Email)
			index[k] = i
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	cond := " WHERE "
	if where != "" {
		cond = where + " AND "
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+s.d.lower+`(contact_email), id, outcome, status, created_at FROM (
		SELECT *, row_number() OVER (PARTITION BY `+s.personKey()+` ORDER BY created_at DESC, id DESC) AS take
		FROM assessments`+cond+`consent AND `+s.d.lower+`(contact_email) IN (?`+strings.Repeat(", ?", len(keys)-1)+`)) AS t
		WHERE take > 1 ORDER BY created_at DESC, id DESC`, append(append([]any{}, args...), keys...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key, created string
			t            assessment.Take
		)
		if err := rows.Scan(&key, &t.ID, &t.Outcome, &t.Status, &created); err != nil {
			return err
		}
		if t.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		i := index[key]
		list[i].Earlier = append(list[i].Earlier, t)
	}
	return rows.Err()
}

// filterWhere turns f into a WHERE clause (empty when f matches everything)
// and its arguments.
func (d *dialect) filterWhere(f assessment.Filter) (string, []any) {
	var (
		conds []string
		args  []any
	)
	if f.Outcome != "" {
		conds = append(conds, `outcome = ?`)
		args = append(args, f.Outcome)
	}
	if f.Status != "" {
		conds = append(conds, `status = ?`)
		args = append(args, string(f.Status))
	}
	if !f.From.IsZero() {
		conds = append(conds, `created_at >= ?`)
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, `created_at < ?`)
		args = append(args, formatTime(f.To))
	}
	if f.Search != "" {
		pattern := "%" + escapeLike(strings.ToLower(f.Search)) + "%"
		conds = append(conds, `(`+d.lower+`(contact_name) LIKE ? ESCAPE '\'
			OR `+d.lower+`(contact_email) LIKE ? ESCAPE '\'
			OR `+d.lower+`(contact_company) LIKE ? ESCAPE '\')`)
		args = append(args, pattern, pattern, pattern)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// likeEscaper makes the visitor's text match itself in a LIKE … ESCAPE '\'
// pattern: % and _ are not wildcards there.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }

// FindAssessmentByID returns the assessment with the given id.
func (s *Store) FindAssessmentByID(ctx context.Context, id int64) (*assessment.Assessment, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE id = ?`, id)
	a, err := scanAssessment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("assessment %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find assessment %d: %w", id, err)
	}
	return a, nil
}

// UpdateStatus moves an assessment to a follow-up status.
func (s *Store) UpdateStatus(ctx context.Context, id int64, status assessment.Status, now time.Time) error {
	if !status.Valid() {
		return fmt.Errorf("update status of assessment %d: unknown status %q", id, status)
	}
	res, err := s.wdb.ExecContext(ctx, `UPDATE assessments SET status = ?, updated_at = ? WHERE id = ?`,
		string(status), formatTime(now), id)
	if err != nil {
		return fmt.Errorf("update status of assessment %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update status of assessment %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("update status of assessment %d: %w", id, assessment.ErrNotFound)
	}
	return nil
}

// DeleteAssessment removes an assessment, its notes and the draft it was
// submitted from, so nothing the founder answered is left behind: not in
// the rows, and not on disk (see checkpointAfterDelete).
func (s *Store) DeleteAssessment(ctx context.Context, id int64) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	defer tx.Rollback()
	var token string
	// Notes go with the row: notes.assessment_id is ON DELETE CASCADE.
	err = tx.QueryRowContext(ctx, `DELETE FROM assessments WHERE id = ? RETURNING token`, id).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("delete assessment %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE assessment_token = ?`, token); err != nil {
		return fmt.Errorf("delete assessment %d: draft: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete assessment %d: commit: %w", id, err)
	}
	s.checkpointAfterDelete(ctx, "assessment")
	return nil
}
