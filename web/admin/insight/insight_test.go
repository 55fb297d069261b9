package insight_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
	"sessionplayer.studio/fitcheck/web/admin/insight"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// site is the dashboard and the rules lab served over a real SQLite file
// in a temp dir, routed as the site's route table routes them, with
// greg@example.com signed in on every request (the gate in front of them
// is the account package's, and tested there and in web).
type site struct {
	t       testing.TB
	srv     *httptest.Server
	store   *data.Store
	q       *assessment.Questionnaire
	handler *insight.Handler
}

// mustStart serves insight; notifier sends its test notifications (nil:
// no channel is configured).
func mustStart(t testing.TB, notifier insight.Notifier) *site {
	t.Helper()
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	q := reviewtest.Questionnaire(t, store)
	area := reviewtest.Area(t, q, nil)
	h, err := insight.New(area, store, notifier)
	if err != nil {
		t.Fatalf("insight.New: %v", err)
	}
	owner := reviewtest.Owner(t, store, "greg@example.com")
	serve := area.Pages.Serve
	r := chi.NewRouter()
	r.Route("/admin", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler { return reviewtest.SignedIn(owner, next) })
		r.Get("/dashboard", serve(h.Dashboard))
		r.Get("/lab", serve(h.ShowLab))
		r.Post("/lab", serve(h.Lab))
		r.Post("/test-notification", serve(h.SendTest))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, store: store, q: q, handler: h}
}

func (s *site) newVisitor() *reviewtest.Browser { return reviewtest.NewBrowser(s.t, s.srv.URL) }

// submitted stores one finished assessment of the example answers for
// outcome, made now, as the site's submit would.
func (s *site) submitted(outcome string, c assessment.Contact) *assessment.Assessment {
	s.t.Helper()
	return reviewtest.SubmitExample(s.t, s.store, s.q, outcome, c)
}

// lazyNotifier lets the test make the worker after the site, which owns
// the store it reads.
type lazyNotifier struct{ w **notify.Worker }

func (l lazyNotifier) Channels() []string { return (*l.w).Channels() }
func (l lazyNotifier) SendTest(ctx context.Context, channel string) error {
	return (*l.w).SendTest(ctx, channel)
}
