package data

import (
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// takeRow is one assessment as the desk's columns store it.
type takeRow struct {
	token   string
	person  string
	latest  bool
	created string
	id      int64
}

// storedTakes reads every assessment's person and latest mark.
func storedTakes(t *testing.T, s *Store) []takeRow {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), `SELECT token, person, latest, created_at, id FROM assessments ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []takeRow
	for rows.Next() {
		var (
			r      takeRow
			person sql.NullString
		)
		if err := rows.Scan(&r.token, &person, &r.latest, &r.created, &r.id); err != nil {
			t.Fatal(err)
		}
		r.person = person.String
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// latestTokens checks the invariant the desk reads (each person's newest
// take, by time then id, is marked latest and no other; every anonymous
// take is) and returns the tokens marked latest, in id order.
func latestTokens(t *testing.T, s *Store) []string {
	t.Helper()
	takes := storedTakes(t, s)
	newest := map[string]takeRow{}
	for _, r := range takes {
		if r.person == "" {
			continue
		}
		if n, ok := newest[r.person]; !ok || r.created > n.created || (r.created == n.created && r.id > n.id) {
			newest[r.person] = r
		}
	}
	var latest []string
	for _, r := range takes {
		want := r.person == "" || newest[r.person].id == r.id
		if r.latest != want {
			t.Errorf("assessment %s (person %q) latest = %v, want %v", r.token, r.person, r.latest, want)
		}
		if r.latest {
			latest = append(latest, r.token)
		}
	}
	return latest
}

func mustLatest(t *testing.T, s *Store, want ...string) {
	t.Helper()
	got := latestTokens(t, s)
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("latest takes = %q, want %q", got, want)
	}
}

// TestLatestTakeKeptOnSubmit: a retake becomes its person's latest and the
// earlier one stops being it, whatever the e-mail's capitals; a take dated
// before another (a clock behind) does not take the mark; anonymous takes
// always stand alone.
func TestLatestTakeKeptOnSubmit(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	mustAddAssessment(t, s, "ada-1", assessment.HireAPM, contact("Ada", "ada@example.com", ""), day)
	mustAddAssessment(t, s, "anon-1", assessment.HireAPM, assessment.Contact{}, day.Add(time.Hour))
	mustLatest(t, s, "ada-1", "anon-1")

	mustAddAssessment(t, s, "ada-2", assessment.BookACall, contact("Ada", "ADA@Example.com", ""), day.Add(2*time.Hour))
	mustAddAssessment(t, s, "anon-2", assessment.HireAPM, assessment.Contact{}, day.Add(3*time.Hour))
	mustLatest(t, s, "ada-2", "anon-1", "anon-2")

	// Stored after ada-2 but dated before it.
	mustAddAssessment(t, s, "ada-0", assessment.BookACall, contact("Ada", "ada@example.com", ""), day.Add(-time.Hour))
	// Same instant as ada-2: the later id is the newer.
	mustAddAssessment(t, s, "ada-3", assessment.BookACall, contact("Ada", "ada@example.com", ""), day.Add(2*time.Hour))
	mustLatest(t, s, "ada-3", "anon-1", "anon-2")

	// Details without consent are not kept, so not a person either.
	mustAddAssessment(t, s, "no-consent", assessment.HireAPM, assessment.Contact{Email: "ada@example.com"}, day.Add(4*time.Hour))
	mustLatest(t, s, "ada-3", "anon-1", "anon-2", "no-consent")

	list, total, err := s.ListAssessments(t.Context(), assessment.Filter{GroupByEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != 4 || len(list) != 4 {
		t.Fatalf("grouped list = %q (total %d), want 4 rows", tokens(list), total)
	}
	for _, row := range list {
		if row.Token == "ada-3" && len(row.Earlier) != 3 {
			t.Errorf("ada-3's earlier takes = %+v, want ada-2, ada-1 and ada-0", row.Earlier)
		}
	}
}

// TestLatestTakeKeptOnDelete: deleting a person's latest take makes their
// newest remaining one latest; deleting another changes nothing.
func TestLatestTakeKeptOnDelete(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	first := mustAddAssessment(t, s, "bob-1", assessment.HireAPM, contact("Bob", "bob@example.com", ""), day)
	mustAddAssessment(t, s, "bob-2", assessment.HireAPM, contact("Bob", "bob@example.com", ""), day.Add(time.Hour))
	third := mustAddAssessment(t, s, "bob-3", assessment.HireAPM, contact("Bob", "bob@example.com", ""), day.Add(2*time.Hour))
	mustAddAssessment(t, s, "cat-1", assessment.HireAPM, contact("Cat", "cat@example.com", ""), day)

	if err := s.DeleteAssessment(t.Context(), first.ID); err != nil {
		t.Fatal(err)
	}
	mustLatest(t, s, "bob-3", "cat-1")
	if err := s.DeleteAssessment(t.Context(), third.ID); err != nil {
		t.Fatal(err)
	}
	mustLatest(t, s, "bob-2", "cat-1")

	list, _, err := s.ListAssessments(t.Context(), assessment.Filter{GroupByEmail: true, Order: assessment.OrderNewest})
	if err != nil {
		t.Fatal(err)
	}
	if got := tokens(list); !reflect.DeepEqual(got, []string{"bob-2", "cat-1"}) {
		t.Errorf("grouped list after deletes = %q, want bob-2 and cat-1", got)
	}
}

// TestLatestTakeKeptOnRetention: the retention sweep deletes a person's
// older takes and keeps their latest, or deletes them all; either way the
// marks stay right without rewriting any.
func TestLatestTakeKeptOnRetention(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	cutoff := day.Add(24 * time.Hour)
	mustAddAssessment(t, s, "dan-old", assessment.HireAPM, contact("Dan", "dan@example.com", ""), day)
	mustAddAssessment(t, s, "dan-new", assessment.HireAPM, contact("Dan", "dan@example.com", ""), cutoff.Add(time.Hour))
	mustAddAssessment(t, s, "eve-1", assessment.HireAPM, contact("Eve", "eve@example.com", ""), day)
	mustAddAssessment(t, s, "eve-2", assessment.HireAPM, contact("Eve", "eve@example.com", ""), day.Add(time.Hour))
	mustAddAssessment(t, s, "anon", assessment.HireAPM, assessment.Contact{}, day)
	mustLatest(t, s, "dan-new", "eve-2", "anon")

	n, err := s.DeleteAssessmentsBefore(t.Context(), cutoff)
	if err != nil || n != 4 {
		t.Fatalf("DeleteAssessmentsBefore = %d, %v; want 4 deleted", n, err)
	}
	mustLatest(t, s, "dan-new")

	mustAddAssessment(t, s, "eve-3", assessment.HireAPM, contact("Eve", "eve@example.com", ""), cutoff.Add(2*time.Hour))
	mustLatest(t, s, "dan-new", "eve-3")
}

// TestLatestTakeUnderConcurrentRetakes: retakes of one person submitted at
// the same moment (on PostgreSQL, in transactions side by side) leave
// exactly one latest.
func TestLatestTakeUnderConcurrentRetakes(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	const n = 12
	for i := range n {
		mustCreateDraft(t, s, newDraft(fmt.Sprintf("draft-%d", i), now.Add(assessment.DraftLifetime)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			a := newAssessment(fmt.Sprintf("fay-%d", i), contact("Fay", "fay@example.com", ""))
			a.CreatedAt = day.Add(time.Duration(i) * time.Second)
			if _, err := s.SubmitDraft(t.Context(), fmt.Sprintf("draft-%d", i), a); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("SubmitDraft = %v", err)
	}
	mustLatest(t, s, fmt.Sprintf("fay-%d", n-1))
}

// TestMessageLiftsCallFirst: the call-first order reads messaged, which a
// founder's first message sets.
func TestMessageSetsMessaged(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustAddAssessment(t, s, "gus", assessment.DifferentConversation, contact("Gus", "gus@example.com", ""), day)
	for range 2 {
		if err := s.AddMessage(t.Context(), &assessment.Message{AssessmentID: a.ID, Body: "Hello", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	var messaged bool
	if err := s.db.QueryRowContext(t.Context(), `SELECT messaged FROM assessments WHERE id = ?`, a.ID).Scan(&messaged); err != nil || !messaged {
		t.Errorf("messaged = %v, %v; want true after a message", messaged, err)
	}
}

// TestMigrationBackfillsTheDesk: a database from before migration 0008,
// with retakes, messages and contacts in any capitals, reads the same
// after it: persons folded as Go folds them, each person's latest marked,
// the search finding them, the writers of messages lifted.
func TestMigrationBackfillsTheDesk(t *testing.T) {
	path := newTestDB(t)
	s := mustOpenAt(t, path)
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatal(err)
	}
	mustAddAssessment(t, s, "zoe-1", assessment.HireAPM, contact("Zoë Ångström", "ZOË@example.com", "Café Ltd"), day)
	mustAddAssessment(t, s, "zoe-2", assessment.BookACall, contact("Zoë Ångström", "zoë@example.com", "Café Ltd"), day.Add(time.Hour))
	mustAddAssessment(t, s, "zoe-0", assessment.BookACall, contact("Zoë", "Zoë@Example.com", ""), day.Add(-time.Hour))
	wrote := mustAddAssessment(t, s, "hal", assessment.DifferentConversation, contact("Hal", "hal@example.com", ""), day)
	mustAddAssessment(t, s, "anon", assessment.HireAPM, assessment.Contact{}, day)
	if err := s.AddMessage(t.Context(), &assessment.Message{AssessmentID: wrote.ID, Body: "Hi", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordCalibration(t.Context(), assessment.Calibration{AssessmentID: wrote.ID, Verdict: assessment.VerdictFit, RecordedAt: now}); err != nil {
		t.Fatal(err)
	}
	unmigrate0008(t, s)
	s.Close()

	s = mustOpenAt(t, path)
	mustLatest(t, s, "zoe-2", "hal", "anon")
	for _, r := range storedTakes(t, s) {
		if want := map[string]string{"zoe-0": "zoë@example.com", "zoe-1": "zoë@example.com", "zoe-2": "zoë@example.com", "hal": "hal@example.com"}[r.token]; r.person != want {
			t.Errorf("person of %s = %q, want %q", r.token, r.person, want)
		}
	}
	list, _, err := s.ListAssessments(t.Context(), assessment.Filter{Search: "ångström", GroupByEmail: true})
	if err != nil || !reflect.DeepEqual(tokens(list), []string{"zoe-2"}) || len(list[0].Earlier) != 1 {
		t.Errorf("search after the migration = %q, %v; want zoe-2 with zoe-1 earlier", tokens(list), err)
	}
	list, _, err = s.ListAssessments(t.Context(), assessment.Filter{Order: assessment.OrderCallFirst, GroupByEmail: true})
	if err != nil || !reflect.DeepEqual(tokens(list), []string{"zoe-2", "hal", "anon"}) {
		t.Errorf("call first after the migration = %q, %v; want zoe-2, then hal (who wrote), then anon", tokens(list), err)
	}
	// Hal's calibration, recorded before, and Zoë's, recorded after: both
	// counted under the rule their results name.
	zoe := storedTakes(t, s)[2]
	if err := s.RecordCalibration(t.Context(), assessment.Calibration{AssessmentID: zoe.id, Verdict: assessment.VerdictNoCall, RecordedAt: now}); err != nil {
		t.Fatal(err)
	}
	mustCalibrationRules(t, s, "strong-fit", "strong-fit")
}

// mustCalibrationRules checks the rule each recorded calibration is counted
// under, in CountCalibrationsByRule's order.
func mustCalibrationRules(t *testing.T, s *Store, want ...string) {
	t.Helper()
	counts, err := s.CountCalibrationsByRule(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range counts {
		for range c.Count {
			got = append(got, c.Rule)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("calibrations counted under rules %q, want %q", got, want)
	}
}

// unmigrate0008 takes the store back to before migration 0008: its
// indexes and columns dropped, and the migration not recorded.
func unmigrate0008(t *testing.T, s *Store) {
	t.Helper()
	for _, stmt := range []string{
		`DROP INDEX assessments_person`, `DROP INDEX assessments_desk`, `DROP INDEX assessments_call_first`,
		`DROP INDEX assessments_by_outcome`, `DROP INDEX IF EXISTS assessments_answer_sets`,
		`DROP INDEX IF EXISTS assessments_status_desk`, `DROP INDEX IF EXISTS assessments_outcome_desk`,
		`ALTER TABLE assessments DROP COLUMN person`, `ALTER TABLE assessments DROP COLUMN latest`,
		`ALTER TABLE assessments DROP COLUMN messaged`, `ALTER TABLE assessments DROP COLUMN search_text`,
		`ALTER TABLE assessments DROP COLUMN rule_id`,
		`DELETE FROM schema_migrations WHERE version = 8`,
	} {
		if _, err := s.wdb.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// TestCatchUpDeskAfterAnOlderRelease: what a release before 0008 does on a
// database that has it, during a rolling upgrade (store a retake with no
// person or search text, delete a latest take without marking the next, add
// a message without setting messaged), the sweep's CatchUpDesk puts right.
func TestCatchUpDeskAfterAnOlderRelease(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	mustAddAssessment(t, s, "ivy-1", assessment.HireAPM, contact("Ivy", "ivy@example.com", "Orchard"), day)
	mustAddAssessment(t, s, "jon-1", assessment.HireAPM, contact("Jon", "jon@example.com", ""), day)
	jon2 := mustAddAssessment(t, s, "jon-2", assessment.HireAPM, contact("Jon", "jon@example.com", ""), day.Add(time.Hour))
	kit := mustAddAssessment(t, s, "kit", assessment.DifferentConversation, contact("Kit", "kit@example.com", ""), day)
	if n, err := s.CatchUpDesk(ctx); err != nil || n != 0 {
		t.Fatalf("CatchUpDesk on what this release wrote = %d, %v; want nothing to do", n, err)
	}

	older := []string{
		// Ivy's retake, stored by the older release: no person, no search text.
		`INSERT INTO assessments (token, questionnaire_version, outcome, answers, result, contact_name, contact_email,
			contact_company, consent, created_at, updated_at) SELECT 'ivy-2', questionnaire_version, outcome, answers, result,
			'Ivy', 'IVY@example.com', 'Orchard', consent, '2026-11-02T09:00:00.000000000Z', '2026-11-02T09:00:00.000000000Z'
			FROM assessments WHERE token = 'ivy-1'`,
		// Jon's latest deleted, the earlier not marked.
		fmt.Sprintf(`DELETE FROM assessments WHERE id = %d`, jon2.ID),
		// Kit wrote from the result page, and the owner calibrated Kit's
		// assessment, stored before 0008 (no rule_id).
		fmt.Sprintf(`INSERT INTO messages (assessment_id, email, body, created_at) VALUES (%d, '', 'Hello', '2026-11-02T09:00:00.000000000Z')`, kit.ID),
		fmt.Sprintf(`UPDATE assessments SET rule_id = NULL WHERE id = %d`, kit.ID),
		fmt.Sprintf(`INSERT INTO calibrations (assessment_id, verdict, needed, recorded_at) VALUES (%d, 'fit', '', '2026-11-02T09:00:00.000000000Z')`, kit.ID),
	}
	for _, stmt := range older {
		if _, err := s.wdb.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if n, err := s.CatchUpDesk(ctx); err != nil || n != 4 {
		t.Errorf("CatchUpDesk = %d, %v; want Ivy, Jon and Kit (messaged, rule) put right", n, err)
	}
	mustCalibrationRules(t, s, "strong-fit")
	mustLatest(t, s, "ivy-2", "jon-1", "kit")
	list, _, err := s.ListAssessments(ctx, assessment.Filter{Search: "orchard", GroupByEmail: true})
	if err != nil || !reflect.DeepEqual(tokens(list), []string{"ivy-2"}) || len(list[0].Earlier) != 1 {
		t.Errorf("search for Ivy after the catch-up = %q, %v; want her retake with the first take earlier", tokens(list), err)
	}
	var messaged bool
	if err := s.db.QueryRowContext(ctx, `SELECT messaged FROM assessments WHERE id = ?`, kit.ID).Scan(&messaged); err != nil || !messaged {
		t.Errorf("Kit's messaged = %v, %v; want true", messaged, err)
	}
	if n, err := s.CatchUpDesk(ctx); err != nil || n != 0 {
		t.Errorf("CatchUpDesk again = %d, %v; want nothing left to do", n, err)
	}
}
