package desk_test

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

	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// TestDeliveriesInTheReviewArea: the owner sees each assessment's
// notifications and can send a failed one again. (Sending a signed test to
// a configured channel is insight.TestSendTestNotification, and that it
// needs a signed-in owner web.TestTestNotificationNeedsSignIn.)
func TestDeliveriesInTheReviewArea(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	s := mustStart(t, nil)
	worker := notify.NewWorker(notify.WorkerConfig{Store: s.store, Channels: []notify.Channel{hook},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.submitted(assessment.BookACall, assessment.Contact{})
	ctx := context.Background()
	if _, err := worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	owner := s.newVisitor()
	id := firstAssessmentID(t, owner)
	detail := owner.Get("/admin/a/" + id)
	list := reviewtest.ByTestID(detail.Doc, "deliveries")
	if list == nil || !strings.Contains(reviewtest.TextOf(list), "failed") {
		t.Fatalf("the assessment shows no failed delivery: %q", reviewtest.TextOf(list))
	}
	var redeliver string
	reviewtest.Walk(detail.Doc, func(n *html.Node) bool {
		if n.Data == "form" && strings.HasSuffix(reviewtest.Attr(n, "action"), "/redeliver") {
			redeliver = reviewtest.Attr(n, "action")
		}
		return true
	})
	if redeliver == "" {
		t.Fatal("a failed delivery has no way to send it again")
	}
	fail.Store(false)
	if p := owner.Post(redeliver, url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("redeliver = %d, want 303", p.Status)
	}
	if _, err := worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if text := reviewtest.TextOf(reviewtest.ByTestID(owner.Get("/admin/a/"+id).Doc, "deliveries")); !strings.Contains(text, "delivered") {
		t.Errorf("after sending again the delivery reads %q, want delivered", text)
	}
}
