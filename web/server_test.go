package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestResultKeepsItsQuestionnaireVersion submits under one content file,
// restarts on an edited file over the same database, and checks the old
// result still reads as it did while new results use the new copy.
func TestResultKeepsItsQuestionnaireVersion(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "fitcheck.db")
	original := mustStartAt(t, dbPath, assessment.DefaultContent)
	answers := exampleAnswers(t, original.q, assessment.BookACall)
	oldHeadline := mustOutcome(t, original.q, assessment.BookACall).Headline

	v := original.newVisitor()
	v.answerAll(answers)
	oldResult := v.submitContact(url.Values{}).location
	original.srv.Close()

	edited := bytes.Replace(assessment.DefaultContent, []byte("headline: "+oldHeadline), []byte("headline: A brand new headline"), 1)
	if bytes.Equal(edited, assessment.DefaultContent) {
		t.Fatalf("could not find the book-a-call headline %q to edit", oldHeadline)
	}
	restarted := mustStartAt(t, dbPath, edited)
	if restarted.q.Version == original.q.Version {
		t.Fatalf("edited content has the same version")
	}
	stranger := restarted.newVisitor()
	if got := textOf(byTestID(stranger.get(oldResult).doc, "headline")); got != oldHeadline {
		t.Errorf("old result headline after the edit = %q, want %q", got, oldHeadline)
	}
	v2 := restarted.newVisitor()
	v2.answerAll(answers)
	newResult := v2.submitContact(url.Values{}).location
	if got := textOf(byTestID(v2.get(newResult).doc, "headline")); got != "A brand new headline" {
		t.Errorf("new result headline = %q, want the edited one", got)
	}
	if n := restarted.countRows("questionnaire_versions"); n != 2 {
		t.Errorf("stored questionnaire versions = %d, want 2 (each distinct file once)", n)
	}
	// Starting again on the original content adds no third version.
	mustStartAt(t, dbPath, assessment.DefaultContent)
	if n := restarted.countRows("questionnaire_versions"); n != 2 {
		t.Errorf("stored questionnaire versions after restarting on the original = %d, want 2", n)
	}
}

func mustOutcome(t *testing.T, q *assessment.Questionnaire, id string) *assessment.Outcome {
	t.Helper()
	o, ok := q.Outcome(id)
	if !ok {
		t.Fatalf("no outcome %s", id)
	}
	return o
}

func TestSessionCookieKeepsAnswersOnTheServer(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	v.answerAll(answers)

	u, _ := url.Parse(s.srv.URL)
	cookies := v.client.Jar.Cookies(u)
	if len(cookies) != 1 {
		t.Fatalf("cookies = %d, want exactly one", len(cookies))
	}
	value := cookies[0].Value
	if len(value) > 400 {
		t.Errorf("session cookie is %d bytes; answers should live on the server", len(value))
	}
	for id, vals := range answers {
		for _, val := range vals {
			if len(val) > 3 && strings.Contains(value, val) {
				t.Errorf("cookie carries the answer %s=%s in the clear", id, val)
			}
		}
	}

	// The Set-Cookie header itself: HttpOnly, SameSite=Lax, and Secure only under TLS.
	resp := postStart(t, s.srv.URL, s.srv.Client())
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie over plain HTTP is Secure, so the browser would drop it: %q", sc)
	}

	tlsSite := mustStart(t)
	tlsSrv := httptest.NewTLSServer(tlsSite.srv.Config.Handler)
	t.Cleanup(tlsSrv.Close)
	if sc := postStart(t, tlsSrv.URL, tlsSrv.Client()).Header.Get("Set-Cookie"); !strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie under TLS = %q, want Secure", sc)
	}
}

func postStart(t *testing.T, base string, client *http.Client) *http.Response {
	t.Helper()
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(base+"/start", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestHealthAndStatic(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	if p := v.get("/healthz"); p.status != http.StatusOK || strings.TrimSpace(p.body) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", p.status, p.body)
	}
	landing := v.get("/")
	var css string
	walk(landing.doc, func(n *htmlNode) bool {
		if css == "" && n.Data == "link" && attr(n, "rel") == "stylesheet" {
			css = attr(n, "href") // the first: form.css may follow
		}
		return css == ""
	})
	if !strings.HasPrefix(css, "/static/style.") {
		t.Fatalf("stylesheet link = %q, want a fingerprinted /static/style.*.css", css)
	}
	p := v.get(css)
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") ||
		!strings.Contains(p.header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s = %d %q %q, want 200 text/css cached immutably", css, p.status, p.header.Get("Content-Type"), p.header.Get("Cache-Control"))
	}
	if p := v.get("/static/style.css"); p.status != http.StatusNotFound {
		t.Errorf("unfingerprinted stylesheet = %d, want 404", p.status)
	}
}

func TestResultPageIsNotIndexed(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.NarrowScope))
	path := v.submitContact(url.Values{}).location
	res := v.get(path)
	var robots string
	walk(res.doc, func(n *htmlNode) bool {
		if n.Data == "meta" && attr(n, "name") == "robots" {
			robots = attr(n, "content")
		}
		return true
	})
	if robots != "noindex" {
		t.Errorf("result robots meta = %q, want noindex (share tokens are private links)", robots)
	}
	var ogTitle string
	walk(res.doc, func(n *htmlNode) bool {
		if n.Data == "meta" && attr(n, "property") == "og:title" {
			ogTitle = attr(n, "content")
		}
		return true
	})
	if want := mustOutcome(t, s.q, assessment.NarrowScope).Headline; !strings.Contains(ogTitle, want) {
		t.Errorf("og:title = %q, want the outcome headline %q for link previews", ogTitle, want)
	}
	// narrow-scope opens the scoping exercise first, and offers the retake
	// (a form starting one, pre-filled) beside it.
	if btn := byTestID(res.doc, "primary-action"); btn == nil || attr(btn, "href") != path+"/checklist" {
		t.Errorf("narrow-scope primary action is not the scoping exercise at %s/checklist", path)
	}
	if form := findForm(res.doc, path+"/retake"); form == nil || !hasClass(form, "second") {
		t.Errorf("narrow-scope offers no retake beside its first action")
	}
}

func TestConditionalGetAndCompression(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	first := v.get("/")
	etag := first.header.Get("ETag")
	if etag == "" {
		t.Fatalf("landing page has no ETag")
	}
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/", nil)
	req.Header.Set("If-None-Match", etag)
	if p := v.do(req); p.status != http.StatusNotModified || p.body != "" {
		t.Errorf("conditional GET = %d with %d bytes, want 304 and no body", p.status, len(p.body))
	}

	// A browser that accepts gzip gets it; the Go client undoes it itself
	// unless asked explicitly, so ask explicitly and look at the header.
	req, _ = http.NewRequest(http.MethodGet, s.srv.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("Content-Encoding = %q, want gzip when the client accepts it", resp.Header.Get("Content-Encoding"))
	}

	robots := v.get("/robots.txt")
	if robots.status != http.StatusOK || !strings.Contains(robots.body, "Disallow: /r/") || !strings.Contains(robots.body, "Disallow: /admin") {
		t.Errorf("robots.txt = %d %q, want results and admin disallowed", robots.status, robots.body)
	}
}

func TestHeadRequests(t *testing.T) {
	s := mustStart(t)
	for _, path := range []string{"/", "/healthz", "/robots.txt"} {
		req, _ := http.NewRequest(http.MethodHead, s.srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", path, resp.StatusCode)
		}
	}
}
