package data

import (
	"context"
	"fmt"

	"sessionplayer.studio/fitcheck/assessment"
)

// CountCalibrationsByRule counts recorded calibrations per predicted
// outcome, the rule that predicted it, and verdict: the dashboard's
// predicted-against-recorded tables, per outcome (summed over its rules)
// and per rule.
func (s *Store) CountCalibrationsByRule(ctx context.Context) ([]assessment.CalibrationCount, error) {
	rule := s.d.ruleOfResult()
	rows, err := s.db.QueryContext(ctx, `SELECT a.outcome, `+rule+`, c.verdict, c.needed, count(*)
		FROM calibrations c JOIN assessments a ON a.id = c.assessment_id
		GROUP BY a.outcome, `+rule+`, c.verdict, c.needed ORDER BY a.outcome, 2, c.verdict, c.needed`)
	if err != nil {
		return nil, fmt.Errorf("count calibrations by rule: %w", err)
	}
	defer rows.Close()
	var out []assessment.CalibrationCount
	for rows.Next() {
		var c assessment.CalibrationCount
		if err := rows.Scan(&c.Predicted, &c.Rule, &c.Verdict, &c.Needed, &c.Count); err != nil {
			return nil, fmt.Errorf("count calibrations by rule: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count calibrations by rule: %w", err)
	}
	return out, nil
}

// ruleOfResult extracts the id of the rule that decided from a stored
// result (its JSON), or the empty string when absent.
func (d *dialect) ruleOfResult() string {
	if d.postgres() {
		return `coalesce(a.result::json ->> 'rule', '')`
	}
	return `coalesce(json_extract(a.result, '$.rule'), '')`
}
