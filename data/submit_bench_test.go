package data

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// BenchmarkSubmitDraft is submits from many visitors at once, through the
// group-commit writer, each durable (fsynced) before it returns: the cost
// the outbox row must not raise by more than 10%.
func BenchmarkSubmitDraft(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveQuestionnaire(b.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		if err := s.CreateDraft(b.Context(), newDraft(fmt.Sprintf("d%d", i), now.Add(time.Hour))); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism(8) // many visitors per core, as under load
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			a := newAssessment(fmt.Sprintf("tok-%d", i), assessment.Contact{Name: "Ada", Email: "ada@example.com", Consent: true})
			if _, err := s.SubmitDraft(b.Context(), fmt.Sprintf("d%d", i), a); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
