package data

import (
	"errors"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestPublications: a publish stores its version and becomes the one in
// force; a publish that did not see the latest one is refused, so two
// owners publishing at once cannot both replace the same version.
func TestPublications(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	if _, err := s.FindLatestPublication(ctx); !errors.Is(err, assessment.ErrNotFound) {
		t.Fatalf("FindLatestPublication on a fresh database = %v, want not found (the file is in force)", err)
	}
	at := now
	publish := func(version, replaced string, rollback bool) (*assessment.Publication, error) {
		at = at.Add(time.Minute)
		p := &assessment.Publication{Version: version, Replaced: replaced, By: "greg@example.com", At: at, Rollback: rollback}
		return p, s.PublishQuestionnaire(ctx, p, []byte("title: "+version+"\n"))
	}
	first, err := publish("v1", "file", false)
	if err != nil {
		t.Fatalf("first publish = %v", err)
	}
	if got, err := s.FindQuestionnaire(ctx, "v1"); err != nil || string(got) != "title: v1\n" {
		t.Errorf("FindQuestionnaire(v1) = %q, %v; want the published content", got, err)
	}
	if _, err := publish("v2", "v1", false); err != nil {
		t.Fatalf("second publish = %v", err)
	}
	if _, err := publish("v3", "v1", false); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("publish replacing v1 after v2 = %v, want a conflict", err)
	}
	back, err := publish("v1", "v2", true)
	if err != nil {
		t.Fatalf("roll-back = %v", err)
	}
	latest, err := s.FindLatestPublication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest.ID != back.ID || latest.Version != "v1" || latest.Replaced != "v2" || !latest.Rollback || !latest.At.Equal(back.At) {
		t.Errorf("FindLatestPublication = %+v, want the roll-back to v1 %+v", latest, back)
	}
	list, err := s.ListPublications(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range list {
		got = append(got, p.Version)
	}
	if len(got) != 3 || got[0] != "v1" || got[1] != "v2" || got[2] != "v1" || list[2].ID != first.ID || list[2].Rollback {
		t.Errorf("ListPublications = %v, want v1 (roll-back), v2, v1, newest first", list)
	}
	if short, _ := s.ListPublications(ctx, 1); len(short) != 1 {
		t.Errorf("ListPublications(limit 1) = %d rows", len(short))
	}
	if n := countRows(t, s, "questionnaire_versions"); n != 2 {
		t.Errorf("stored versions = %d, want 2: a version published twice is stored once", n)
	}
}

// TestConcurrentPublishesOneWins: many instances publishing over the same
// version at once: exactly one succeeds, the others are told another got
// in first.
func TestConcurrentPublishesOneWins(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	if err := s.PublishQuestionnaire(ctx, &assessment.Publication{Version: "base", Replaced: "file", By: "a", At: now}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		won, lost int
	)
	for i := range 8 {
		wg.Go(func() {
			v := string(rune('a' + i))
			err := s.PublishQuestionnaire(ctx, &assessment.Publication{Version: v, Replaced: "base", By: "a", At: now}, []byte(v))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, assessment.ErrConflict):
				lost++
			default:
				t.Errorf("publish %s = %v", v, err)
			}
		})
	}
	wg.Wait()
	if won != 1 || lost != 7 {
		t.Errorf("%d publishes over the same version succeeded and %d were refused, want 1 and 7", won, lost)
	}
}

// TestCalibrationsByRule: the counts per rule come from each stored
// result's rule, and add up to the counts per outcome.
func TestCalibrationsByRule(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	add := func(token, outcome, rule string) int64 {
		a := newAssessment(token, assessment.Contact{})
		a.Result.Outcome, a.Result.Rule = outcome, rule
		a.CreatedAt = day
		mustCreateDraft(t, s, newDraft("draft-"+token, now.Add(assessment.DraftLifetime)))
		if _, err := s.SubmitDraft(ctx, "draft-"+token, a); err != nil {
			t.Fatal(err)
		}
		found, err := s.FindAssessment(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return found.ID
	}
	record := func(id int64, v assessment.Verdict, needed string) {
		t.Helper()
		if err := s.RecordCalibration(ctx, assessment.Calibration{AssessmentID: id, Verdict: v, Needed: needed, RecordedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	record(add("a", assessment.BookACall, "clear-fit"), assessment.VerdictFit, "")
	record(add("b", assessment.BookACall, "clear-fit"), assessment.VerdictFit, "")
	record(add("c", assessment.BookACall, "interim-bridge"), assessment.VerdictNotFit, assessment.HireAPM)
	record(add("d", assessment.HireAPM, "execution-first"), assessment.VerdictNoCall, "")
	got, err := s.CountCalibrationsByRule(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []assessment.CalibrationCount{
		{Predicted: assessment.BookACall, Rule: "clear-fit", Verdict: assessment.VerdictFit, Count: 2},
		{Predicted: assessment.BookACall, Rule: "interim-bridge", Verdict: assessment.VerdictNotFit, Needed: assessment.HireAPM, Count: 1},
		{Predicted: assessment.HireAPM, Rule: "execution-first", Verdict: assessment.VerdictNoCall, Count: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("CountCalibrationsByRule = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("CountCalibrationsByRule[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
