package rules_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
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

// TestRescorerAgreesWithEvaluate: sets added from several goroutines at
// once, in any order, give what scoring each with Evaluate gives, with the
// changes oldest first and no answers kept.
func TestRescorerAgreesWithEvaluate(t *testing.T) {
	q := mustDefault(t)
	sets := append(storedHistory(t, q, 60), variedHistory(q, 400)...)
	// Stored under older rules: every third one recorded as another outcome.
	for i := range sets {
		if i%3 == 0 {
			sets[i].Outcome = assessment.HireFullTime
		}
	}
	var wantChanged []int64
	for _, set := range sets {
		if rules.Evaluate(q, set.Answers).Outcome != set.Outcome {
			wantChanged = append(wantChanged, set.ID)
		}
	}
	r := rules.NewRescorer(q)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := len(sets) - 1 - w; i >= 0; i -= 4 { // newest first, interleaved
				r.Add(sets[i])
			}
		})
	}
	wg.Wait()
	got := r.Result()
	var changed []int64
	for _, c := range got.Changed {
		changed = append(changed, c.ID)
		if c.Set.Answers != nil {
			t.Errorf("change %d keeps its answers; a re-score must not hold them", c.ID)
		}
	}
	if got.Total != len(sets) || !reflect.DeepEqual(changed, wantChanged) {
		t.Errorf("Rescorer = total %d, changed %v; want %d and %v (oldest first)", got.Total, changed, len(sets), wantChanged)
	}
	if serial := rules.RescoreAll(q, sets); !reflect.DeepEqual(serial.Moves, got.Moves) {
		t.Errorf("moves = %+v, want %+v as RescoreAll gives", got.Moves, serial.Moves)
	}
}

// variedHistory is n answer sets varied from the examples: options moved,
// repeated, unknown and missing, as old and odd stored answers can be.
func variedHistory(q *assessment.Questionnaire, n int) []assessment.AnswerSet {
	r := rand.New(rand.NewPCG(1, 2))
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var sets []assessment.AnswerSet
	for i := range n {
		ex := q.Examples[r.IntN(len(q.Examples))]
		a := ex.Answers.Clone()
		for _, st := range q.Steps {
			for _, qn := range st.Questions {
				switch p := r.IntN(10); {
				case p == 0:
					delete(a, qn.ID)
				case p == 1 && len(qn.Options) > 0:
					o := qn.Options[r.IntN(len(qn.Options))].ID
					a[qn.ID] = []string{o, o, "no-such-option"}
				case p < 5 && len(qn.Options) > 0:
					a[qn.ID] = []string{qn.Options[r.IntN(len(qn.Options))].ID}
				}
			}
		}
		sets = append(sets, assessment.AnswerSet{ID: int64(1000 + i), Outcome: ex.Expect, Answers: a, CreatedAt: day.Add(time.Duration(i) * time.Minute)})
	}
	return sets
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
