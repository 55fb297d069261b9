package desk_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web/admin/desk"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// site is the desk served over a real SQLite file in a temp dir, routed as
// the site's route table routes it, with greg@example.com signed in on
// every request (the gate in front of it is the account package's, and
// tested there and in web).
type site struct {
	t      testing.TB
	srv    *httptest.Server
	store  *data.Store
	dbPath string
	q      *assessment.Questionnaire
}

// mustStart serves the desk; zone is the owner's time zone (nil is UTC).
func mustStart(t testing.TB, zone *time.Location) *site {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "fitcheck.db")
	store, err := data.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	q := reviewtest.Questionnaire(t, store)
	area := reviewtest.Area(t, q, zone)
	h, err := desk.New(area, store)
	if err != nil {
		t.Fatalf("desk.New: %v", err)
	}
	owner := reviewtest.Owner(t, store, "greg@example.com")
	serve := area.Pages.Serve
	r := chi.NewRouter()
	r.Route("/admin", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler { return reviewtest.SignedIn(owner, next) })
		r.Get("/", serve(h.List))
		r.Get("/export.csv", serve(h.Export))
		r.Get("/a/{id}", serve(h.Detail))
		r.Get("/a/{id}/brief.txt", serve(h.BriefText))
		r.Post("/a/{id}/status", serve(h.SetStatus))
		r.Post("/a/{id}/calibration", serve(h.Calibrate))
		r.Post("/a/{id}/notes", serve(h.AddNote))
		r.Get("/a/{id}/delete", serve(h.ConfirmDelete))
		r.Post("/a/{id}/delete", serve(h.Delete))
		r.Post("/a/{id}/deliveries/{d}/redeliver", serve(h.Redeliver))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, store: store, dbPath: dbPath, q: q}
}

func (s *site) newVisitor() *reviewtest.Browser { return reviewtest.NewBrowser(s.t, s.srv.URL) }

// submitted stores one finished assessment of the example answers for
// outcome, made now, as the site's submit would.
func (s *site) submitted(outcome string, c assessment.Contact) *assessment.Assessment {
	s.t.Helper()
	return reviewtest.SubmitExample(s.t, s.store, s.q, outcome, c)
}

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

// pressedStatus is the status whose one-click button shows as current.
func pressedStatus(doc *html.Node) string {
	var st string
	reviewtest.Walk(reviewtest.ByTestID(doc, "status-control"), func(n *html.Node) bool {
		if n.Data == "button" && reviewtest.Attr(n, "aria-pressed") == "true" {
			st = strings.TrimPrefix(reviewtest.Attr(n, "data-testid"), "set-")
		}
		return true
	})
	return st
}

// rowIDs lists the assessment ids of the list's rows, top to bottom.
func rowIDs(doc *html.Node) []string {
	var ids []string
	for _, n := range reviewtest.AllByTestID(doc, "row") {
		ids = append(ids, reviewtest.Attr(n, "data-id"))
	}
	return ids
}

func firstLineOf(s string) string { l, _, _ := strings.Cut(s, "\n"); return strings.TrimSpace(l) }

// firstAssessmentID is the id of the first assessment the list links to.
func firstAssessmentID(t *testing.T, owner *reviewtest.Browser) string {
	t.Helper()
	list := owner.Get("/admin")
	var id string
	reviewtest.Walk(list.Doc, func(n *html.Node) bool {
		if href := reviewtest.Attr(n, "href"); id == "" && strings.HasPrefix(href, "/admin/a/") {
			id = strings.TrimPrefix(href, "/admin/a/")
		}
		return true
	})
	if id == "" {
		t.Fatal("no assessment in the admin list")
	}
	return id
}

func mustLoadLocation(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// setCreated moves an assessment's creation time, as if it had been
// submitted then.
func (s *site) setCreated(id int, at time.Time) {
	s.t.Helper()
	db, err := sql.Open("sqlite", data.DSN(s.dbPath))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE assessments SET created_at = ? WHERE id = ?`, at.UTC().Format("2006-01-02T15:04:05.000000000Z"), id); err != nil {
		s.t.Fatal(err)
	}
}
