package data

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// smallBatches makes the streams read a few rows per query, so a test
// with a handful of rows crosses several batches.
func smallBatches(t *testing.T) {
	export, sets := exportBatch, answerSetBatch
	exportBatch, answerSetBatch = 3, 4
	t.Cleanup(func() { exportBatch, answerSetBatch = export, sets })
}

// seedHistory stores n assessments, some at the same instant, some
// retakes, of three outcomes and two statuses.
func seedHistory(t *testing.T, s *Store, n int) []*assessment.Assessment {
	t.Helper()
	outcomes := []string{assessment.BookACall, assessment.HireAPM, assessment.NarrowScope}
	var out []*assessment.Assessment
	for i := range n {
		c := assessment.Contact{}
		if i%3 != 0 {
			c = contact(fmt.Sprintf("Person %d", i%7), fmt.Sprintf("p%d@example.com", i%7), "Northwind")
		}
		a := mustAddAssessment(t, s, fmt.Sprintf("t%02d", i), outcomes[i%len(outcomes)], c, day.Add(time.Duration(i/2)*time.Hour))
		if i%4 == 0 {
			mustUpdateStatus(t, s, a.ID, assessment.StatusContacted)
		}
		out = append(out, a)
	}
	return out
}

// TestExportRowsMatchesTheFullExport: the streamed export gives the rows
// the export read when it loaded them all (fullExport), in the same order, with the
// same values, across batches and for every kind of filter.
func TestExportRowsMatchesTheFullExport(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	smallBatches(t)
	seedHistory(t, s, 14)
	for _, f := range []assessment.Filter{
		{},
		{Outcome: assessment.HireAPM},
		{Status: assessment.StatusContacted},
		{From: day.Add(2 * time.Hour), To: day.Add(5 * time.Hour)},
		{Search: "northwind"},
		{Search: "nobody"},
	} {
		want := fullExport(t, s, f)
		var got []*assessment.ExportRow
		if err := s.ExportRows(t.Context(), f, func(r *assessment.ExportRow) error { got = append(got, r); return nil }); err != nil {
			t.Fatalf("ExportRows(%+v) = %v", f, err)
		}
		if len(got) != len(want) {
			t.Fatalf("ExportRows(%+v) gave %d rows, the full export %d", f, len(got), len(want))
		}
		for i, a := range want {
			r := got[i]
			same := r.ID == a.ID && r.Token == a.Token && r.QuestionnaireVersion == a.QuestionnaireVersion && r.Outcome == a.Result.Outcome &&
				r.Status == a.Status && r.Contact == a.Contact && reflect.DeepEqual(r.Answers, a.Answers) && r.CreatedAt.Equal(a.CreatedAt)
			for _, c := range a.Result.Criteria {
				got, ok := r.Criterion(c.ID)
				same = same && ok && got.Score == c.Score && got.LevelLabel == c.LevelLabel
			}
			if !same {
				t.Errorf("ExportRows(%+v) row %d = %+v, want the stored %+v", f, i, r, a)
			}
		}
	}
	stop := errors.New("client went away")
	n := 0
	err := s.ExportRows(t.Context(), assessment.Filter{}, func(*assessment.ExportRow) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("ExportRows with fn failing = %v after %d rows, want fn's error after 1", err, n)
	}
}

// fullExport is the export's read as it was before it streamed: every
// matching assessment in full, newest first, in one query.
func fullExport(t *testing.T, s *Store, f assessment.Filter) []assessment.Assessment {
	t.Helper()
	where, args := s.d.filterWhere(f)
	rows, err := s.db.QueryContext(t.Context(), `SELECT `+assessmentColumns+` FROM assessments`+where+
		` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []assessment.Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEachAnswerSetVisitsEveryOneOnce across batches, on several
// goroutines, and stops at fn's first error.
func TestEachAnswerSetVisitsEveryOneOnce(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	smallBatches(t)
	stored := seedHistory(t, s, 11)
	var (
		mu   sync.Mutex
		seen []int64
	)
	err := s.EachAnswerSet(t.Context(), func(a assessment.AnswerSet) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, a.ID)
		for _, st := range stored {
			if st.ID == a.ID && (a.Outcome != st.Result.Outcome || !reflect.DeepEqual(a.Answers, st.Answers) || !a.CreatedAt.Equal(st.CreatedAt)) {
				t.Errorf("answer set %d = %+v, want the stored outcome, answers and time", a.ID, a)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	var want []int64
	for _, st := range stored {
		want = append(want, st.ID)
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("EachAnswerSet visited %v, want each of %v once", seen, want)
	}
	stop := errors.New("stop")
	if err := s.EachAnswerSet(t.Context(), func(assessment.AnswerSet) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachAnswerSet with fn failing = %v, want fn's error", err)
	}
}

// TestListPagesFromEitherEnd: every page of every order, grouped or not,
// is the same slice of the whole list whether it is read forwards or, past
// the middle, backwards.
func TestListPagesFromEitherEnd(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	seedHistory(t, s, 13)
	for _, o := range assessment.Orders {
		for _, grouped := range []bool{false, true} {
			for _, f := range []assessment.Filter{{}, {Outcome: assessment.HireAPM}} {
				f.Order, f.GroupByEmail = o, grouped
				all, total, err := s.ListAssessments(t.Context(), f)
				if err != nil {
					t.Fatal(err)
				}
				if len(all) != total {
					t.Fatalf("ListAssessments(%+v) = %d rows of %d", f, len(all), total)
				}
				for offset := 0; offset <= total+2; offset += 2 {
					f.Limit, f.Offset = 2, offset
					page, n, err := s.ListAssessments(t.Context(), f)
					if err != nil {
						t.Fatal(err)
					}
					want := tokens(all[min(offset, total):min(offset+2, total)])
					if got := tokens(page); !reflect.DeepEqual(got, want) || n != total {
						t.Errorf("ListAssessments(%+v) = %q (total %d), want %q (total %d)", f, got, n, want, total)
					}
				}
			}
		}
	}
}

// TestCountOutcomesSince counts each window in one query.
func TestCountOutcomesSince(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	stored := seedHistory(t, s, 12)
	since := []time.Time{day.Add(4 * time.Hour), day, day.Add(-time.Hour), day.Add(100 * time.Hour)}
	got, err := s.CountOutcomesSince(t.Context(), since...)
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range since {
		want := map[string]int{}
		for _, a := range stored {
			if !a.CreatedAt.Before(at) {
				want[a.Result.Outcome]++
			}
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("CountOutcomesSince(…)[%d] (since %s) = %v, want %v", i, at, got[i], want)
		}
	}
}
