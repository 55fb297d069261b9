package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// The tests live in package data so they can query the store's own *sql.DB:
// per-connection pragmas and raw row counts are what these tests are about.

const testVersion = "sha256-test-v1"

// now is a fixed instant off UTC with nanoseconds, so every round trip proves
// both the conversion to UTC and that no precision is lost.
var now = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

func mustOpenAt(t testing.TB, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

// mustOpenWithQuestionnaire opens a store holding testVersion, which drafts
// and assessments refer to.
func mustOpenWithQuestionnaire(t testing.TB) *Store {
	t.Helper()
	s := mustOpen(t)
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatalf("SaveQuestionnaire(%q) = %v", testVersion, err)
	}
	return s
}

func mustCreateDraft(t *testing.T, s *Store, d *assessment.Draft) {
	t.Helper()
	if err := s.CreateDraft(t.Context(), d); err != nil {
		t.Fatalf("CreateDraft(%q) = %v", d.ID, err)
	}
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func newDraft(id string, expires time.Time) *assessment.Draft {
	return &assessment.Draft{
		ID:                   id,
		QuestionnaireVersion: testVersion,
		Answers:              assessment.Answers{"stage": {"growing"}},
		Reached:              1,
		CreatedAt:            now,
		UpdatedAt:            now,
		ExpiresAt:            expires,
	}
}

func newAssessment(token string, c assessment.Contact) *assessment.Assessment {
	return &assessment.Assessment{
		Token:                token,
		QuestionnaireVersion: testVersion,
		Answers: assessment.Answers{
			"stage":    {"growing"},
			"symptoms": {"missed-deadlines", "no-roadmap"},
			"notes":    {"Zoë's café — 日本語 🚀 \"quoted\"\nsecond line"},
		},
		Result: assessment.Result{
			Outcome: "fit",
			Rule:    "strong-fit",
			Reason:  "Two fit signals, no blockers.",
			Criteria: []assessment.CriterionResult{
				{
					ID: "pain", Label: "Pain", Kind: assessment.FitSignal,
					Score: 5, Max: 6, Level: "high", LevelLabel: "High", LevelRank: 2,
					MovedBy: []assessment.Contribution{
						{Question: "symptoms", Prompt: "What hurts?", Option: "missed-deadlines", Answer: "Missed deadlines", Points: 3},
						{Question: "symptoms", Prompt: "What hurts?", Option: "no-roadmap", Answer: "No roadmap", Points: 2},
					},
				},
				{
					ID: "budget", Label: "Budget", Kind: assessment.NotFitSignal,
					Score: 0, Max: 3, Level: "none", LevelLabel: "None", LevelRank: 0,
				},
			},
			Decisive: []assessment.Decisive{{
				Criterion: "pain", Label: "Pain", Level: "high",
				Answers: []assessment.DecisiveAnswer{{Question: "symptoms", Option: "missed-deadlines", Answer: "Missed deadlines", Points: 3}},
			}},
			NearMiss: []assessment.NearMiss{{
				Question: "symptoms", Prompt: "What hurts?", From: []string{"missed-deadlines", "no-roadmap"},
				To: []string{"no-roadmap"}, Answer: "Missed deadlines", Outcome: "talk",
			}},
		},
		Contact:   c,
		CreatedAt: now.Add(time.Hour),
	}
}

func TestOpen(t *testing.T) {
	path := newTestDB(t)
	s := mustOpenAt(t, path)

	if s.Engine() == "sqlite" {
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("Open(%q) did not create the file: %v", path, err)
		}
	}

	names, err := fs.Glob(migrations, "migrations/"+s.Engine()+"/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations = %v, %v; want at least one", names, err)
	}
	applied := func(s *Store) map[int]string {
		t.Helper()
		rows, err := s.db.QueryContext(t.Context(), `SELECT version, applied_at FROM schema_migrations`)
		if err != nil {
			t.Fatalf("query schema_migrations: %v", err)
		}
		defer rows.Close()
		m := map[int]string{}
		for rows.Next() {
			var v int
			var at string
			if err := rows.Scan(&v, &at); err != nil {
				t.Fatalf("scan schema_migrations: %v", err)
			}
			m[v] = at
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		return m
	}
	first := applied(s)
	if len(first) != len(names) {
		t.Fatalf("schema_migrations has %d rows %v, want one per migration (%d: %v)", len(first), first, len(names), names)
	}
	if _, ok := first[1]; !ok {
		t.Errorf("schema_migrations = %v, want version 1 recorded", first)
	}

	// Data written before a reopen must survive it, and reopening must not
	// re-run any migration (applied_at would change, or CREATE TABLE fail).
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("kept"), now); err != nil {
		t.Fatalf("SaveQuestionnaire(%q) = %v", testVersion, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	s2 := mustOpenAt(t, path)
	if second := applied(s2); !reflect.DeepEqual(second, first) {
		t.Errorf("schema_migrations after reopen = %v, want unchanged %v", second, first)
	}
	if got, err := s2.FindQuestionnaire(t.Context(), testVersion); err != nil || string(got) != "kept" {
		t.Errorf("FindQuestionnaire(%q) after reopen = %q, %v; want %q, nil", testVersion, got, err, "kept")
	}
}

func TestOpenUncreatablePath(t *testing.T) {
	sqliteOnly(t, "a file path")
	path := filepath.Join(t.TempDir(), "missing", "dir", "fitcheck.db")
	s, err := Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatalf("Open(%q) = nil error, want an error for a missing directory", path)
	}
}

// TestOpenPathCharacters checks the path reaches SQLite as a file name, not
// as URI syntax: "#", "?" and "%" must neither cut it short nor be decoded.
func TestOpenPathCharacters(t *testing.T) {
	sqliteOnly(t, "file names")
	for _, name := range []string{"fit#check.db", "fit?check.db", "fit%41check.db", "fit check.db", "Zoë.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := mustOpenAt(t, filepath.Join(dir, name))
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatalf("ReadDir(%q) = %v", dir, err)
			}
			var files []string
			for _, e := range entries {
				files = append(files, e.Name())
			}
			// -wal and -shm may sit beside it; the database itself must be there.
			if !slices.Contains(files, name) {
				t.Errorf("Open(%q) created %q, want %q", name, files, name)
			}
			var fk int
			if err := s.db.QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
				t.Errorf("PRAGMA foreign_keys on %q = %d, %v; want 1, nil", name, fk, err)
			}
		})
	}
}

// TestConnectionPragmas checks several pooled connections at once: a setting
// applied with one PRAGMA on the pool would reach only one of them.
func TestConnectionPragmas(t *testing.T) {
	sqliteOnly(t, "pragmas")
	s := mustOpen(t)
	ctx := t.Context()
	const conns = 3
	for i := range conns {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatalf("Conn() = %v", err)
		}
		// Held until the test ends, so the next Conn is a different one.
		t.Cleanup(func() { c.Close() })

		tests := []struct {
			pragma string
			ok     func(string) bool
			want   string
		}{
			{"journal_mode", func(v string) bool { return strings.EqualFold(v, "wal") }, "wal"},
			{"foreign_keys", func(v string) bool { return v == "1" }, "1"},
			{"synchronous", func(v string) bool { return v == "2" }, "2 (FULL)"},
			{"secure_delete", func(v string) bool { return v == "1" }, "1"},
			{"cache_size", func(v string) bool { return v == "-512" }, "-512 (512 KiB)"},
			{"busy_timeout", func(v string) bool {
				var ms int
				_, err := fmt.Sscan(v, &ms)
				return err == nil && ms >= 1000
			}, ">= 1000 ms"},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("conn%d/%s", i, tt.pragma), func(t *testing.T) {
				var got string
				if err := c.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
					t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
				}
				if !tt.ok(got) {
					t.Errorf("PRAGMA %s = %q, want %s", tt.pragma, got, tt.want)
				}
			})
		}
	}
}

func TestQuestionnaire(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	// Bytes that text handling would alter: NUL, invalid UTF-8, CRLF, no
	// trailing newline.
	source := []byte("title: Fit check\r\nintro: \"Zoë\"\x00\xff\xfe\n  trailing")

	for i := range 2 {
		if err := s.SaveQuestionnaire(ctx, testVersion, source, now.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatalf("SaveQuestionnaire(%q) #%d = %v", testVersion, i+1, err)
		}
	}
	if n := countRows(t, s, "questionnaire_versions"); n != 1 {
		t.Errorf("questionnaire_versions has %d rows after saving %q twice, want 1", n, testVersion)
	}
	var created string
	if err := s.db.QueryRowContext(ctx, `SELECT created_at FROM questionnaire_versions WHERE hash = ?`, testVersion).Scan(&created); err != nil {
		t.Fatalf("read created_at: %v", err)
	}
	if want := formatTime(now); created != want {
		t.Errorf("created_at = %q, want the first save's %q", created, want)
	}

	if err := s.SaveQuestionnaire(ctx, "sha256-other", []byte("other"), now); err != nil {
		t.Fatalf("SaveQuestionnaire(%q) = %v", "sha256-other", err)
	}
	if n := countRows(t, s, "questionnaire_versions"); n != 2 {
		t.Errorf("questionnaire_versions has %d rows after saving a second version, want 2", n)
	}

	tests := []struct {
		version string
		want    []byte
		wantErr error
	}{
		{testVersion, source, nil},
		{"sha256-other", []byte("other"), nil},
		{"sha256-unknown", nil, assessment.ErrNotFound},
		{"", nil, assessment.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			got, err := s.FindQuestionnaire(ctx, tt.version)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("FindQuestionnaire(%q) error = %v, want %v", tt.version, err, tt.wantErr)
			}
			if string(got) != string(tt.want) {
				t.Errorf("FindQuestionnaire(%q) = %q, want %q", tt.version, got, tt.want)
			}
		})
	}
}

func TestDraftRoundTrip(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	d := &assessment.Draft{
		ID:                   "draft-roundtrip",
		QuestionnaireVersion: testVersion,
		Answers: assessment.Answers{
			"stage":    {"growing"},
			"symptoms": {"missed-deadlines", "no-roadmap", "hiring"},
			"notes":    {"Zoë's café — 日本語 🚀 \"quoted\"\nsecond line"},
			"empty":    {},
		},
		Reached:   3,
		CreatedAt: now,
		UpdatedAt: now.Add(time.Nanosecond),
		ExpiresAt: now.Add(assessment.DraftLifetime),
	}
	mustCreateDraft(t, s, d)

	got, err := s.FindDraft(ctx, d.ID, now)
	if err != nil {
		t.Fatalf("FindDraft(%q) = %v", d.ID, err)
	}
	want := *d
	want.CreatedAt, want.UpdatedAt, want.ExpiresAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), d.ExpiresAt.UTC()
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("FindDraft(%q) = %+v, want %+v", d.ID, *got, want)
	}
	for name, tm := range map[string]time.Time{"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt, "ExpiresAt": got.ExpiresAt} {
		if tm.Location() != time.UTC {
			t.Errorf("FindDraft(%q).%s location = %v, want UTC", d.ID, name, tm.Location())
		}
	}

	t.Run("nil answers", func(t *testing.T) {
		d := newDraft("draft-nil-answers", now.Add(time.Hour))
		d.Answers = nil
		mustCreateDraft(t, s, d)
		got, err := s.FindDraft(ctx, d.ID, now)
		if err != nil {
			t.Fatalf("FindDraft(%q) = %v", d.ID, err)
		}
		if len(got.Answers) != 0 {
			t.Errorf("FindDraft(%q).Answers = %v, want empty", d.ID, got.Answers)
		}
	})

	t.Run("duplicate id", func(t *testing.T) {
		if err := s.CreateDraft(ctx, newDraft(d.ID, now.Add(time.Hour))); err == nil {
			t.Errorf("CreateDraft(%q) twice = nil error, want a constraint error", d.ID)
		}
	})
}

func TestCreateDraftUnknownQuestionnaire(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	d := newDraft("draft-orphan", now.Add(time.Hour))
	d.QuestionnaireVersion = "sha256-unknown"
	err := s.CreateDraft(t.Context(), d)
	if !isForeignKeyViolation(err) {
		t.Errorf("CreateDraft with version %q = %v, want a FOREIGN KEY error", d.QuestionnaireVersion, err)
	}
	if n := countRows(t, s, "drafts"); n != 0 {
		t.Errorf("drafts has %d rows after a rejected CreateDraft, want 0", n)
	}
}

func TestFindDraftExpiry(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	utc := now.UTC()
	tests := []struct {
		id      string
		expires time.Time
		wantErr error
	}{
		{"expired-long-ago", utc.Add(-assessment.DraftLifetime), assessment.ErrNotFound},
		{"expired-1ns-ago", utc.Add(-time.Nanosecond), assessment.ErrNotFound},
		{"expires-now", utc, assessment.ErrNotFound},
		{"expires-in-1ns", utc.Add(time.Nanosecond), nil},
		{"expires-in-30d", utc.Add(assessment.DraftLifetime), nil},
		// Stored times compare as text, so they must all be in UTC: these
		// read later or earlier than now on the clock face but are not.
		{"expired-east-zone", utc.Add(-time.Minute).In(time.FixedZone("UTC+5", 5*3600)), assessment.ErrNotFound},
		{"live-west-zone", utc.Add(time.Minute).In(time.FixedZone("UTC-5", -5*3600)), nil},
	}
	for _, tt := range tests {
		mustCreateDraft(t, s, newDraft(tt.id, tt.expires))
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := s.FindDraft(t.Context(), tt.id, now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("FindDraft(%q) = %v, want %v", tt.id, err, tt.wantErr)
			}
			if tt.wantErr == nil && !got.ExpiresAt.Equal(tt.expires) {
				t.Errorf("FindDraft(%q).ExpiresAt = %v, want %v", tt.id, got.ExpiresAt, tt.expires)
			}
		})
	}

	t.Run("unknown id", func(t *testing.T) {
		if _, err := s.FindDraft(t.Context(), "no-such-draft", now); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindDraft(%q) = %v, want %v", "no-such-draft", err, assessment.ErrNotFound)
		}
	})
}

func TestUpdateDraft(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	if err := s.SaveQuestionnaire(ctx, "sha256-v2", []byte("v2"), now); err != nil {
		t.Fatalf("SaveQuestionnaire(%q) = %v", "sha256-v2", err)
	}
	mustCreateDraft(t, s, newDraft("draft-update", now.Add(time.Hour)))
	mustCreateDraft(t, s, newDraft("draft-untouched", now.Add(time.Hour)))

	later := now.Add(10 * time.Minute)
	update := &assessment.Draft{
		ID:                   "draft-update",
		QuestionnaireVersion: "sha256-v2",
		Answers:              assessment.Answers{"stage": {"scaling"}, "symptoms": {"a", "b"}},
		Reached:              4,
		UpdatedAt:            later,
		ExpiresAt:            later.Add(assessment.DraftLifetime),
	}
	// set replaces a draft's saved fields with d's, through the one way
	// drafts are updated: UpdateDraftWith.
	set := func(d *assessment.Draft) error {
		stored, err := s.FindDraft(ctx, d.ID, now)
		if err != nil {
			stored = &assessment.Draft{ID: d.ID}
		}
		_, err = s.UpdateDraftWith(ctx, stored, now, func(x *assessment.Draft) error {
			x.QuestionnaireVersion, x.Answers, x.Reached, x.UpdatedAt, x.ExpiresAt = d.QuestionnaireVersion, d.Answers, d.Reached, d.UpdatedAt, d.ExpiresAt
			return nil
		})
		return err
	}
	if err := set(update); err != nil {
		t.Fatalf("UpdateDraftWith(%q) = %v", update.ID, err)
	}
	got, err := s.FindDraft(ctx, update.ID, now)
	if err != nil {
		t.Fatalf("FindDraft(%q) = %v", update.ID, err)
	}
	want := assessment.Draft{
		ID:                   update.ID,
		QuestionnaireVersion: "sha256-v2",
		Answers:              update.Answers,
		Reached:              4,
		CreatedAt:            now.UTC(), // not touched by an update
		UpdatedAt:            later.UTC(),
		ExpiresAt:            later.Add(assessment.DraftLifetime).UTC(),
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("FindDraft(%q) after update = %+v, want %+v", update.ID, *got, want)
	}
	other, err := s.FindDraft(ctx, "draft-untouched", now)
	if err != nil {
		t.Fatalf("FindDraft(%q) = %v", "draft-untouched", err)
	}
	if other.Reached != 1 || !reflect.DeepEqual(other.Answers, assessment.Answers{"stage": {"growing"}}) {
		t.Errorf("FindDraft(%q) = %+v, want it unchanged by another draft's update", "draft-untouched", *other)
	}

	t.Run("missing id", func(t *testing.T) {
		d := newDraft("no-such-draft", now.Add(time.Hour))
		if err := set(d); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("UpdateDraftWith(%q) = %v, want %v", d.ID, err, assessment.ErrNotFound)
		}
		if n := countRows(t, s, "drafts"); n != 2 {
			t.Errorf("drafts has %d rows after updating a missing draft, want 2", n)
		}
	})

	t.Run("unknown questionnaire", func(t *testing.T) {
		d := newDraft("draft-update", now.Add(time.Hour))
		d.QuestionnaireVersion = "sha256-unknown"
		if err := set(d); !isForeignKeyViolation(err) {
			t.Errorf("UpdateDraftWith(%q) with version %q = %v, want a FOREIGN KEY error", d.ID, d.QuestionnaireVersion, err)
		}
	})
}

func TestDeleteExpiredDrafts(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	expired := map[string]time.Time{
		"expired-long-ago": now.Add(-assessment.DraftLifetime),
		"expired-1ns-ago":  now.Add(-time.Nanosecond),
		"expires-now":      now,
	}
	live := map[string]time.Time{
		"expires-in-1ns": now.Add(time.Nanosecond),
		"expires-in-30d": now.Add(assessment.DraftLifetime),
	}
	for _, m := range []map[string]time.Time{expired, live} {
		for id, exp := range m {
			mustCreateDraft(t, s, newDraft(id, exp))
		}
	}

	n, err := s.DeleteExpiredDrafts(ctx, now)
	if err != nil || n != int64(len(expired)) {
		t.Fatalf("DeleteExpiredDrafts(%v) = %d, %v; want %d, nil", now, n, err, len(expired))
	}
	for id := range expired {
		var c int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM drafts WHERE id = ?`, id).Scan(&c); err != nil || c != 0 {
			t.Errorf("draft %q: %d rows, %v after DeleteExpiredDrafts; want 0, nil", id, c, err)
		}
	}
	for id := range live {
		if _, err := s.FindDraft(ctx, id, now); err != nil {
			t.Errorf("FindDraft(%q) after DeleteExpiredDrafts = %v, want nil", id, err)
		}
	}

	if n, err := s.DeleteExpiredDrafts(ctx, now); err != nil || n != 0 {
		t.Errorf("DeleteExpiredDrafts(%v) again = %d, %v; want 0, nil", now, n, err)
	}
}

func TestSubmitDraft(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	mustCreateDraft(t, s, newDraft("draft-submit", now.Add(time.Hour)))

	contact := assessment.Contact{Name: "Zoë Ångström", Email: "zoe@example.com", Company: "Café Ltd", Role: "CEO", Consent: true}
	a := newAssessment("token-first", contact)
	token, err := s.SubmitDraft(ctx, "draft-submit", a)
	if err != nil || token != "token-first" {
		t.Fatalf("SubmitDraft(%q) = %q, %v; want %q, nil", "draft-submit", token, err, "token-first")
	}
	if a.ID == 0 {
		t.Errorf("SubmitDraft(%q) left Assessment.ID = 0, want the new row's id", "draft-submit")
	}

	got, err := s.FindAssessment(ctx, token)
	if err != nil {
		t.Fatalf("FindAssessment(%q) = %v", token, err)
	}
	want := newAssessment("token-first", contact)
	want.ID = a.ID
	want.CreatedAt = want.CreatedAt.UTC()
	want.UpdatedAt = want.CreatedAt
	want.Status = assessment.StatusNew
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindAssessment(%q) =\n%+v\nwant\n%+v", token, *got, *want)
	}

	draft, err := s.FindDraft(ctx, "draft-submit", now)
	if err != nil {
		t.Fatalf("FindDraft(%q) = %v", "draft-submit", err)
	}
	if draft.AssessmentToken != token || !draft.UpdatedAt.Equal(a.CreatedAt) {
		t.Errorf("FindDraft(%q) after submit: token %q, updated %v; want %q, %v",
			"draft-submit", draft.AssessmentToken, draft.UpdatedAt, token, a.CreatedAt)
	}

	t.Run("resubmit returns first token", func(t *testing.T) {
		again := newAssessment("token-second", assessment.Contact{Name: "Someone else", Consent: true})
		got, err := s.SubmitDraft(ctx, "draft-submit", again)
		if err != nil || got != "token-first" {
			t.Fatalf("SubmitDraft(%q) again = %q, %v; want %q, nil", "draft-submit", got, err, "token-first")
		}
		if n := countRows(t, s, "assessments"); n != 1 {
			t.Errorf("assessments has %d rows after a second submit of one draft, want 1", n)
		}
		if _, err := s.FindAssessment(ctx, "token-second"); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindAssessment(%q) = %v, want %v", "token-second", err, assessment.ErrNotFound)
		}
		first, err := s.FindAssessment(ctx, "token-first")
		if err != nil || first.Contact != contact {
			t.Errorf("FindAssessment(%q) after resubmit = %+v, %v; want contact %+v unchanged", "token-first", first, err, contact)
		}
	})

	t.Run("unknown draft", func(t *testing.T) {
		before := countRows(t, s, "assessments")
		_, err := s.SubmitDraft(ctx, "no-such-draft", newAssessment("token-orphan", assessment.Contact{}))
		if !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("SubmitDraft(%q) = %v, want %v", "no-such-draft", err, assessment.ErrNotFound)
		}
		if n := countRows(t, s, "assessments"); n != before {
			t.Errorf("assessments has %d rows after submitting an unknown draft, want %d", n, before)
		}
	})

	t.Run("unknown token", func(t *testing.T) {
		for _, token := range []string{"no-such-token", ""} {
			if got, err := s.FindAssessment(ctx, token); !errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("FindAssessment(%q) = %v, %v; want nil, %v", token, got, err, assessment.ErrNotFound)
			}
		}
	})
}

// TestFindAssessmentStoredBeforeDecisive reads a result stored before
// results named what decided them and what would change them: it still
// decodes, with both left nil (not computed), while a result with none to
// list keeps its empty lists.
func TestFindAssessmentStoredBeforeDecisive(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	mustCreateDraft(t, s, newDraft("draft-old", now.Add(time.Hour)))
	a := newAssessment("token-old", assessment.Contact{})
	a.Result.NearMiss = []assessment.NearMiss{}
	if _, err := s.SubmitDraft(ctx, "draft-old", a); err != nil {
		t.Fatalf("SubmitDraft = %v", err)
	}
	got, err := s.FindAssessment(ctx, "token-old")
	if err != nil {
		t.Fatalf("FindAssessment = %v", err)
	}
	if got.Result.NearMiss == nil || len(got.Result.NearMiss) != 0 {
		t.Errorf("NearMiss stored as [] read back as %#v, want an empty list (clear-cut)", got.Result.NearMiss)
	}

	const old = `{"outcome":"fit","rule":"strong-fit","reason":"Two fit signals, no blockers.","criteria":[` +
		`{"id":"pain","label":"Pain","kind":"fit","score":5,"max":6,"level":"high","level_label":"High","level_rank":2,` +
		`"moved_by":[{"question":"symptoms","prompt":"What hurts?","option":"missed-deadlines","answer":"Missed deadlines","points":3}]}]}`
	if _, err := s.wdb.ExecContext(ctx, `UPDATE assessments SET result = ? WHERE token = ?`, old, "token-old"); err != nil {
		t.Fatal(err)
	}
	got, err = s.FindAssessment(ctx, "token-old")
	if err != nil {
		t.Fatalf("FindAssessment(result stored before decisive) = %v", err)
	}
	if got.Result.Outcome != "fit" || len(got.Result.Criteria) != 1 || got.Result.Criteria[0].Score != 5 {
		t.Errorf("old result read back as %+v, want its outcome and criterion", got.Result)
	}
	if got.Result.Decisive != nil || got.Result.NearMiss != nil {
		t.Errorf("old result: Decisive %v, NearMiss %v; want both nil (not computed)", got.Result.Decisive, got.Result.NearMiss)
	}
}

// TestSubmitDraftFailureLeavesDraftOpen checks the insert and the marking of
// the draft are one transaction: a failed insert must not mark the draft.
func TestSubmitDraftFailureLeavesDraftOpen(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	mustCreateDraft(t, s, newDraft("draft-taken", now.Add(time.Hour)))
	mustCreateDraft(t, s, newDraft("draft-clash", now.Add(time.Hour)))
	mustCreateDraft(t, s, newDraft("draft-orphan", now.Add(time.Hour)))
	if _, err := s.SubmitDraft(ctx, "draft-taken", newAssessment("token-taken", assessment.Contact{})); err != nil {
		t.Fatalf("SubmitDraft(%q) = %v", "draft-taken", err)
	}

	orphan := newAssessment("token-orphan", assessment.Contact{})
	orphan.QuestionnaireVersion = "sha256-unknown"
	tests := []struct {
		name, draftID string
		a             *assessment.Assessment
	}{
		{"duplicate token", "draft-clash", newAssessment("token-taken", assessment.Contact{})},
		{"unknown questionnaire", "draft-orphan", orphan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if token, err := s.SubmitDraft(ctx, tt.draftID, tt.a); err == nil {
				t.Fatalf("SubmitDraft(%q) = %q, nil; want an error", tt.draftID, token)
			}
			d, err := s.FindDraft(ctx, tt.draftID, now)
			if err != nil || d.AssessmentToken != "" {
				t.Errorf("FindDraft(%q) after failed submit = %+v, %v; want no assessment token", tt.draftID, d, err)
			}
			if n := countRows(t, s, "assessments"); n != 1 {
				t.Errorf("assessments has %d rows after failed submit, want 1", n)
			}
		})
	}
}

func TestSubmitDraftContactConsent(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	given := assessment.Contact{Name: "Zoë Ångström", Email: "zoe@example.com", Company: "Café Ltd", Role: "CTO"}
	withConsent := given
	withConsent.Consent = true

	tests := []struct {
		name    string
		contact assessment.Contact
		want    assessment.Contact
	}{
		{"consent kept", withConsent, withConsent},
		{"no consent dropped", given, assessment.Contact{}},
		{"email only without consent dropped", assessment.Contact{Email: "x@example.com"}, assessment.Contact{}},
		{"nothing given", assessment.Contact{}, assessment.Contact{}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draftID := fmt.Sprintf("draft-consent-%d", i)
			token := fmt.Sprintf("token-consent-%d", i)
			mustCreateDraft(t, s, newDraft(draftID, now.Add(time.Hour)))
			if _, err := s.SubmitDraft(ctx, draftID, newAssessment(token, tt.contact)); err != nil {
				t.Fatalf("SubmitDraft(%q) = %v", draftID, err)
			}
			got, err := s.FindAssessment(ctx, token)
			if err != nil {
				t.Fatalf("FindAssessment(%q) = %v", token, err)
			}
			if got.Contact != tt.want {
				t.Errorf("FindAssessment(%q).Contact = %+v, want %+v", token, got.Contact, tt.want)
			}
			// The columns themselves, not only what FindAssessment shows.
			var stored assessment.Contact
			err = s.db.QueryRowContext(ctx, `SELECT contact_name, contact_email, contact_company, contact_role, consent
				FROM assessments WHERE token = ?`, token).
				Scan(&stored.Name, &stored.Email, &stored.Company, &stored.Role, &stored.Consent)
			if err != nil {
				t.Fatalf("read contact columns of %q: %v", token, err)
			}
			if stored != tt.want {
				t.Errorf("stored contact of %q = %+v, want %+v", token, stored, tt.want)
			}
		})
	}
}

// TestSubmitDraftConcurrent submits many drafts at once, some of them the
// same draft, as a double-clicking crowd would: nothing may fail with
// "database is locked" and one draft must still make exactly one row.
func TestSubmitDraftConcurrent(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	const (
		own    = 20
		shared = 10
	)
	mustCreateDraft(t, s, newDraft("draft-shared", now.Add(time.Hour)))

	var (
		wg           sync.WaitGroup
		start        = make(chan struct{})
		errs         = make(chan error, own+shared)
		sharedTokens = make([]string, shared)
	)
	for i := range own {
		wg.Go(func() {
			<-start
			id, token := fmt.Sprintf("draft-own-%d", i), fmt.Sprintf("token-own-%d", i)
			if err := s.CreateDraft(ctx, newDraft(id, now.Add(time.Hour))); err != nil {
				errs <- fmt.Errorf("CreateDraft(%q) = %w", id, err)
				return
			}
			got, err := s.SubmitDraft(ctx, id, newAssessment(token, assessment.Contact{}))
			if err != nil || got != token {
				errs <- fmt.Errorf("SubmitDraft(%q) = %q, %v; want %q, nil", id, got, err, token)
			}
		})
	}
	for i := range shared {
		wg.Go(func() {
			<-start
			got, err := s.SubmitDraft(ctx, "draft-shared", newAssessment(fmt.Sprintf("token-shared-%d", i), assessment.Contact{}))
			if err != nil {
				errs <- fmt.Errorf("SubmitDraft(%q) #%d = %w", "draft-shared", i, err)
			}
			sharedTokens[i] = got
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}

	for i, tok := range sharedTokens {
		if tok != sharedTokens[0] {
			t.Errorf("SubmitDraft(%q) #%d = %q, want %q like #0: every submitter must get the first token", "draft-shared", i, tok, sharedTokens[0])
		}
	}
	var rows int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM assessments WHERE token LIKE 'token-shared-%'`).Scan(&rows); err != nil {
		t.Fatalf("count shared assessments: %v", err)
	}
	if rows != 1 {
		t.Errorf("draft-shared made %d assessment rows, want 1", rows)
	}
	if n := countRows(t, s, "assessments"); n != own+1 {
		t.Errorf("assessments has %d rows, want %d", n, own+1)
	}
	d, err := s.FindDraft(ctx, "draft-shared", now)
	if err != nil || d.AssessmentToken != sharedTokens[0] {
		t.Errorf("FindDraft(%q) = %+v, %v; want assessment token %q", "draft-shared", d, err, sharedTokens[0])
	}
	if _, err := s.FindAssessment(ctx, sharedTokens[0]); err != nil {
		t.Errorf("FindAssessment(%q) = %v, want the shared draft's assessment", sharedTokens[0], err)
	}
}
