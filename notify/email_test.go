package notify_test

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
)

func newWorker(s notify.Store, q *assessment.Questionnaire, c *clock, channels ...notify.Channel) *notify.Worker {
	return notify.NewWorker(notify.WorkerConfig{Store: s, Channels: channels, Questionnaire: questionnaireOf(q),
		BaseURL: "https://fit.example.com/", Now: c.Now, AttemptTimeout: 2 * time.Second})
}

func mustRunOnce(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.RunOnce(t.Context())
	if err != nil {
		t.Fatalf("RunOnce = %v", err)
	}
	return n
}

func TestEmailCarriesTheResult(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	mail := startMailServer(t, "127.0.0.1:0")
	w := newWorker(s, q, c, newEmail(t, mail.addr))

	consented := submitAssessment(t, s, q, c.Now(), assessment.Contact{
		Name: "Ada Lovelace", Email: "ada@acme.example", Company: "Acme Analytics", Role: "CEO", Consent: true})
	if n := mustRunOnce(t, w); n != 1 {
		t.Fatalf("RunOnce attempted %d deliveries, want 1", n)
	}
	got := mail.mails()
	if len(got) != 1 {
		t.Fatalf("mail server received %d messages, want 1", len(got))
	}
	if got[0].From != "fitcheck@example.com" || strings.Join(got[0].To, ",") != "gregory@example.com,assistant@example.com" {
		t.Errorf("envelope = %s -> %v, want fitcheck@example.com -> both owners", got[0].From, got[0].To)
	}
	subject, text, html, header := readMail(t, got[0].Raw)
	if want := "New fitcheck result: book-a-call — Acme Analytics"; subject != want {
		t.Errorf("subject = %q, want %q", subject, want)
	}
	headline, _ := q.Outcome(assessment.BookACall)
	for _, want := range []string{headline.Headline, "Between stages, clarity is the gap.", "Between stages: Clear signal (5 of 6)",
		stuckWords, "Ada Lovelace", "ada@acme.example", "CEO", "newsletter / email (via news.example.com)",
		"https://fit.example.com/admin/a/" + itoa(consented.ID)} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
		if !strings.Contains(html, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(text, "Execution gap") {
		t.Errorf("text part lists a criterion that showed no sign as decisive:\n%s", text)
	}
	if rt := header.Get("Reply-To"); !strings.Contains(rt, "ada@acme.example") {
		t.Errorf("Reply-To = %q, want the founder who consented", rt)
	}

	// Without consent: the verdict and words, never who they are.
	c.Add(time.Minute)
	submitAssessment(t, s, q, c.Now(), assessment.Contact{Name: "Bob Secret", Email: "bob@hidden.example", Company: "Hidden Co", Consent: false})
	mustRunOnce(t, w)
	got = mail.mails()
	if len(got) != 2 {
		t.Fatalf("mail server received %d messages, want 2", len(got))
	}
	subject, text, html, header = readMail(t, got[1].Raw)
	for _, leak := range []string{"Bob Secret", "bob@hidden.example", "Hidden Co"} {
		if strings.Contains(string(got[1].Raw), leak) || strings.Contains(text+html+subject, leak) {
			t.Errorf("mail without consent contains %q", leak)
		}
	}
	if subject != "New fitcheck result: book-a-call" || !strings.Contains(text, stuckWords) || header.Get("Reply-To") != "" {
		t.Errorf("mail without consent: subject %q, Reply-To %q, text:\n%s\nwant no company, no Reply-To, their words kept", subject, header.Get("Reply-To"), text)
	}
}

// TestEmailRetriesUntilTheServerIsUp: the mail server is down when the
// assessment is submitted, and again at the first retry; the worker is
// restarted in between (a new Worker on a reopened database); once the
// server is up the owner gets exactly one e-mail.
func TestEmailRetriesUntilTheServerIsUp(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	path := t.TempDir() + "/fitcheck.db"
	s := openStore(t, path)

	// The server is down: nothing listens on its port yet.
	addr := closedPort(t)

	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{Name: "Ada", Email: "ada@acme.example", Consent: true})
	w := newWorker(s, q, c, newEmail(t, addr))
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryPending, 1)

	c.Add(notify.Backoff[0])
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryPending, 2)

	// Restart: the old worker and store go; a new process opens the file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path)
	defer s.Close()
	mail := startMailServer(t, addr)
	w = newWorker(s, q, c, newEmail(t, addr))

	if n := mustRunOnce(t, w); n != 0 {
		t.Errorf("RunOnce before the retry is due attempted %d, want 0", n)
	}
	c.Add(notify.Backoff[1])
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryDelivered, 3)
	if got := mail.mails(); len(got) != 1 {
		t.Fatalf("mail server received %d messages, want 1", len(got))
	}
	c.Add(time.Hour)
	mustRunOnce(t, w)
	if got := mail.mails(); len(got) != 1 {
		t.Errorf("after delivery the server received %d messages, want still 1", len(got))
	}
}

// TestFailsAfterTheLastRetry: a server that never comes up fails the
// delivery after the first attempt and every retry, and the owner's
// redeliver sends it again once it is up.
func TestFailsAfterTheLastRetry(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	addr := closedPort(t)
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
	w := newWorker(s, q, c, newEmail(t, addr))
	for i := range len(notify.Backoff) + 1 {
		if n := mustRunOnce(t, w); n != 1 {
			t.Fatalf("attempt %d: RunOnce attempted %d, want 1", i+1, n)
		}
		if i < len(notify.Backoff) {
			c.Add(notify.Backoff[i])
		}
	}
	d := assertDelivery(t, s, a.ID, assessment.DeliveryFailed, len(notify.Backoff)+1)
	if !strings.Contains(d.LastError, "connect") && !strings.Contains(d.LastError, "refused") {
		t.Errorf("last error = %q, want the connection failure", d.LastError)
	}
	c.Add(time.Hour)
	if n := mustRunOnce(t, w); n != 0 {
		t.Errorf("a failed delivery was attempted again (%d) without a redeliver", n)
	}

	mail := startMailServer(t, addr)
	if err := s.RedeliverDelivery(t.Context(), d.ID, c.Now()); err != nil {
		t.Fatal(err)
	}
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryDelivered, 1)
	if got := mail.mails(); len(got) != 1 {
		t.Errorf("after redeliver the server received %d messages, want 1", len(got))
	}
}

func assertDelivery(t *testing.T, s *data.Store, assessmentID int64, status assessment.DeliveryStatus, attempts int) assessment.Delivery {
	t.Helper()
	list, err := s.ListDeliveries(t.Context(), assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("deliveries = %+v, want 1", list)
	}
	if d := list[0]; d.Status != status || d.Attempts != attempts {
		t.Fatalf("delivery = %s after %d attempts (last error %q), want %s after %d", d.Status, d.Attempts, d.LastError, status, attempts)
	}
	return list[0]
}

func TestSMTPURLs(t *testing.T) {
	for _, tt := range []struct {
		url     string
		wantErr string
	}{
		{"smtp://user@mail.example.com:587", ""},
		{"smtps://mail.example.com:465", ""},
		{"smtps://mail.example.com", ""},
		{"smtp://127.0.0.1:2525?tls=none", ""},
		{"smtp://localhost:2525?tls=none", ""},
		{"smtp://mail.example.com:25?tls=none", "loopback"},
		{"smtp://user:hunter2@mail.example.com:587", "FITCHECK_SMTP_PASSWORD"},
		{"http://mail.example.com", "use smtp://"},
		{"smtp://mail.example.com?tls=maybe", "use smtp://"},
		{"smtp://:587", "no host"},
	} {
		_, err := notify.NewEmail(notify.SMTPConfig{URL: tt.url, From: "a@example.com", To: []string{"b@example.com"}})
		if tt.wantErr == "" && err != nil {
			t.Errorf("NewEmail(%q) = %v, want it accepted", tt.url, err)
		}
		if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("NewEmail(%q) = %v, want an error about %q", tt.url, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewEmail(%q) error shows the password: %v", tt.url, err)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// closedPort is a loopback address nothing listens on, for a server that
// starts later.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestEmailContactBlockIsOneLinePerField: a contact field holding CR or LF
// (stored before fields were cleaned when typed) cannot forge a line of the
// plain-text contact block, nor a break in the HTML one.
func TestEmailContactBlockIsOneLinePerField(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	mail := startMailServer(t, "127.0.0.1:0")
	w := newWorker(s, q, c, newEmail(t, mail.addr))
	submitAssessment(t, s, q, c.Now(), assessment.Contact{
		Name: "Bob\r\nBcc: everyone@example.com", Email: "bob@acme.example", Company: "Acme\nRole: CFO", Role: "CEO", Consent: true})
	mustRunOnce(t, w)
	got := mail.mails()
	if len(got) != 1 {
		t.Fatalf("mail server received %d messages, want 1", len(got))
	}
	subject, text, html, _ := readMail(t, got[0].Raw)
	for _, line := range strings.Split(text, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "Bcc:") || strings.HasPrefix(l, "Role: CFO") {
			t.Errorf("the plain-text part has a forged line %q:\n%s", l, text)
		}
	}
	for _, want := range []string{"Name: Bob Bcc: everyone@example.com", "Company: Acme Role: CFO"} {
		if !strings.Contains(text, want) {
			t.Errorf("the plain-text part lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(html, "Bob\r\n") || strings.Contains(html, "Bob\n") || strings.Contains(subject, "\n") {
		t.Errorf("a line break of the name reached the HTML part or the subject:\n%q\n%s", subject, html)
	}
}
