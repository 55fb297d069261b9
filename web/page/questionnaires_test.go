package page_test

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/page"
)

// TestPublishReachesAnotherInstance: two instances' questionnaires on one
// database. A publish through one is served there at once and by the other
// at its next refresh; a publish by the other that did not see it is
// refused; with nothing published the file each started with is in force.
func TestPublishReachesAnotherInstance(t *testing.T) {
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	file, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SaveQuestionnaire(t.Context(), file.Version, file.Source, time.Now()); err != nil {
		t.Fatal(err)
	}
	next, err := rules.Load([]byte(strings.Replace(string(assessment.DefaultContent), "\ntitle: ", "\ntitle: Published - ", 1)))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, b := page.NewQuestionnaires(file, store, log), page.NewQuestionnaires(file, store, log)
	if err := b.Refresh(t.Context()); err != nil || b.InForce().Publication != nil || b.Current() != file {
		t.Fatalf("before any publish: Refresh = %v, in force %+v; want the file", err, b.InForce())
	}

	p, err := a.Publish(t.Context(), next, "greg@example.com", false, time.Now())
	if err != nil {
		t.Fatalf("Publish = %v", err)
	}
	if a.Current().Version != next.Version || p.Replaced != file.Version {
		t.Errorf("after Publish, A serves %s (replacing %s); want %s replacing the file", a.Current().Version[:12], p.Replaced[:12], next.Version[:12])
	}
	if b.Current().Version != file.Version {
		t.Errorf("B serves the publication before refreshing")
	}
	if _, err := b.Publish(t.Context(), next, "other@example.com", false, time.Now()); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("a publish by B, which has not seen A's, = %v; want a conflict", err)
	}
	if err := b.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := b.InForce(); got.Q.Version != next.Version || got.Publication == nil || got.Publication.By != "greg@example.com" {
		t.Errorf("after refreshing, B has %+v; want A's publication", got)
	}
	if b.File() != file {
		t.Error("B forgot the file it was started with")
	}

	// Rolled back through B: A follows at its next refresh.
	if _, err := b.Publish(t.Context(), file, "greg@example.com", true, time.Now()); err != nil {
		t.Fatalf("roll-back = %v", err)
	}
	if err := a.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := a.InForce(); got.Q.Version != file.Version || !got.Publication.Rollback {
		t.Errorf("after the roll-back, A has %s (roll-back %v); want the file's version", got.Q.Version[:12], got.Publication.Rollback)
	}
}

// TestUnreadablePublicationKeepsTheOneInForce: a published version this
// build cannot parse is not served; the one in force stays.
func TestUnreadablePublicationKeepsTheOneInForce(t *testing.T) {
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	file, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	bad := &assessment.Publication{Version: "unreadable", Replaced: file.Version, By: "a newer build", At: time.Now()}
	if err := store.PublishQuestionnaire(t.Context(), bad, []byte("title: [")); err != nil {
		t.Fatal(err)
	}
	q := page.NewQuestionnaires(file, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := q.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh = %v", err)
	}
	if q.Current() != file {
		t.Errorf("an unreadable publication replaced the questionnaire in force")
	}
}
