package data

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func networkDraft(id, network string) *assessment.Draft {
	d := newDraft(id, now.Add(assessment.DraftLifetime))
	d.ClientNetwork = network
	return d
}

// networkCap caps open drafts per network alone (each address as much).
func networkCap(n int) assessment.DraftCaps {
	return assessment.DraftCaps{PerNetwork: n, PerAddress: n}
}

func mustCountOpenDrafts(t *testing.T, s *Store, network string, at time.Time) int {
	t.Helper()
	n, err := s.CountOpenDrafts(t.Context(), network, at)
	if err != nil {
		t.Fatalf("CountOpenDrafts(%q) = %v", network, err)
	}
	return n
}

// TestCreateDraftWithin checks the cap on open drafts per client network:
// a network at its cap stores nothing more, while other networks, and the
// same network once a draft is submitted or has expired, go on as before.
func TestCreateDraftWithin(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	ctx := t.Context()
	const limit = 2
	create := func(d *assessment.Draft) error { return s.CreateDraftWithin(ctx, d, networkCap(limit), now) }

	first := networkDraft("a1", "net-a")
	first.Answers = assessment.Answers{"stage": {"growing"}, "stuck": {"We keep missing deadlines"}}
	for _, d := range []*assessment.Draft{first, networkDraft("a2", "net-a")} {
		if err := create(d); err != nil {
			t.Fatalf("CreateDraftWithin(%q) under the cap = %v", d.ID, err)
		}
	}
	got, err := s.FindDraft(ctx, "a1", now)
	if err != nil {
		t.Fatalf("FindDraft(%q) = %v", "a1", err)
	}
	want := *first
	want.CreatedAt, want.UpdatedAt, want.ExpiresAt = first.CreatedAt.UTC(), first.UpdatedAt.UTC(), first.ExpiresAt.UTC()
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("FindDraft(%q) =\n%+v\nwant the first answers with it\n%+v", "a1", *got, want)
	}

	if err := create(networkDraft("a3", "net-a")); !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("CreateDraftWithin(%q) at the cap = %v, want %v", "a3", err, assessment.ErrTooMany)
	}
	if _, err := s.FindDraft(ctx, "a3", now); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindDraft(%q) after a refusal = %v, want %v", "a3", err, assessment.ErrNotFound)
	}
	if err := create(networkDraft("b1", "net-b")); err != nil {
		t.Errorf("CreateDraftWithin(%q) from another network = %v, want nil", "b1", err)
	}

	// A submitted draft is no longer open.
	if _, err := s.SubmitDraft(ctx, "a1", newAssessment("token-a1", assessment.Contact{})); err != nil {
		t.Fatalf("SubmitDraft(%q) = %v", "a1", err)
	}
	if err := create(networkDraft("a3", "net-a")); err != nil {
		t.Errorf("CreateDraftWithin(%q) after a submit = %v, want nil", "a3", err)
	}
	// Nor is one that has expired.
	later := now.Add(assessment.DraftLifetime + time.Second)
	if n := mustCountOpenDrafts(t, s, "net-a", later); n != 0 {
		t.Errorf("CountOpenDrafts(net-a) once expired = %d, want 0", n)
	}
	if err := s.CreateDraftWithin(ctx, networkDraft("a4", "net-a"), networkCap(limit), later); err != nil {
		t.Errorf("CreateDraftWithin(%q) once the others expired = %v, want nil", "a4", err)
	}

	if err := create(networkDraft("b1", "net-b")); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("CreateDraftWithin(%q) again = %v, want %v", "b1", err, assessment.ErrConflict)
	}
	if err := create(networkDraft("x1", "")); err == nil {
		t.Errorf("CreateDraftWithin without a network = nil, want an error")
	}
}

// TestCreateDraftWithinPerAddress: one address fills only its own share
// of its network's cap; the network's other addresses still store drafts,
// and a draft without an address is held by the network's cap alone.
func TestCreateDraftWithinPerAddress(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	caps := assessment.DraftCaps{PerNetwork: 5, PerAddress: 2}
	create := func(id, address string) error {
		d := networkDraft(id, "net-a")
		d.ClientAddress = address
		return s.CreateDraftWithin(t.Context(), d, caps, now)
	}
	for _, id := range []string{"a1", "a2"} {
		if err := create(id, "addr-1"); err != nil {
			t.Fatalf("CreateDraftWithin(%q) under the address's cap = %v", id, err)
		}
	}
	if err := create("a3", "addr-1"); !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("a third open draft from one address = %v, want %v", err, assessment.ErrTooMany)
	}
	for _, id := range []string{"b1", "b2"} {
		if err := create(id, "addr-2"); err != nil {
			t.Errorf("CreateDraftWithin(%q) from another address of the network = %v, want nil", id, err)
		}
	}
	if err := create("n1", ""); err != nil {
		t.Errorf("a draft without an address, under the network's cap = %v, want nil", err)
	}
	if err := create("c1", "addr-3"); !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("a draft past the network's cap = %v, want %v", err, assessment.ErrTooMany)
	}
	var address string
	if err := s.db.QueryRowContext(t.Context(), `SELECT client_address FROM drafts WHERE id = ?`, "a1").Scan(&address); err != nil || address != "addr-1" {
		t.Errorf("draft a1's stored address = %q, %v; want its pseudonym addr-1", address, err)
	}
}

func TestCountOpenDrafts(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	mustCreateDraft(t, s, networkDraft("open-1", "net-a"))
	mustCreateDraft(t, s, networkDraft("open-2", "net-a"))
	expired := networkDraft("expired", "net-a")
	expired.ExpiresAt = now
	mustCreateDraft(t, s, expired)
	mustCreateDraft(t, s, networkDraft("other", "net-b"))
	mustCreateDraft(t, s, networkDraft("submitted", "net-a"))
	if _, err := s.SubmitDraft(t.Context(), "submitted", newAssessment("token-s", assessment.Contact{})); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		network string
		want    int
	}{{"net-a", 2}, {"net-b", 1}, {"net-c", 0}}
	for _, tt := range tests {
		if got := mustCountOpenDrafts(t, s, tt.network, now); got != tt.want {
			t.Errorf("CountOpenDrafts(%q) = %d, want %d", tt.network, got, tt.want)
		}
	}
}

// TestCreateDraftWithinConcurrent checks drafts made at the same moment
// cannot all slip under the cap: counting and storing are one step.
func TestCreateDraftWithinConcurrent(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	const limit, tries = 5, 40
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
	)
	for i := range tries {
		wg.Go(func() {
			err := s.CreateDraftWithin(t.Context(), networkDraft(fmt.Sprintf("d%d", i), "net-a"), networkCap(limit), now)
			switch {
			case err == nil:
				mu.Lock()
				created++
				mu.Unlock()
			case !errors.Is(err, assessment.ErrTooMany):
				t.Errorf("CreateDraftWithin(d%d) = %v", i, err)
			}
		})
	}
	wg.Wait()
	if created != limit {
		t.Errorf("%d concurrent drafts under a cap of %d: %d stored, want %d", tries, limit, created, limit)
	}
	if n := mustCountOpenDrafts(t, s, "net-a", now); n != limit {
		t.Errorf("CountOpenDrafts = %d, want %d", n, limit)
	}
}
