// Whole-site tests of the review area: what needs the route table (the
// gate in front of /admin, the cross-site refusal) or a visitor flow beside
// it (steps counted on the dashboard, a delete ending the share link), and
// the helpers other tests here use to sign in and submit. The review area's
// own tests live beside it, in web/admin/account, desk and insight.
package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
	"sessionplayer.studio/fitcheck/password"
	"sessionplayer.studio/fitcheck/web"
)

const ownerPassword = "correct horse battery staple"

// mustOwner creates an owner account directly in the store.
func (s *site) mustOwner(email string) {
	s.t.Helper()
	now := time.Now().UTC()
	o := &assessment.Owner{Email: email, PasswordHash: password.Hash(ownerPassword), CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateOwner(s.t.Context(), o); err != nil {
		s.t.Fatalf("CreateOwner: %v", err)
	}
}

// signIn signs the visitor in through the form and fails the test if it
// does not land in the admin.
func (v *visitor) signIn(email, password string) {
	v.t.Helper()
	p := v.post("/admin/signin", url.Values{"email": {email}, "password": {password}, "next": {"/admin"}})
	if p.status != http.StatusSeeOther || p.location != "/admin" {
		v.t.Fatalf("sign in = %d %q, want 303 to /admin; body:\n%s", p.status, p.location, p.body)
	}
}

// submitted makes one finished assessment and returns its result path.
func (s *site) submitted(outcome string, contact url.Values) string {
	s.t.Helper()
	v := s.newVisitor()
	v.answerAll(exampleAnswers(s.t, s.q, outcome))
	p := v.submitContact(contact)
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("submit = %d, want 303", p.status)
	}
	return p.location
}

func withTimeZone(name string) siteOption {
	return func(c *web.Config) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			panic(err)
		}
		c.TimeZone = loc
	}
}

func TestAdminRefusesAnonymousRequests(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, url.Values{"name": {"Ada Founder"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	tests := []struct {
		method, path string
		form         url.Values
		wantStatus   int
	}{
		{http.MethodGet, "/admin", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/?outcome=book-a-call", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/dashboard", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/a/1", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/a/1/delete", nil, http.StatusSeeOther},
		{http.MethodPost, "/admin/a/1/status", url.Values{"status": {"booked"}}, http.StatusSeeOther},
		{http.MethodPost, "/admin/a/1/notes", url.Values{"note": {"sneaky"}}, http.StatusSeeOther},
		{http.MethodPost, "/admin/a/1/delete", url.Values{"confirm": {"yes"}}, http.StatusSeeOther},
		{http.MethodPost, "/admin/signout-everywhere", nil, http.StatusSeeOther},
		{http.MethodGet, "/admin/export.csv", nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			v := s.newVisitor()
			var p *page
			if tt.method == http.MethodGet {
				p = v.get(tt.path)
			} else {
				p = v.post(tt.path, tt.form)
			}
			if p.status != tt.wantStatus {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, p.status, tt.wantStatus)
			}
			if p.status == http.StatusSeeOther && !strings.HasPrefix(p.location, "/admin/signin") {
				t.Errorf("%s %s redirects to %q, want the sign-in page", tt.method, tt.path, p.location)
			}
			if strings.Contains(p.body, "ada@example.com") || strings.Contains(p.body, "Ada Founder") {
				t.Errorf("%s %s leaked contact details to an anonymous request", tt.method, tt.path)
			}
		})
	}
	a, err := s.store.FindAssessmentByID(t.Context(), 1)
	if err != nil || a.Status != assessment.StatusNew {
		t.Errorf("after anonymous posts the assessment = %v, %v; want it untouched with status new", a, err)
	}
	if n := s.countRows("notes"); n != 0 {
		t.Errorf("anonymous note posts stored %d notes", n)
	}
}

func TestDashboardCountsAndFunnel(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	// Three visitors start; two reach step 2; one finishes.
	answers := exampleAnswers(t, s.q, assessment.HireAPM)
	s.newVisitor().start()
	second := s.newVisitor()
	second.get(second.fill(second.start(), answers, "next").location)
	s.submitted(assessment.HireAPM, url.Values{})

	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	d := v.get("/admin/dashboard")
	if d.status != http.StatusOK {
		t.Fatalf("dashboard = %d", d.status)
	}
	funnel := rowsOf(byTestID(d.doc, "funnel"))
	want := map[string]string{
		"Started":  "3",
		"Step 1: ": "3",
		"Step 2: ": "2",
		"Step 3: ": "1",
		"Step 6: ": "1",
		"Finished": "1",
	}
	for prefix, count := range want {
		found := false
		for _, r := range funnel {
			if strings.HasPrefix(r[0], prefix) {
				found = true
				if r[1] != count {
					t.Errorf("funnel %q = %s, want %s", r[0], r[1], count)
				}
			}
		}
		if !found {
			t.Errorf("funnel has no row starting %q: %v", prefix, funnel)
		}
	}
	counts := rowsOf(byTestID(d.doc, "count-"+assessment.HireAPM))
	if len(counts) != 1 || strings.Join(counts[0][1:], ",") != "1,1,1" {
		t.Errorf("hire-a-pm counts = %v, want 1 in each period", counts)
	}
	if chart := byTestID(d.doc, "weekly-chart"); chart == nil || !strings.Contains(textOf(chart), "1 hire a pm") {
		t.Errorf("weekly chart has no text alternative naming this week's assessment")
	}
}

// TestDashboardWaitingIsTheListsCount: the dashboard's "waiting" number is
// the number of founders its link lists, however many times one of them
// took it, and both say what they count.
func TestDashboardWaitingIsTheListsCount(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	ada := url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}}
	s.submitted(assessment.HireAPM, ada)
	s.submitted(assessment.BookACall, ada)
	s.submitted(assessment.BookACall, url.Values{"name": {"Ada"}, "email": {"ADA@example.com"}, "consent": {"yes"}}) // the same person
	s.submitted(assessment.WorthAConversation, url.Values{"name": {"Bob"}, "email": {"bob@example.com"}, "consent": {"yes"}})
	s.submitted(assessment.BookACall, url.Values{}) // anonymous: nobody to call
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)

	d := v.get("/admin/dashboard")
	waiting := textOf(byTestID(d.doc, "waiting-count"))
	link := attr(byTestID(d.doc, "waiting-link"), "href")
	if waiting != "2" || link == "" {
		t.Fatalf("dashboard waiting = %q linking to %q, want 2 founders (Ada's three takes once) and a link", waiting, link)
	}
	list := v.get(link)
	if got := countTestIDs(list.doc, "row"); strconv.Itoa(got) != waiting {
		t.Errorf("the list the dashboard links to has %d rows, the dashboard says %s", got, waiting)
	}
	if got := textOf(byTestID(list.doc, "list-count")); !strings.HasPrefix(got, waiting+" founders") {
		t.Errorf("the list counts %q, want %s founders, as the dashboard", got, waiting)
	}
	if got := textOf(byTestID(d.doc, "waiting")); !strings.Contains(got, "founders are waiting") || !strings.Contains(got, "took it twice is one") {
		t.Errorf("the dashboard's waiting card = %q, want it to say it counts founders as the list does", got)
	}
}

// rowsOf lists the cells' text of each row in a table (or of one row).
func rowsOf(n *htmlNode) [][]string {
	var rows [][]string
	if n == nil {
		return nil
	}
	walk(n, func(x *htmlNode) bool {
		if x.Data == "tr" {
			var cells []string
			walk(x, func(c *htmlNode) bool {
				if c.Data == "td" || c.Data == "th" {
					cells = append(cells, textOf(c))
					return false
				}
				return true
			})
			rows = append(rows, cells)
			return false
		}
		return true
	})
	return rows
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	s.submitted(assessment.BookACall, url.Values{})
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	v.start()
	for _, tt := range []struct {
		path   string
		form   url.Values
		header string
		value  string
	}{
		{"/admin/a/1/status", url.Values{"status": {"archived"}}, "Sec-Fetch-Site", "cross-site"},
		{"/admin/a/1/delete", url.Values{"confirm": {"yes"}}, "Origin", "https://evil.example"},
		{"/step/1", url.Values{"stage": {"growing"}}, "Sec-Fetch-Site", "cross-site"},
		{"/start", url.Values{"fresh": {"1"}}, "Sec-Fetch-Site", "cross-site"},
	} {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+tt.path, strings.NewReader(tt.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(tt.header, tt.value)
		p := v.do(req)
		if p.status != http.StatusForbidden || !strings.Contains(textOf(p.doc), "another site") {
			t.Errorf("forged POST %s = %d, want 403 with an explanation", tt.path, p.status)
		}
	}
	a, err := s.store.FindAssessmentByID(t.Context(), 1)
	if err != nil || a.Status != assessment.StatusNew {
		t.Errorf("after forged posts the assessment = %v, %v; want it untouched", a, err)
	}
}

// TestDeskDeleteEndsTheShareLink: an assessment deleted from the desk takes
// its share link with it, kept page and all. (The rest of what
// TestStatusNotesAndDelete checks is the desk's own, in web/admin/desk.)
func TestDeskDeleteEndsTheShareLink(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	resultPath := s.submitted(assessment.BookACall, url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	if p := s.newVisitor().get(resultPath); p.status != http.StatusOK {
		t.Fatalf("share link before delete = %d, want 200", p.status)
	}
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	done := v.post("/admin/a/1/delete", url.Values{"confirm": {"yes"}})
	if done.status != http.StatusSeeOther || !strings.Contains(done.location, "done=deleted") {
		t.Errorf("delete = %d %q, want 303 to the list with a confirmation", done.status, done.location)
	}
	if p := s.newVisitor().get(resultPath); p.status != http.StatusNotFound {
		t.Errorf("share link after delete = %d, want 404", p.status)
	}
}

// TestTestNotificationNeedsSignIn: the signed-in owner's test reaches the
// channel; without signing in, nothing is sent. (The end of what
// TestDeliveriesInTheReviewArea checked; the rest is in web/admin/desk and
// web/admin/insight.)
func TestTestNotificationNeedsSignIn(t *testing.T) {
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
	s := mustStart(t, func(c *web.Config) { c.Notifier = lazyNotifier{&worker} })
	worker = notify.NewWorker(notify.WorkerConfig{Store: s.store, Channels: []notify.Channel{hook},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.mustOwner("greg@example.com")
	owner := s.newVisitor()
	owner.signIn("greg@example.com", ownerPassword)
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

// countTestIDs counts the elements with a data-testid.
func countTestIDs(doc *htmlNode, id string) int {
	n := 0
	walk(doc, func(x *htmlNode) bool {
		if x.Type == html.ElementNode && attr(x, "data-testid") == id {
			n++
		}
		return true
	})
	return n
}
