package notify_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/notify"
)

// TestFailedDeliveriesNeverShowTheURL: whatever way a post to a Slack hook
// or a webhook fails (the receiver refuses, nothing listens, it is too
// slow), the error the worker logs and stores names the host, never the
// path, where Slack and Zapier keep the credential.
func TestFailedDeliveriesNeverShowTheURL(t *testing.T) {
	const credential = "/services/T000/B000/XXXXsecretXXXX"
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer refusing.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so a client that hangs up ends the request
		<-r.Context().Done()
	}))
	defer slow.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	client := &http.Client{Timeout: 200 * time.Millisecond}
	n := &notify.Notice{WebhookID: "msg_1", AdminURL: "https://fit.example.com/admin/a/1"}
	for _, base := range []string{refusing.URL, slow.URL, closed} {
		hook, err := notify.NewWebhook(base+credential, "", client, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range []notify.Channel{notify.NewSlack(base+credential, client), hook} {
			err := ch.Send(t.Context(), n)
			if err == nil {
				t.Fatalf("%s to %s succeeded, want a failure", ch.Name(), base)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "services") {
				t.Errorf("%s failure shows the URL's path: %v", ch.Name(), err)
			}
			if !strings.Contains(err.Error(), strings.TrimPrefix(base, "http://")) {
				t.Errorf("%s failure %q does not name the host", ch.Name(), err)
			}
		}
	}
	if got := notify.RedactURL("https://user:pw@hooks.slack.com/services/T/B/x?token=y"); got != "https://hooks.slack.com/…" {
		t.Errorf("RedactURL = %q, want scheme and host only", got)
	}
}
