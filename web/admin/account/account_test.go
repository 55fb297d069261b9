package account_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web/admin/account"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

const ownerPassword = reviewtest.OwnerPassword

// site is the owner's account served over a real SQLite file in a temp
// dir, routed as the site's route table routes it, with one page behind
// the gate to sign in to.
type site struct {
	t       testing.TB
	srv     *httptest.Server
	account *account.Handler
	store   *data.Store
	dbPath  string
}

func mustStart(t testing.TB) *site {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "fitcheck.db")
	store, err := data.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	area := reviewtest.Area(t, reviewtest.Questionnaire(t, store), nil)
	h, err := account.New(area, store, 0)
	if err != nil {
		t.Fatalf("account.New: %v", err)
	}
	serve := area.Pages.Serve
	r := chi.NewRouter()
	r.Route("/admin", func(r chi.Router) {
		r.Get("/setup", serve(h.ShowSetup))
		r.Post("/setup", serve(h.Setup))
		r.Get("/signin", serve(h.ShowSignIn))
		r.Post("/signin", serve(h.SignIn))
		r.Post("/signout", serve(h.SignOut))
		r.Group(func(r chi.Router) {
			r.Use(h.RequireOwner)
			r.Get("/", serve(behindTheGate(area)))
			r.Post("/signout-everywhere", serve(h.SignOutEverywhere))
		})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, account: h, store: store, dbPath: dbPath}
}

// behindTheGate stands in for the desk's list at /admin: a signed-in page
// in the review area's frame, with its sign-out buttons.
func behindTheGate(area *frame.Area) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		area.Pages.Render(w, r, http.StatusOK, frame.Layout("Assessments", area.Chrome(r, "list")))
		return nil
	}
}

func (s *site) newVisitor() *reviewtest.Browser { return reviewtest.NewBrowser(s.t, s.srv.URL) }

// mustOwner creates an owner account directly in the store.
func (s *site) mustOwner(email string) { reviewtest.Owner(s.t, s.store, email) }

// countRows counts rows in a table through a separate connection, as an
// operator inspecting the file would.
func (s *site) countRows(table string) int {
	s.t.Helper()
	db, err := sql.Open("sqlite", data.DSN(s.dbPath))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		s.t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// signIn signs the browser in through the form and fails the test if it
// does not land in the admin.
func signIn(t testing.TB, b *reviewtest.Browser, email, password string) {
	t.Helper()
	p := b.Post("/admin/signin", url.Values{"email": {email}, "password": {password}, "next": {"/admin"}})
	if p.Status != http.StatusSeeOther || p.Location != "/admin" {
		t.Fatalf("sign in = %d %q, want 303 to /admin; body:\n%s", p.Status, p.Location, p.Body)
	}
}
