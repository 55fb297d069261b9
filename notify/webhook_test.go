package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
)

// The Standard Webhooks specification's published test vector.
func TestSignMatchesTheSpecTestVector(t *testing.T) {
	key, err := notify.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := notify.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign(test vector) = %q, want %q", got, want)
	}
}

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// verifyStandardWebhook is a receiver's check written from the
// specification, sharing no code with notify: decode the secret after
// "whsec_", HMAC-SHA256 "id.timestamp.body", compare with each
// space-separated "v1,<base64>" signature, and refuse a timestamp more than
// five minutes from now.
func verifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("bad timestamp: %w", err)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s too far from now", ts)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, _ := strings.Cut(s, ",")
		raw, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1" && err == nil && hmac.Equal(raw, want) {
			return nil
		}
	}
	return errors.New("no valid signature")
}

// receiver is an httptest webhook endpoint that answers with the statuses
// it is given, in turn, and keeps what it received.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []received
}

type received struct {
	header http.Header
	body   []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, received{r.Header.Clone(), body})
	status := http.StatusOK
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	rc.mu.Unlock()
	w.WriteHeader(status)
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func newWebhook(t *testing.T, url string, c *clock) *notify.Webhook {
	t.Helper()
	w, err := notify.NewWebhook(url, testSecret, http.DefaultClient, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWebhookRetriesThenDelivers: a receiver that fails with 503, then 429,
// then accepts gets the same event three times (one webhook-id, each
// attempt freshly signed), and the delivery ends delivered.
func TestWebhookRetriesThenDelivers(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	rc := &receiver{statuses: []int{http.StatusServiceUnavailable, http.StatusTooManyRequests}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := newWorker(s, q, c, newWebhook(t, srv.URL, c))

	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{Name: "Ada", Email: "ada@acme.example", Company: "Acme", Consent: true})
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryPending, 1)
	c.Add(notify.Backoff[0])
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryPending, 2)
	c.Add(notify.Backoff[1])
	mustRunOnce(t, w)
	assertDelivery(t, s, a.ID, assessment.DeliveryDelivered, 3)

	reqs := rc.requests()
	if len(reqs) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(reqs))
	}
	id := reqs[0].header.Get("webhook-id")
	for i, r := range reqs {
		if err := verifyStandardWebhook(testSecret, r.header, r.body, c.Now()); err != nil {
			t.Errorf("request %d: independent verification: %v", i+1, err)
		}
		if got := r.header.Get("webhook-id"); got != id || !strings.HasPrefix(got, "msg_") {
			t.Errorf("request %d: webhook-id = %q, want %q on every attempt", i+1, got, id)
		}
	}
	if reqs[0].header.Get("webhook-timestamp") == reqs[2].header.Get("webhook-timestamp") {
		t.Errorf("retries reuse the first attempt's timestamp; each attempt should be signed afresh")
	}

	var p map[string]any
	if err := json.Unmarshal(reqs[2].body, &p); err != nil {
		t.Fatal(err)
	}
	data := p["data"].(map[string]any)["assessment"].(map[string]any)
	contact, _ := data["contact"].(map[string]any)
	words := data["words"].([]any)
	if p["type"] != "assessment.created" || p["version"] != float64(1) || p["id"] != id ||
		data["outcome"] != assessment.BookACall || contact["company"] != "Acme" ||
		len(words) != 1 || words[0].(map[string]any)["text"] != stuckWords ||
		data["url"] != "https://fit.example.com/admin/a/"+itoa(a.ID) ||
		data["source"].(map[string]any)["utm_source"] != "newsletter" {
		t.Errorf("payload = %s, want a version 1 assessment.created with outcome, contact, words, link and source", reqs[2].body)
	}

	// A forged body fails the same check.
	if err := verifyStandardWebhook(testSecret, reqs[2].header, append(reqs[2].body, ' '), c.Now()); err == nil {
		t.Errorf("independent verification accepted a changed body")
	}
}

func TestWebhookWithoutConsentHasNoContact(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := newWorker(s, q, c, newWebhook(t, srv.URL, c))
	submitAssessment(t, s, q, c.Now(), assessment.Contact{Name: "Bob Secret", Email: "bob@hidden.example", Consent: false})
	mustRunOnce(t, w)
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	if strings.Contains(string(reqs[0].body), "Bob") || strings.Contains(string(reqs[0].body), "hidden.example") ||
		!strings.Contains(string(reqs[0].body), `"contact":null`) {
		t.Errorf("payload without consent = %s, want contact null and no name or email", reqs[0].body)
	}
}

// TestWebhookGivesUpOnAClientError: a 4xx other than 408 and 429 will not
// change by retrying, so the delivery fails at once.
func TestWebhookGivesUpOnAClientError(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   assessment.DeliveryStatus
	}{
		{http.StatusBadRequest, assessment.DeliveryFailed},
		{http.StatusGone, assessment.DeliveryFailed},
		{http.StatusRequestTimeout, assessment.DeliveryPending},
		{http.StatusTooManyRequests, assessment.DeliveryPending},
		{http.StatusBadGateway, assessment.DeliveryPending},
	} {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			q := testQuestionnaire(t)
			c := newClock()
			s, _ := mustOpenStore(t)
			srv := httptest.NewServer(&receiver{statuses: []int{tt.status}})
			defer srv.Close()
			a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
			mustRunOnce(t, newWorker(s, q, c, newWebhook(t, srv.URL, c)))
			d := assertDelivery(t, s, a.ID, tt.want, 1)
			if !strings.Contains(d.LastError, strconv.Itoa(tt.status)) {
				t.Errorf("last error = %q, want the status", d.LastError)
			}
		})
	}
}

// TestWebhookTimeoutRetries: a receiver slower than the attempt timeout
// counts as a failed attempt, retried later.
func TestWebhookTimeoutRetries(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
	w := notify.NewWorker(notify.WorkerConfig{Store: s, Channels: []notify.Channel{newWebhook(t, srv.URL, c)},
		Questionnaire: questionnaireOf(q), Now: c.Now, AttemptTimeout: 100 * time.Millisecond})
	mustRunOnce(t, w)
	d := assertDelivery(t, s, a.ID, assessment.DeliveryPending, 1)
	if !strings.Contains(d.LastError, "deadline") {
		t.Errorf("last error = %q, want a timeout", d.LastError)
	}
}

func TestSendTestPing(t *testing.T) {
	c := newClock()
	s, _ := mustOpenStore(t)
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := newWorker(s, testQuestionnaire(t), c, newWebhook(t, srv.URL, c))
	if err := w.SendTest(t.Context(), "webhook"); err != nil {
		t.Fatal(err)
	}
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	if err := verifyStandardWebhook(testSecret, reqs[0].header, reqs[0].body, c.Now()); err != nil {
		t.Errorf("ping signature: %v", err)
	}
	if !strings.Contains(string(reqs[0].body), `"type":"ping"`) || strings.Contains(string(reqs[0].body), `"data"`) {
		t.Errorf("ping payload = %s, want type ping and no data", reqs[0].body)
	}
	if err := w.SendTest(t.Context(), "slack"); err == nil {
		t.Errorf("SendTest(slack) with no Slack configured = nil, want an error")
	}
}

func TestSlackMessage(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{Company: "<!channel> & Co", Consent: true})
	mustRunOnce(t, newWorker(s, q, c, notify.NewSlack(srv.URL, http.DefaultClient)))
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("Slack got %d requests, want 1", len(reqs))
	}
	var msg struct{ Text string }
	if err := json.Unmarshal(reqs[0].body, &msg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"book-a-call", "&lt;!channel&gt; &amp; Co", "<https://fit.example.com/admin/a/" + itoa(a.ID) + "|"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("Slack text = %q, want it to contain %q", msg.Text, want)
		}
	}
}

// TestSlackTextIsPlain: a company name cannot break the message into
// lines, format it (mrkdwn) or put a link or an address in it; the link to
// the review area is still a link, and previews are off.
func TestSlackTextIsPlain(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	company := "*Acme*\r\n_urgent_ ~gone~ `code` https://evil.example/login evil.example x@evil.example"
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{Company: company, Consent: true})
	mustRunOnce(t, newWorker(s, q, c, notify.NewSlack(srv.URL, http.DefaultClient)))
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("Slack got %d requests, want 1", len(reqs))
	}
	var msg struct {
		Text        string
		UnfurlLinks *bool `json:"unfurl_links"`
	}
	if err := json.Unmarshal(reqs[0].body, &msg); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(msg.Text, "\n"); got != 2 {
		t.Errorf("Slack text has %d line breaks, want the message's own 2: %q", got, msg.Text)
	}
	for _, markup := range []string{"*Acme*", "_urgent_", "~gone~", "`code`", "https://evil", "evil.example", "@evil", "\r"} {
		if strings.Contains(msg.Text, markup) {
			t.Errorf("Slack text carries %q from the company name: %q", markup, msg.Text)
		}
	}
	if !strings.Contains(msg.Text, "<https://fit.example.com/admin/a/"+itoa(a.ID)+"|") || !strings.Contains(msg.Text, "Acme") {
		t.Errorf("Slack text = %q, want the review area's link and the company's words", msg.Text)
	}
	if msg.UnfurlLinks == nil || *msg.UnfurlLinks {
		t.Errorf("Slack message unfurls links; want previews off")
	}
}
