package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
)

// seedHistory stores one assessment per example of the default
// questionnaire, each with the outcome its example expects.
func seedHistory(t *testing.T, db string) *assessment.Questionnaire {
	t.Helper()
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Now().UTC()
	if err := store.SaveQuestionnaire(t.Context(), q.Version, q.Source, now); err != nil {
		t.Fatal(err)
	}
	for i, ex := range q.Examples {
		id := "draft-" + string(rune('a'+i))
		d := &assessment.Draft{ID: id, QuestionnaireVersion: q.Version, Answers: ex.Answers, Reached: len(q.Steps) + 1,
			CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := store.CreateDraft(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		a := &assessment.Assessment{Token: "tok" + id, QuestionnaireVersion: q.Version, Answers: ex.Answers,
			Result: rules.Evaluate(q, ex.Answers), CreatedAt: now, UpdatedAt: now}
		if _, err := store.SubmitDraft(t.Context(), id, a); err != nil {
			t.Fatal(err)
		}
	}
	return q
}

func TestRescore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	q := seedHistory(t, db)
	env := func(string) string { return "" }

	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("the file in force changes nothing", func(t *testing.T) {
		var out bytes.Buffer
		same := write("same.yaml", string(assessment.DefaultContent))
		if err := run(t.Context(), []string{"rescore", "-db", db, same}, env, strings.NewReader(""), &out, &out); err != nil {
			t.Fatalf("rescore of the default = %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "0 would change outcome") {
			t.Errorf("rescore output = %q, want nothing to change", out.String())
		}
	})

	t.Run("a stricter rule moves stored assessments and fails its examples", func(t *testing.T) {
		// hire-a-pm now needs only "some" execution gap: more founders
		// move there, and the examples that expect otherwise fail.
		stricter := strings.Replace(string(assessment.DefaultContent),
			"when: {criterion: execution-gap, at_least: strong}", "when: {criterion: execution-gap, at_least: some}", 1)
		if stricter == string(assessment.DefaultContent) {
			t.Fatal("the default's execution-first rule changed; update this test")
		}
		var out bytes.Buffer
		err := run(t.Context(), []string{"rescore", "-db", db, write("stricter.yaml", stricter)}, env, strings.NewReader(""), &out, &out)
		if err == nil {
			t.Fatalf("rescore with failing examples = nil, want an error; output:\n%s", out.String())
		}
		for _, want := range []string{"FAIL example", "FROM", "hire-a-pm"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("rescore output lacks %q:\n%s", want, out.String())
			}
		}
		if strings.Contains(out.String(), " 0 would change outcome") {
			t.Errorf("rescore says nothing changes:\n%s", out.String())
		}
	})

	t.Run("renamed options are reported", func(t *testing.T) {
		renamed := strings.ReplaceAll(string(assessment.DefaultContent), "nothing-yet", "nothing-so-far")
		var out bytes.Buffer
		_ = run(t.Context(), []string{"rescore", "-db", db, write("renamed.yaml", renamed)}, env, strings.NewReader(""), &out, &out)
		if !strings.Contains(out.String(), `question "tried" has no option "nothing-yet"`) {
			t.Errorf("rescore output does not report the renamed option:\n%s", out.String())
		}
	})

	t.Run("a broken file lists its problems by line", func(t *testing.T) {
		var out bytes.Buffer
		err := run(t.Context(), []string{"rescore", "-db", db, write("broken.yaml", "title: x\nsummary: y\nminutes: 3\nsteps: []\n")}, env, strings.NewReader(""), &out, &out)
		if err == nil || !strings.Contains(err.Error(), "line 4: steps is missing") {
			t.Errorf("rescore of a broken file = %v, want its problems by line", err)
		}
	})

	// Stored results never change.
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	list, _, err := store.ListAssessments(t.Context(), assessment.Filter{Order: assessment.OrderOldest})
	if err != nil || len(list) != len(q.Examples) {
		t.Fatalf("ListAssessments = %d, %v; want %d", len(list), err, len(q.Examples))
	}
	for i, s := range list {
		if s.Outcome != q.Examples[i].Expect {
			t.Errorf("stored outcome of %d = %s after rescores, want %s", s.ID, s.Outcome, q.Examples[i].Expect)
		}
	}
}
