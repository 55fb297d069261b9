package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net"
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

// The second security review's findings (docs/security.md), one test each.

// TestProxyWithoutTrustedProxiesIsWarnedOnce: requests from a loopback
// proxy carrying X-Forwarded-For, with no -trusted-proxies, log one warning
// naming the flag, however many arrive.
func TestProxyWithoutTrustedProxiesIsWarnedOnce(t *testing.T) {
	var logs bytes.Buffer
	s := startWith(t, web.Config{}, &logs)
	postsWithXFF(t, s, []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"})
	if n := strings.Count(logs.String(), "Set -trusted-proxies"); n != 1 {
		t.Errorf("warnings naming -trusted-proxies = %d, want exactly 1; logs:\n%s", n, logs.String())
	}
	var quiet bytes.Buffer
	trusted := startWith(t, web.Config{TrustedProxies: []string{"127.0.0.0/8", "::1/128"}}, &quiet)
	postsWithXFF(t, trusted, []string{"203.0.113.1"})
	if strings.Contains(quiet.String(), "-trusted-proxies") {
		t.Errorf("warned about -trusted-proxies although it is set:\n%s", quiet.String())
	}
}

// TestOwnerCanSignInWhileSomeoneGuesses: failed sign-ins for the owner's
// account from many addresses never lock the owner out of their own
// address; past the per-account ceiling they are only slowed.
func TestOwnerCanSignInWhileSomeoneGuesses(t *testing.T) {
	s := startWith(t, web.Config{TrustedProxies: []string{"127.0.0.0/8", "::1/128"}}, &bytes.Buffer{})
	s.mustOwner("greg@example.com")
	for i := range 40 {
		attacker := fmt.Sprintf("198.51.100.%d", i/4) // 4 tries from each of 10 addresses
		p := signInFrom(t, s, attacker, "greg@example.com", "wrong password "+fmt.Sprint(i))
		if p.status == http.StatusSeeOther {
			t.Fatalf("a wrong password signed in")
		}
	}
	p := signInFrom(t, s, "203.0.113.9", "greg@example.com", ownerPassword)
	if p.status != http.StatusSeeOther || p.location != "/admin" {
		t.Errorf("the owner from an address that never failed = %d %q, want 303 to /admin", p.status, p.location)
	}
}

func signInFrom(t *testing.T, s *site, client, email, password string) *page {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "next": {"/admin"}}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/admin/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	return s.newVisitor().do(req)
}

// TestHostPrefixedCookiesUnderHTTPS: with an https base URL, the visitor's
// and the owner's cookies are __Host- cookies (Secure, Path=/, no Domain),
// so a sibling subdomain cannot plant one; a draft under the old cookie
// name still opens.
func TestHostPrefixedCookiesUnderHTTPS(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"))
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	landing := v.get("/")
	started := v.post("/start", formValues(findForm(landing.doc, "/start")))
	assertHostCookie(t, started.header, "__Host-fitcheck")
	signin := v.post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}, "next": {"/admin"}})
	assertHostCookie(t, signin.header, "__Host-fitcheck_owner")

	// A visitor whose cookie predates the prefix keeps their draft.
	plain := mustStart(t)
	old := plain.newVisitor()
	old.answerAll(exampleAnswers(t, plain.q, assessment.BookACall))
	u, _ := url.Parse(plain.srv.URL)
	var oldCookie *http.Cookie
	for _, c := range old.client.Jar.Cookies(u) {
		if c.Name == "fitcheck" {
			oldCookie = c
		}
	}
	if oldCookie == nil {
		t.Fatal("no visitor cookie named fitcheck without https")
	}
	secure := mustStartStore(t, plain.dbPath, assessment.DefaultContent, nil, withBaseURL("https://fit.example.com"))
	req, _ := http.NewRequest(http.MethodGet, secure.srv.URL+"/step/2", nil)
	req.AddCookie(oldCookie)
	if p := secure.newVisitor().do(req); p.status != http.StatusOK {
		t.Errorf("a draft under the old cookie name = %d %q, want its step page", p.status, p.location)
	}
}

func assertHostCookie(t *testing.T, h http.Header, name string) {
	t.Helper()
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Name != name {
			continue
		}
		if !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("%s: Secure %v, Path %q, Domain %q; want Secure, Path=/, no Domain", name, c.Secure, c.Path, c.Domain)
		}
		return
	}
	t.Errorf("no %s cookie set; Set-Cookie: %q", name, h.Values("Set-Cookie"))
}

// TestSecurityEventsAreLogged: sign-ins, lock-outs, setup, sign-out
// everywhere, deletes and exports are logged as security events with the
// request id, the account, and a keyed hash of the client address, never
// the address itself, a password or a token.
func TestSecurityEventsAreLogged(t *testing.T) {
	var logs bytes.Buffer
	s := startWith(t, web.Config{}, &logs)
	setup, _ := s.server.SetupURL(t.Context())
	token := strings.TrimPrefix(setup, "/admin/setup?token=")
	owner := s.newVisitor()
	owner.post("/admin/setup", url.Values{"token": {token}, "email": {"greg@example.com"}, "password": {ownerPassword}, "password2": {ownerPassword}})
	s.newVisitor().post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {"a wrong password!"}})
	owner.signIn("greg@example.com", ownerPassword)
	owner.get("/admin/export.csv")
	result := s.submitted(assessment.BookACall, url.Values{})
	id := firstAssessmentID(t, owner)
	owner.post("/admin/a/"+id+"/delete", url.Values{"confirm": {"yes"}})
	owner.post("/admin/signout-everywhere", url.Values{})
	for _, event := range []string{"setup_used", "signin_failed", "signin_succeeded", "export", "assessment_deleted", "signout_everywhere"} {
		line := logLine(logs.String(), "security_event="+event)
		if line == "" {
			t.Errorf("no security event %q logged", event)
			continue
		}
		for _, want := range []string{"request_id=", "client="} {
			if !strings.Contains(line, want) {
				t.Errorf("security event %q lacks %s: %s", event, want, line)
			}
		}
		if event != "signin_failed" && !strings.Contains(line, "account=greg@example.com") {
			t.Errorf("security event %q does not name the account: %s", event, line)
		}
	}
	for _, secret := range []string{ownerPassword, "a wrong password!", token, strings.TrimPrefix(result, "/r/"), "127.0.0.1"} {
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, "security_event") && strings.Contains(line, secret) {
				t.Errorf("a security event carries %q: %s", secret, line)
			}
		}
	}
}

func logLine(logs, marker string) string {
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, marker) {
			return line
		}
	}
	return ""
}

func firstAssessmentID(t *testing.T, owner *visitor) string {
	t.Helper()
	list := owner.get("/admin")
	var id string
	walk(list.doc, func(n *htmlNode) bool {
		if href := attr(n, "href"); id == "" && strings.HasPrefix(href, "/admin/a/") {
			id = strings.TrimPrefix(href, "/admin/a/")
		}
		return true
	})
	if id == "" {
		t.Fatal("no assessment in the admin list")
	}
	return id
}

// TestSlowBodyGetsATimeout: a post whose body stops arriving before the
// read timeout is answered 408 and logged at info, not as a server error.
func TestSlowBodyGetsATimeout(t *testing.T) {
	var logs bytes.Buffer
	q, _ := rules.Load(assessment.DefaultContent)
	store, err := data.Open(t.Context(), filepath.Join(t.TempDir(), "fitcheck.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s, err := web.NewServer(web.Config{SessionHashKey: testHashKey, SessionBlockKey: testBlockKey}, store, q,
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /start HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nfresh=")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, _ := io.ReadAll(conn)
	if !bytes.HasPrefix(reply, []byte("HTTP/1.1 408")) && len(reply) != 0 {
		t.Errorf("a body that stalls = %q, want 408 or a closed connection", reply)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a stalled body was logged as an error:\n%s", logs.String())
	}
}

// TestHeadIsServedLikeGetInTheAdmin: HEAD /admin answers as GET does.
func TestHeadIsServedLikeGetInTheAdmin(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	for _, path := range []string{"/admin", "/admin/", "/admin/dashboard"} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodHead, s.srv.URL+path, nil)
		if p := v.do(req); p.status != http.StatusOK {
			t.Errorf("HEAD %s signed in = %d, want 200", path, p.status)
		}
	}
}

// TestSetupLinkAfterAnOwnerWasAddedElsewhere: a setup link still in the log
// after an owner was added from the command line says "already set up".
func TestSetupLinkAfterAnOwnerWasAddedElsewhere(t *testing.T) {
	s := mustStart(t)
	setup, _ := s.server.SetupURL(t.Context())
	s.mustOwner("greg@example.com") // as `fitcheck admin add-user` does
	p := s.newVisitor().get(setup)
	if p.status != http.StatusNotFound || findForm(p.doc, "/admin/setup") != nil {
		t.Errorf("setup link after an owner exists = %d with a form %v, want 404 and no form", p.status, findForm(p.doc, "/admin/setup") != nil)
	}
}

// TestOpenDraftsAreCappedPerNetwork: pressing Start stores nothing, and one
// network can keep only so many unfinished assessments; another network is
// not affected, and the refusal says why.
func TestOpenDraftsAreCappedPerNetwork(t *testing.T) {
	s := startWith(t, web.Config{MaxOpenDrafts: 2, TrustedProxies: []string{"127.0.0.0/8", "::1/128"}}, &bytes.Buffer{})
	for range 5 {
		postsWithXFF(t, s, []string{"198.51.100.7"}) // Start alone
	}
	if n := s.countRows("drafts"); n != 0 {
		t.Errorf("drafts after five Starts = %d, want 0", n)
	}
	firstStep := func(client string) *page {
		v := s.newVisitor()
		start := func(req *http.Request) *page { req.Header.Set("X-Forwarded-For", client); return v.do(req) }
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/start", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		start(req)
		form := answersOfStep(s.q, 0, exampleAnswers(t, s.q, assessment.BookACall))
		form.Set("_nav", "next")
		req, _ = http.NewRequest(http.MethodPost, s.srv.URL+"/step/1", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return start(req)
	}
	for i, client := range []string{"198.51.100.7", "198.51.100.8"} {
		if p := firstStep(client); p.status != http.StatusSeeOther {
			t.Fatalf("visitor %d's first step = %d, want 303", i+1, p.status)
		}
	}
	p := firstStep("198.51.100.9") // the same /24
	if p.status != http.StatusTooManyRequests || !strings.Contains(textOf(p.doc), "from your network") {
		t.Errorf("a third open draft from one /24 = %d, want 429 saying why", p.status)
	}
	if p := firstStep("203.0.113.5"); p.status != http.StatusSeeOther {
		t.Errorf("a visitor from another network = %d, want 303", p.status)
	}
}

// TestExportNeutralisesHiddenFormulasAndStoredTextIsClean: a leading NUL,
// pipe, zero-width space or fullwidth equals sign cannot smuggle a formula
// into the CSV, and NUL and bidi controls never reach storage.
func TestExportNeutralisesHiddenFormulasAndStoredTextIsClean(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v0 := s.newVisitor()
	v0.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	v0.submitContact(url.Values{"name": {"Ada\u202eecalevoL\x00"}, "email": {"ada@example.com"},
		"company": {"|cmd"}, "role": {"\u200b=1+1"}, "consent": {"yes"}})
	v := s.newVisitor()
	v.signIn("greg@example.com", ownerPassword)
	p := v.get("/admin/export.csv")
	records, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("export = %v rows, %v", len(records), err)
	}
	cell := map[string]string{}
	for i, h := range records[0] {
		cell[h] = records[1][i]
	}
	if cell["name"] != "AdaecalevoL" {
		t.Errorf("name = %q, want NUL and the right-to-left override gone", cell["name"])
	}
	for _, col := range []string{"company", "role"} {
		if !strings.HasPrefix(cell[col], "'") {
			t.Errorf("%s = %q, want a leading quote", col, cell[col])
		}
	}
}
