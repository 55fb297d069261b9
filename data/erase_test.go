package data

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestDeletedTextLeavesNoTrace checks "delete for good" on the disk: after
// each way a founder's words are deleted (the visitor's or the owner's
// delete, the retention sweep, the sweep of expired drafts), a marker that
// was in their free text, their contact details and a note is found
// nowhere in the database file, its WAL or its -shm, byte for byte.
func TestDeletedTextLeavesNoTrace(t *testing.T) {
	sqliteOnly(t, "it reads the SQLite file and its WAL")
	tests := []struct {
		name   string
		delete func(ctx context.Context, s *Store, a *assessment.Assessment) error
	}{
		{"delete by visitor or owner", func(ctx context.Context, s *Store, a *assessment.Assessment) error {
			return s.DeleteAssessment(ctx, a.ID)
		}},
		{"retention sweep", func(ctx context.Context, s *Store, a *assessment.Assessment) error {
			_, err := s.DeleteAssessmentsBefore(ctx, a.CreatedAt.Add(time.Second))
			return err
		}},
		{"expired drafts sweep", func(ctx context.Context, s *Store, _ *assessment.Assessment) error {
			_, err := s.DeleteExpiredDrafts(ctx, now.Add(2*assessment.DraftLifetime))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "fitcheck.db")
			s := mustOpenAt(t, path)
			if err := s.SaveQuestionnaire(ctx, testVersion, []byte("title: test\n"), now); err != nil {
				t.Fatal(err)
			}
			marker := "MARKER-" + strings.ReplaceAll(tt.name, " ", "-")
			// Others' rows around it, so the marked one shares its pages.
			for i := range 20 {
				mustAddAssessment(t, s, "other-"+string(rune('a'+i)), "fit", contact("Bob", "bob@example.com", "Acme"), day.AddDate(0, 1, 0))
			}
			a := markedAssessment(t, s, marker, tt.name == "expired drafts sweep")
			for i := range 20 {
				mustAddAssessment(t, s, "later-"+string(rune('a'+i)), "fit", contact("Bob", "bob@example.com", "Acme"), day.AddDate(0, 1, 0))
			}
			if where := filesHolding(t, path, marker); len(where) == 0 {
				t.Fatalf("the marker is not on disk before the delete: this test would prove nothing")
			}

			if err := tt.delete(ctx, s, a); err != nil {
				t.Fatalf("delete = %v", err)
			}
			if where := filesHolding(t, path, marker); len(where) > 0 {
				t.Errorf("after the delete the marker is still in %v", where)
			}
		})
	}
}

// markedAssessment stores an assessment whose free text, contact details and
// note carry marker, from a draft whose answers carry it too and were saved
// several times, as a visitor's are, step by step. With draftOnly it stops
// at the draft, left to expire, and returns nil.
func markedAssessment(t *testing.T, s *Store, marker string, draftOnly bool) *assessment.Assessment {
	t.Helper()
	ctx := t.Context()
	d := newDraft("draft-marked", now.Add(time.Hour))
	mustCreateDraft(t, s, d)
	// Long enough to spill onto an overflow page, where FAST secure_delete
	// would leave it.
	long := strings.Repeat(marker+" we keep missing our deadlines. ", 200)
	for step := range 3 {
		var err error
		d, err = s.UpdateDraftWith(ctx, d, now, func(d *assessment.Draft) error {
			d.Answers["notes"] = []string{long[:len(long)*(step+1)/3]}
			d.UpdatedAt = now.Add(time.Duration(step+1) * time.Second)
			return nil
		})
		if err != nil {
			t.Fatalf("UpdateDraftWith = %v", err)
		}
	}
	if draftOnly {
		return nil
	}
	a := newAssessment("marked", contact(marker+" Zoë", strings.ToLower(marker)+"@example.com", marker+" Café"))
	a.Answers["notes"] = []string{long}
	a.CreatedAt = day
	if _, err := s.SubmitDraft(ctx, d.ID, a); err != nil {
		t.Fatalf("SubmitDraft = %v", err)
	}
	if err := s.AddNote(ctx, &assessment.Note{AssessmentID: a.ID, Author: "o@example.com", Body: "call " + marker, CreatedAt: now}); err != nil {
		t.Fatalf("AddNote = %v", err)
	}
	return a
}

// filesHolding returns which of the database's files hold marker.
func filesHolding(t *testing.T, path, marker string) []string {
	t.Helper()
	var where []string
	for _, name := range databaseFiles(path) {
		b, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{marker, strings.ToLower(marker)} {
			if bytes.Contains(b, []byte(m)) {
				where = append(where, filepath.Base(name))
				break
			}
		}
	}
	return where
}
