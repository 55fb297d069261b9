package data

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// BenchmarkSubmitDraft is submits from many visitors at once, through the
// group-commit writer, each durable (fsynced) before it returns: the cost
// the outbox row must not raise by more than 10%.
func BenchmarkSubmitDraft(b *testing.B) {
	sqliteOnly(b, "it counts the group-commit writer's commits")
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
	commitsBefore := s.submits.commits.Load()
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
	b.ReportMetric(float64(s.submits.commits.Load()-commitsBefore)/float64(b.N), "commits/submit")
}

// BenchmarkSubmitBatch submits in rounds of 32 released at once, so each
// round shares one or two commits, and reports what the disk sees, which
// the load of a shared machine does not blur: WAL bytes written per submit
// and commits per submit.
func BenchmarkSubmitBatch(b *testing.B) {
	sqliteOnly(b, "it measures SQLite's WAL")
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// Keep every frame in the WAL, so its size is what was written.
	if _, err := s.wdb.ExecContext(b.Context(), `PRAGMA wal_autocheckpoint = 0`); err != nil {
		b.Fatal(err)
	}
	if err := s.SaveQuestionnaire(b.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		b.Fatal(err)
	}
	const round = 32
	n := (b.N + round - 1) / round * round
	for i := range n {
		if err := s.CreateDraft(b.Context(), newDraft(fmt.Sprintf("d%d", i), now.Add(time.Hour))); err != nil {
			b.Fatal(err)
		}
	}
	walBefore := fileSize(b, path+"-wal")
	commitsBefore := s.submits.commits.Load()
	b.ResetTimer()
	for r := 0; r < n; r += round {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := r; i < r+round; i++ {
			wg.Go(func() {
				<-start
				a := newAssessment(fmt.Sprintf("tok-%d", i), assessment.Contact{Name: "Ada", Email: "ada@example.com", Consent: true})
				if _, err := s.SubmitDraft(b.Context(), fmt.Sprintf("d%d", i), a); err != nil {
					b.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(float64(fileSize(b, path+"-wal")-walBefore)/float64(n), "walB/submit")
	b.ReportMetric(float64(s.submits.commits.Load()-commitsBefore)/float64(n), "commits/submit")
}

func fileSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}
