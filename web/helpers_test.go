package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
)

var (
	testHashKey  = []byte("0123456789abcdef0123456789abcdef")
	testBlockKey = []byte("fedcba9876543210fedcba9876543210")
)

// site is a running fitcheck over a real SQLite file in a temp dir.
type site struct {
	t      testing.TB
	srv    *httptest.Server
	server *web.Server
	store  *data.Store
	dbPath string
	q      *assessment.Questionnaire
}

type siteOption func(*web.Config)

func withBooking(u string) siteOption { return func(c *web.Config) { c.BookingURL = u } }
func withBaseURL(u string) siteOption { return func(c *web.Config) { c.BaseURL = u } }

// mustStart starts a site on the default content.
func mustStart(t testing.TB, opts ...siteOption) *site {
	t.Helper()
	return mustStartAt(t, filepath.Join(t.TempDir(), "fitcheck.db"), assessment.DefaultContent, opts...)
}

// mustStartAt starts a site on the given database file and content.
func mustStartAt(t testing.TB, dbPath string, content []byte, opts ...siteOption) *site {
	t.Helper()
	return mustStartStore(t, dbPath, content, nil, opts...)
}

// mustStartStore is mustStartAt with options for the store.
func mustStartStore(t testing.TB, dbPath string, content []byte, storeOpts []data.Option, opts ...siteOption) *site {
	t.Helper()
	q, err := rules.Load(content)
	if err != nil {
		t.Fatalf("load content: %v", err)
	}
	store, err := data.Open(context.Background(), dbPath, storeOpts...)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := web.Config{SessionHashKey: testHashKey, SessionBlockKey: testBlockKey}
	for _, o := range opts {
		o(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := web.NewServer(cfg, store, q, logger)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, server: s, store: store, dbPath: dbPath, q: q}
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

// visitor is one browser: its own cookie jar, redirects not followed so
// tests see every status.
type visitor struct {
	t      testing.TB
	site   *site
	client *http.Client
}

func (s *site) newVisitor() *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: s.t, site: s, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a response with its HTML parsed.
type page struct {
	status   int
	location string
	header   http.Header
	body     string
	doc      *html.Node
}

func (v *visitor) do(req *http.Request) *page {
	v.t.Helper()
	resp, err := v.client.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	p := &page{status: resp.StatusCode, location: resp.Header.Get("Location"), header: resp.Header, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if p.doc, err = html.Parse(strings.NewReader(p.body)); err != nil {
			v.t.Fatalf("parse HTML of %s: %v", req.URL.Path, err)
		}
	}
	assertNoLeak(v.t, req, p)
	return p
}

// assertNoLeak fails on what a visitor must never see: a stack trace or a
// server error.
func assertNoLeak(t testing.TB, req *http.Request, p *page) {
	t.Helper()
	if p.status >= 500 {
		t.Errorf("%s %s = %d, want no server error; body:\n%s", req.Method, req.URL.Path, p.status, p.body)
	}
	for _, s := range []string{"goroutine ", "panic:", ".go:"} {
		if strings.Contains(p.body, s) {
			t.Errorf("%s %s body contains %q", req.Method, req.URL.Path, s)
		}
	}
}

func (v *visitor) get(path string) *page {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodGet, v.site.srv.URL+path, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(req)
}

func (v *visitor) post(path string, form url.Values) *page {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodPost, v.site.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

// start presses Start on the landing page and lands on step 1.
func (v *visitor) start() *page {
	v.t.Helper()
	landing := v.get("/")
	form := findForm(landing.doc, "/start")
	if form == nil {
		v.t.Fatalf("landing page has no form posting to /start")
	}
	p := v.post("/start", formValues(form))
	if p.status != http.StatusSeeOther {
		v.t.Fatalf("POST /start = %d, want 303", p.status)
	}
	return v.get(p.location)
}

// fill submits the step form on p with the given answers, checking that
// every value sent is an input the page actually offers.
func (v *visitor) fill(p *page, answers assessment.Answers, nav string) *page {
	v.t.Helper()
	form := findForm(p.doc, "")
	if form == nil {
		v.t.Fatalf("page has no form:\n%s", p.body)
	}
	action := attr(form, "action")
	values := url.Values{}
	offered := inputs(form)
	for name, vals := range answers {
		if _, ok := offered[name]; !ok {
			continue // asked on another step
		}
		for _, val := range vals {
			if kinds := offered[name]; kinds["radio"] || kinds["checkbox"] {
				if !hasOption(form, name, val) {
					v.t.Fatalf("step %s offers no option %q for %q", action, val, name)
				}
			}
			values.Add(name, val)
		}
	}
	values.Set("_nav", nav)
	return v.post(action, values)
}

// answerAll walks from step 1 through every question step with answers,
// and returns the contact step page.
func (v *visitor) answerAll(answers assessment.Answers) *page {
	v.t.Helper()
	p := v.start()
	for i := range v.site.q.Steps {
		next := v.fill(p, answers, "next")
		if next.status != http.StatusSeeOther {
			v.t.Fatalf("step %d = %d, want 303; errors: %v", i+1, next.status, texts(next.doc, "field-error"))
		}
		p = v.get(next.location)
	}
	return p
}

// submitContact posts the about-you step.
func (v *visitor) submitContact(contact url.Values) *page {
	v.t.Helper()
	contact.Set("_nav", "next")
	return v.post("/step/"+strconv.Itoa(len(v.site.q.Steps)+1), contact)
}

// --- HTML queries ---

func walk(n *html.Node, fn func(*html.Node) bool) {
	if !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// textOf is n's text with its white space collapsed; "" for no node.
func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return true
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// findForm finds a form by action, or the step form when action is "".
func findForm(doc *html.Node, action string) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) bool {
		if found == nil && n.Type == html.ElementNode && n.Data == "form" &&
			(action == "" && hasClass(n, "step") || action != "" && attr(n, "action") == action) {
			found = n
		}
		return found == nil
	})
	return found
}

// formValues is what a browser would send for a form as it stands.
func formValues(form *html.Node) url.Values {
	v := url.Values{}
	walk(form, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") != "" {
			switch attr(n, "type") {
			case "radio", "checkbox":
				if hasAttr(n, "checked") {
					v.Add(attr(n, "name"), attr(n, "value"))
				}
			default:
				v.Add(attr(n, "name"), attr(n, "value"))
			}
		}
		return true
	})
	return v
}

// inputs maps each field name in a form to the input types it uses.
func inputs(form *html.Node) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	walk(form, func(n *html.Node) bool {
		if n.Type == html.ElementNode && (n.Data == "input" || n.Data == "textarea") && attr(n, "name") != "" {
			kind := attr(n, "type")
			if n.Data == "textarea" {
				kind = "textarea"
			}
			if out[attr(n, "name")] == nil {
				out[attr(n, "name")] = map[string]bool{}
			}
			out[attr(n, "name")][kind] = true
		}
		return true
	})
	return out
}

func hasOption(form *html.Node, name, value string) bool {
	found := false
	walk(form, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") == name && attr(n, "value") == value {
			found = true
		}
		return !found
	})
	return found
}

// checked lists the values of checked inputs named name.
func checked(doc *html.Node, name string) []string {
	var out []string
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") == name && hasAttr(n, "checked") {
			out = append(out, attr(n, "value"))
		}
		return true
	})
	return out
}

// byTestID finds the first element with a data-testid.
func byTestID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) bool {
		if found == nil && n.Type == html.ElementNode && attr(n, "data-testid") == id {
			found = n
		}
		return found == nil
	})
	return found
}

// texts lists the text of every element with the class.
func texts(doc *html.Node, class string) []string {
	var out []string
	if doc == nil {
		return nil
	}
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && hasClass(n, class) {
			out = append(out, textOf(n))
		}
		return true
	})
	return out
}

// exampleAnswers is the answer set of a named example in the content.
func exampleAnswers(t testing.TB, q *assessment.Questionnaire, expect string) assessment.Answers {
	t.Helper()
	for _, ex := range q.Examples {
		if ex.Expect == expect {
			return ex.Answers
		}
	}
	t.Fatalf("no example expects %s", expect)
	return nil
}

type htmlNode = html.Node
