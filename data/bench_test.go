package data

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// BenchmarkCreateAndSubmit measures concurrent visitors each creating a
// draft and submitting it, through the store: on SQLite the group-commit
// writer, on PostgreSQL (the suite's second pass) one transaction each.
func BenchmarkCreateAndSubmit(b *testing.B) {
	s := mustOpenWithQuestionnaire(b)
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			id := fmt.Sprintf("bench-%d", i)
			d := newDraft(id, now.Add(time.Hour))
			if err := s.CreateDraft(b.Context(), d); err != nil {
				b.Error(err)
				return
			}
			if _, err := s.SubmitDraft(b.Context(), id, newAssessment("tok-"+id, assessment.Contact{})); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSubmitOnly measures submits alone: the drafts exist before the clock
// starts, so what is timed is the submit path (on SQLite, the group-commit
// writer and its one fsync per batch).
func BenchmarkSubmitOnly(b *testing.B) {
	s := mustOpenWithQuestionnaire(b)
	for i := range b.N {
		id := fmt.Sprintf("only-%d", i)
		if err := s.CreateDraft(b.Context(), newDraft(id, now.Add(time.Hour))); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("only-%d", n.Add(1)-1)
			if _, err := s.SubmitDraft(b.Context(), id, newAssessment("tok-"+id, assessment.Contact{})); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
