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
	rows, err := s.db.QueryContext(ctx, s.countCalibrationsByRuleSQL())
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

// countCalibrationsByRuleSQL reads from the small table, looking each
// calibration's assessment up by id (CROSS JOIN keeps SQLite in that
// order; PostgreSQL plans it as any join) for its outcome and rule_id,
// which on SQLite assessments_answer_sets holds: a lookup reads neither
// the row nor its result. rule_id is NULL only on an assessment an older
// release calibrated, until the hourly sweep fills it in.
func (s *Store) countCalibrationsByRuleSQL() string {
	return `SELECT a.outcome, coalesce(a.rule_id, ''), c.verdict, c.needed, count(*)
		FROM calibrations c CROSS JOIN assessments a` + s.d.indexedBy("assessments_answer_sets") + `
		WHERE a.id = c.assessment_id
		GROUP BY a.outcome, coalesce(a.rule_id, ''), c.verdict, c.needed ORDER BY a.outcome, 2, c.verdict, c.needed`
}

// ruleOfResult extracts the id of the rule that decided from a stored
// result (its JSON), or the empty string when absent: what rule_id holds.
func (d *dialect) ruleOfResult() string {
	if d.postgres() {
		return `coalesce(result::json ->> 'rule', '')`
	}
	return `coalesce(json_extract(result, '$.rule'), '')`
}
