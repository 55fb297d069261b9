package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
)

// TestFillMakesTheHistoryItSays: the generated answers are ones the site
// accepts, varied (several outcomes), scored by the rules; about 40% leave
// their details, some of them again; and a small fill lands in a store.
func TestFillMakesTheHistoryItSays(t *testing.T) {
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	g := newFillGenerator(q, fillOptions{N: n, Days: 30, Seed: 7, End: time.Now()})
	outcomes, emails := map[string]int{}, map[string]int{}
	consented := 0
	for i := range n {
		s := g.next(i)
		if errs := q.CheckAll(s.a.Answers); len(errs) > 0 {
			t.Fatalf("assessment %d's answers %v are refused: %v", i, s.a.Answers, errs)
		}
		if s.a.Result.Outcome != rules.Evaluate(q, s.a.Answers).Outcome {
			t.Fatalf("assessment %d's outcome %s is not the rules'", i, s.a.Result.Outcome)
		}
		outcomes[s.a.Result.Outcome]++
		if s.a.Contact.Consent {
			consented++
			emails[strings.ToLower(s.a.Contact.Email)]++
		}
	}
	if len(outcomes) < 4 {
		t.Errorf("outcomes = %v, want the answers varied enough to reach at least four", outcomes)
	}
	if share := float64(consented) / n; share < 0.35 || share > 0.45 {
		t.Errorf("consented = %.2f, want about 0.40", share)
	}
	if retakes := consented - len(emails); retakes < consented/20 || retakes > consented/5 {
		t.Errorf("retakes = %d of %d consented, want about one in ten", retakes, consented)
	}

	db := filepath.Join(t.TempDir(), "fill.db")
	if err := fill(t.Context(), fillOptions{DB: db, N: 40, Days: 30, Seed: 1, Workers: 4, End: time.Now().UTC()}, io.Discard); err != nil {
		t.Fatalf("fill = %v", err)
	}
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	list, total, err := store.ListAssessments(t.Context(), assessment.Filter{})
	if err != nil || total != 40 || len(list) != 40 {
		t.Errorf("the filled store lists %d of %d, %v; want 40", len(list), total, err)
	}
}
