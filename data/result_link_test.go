package data

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func linkRequest(a *assessment.Assessment, to, key string, at time.Time) *assessment.LinkRequest {
	return &assessment.LinkRequest{AssessmentID: a.ID, Recipient: to, RecipientKey: key, ClientKey: "client-" + key, CreatedAt: at}
}

// addressLimit limits link requests by address alone: the other limits are
// out of reach.
func addressLimit(n int) assessment.LinkLimits {
	return assessment.LinkLimits{PerResult: 1000, PerAddress: n, PerClient: 1000}
}

// storedRecipient is what the outbox row of a delivery still holds of its
// address, read as an operator would.
func storedRecipient(t *testing.T, s *Store, deliveryID int64) (recipient, key sql.NullString) {
	t.Helper()
	err := s.db.QueryRowContext(t.Context(), `SELECT o.recipient, o.recipient_key FROM outbox o
		JOIN deliveries d ON d.outbox_id = o.id WHERE d.id = ?`, deliveryID).Scan(&recipient, &key)
	if err != nil {
		t.Fatalf("read outbox row of delivery %d: %v", deliveryID, err)
	}
	return recipient, key
}

// TestResultLinkGoesByEmailOnly: a link request becomes one delivery, by
// e-mail, however many channels there are, and carries its address to the
// worker.
func TestResultLinkGoesByEmailOnly(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	if err := s.RequestResultLink(t.Context(), linkRequest(a, "founder@example.com", "key-1", now), addressLimit(3)); err != nil {
		t.Fatalf("RequestResultLink = %v", err)
	}
	c, err := s.ClaimDeliveries(t.Context(), []string{"email", "webhook", "slack"}, now.Add(2*time.Hour), lease, 10)
	if err != nil {
		t.Fatal(err)
	}
	var links []assessment.Delivery
	for _, d := range c.Deliveries {
		if d.Event.Type == assessment.EventResultLink {
			links = append(links, d)
		}
	}
	if len(c.Deliveries) != 4 || len(links) != 1 || links[0].Channel != assessment.EmailChannel {
		t.Fatalf("claimed %+v; want the submit on three channels and the link request once, by email", c.Deliveries)
	}
	if links[0].Event.Recipient != "founder@example.com" {
		t.Errorf("link delivery's recipient = %q, want founder@example.com", links[0].Event.Recipient)
	}

	// Without e-mail configured the request still gets its delivery (and
	// the worker fails it): events never wait unfanned behind it.
	if err := s.RequestResultLink(t.Context(), linkRequest(a, "founder@example.com", "key-1", now), addressLimit(3)); err != nil {
		t.Fatal(err)
	}
	c, err = s.ClaimDeliveries(t.Context(), []string{"webhook"}, now.Add(2*time.Hour), lease, 10)
	if err != nil || len(c.Deliveries) != 1 || c.Deliveries[0].Channel != assessment.EmailChannel {
		t.Fatalf("claim with webhook only = %+v, %v; want the link request's one email delivery", c, err)
	}
}

// TestResultLinkAddressIsErasedWhenSettled: delivered or finally failed,
// the address is gone from the row; a retry keeps it; the consented contact
// address stays, being stored with the assessment anyway.
func TestResultLinkAddressIsErasedWhenSettled(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil) // consented contact: ada@example.com
	settle := map[string]func(d assessment.Delivery, token string) error{
		"delivered": func(d assessment.Delivery, token string) error {
			return s.MarkDelivered(t.Context(), d.ID, token, now)
		},
		"failed": func(d assessment.Delivery, token string) error {
			return s.FailDelivery(t.Context(), d.ID, token, "refused", now)
		},
		"retried": func(d assessment.Delivery, token string) error {
			return s.RetryDelivery(t.Context(), d.ID, token, now.Add(time.Hour), "busy", now)
		},
	}
	tests := []struct {
		settle, to string
		wantKept   bool
	}{
		{"delivered", "someone@example.com", false},
		{"failed", "someone@example.com", false},
		{"retried", "someone@example.com", true},
		{"delivered", "Ada@Example.com", true},
	}
	at := now.Add(time.Minute)
	for i, tt := range tests {
		if err := s.RequestResultLink(t.Context(), linkRequest(a, tt.to, "key", now), addressLimit(10)); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Minute)
		c, err := s.ClaimDeliveries(t.Context(), []string{"email"}, at, lease, 10)
		if err != nil {
			t.Fatal(err)
		}
		var d *assessment.Delivery
		for j := range c.Deliveries {
			if c.Deliveries[j].Event.Type == assessment.EventResultLink {
				d = &c.Deliveries[j]
			} else if err := s.MarkDelivered(t.Context(), c.Deliveries[j].ID, c.Token, at); err != nil {
				t.Fatal(err)
			}
		}
		if d == nil {
			t.Fatalf("case %d: no link delivery claimed", i)
		}
		if err := settle[tt.settle](*d, c.Token); err != nil {
			t.Fatalf("case %d: %s = %v", i, tt.settle, err)
		}
		recipient, key := storedRecipient(t, s, d.ID)
		if recipient.Valid != tt.wantKept || (tt.wantKept && recipient.String != tt.to) {
			t.Errorf("%s to %s: stored recipient = %+v, want kept %v", tt.settle, tt.to, recipient, tt.wantKept)
		}
		if !key.Valid {
			t.Errorf("%s to %s: the address pseudonym went with the address; it must count for a day", tt.settle, tt.to)
		}
	}
}

// TestResultLinkLimitPerAddress: an address gets at most the limit within
// a day, counted across assessments, and again once the day has passed;
// another address is not held back.
func TestResultLinkLimitPerAddress(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	b := mustSubmit(t, s, "tok-2", nil)
	for i, from := range []*assessment.Assessment{a, b, a} {
		if err := s.RequestResultLink(t.Context(), linkRequest(from, "x@example.com", "key-x", now.Add(time.Duration(i)*time.Hour)), addressLimit(3)); err != nil {
			t.Fatalf("request %d = %v, want it stored", i+1, err)
		}
	}
	err := s.RequestResultLink(t.Context(), linkRequest(b, "x@example.com", "key-x", now.Add(5*time.Hour)), addressLimit(3))
	if !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("a fourth request within the day = %v, want ErrTooMany", err)
	}
	if err := s.RequestResultLink(t.Context(), linkRequest(b, "y@example.com", "key-y", now.Add(5*time.Hour)), addressLimit(3)); err != nil {
		t.Errorf("another address = %v, want it stored", err)
	}
	// The first request is more than a day old by then: one slot is free.
	if err := s.RequestResultLink(t.Context(), linkRequest(b, "x@example.com", "key-x", now.Add(25*time.Hour)), addressLimit(3)); err != nil {
		t.Errorf("a request a day after the first = %v, want it stored", err)
	}
	if got := countRows(t, s, "outbox"); got != 2+5 {
		t.Errorf("outbox rows = %d, want 7 (two submits, five link requests)", got)
	}
	err = s.RequestResultLink(t.Context(), &assessment.LinkRequest{AssessmentID: 999, Recipient: "z@example.com", RecipientKey: "key-z", CreatedAt: now}, addressLimit(3))
	if !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("a request for an unknown assessment = %v, want ErrNotFound", err)
	}
}

// TestResultLinkLimitsPerResultAndPerClient: one result sends at most its
// limit a day whatever the addresses, and one client at most its own over
// every result; either refusal stores nothing, and each is counted in the
// database, so a second store on the same database (another instance)
// sees the same counts.
func TestResultLinkLimitsPerResultAndPerClient(t *testing.T) {
	path := newTestDB(t)
	s := mustOpenAt(t, path)
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("title: test\n"), now); err != nil {
		t.Fatal(err)
	}
	other := mustOpenAt(t, path) // another instance on the same database
	a := mustSubmit(t, s, "tok-1", nil)
	b := mustSubmit(t, s, "tok-2", nil)
	c := mustSubmit(t, s, "tok-3", nil)
	limits := assessment.LinkLimits{PerResult: 3, PerAddress: 3, PerClient: 5}
	ask := func(st *Store, from *assessment.Assessment, to, client string, at time.Time) error {
		return st.RequestResultLink(t.Context(), &assessment.LinkRequest{AssessmentID: from.ID, Recipient: to,
			RecipientKey: "key-" + to, ClientKey: client, CreatedAt: at}, limits)
	}
	for i := range 3 {
		st := []*Store{s, other}[i%2]
		if err := ask(st, a, fmt.Sprintf("bulk%d@victim.example", i), "client-1", now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatalf("request %d from result a = %v, want it stored", i+1, err)
		}
	}
	if err := ask(other, a, "bulk9@victim.example", "client-2", now.Add(time.Hour)); !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("a fourth address from one result within the day = %v, want ErrTooMany", err)
	}
	// client-1 has asked three times; two more from another result, then no more.
	for i, from := range []*assessment.Assessment{b, b} {
		if err := ask(s, from, fmt.Sprintf("other%d@example.com", i), "client-1", now.Add(time.Hour)); err != nil {
			t.Fatalf("request %d from result b = %v, want it stored", i+1, err)
		}
	}
	if err := ask(other, c, "fresh@example.com", "client-1", now.Add(2*time.Hour)); !errors.Is(err, assessment.ErrTooMany) {
		t.Errorf("a sixth request from one client within the day = %v, want ErrTooMany", err)
	}
	if err := ask(other, c, "fresh@example.com", "client-2", now.Add(2*time.Hour)); err != nil {
		t.Errorf("the same request from another client = %v, want it stored", err)
	}
	if got := countRows(t, s, "outbox"); got != 3+6 {
		t.Errorf("outbox rows = %d, want 9 (three submits, six link requests)", got)
	}
	if err := ask(s, a, "later@example.com", "client-1", now.Add(25*time.Hour)); err != nil {
		t.Errorf("a request a day later = %v, want it stored", err)
	}
}

// TestForgetLinkRecipientKeys: past the window the pseudonyms go, and with
// them any way to tie a later request to an earlier one.
func TestForgetLinkRecipientKeys(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	for _, at := range []time.Time{now, now.Add(23 * time.Hour)} {
		if err := s.RequestResultLink(t.Context(), linkRequest(a, "x@example.com", "key-x", at), addressLimit(3)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.ForgetLinkRecipientKeys(t.Context(), now.Add(24*time.Hour).Add(-assessment.LinkRequestWindow).Add(time.Second))
	if err != nil || n != 1 {
		t.Errorf("ForgetLinkRecipientKeys = %d, %v; want 1 (the day-old request only)", n, err)
	}
	var left int
	if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM outbox WHERE recipient_key IS NOT NULL OR client_key IS NOT NULL`).Scan(&left); err != nil || left != 1 {
		t.Errorf("rows with pseudonyms left = %d, %v; want 1", left, err)
	}
}

// TestErasedAddressLeavesNoTrace: once delivered, the address is in neither
// the database file nor its WAL.
func TestErasedAddressLeavesNoTrace(t *testing.T) {
	sqliteOnly(t, "it reads the SQLite file and its WAL")
	path := newTestDB(t)
	s := mustOpenAt(t, path)
	if err := s.SaveQuestionnaire(t.Context(), testVersion, []byte("version: test"), now); err != nil {
		t.Fatal(err)
	}
	a := mustSubmit(t, s, "tok-1", nil)
	const marker = "quokka-unique-9f3@example.com"
	if err := s.RequestResultLink(t.Context(), linkRequest(a, marker, "key", now), addressLimit(3)); err != nil {
		t.Fatal(err)
	}
	c, err := s.ClaimDeliveries(t.Context(), []string{"email"}, now.Add(2*time.Hour), lease, 10)
	if err != nil {
		t.Fatal(err)
	}
	if where := filesHolding(t, path, marker); len(where) == 0 {
		t.Fatalf("the address is in no file before delivery; the test reads the wrong files")
	}
	for _, d := range c.Deliveries {
		if err := s.MarkDelivered(t.Context(), d.ID, c.Token, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if where := filesHolding(t, path, marker); len(where) > 0 {
		t.Errorf("the delivered address is still in %v", where)
	}
}
