package data

import (
	"context"
	"fmt"

	"sessionplayer.studio/fitcheck/assessment"
)

// ExportAssessments returns every assessment matching f in full, newest
// first, in one query: what a CSV export needs, without a query per row.
func (s *Store) ExportAssessments(ctx context.Context, f assessment.Filter) ([]assessment.Assessment, error) {
	where, args := s.d.filterWhere(f)
	rows, err := s.db.QueryContext(ctx, `SELECT `+assessmentColumns+` FROM assessments`+where+
		` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("export assessments: %w", err)
	}
	defer rows.Close()
	var out []assessment.Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, fmt.Errorf("export assessments: %w", err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export assessments: %w", err)
	}
	return out, nil
}
