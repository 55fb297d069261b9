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

func newOwner(email string) *assessment.Owner {
	return &assessment.Owner{Email: email, PasswordHash: "hash-of-" + email, CreatedAt: now, UpdatedAt: now}
}

func mustCreateOwner(t *testing.T, s *Store, email string) *assessment.Owner {
	t.Helper()
	o := newOwner(email)
	if err := s.CreateOwner(t.Context(), o); err != nil {
		t.Fatalf("CreateOwner(%q) = %v", email, err)
	}
	return o
}

func mustCreateOwnerSession(t *testing.T, s *Store, sess *assessment.OwnerSession) {
	t.Helper()
	if err := s.CreateOwnerSession(t.Context(), sess); err != nil {
		t.Fatalf("CreateOwnerSession(%q) = %v", sess.IDHash, err)
	}
}

// newOwnerSession is a session signed in at now, as the web layer makes it.
func newOwnerSession(idHash string, ownerID int64) *assessment.OwnerSession {
	return &assessment.OwnerSession{
		IDHash: idHash, OwnerID: ownerID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(assessment.OwnerSessionLifetime),
	}
}

func TestCreateOwner(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	created := mustCreateOwner(t, s, "Owner@Example.com")
	if created.ID == 0 {
		t.Fatalf("CreateOwner(%q) left ID = 0, want the new row's id", created.Email)
	}
	want := assessment.Owner{
		ID: created.ID, Email: "Owner@Example.com", PasswordHash: "hash-of-Owner@Example.com",
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
	}

	for _, email := range []string{"Owner@Example.com", "owner@example.com", "OWNER@EXAMPLE.COM"} {
		got, err := s.FindOwnerByEmail(ctx, email)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("FindOwnerByEmail(%q) = %+v, %v; want %+v, nil", email, got, err, want)
		}
	}
	if got, err := s.FindOwner(ctx, created.ID); err != nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("FindOwner(%d) = %+v, %v; want %+v, nil", created.ID, got, err, want)
	}

	t.Run("duplicate email", func(t *testing.T) {
		for _, email := range []string{"Owner@Example.com", "owner@example.com", "OWNER@example.COM"} {
			if err := s.CreateOwner(ctx, newOwner(email)); !errors.Is(err, assessment.ErrConflict) {
				t.Errorf("CreateOwner(%q) = %v, want %v", email, err, assessment.ErrConflict)
			}
		}
		if n, err := s.CountOwners(ctx); err != nil || n != 1 {
			t.Errorf("CountOwners() = %d, %v; want 1, nil", n, err)
		}
	})

	t.Run("missing fields", func(t *testing.T) {
		for _, o := range []*assessment.Owner{
			{Email: "", PasswordHash: "h", CreatedAt: now},
			{Email: "nohash@example.com", PasswordHash: "", CreatedAt: now},
		} {
			if err := s.CreateOwner(ctx, o); err == nil {
				t.Errorf("CreateOwner(%+v) = nil, want an error", *o)
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		if got, err := s.FindOwnerByEmail(ctx, "someone@example.com"); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindOwnerByEmail(%q) = %v, %v; want nil, %v", "someone@example.com", got, err, assessment.ErrNotFound)
		}
		if got, err := s.FindOwner(ctx, created.ID+1); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindOwner(%d) = %v, %v; want nil, %v", created.ID+1, got, err, assessment.ErrNotFound)
		}
	})
}

func TestListOwners(t *testing.T) {
	s := mustOpen(t)
	if got, err := s.ListOwners(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("ListOwners() on an empty store = %v, %v; want none, nil", got, err)
	}
	for _, email := range []string{"carol@example.com", "Bob@example.com", "alice@example.com"} {
		mustCreateOwner(t, s, email)
	}
	got, err := s.ListOwners(t.Context())
	if err != nil {
		t.Fatalf("ListOwners() = %v", err)
	}
	var emails []string
	for _, o := range got {
		emails = append(emails, o.Email)
	}
	// Ordered regardless of case: a byte order would put "Bob" first.
	want := []string{"alice@example.com", "Bob@example.com", "carol@example.com"}
	if !reflect.DeepEqual(emails, want) {
		t.Errorf("ListOwners() emails = %q, want %q", emails, want)
	}
}

func TestCreateFirstOwner(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	if n, err := s.CountOwners(ctx); err != nil || n != 0 {
		t.Fatalf("CountOwners() on a new store = %d, %v; want 0, nil", n, err)
	}
	first := newOwner("first@example.com")
	if err := s.CreateFirstOwner(ctx, first); err != nil {
		t.Fatalf("CreateFirstOwner(%q) = %v", first.Email, err)
	}
	if first.ID == 0 {
		t.Errorf("CreateFirstOwner(%q) left ID = 0, want the new row's id", first.Email)
	}
	if err := s.CreateFirstOwner(ctx, newOwner("second@example.com")); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("CreateFirstOwner(%q) after a first owner = %v, want %v", "second@example.com", err, assessment.ErrConflict)
	}
	if _, err := s.FindOwnerByEmail(ctx, "second@example.com"); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindOwnerByEmail(%q) = %v, want %v: a refused first owner must not be stored", "second@example.com", err, assessment.ErrNotFound)
	}
	// Later owners are added with CreateOwner.
	mustCreateOwner(t, s, "second@example.com")
	if n, err := s.CountOwners(ctx); err != nil || n != 2 {
		t.Errorf("CountOwners() = %d, %v; want 2, nil", n, err)
	}
}

// TestCreateFirstOwnerConcurrent races several setup submissions on a fresh
// install: exactly one may win, and the others must be told of the conflict
// rather than fail with "database is locked".
func TestCreateFirstOwnerConcurrent(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	const racers = 8
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, racers)
	)
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = s.CreateFirstOwner(ctx, newOwner(fmt.Sprintf("racer-%d@example.com", i)))
		})
	}
	close(start)
	wg.Wait()

	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, assessment.ErrConflict):
			t.Errorf("CreateFirstOwner #%d = %v, want nil or %v", i, err, assessment.ErrConflict)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent CreateFirstOwner calls succeeded, want exactly 1", won, racers)
	}
	if n, err := s.CountOwners(ctx); err != nil || n != 1 {
		t.Errorf("CountOwners() = %d, %v; want 1, nil", n, err)
	}
}

func TestSetOwnerPassword(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	alice := mustCreateOwner(t, s, "alice@example.com")
	bob := mustCreateOwner(t, s, "bob@example.com")
	mustCreateOwnerSession(t, s, newOwnerSession("alice-laptop", alice.ID))
	mustCreateOwnerSession(t, s, newOwnerSession("alice-phone", alice.ID))
	mustCreateOwnerSession(t, s, newOwnerSession("bob-laptop", bob.ID))

	later := now.Add(time.Minute)
	if err := s.SetOwnerPassword(ctx, "ALICE@example.com", "new-hash", later); err != nil {
		t.Fatalf("SetOwnerPassword(%q) = %v", "ALICE@example.com", err)
	}
	got, err := s.FindOwner(ctx, alice.ID)
	if err != nil || got.PasswordHash != "new-hash" || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(now) {
		t.Errorf("FindOwner(%d) after SetOwnerPassword = %+v, %v; want hash %q, updated %v, created %v",
			alice.ID, got, err, "new-hash", later, now)
	}
	for _, id := range []string{"alice-laptop", "alice-phone"} {
		if _, _, err := s.FindOwnerSession(ctx, id, later); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindOwnerSession(%q) after a password change = %v, want %v", id, err, assessment.ErrNotFound)
		}
	}
	if _, _, err := s.FindOwnerSession(ctx, "bob-laptop", later); err != nil {
		t.Errorf("FindOwnerSession(%q) after another owner's password change = %v, want nil", "bob-laptop", err)
	}
	if got, err := s.FindOwner(ctx, bob.ID); err != nil || got.PasswordHash != bob.PasswordHash {
		t.Errorf("FindOwner(%d) = %+v, %v; want hash %q unchanged", bob.ID, got, err, bob.PasswordHash)
	}

	t.Run("unknown email", func(t *testing.T) {
		if err := s.SetOwnerPassword(ctx, "nobody@example.com", "h", later); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("SetOwnerPassword(%q) = %v, want %v", "nobody@example.com", err, assessment.ErrNotFound)
		}
	})
	t.Run("empty hash", func(t *testing.T) {
		if err := s.SetOwnerPassword(ctx, "bob@example.com", "", later); err == nil {
			t.Errorf("SetOwnerPassword(%q, \"\") = nil, want an error", "bob@example.com")
		}
		if _, _, err := s.FindOwnerSession(ctx, "bob-laptop", later); err != nil {
			t.Errorf("FindOwnerSession(%q) after a refused password change = %v, want nil", "bob-laptop", err)
		}
	})
}

func TestCreateOwnerSession(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	o := mustCreateOwner(t, s, "owner@example.com")
	mustCreateOwnerSession(t, s, newOwnerSession("taken", o.ID))

	if err := s.CreateOwnerSession(ctx, newOwnerSession("taken", o.ID)); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("CreateOwnerSession(%q) twice = %v, want %v", "taken", err, assessment.ErrConflict)
	}
	if err := s.CreateOwnerSession(ctx, newOwnerSession("orphan", o.ID+1)); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("CreateOwnerSession for owner %d = %v, want %v", o.ID+1, err, assessment.ErrNotFound)
	}
	if n := countRows(t, s, "owner_sessions"); n != 1 {
		t.Errorf("owner_sessions has %d rows, want 1", n)
	}
}

func TestFindOwnerSessionExpiry(t *testing.T) {
	s := mustOpen(t)
	o := mustCreateOwner(t, s, "owner@example.com")
	utc := now.UTC()
	idle := assessment.OwnerIdleTimeout
	tests := []struct {
		id               string
		lastSeen, expiry time.Time
		wantErr          error
	}{
		{"just signed in", utc, utc.Add(assessment.OwnerSessionLifetime), nil},
		{"idle 1ns short of the timeout", utc.Add(-idle + time.Nanosecond), utc.Add(time.Hour), nil},
		{"idle exactly the timeout", utc.Add(-idle), utc.Add(time.Hour), assessment.ErrNotFound},
		{"idle past the timeout", utc.Add(-idle - time.Nanosecond), utc.Add(time.Hour), assessment.ErrNotFound},
		{"expires in 1ns", utc, utc.Add(time.Nanosecond), nil},
		{"expires now", utc, utc, assessment.ErrNotFound},
		{"expired 1ns ago", utc, utc.Add(-time.Nanosecond), assessment.ErrNotFound},
		// Stored times compare as text, so they must all be stored in UTC.
		{"idle in an east zone", utc.Add(-idle - time.Minute).In(time.FixedZone("UTC+5", 5*3600)), utc.Add(time.Hour), assessment.ErrNotFound},
		{"live in a west zone", utc.Add(-idle + time.Minute).In(time.FixedZone("UTC-5", -5*3600)), utc.Add(time.Hour), nil},
		{"expired in an east zone", utc, utc.Add(-time.Minute).In(time.FixedZone("UTC+5", 5*3600)), assessment.ErrNotFound},
	}
	created := utc.Add(-2 * idle)
	for _, tt := range tests {
		mustCreateOwnerSession(t, s, &assessment.OwnerSession{
			IDHash: tt.id, OwnerID: o.ID, CreatedAt: created, LastSeenAt: tt.lastSeen, ExpiresAt: tt.expiry,
		})
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			sess, owner, err := s.FindOwnerSession(t.Context(), tt.id, now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("FindOwnerSession(%q) = %v, want %v", tt.id, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if sess != nil || owner != nil {
					t.Errorf("FindOwnerSession(%q) = %+v, %+v with an error, want nil, nil", tt.id, sess, owner)
				}
				return
			}
			want := assessment.OwnerSession{
				IDHash: tt.id, OwnerID: o.ID, CreatedAt: created, LastSeenAt: tt.lastSeen.UTC(), ExpiresAt: tt.expiry.UTC(),
			}
			if !reflect.DeepEqual(*sess, want) {
				t.Errorf("FindOwnerSession(%q) session = %+v, want %+v", tt.id, *sess, want)
			}
			if owner.ID != o.ID || owner.Email != o.Email || owner.PasswordHash != o.PasswordHash {
				t.Errorf("FindOwnerSession(%q) owner = %+v, want %+v", tt.id, *owner, *o)
			}
		})
	}

	t.Run("unknown id", func(t *testing.T) {
		if _, _, err := s.FindOwnerSession(t.Context(), "no-such-session", now); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindOwnerSession(%q) = %v, want %v", "no-such-session", err, assessment.ErrNotFound)
		}
	})
}

func TestTouchOwnerSession(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	o := mustCreateOwner(t, s, "owner@example.com")
	idle := assessment.OwnerIdleTimeout
	find := func(t *testing.T, id string, at time.Time) error {
		t.Helper()
		_, _, err := s.FindOwnerSession(ctx, id, at)
		return err
	}

	t.Run("extends idle", func(t *testing.T) {
		mustCreateOwnerSession(t, s, newOwnerSession("active", o.ID))
		touched := now.Add(idle / 2)
		if err := s.TouchOwnerSession(ctx, "active", touched); err != nil {
			t.Fatalf("TouchOwnerSession(%q) = %v", "active", err)
		}
		tests := []struct {
			at      time.Time
			wantErr error
		}{
			{now.Add(idle), nil}, // would be idle without the touch
			{touched.Add(idle - time.Nanosecond), nil},
			{touched.Add(idle), assessment.ErrNotFound},
		}
		for _, tt := range tests {
			if err := find(t, "active", tt.at); !errors.Is(err, tt.wantErr) {
				t.Errorf("FindOwnerSession(%q) at touch%+v = %v, want %v", "active", tt.at.Sub(touched), err, tt.wantErr)
			}
		}
	})

	t.Run("never moves back", func(t *testing.T) {
		mustCreateOwnerSession(t, s, newOwnerSession("raced", o.ID))
		later := now.Add(time.Hour)
		for _, at := range []time.Time{later, now.Add(time.Minute)} {
			if err := s.TouchOwnerSession(ctx, "raced", at); err != nil {
				t.Fatalf("TouchOwnerSession(%q, %v) = %v", "raced", at, err)
			}
		}
		sess, _, err := s.FindOwnerSession(ctx, "raced", later)
		if err != nil || !sess.LastSeenAt.Equal(later) {
			t.Errorf("FindOwnerSession(%q) after an older touch = %+v, %v; want last seen %v", "raced", sess, err, later)
		}
	})

	t.Run("does not extend absolute expiry", func(t *testing.T) {
		sess := newOwnerSession("short", o.ID)
		sess.ExpiresAt = now.Add(time.Hour)
		mustCreateOwnerSession(t, s, sess)
		if err := s.TouchOwnerSession(ctx, "short", now.Add(59*time.Minute)); err != nil {
			t.Fatalf("TouchOwnerSession(%q) = %v", "short", err)
		}
		if err := find(t, "short", now.Add(time.Hour)); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindOwnerSession(%q) at its expiry after a touch = %v, want %v", "short", err, assessment.ErrNotFound)
		}
	})

	t.Run("does not revive", func(t *testing.T) {
		mustCreateOwnerSession(t, s, newOwnerSession("idle", o.ID))
		for _, at := range []time.Time{now.Add(idle), now.Add(assessment.OwnerSessionLifetime)} {
			if err := s.TouchOwnerSession(ctx, "idle", at); !errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("TouchOwnerSession(%q) at %v = %v, want %v", "idle", at, err, assessment.ErrNotFound)
			}
			if err := find(t, "idle", at); !errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("FindOwnerSession(%q) at %v after touching it = %v, want %v", "idle", at, err, assessment.ErrNotFound)
			}
		}
	})

	t.Run("unknown id", func(t *testing.T) {
		if err := s.TouchOwnerSession(ctx, "no-such-session", now); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("TouchOwnerSession(%q) = %v, want %v", "no-such-session", err, assessment.ErrNotFound)
		}
	})
}

func TestDeleteOwnerSessions(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	alice := mustCreateOwner(t, s, "alice@example.com")
	bob := mustCreateOwner(t, s, "bob@example.com")
	for _, id := range []string{"alice-1", "alice-2", "alice-3"} {
		mustCreateOwnerSession(t, s, newOwnerSession(id, alice.ID))
	}
	mustCreateOwnerSession(t, s, newOwnerSession("bob-1", bob.ID))

	// Signing out ends one session only, and twice is fine.
	for range 2 {
		if err := s.DeleteOwnerSession(ctx, "alice-1"); err != nil {
			t.Errorf("DeleteOwnerSession(%q) = %v, want nil", "alice-1", err)
		}
	}
	if _, _, err := s.FindOwnerSession(ctx, "alice-1", now); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindOwnerSession(%q) after sign-out = %v, want %v", "alice-1", err, assessment.ErrNotFound)
	}
	if _, _, err := s.FindOwnerSession(ctx, "alice-2", now); err != nil {
		t.Errorf("FindOwnerSession(%q) after signing out another session = %v, want nil", "alice-2", err)
	}

	n, err := s.DeleteOwnerSessions(ctx, alice.ID)
	if err != nil || n != 2 {
		t.Errorf("DeleteOwnerSessions(%d) = %d, %v; want 2, nil", alice.ID, n, err)
	}
	for _, id := range []string{"alice-2", "alice-3"} {
		if _, _, err := s.FindOwnerSession(ctx, id, now); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindOwnerSession(%q) after signing out everywhere = %v, want %v", id, err, assessment.ErrNotFound)
		}
	}
	if _, _, err := s.FindOwnerSession(ctx, "bob-1", now); err != nil {
		t.Errorf("FindOwnerSession(%q) after another owner signed out everywhere = %v, want nil", "bob-1", err)
	}
	if n, err := s.DeleteOwnerSessions(ctx, alice.ID); err != nil || n != 0 {
		t.Errorf("DeleteOwnerSessions(%d) again = %d, %v; want 0, nil", alice.ID, n, err)
	}
}

func TestDeleteExpiredOwnerSessions(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	o := mustCreateOwner(t, s, "owner@example.com")
	idle := assessment.OwnerIdleTimeout
	session := func(id string, lastSeen, expires time.Time) *assessment.OwnerSession {
		return &assessment.OwnerSession{IDHash: id, OwnerID: o.ID, CreatedAt: now.Add(-idle), LastSeenAt: lastSeen, ExpiresAt: expires}
	}
	gone := []*assessment.OwnerSession{
		session("idle-exactly", now.Add(-idle), now.Add(time.Hour)),
		session("expires-now", now, now),
		session("expired-long-ago", now.Add(-3*idle), now.Add(-2*idle)),
	}
	kept := []*assessment.OwnerSession{
		session("idle-almost", now.Add(-idle+time.Nanosecond), now.Add(time.Hour)),
		session("expires-in-1ns", now, now.Add(time.Nanosecond)),
	}
	for _, list := range [][]*assessment.OwnerSession{gone, kept} {
		for _, sess := range list {
			mustCreateOwnerSession(t, s, sess)
		}
	}

	n, err := s.DeleteExpiredOwnerSessions(ctx, now)
	if err != nil || n != int64(len(gone)) {
		t.Fatalf("DeleteExpiredOwnerSessions(%v) = %d, %v; want %d, nil", now, n, err, len(gone))
	}
	if got := countRows(t, s, "owner_sessions"); got != len(kept) {
		t.Errorf("owner_sessions has %d rows after DeleteExpiredOwnerSessions, want %d", got, len(kept))
	}
	for _, sess := range kept {
		if _, _, err := s.FindOwnerSession(ctx, sess.IDHash, now); err != nil {
			t.Errorf("FindOwnerSession(%q) after DeleteExpiredOwnerSessions = %v, want nil", sess.IDHash, err)
		}
	}
	if n, err := s.DeleteExpiredOwnerSessions(ctx, now); err != nil || n != 0 {
		t.Errorf("DeleteExpiredOwnerSessions(%v) again = %d, %v; want 0, nil", now, n, err)
	}
}
