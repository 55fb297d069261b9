package data

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestGroupCommitSharesTransactions: many concurrent submits are all stored
// and answered, with fewer commits than submits (the point of group commit).
// The writer is held busy by one write until every submit has queued, so
// the grouping does not depend on how the scheduler runs the goroutines:
// the held write commits alone, and then all the queued submits commit
// together.
func TestGroupCommitSharesTransactions(t *testing.T) {
	sqliteOnly(t, "PostgreSQL commits each write on its own")
	s := mustOpenWithQuestionnaire(t)
	const n = 64
	for i := range n {
		mustCreateDraft(t, s, newDraft(fmt.Sprintf("d%d", i), now.Add(time.Hour)))
	}
	before := s.submits.commits.Load()
	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- s.write(t.Context(), false, func(context.Context, execQueryer) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.SubmitDraft(t.Context(), fmt.Sprintf("d%d", i), newAssessment(fmt.Sprintf("tok-%d", i), assessment.Contact{}))
		}()
	}
	for len(s.submits.queue) < n {
		time.Sleep(time.Millisecond) // until every submit waits in the queue
	}
	close(release)
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatalf("the holding write = %v", err)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("SubmitDraft(d%d) = %v", i, err)
		}
	}
	if got := countRows(t, s, "assessments"); got != n {
		t.Errorf("assessments = %d, want %d", got, n)
	}
	commits := s.submits.commits.Load() - before
	t.Logf("%d submits in %d commits", n, commits)
	if commits >= n {
		t.Errorf("%d submits took %d commits: nothing was grouped", n, commits)
	}
	if commits != 2 {
		t.Errorf("%d queued submits and one held write took %d commits, want 2 (the held write, then one batch)", n, commits)
	}
}

// TestGroupCommitIsolatesFailures: in one batch, a submit that fails is
// rolled back alone; the others commit and get their tokens.
// TestGroupCommitIsolatesFailures: a submit refused on its own (a token
// taken, a draft gone) is undone alone, the rest of its batch commits; with
// a savepoint around it, and without one, as submits run (their refusals
// come before their first change).
func TestGroupCommitIsolatesFailures(t *testing.T) {
	sqliteOnly(t, "PostgreSQL has no batches to isolate failures in")
	for _, guardedByOrder := range []bool{false, true} {
		t.Run(fmt.Sprintf("guardedByOrder=%v", guardedByOrder), func(t *testing.T) {
			groupCommitIsolatesFailures(t, guardedByOrder)
		})
	}
}

func groupCommitIsolatesFailures(t *testing.T, guardedByOrder bool) {
	s := mustOpenWithQuestionnaire(t)
	for _, id := range []string{"ok1", "clash", "ok2"} {
		mustCreateDraft(t, s, newDraft(id, now.Add(time.Hour)))
	}
	// "taken" is stored first so that "clash" reuses its token and fails.
	mustCreateDraft(t, s, newDraft("first", now.Add(time.Hour)))
	if _, err := s.SubmitDraft(t.Context(), "first", newAssessment("taken", assessment.Contact{})); err != nil {
		t.Fatal(err)
	}
	var tokens [4]string
	submit := func(i int, draftID, token string) *writeRequest {
		return &writeRequest{reply: make(chan error, 1), guardedByOrder: guardedByOrder, run: func(ctx context.Context, q execQueryer) error {
			var err error
			tokens[i], _, err = submitInTx(ctx, s.d, q, draftID, newAssessment(token, assessment.Contact{}))
			return err
		}}
	}
	batch := []*writeRequest{submit(0, "ok1", "tok-ok1"), submit(1, "clash", "taken"), submit(2, "missing", "tok-missing"), submit(3, "ok2", "tok-ok2")}
	s.submits.commit(batch)
	want := []struct {
		token string
		err   error
	}{{"tok-ok1", nil}, {"", assessment.ErrConflict}, {"", assessment.ErrNotFound}, {"tok-ok2", nil}}
	for i, req := range batch {
		err := <-req.reply
		if tokens[i] != want[i].token || !errors.Is(err, want[i].err) || (want[i].err == nil) != (err == nil) {
			t.Errorf("batch[%d] = %q, %v; want %q, error %v", i, tokens[i], err, want[i].token, want[i].err)
		}
	}
	if got := countRows(t, s, "assessments"); got != 3 {
		t.Errorf("assessments = %d, want 3 (first, ok1, ok2)", got)
	}
	d, err := s.FindDraft(t.Context(), "clash", now)
	if err != nil || d.AssessmentToken != "" {
		t.Errorf("the failed draft = %+v, %v; want it still unsubmitted", d, err)
	}
}

// TestAnErrorAfterTheFirstChangeFailsTheBatch: a write without a savepoint
// that fails after it has changed something cannot be undone alone, so the
// whole batch fails and nothing of it is stored.
func TestAnErrorAfterTheFirstChangeFailsTheBatch(t *testing.T) {
	sqliteOnly(t, "PostgreSQL has no batches")
	s := mustOpenWithQuestionnaire(t)
	for _, id := range []string{"ok", "half"} {
		mustCreateDraft(t, s, newDraft(id, now.Add(time.Hour)))
	}
	ok := &writeRequest{reply: make(chan error, 1), guardedByOrder: true, run: func(ctx context.Context, q execQueryer) error {
		_, _, err := submitInTx(ctx, s.d, q, "ok", newAssessment("tok-ok", assessment.Contact{}))
		return err
	}}
	half := &writeRequest{reply: make(chan error, 1), guardedByOrder: true, run: func(ctx context.Context, q execQueryer) error {
		if _, _, err := submitInTx(ctx, s.d, q, "half", newAssessment("tok-half", assessment.Contact{})); err != nil {
			return err
		}
		return afterFirstChange(fmt.Errorf("the outbox row: %w", assessment.ErrConflict))
	}}
	s.submits.commit([]*writeRequest{ok, half})
	for name, req := range map[string]*writeRequest{"ok": ok, "half": half} {
		if err := <-req.reply; err == nil || errors.Is(err, assessment.ErrConflict) {
			t.Errorf("%s: %v, want the batch's failure (not a conflict of its own)", name, err)
		}
	}
	if got := countRows(t, s, "assessments"); got != 0 {
		t.Errorf("assessments = %d, want 0: the batch was committed with a write half done", got)
	}
}

func TestSubmitAfterCloseIsRefused(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	mustCreateDraft(t, s, newDraft("late", now.Add(time.Hour)))
	if s.submits != nil {
		s.submits.close()
	} else {
		s.direct.close()
	}
	if _, err := s.SubmitDraft(t.Context(), "late", newAssessment("tok-late", assessment.Contact{})); !errors.Is(err, ErrClosed) {
		t.Errorf("SubmitDraft after close = %v, want ErrClosed", err)
	}
}

// TestUpdateDraftWithKeepsConcurrentChanges: two tabs read the same draft,
// each saves a different step; the second save is redone on top of the
// first instead of overwriting it.
func TestUpdateDraftWithKeepsConcurrentChanges(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	mustCreateDraft(t, s, newDraft("two-tabs", now.Add(time.Hour)))
	tab1, err := s.FindDraft(t.Context(), "two-tabs", now)
	if err != nil {
		t.Fatal(err)
	}
	tab2, err := s.FindDraft(t.Context(), "two-tabs", now)
	if err != nil {
		t.Fatal(err)
	}
	save := func(d *assessment.Draft, at time.Time, question, value string) error {
		_, err := s.UpdateDraftWith(t.Context(), d, now, func(d *assessment.Draft) error {
			d.Answers[question] = []string{value}
			d.UpdatedAt = at
			return nil
		})
		return err
	}
	if err := save(tab1, now.Add(time.Second), "step-one", "a"); err != nil {
		t.Fatalf("tab 1 save = %v", err)
	}
	if err := save(tab2, now.Add(2*time.Second), "step-two", "b"); err != nil {
		t.Fatalf("tab 2 save = %v", err)
	}
	got, err := s.FindDraft(t.Context(), "two-tabs", now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Answers.First("step-one") != "a" || got.Answers.First("step-two") != "b" || got.Answers.First("stage") != "growing" {
		t.Errorf("answers after two tabs = %v, want both steps and the original answer", got.Answers)
	}
	if _, err := s.UpdateDraftWith(t.Context(), got, now.Add(2*time.Hour), func(*assessment.Draft) error { return nil }); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("UpdateDraftWith on an expired draft = %v, want ErrNotFound", err)
	}
}

// TestSubmitRecordsItsFinishInTheSameCommit: the funnel's "finished" row is
// written with the submit, so the visitor waits for one commit, a submit
// that fails records no finish, and a resent submit counts once.
func TestSubmitRecordsItsFinishInTheSameCommit(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	mustCreateDraft(t, s, newDraft("done", now.Add(time.Hour)))
	finished := assessment.StepView{Visitor: "v-done", Step: 7, At: now}

	if s.submits != nil {
		before := s.submits.commits.Load()
		if _, err := s.SubmitDraft(t.Context(), "done", newAssessment("tok-done", assessment.Contact{}), finished); err != nil {
			t.Fatal(err)
		}
		if commits := s.submits.commits.Load() - before; commits != 1 {
			t.Errorf("a submit with its funnel row took %d commits, want 1", commits)
		}
	} else if _, err := s.SubmitDraft(t.Context(), "done", newAssessment("tok-done", assessment.Contact{}), finished); err != nil {
		t.Fatal(err) // PostgreSQL: one transaction by construction (directWriter)
	}
	// Sent again (a double click): same token, still one finish.
	if tok, err := s.SubmitDraft(t.Context(), "done", newAssessment("tok-again", assessment.Contact{}), finished); err != nil || tok != "tok-done" {
		t.Fatalf("resubmit = %q, %v; want the first token", tok, err)
	}
	// A submit that fails (no such draft) records nothing.
	lost := assessment.StepView{Visitor: "v-lost", Step: 7, At: now}
	if _, err := s.SubmitDraft(t.Context(), "missing", newAssessment("tok-missing", assessment.Contact{}), lost); !errors.Is(err, assessment.ErrNotFound) {
		t.Fatalf("submit of a missing draft = %v, want ErrNotFound", err)
	}
	funnel, err := s.Funnel(t.Context(), now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []assessment.FunnelStep{{Step: 7, Visitors: 1}}
	if fmt.Sprint(funnel) != fmt.Sprint(want) {
		t.Errorf("funnel = %v, want %v", funnel, want)
	}
}
