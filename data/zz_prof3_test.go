package data

import (
	"os"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestTmpProfStatusNew(t *testing.T) {
	db := os.Getenv("PROF_DB")
	if db == "" {
		t.Skip()
	}
	s, err := Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := assessment.Filter{Status: assessment.StatusNew, GroupByEmail: true, Order: assessment.OrderCallFirst, Limit: 25, Offset: 25}
	from, args := s.listFrom(f)
	for range 3 {
		t0 := time.Now()
		var n int
		s.db.QueryRowContext(t.Context(), countSQL(from), args...).Scan(&n)
		t1 := time.Now()
		rows, _ := s.db.QueryContext(t.Context(), pageSQL(from, f.Order, false), append(args, 25, 25)...)
		for rows.Next() {
		}
		rows.Close()
		t2 := time.Now()
		s.ListAssessments(t.Context(), f)
		t.Logf("count %v, page ids %v, whole list %v", t1.Sub(t0), t2.Sub(t1), time.Since(t2))
	}
}
