package data

import (
	"reflect"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestCountOutcomes(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	since := day
	mustAddAssessment(t, s, "before", "fit", assessment.Contact{}, since.Add(-time.Nanosecond))
	mustAddAssessment(t, s, "at-since", "fit", assessment.Contact{}, since)
	mustAddAssessment(t, s, "later-fit", "fit", assessment.Contact{}, since.Add(time.Hour))
	mustAddAssessment(t, s, "later-not", "not-fit", assessment.Contact{}, since.Add(48*time.Hour))

	tests := []struct {
		name  string
		since time.Time
		want  map[string]int
	}{
		{"since is inclusive", since, map[string]int{"fit": 2, "not-fit": 1}},
		{"1ns earlier", since.Add(-time.Nanosecond), map[string]int{"fit": 3, "not-fit": 1}},
		{"1ns later", since.Add(time.Nanosecond), map[string]int{"fit": 1, "not-fit": 1}},
		{"same instant in another zone", since.In(time.FixedZone("UTC+5", 5*3600)), map[string]int{"fit": 2, "not-fit": 1}},
		{"after everything", since.Add(72 * time.Hour), map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.CountOutcomesSince(ctx, tt.since)
			if err != nil || !reflect.DeepEqual(got, []map[string]int{tt.want}) {
				t.Errorf("CountOutcomesSince(%v) = %v, %v; want [%v], nil", tt.since, got, err, tt.want)
			}
		})
	}
}

func TestWeeklyOutcomes(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	// 2025-03-03 and 2025-03-10 are Mondays.
	week1 := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	week2 := week1.AddDate(0, 0, 7)
	week4 := week1.AddDate(0, 0, 21)
	cet := time.FixedZone("CET", 3600)
	for _, a := range []struct {
		token, outcome string
		created        time.Time
	}{
		{"before-since", "fit", week1.Add(-time.Nanosecond)},
		{"monday-start", "fit", week1},
		{"midweek", "not-fit", week1.Add(3*24*time.Hour + 12*time.Hour)},
		{"sunday-last-instant", "fit", week2.Add(-time.Nanosecond)},
		// Monday 00:30 in CET is still Sunday in UTC.
		{"monday-in-cet", "maybe", time.Date(2025, 3, 10, 0, 30, 0, 0, cet)},
		{"monday-midnight", "fit", week2},
		{"next-sunday", "fit", week2.Add(6*24*time.Hour + 23*time.Hour + 59*time.Minute)},
		// Nothing in week 3: it must not appear as a zero row.
		{"week4", "not-fit", week4.Add(time.Hour)},
	} {
		mustAddAssessment(t, s, a.token, a.outcome, assessment.Contact{}, a.created)
	}

	got, err := s.WeeklyOutcomes(ctx, week1)
	if err != nil {
		t.Fatalf("WeeklyOutcomes(%v) = %v", week1, err)
	}
	want := []assessment.WeekCount{
		{WeekStart: week1, Outcome: "fit", Count: 2},
		{WeekStart: week1, Outcome: "maybe", Count: 1},
		{WeekStart: week1, Outcome: "not-fit", Count: 1},
		{WeekStart: week2, Outcome: "fit", Count: 2},
		{WeekStart: week4, Outcome: "not-fit", Count: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WeeklyOutcomes(%v) =\n%+v\nwant\n%+v", week1, got, want)
	}

	if got, err := s.WeeklyOutcomes(ctx, week4.Add(2*time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("WeeklyOutcomes(%v) = %+v, %v; want none, nil", week4.Add(2*time.Hour), got, err)
	}
}

func TestWeekStart(t *testing.T) {
	monday := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want time.Time
	}{
		{monday, monday},
		{monday.Add(time.Nanosecond), monday},
		{monday.Add(-time.Nanosecond), monday.AddDate(0, 0, -7)},
		{time.Date(2025, 3, 12, 15, 0, 0, 0, time.UTC), monday},
		{time.Date(2025, 3, 16, 23, 59, 59, 999999999, time.UTC), monday},
		{time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC), monday.AddDate(0, 0, 7)},
		// The week is the UTC week, whatever zone the time is in.
		{time.Date(2025, 3, 10, 0, 30, 0, 0, time.FixedZone("CET", 3600)), monday.AddDate(0, 0, -7)},
		{time.Date(2025, 3, 16, 22, 0, 0, 0, time.FixedZone("UTC-5", -5*3600)), monday.AddDate(0, 0, 7)},
		// ISO weeks run across the new year.
		{time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)},
		{time.Date(2025, 1, 5, 12, 0, 0, 0, time.UTC), time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := assessment.WeekStart(tt.t); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("assessment.WeekStart(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestFunnel(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	since := day
	views := []struct {
		visitor string
		step    int
		at      time.Time
	}{
		{"v1", 0, since},
		{"v1", 1, since.Add(time.Minute)},
		{"v1", 1, since.Add(2 * time.Minute)}, // reload: not counted again
		{"v1", 2, since.Add(3 * time.Minute)},
		{"v2", 0, since.Add(time.Hour)},
		{"v2", 1, since.Add(time.Hour)},
		{"v2", 0, since.Add(2 * time.Hour)}, // Back to the start: not counted again
		{"v3", 0, since.Add(-time.Nanosecond)},
		{"v3", 1, since.Add(time.Hour)},
		{"v4", 5, since.Add(-time.Hour)},
		{"v4", 5, since.Add(time.Hour)}, // the first view is kept, and it was before since
	}
	for _, v := range views {
		if err := s.RecordStepView(ctx, v.visitor, v.step, v.at); err != nil {
			t.Fatalf("RecordStepView(%q, %d) = %v", v.visitor, v.step, err)
		}
	}
	if n := countRows(t, s, "step_views"); n != 8 {
		t.Errorf("step_views has %d rows, want 8: one per visitor per step", n)
	}

	tests := []struct {
		name  string
		since time.Time
		want  []assessment.FunnelStep
	}{
		{"since is inclusive", since, []assessment.FunnelStep{{Step: 0, Visitors: 2}, {Step: 1, Visitors: 3}, {Step: 2, Visitors: 1}}},
		{"earlier", since.Add(-time.Hour), []assessment.FunnelStep{
			{Step: 0, Visitors: 3}, {Step: 1, Visitors: 3}, {Step: 2, Visitors: 1}, {Step: 5, Visitors: 1},
		}},
		{"1ns later", since.Add(time.Nanosecond), []assessment.FunnelStep{{Step: 0, Visitors: 1}, {Step: 1, Visitors: 3}, {Step: 2, Visitors: 1}}},
		{"after everything", since.Add(3 * time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Funnel(ctx, tt.since)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Funnel(%v) = %+v, %v; want %+v, nil", tt.since, got, err, tt.want)
			}
		})
	}

	t.Run("negative step", func(t *testing.T) {
		if err := s.RecordStepView(ctx, "v5", -1, since); err == nil {
			t.Errorf("RecordStepView(%q, -1) = nil, want an error", "v5")
		}
	})
}
