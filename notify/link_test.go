package notify_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
)

func requestLink(t *testing.T, s *data.Store, a *assessment.Assessment, to string, at time.Time) {
	t.Helper()
	if err := s.RequestResultLink(t.Context(), &assessment.LinkRequest{AssessmentID: a.ID, Recipient: to, RecipientKey: "key-" + to, CreatedAt: at}, assessment.LinkLimits{PerResult: 100, PerAddress: 100, PerClient: 100}); err != nil {
		t.Fatalf("RequestResultLink(%s) = %v", to, err)
	}
}

// linkDelivery is the result.link delivery of an assessment, as stored.
func linkDelivery(t *testing.T, s *data.Store, assessmentID int64) assessment.Delivery {
	t.Helper()
	ds, err := s.ListDeliveries(t.Context(), assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	var links []assessment.Delivery
	for _, d := range ds {
		if d.Event.Type == assessment.EventResultLink {
			links = append(links, d)
		}
	}
	if len(links) != 1 {
		t.Fatalf("deliveries of assessment %d = %+v, want one result.link", assessmentID, ds)
	}
	return links[0]
}

// TestResultLinkEmail: the founder who asked gets their share link, signed
// by the owner, and nothing of their answers, their words or their contact
// details; the webhook hears nothing of it; once delivered the address is
// gone from the database.
func TestResultLinkEmail(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	mail := startMailServer(t, "127.0.0.1:0")
	hook := &receiver{}
	hookSrv := httptest.NewServer(hook)
	defer hookSrv.Close()
	w := newWorker(s, q, c, newEmail(t, mail.addr), newWebhook(t, hookSrv.URL, c))

	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{Name: "Ada Lovelace", Email: "ada@acme.example", Company: "Acme Analytics", Consent: true})
	mustRunOnce(t, w) // the owner's e-mail and webhook of the submit
	requestLink(t, s, a, "cofounder@acme.example", c.Now())
	if n := mustRunOnce(t, w); n != 1 {
		t.Fatalf("RunOnce after the link request attempted %d deliveries, want 1 (e-mail only)", n)
	}
	got := mail.mails()
	if len(got) != 2 {
		t.Fatalf("mail server received %d messages, want 2 (the owner's, then the founder's link)", len(got))
	}
	link := got[1]
	if strings.Join(link.To, ",") != "cofounder@acme.example" {
		t.Errorf("link e-mail went to %v, want only the address typed (never the owner's)", link.To)
	}
	subject, text, html, header := readMail(t, link.Raw)
	if subject != "Your fitcheck result" {
		t.Errorf("subject = %q, want %q", subject, "Your fitcheck result")
	}
	headline, _ := q.Outcome(assessment.BookACall)
	shareURL := "https://fit.example.com/r/" + a.Token
	for _, want := range []string{headline.Headline, shareURL, q.Owner.FirstName()} {
		if !strings.Contains(text, want) || !strings.Contains(html, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("link e-mail lacks %q:\ntext:\n%s\nhtml:\n%s", want, text, html)
		}
	}
	for _, leak := range []string{stuckWords, "Ada Lovelace", "ada@acme.example", "Acme Analytics", "Between stages", "/admin"} {
		if strings.Contains(string(link.Raw), leak) || strings.Contains(text+html, leak) {
			t.Errorf("link e-mail contains %q: it must carry the link, not the answers", leak)
		}
	}
	if header.Get("Reply-To") != "" {
		t.Errorf("link e-mail Reply-To = %q, want none", header.Get("Reply-To"))
	}
	for _, r := range hook.requests() {
		if strings.Contains(string(r.body), "result.link") || strings.Contains(string(r.body), "cofounder@acme.example") {
			t.Errorf("the webhook was told of the link request: %s", r.body)
		}
	}
	if n := len(hook.requests()); n != 1 {
		t.Errorf("webhook received %d requests, want 1 (the submit only)", n)
	}
	if d := linkDelivery(t, s, a.ID); d.Status != assessment.DeliveryDelivered || d.Event.Recipient != "" {
		t.Errorf("link delivery after sending = %s, recipient %q; want delivered and the address erased", d.Status, d.Event.Recipient)
	}
}

// TestResultLinkRetriesThenErases: the mail server is down, so the address
// is kept for the retries; it is erased once the e-mail is finally given
// up on, and a redelivery then fails at once rather than write to nobody.
func TestResultLinkRetriesThenErases(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	addr := closedPort(t)
	w := newWorker(s, q, c, newEmail(t, addr))
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
	requestLink(t, s, a, "founder@example.com", c.Now())
	mustRunOnce(t, w)
	if d := linkDelivery(t, s, a.ID); d.Status != assessment.DeliveryPending || d.Event.Recipient != "founder@example.com" {
		t.Fatalf("after a failed first attempt: %s, recipient %q; want pending with the address kept", d.Status, d.Event.Recipient)
	}
	for _, wait := range notify.Backoff {
		c.Add(wait)
		mustRunOnce(t, w)
	}
	d := linkDelivery(t, s, a.ID)
	if d.Status != assessment.DeliveryFailed || d.Event.Recipient != "" {
		t.Fatalf("after the last retry: %s, recipient %q; want failed and the address erased", d.Status, d.Event.Recipient)
	}
	mail := startMailServer(t, addr)
	if err := s.RedeliverDelivery(t.Context(), d.ID, c.Now()); err != nil {
		t.Fatal(err)
	}
	mustRunOnce(t, w)
	if d := linkDelivery(t, s, a.ID); d.Status != assessment.DeliveryFailed || !strings.Contains(d.LastError, "erased") {
		t.Errorf("redelivered without an address: %s (%q), want failed at once saying the address was erased", d.Status, d.LastError)
	}
	if n := len(mail.mails()); n != 0 {
		t.Errorf("mail server received %d messages, want none (the owner's e-mail failed with it, and was not redelivered)", n)
	}
}
