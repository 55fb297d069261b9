package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
)

// inbox is a real SMTP server on loopback that keeps the messages it gets.
type inbox struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return inboxSession{b}, nil }

func (b *inbox) messages() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.msgs...)
}

type inboxSession struct{ b *inbox }

func (inboxSession) Reset()                               {}
func (inboxSession) Logout() error                        { return nil }
func (inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (inboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s inboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, raw)
	s.b.mu.Unlock()
	return nil
}

func startInbox(t *testing.T, addr string) *inbox {
	t.Helper()
	b := &inbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b
}

var adminLink = regexp.MustCompile(`/admin/a/(\d+)`)

// TestNotificationsSurviveSIGKILL: the mail server is down while founders
// submit; the server is killed; the mail server comes up and fitcheck
// starts again on the same file: every submit it had acknowledged reaches
// the owner's inbox.
func TestNotificationsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts a child process")
	}
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	var steps []url.Values
	for _, st := range q.Steps {
		form := url.Values{"_nav": {"next"}}
		for _, qn := range st.Questions {
			if v, ok := q.Examples[0].Answers[qn.ID]; ok {
				form[qn.ID] = v
			}
		}
		steps = append(steps, form)
	}
	steps = append(steps, url.Values{"_nav": {"next"}})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpAddr := ln.Addr().String()
	ln.Close() // down until after the kill
	flags := []string{"-smtp-url", "smtp://" + smtpAddr + "?tls=none", "-mail-from", "fitcheck@example.com",
		"-notify-email", "gregory@example.com", "-base-url", "https://fit.example.com"}

	child, base := startChild(t, db, flags...)
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	// A short burst, so no delivery is past its first retry at the kill.
	stopAt := time.Now().Add(2 * time.Second)
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(stopAt) {
				if token := submitOne(base, steps); token != "" {
					mu.Lock()
					acked = append(acked, token)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if len(acked) < 5 {
		t.Fatalf("only %d submits acknowledged; the test needs more", len(acked))
	}

	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, token := range acked {
		a, err := store.FindAssessment(t.Context(), token)
		if err != nil {
			t.Fatalf("acknowledged submit %s lost: %v", token, err)
		}
		want[strconv.FormatInt(a.ID, 10)] = true
	}
	store.Close()

	mail := startInbox(t, smtpAddr)
	startChild(t, db, flags...)
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := map[string]bool{}
		for _, m := range mail.messages() {
			if sub := adminLink.FindSubmatch(m); sub != nil {
				got[string(sub[1])] = true
			}
		}
		missing := 0
		for id := range want {
			if !got[id] {
				missing++
			}
		}
		if missing == 0 {
			t.Logf("%d acknowledged submits, %d e-mails after SIGKILL and restart", len(want), len(mail.messages()))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged submits never reached the inbox after restart", missing, len(want))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestBadNotificationConfigurationIsRefused(t *testing.T) {
	smtpFlags := []string{"-mail-from", "fitcheck@example.com", "-notify-email", "gregory@example.com"}
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"smtp without sender", []string{"-smtp-url", "smtp://mail.example.com:587", "-notify-email", "g@example.com"}, nil, "-mail-from"},
		{"recipients without smtp", []string{"-notify-email", "g@example.com"}, nil, "-smtp-url"},
		{"plain text to a remote host", append([]string{"-smtp-url", "smtp://mail.example.com:25?tls=none"}, smtpFlags...), nil, "loopback"},
		{"password in the URL", append([]string{"-smtp-url", "smtp://u:secret@mail.example.com:587"}, smtpFlags...), nil, "FITCHECK_SMTP_PASSWORD"},
		{"relative webhook URL", nil, map[string]string{"FITCHECK_WEBHOOK_URL": "hooks.example.com"}, "FITCHECK_WEBHOOK_URL"},
		{"bad webhook secret", nil, map[string]string{"FITCHECK_WEBHOOK_URL": "https://hooks.example.com/x", "FITCHECK_WEBHOOK_SECRET": "whsec_!!"}, "FITCHECK_WEBHOOK_SECRET"},
		{"relative Slack URL", nil, map[string]string{"FITCHECK_SLACK_WEBHOOK_URL": "hooks.slack.com/x"}, "FITCHECK_SLACK_WEBHOOK_URL"},
		{"webhook URL as a flag", []string{"-webhook-url", "https://hooks.example.com/x"}, nil, "set FITCHECK_WEBHOOK_URL"},
		{"Slack URL as a flag", []string{"--slack-webhook-url=https://hooks.slack.com/services/T/B/x"}, nil, "set FITCHECK_SLACK_WEBHOOK_URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-db", filepath.Join(t.TempDir(), "n.db")}, tt.args...)
			err := run(t.Context(), args, func(k string) string { return tt.env[k] }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%v) = %v, want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestServerSendsSignedWebhook: with -webhook-url and its secret, a submit
// through the forms reaches the receiver as a signed assessment.created.
func TestServerSendsSignedWebhook(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	got := make(chan *http.Request, 4)
	bodies := make(chan []byte, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer receiver.Close()
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	var steps []url.Values
	for _, st := range q.Steps {
		form := url.Values{"_nav": {"next"}}
		for _, qn := range st.Questions {
			if v, ok := q.Examples[0].Answers[qn.ID]; ok {
				form[qn.ID] = v
			}
		}
		steps = append(steps, form)
	}
	steps = append(steps, url.Values{"_nav": {"next"}})
	base := startServer(t, []string{"-db", filepath.Join(t.TempDir(), "w.db"), "-min-completion-time", "0"},
		map[string]string{"FITCHECK_WEBHOOK_URL": receiver.URL, "FITCHECK_WEBHOOK_SECRET": secret})
	if token := submitOne(base, steps); token == "" {
		t.Fatal("submit was not acknowledged")
	}
	select {
	case r := <-got:
		body := <-bodies
		key, _ := notify.ParseSecret(secret)
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		if sig := notify.Sign(key, r.Header.Get("webhook-id"), ts, body); r.Header.Get("webhook-signature") != sig {
			t.Errorf("webhook-signature = %q, want %q", r.Header.Get("webhook-signature"), sig)
		}
		if !strings.Contains(string(body), `"type":"assessment.created"`) {
			t.Errorf("webhook body = %s, want an assessment.created", body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver got no webhook within 10 s of the submit")
	}
}
