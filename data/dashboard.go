package data

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// countOutcomesSQL counts by outcome in n windows: its arguments are each
// window's start, then the earliest.
func (s *Store) countOutcomesSQL(n int) string {
	return `SELECT outcome` + strings.Repeat(`, sum(CASE WHEN created_at >= ? THEN 1 ELSE 0 END)`, n) + `
		FROM assessments` + s.d.indexedBy("assessments_desk") + ` WHERE created_at >= ? GROUP BY outcome`
}

// CountOutcomesSince counts the assessments made since each of the times
// (inclusive), by outcome, in one read of assessments_desk: counts[i] is
// for since[i]. An outcome nobody reached in a window is absent from its
// map.
func (s *Store) CountOutcomesSince(ctx context.Context, since ...time.Time) ([]map[string]int, error) {
	if len(since) == 0 {
		return nil, nil
	}
	var (
		args     []any
		earliest = since[0]
	)
	for _, t := range since {
		args = append(args, formatTime(t))
		if t.Before(earliest) {
			earliest = t
		}
	}
	rows, err := s.db.QueryContext(ctx, s.countOutcomesSQL(len(since)), append(args, formatTime(earliest))...)
	if err != nil {
		return nil, fmt.Errorf("count outcomes: %w", err)
	}
	defer rows.Close()
	counts := make([]map[string]int, len(since))
	for i := range counts {
		counts[i] = map[string]int{}
	}
	for rows.Next() {
		var outcome string
		n := make([]int, len(since))
		dest := []any{&outcome}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("count outcomes: %w", err)
		}
		for i, c := range n {
			if c > 0 {
				counts[i][outcome] = c
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count outcomes: %w", err)
	}
	return counts, nil
}

func (s *Store) weeklyOutcomesSQL() string {
	return `SELECT substr(created_at, 1, 10) AS day, outcome, count(*)
		FROM assessments` + s.d.indexedBy("assessments_desk") + ` WHERE created_at >= ? GROUP BY day, outcome`
}

// WeeklyOutcomes counts the assessments made since (inclusive) by ISO week,
// Monday 00:00 UTC, and outcome. Only weeks and outcomes with assessments
// appear, ordered by week and then outcome. The first week counts only
// from since.
func (s *Store) WeeklyOutcomes(ctx context.Context, since time.Time) ([]assessment.WeekCount, error) {
	// SQLite groups by UTC day (the first ten characters of the stored
	// time); Go folds the days into weeks, which keeps the week arithmetic
	// out of SQL.
	rows, err := s.db.QueryContext(ctx, s.weeklyOutcomesSQL(), formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("weekly outcomes: %w", err)
	}
	defer rows.Close()
	type key struct {
		week    time.Time
		outcome string
	}
	counts := map[key]int{}
	for rows.Next() {
		var (
			day, outcome string
			n            int
		)
		if err := rows.Scan(&day, &outcome, &n); err != nil {
			return nil, fmt.Errorf("weekly outcomes: %w", err)
		}
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return nil, fmt.Errorf("weekly outcomes: parse stored day %q: %w", day, err)
		}
		counts[key{assessment.WeekStart(d), outcome}] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("weekly outcomes: %w", err)
	}
	weeks := make([]assessment.WeekCount, 0, len(counts))
	for k, n := range counts {
		weeks = append(weeks, assessment.WeekCount{WeekStart: k.week, Outcome: k.outcome, Count: n})
	}
	slices.SortFunc(weeks, func(a, b assessment.WeekCount) int {
		return cmp.Or(a.WeekStart.Compare(b.WeekStart), cmp.Compare(a.Outcome, b.Outcome))
	})
	return weeks, nil
}

const insertStepViewSQL = `INSERT INTO step_views (visitor, step, created_at) VALUES (?, ?, ?)
	ON CONFLICT (visitor, step) DO NOTHING`

// RecordStepView records that an anonymous visitor opened a step. Only the
// first view of each step by each visitor is kept, so reloads and Back do
// not inflate the funnel.
func (s *Store) RecordStepView(ctx context.Context, visitor string, step int, now time.Time) error {
	if step < 0 {
		return fmt.Errorf("record step view: step %d is negative", step)
	}
	err := s.write(ctx, true, func(ctx context.Context, q execQueryer) error {
		_, err := q.ExecContext(ctx, insertStepViewSQL, visitor, step, formatTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("record step view %d: %w", step, err)
	}
	return nil
}

// insertStepViews records funnel rows inside another write; the caller
// has checked them before queueing it.
func insertStepViews(ctx context.Context, q execQueryer, views []assessment.StepView) error {
	for _, v := range views {
		if _, err := q.ExecContext(ctx, insertStepViewSQL, v.Visitor, v.Step, formatTime(v.At)); err != nil {
			return fmt.Errorf("record step view %d: %w", v.Step, err)
		}
	}
	return nil
}

const funnelSQL = `SELECT step, count(*) FROM step_views
	WHERE created_at >= ? GROUP BY step ORDER BY step`

// Funnel counts, per step, the visitors who first opened it since
// (inclusive), ordered by step. Steps nobody opened are absent.
func (s *Store) Funnel(ctx context.Context, since time.Time) ([]assessment.FunnelStep, error) {
	// (visitor, step) is the primary key, so count(*) counts distinct visitors.
	rows, err := s.db.QueryContext(ctx, funnelSQL, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	defer rows.Close()
	var steps []assessment.FunnelStep
	for rows.Next() {
		var st assessment.FunnelStep
		if err := rows.Scan(&st.Step, &st.Visitors); err != nil {
			return nil, fmt.Errorf("funnel: %w", err)
		}
		steps = append(steps, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	return steps, nil
}
