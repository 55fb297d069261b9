package data

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestTwoStoresNeverClaimTheSameDelivery: two stores on one database (two
// instances behind a load balancer, each with its delivery worker) fan out
// and claim at the same moment from several goroutines each. Every
// delivery is claimed exactly once: no two claims hold it, and its attempt
// count (raised by every claim) is 1. On SQLite the two stores' writers
// take turns on the file's lock; on PostgreSQL the claim's SKIP LOCKED and
// the fan-out's outbox lock do it.
func TestTwoStoresNeverClaimTheSameDelivery(t *testing.T) {
	db := newTestDB(t)
	a := mustOpenAt(t, db)
	if err := a.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatal(err)
	}
	const events = 40
	var last *assessment.Assessment
	for i := range events {
		last = mustSubmit(t, a, fmt.Sprintf("tok-%d", i), nil)
	}
	b := mustOpenAt(t, db)
	at := last.CreatedAt.Add(time.Second)

	var (
		mu      sync.Mutex
		claimed = map[int64]string{} // delivery → the claim that got it
		dupes   []string
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for _, s := range []*Store{a, b, a, b, a, b} {
		wg.Go(func() {
			<-start
			for {
				// A lease far longer than the test: a delivery claimed once
				// is never due again here.
				c, err := s.ClaimDeliveries(t.Context(), channels, at, time.Hour, 3)
				if err != nil {
					t.Errorf("ClaimDeliveries = %v", err)
					return
				}
				if len(c.Deliveries) == 0 {
					return
				}
				mu.Lock()
				for _, d := range c.Deliveries {
					if first, ok := claimed[d.ID]; ok {
						dupes = append(dupes, fmt.Sprintf("delivery %d by %s and %s", d.ID, first, c.Token))
					}
					claimed[d.ID] = c.Token
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()

	if len(dupes) > 0 {
		t.Errorf("%d deliveries claimed twice, e.g. %v", len(dupes), dupes[:min(3, len(dupes))])
	}
	if want := events * len(channels); len(claimed) != want || countRows(t, a, "deliveries") != want {
		t.Errorf("claimed %d deliveries of %d stored, want %d: one per event and channel, each claimed",
			len(claimed), countRows(t, a, "deliveries"), want)
	}
	var recounted int
	if err := a.db.QueryRowContext(t.Context(), `SELECT count(*) FROM deliveries WHERE attempts <> 1`).Scan(&recounted); err != nil {
		t.Fatal(err)
	}
	if recounted != 0 {
		t.Errorf("%d deliveries were claimed more than once (attempts above 1)", recounted)
	}
}

// TestFanOutWaitsForAnEventStillCommitting: on PostgreSQL an event's id is
// given when it is inserted, not when it commits, so a submit can commit
// event 1 after event 2 is already visible. The fan-out must not pass
// event 1 by: it waits for the insert under way, and both events reach
// their channels.
func TestFanOutWaitsForAnEventStillCommitting(t *testing.T) {
	if testPostgres == "" {
		t.Skip("PostgreSQL only: SQLite has one writer, so ids are given in commit order")
	}
	s := mustOpenWithQuestionnaire(t)
	first := mustSubmit(t, s, "tok-1", nil)
	// An event inserted and not yet committed (a submit in the middle of
	// its transaction) takes the lower id.
	tx, err := s.db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var slow int64
	if err := tx.QueryRowContext(t.Context(), `INSERT INTO outbox (type, assessment_id, webhook_id, created_at)
		VALUES (?, ?, 'msg_slow', ?) RETURNING id`, string(assessment.EventAssessmentCreated), first.ID, formatTime(first.CreatedAt)).Scan(&slow); err != nil {
		t.Fatal(err)
	}
	second := mustSubmit(t, s, "tok-2", nil) // committed, with a higher id
	at := second.CreatedAt.Add(time.Second)

	done := make(chan *assessment.Claim, 1)
	go func() {
		c, err := s.ClaimDeliveries(t.Context(), channels, at, lease, 10)
		if err != nil {
			t.Errorf("ClaimDeliveries = %v", err)
		}
		done <- c
	}()
	// Commit the slow event once the claim has reached the outbox (it is
	// waiting for the lock), or has finished without waiting.
	var claim *assessment.Claim
	for claim == nil {
		var waiting int
		if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_locks
			WHERE NOT granted AND relation = 'outbox'::regclass`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case claim = <-done:
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if claim == nil {
		claim = <-done
	}
	later := mustClaim(t, s, at) // whatever the first claim left
	got := map[int64]int{}
	for _, d := range append(claim.Deliveries, later.Deliveries...) {
		got[d.Event.ID]++
	}
	if got[slow] != len(channels) {
		t.Errorf("deliveries of the event that committed last = %d, want %d (claimed: %v)", got[slow], len(channels), got)
	}
}
