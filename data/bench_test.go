package data

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// BenchmarkSubmitDraft measures concurrent submits, each of its own draft,
// through the store: on SQLite the group-commit writer, on PostgreSQL
// (the suite's second pass) one transaction each.
func BenchmarkSubmitDraft(b *testing.B) {
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
