package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
)

func withEmbedOrigins(origins ...string) siteOption {
	return func(c *web.Config) { c.EmbedOrigins = origins }
}

// syncBuffer is a log sink tests read while the server writes.
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

// mustStartLogged is mustStart with the server's log, at DEBUG, kept.
func mustStartLogged(t *testing.T, opts ...siteOption) (*site, *syncBuffer) {
	t.Helper()
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "fitcheck.db")
	store, err := data.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := web.Config{SessionHashKey: testHashKey, SessionBlockKey: testBlockKey}
	for _, o := range opts {
		o(&cfg)
	}
	logs := &syncBuffer{}
	s, err := web.NewServer(cfg, store, q, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, server: s, store: store, dbPath: dbPath, q: q}, logs
}

// cookieless is a browser inside a frame on another site that keeps no
// cookie at all: every request goes without one, and redirects are not
// followed, so the test sees each.
func (s *site) cookieless() *visitor {
	return &visitor{t: s.t, site: s, client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// framedWalk records a framed journey: every address asked for, every
// Location answered, every pass the pages carried.
type framedWalk struct {
	v         *visitor
	addresses []string
	passes    []string
	cookies   []string // every Set-Cookie answered
}

// submitForm posts form as the browser would, the form's fields as they
// stand with changes applied, and follows a 307 as browsers do: the same
// form, posted on.
func (w *framedWalk) submitForm(p *page, action string, change url.Values) *page {
	w.v.t.Helper()
	form := findForm(p.doc, action)
	if form == nil {
		w.v.t.Fatalf("no form posting to %q on:\n%s", action, p.body)
	}
	action = attr(form, "action")
	values := formValues(form)
	if values.Get("_frame") != "1" {
		w.v.t.Errorf("the form posting to %s does not carry _frame=1", action)
	}
	for k, vs := range change {
		values[k] = vs
	}
	for {
		w.addresses = append(w.addresses, action)
		next := w.v.post(action, values)
		if next.location != "" {
			w.addresses = append(w.addresses, next.location)
		}
		w.cookies = append(w.cookies, next.header.Values("Set-Cookie")...)
		if next.status != http.StatusTemporaryRedirect {
			w.note(next)
			return next
		}
		action = next.location
	}
}

func (w *framedWalk) note(p *page) {
	if p.doc == nil {
		return
	}
	walk(p.doc, func(n *htmlNode) bool {
		if attr(n, "name") == "_draft" {
			w.passes = append(w.passes, attr(n, "value"))
		}
		return true
	})
}

// answerStep fills the step on p with answers and posts it.
func (w *framedWalk) answerStep(p *page, answers assessment.Answers) *page {
	w.v.t.Helper()
	form := findForm(p.doc, "")
	if form == nil {
		w.v.t.Fatalf("no step form on:\n%s", p.body)
	}
	change := url.Values{"_nav": {"next"}}
	offered := inputs(form)
	for name, vals := range answers {
		if _, ok := offered[name]; ok {
			change[name] = vals
		}
	}
	return w.submitForm(p, "", change)
}

// TestEmbeddedJourneyWithoutAnyCookie: a founder in a frame whose browser
// keeps no cookie at all walks from the frame's first page through every
// step, Back, a validation message and the submit to their own result,
// writes to the owner from it, and opens it full-page; the draft travels
// only in the forms' sealed reference, which never appears in an address,
// a redirect, the share link or the log, and under plain http no cookie is
// set at all.
func TestEmbeddedJourneyWithoutAnyCookie(t *testing.T) {
	s, logs := mustStartLogged(t, withEmbedOrigins("http://localhost:1"))
	w := &framedWalk{v: s.cookieless()}
	answers := exampleAnswers(t, s.q, assessment.BookACall)

	first := w.v.get("/embed?utm_source=consultant-site&ref=www.linkedin.com")
	if first.status != http.StatusOK || byTestID(first.doc, "frame-start") == nil {
		t.Fatalf("GET /embed = %d, want the frame's first page:\n%s", first.status, first.body)
	}
	p := w.submitForm(first, "/start", nil)
	if p.status != http.StatusOK || findForm(p.doc, "") == nil {
		t.Fatalf("Start in the frame = %d, want step 1 at once (no redirect to an address that needs a cookie):\n%s", p.status, p.body)
	}
	// An unanswered required question: the same step again, with its message, answers kept.
	again := w.submitForm(p, "", url.Values{"_nav": {"next"}})
	if again.status != http.StatusUnprocessableEntity || byTestID(again.doc, "error-summary") == nil {
		t.Fatalf("an empty step 1 in the frame = %d, want 422 with the messages", again.status)
	}
	p = w.answerStep(again, answers)
	// Back from step 2 to step 1 keeps step 1's answers.
	back := w.submitForm(p, "", url.Values{"_nav": {"back"}})
	if got := checked(back.doc, firstQuestion(s.q)); len(got) == 0 {
		t.Errorf("Back in the frame lost step 1's answer to %s", firstQuestion(s.q))
	}
	p = w.answerStep(back, answers)
	for range len(s.q.Steps) - 1 {
		p = w.answerStep(p, answers)
	}
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="consent"`) {
		t.Fatalf("after the last question step: %d, want the contact step", p.status)
	}
	result := w.submitForm(p, "", url.Values{"_nav": {"next"}})
	if result.status != http.StatusOK || byTestID(result.doc, "result") == nil {
		t.Fatalf("the submit in the frame ends at %d, want the result:\n%s", result.status, result.body)
	}
	if byTestID(result.doc, "shared-frame") != nil || byTestID(result.doc, "full-page") == nil {
		t.Errorf("the framed result is not the founder's own, with a way to open it full-page")
	}
	token := strings.TrimPrefix(w.addresses[len(w.addresses)-1], "/r/")
	a, err := s.store.FindAssessment(t.Context(), token)
	if err != nil {
		t.Fatalf("the submit stored nothing under %q: %v", token, err)
	}
	if a.Result.Outcome != assessment.BookACall || a.Source.UTMSource != "consultant-site" || a.Source.ReferrerHost != "www.linkedin.com" {
		t.Errorf("stored %s from %+v, want book-a-call from consultant-site via www.linkedin.com", a.Result.Outcome, a.Source)
	}

	sent := w.submitForm(result, "/r/"+token+"/message", url.Values{"message": {"Can we talk next week?"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	if sent.status != http.StatusOK || byTestID(sent.doc, "message-sent") == nil {
		t.Errorf("a message from the framed result = %d, want the result again saying it was sent", sent.status)
	}

	if len(w.passes) == 0 {
		t.Fatal("no page carried a draft reference")
	}
	share := textOf(byTestID(result.doc, "share-link"))
	share += attr(byTestID(result.doc, "share-link"), "value")
	for _, pass := range w.passes {
		for _, where := range append(w.addresses, share, logs.String()) {
			if pass != "" && strings.Contains(where, pass) {
				t.Fatalf("a draft reference leaked into %.120q", where)
			}
		}
	}
	if len(w.cookies) > 0 {
		t.Errorf("under plain http the frame was sent cookies %q, want none (a SameSite=None cookie must be Secure)", w.cookies)
	}

	// Full-page: a tab of its own, where the browser may keep a cookie, takes the result as the founder's.
	full := s.newVisitor()
	claim := full.post("/r/"+token+"/full-page", url.Values{"_draft": {w.passes[len(w.passes)-1]}})
	if claim.status != http.StatusSeeOther || claim.location != "/r/"+token {
		t.Fatalf("open full page = %d → %q, want 303 to the result", claim.status, claim.location)
	}
	if own := full.get("/r/" + token); byTestID(own.doc, "shared-frame") != nil || byTestID(own.doc, "delete-own") == nil {
		t.Errorf("the full page is not the founder's own result")
	}
	// A reference opens only the result its draft made.
	other := s.submitted(assessment.HireAPM, url.Values{})
	stranger := s.newVisitor()
	if p := stranger.post(other+"/full-page", url.Values{"_draft": {w.passes[len(w.passes)-1]}}); len(p.header.Values("Set-Cookie")) > 0 {
		t.Errorf("a reference to one result claimed another: %q", p.header.Values("Set-Cookie"))
	}
	if p := stranger.get(other); byTestID(p.doc, "shared-frame") == nil {
		t.Errorf("after a refused claim the result is not the shared view")
	}
}

// firstQuestion is the id of step 1's first question.
func firstQuestion(q *assessment.Questionnaire) string { return q.Steps[0].Questions[0].ID }

// TestEmbeddedCookieIsPartitioned: under https the framed session is also
// kept in a cookie a browser allows in a cross-site frame, with third-party
// cookies blocked too (SameSite=None; Secure; Partitioned), and with it the
// frame's first page offers to carry on where the founder left off.
func TestEmbeddedCookieIsPartitioned(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"), withEmbedOrigins("https://consultant.example"))
	v := s.newVisitor() // keeps cookies, but only sends Secure ones over https: so send them by hand
	w := &framedWalk{v: s.cookieless()}
	w.answerStep(w.submitForm(w.v.get("/embed"), "/start", nil), exampleAnswers(t, s.q, assessment.BookACall))
	var frameCookie *http.Cookie
	for _, line := range w.cookies {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("unreadable Set-Cookie %q: %v", line, err)
		}
		if c.Name == "__Host-fitcheck-frame" {
			frameCookie = c
		}
		if c.Name == "__Host-fitcheck" || c.Name == "fitcheck" {
			t.Errorf("the frame was sent the first-party cookie %q", line)
		}
	}
	if frameCookie == nil {
		t.Fatalf("no framed cookie among %q", w.cookies)
	}
	if !frameCookie.Secure || !frameCookie.Partitioned || frameCookie.SameSite != http.SameSiteNoneMode || !frameCookie.HttpOnly || frameCookie.Path != "/" {
		t.Errorf("framed cookie %+v, want Secure, Partitioned, SameSite=None, HttpOnly, Path=/", frameCookie)
	}
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/embed", nil)
	req.AddCookie(&http.Cookie{Name: frameCookie.Name, Value: frameCookie.Value})
	again := v.do(req)
	if byTestID(again.doc, "resume") == nil || !strings.Contains(textOf(byTestID(again.doc, "resume")), "step 2") {
		t.Errorf("with the partitioned cookie the frame's first page does not offer to carry on at step 2:\n%s", again.body)
	}
	// The first-party cookie's name never opens as a framed one, nor the other way round.
	req, _ = http.NewRequest(http.MethodGet, s.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-fitcheck", Value: frameCookie.Value})
	if landing := v.do(req); byTestID(landing.doc, "resume") != nil {
		t.Error("the framed cookie's value, sent as the first-party cookie, found the draft")
	}
}

// TestEmbeddedReferenceIsBound: a reference that was altered, or that is
// really a cookie's value, opens nothing: the founder is told their answers
// cannot be found, on a page that stays in the frame and starts it again.
func TestEmbeddedReferenceIsBound(t *testing.T) {
	s := mustStart(t, withEmbedOrigins("https://consultant.example"))
	w := &framedWalk{v: s.cookieless()}
	w.answerStep(w.submitForm(w.v.get("/embed"), "/start", nil), exampleAnswers(t, s.q, assessment.BookACall))
	pass := w.passes[len(w.passes)-1]
	ordinary := s.newVisitor()
	ordinary.start()
	var cookieValue string
	for _, c := range ordinary.client.Jar.Cookies(mustURL(t, s.srv.URL)) {
		cookieValue = c.Value
	}
	for name, forged := range map[string]string{
		"altered":        pass[:len(pass)-4] + "AAAA",
		"a cookie value": cookieValue,
	} {
		got := w.v.post("/step/2", url.Values{"_frame": {"1"}, "_draft": {forged}, "_nav": {"next"}})
		if got.status != http.StatusBadRequest || byTestID(got.doc, "error-page") == nil {
			t.Errorf("%s reference: %d, want 400 'we couldn't find your answers'", name, got.status)
			continue
		}
		if findLink(got.doc, "/embed") == nil || findLink(got.doc, "/") != nil {
			t.Errorf("%s reference: the error page does not lead back to the frame's start", name)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// findLink is the first link to href on the page, or nil.
func findLink(doc *htmlNode, href string) *htmlNode {
	var found *htmlNode
	walk(doc, func(n *htmlNode) bool {
		if found == nil && n.Data == "a" && attr(n, "href") == href {
			found = n
		}
		return found == nil
	})
	return found
}

// TestFramingFollowsEmbedOrigins: without -embed-origins no page may be
// framed (frame-ancestors 'none' and X-Frame-Options DENY); with it, the
// listed origins may frame the visitor's pages, which then send no
// X-Frame-Options to contradict them, and the review area stays unframeable.
func TestFramingFollowsEmbedOrigins(t *testing.T) {
	tests := []struct {
		name      string
		origins   []string
		path      string
		ancestors string
		xfo       string
	}{
		{"no origins, the frame's page", nil, "/embed", "frame-ancestors 'none'", "DENY"},
		{"no origins, landing", nil, "/", "frame-ancestors 'none'", "DENY"},
		{"origins, the frame's page", []string{"https://a.example", "https://www.b.example"}, "/embed", "frame-ancestors https://a.example https://www.b.example;", ""},
		{"origins, a result", []string{"https://a.example"}, "/r/AAAAAAAAAAAAAAAAAAAAAAAA", "frame-ancestors https://a.example;", ""},
		{"origins, sign-in", []string{"https://a.example"}, "/admin/signin", "frame-ancestors 'none'", "DENY"},
		{"origins, the review area", []string{"https://a.example"}, "/admin/embed", "frame-ancestors 'none'", "DENY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustStart(t, withEmbedOrigins(tt.origins...))
			p := s.newVisitor().get(tt.path)
			if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, tt.ancestors) {
				t.Errorf("GET %s: Content-Security-Policy %q, want %q", tt.path, csp, tt.ancestors)
			}
			if got := p.header.Get("X-Frame-Options"); got != tt.xfo {
				t.Errorf("GET %s: X-Frame-Options %q, want %q", tt.path, got, tt.xfo)
			}
		})
	}
}

// TestEmbeddedPagesWeigh: the frame's pages keep the visitor pages'
// budgets, and the two scripts of embedding (frame.js in the frame, and
// embed.js on the owner's page) keep the script budget.
func TestEmbeddedPagesWeigh(t *testing.T) {
	s := mustStart(t, withEmbedOrigins("https://consultant.example"))
	w := &framedWalk{v: s.cookieless()}
	first := w.v.get("/embed")
	step := w.submitForm(first, "/start", nil)
	for name, p := range map[string]*page{"the frame's first page": first, "step 1 in the frame": step} {
		html, gz, css, js := len(p.body), gzipLen(p.body), 0, 0
		walk(p.doc, func(n *htmlNode) bool {
			switch {
			case n.Data == "link" && attr(n, "rel") == "stylesheet":
				body := w.v.get(attr(n, "href")).body
				css += len(body)
				gz += gzipLen(body)
			case n.Data == "script":
				js += len(w.v.get(attr(n, "src")).body)
			}
			return true
		})
		if html+css > pageBudget || gz > pageGzipBudget || js > jsBudget {
			t.Errorf("%s: HTML %d + CSS %d, %d gzipped, %d of script; budgets %d, %d, %d", name, html, css, gz, js, pageBudget, pageGzipBudget, jsBudget)
		}
		if js == 0 {
			t.Errorf("%s links no frame.js: the frame cannot fit it", name)
		}
	}
	if embed := w.v.get("/embed.js"); embed.status != http.StatusOK || len(embed.body) > jsBudget {
		t.Errorf("/embed.js = %d, %d bytes; want 200 within %d", embed.status, len(embed.body), jsBudget)
	}
}

// TestEmbeddedRetake: a retake from the framed result stays in the frame:
// a hand-over page passes the new draft's reference on to step 1 (at once
// with frame.js, or with a click), which shows the earlier answers filled in.
func TestEmbeddedRetake(t *testing.T) {
	s := mustStart(t, withEmbedOrigins("https://consultant.example"))
	w := &framedWalk{v: s.cookieless()}
	answers := exampleAnswers(t, s.q, assessment.NarrowScope)
	p := w.submitForm(w.v.get("/embed"), "/start", nil)
	for range s.q.Steps {
		p = w.answerStep(p, answers)
	}
	result := w.submitForm(p, "", url.Values{"_nav": {"next"}})
	token := strings.TrimPrefix(w.addresses[len(w.addresses)-1], "/r/")
	handOver := w.submitForm(result, "/r/"+token+"/retake", nil)
	if handOver.status != http.StatusOK || byTestID(handOver.doc, "retake-hand-over") == nil {
		t.Fatalf("retake in the frame = %d, want the hand-over page:\n%s", handOver.status, handOver.body)
	}
	step1 := w.submitForm(handOver, "/step/1", nil)
	if got := checked(step1.doc, firstQuestion(s.q)); len(got) == 0 || got[0] != answers[firstQuestion(s.q)][0] {
		t.Errorf("step 1 of the retake shows %v for %s, want the earlier %v", got, firstQuestion(s.q), answers[firstQuestion(s.q)])
	}
	if a, err := s.store.FindAssessment(t.Context(), token); err != nil || a.Result.Outcome != assessment.NarrowScope {
		t.Errorf("the earlier result: %v, %v; want it kept as it was", a, err)
	}
}
