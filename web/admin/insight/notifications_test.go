package insight_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/notify"
)

// TestSendTestNotification: the owner can send a signed test to a
// configured channel from the dashboard. (That it needs a signed-in owner is
// web.TestTestNotificationNeedsSignIn.)
func TestSendTestNotification(t *testing.T) {
	var got atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	hook, err := notify.NewWebhook(receiver.URL, "", receiver.Client(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var worker *notify.Worker
	s := mustStart(t, lazyNotifier{&worker})
	worker = notify.NewWorker(notify.WorkerConfig{Store: s.store, Channels: []notify.Channel{hook},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	owner := s.newVisitor()
	before := got.Load()
	if p := owner.Post("/admin/test-notification", url.Values{"channel": {"webhook"}}); p.Status != http.StatusSeeOther {
		t.Errorf("send test = %d, want 303", p.Status)
	}
	if got.Load() != before+1 {
		t.Errorf("the test notification did not reach the receiver")
	}
}
