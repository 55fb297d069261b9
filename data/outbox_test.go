package data

import (
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

var channels = []string{"email", "webhook"}

const lease = time.Minute

// mustSubmit stores an assessment through SubmitDraft and returns it.
func mustSubmit(t *testing.T, s *Store, token string, change func(*assessment.Assessment)) *assessment.Assessment {
	t.Helper()
	mustCreateDraft(t, s, newDraft("draft-"+token, now.Add(time.Hour)))
	a := newAssessment(token, assessment.Contact{Name: "Ada", Email: "ada@example.com", Consent: true})
	if change != nil {
		change(a)
	}
	if _, err := s.SubmitDraft(t.Context(), "draft-"+token, a); err != nil {
		t.Fatalf("SubmitDraft(%q) = %v", token, err)
	}
	return a
}

func mustClaim(t *testing.T, s *Store, at time.Time) *assessment.Claim {
	t.Helper()
	c, err := s.ClaimDeliveries(t.Context(), channels, at, lease, 10)
	if err != nil {
		t.Fatalf("ClaimDeliveries(%v) = %v", at, err)
	}
	return c
}

func TestSubmitWritesOneEventInItsCommit(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	// A resent form finds the first submission and announces nothing new.
	if _, err := s.SubmitDraft(t.Context(), "draft-tok-1", newAssessment("tok-again", assessment.Contact{})); err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, s, "tok-bot", func(a *assessment.Assessment) { a.PossiblyAutomated = true })

	var typ string
	var assessmentID int64
	if err := s.db.QueryRow(`SELECT type, assessment_id FROM outbox`).Scan(&typ, &assessmentID); err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	if got := countRows(t, s, "outbox"); got != 1 {
		t.Errorf("outbox rows = %d, want 1 (one submit; a resend and a possibly automated one announce nothing)", got)
	}
	if typ != string(assessment.EventAssessmentCreated) || assessmentID != a.ID {
		t.Errorf("outbox event = %s for %d, want %s for %d", typ, assessmentID, assessment.EventAssessmentCreated, a.ID)
	}
	bot, err := s.FindAssessment(t.Context(), "tok-bot")
	if err != nil || !bot.PossiblyAutomated {
		t.Errorf("FindAssessment(tok-bot) = %+v, %v; want it stored and marked possibly automated", bot, err)
	}
}

// TestFailedSubmitAnnouncesNothing: a submit rolled back in its batch (a
// token clash) leaves no outbox row behind, while the others in the batch
// keep theirs.
func TestFailedSubmitAnnouncesNothing(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	mustSubmit(t, s, "taken", nil)
	mustCreateDraft(t, s, newDraft("clash", now.Add(time.Hour)))
	_, err := s.SubmitDraft(t.Context(), "clash", newAssessment("taken", assessment.Contact{}))
	if !errors.Is(err, assessment.ErrConflict) {
		t.Fatalf("SubmitDraft(clash) = %v, want ErrConflict", err)
	}
	if got := countRows(t, s, "outbox"); got != 1 {
		t.Errorf("outbox rows = %d, want 1", got)
	}
}

func TestClaimFansOutAndLeases(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	at := a.CreatedAt.Add(time.Second)

	c := mustClaim(t, s, at)
	if len(c.Deliveries) != 2 {
		t.Fatalf("first claim = %d deliveries, want 2 (email and webhook)", len(c.Deliveries))
	}
	for _, d := range c.Deliveries {
		if d.Attempts != 1 || d.Event.AssessmentID != a.ID || d.Event.Type != assessment.EventAssessmentCreated || d.Event.WebhookID == "" {
			t.Errorf("claimed %+v, want attempt 1 of assessment.created for %d with a webhook id", d, a.ID)
		}
	}
	if c.Deliveries[0].Event.WebhookID != c.Deliveries[1].Event.WebhookID {
		t.Errorf("webhook ids differ across channels: %q, %q", c.Deliveries[0].Event.WebhookID, c.Deliveries[1].Event.WebhookID)
	}
	if again := mustClaim(t, s, at.Add(lease-time.Second)); len(again.Deliveries) != 0 {
		t.Errorf("claim within the lease = %d deliveries, want 0", len(again.Deliveries))
	}
	// The claimer "died": once its lease ends the deliveries are due again.
	late := mustClaim(t, s, at.Add(lease))
	if len(late.Deliveries) != 2 || late.Deliveries[0].Attempts != 2 {
		t.Fatalf("claim after the lease = %+v, want both deliveries at attempt 2", late.Deliveries)
	}
	// The first claimer's word no longer counts.
	if err := s.MarkDelivered(t.Context(), c.Deliveries[0].ID, c.Token, at); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("MarkDelivered with a lapsed claim = %v, want ErrConflict", err)
	}
}

func TestSettleDeliveries(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	at := a.CreatedAt.Add(time.Second)
	c := mustClaim(t, s, at)
	email, hook := c.Deliveries[0], c.Deliveries[1]
	if email.Channel != "email" {
		email, hook = hook, email
	}
	if err := s.MarkDelivered(t.Context(), email.ID, c.Token, at); err != nil {
		t.Fatal(err)
	}
	if err := s.RetryDelivery(t.Context(), hook.ID, c.Token, at.Add(30*time.Second), "503 Service Unavailable", at); err != nil {
		t.Fatal(err)
	}
	if got := mustClaim(t, s, at.Add(29*time.Second)); len(got.Deliveries) != 0 {
		t.Errorf("claim before the retry is due = %d deliveries, want 0", len(got.Deliveries))
	}
	c2 := mustClaim(t, s, at.Add(30*time.Second))
	if len(c2.Deliveries) != 1 || c2.Deliveries[0].ID != hook.ID || c2.Deliveries[0].LastError != "503 Service Unavailable" {
		t.Fatalf("claim when the retry is due = %+v, want the webhook delivery with its last error", c2.Deliveries)
	}
	if err := s.FailDelivery(t.Context(), hook.ID, c2.Token, "connection refused", at.Add(31*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := mustClaim(t, s, at.Add(time.Hour)); len(got.Deliveries) != 0 {
		t.Errorf("claim after failing = %d deliveries, want 0: failed stays failed", len(got.Deliveries))
	}

	list, err := s.ListDeliveries(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]assessment.Delivery{}
	for _, d := range list {
		got[d.Channel] = d
	}
	if d := got["email"]; d.Status != assessment.DeliveryDelivered || !d.DeliveredAt.Equal(at) || d.Attempts != 1 {
		t.Errorf("email delivery = %+v, want delivered at %v after 1 attempt", d, at)
	}
	if d := got["webhook"]; d.Status != assessment.DeliveryFailed || d.LastError != "connection refused" || d.Attempts != 2 {
		t.Errorf("webhook delivery = %+v, want failed after 2 attempts with its last error", d)
	}

	if err := s.RedeliverDelivery(t.Context(), email.ID, at); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("RedeliverDelivery(delivered) = %v, want ErrConflict", err)
	}
	if err := s.RedeliverDelivery(t.Context(), 999, at); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("RedeliverDelivery(unknown) = %v, want ErrNotFound", err)
	}
	redo := at.Add(2 * time.Hour)
	if err := s.RedeliverDelivery(t.Context(), hook.ID, redo); err != nil {
		t.Fatalf("RedeliverDelivery(failed) = %v", err)
	}
	c3 := mustClaim(t, s, redo)
	if len(c3.Deliveries) != 1 || c3.Deliveries[0].ID != hook.ID || c3.Deliveries[0].Attempts != 1 {
		t.Errorf("claim after redeliver = %+v, want the webhook delivery at attempt 1", c3.Deliveries)
	}
}

// TestOutboxSurvivesRestart: an event acknowledged (committed) before the
// process stops, and a delivery claimed but never settled by a process that
// died, are both delivered by the next process on the same database.
func TestOutboxSurvivesRestart(t *testing.T) {
	path := newTestDB(t)
	first, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatal(err)
	}
	a := mustSubmit(t, first, "tok-1", nil)
	b := mustSubmit(t, first, "tok-2", func(b *assessment.Assessment) { b.CreatedAt = a.CreatedAt.Add(time.Minute) })
	at := b.CreatedAt.Add(time.Second)
	// The first process claims a's deliveries only, then stops without a word.
	if _, err := first.ClaimDeliveries(t.Context(), channels, at, lease, 2); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := mustOpenAt(t, path)
	c := mustClaim(t, second, at)
	if len(c.Deliveries) != 2 || c.Deliveries[0].Event.AssessmentID != b.ID {
		t.Fatalf("claim after restart = %+v, want tok-2's two unclaimed deliveries", c.Deliveries)
	}
	for _, d := range c.Deliveries {
		if err := second.MarkDelivered(t.Context(), d.ID, c.Token, at); err != nil {
			t.Fatal(err)
		}
	}
	c = mustClaim(t, second, at.Add(lease))
	if len(c.Deliveries) != 2 || c.Deliveries[0].Event.AssessmentID != a.ID {
		t.Fatalf("claim after the dead claim's lease = %+v, want tok-1's two deliveries", c.Deliveries)
	}
}

func TestClaimWithNothingToDoWritesNothing(t *testing.T) {
	var commits atomic.Int64
	s := mustOpenAt(t, newTestDB(t), ObserveCommits(func(int) { commits.Add(1) }))
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatal(err)
	}
	before := commits.Load()
	if c := mustClaim(t, s, now); len(c.Deliveries) != 0 || c.Token != "" {
		t.Errorf("empty claim = %+v, want nothing", c)
	}
	if n := commits.Load() - before; n != 0 {
		t.Errorf("an empty claim made %d commits, want 0", n)
	}
}

func TestAddMessage(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	bot := mustSubmit(t, s, "tok-bot", func(a *assessment.Assessment) { a.PossiblyAutomated = true })
	at := a.CreatedAt.Add(time.Minute)

	m := &assessment.Message{AssessmentID: a.ID, Email: "ada@example.com", Consent: false, Body: "Can we talk in May?", CreatedAt: at}
	if err := s.AddMessage(t.Context(), m); err != nil {
		t.Fatalf("AddMessage = %v", err)
	}
	got, err := s.FindMessage(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "" || got.Body != m.Body || !got.CreatedAt.Equal(at) {
		t.Errorf("FindMessage = %+v, want the body kept and no email without consent", got)
	}
	if err := s.AddMessage(t.Context(), &assessment.Message{AssessmentID: 999, Body: "x", CreatedAt: at}); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("AddMessage(unknown assessment) = %v, want ErrNotFound", err)
	}
	if err := s.AddMessage(t.Context(), &assessment.Message{AssessmentID: bot.ID, Body: "x", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}

	c := mustClaim(t, s, at)
	var messages int
	for _, d := range c.Deliveries {
		if d.Event.Type == assessment.EventMessageCreated {
			messages++
			if d.Event.MessageID != m.ID || d.Event.AssessmentID != a.ID {
				t.Errorf("message delivery = %+v, want message %d of assessment %d", d.Event, m.ID, a.ID)
			}
		}
	}
	if messages != len(channels) {
		t.Errorf("message.created deliveries = %d, want %d (one per channel; none for the possibly automated one)", messages, len(channels))
	}
}

// TestDeleteTakesDeliveriesAlong: deleting an assessment leaves none of its
// messages, outbox rows or booking events behind.
func TestDeleteTakesDeliveriesAlong(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	if err := s.AddMessage(t.Context(), &assessment.Message{AssessmentID: a.ID, Body: "hello", CreatedAt: a.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, a.CreatedAt)
	if err := s.RecordBookingClick(t.Context(), a.ID, a.CreatedAt); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAssessment(t.Context(), a.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"messages", "outbox", "deliveries", "booking_events"} {
		if n := countRows(t, s, table); n != 0 {
			t.Errorf("%s rows after delete = %d, want 0", table, n)
		}
	}
}

// TestFanOutAfterDeletingTheNewest: the events still to fan out are those
// after the newest one with deliveries, so deleting the newest assessment
// (whose event id SQLite then gives to the next one) loses no event.
func TestFanOutAfterDeletingTheNewest(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	first := mustSubmit(t, s, "tok-1", nil)
	second := mustSubmit(t, s, "tok-2", nil)
	at := second.CreatedAt.Add(time.Second)
	mustClaim(t, s, at) // fans out both
	if err := s.DeleteAssessment(t.Context(), second.ID); err != nil {
		t.Fatal(err)
	}
	third := mustSubmit(t, s, "tok-3", nil) // its event takes the deleted one's id
	unfanned := mustSubmit(t, s, "tok-4", nil)
	if err := s.DeleteAssessment(t.Context(), unfanned.ID); err != nil {
		t.Fatal(err)
	}
	fourth := mustSubmit(t, s, "tok-5", nil)
	c := mustClaim(t, s, at.Add(time.Hour))
	got := map[int64]int{}
	for _, d := range c.Deliveries {
		got[d.Event.AssessmentID]++
	}
	want := map[int64]int{first.ID: 2, third.ID: 2, fourth.ID: 2} // first's lease ran out
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deliveries per assessment = %v, want %v", got, want)
	}
}

// TestAddMessageWithin: a result's messages are limited per day, counted
// in the database; an unlimited add (0) is not held back, and the day
// after, the result may write again.
func TestAddMessageWithin(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	at := a.CreatedAt.Add(time.Minute)
	add := func(when time.Time, limit int) error {
		return s.AddMessageWithin(t.Context(), &assessment.Message{AssessmentID: a.ID, Body: "hello", CreatedAt: when}, limit)
	}
	for i := range 3 {
		if err := add(at.Add(time.Duration(i)*time.Minute), 3); err != nil {
			t.Fatalf("message %d = %v", i+1, err)
		}
	}
	if err := add(at.Add(time.Hour), 3); !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("a fourth message within the day = %v, want ErrTooMany", err)
	}
	if got := countRows(t, s, "messages"); got != 3 {
		t.Errorf("messages = %d, want 3", got)
	}
	if err := add(at.Add(assessment.MessageWindow+time.Hour), 3); err != nil {
		t.Errorf("a message the day after = %v, want it stored", err)
	}
	if err := s.AddMessageWithin(t.Context(), &assessment.Message{AssessmentID: 999, Body: "x", CreatedAt: at}, 3); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("a message to an unknown assessment = %v, want ErrNotFound", err)
	}
}
