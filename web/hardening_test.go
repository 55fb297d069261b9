package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	result := s.submitted(assessment.BookACall, url.Values{})
	v := s.newVisitor()
	v.start()
	owner := s.newVisitor()
	owner.signIn("greg@example.com", ownerPassword)
	paths := []struct {
		who       *visitor
		path      string
		private   bool // answers, results, admin: never cached
		noindexed bool
	}{
		{v, "/", false, false},
		{v, "/step/1", true, true},
		{v, result, true, true},
		{v, result + ".json", true, false},
		{v, "/r/AAAAAAAAAAAAAAAAAAAAAAAA", false, true},
		{v, "/healthz", true, false},
		{owner, "/admin", true, true},
		{owner, "/admin/dashboard", true, true},
		{owner, "/admin/export.csv", true, false},
		{v, "/admin/signin", false, true},
	}
	for _, tt := range paths {
		t.Run(tt.path, func(t *testing.T) {
			p := tt.who.get(tt.path)
			h := p.header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "script-src 'self';") {
				t.Errorf("CSP %q allows inline, evaluated or foreign script; want script-src 'self' only", csp)
			}
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
				if h.Get(k) != want {
					t.Errorf("%s = %q, want %q", k, h.Get(k), want)
				}
			}
			if h.Get("X-Request-Id") == "" {
				t.Errorf("no X-Request-Id")
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Errorf("HSTS sent over plain HTTP")
			}
			if tt.private && !strings.Contains(h.Get("Cache-Control"), "no-store") {
				t.Errorf("Cache-Control = %q, want no-store on a private page", h.Get("Cache-Control"))
			}
			if tt.noindexed && p.doc != nil && !hasRobotsNoindex(p.doc) {
				t.Errorf("page is not marked noindex")
			}
		})
	}

	tlsSite := mustStart(t)
	tlsSrv := httptest.NewTLSServer(tlsSite.srv.Config.Handler)
	t.Cleanup(tlsSrv.Close)
	resp, err := tlsSrv.Client().Get(tlsSrv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("HSTS under TLS = %q, want a max-age", hsts)
	}
}

func hasRobotsNoindex(doc *htmlNode) bool {
	found := false
	walk(doc, func(n *htmlNode) bool {
		if n.Data == "meta" && attr(n, "name") == "robots" && strings.Contains(attr(n, "content"), "noindex") {
			found = true
		}
		return !found
	})
	return found
}

// startWith runs a site with a config the helpers don't cover, logging
// into logs.
func startWith(t *testing.T, cfg web.Config, logs *bytes.Buffer) *site {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "fitcheck.db")
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	store, err := data.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg.SessionHashKey, cfg.SessionBlockKey = testHashKey, testBlockKey
	s, err := web.NewServer(cfg, store, q, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, server: s, store: store, dbPath: dbPath, q: q}
}

func TestLogsCarryNoTokensOrContactDetails(t *testing.T) {
	var logs bytes.Buffer
	s := startWith(t, web.Config{}, &logs)
	result := s.submitted(assessment.BookACall, url.Values{"name": {"Ada Founder"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	s.newVisitor().get(result)
	setup, _ := s.server.SetupURL(t.Context())
	s.newVisitor().get(setup)
	s.newVisitor().post("/admin/signin", url.Values{"email": {"ada@example.com"}, "password": {"a secret password here"}})
	token := strings.TrimPrefix(result, "/r/")
	setupToken := strings.TrimPrefix(setup, "/admin/setup?token=")
	out := logs.String()
	if !strings.Contains(out, "request_id=") || !strings.Contains(out, "route=/r/{token}") {
		t.Errorf("request logs lack ids or route patterns:\n%s", out)
	}
	for _, secret := range []string{token, setupToken, "ada@example.com", "Ada Founder", "a secret password here"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// TestBotChecksOnSubmit: the bot checks never accuse a person. A filled
// honeypot or a submit faster than a person reads is accepted, the founder
// sees their result, and the assessment is only marked possibly automated.
func TestBotChecksOnSubmit(t *testing.T) {
	cases := []struct {
		name    string
		cfg     web.Config
		contact url.Values
	}{
		{"filled honeypot", web.Config{}, url.Values{"website": {"http://spam.example"}, "email": {"ada@example.com"}, "consent": {"yes"}}},
		{"faster than a person", web.Config{MinCompletionTime: time.Hour}, url.Values{"name": {"Ada"}, "consent": {"yes"}, "email": {"ada@example.com"}}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s := startWith(t, tt.cfg, &bytes.Buffer{})
			v := s.newVisitor()
			v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
			p := v.submitContact(tt.contact)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/r/") {
				t.Fatalf("submit = %d %q, want 303 to the result: a person is never refused", p.status, p.location)
			}
			a, err := s.store.FindAssessment(t.Context(), strings.TrimPrefix(p.location, "/r/"))
			if err != nil || !a.PossiblyAutomated {
				t.Errorf("stored assessment = %+v, %v; want it kept and marked possibly automated", a, err)
			}
			if got := v.get(p.location); got.status != http.StatusOK || byTestID(got.doc, "headline") == nil {
				t.Errorf("result = %d, want the founder's result page", got.status)
			}
		})
	}
	t.Run("a person at a person's pace is not marked", func(t *testing.T) {
		s := mustStart(t)
		token := strings.TrimPrefix(s.submitted(assessment.BookACall, url.Values{}), "/r/")
		if a, err := s.store.FindAssessment(t.Context(), token); err != nil || a.PossiblyAutomated {
			t.Errorf("an ordinary submit = %+v, %v; want it not marked", a, err)
		}
	})
}

func TestPublicPostRateLimit(t *testing.T) {
	s := startWith(t, web.Config{PublicPostsPerMinute: 5}, &bytes.Buffer{})
	v := s.newVisitor()
	v.start() // one post
	var last *page
	for range 5 {
		last = v.post("/step/1", url.Values{"_nav": {"next"}})
	}
	if last.status != http.StatusTooManyRequests || !strings.Contains(textOf(last.doc), "saved") {
		t.Errorf("6th post in a minute = %d, want 429 saying answers are saved", last.status)
	}
	if p := v.get("/step/1"); p.status != http.StatusOK {
		t.Errorf("reading a page while limited = %d, want 200: only posts are limited", p.status)
	}
}

func TestTrustedProxies(t *testing.T) {
	// With no trusted proxies, a spoofed X-Forwarded-For does not buy a new bucket.
	s := startWith(t, web.Config{PublicPostsPerMinute: 2}, &bytes.Buffer{})
	statuses := postsWithXFF(t, s, []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"})
	if statuses[2] != http.StatusTooManyRequests {
		t.Errorf("spoofed XFF without trusted proxies: statuses %v, want the third limited", statuses)
	}
	// Behind a trusted proxy (loopback here), each forwarded client has its own bucket.
	trusted := startWith(t, web.Config{PublicPostsPerMinute: 2, TrustedProxies: []string{"127.0.0.0/8", "::1/128"}}, &bytes.Buffer{})
	statuses = postsWithXFF(t, trusted, []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"})
	for i, st := range statuses {
		if st == http.StatusTooManyRequests {
			t.Errorf("client %d behind a trusted proxy was limited: %v", i, statuses)
		}
	}
	// IPv6 clients are bucketed per /64: two addresses in one /64 share a limit.
	statuses = postsWithXFF(t, trusted, []string{"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3"})
	if statuses[2] != http.StatusTooManyRequests {
		t.Errorf("three addresses in one IPv6 /64: statuses %v, want the third limited", statuses)
	}
}

func postsWithXFF(t *testing.T, s *site, clients []string) []int {
	t.Helper()
	var out []int
	for _, ip := range clients {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/start", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		p := s.newVisitor().do(req)
		out = append(out, p.status)
	}
	return out
}

func TestVisitorDeletesOwnResult(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.HireAPM))
	result := v.submitContact(url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}}).location
	if byTestID(v.get(result).doc, "delete-own") == nil {
		t.Fatalf("the submitter's result page has no delete button")
	}
	stranger := s.newVisitor()
	if byTestID(stranger.get(result).doc, "delete-own") != nil {
		t.Errorf("someone with only the link is offered delete")
	}
	if p := stranger.post(result+"/delete", url.Values{}); p.status != http.StatusForbidden || s.countRows("assessments") != 1 {
		t.Errorf("stranger delete = %d, want 403 and the result kept", p.status)
	}
	p := v.post(result+"/delete", url.Values{})
	if p.status != http.StatusSeeOther || s.countRows("assessments") != 0 {
		t.Fatalf("own delete = %d with %d left, want 303 and nothing left", p.status, s.countRows("assessments"))
	}
	if landing := v.get(p.location); byTestID(landing.doc, "notice") == nil {
		t.Errorf("no confirmation after deleting")
	}
	if got := stranger.get(result); got.status != http.StatusNotFound {
		t.Errorf("share link after delete = %d, want 404", got.status)
	}
}
