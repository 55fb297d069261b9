package rules_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// storedHistory is every default example stored n times, as if answered.
func storedHistory(t testing.TB, q *assessment.Questionnaire, n int) []assessment.AnswerSet {
	t.Helper()
	var sets []assessment.AnswerSet
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; len(sets) < n; i++ {
		ex := q.Examples[i%len(q.Examples)]
		sets = append(sets, assessment.AnswerSet{ID: int64(i + 1), Outcome: ex.Expect, Answers: ex.Answers, CreatedAt: day.Add(time.Duration(i) * time.Minute)})
	}
	return sets
}

func TestRescoreUnchangedUnderTheSameFile(t *testing.T) {
	q := mustDefault(t)
	got := rules.RescoreAll(q, storedHistory(t, q, len(q.Examples)))
	if got.Total != len(q.Examples) || len(got.Changed) != 0 || len(got.Moves) != 0 || len(got.Unmapped) != 0 {
		t.Errorf("RescoreAll(default, its own examples) = %+v, want every one unchanged and nothing unmapped", got)
	}
}

func TestRescoreReportsMovesAndUnmappedAnswers(t *testing.T) {
	q := mustDefault(t)
	sets := []assessment.AnswerSet{
		{ID: 1, Outcome: assessment.BookACall, Answers: q.Examples[0].Answers},
		// An answer the file no longer has, and an option renamed away.
		{ID: 2, Outcome: assessment.BookACall, Answers: with(q.Examples[0].Answers, assessment.Answers{"gone": {"x"}, "mandate": {"very-specific"}})},
		// Stored as hire-a-pm by older rules; the file now says book-a-call.
		{ID: 3, Outcome: assessment.HireAPM, Answers: q.Examples[0].Answers},
	}
	got := rules.RescoreAll(q, sets)
	var ids []int64
	for _, c := range got.Changed {
		ids = append(ids, c.ID)
	}
	if !reflect.DeepEqual(ids, []int64{2, 3}) {
		t.Fatalf("changed = %v, want assessments 2 and 3", ids)
	}
	if !got.Changed[0].Unmapped || got.Changed[1].Unmapped {
		t.Errorf("unmapped flags = %v, %v; want only assessment 2 flagged", got.Changed[0].Unmapped, got.Changed[1].Unmapped)
	}
	wantUnmapped := []rules.Unmapped{{Question: "gone", Count: 1}, {Question: "mandate", Option: "very-specific", Count: 1}}
	if !reflect.DeepEqual(got.Unmapped, wantUnmapped) {
		t.Errorf("unmapped = %+v, want %+v", got.Unmapped, wantUnmapped)
	}
	if len(got.Moves) != 2 {
		t.Errorf("moves = %+v, want two (book-a-call→?, hire-a-pm→book-a-call)", got.Moves)
	}
}

// BenchmarkRescore1000 re-scores 1,000 stored assessments under the
// default questionnaire: the rules lab promises this in under a second.
func BenchmarkRescore1000(b *testing.B) {
	q := mustDefault(b)
	sets := storedHistory(b, q, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if r := rules.RescoreAll(q, sets); r.Total != 1000 {
			b.Fatal(fmt.Sprint(r.Total))
		}
	}
}

// TestRescoreUntilStopsWhenTold: stopped before it starts, nothing is
// re-scored and it says so; never stopped, it is RescoreAll.
func TestRescoreUntilStopsWhenTold(t *testing.T) {
	q := mustDefault(t)
	sets := storedHistory(t, q, 50)
	stop := make(chan struct{})
	close(stop)
	if got := rules.RescoreUntil(q, sets, stop); !got.Stopped || got.Scored != 0 || got.Total != 50 || len(got.Changed) != 0 {
		t.Errorf("RescoreUntil(stopped) = Scored %d of %d, Stopped %v; want 0 of 50, stopped", got.Scored, got.Total, got.Stopped)
	}
	if got := rules.RescoreUntil(q, sets, make(chan struct{})); got.Stopped || got.Scored != 50 {
		t.Errorf("RescoreUntil(never stopped) = Scored %d, Stopped %v; want 50, not stopped", got.Scored, got.Stopped)
	}
}
