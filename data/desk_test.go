package data

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestListCallFirstAndGroupedByEmail(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	// Oldest to newest.
	old := mustAddAssessment(t, s, "ada-1", assessment.HireAPM, contact("Ada", "ada@example.com", "Engines"), day)
	mustAddAssessment(t, s, "anon-fit", assessment.BookACall, assessment.Contact{}, day.Add(1*time.Hour))
	mustAddAssessment(t, s, "bob-maybe", assessment.WorthAConversation, contact("Bob", "bob@example.com", ""), day.Add(2*time.Hour))
	called := mustAddAssessment(t, s, "cat-fit", assessment.BookACall, contact("Cat", "cat@example.com", ""), day.Add(3*time.Hour))
	mustAddAssessment(t, s, "dan-pm", assessment.HireAPM, contact("Dan", "dan@example.com", ""), day.Add(4*time.Hour))
	mustAddAssessment(t, s, "eve-fit", assessment.BookACall, contact("Eve", "eve@example.com", ""), day.Add(5*time.Hour))
	// Ada again, later, with her email in capitals: one person.
	mustAddAssessment(t, s, "ada-2", assessment.BookACall, contact("Ada", "ADA@example.com", "Engines"), day.Add(6*time.Hour))
	mustUpdateStatus(t, s, called.ID, assessment.StatusContacted)

	tests := []struct {
		name   string
		filter assessment.Filter
		want   []string
		total  int
	}{
		{"call first, grouped", assessment.Filter{Order: assessment.OrderCallFirst, GroupByEmail: true},
			// Consented and new by outcome then newest; then the rest by outcome.
			[]string{"ada-2", "eve-fit", "bob-maybe", "dan-pm", "cat-fit", "anon-fit"}, 6},
		{"newest, not grouped", assessment.Filter{Order: assessment.OrderNewest},
			[]string{"ada-2", "eve-fit", "dan-pm", "cat-fit", "bob-maybe", "anon-fit", "ada-1"}, 7},
		{"oldest, grouped", assessment.Filter{Order: assessment.OrderOldest, GroupByEmail: true},
			[]string{"anon-fit", "bob-maybe", "cat-fit", "dan-pm", "eve-fit", "ada-2"}, 6},
		{"outcome", assessment.Filter{Order: assessment.OrderOutcome, GroupByEmail: true},
			[]string{"ada-2", "eve-fit", "cat-fit", "anon-fit", "bob-maybe", "dan-pm"}, 6},
		// A filter applies before grouping: Ada's hire-a-PM take alone.
		{"grouped within a filter", assessment.Filter{Outcome: assessment.HireAPM, GroupByEmail: true},
			[]string{"dan-pm", "ada-1"}, 2},
		{"second page", assessment.Filter{Order: assessment.OrderCallFirst, GroupByEmail: true, Limit: 2, Offset: 2},
			[]string{"bob-maybe", "dan-pm"}, 6},
		// Waiting: left their details, still new; Ada once, anonymous never.
		{"waiting", withOrder(assessment.Waiting(), assessment.OrderCallFirst),
			[]string{"ada-2", "eve-fit", "bob-maybe", "dan-pm"}, 4},
	}
	if n, err := s.CountWaiting(ctx); err != nil || n != 4 {
		t.Errorf("CountWaiting = %d, %v; want 4, the waiting list's rows (Ada's two takes once)", n, err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := s.ListAssessments(ctx, tt.filter)
			if err != nil {
				t.Fatalf("ListAssessments(%+v) = %v", tt.filter, err)
			}
			if got := tokens(list); !reflect.DeepEqual(got, tt.want) || total != tt.total {
				t.Errorf("ListAssessments(%+v) = %q, total %d; want %q, total %d", tt.filter, got, total, tt.want, tt.total)
			}
		})
	}

	list, _, err := s.ListAssessments(ctx, assessment.Filter{Order: assessment.OrderCallFirst, GroupByEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := list[0].Earlier; len(got) != 1 || got[0].ID != old.ID || got[0].Outcome != assessment.HireAPM {
		t.Errorf("Ada's earlier takes = %+v, want her first (hire-a-pm) one", got)
	}
	for _, row := range list[1:] {
		if len(row.Earlier) != 0 {
			t.Errorf("%s has earlier takes %+v, want none", row.Token, row.Earlier)
		}
	}
}

func TestCalibrations(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	a := mustAddAssessment(t, s, "a", assessment.BookACall, contact("A", "a@example.com", ""), day)
	b := mustAddAssessment(t, s, "b", assessment.BookACall, contact("B", "b@example.com", ""), day)
	c := mustAddAssessment(t, s, "c", assessment.HireAPM, assessment.Contact{}, day)
	record := func(id int64, v assessment.Verdict, needed string) {
		t.Helper()
		if err := s.RecordCalibration(ctx, assessment.Calibration{AssessmentID: id, Verdict: v, Needed: needed, RecordedAt: now}); err != nil {
			t.Fatalf("RecordCalibration(%d, %s, %q) = %v", id, v, needed, err)
		}
	}
	record(a.ID, assessment.VerdictNotFit, assessment.HireAPM)
	record(a.ID, assessment.VerdictFit, "") // the owner changed their mind: the last click counts
	record(b.ID, assessment.VerdictNotFit, assessment.HireAPM)
	record(c.ID, assessment.VerdictNoCall, "")

	got, err := s.CountCalibrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []assessment.CalibrationCount{
		{Predicted: assessment.BookACall, Verdict: assessment.VerdictFit, Count: 1},
		{Predicted: assessment.BookACall, Verdict: assessment.VerdictNotFit, Needed: assessment.HireAPM, Count: 1},
		{Predicted: assessment.HireAPM, Verdict: assessment.VerdictNoCall, Count: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CountCalibrations = %+v, want %+v", got, want)
	}
	if cal, err := s.FindCalibration(ctx, a.ID); err != nil || cal.Verdict != assessment.VerdictFit {
		t.Errorf("FindCalibration(a) = %+v, %v; want fit", cal, err)
	}
	if err := s.RecordCalibration(ctx, assessment.Calibration{AssessmentID: 999, Verdict: assessment.VerdictFit, RecordedAt: now}); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("RecordCalibration(unknown) = %v, want not found", err)
	}
	if err := s.RecordCalibration(ctx, assessment.Calibration{AssessmentID: a.ID, Verdict: assessment.VerdictNotFit, Needed: assessment.BookACall, RecordedAt: now}); err == nil {
		t.Errorf("RecordCalibration(not-fit, needed book-a-call) = nil, want refused")
	}
	if n, err := s.CountWaiting(ctx); err != nil || n != 2 {
		t.Errorf("CountWaiting = %d, %v; want 2 (consented and new)", n, err)
	}
	// Calibrations go with their assessment.
	if err := s.DeleteAssessment(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "calibrations"); n != 2 {
		t.Errorf("calibrations after deleting one assessment = %d, want 2", n)
	}
}

func TestCallFirstMessagesAndAutomated(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	quiet := mustAddAssessment(t, s, "quiet", assessment.DifferentConversation, contact("Q", "q@example.com", ""), day)
	wrote := mustAddAssessment(t, s, "wrote", assessment.DifferentConversation, contact("W", "w@example.com", ""), day.Add(time.Hour))
	mustAddAssessment(t, s, "pm", assessment.HireAPM, contact("P", "p@example.com", ""), day.Add(2*time.Hour))
	bot := mustAddAssessment(t, s, "bot", assessment.BookACall, contact("B", "b@example.com", ""), day.Add(3*time.Hour))
	if err := s.AddMessage(ctx, &assessment.Message{AssessmentID: wrote.ID, Body: "Can we talk about the plan?", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.wdb.ExecContext(ctx, `UPDATE assessments SET possibly_automated = TRUE WHERE id = ?`, bot.ID); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.ListAssessments(ctx, assessment.Filter{Order: assessment.OrderCallFirst})
	if err != nil {
		t.Fatal(err)
	}
	// A message lifts a different conversation above hire-a-PM; without one
	// it comes last; a possibly automated submit waits below every person.
	if got, want := tokens(list), []string{"wrote", "pm", "quiet", "bot"}; !reflect.DeepEqual(got, want) {
		t.Errorf("call first = %q, want %q", got, want)
	}
	if list[0].Messages != 1 || list[3].PossiblyAutomated != true || quiet.ID == 0 {
		t.Errorf("flags: messages %d, automated %v; want 1 and true", list[0].Messages, list[3].PossiblyAutomated)
	}
}

func TestEachAnswerSet(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	b := mustAddAssessment(t, s, "b", assessment.HireAPM, assessment.Contact{}, day.Add(time.Hour))
	a := mustAddAssessment(t, s, "a", assessment.BookACall, assessment.Contact{}, day)
	var (
		mu   sync.Mutex
		sets = map[int64]assessment.AnswerSet{}
	)
	err := s.EachAnswerSet(t.Context(), func(set assessment.AnswerSet) error {
		mu.Lock()
		defer mu.Unlock()
		sets[set.ID] = set
		return nil
	})
	if err != nil || len(sets) != 2 {
		t.Fatalf("EachAnswerSet gave %d sets, %v; want 2", len(sets), err)
	}
	if got := sets[a.ID]; got.Outcome != assessment.BookACall || !reflect.DeepEqual(got.Answers, a.Answers) || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("answer set of a = %+v, want its answers, outcome and time", got)
	}
	if got := sets[b.ID]; got.Outcome != assessment.HireAPM {
		t.Errorf("answer set of b = %+v, want its outcome", got)
	}
}

// TestStatusIsTheFounders: a status set on one take is the founder's: it
// moves their other takes too, and nobody else's.
func TestStatusIsTheFounders(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	first := mustAddAssessment(t, s, "ada-1", assessment.HireAPM, contact("Ada", "ada@example.com", ""), day)
	latest := mustAddAssessment(t, s, "ada-2", assessment.BookACall, contact("Ada", "Ada@Example.com", ""), day.Add(time.Hour))
	bob := mustAddAssessment(t, s, "bob", assessment.BookACall, contact("Bob", "bob@example.com", ""), day.Add(2*time.Hour))
	anon := mustAddAssessment(t, s, "anon", assessment.BookACall, assessment.Contact{}, day.Add(3*time.Hour))
	mustUpdateStatus(t, s, latest.ID, assessment.StatusContacted)
	for _, tt := range []struct {
		a    *assessment.Assessment
		want assessment.Status
	}{{first, assessment.StatusContacted}, {latest, assessment.StatusContacted}, {bob, assessment.StatusNew}, {anon, assessment.StatusNew}} {
		if got, err := s.FindAssessmentByID(ctx, tt.a.ID); err != nil || got.Status != tt.want {
			t.Errorf("%s after contacting Ada's latest take: %v, %v; want %s", tt.a.Token, got.Status, err, tt.want)
		}
	}
	if n, err := s.CountWaiting(ctx); err != nil || n != 1 {
		t.Errorf("CountWaiting = %d, %v; want 1: Bob (Ada is contacted, the anonymous one cannot be)", n, err)
	}
}

func withOrder(f assessment.Filter, o assessment.Order) assessment.Filter {
	f.Order = o
	return f
}
