package data

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// Where a founder stands is counted from assessments.criterion_scores (0011):
// each result's scores, "id=score;id=score", in an index that holds them,
// so a version's figures are read from the index alone and never from the
// results' JSON. docs/performance.md has the cost.

// encodeScores writes a result's criterion scores as criterion_scores holds
// them. Criterion ids are lowercase letters, digits and dashes, so neither
// separator can occur in one.
func encodeScores(criteria []assessment.CriterionResult) string {
	var b strings.Builder
	for i, c := range criteria {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(c.ID)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(c.Score))
	}
	return b.String()
}

// addScores counts the scores of one criterion_scores value into scores.
func addScores(scores map[string]map[int]int, encoded string) error {
	for part := range strings.SplitSeq(encoded, ";") {
		id, text, ok := strings.Cut(part, "=")
		score, err := strconv.Atoi(text)
		if !ok || id == "" || err != nil {
			return fmt.Errorf("criterion scores %q: cannot read %q", encoded, part)
		}
		if scores[id] == nil {
			scores[id] = map[int]int{}
		}
		scores[id][score]++
	}
	return nil
}

// BenchmarkOf counts how the comparable results of one questionnaire
// version scored, criterion by criterion: every result of that version not
// marked possibly automated.
func (s *Store) BenchmarkOf(ctx context.Context, version string) (assessment.Benchmark, error) {
	b := assessment.Benchmark{Version: version, Scores: map[string]map[int]int{}}
	tx, err := s.db.BeginTx(ctx, s.d.snapshot) // every row from one state
	if err != nil {
		return b, fmt.Errorf("benchmark of %s: %w", version, err)
	}
	defer tx.Rollback()
	comparable := `questionnaire_version = ? AND possibly_automated = ` + s.d.falseValue
	rows, err := tx.QueryContext(ctx, `SELECT created_at, criterion_scores FROM assessments WHERE `+comparable, version)
	if err != nil {
		return b, fmt.Errorf("benchmark of %s: %w", version, err)
	}
	defer rows.Close()
	unscored := 0 // inserted by a binary older than 0011
	for rows.Next() {
		var created, scores string
		if err := rows.Scan(&created, &scores); err != nil {
			return b, fmt.Errorf("benchmark of %s: %w", version, err)
		}
		// Stored times sort as text, so the least is the first result.
		if b.Count == 0 || created < formatTime(b.Since) {
			if b.Since, err = parseTime(created); err != nil {
				return b, fmt.Errorf("benchmark of %s: %w", version, err)
			}
		}
		b.Count++
		if scores == "" {
			unscored++
			continue
		}
		if err := addScores(b.Scores, scores); err != nil {
			return b, fmt.Errorf("benchmark of %s: %w", version, err)
		}
	}
	if err := rows.Err(); err != nil {
		return b, fmt.Errorf("benchmark of %s: %w", version, err)
	}
	if unscored > 0 {
		if err := addStoredScores(ctx, tx, b.Scores, comparable+` AND criterion_scores = ''`, version); err != nil {
			return b, fmt.Errorf("benchmark of %s: %w", version, err)
		}
	}
	return b, nil
}

// addStoredScores counts the scores of the results where matches, read from
// each result's JSON: the slow way, for rows an older binary inserted
// during a rolling upgrade.
func addStoredScores(ctx context.Context, tx *txn, scores map[string]map[int]int, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT result FROM assessments WHERE `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return err
		}
		var res struct {
			Criteria []assessment.CriterionResult `json:"criteria"`
		}
		if err := json.Unmarshal([]byte(text), &res); err != nil {
			return fmt.Errorf("stored result: %w", err)
		}
		if len(res.Criteria) == 0 {
			continue
		}
		if err := addScores(scores, encodeScores(res.Criteria)); err != nil {
			return err
		}
	}
	return rows.Err()
}
