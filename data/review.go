package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
// counts such rows; a filter applies before grouping, so a row is the
// latest take that matches it.
//
// A page reads index entries, never the assessments' rows, until it has
// its ids: the count and the page's ids come from the indexes of
// migration 0008, the wide columns only for the page's rows.
func (s *Store) ListAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Summary, int, error) {
	// One snapshot for every query, without blocking writers.
	tx, err := s.db.BeginTx(ctx, s.d.snapshot)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	defer tx.Rollback()
	from, args := s.listFrom(f)
	var total int
	if err := tx.QueryRowContext(ctx, countSQL(from), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list assessments: count: %w", err)
	}
	ids, err := s.pageIDs(ctx, tx, from, args, f, total)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	list, persons, err := s.summaries(ctx, tx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("list assessments: %w", err)
	}
	if f.GroupByEmail {
		if err := s.addEarlierTakes(ctx, tx, list, persons, f); err != nil {
			return nil, 0, fmt.Errorf("list assessments: earlier takes: %w", err)
		}
	}
	return list, total, nil
}

// listFrom is the FROM and WHERE of the list's rows (the table is a) and
// their arguments.
//
// Grouped and unfiltered, a row is a person's latest take, kept as
// assessments.latest on every write. Grouped and filtered, it is a take
// that matches and has no newer take of the same person that matches too:
// only a retake (latest false) needs that look, through assessments_person.
func (s *Store) listFrom(f assessment.Filter) (string, []any) {
	conds, args := s.d.filterConds(f)
	switch {
	case len(conds) == 0 && f.GroupByEmail:
		return `assessments a WHERE latest`, nil
	case len(conds) == 0:
		return `assessments a`, nil
	}
	match := strings.Join(conds, " AND ")
	from := `assessments a` + s.d.indexedBy(filterIndex(f)) + ` WHERE ` + match
	if !f.GroupByEmail {
		return from, args
	}
	// Inside the subquery the filter's bare column names are b's: SQL
	// resolves a bare name to the innermost table that has it.
	return from + ` AND (latest OR NOT EXISTS (SELECT 1 FROM assessments b
		WHERE b.consent AND b.person = a.person
		AND (b.created_at > a.created_at OR (b.created_at = a.created_at AND b.id > a.id))
		AND ` + match + `))`, append(args, args...)
}

// countSQL counts the rows of a list's from (see listFrom).
func countSQL(from string) string { return `SELECT count(*) FROM ` + from }

// pageSQL is the ids of a page of a list's from, in order o; its
// arguments end with the limit and the offset.
func pageSQL(from string, o assessment.Order, reverse bool) string {
	return `SELECT id FROM ` + from + ` ORDER BY ` + orderBy(o, reverse) + ` LIMIT ? OFFSET ?`
}

// pageIDs is the ids of f's page, of total rows in all. A page past the
// middle is read from the other end, in the reverse order, and turned
// round: the rows skipped to reach it are then fewer than half, and the
// last page reads its own rows and no others.
func (s *Store) pageIDs(ctx context.Context, tx *txn, from string, args []any, f assessment.Filter, total int) ([]int64, error) {
	offset := max(f.Offset, 0)
	if f.Limit <= 0 || offset <= total/2 {
		var limit any = f.Limit
		if f.Limit <= 0 {
			limit = s.d.noLimit
		}
		return queryIDs(ctx, tx, pageSQL(from, f.Order, false), append(args, limit, offset)...)
	}
	end := min(offset+f.Limit, total)
	if end <= offset {
		return nil, nil // past the last page
	}
	ids, err := queryIDs(ctx, tx, pageSQL(from, f.Order, true), append(args, end-offset, total-end)...)
	slices.Reverse(ids)
	return ids, err
}

// filterIndex is the index a filtered list reads: the one holding every
// column it filters and sorts on. The search, and a list of only those who
// left their details, read assessments_person, which holds the consented
// alone (the only assessments with words to search): the "waiting" list
// reads two fifths of the entries assessments_desk would.
func filterIndex(f assessment.Filter) string {
	if f.Search != "" || f.Consented {
		return "assessments_person"
	}
	return "assessments_desk"
}

// The list's computed orders. Each must read exactly as the expression of
// its index in migration 0008 (assessments_call_first and
// assessments_by_outcome), or the planner sorts every row instead of
// reading the index in order; TestListOrdersReadTheirIndexes checks the
// plans, TestOrderKeysFollowCallPriority the ranks.
const (
	// callFirstKey puts first those worth calling now: consented, still
	// new and not possibly automated; then outcomes in
	// assessment.CallPriority, a different conversation only with a
	// message (otherwise last).
	callFirstKey = `CASE WHEN consent AND status = 'new' AND NOT possibly_automated THEN 0 ELSE 10 END + ` +
		`CASE outcome WHEN 'book-a-call' THEN 0 WHEN 'worth-a-conversation' THEN 1 ` +
		`WHEN 'different-conversation' THEN CASE WHEN messaged THEN 2 ELSE 6 END ` +
		`WHEN 'narrow-scope' THEN 3 WHEN 'hire-full-time' THEN 4 WHEN 'hire-a-pm' THEN 5 ELSE 6 END`
	// outcomeKey sorts by assessment.CallPriority.
	outcomeKey = `CASE outcome WHEN 'book-a-call' THEN 0 WHEN 'worth-a-conversation' THEN 1 ` +
		`WHEN 'different-conversation' THEN 2 WHEN 'narrow-scope' THEN 3 WHEN 'hire-full-time' THEN 4 ` +
		`WHEN 'hire-a-pm' THEN 5 ELSE 6 END`
)

// orderBy is the ORDER BY clause of a list order, or with reverse of the
// same order turned round (which reads the same index backwards).
func orderBy(o assessment.Order, reverse bool) string {
	asc, desc := "ASC", "DESC"
	if reverse {
		asc, desc = desc, asc
	}
	switch o {
	case assessment.OrderOldest:
		return `created_at ` + asc + `, id ` + asc
	case assessment.OrderOutcome:
		return outcomeKey + ` ` + asc + `, created_at ` + desc + `, id ` + desc
	case assessment.OrderCallFirst:
		return callFirstKey + ` ` + asc + `, created_at ` + desc + `, id ` + desc
	default:
		return `created_at ` + desc + `, id ` + desc
	}
}

func queryIDs(ctx context.Context, tx *txn, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// placeholders is "?, ?, …", n of them.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// summariesSQL reads n list rows by id, with each one's person.
func summariesSQL(n int) string {
	return `SELECT id, token, outcome, status,
		contact_name, contact_email, contact_company, contact_role, consent,
		answers, result, created_at, CASE WHEN utm_source != '' THEN utm_source ELSE referrer_host END,
		possibly_automated, booked_at IS NOT NULL, (SELECT count(*) FROM messages m WHERE m.assessment_id = a.id), person
		FROM assessments a WHERE id IN (` + placeholders(n) + `)`
}

// summaries reads the list rows of ids, in that order, and each one's
// person (empty when anonymous).
func (s *Store) summaries(ctx context.Context, tx *txn, ids []int64) ([]assessment.Summary, map[int64]string, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.QueryContext(ctx, summariesSQL(len(ids)), args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byID := make(map[int64]assessment.Summary, len(ids))
	persons := map[int64]string{}
	for rows.Next() {
		sum, person, err := scanSummary(rows)
		if err != nil {
			return nil, nil, err
		}
		byID[sum.ID] = sum
		if person != "" {
			persons[sum.ID] = person
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	list := make([]assessment.Summary, 0, len(ids))
	for _, id := range ids {
		if sum, ok := byID[id]; ok {
			list = append(list, sum)
		}
	}
	return list, persons, nil
}

func scanSummary(rows *sql.Rows) (assessment.Summary, string, error) {
	var (
		sum             assessment.Summary
		answers, result []byte
		created         string
		person          sql.NullString
	)
	if err := rows.Scan(&sum.ID, &sum.Token, &sum.Outcome, &sum.Status,
		&sum.Contact.Name, &sum.Contact.Email, &sum.Contact.Company, &sum.Contact.Role, &sum.Contact.Consent,
		&answers, &result, &created, &sum.Source, &sum.PossiblyAutomated, &sum.Booked, &sum.Messages, &person); err != nil {
		return sum, "", err
	}
	if err := json.Unmarshal(answers, &sum.Answers); err != nil {
		return sum, "", fmt.Errorf("decode answers of assessment %d: %w", sum.ID, err)
	}
	if err := json.Unmarshal(result, &sum.Result); err != nil {
		return sum, "", fmt.Errorf("decode result of assessment %d: %w", sum.ID, err)
	}
	var err error
	if sum.CreatedAt, err = parseTime(created); err != nil {
		return sum, "", err
	}
	return sum, person.String, nil
}

// addEarlierTakes fills each row's Earlier with the same person's other
// assessments that match the same filter: all older, since a row is its
// person's newest match. persons maps a row's id to its person.
func (s *Store) addEarlierTakes(ctx context.Context, tx *txn, list []assessment.Summary, persons map[int64]string, f assessment.Filter) error {
	if len(persons) == 0 {
		return nil
	}
	index := map[string]int{}
	var keys []any
	for i, sum := range list {
		if p, ok := persons[sum.ID]; ok {
			index[p] = i
			keys = append(keys, p)
		}
	}
	query, args := s.earlierTakesSQL(f, len(keys))
	rows, err := tx.QueryContext(ctx, query, append(keys, args...)...)
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
		i := index[key]
		if t.ID == list[i].ID {
			continue
		}
		if t.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		list[i].Earlier = append(list[i].Earlier, t)
	}
	return rows.Err()
}

// earlierTakesSQL reads the takes of n persons that match f, newest
// first; its arguments are the persons, then the filter's.
func (s *Store) earlierTakesSQL(f assessment.Filter, n int) (string, []any) {
	conds, args := s.d.filterConds(f)
	match := ""
	if len(conds) > 0 {
		match = " AND " + strings.Join(conds, " AND ")
	}
	return `SELECT person, id, outcome, status, created_at
		FROM assessments` + s.d.indexedBy("assessments_person") + `
		WHERE consent AND person IN (` + placeholders(n) + `)` + match + `
		ORDER BY created_at DESC, id DESC`, args
}

// filterConds turns f into the conditions of a WHERE clause, to be joined
// with AND (none when f matches everything), and their arguments. Column
// names are bare, so the same conditions filter a subquery's table.
func (d *dialect) filterConds(f assessment.Filter) ([]string, []any) {
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
	if f.Consented && f.Search == "" { // the search adds its own
		conds = append(conds, `consent`)
	}
	if f.Search != "" {
		// search_text is name, e-mail and company, case-folded, a line
		// each; only consented assessments keep any. Text with a line
		// break would match across two of them, where no single one
		// (a line of a form) could: it matches nothing.
		term := strings.ToLower(f.Search)
		conds = append(conds, `consent`, `search_text LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(term)+"%")
		if strings.Contains(term, searchSeparator) {
			conds = append(conds, `1 = 0`)
		}
	}
	return conds, args
}

// filterWhere is filterConds as a WHERE clause: empty when f matches
// everything.
func (d *dialect) filterWhere(f assessment.Filter) (string, []any) {
	conds, args := d.filterConds(f)
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

// UpdateStatus moves an assessment to a follow-up status, and with it
// every other take of the same person: the follow-up is the founder's, as
// the grouped list shows them in one row, so a founder contacted about
// their latest take is no longer waiting on an older one.
func (s *Store) UpdateStatus(ctx context.Context, id int64, status assessment.Status, now time.Time) error {
	if !status.Valid() {
		return fmt.Errorf("update status of assessment %d: unknown status %q", id, status)
	}
	res, err := s.wdb.ExecContext(ctx, `UPDATE assessments SET status = ?, updated_at = ?
		WHERE id = ? OR (consent AND person = (SELECT person FROM assessments WHERE id = ?))`,
		string(status), formatTime(now), id, id)
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
// the rows, and not on disk (see checkpointAfterDelete). When it was its
// person's latest take, their newest remaining one becomes it.
func (s *Store) DeleteAssessment(ctx context.Context, id int64) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	defer tx.Rollback()
	var person sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT person FROM assessments WHERE id = ?`, id).Scan(&person)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("delete assessment %d: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	if err := lockPerson(ctx, s.d, tx, person); err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
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
	if err := settleLatest(ctx, tx, person); err != nil {
		return fmt.Errorf("delete assessment %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete assessment %d: commit: %w", id, err)
	}
	s.checkpointAfterDelete(ctx, "assessment")
	return nil
}
