package data

import (
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// withScores sets a submitted assessment's two criteria (newAssessment's
// "pain" and "budget") to the given scores.
func withScores(pain, budget int) func(*assessment.Assessment) {
	return func(a *assessment.Assessment) {
		a.Result.Criteria[0].Score = pain
		a.Result.Criteria[1].Score = budget
	}
}

// TestBenchmarkOfCountsOneVersionsPeople: the benchmark of a version counts
// that version's results, each criterion's scores where they were stored,
// leaves out possibly automated submits and other versions, and dates the
// sample from its first result.
func TestBenchmarkOfCountsOneVersionsPeople(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	const other = "sha256-test-v2"
	if err := s.SaveQuestionnaire(t.Context(), other, []byte("title: other\n"), now); err != nil {
		t.Fatal(err)
	}
	painScores := []int{0, 1, 1, 3, 5, 5, 5}
	for i, p := range painScores {
		mustSubmit(t, s, fmt.Sprintf("tok-%d", i), func(a *assessment.Assessment) {
			withScores(p, i%2)(a)
			a.CreatedAt = now.Add(time.Duration(i) * time.Hour)
		})
	}
	mustSubmit(t, s, "tok-bot", func(a *assessment.Assessment) {
		withScores(6, 3)(a)
		a.PossiblyAutomated = true
		a.CreatedAt = now.Add(-48 * time.Hour)
	})
	mustSubmit(t, s, "tok-other", func(a *assessment.Assessment) {
		withScores(6, 3)(a)
		a.QuestionnaireVersion = other
		a.CreatedAt = now.Add(-72 * time.Hour)
	})

	b, err := s.BenchmarkOf(t.Context(), testVersion)
	if err != nil {
		t.Fatalf("BenchmarkOf(%q) = %v", testVersion, err)
	}
	if b.Count != len(painScores) {
		t.Errorf("Count = %d, want %d (the automated submit and the other version left out)", b.Count, len(painScores))
	}
	if !b.Since.Equal(now.UTC()) {
		t.Errorf("Since = %v, want the first comparable result's %v", b.Since, now.UTC())
	}
	wantPain := map[int]int{}
	for _, p := range painScores {
		wantPain[p]++
	}
	if !maps.Equal(b.Scores["pain"], wantPain) {
		t.Errorf("Scores[pain] = %v, want %v", b.Scores["pain"], wantPain)
	}
	if want := map[int]int{0: 4, 1: 3}; !maps.Equal(b.Scores["budget"], want) {
		t.Errorf("Scores[budget] = %v, want %v", b.Scores["budget"], want)
	}

	empty, err := s.BenchmarkOf(t.Context(), "sha256-nobody")
	if err != nil || empty.Count != 0 || len(empty.Scores) != 0 {
		t.Errorf("BenchmarkOf(a version nobody answered) = %+v, %v; want an empty benchmark", empty, err)
	}
}

// TestBenchmarkOfReadsRowsAnOlderBinaryInserted: a result stored without
// criterion_scores (by a binary older than migration 0011, during a rolling
// upgrade) is counted from its JSON, the same as one stored with them.
func TestBenchmarkOfReadsRowsAnOlderBinaryInserted(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	for i, p := range []int{1, 2, 2, 4} {
		mustSubmit(t, s, fmt.Sprintf("tok-%d", i), withScores(p, 1))
	}
	before, err := s.BenchmarkOf(t.Context(), testVersion)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.wdb.ExecContext(t.Context(), `UPDATE assessments SET criterion_scores = '' WHERE token IN ('tok-0', 'tok-3')`); err != nil {
		t.Fatal(err)
	}
	after, err := s.BenchmarkOf(t.Context(), testVersion)
	if err != nil {
		t.Fatal(err)
	}
	if after.Count != before.Count || !maps.EqualFunc(after.Scores, before.Scores, maps.Equal) {
		t.Errorf("with two rows unscored: %+v; want the same figures as %+v", after, before)
	}
}

// TestMigrationFillsCriterionScores: results stored before migration 0011
// get their criterion scores from their JSON when it is applied, so a
// version's figures count them from the index like any later result.
func TestMigrationFillsCriterionScores(t *testing.T) {
	db := newTestDB(t)
	before := mustOpenAt(t, db, migrationsFrom(buildWith(t, 10, nil)), PrepareEachTime())
	if err := before.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatal(err)
	}
	for i, pain := range []int{0, 2, 2, 6} {
		a := newAssessment(fmt.Sprintf("tok-%d", i), assessment.Contact{})
		withScores(pain, 1)(a)
		result, _ := json.Marshal(a.Result)
		if _, err := before.wdb.ExecContext(t.Context(), `INSERT INTO assessments (token, questionnaire_version, outcome, answers, result, created_at, updated_at)
			VALUES (?, ?, ?, '{}', ?, ?, ?)`, a.Token, testVersion, a.Result.Outcome, string(result), formatTime(now), formatTime(now)); err != nil {
			t.Fatal(err)
		}
	}
	before.Close()
	after := mustOpenAt(t, db)
	var unscored int
	if err := after.db.QueryRowContext(t.Context(), `SELECT count(*) FROM assessments WHERE criterion_scores = ''`).Scan(&unscored); err != nil || unscored != 0 {
		t.Fatalf("after 0011, %d results without criterion scores (%v), want none", unscored, err)
	}
	b, err := after.BenchmarkOf(t.Context(), testVersion)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int]int{0: 1, 2: 2, 6: 1}; b.Count != 4 || !maps.Equal(b.Scores["pain"], want) || !maps.Equal(b.Scores["budget"], map[int]int{1: 4}) {
		t.Errorf("after 0011: %+v, want 4 results, pain %v, budget all 1", b, want)
	}
}

// benchmarkResults stores n results the size of a real one (ten criteria,
// each moved by a few answers, about 7 KB of JSON) under testVersion.
func benchmarkResults(b *testing.B, n int) *Store {
	s := mustOpenWithQuestionnaire(b)
	a := newAssessment("tok-seed", assessment.Contact{})
	a.Result.Criteria = nil
	for i := range 10 {
		c := assessment.CriterionResult{ID: fmt.Sprintf("criterion-%d", i), Label: "A criterion of some length", Kind: assessment.FitSignal,
			Score: i % 5, Max: 6, Level: "some", LevelLabel: "Some signs", LevelRank: 1}
		for j := range 3 {
			c.MovedBy = append(c.MovedBy, assessment.Contribution{Question: fmt.Sprintf("q-%d", j), Prompt: "A question as long as a real prompt tends to be?",
				Option: "an-option", Answer: "An answer as long as a real option's label", Points: j})
		}
		a.Result.Criteria = append(a.Result.Criteria, c)
	}
	if err := s.CreateDraft(b.Context(), newDraft("draft-seed", now.Add(time.Hour))); err != nil {
		b.Fatal(err)
	}
	if _, err := s.SubmitDraft(b.Context(), "draft-seed", a); err != nil {
		b.Fatal(err)
	}
	if _, err := s.wdb.ExecContext(b.Context(), `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO assessments (token, questionnaire_version, outcome, answers, result, created_at, updated_at, criterion_scores)
		SELECT token || '-' || n.i, questionnaire_version, outcome, answers, result, created_at, updated_at, criterion_scores
		FROM n, assessments WHERE assessments.token = 'tok-seed'`, n-1); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkBenchmarkOf is one refresh of a version's figures over 10,000
// stored results, from the index: the work a cache miss costs.
func BenchmarkBenchmarkOf(b *testing.B) {
	const results = 10_000
	s := benchmarkResults(b, results)
	for b.Loop() {
		bm, err := s.BenchmarkOf(b.Context(), testVersion)
		if err != nil || bm.Count != results {
			b.Fatalf("BenchmarkOf = %d results, %v; want %d", bm.Count, err, results)
		}
	}
}

// BenchmarkBenchmarkOfFromJSON is the same refresh with every result read
// from its JSON, as it would be without criterion_scores: the reason for
// the column.
func BenchmarkBenchmarkOfFromJSON(b *testing.B) {
	const results = 10_000
	s := benchmarkResults(b, results)
	if _, err := s.wdb.ExecContext(b.Context(), `UPDATE assessments SET criterion_scores = ''`); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		bm, err := s.BenchmarkOf(b.Context(), testVersion)
		if err != nil || bm.Count != results || len(bm.Scores) != 10 {
			b.Fatalf("BenchmarkOf = %d results, %v; want %d", bm.Count, err, results)
		}
	}
}
