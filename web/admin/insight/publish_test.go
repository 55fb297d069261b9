package insight_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/admin/insight"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
	"sessionplayer.studio/fitcheck/web/page"
)

// publishing is the rules lab and the versions page over a real SQLite
// file, with the questionnaire in force a real page.Questionnaires, and
// the security events logged where the test reads them.
type publishing struct {
	*site
	forms *page.Questionnaires
	log   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mustStartPublishing(t *testing.T) *publishing {
	t.Helper()
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	q := reviewtest.Questionnaire(t, store)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	forms := page.NewQuestionnaires(q, store, log)
	area, err := frame.New(frame.Config{Addrs: reviewtest.Area(t, q, nil).Audit.Addrs}, forms, log)
	if err != nil {
		t.Fatal(err)
	}
	lab, err := insight.New(area, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := insight.NewVersions(area, store, forms)
	if err != nil {
		t.Fatal(err)
	}
	owner := reviewtest.Owner(t, store, "greg@example.com")
	serve := area.Pages.Serve
	r := chi.NewRouter()
	r.Route("/admin", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler { return reviewtest.SignedIn(owner, next) })
		r.Post("/lab", serve(lab.Lab))
		r.Post("/lab/publish", serve(versions.Publish))
		r.Get("/versions", serve(versions.Show))
		r.Post("/versions/rollback", serve(versions.RollBack))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &publishing{site: &site{t: t, srv: srv, store: store, q: q}, forms: forms, log: logs}
}

// formValues are the fields a form would send: its hidden inputs.
func formValues(form *html.Node) url.Values {
	v := url.Values{}
	reviewtest.Walk(form, func(n *html.Node) bool {
		if n.Data == "input" && reviewtest.Attr(n, "type") == "hidden" {
			v.Add(reviewtest.Attr(n, "name"), reviewtest.Attr(n, "value"))
		}
		return true
	})
	return v
}

// retitled is the default content with another title: it passes its
// examples and differs in one thing an owner would name.
func retitled(t *testing.T) string {
	t.Helper()
	changed := strings.Replace(string(assessment.DefaultContent), "\ntitle: ", "\ntitle: Now - ", 1)
	if changed == string(assessment.DefaultContent) {
		t.Fatal("the default content has no title line")
	}
	return changed
}

// TestPublishFromTheLabAndRollBack: a candidate that passes is published
// from the lab in one click, becomes the questionnaire in force, appears on
// the versions page with what it changed in words, and one click rolls it
// back; both are security events.
func TestPublishFromTheLabAndRollBack(t *testing.T) {
	s := mustStartPublishing(t)
	v := s.newVisitor()
	file := s.forms.Current()

	checked := v.Post("/admin/lab", url.Values{"content": {retitled(t)}})
	if checked.Status != http.StatusOK {
		t.Fatalf("lab = %d", checked.Status)
	}
	if got := reviewtest.TextOf(reviewtest.ByTestID(checked.Doc, "publish-changes")); got != "New wording for the title." {
		t.Errorf("what publishing would change = %q, want the title", got)
	}
	form := reviewtest.FindForm(checked.Doc, insight.PublishPath)
	if form == nil || reviewtest.ByTestID(form, "lab-publish") == nil {
		t.Fatal("no Publish button under a candidate whose examples pass")
	}
	published := v.Post(insight.PublishPath, formValues(form))
	if published.Status != http.StatusSeeOther || published.Location != "/admin/versions?done=published" {
		t.Fatalf("publish = %d to %q, want 303 to the versions page", published.Status, published.Location)
	}
	if got := s.forms.Current(); !strings.HasPrefix(got.Title, "Now - ") {
		t.Fatalf("in force after publishing: %q, want the candidate", got.Title)
	}
	if !strings.Contains(s.log.String(), "security_event=questionnaire_published") || !strings.Contains(s.log.String(), "account=greg@example.com") {
		t.Errorf("no security event for the publish in:\n%s", s.log.String())
	}

	page := v.Get("/admin/versions?done=published")
	if got := reviewtest.TextOf(reviewtest.ByTestID(page.Doc, "in-force")); !strings.Contains(got, s.forms.Current().Version[:12]) || !strings.Contains(got, "greg@example.com") {
		t.Errorf("in force = %q, want the new version and who published it", got)
	}
	rows := reviewtest.AllByTestID(page.Doc, "publication")
	if len(rows) != 1 || !strings.Contains(reviewtest.TextOf(rows[0]), "New wording for the title.") || reviewtest.ByTestID(rows[0], "in-force-flag") == nil {
		t.Fatalf("publications = %d, want one, in force, saying what changed", len(rows))
	}

	back := reviewtest.FindForm(page.Doc, insight.RollbackPath)
	if back == nil || reviewtest.ByTestID(back, "roll-back") == nil {
		t.Fatal("no one-click roll-back to the version before")
	}
	rolled := v.Post(insight.RollbackPath, formValues(back))
	if rolled.Status != http.StatusSeeOther || rolled.Location != "/admin/versions?done=rolled-back" {
		t.Fatalf("roll-back = %d to %q", rolled.Status, rolled.Location)
	}
	if s.forms.Current().Version != file.Version {
		t.Errorf("after the roll-back %s is in force, want the file's %s", s.forms.Current().Version[:12], file.Version[:12])
	}
	if !strings.Contains(s.log.String(), "security_event=questionnaire_rolled_back") {
		t.Errorf("no security event for the roll-back in:\n%s", s.log.String())
	}
	after := v.Get("/admin/versions")
	rows = reviewtest.AllByTestID(after.Doc, "publication")
	if len(rows) != 2 || !strings.HasPrefix(reviewtest.TextOf(rows[0]), "Rolled back to version "+file.Version[:12]) {
		t.Errorf("publications after the roll-back = %d, newest %q; want the roll-back first", len(rows), reviewtest.TextOf(rows[0]))
	}

	// The roll-back button of the page seen before it is stale now: the
	// version in force is not the one it was pressed against.
	if p := v.Post(insight.RollbackPath, formValues(back)); p.Status != http.StatusConflict {
		t.Errorf("a second press of the old roll-back = %d, want 409", p.Status)
	}
}

// TestNothingUnsafeIsPublished: a candidate with a failing example offers
// no Publish and a forged post is refused; a candidate changed after its
// check is refused; the version in force is not published twice.
func TestNothingUnsafeIsPublished(t *testing.T) {
	s := mustStartPublishing(t)
	v := s.newVisitor()
	in := s.forms.Current().Version

	failing := moveRule(t, string(assessment.DefaultContent), "execution-first", "mixed-fit")
	checked := v.Post("/admin/lab", url.Values{"content": {failing}})
	if reviewtest.ByTestID(checked.Doc, "lab-publish") != nil {
		t.Error("a candidate whose examples fail offers Publish")
	}
	if p := v.Post(insight.PublishPath, url.Values{"content": {failing}, "version": {assessment.Version([]byte(failing))}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("publish of a failing candidate = %d, want 422", p.Status)
	}
	if p := v.Post(insight.PublishPath, url.Values{"content": {retitled(t)}, "version": {in}}); p.Status != http.StatusConflict {
		t.Errorf("publish of content other than the version checked = %d, want 409", p.Status)
	}
	same := string(s.forms.Current().Source)
	if p := v.Post(insight.PublishPath, url.Values{"content": {same}, "version": {in}}); p.Location != "/admin/versions?done=already-in-force" {
		t.Errorf("publish of the version in force = %d to %q, want already in force", p.Status, p.Location)
	}
	if s.forms.Current().Version != in {
		t.Error("the version in force changed")
	}
	if list, _ := s.store.ListPublications(t.Context(), 10); len(list) != 0 {
		t.Errorf("%d publications stored, want none", len(list))
	}
}
