package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
	"sessionplayer.studio/fitcheck/web"
)

// TestDeliveriesInTheReviewArea: the owner sees each assessment's
// notifications, can send a failed one again, and can send a signed test
// to a configured channel.
func TestDeliveriesInTheReviewArea(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	var got atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		if fail.Load() {
			http.Error(w, "no", http.StatusBadRequest) // not retried: fails at once
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	hook, err := notify.NewWebhook(receiver.URL, "", receiver.Client(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var worker *notify.Worker
	s := mustStart(t, func(c *web.Config) { c.Notifier = lazyNotifier{&worker} })
	worker = notify.NewWorker(notify.WorkerConfig{Store: s.store, Channels: []notify.Channel{hook},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, url.Values{})
	ctx := context.Background()
	if _, err := worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	owner := s.newVisitor()
	owner.signIn("greg@example.com", ownerPassword)
	id := firstAssessmentID(t, owner)
	detail := owner.get("/admin/a/" + id)
	list := byTestID(detail.doc, "deliveries")
	if list == nil || !strings.Contains(textOf(list), "failed") {
		t.Fatalf("the assessment shows no failed delivery: %q", textOf(list))
	}
	var redeliver string
	walk(detail.doc, func(n *htmlNode) bool {
		if n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/redeliver") {
			redeliver = attr(n, "action")
		}
		return true
	})
	if redeliver == "" {
		t.Fatal("a failed delivery has no way to send it again")
	}
	fail.Store(false)
	if p := owner.post(redeliver, url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("redeliver = %d, want 303", p.status)
	}
	if _, err := worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if text := textOf(byTestID(owner.get("/admin/a/"+id).doc, "deliveries")); !strings.Contains(text, "delivered") {
		t.Errorf("after sending again the delivery reads %q, want delivered", text)
	}
	before := got.Load()
	if p := owner.post("/admin/test-notification", url.Values{"channel": {"webhook"}}); p.status != http.StatusSeeOther {
		t.Errorf("send test = %d, want 303", p.status)
	}
	if got.Load() != before+1 {
		t.Errorf("the test notification did not reach the receiver")
	}
	if p := s.newVisitor().post("/admin/test-notification", url.Values{"channel": {"webhook"}}); got.Load() != before+1 || !strings.HasPrefix(p.location, "/admin/signin") {
		t.Errorf("a test notification without signing in = %d %q, and sent %d more; want a sign-in and nothing sent", p.status, p.location, got.Load()-before-1)
	}
}

// lazyNotifier lets the test make the worker after the site, which owns
// the store it reads.
type lazyNotifier struct{ w **notify.Worker }

func (l lazyNotifier) Channels() []string { return (*l.w).Channels() }
func (l lazyNotifier) SendTest(ctx context.Context, channel string) error {
	return (*l.w).SendTest(ctx, channel)
}
