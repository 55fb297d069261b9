package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
)

// TestEverySettingReachesItsEffect starts the real server once per way of
// giving each setting (its flag and its environment variable; an
// environment-only one as itself and as NAME_FILE), with that setting,
// and looks for its effect from outside: an HTTP answer, a file, a log
// line, a delivered message. The list of settings comes from the flag set,
// the environment-only list, -h and the README, so a setting added without
// a row here fails the test.
func TestEverySettingReachesItsEffect(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server once per setting")
	}
	covered := map[string]bool{}
	for _, row := range settingRows {
		for _, g := range row.ways() {
			covered[g.name()] = true
			t.Run(g.name(), func(t *testing.T) {
				t.Parallel()
				row.check(t, g)
			})
		}
	}
	t.Run("every documented setting has a row", func(t *testing.T) {
		for _, name := range documentedSettings(t) {
			if !covered[name] {
				t.Errorf("%s is documented but has no row in settingRows: add one that starts the server with it and sees its effect", name)
			}
		}
	})
}

// way is one way of giving a setting: as its flag, its environment
// variable, or a file named by NAME_FILE.
type way struct {
	flag, env string
	file      bool
}

func (g way) name() string {
	switch {
	case g.flag != "":
		return "-" + g.flag
	case g.file:
		return g.env + fileSuffix
	}
	return g.env
}

// set gives the setting value in c.
func (g way) set(t *testing.T, c conf, value string) conf {
	c = c.clone()
	switch {
	case g.flag != "":
		c.args = append(c.args, "-"+g.flag, value)
	case g.file:
		f := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(f, []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.env[g.env+fileSuffix] = f
	default:
		c.env[g.env] = value
	}
	return c
}

// conf is a server's arguments and environment.
type conf struct {
	args []string
	env  map[string]string
}

func (c conf) clone() conf {
	return conf{args: slices.Clone(c.args), env: maps.Clone(c.env)}
}

// baseConf is every row's starting point: a fresh database, a free port,
// no drain; given as environment, so a row's flag or variable overrides it.
func baseConf(t *testing.T) (conf, string) {
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	return conf{env: map[string]string{"FITCHECK_DB": db, "FITCHECK_ADDR": "127.0.0.1:0", "FITCHECK_DRAIN_PERIOD": "0s"}}, db
}

// start runs the server with c through run.
func (c conf) start(t *testing.T) *testServer {
	t.Helper()
	ts := launchAsIs(t, c.args, c.env)
	ts.waitForURL(t)
	return ts
}

// settingRow is a setting and how to see that it worked.
type settingRow struct {
	setting string // a flag's name, or an environment-only variable
	check   func(t *testing.T, g way)
}

// ways are the ways of giving the row's setting.
func (r settingRow) ways() []way {
	if env, ok := envNames[r.setting]; ok {
		return []way{{flag: r.setting}, {env: env}}
	}
	if strings.HasPrefix(r.setting, "PG") {
		return []way{{env: r.setting}}
	}
	return []way{{env: r.setting}, {env: r.setting, file: true}}
}

var settingRows = []settingRow{
	{"addr", checkAddr},
	{"db", checkDB},
	{"questionnaire", checkQuestionnaire},
	{"booking-url", checkBookingURL},
	{"base-url", checkBaseURL},
	{"log-format", checkLogFormat},
	{"trusted-proxies", checkTrustedProxies},
	{"retain-days", checkRetainDays},
	{"min-completion-time", checkMinCompletionTime},
	{"post-limit", checkPostLimit},
	{"max-open-drafts", checkMaxOpenDrafts},
	{"metrics-addr", checkMetricsAddr},
	{"data-dir", checkDataDir},
	{"tls-cert", checkTLSFiles},
	{"tls-key", checkTLSFiles},
	{"acme-domain", checkACMEDomain},
	{"acme-http-addr", checkACMEHTTPAddr},
	{"smtp-url", checkMail},
	{"mail-from", checkMail},
	{"notify-email", checkMail},
	{"timezone", checkTimezone},
	{"drain-period", checkDrainPeriod},
	{"db-wait", checkDBWait},
	{"FITCHECK_SESSION_KEY", checkSessionKey},
	{"FITCHECK_SMTP_PASSWORD", checkMail},
	{"FITCHECK_WEBHOOK_URL", checkWebhook},
	{"FITCHECK_WEBHOOK_SECRET", checkWebhook},
	{"FITCHECK_SLACK_WEBHOOK_URL", checkSlack},
	{"FITCHECK_CALCOM_WEBHOOK_SECRET", checkCalComBooking},
	{"FITCHECK_CALENDLY_SIGNING_KEY", checkCalendlyBooking},
	{"PGPASSWORD", checkPostgresPassword},
	{"PGPASSFILE", checkPostgresPassword},
}

// testSuiteVars are the README's variables for the test suite, not the
// server.
var testSuiteVars = []string{"FITCHECK_AXE", "FITCHECK_SCREENSHOTS", "FITCHECK_REQUIRE_BROWSER", "FITCHECK_CHROMIUM",
	"FITCHECK_NPM_DIR", "FITCHECK_TEST_POSTGRES"}

var (
	envInText  = regexp.MustCompile(`\b(FITCHECK_[A-Z0-9_]*[A-Z0-9]|PGPASS(?:WORD|FILE))\b`)
	flagInHelp = regexp.MustCompile(`(?m)^  -([a-z-]+) \(`)
	flagInDocs = regexp.MustCompile("\\| `-([a-z-]+)`")
)

// documentedSettings are every flag and variable the flag set, the
// environment-only list, -h and the README name.
func documentedSettings(t *testing.T) []string {
	t.Helper()
	names := map[string]bool{}
	fs := newFlagSet("fitcheck", &config{})
	fs.VisitAll(func(f *flag.Flag) {
		names["-"+f.Name] = true
		names[envNames[f.Name]] = true
	})
	for _, v := range envOnly {
		names[v.name] = true
		names[v.name+fileSuffix] = true
	}
	for _, v := range postgresEnvVars {
		names[v.name] = true
	}
	var help bytes.Buffer
	if err := run(t.Context(), []string{"-h"}, func(string) string { return "" }, strings.NewReader(""), &help, &help); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{help.String(), string(readme)} {
		for _, m := range envInText.FindAllStringSubmatch(text, -1) {
			names[m[1]] = true
		}
	}
	for _, m := range flagInHelp.FindAllStringSubmatch(help.String(), -1) {
		names["-"+m[1]] = true
	}
	for _, m := range flagInDocs.FindAllStringSubmatch(string(readme), -1) {
		names["-"+m[1]] = true
	}
	for _, v := range testSuiteVars {
		delete(names, v)
	}
	delete(names, "-h")
	return slices.Sorted(maps.Keys(names))
}

// freeAddr is a loopback address nothing listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func status(t *testing.T, c *http.Client, method, u string, form url.Values, header ...string) int {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// submitted answers the embedded questionnaire's first example through the
// forms and returns the result's token.
func submitted(t *testing.T, base string) string {
	t.Helper()
	_, steps := exampleSteps(t)
	token := submitOne(base, steps)
	if token == "" {
		t.Fatal("the submit was not acknowledged")
	}
	return token
}

func checkAddr(t *testing.T, g way) {
	c, _ := baseConf(t)
	addr := freeAddr(t)
	g.set(t, c, addr).start(t)
	if st := status(t, http.DefaultClient, "GET", "http://"+addr+"/healthz", nil); st != http.StatusOK {
		t.Errorf("GET /healthz on %s = %d, want 200", addr, st)
	}
}

func checkDB(t *testing.T, g way) {
	c, _ := baseConf(t)
	db := filepath.Join(t.TempDir(), "elsewhere.db")
	ts := g.set(t, c, db).start(t)
	submitted(t, ts.url)
	ts.stop()
	conn, err := sql.Open("sqlite", db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM assessments`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%s holds %d assessments (%v), want the 1 submitted", db, n, err)
	}
}

func checkQuestionnaire(t *testing.T, g way) {
	c, _ := baseConf(t)
	content := bytes.Replace(assessment.DefaultContent, []byte("title: Do you need a fractional product leader, or something else?"),
		[]byte("title: A questionnaire of the operator's own"), 1)
	file := filepath.Join(t.TempDir(), "q.yaml")
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	ts := g.set(t, c, file).start(t)
	if _, body := getBody(t, http.DefaultClient, ts.url+"/"); !strings.Contains(body, "A questionnaire of the operator") {
		t.Errorf("the landing page does not show the questionnaire's own title")
	}
}

func checkBookingURL(t *testing.T, g way) {
	c, _ := baseConf(t)
	ts := g.set(t, c, "https://booking.example.com/gregory").start(t)
	token := submitted(t, ts.url)
	resp, err := newClient().Get(ts.url + "/r/" + token + "/book")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "https://booking.example.com/gregory") {
		t.Errorf("/book redirects to %q, want the booking page", loc)
	}
}

func checkBaseURL(t *testing.T, g way) {
	c, _ := baseConf(t)
	ts := g.set(t, c, "https://fit.example.com").start(t)
	token := submitted(t, ts.url)
	if _, body := getBody(t, newClient(), ts.url+"/r/"+token); !strings.Contains(body, "https://fit.example.com/r/"+token) {
		t.Errorf("the result's share link is not on the base URL")
	}
}

func checkLogFormat(t *testing.T, g way) {
	c, _ := baseConf(t)
	ts := g.set(t, c, "json").start(t)
	getBody(t, http.DefaultClient, ts.url+"/")
	getBody(t, http.DefaultClient, ts.url+"/healthz")
	getBody(t, http.DefaultClient, ts.url+"/readyz")
	ts.stop()
	if strings.Contains(ts.logs.String(), `"route":"/healthz"`) || strings.Contains(ts.logs.String(), `"route":"/readyz"`) {
		t.Errorf("health probes are logged at INFO; balancers ask every few seconds, so they belong at DEBUG")
	}
	lines := strings.Split(strings.TrimSpace(ts.logs.String()), "\n")
	for _, line := range lines {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
	if len(lines) < 3 {
		t.Errorf("only %d log lines", len(lines))
	}
}

// checkTrustedProxies: behind a trusted proxy each forwarded client has its
// own post limit; without it they would share the proxy's.
func checkTrustedProxies(t *testing.T, g way) {
	c, _ := baseConf(t)
	c.env["FITCHECK_POST_LIMIT"] = "2"
	ts := g.set(t, c, "127.0.0.1/32").start(t)
	post := func(client string) int {
		return status(t, newClient(), "POST", ts.url+"/start", url.Values{}, "X-Forwarded-For", client)
	}
	for range 2 {
		post("203.0.113.7")
	}
	if st := post("203.0.113.7"); st != http.StatusTooManyRequests {
		t.Fatalf("the third post from one client = %d, want 429", st)
	}
	if st := post("198.51.100.9"); st == http.StatusTooManyRequests {
		t.Errorf("another client behind the trusted proxy was refused too: its X-Forwarded-For was not believed")
	}
}

func checkRetainDays(t *testing.T, g way) {
	c, db := baseConf(t)
	ts := c.start(t)
	token := submitted(t, ts.url)
	ts.stop()
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`UPDATE assessments SET created_at = '2020-01-01T00:00:00.000000000Z'`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	ts = g.set(t, c, "30").start(t)
	for range 400 {
		if strings.Contains(ts.logs.String(), "deleted assessments past the retention period") {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if st := status(t, newClient(), "GET", ts.url+"/r/"+token, nil); st != http.StatusNotFound {
		t.Errorf("a result from 2020 with retention of 30 days = %d, want 404:\n%s", st, ts.logs.String())
	}
}

func checkMinCompletionTime(t *testing.T, g way) {
	c, db := baseConf(t)
	ts := g.set(t, c, "1h").start(t)
	submitted(t, ts.url)
	if detail := deskDetail(t, adminClient(t, ts.url, db, nil), ts.url); !strings.Contains(detail, "Possibly automated") {
		t.Errorf("a submit within the hour is not marked possibly automated on the desk")
	}
}

func checkPostLimit(t *testing.T, g way) {
	c, _ := baseConf(t)
	ts := g.set(t, c, "2").start(t)
	var last int
	for range 3 {
		last = status(t, newClient(), "POST", ts.url+"/start", url.Values{})
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the third post within a minute = %d, want 429", last)
	}
}

func checkMaxOpenDrafts(t *testing.T, g way) {
	c, _ := baseConf(t)
	ts := g.set(t, c, "1").start(t)
	_, steps := exampleSteps(t)
	var codes []int
	for range 2 {
		client := newClient()
		status(t, client, "POST", ts.url+"/start", url.Values{})
		codes = append(codes, status(t, client, "POST", ts.url+"/step/1", steps[0]))
	}
	if codes[0] != http.StatusSeeOther || codes[1] != http.StatusTooManyRequests {
		t.Errorf("first answers of two visitors from one network = %v, want [303 429]", codes)
	}
}

func checkMetricsAddr(t *testing.T, g way) {
	c, _ := baseConf(t)
	addr := freeAddr(t)
	ts := g.set(t, c, addr).start(t)
	getBody(t, http.DefaultClient, ts.url+"/")
	if st, body := getBody(t, http.DefaultClient, "http://"+addr+"/metrics"); st != http.StatusOK || !strings.Contains(body, "fitcheck_http_requests_total") {
		t.Errorf("GET /metrics on %s = %d, want 200 with fitcheck's metrics", addr, st)
	}
}

// acmeConf serves HTTPS for fit.example.com with certificates from Let's
// Encrypt. No certificate authority is reached in tests; the account key
// autocert writes before it tries shows where the cache is.
func acmeConf(t *testing.T, c conf) conf {
	c = c.clone()
	c.env["FITCHECK_ACME_DOMAIN"] = "fit.example.com"
	c.env["FITCHECK_ACME_HTTP_ADDR"] = "127.0.0.1:0"
	return c
}

// handshake starts a TLS handshake for fit.example.com, which makes the
// server ask its certificate cache.
func handshake(base string) {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", strings.TrimPrefix(base, "https://"),
		&tls.Config{ServerName: "fit.example.com", InsecureSkipVerify: true})
	if err == nil {
		conn.Close()
	}
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	for range 400 {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Errorf("%s never appeared", path)
}

func checkDataDir(t *testing.T, g way) {
	c, _ := baseConf(t)
	dir := t.TempDir()
	ts := g.set(t, acmeConf(t, c), dir).start(t)
	go handshake(ts.url)
	waitForFile(t, filepath.Join(dir, "acme", "acme_account+key"))
}

func checkACMEDomain(t *testing.T, g way) {
	c, db := baseConf(t)
	c = acmeConf(t, c)
	delete(c.env, "FITCHECK_ACME_DOMAIN")
	ts := g.set(t, c, "fit.example.com").start(t)
	if !strings.HasPrefix(ts.url, "https://") {
		t.Fatalf("with -acme-domain the server listens on %s, want https", ts.url)
	}
	go handshake(ts.url)
	waitForFile(t, filepath.Join(filepath.Dir(db), "acme", "acme_account+key"))
}

func checkACMEHTTPAddr(t *testing.T, g way) {
	c, _ := baseConf(t)
	addr := freeAddr(t)
	g.set(t, acmeConf(t, c), addr).start(t)
	req, _ := http.NewRequest("GET", "http://"+addr+"/r/abc", nil)
	req.Host = "fit.example.com"
	resp, err := newClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "https://fit.example.com/r/abc" {
		t.Errorf("plain HTTP on %s redirects to %q, want https://fit.example.com/r/abc", addr, loc)
	}
}

func checkTLSFiles(t *testing.T, g way) {
	c, _ := baseConf(t)
	cert, key, roots := writeTestCertificate(t)
	c.env["FITCHECK_TLS_CERT"], c.env["FITCHECK_TLS_KEY"] = cert, key
	value := cert
	if strings.HasSuffix(g.name(), "KEY") || strings.HasSuffix(g.name(), "key") {
		value = key
	}
	ts := g.set(t, c, value).start(t)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	if st := status(t, client, "GET", ts.url+"/healthz", nil); st != http.StatusOK {
		t.Errorf("GET /healthz over TLS with the test certificate = %d", st)
	}
}

// authInbox is a loopback SMTP server that takes PLAIN sign-ins and keeps
// the messages, their envelopes and the passwords it was given.
type authInbox struct {
	mu        sync.Mutex
	froms     []string
	tos       []string
	passwords []string
	msgs      [][]byte
}

func (b *authInbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &authSession{b: b}, nil }

type authSession struct{ b *authInbox }

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, password string) error {
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		s.b.passwords = append(s.b.passwords, password)
		return nil
	}), nil
}
func (s *authSession) Reset()        {}
func (s *authSession) Logout() error { return nil }
func (s *authSession) Mail(from string, _ *smtp.MailOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.froms = append(s.b.froms, from)
	return nil
}
func (s *authSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.tos = append(s.b.tos, to)
	return nil
}
func (s *authSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.msgs = append(s.b.msgs, raw)
	return err
}

func startAuthInbox(t *testing.T) (*authInbox, string) {
	t.Helper()
	b := &authInbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b, ln.Addr().String()
}

// checkMail: a submit reaches the loopback mail server, from -mail-from,
// to -notify-email, signed in with FITCHECK_SMTP_PASSWORD.
func checkMail(t *testing.T, g way) {
	inbox, addr := startAuthInbox(t)
	c, _ := baseConf(t)
	values := map[string]string{
		"FITCHECK_SMTP_URL":      "smtp://fitcheck@" + addr + "?tls=none",
		"FITCHECK_MAIL_FROM":     "sender-" + strings.ToLower(strings.Trim(g.name(), "-_")) + "@example.com",
		"FITCHECK_NOTIFY_EMAIL":  "owner-" + strings.ToLower(strings.Trim(g.name(), "-_")) + "@example.com",
		"FITCHECK_SMTP_PASSWORD": "pw-" + strings.ToLower(strings.Trim(g.name(), "-_")),
	}
	maps.Copy(c.env, values)
	c.env["FITCHECK_MIN_COMPLETION_TIME"] = "0"
	env := g.env
	if g.flag != "" {
		env = envNames[g.flag]
	}
	delete(c.env, env)
	ts := g.set(t, c, values[env]).start(t)
	submitted(t, ts.url)
	for range 400 {
		inbox.mu.Lock()
		n := len(inbox.msgs)
		inbox.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	inbox.mu.Lock()
	defer inbox.mu.Unlock()
	if len(inbox.msgs) == 0 {
		t.Fatalf("no e-mail reached the mail server:\n%s", ts.logs.String())
	}
	if !slices.Contains(inbox.froms, values["FITCHECK_MAIL_FROM"]) || !slices.Contains(inbox.tos, values["FITCHECK_NOTIFY_EMAIL"]) ||
		!slices.Contains(inbox.passwords, values["FITCHECK_SMTP_PASSWORD"]) {
		t.Errorf("mail from %v to %v with passwords %v; want %s to %s signed in with %s", inbox.froms, inbox.tos, inbox.passwords,
			values["FITCHECK_MAIL_FROM"], values["FITCHECK_NOTIFY_EMAIL"], values["FITCHECK_SMTP_PASSWORD"])
	}
}

func checkTimezone(t *testing.T, g way) {
	c, db := baseConf(t)
	ts := g.set(t, c, "Asia/Kolkata").start(t)
	submitted(t, ts.url)
	if detail := deskDetail(t, adminClient(t, ts.url, db, nil), ts.url); !strings.Contains(detail, " IST") {
		t.Errorf("the desk does not show the assessment's time in Asia/Kolkata (IST)")
	}
}

// checkDrainPeriod: once the server is told to stop, /readyz answers 503
// and pages are still served, until the drain period ends.
func checkDrainPeriod(t *testing.T, g way) {
	c, _ := baseConf(t)
	ts := g.set(t, c, "30s").start(t)
	// Cancel as a signal would, without waiting for run to return.
	go ts.stop()
	var st int
	for range 400 {
		if st = status(t, http.DefaultClient, "GET", ts.url+"/readyz", nil); st == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st != http.StatusServiceUnavailable {
		t.Fatalf("/readyz after the stop = %d, want 503", st)
	}
	if st := status(t, newClient(), "GET", ts.url+"/", nil); st != http.StatusOK {
		t.Errorf("GET / while draining = %d, want 200", st)
	}
}

// checkDBWait: a PostgreSQL server that never answers is tried again, with
// a log line per try, until the wait is over.
func checkDBWait(t *testing.T, g way) {
	c, _ := baseConf(t)
	c.env["FITCHECK_DB"] = "postgres://fit@" + freeAddr(t) + "/fitcheck?sslmode=disable&connect_timeout=1"
	c.env["FITCHECK_SESSION_KEY"] = strings.Repeat("s", 32)
	c = g.set(t, c, "2s")
	ts := launchAsIs(t, c.args, c.env)
	select {
	case err := <-ts.done:
		ts.done <- nil // stop, at cleanup, sees a clean end
		if err == nil || !strings.Contains(err.Error(), "no answer after") {
			t.Errorf("run with nothing at the database's address = %v, want it to give up after the wait", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("run did not give up on the database")
	}
	if n := strings.Count(ts.logs.String(), "database does not answer yet; trying again"); n < 1 {
		t.Errorf("logged %d tries, want a line per try:\n%s", n, ts.logs.String())
	}
}

func checkSessionKey(t *testing.T, g way) {
	c, db := baseConf(t)
	key := strings.Repeat("0123456789abcdef", 3)
	c = g.set(t, c, key)
	ts := c.start(t)
	client := newClient()
	status(t, client, "POST", ts.url+"/start", url.Values{})
	_, steps := exampleSteps(t)
	status(t, client, "POST", ts.url+"/step/1", steps[0])
	ts.stop()
	if _, err := os.Stat(db + ".session-key"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a session key file was made (%v) although the key was given", err)
	}
	ts = c.start(t)
	if _, body := getBody(t, client, ts.url+"/"); !strings.Contains(body, `href="/step/2"`) {
		t.Errorf("after a restart with the same key the visitor's draft is not offered at step 2")
	}
}

// receiver is an httptest server that keeps what it is sent.
func receiver(t *testing.T) (*httptest.Server, chan *http.Request, chan []byte) {
	reqs, bodies := make(chan *http.Request, 8), make(chan []byte, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		reqs <- r
		bodies <- b
	}))
	t.Cleanup(srv.Close)
	return srv, reqs, bodies
}

func checkWebhook(t *testing.T, g way) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	srv, reqs, bodies := receiver(t)
	c, _ := baseConf(t)
	c.env["FITCHECK_MIN_COMPLETION_TIME"] = "0"
	c.env["FITCHECK_WEBHOOK_URL"], c.env["FITCHECK_WEBHOOK_SECRET"] = srv.URL+"/hook/credential", secret
	delete(c.env, g.env)
	value := map[string]string{"FITCHECK_WEBHOOK_URL": srv.URL + "/hook/credential", "FITCHECK_WEBHOOK_SECRET": secret}[g.env]
	ts := g.set(t, c, value).start(t)
	submitted(t, ts.url)
	select {
	case r := <-reqs:
		body := <-bodies
		key, _ := notify.ParseSecret(secret)
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		if r.URL.Path != "/hook/credential" || r.Header.Get("webhook-signature") != notify.Sign(key, r.Header.Get("webhook-id"), ts, body) {
			t.Errorf("webhook at %s signed %q, want /hook/credential signed with the secret", r.URL.Path, r.Header.Get("webhook-signature"))
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no webhook reached the receiver:\n%s", ts.logs.String())
	}
}

func checkSlack(t *testing.T, g way) {
	srv, _, bodies := receiver(t)
	c, _ := baseConf(t)
	c.env["FITCHECK_MIN_COMPLETION_TIME"] = "0"
	ts := g.set(t, c, srv.URL+"/services/T0/B0/credential").start(t)
	submitted(t, ts.url)
	select {
	case body := <-bodies:
		var msg struct{ Text string }
		if err := json.Unmarshal(body, &msg); err != nil || msg.Text == "" {
			t.Errorf("Slack got %s, want {\"text\": …}", body)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("nothing reached the Slack receiver:\n%s", ts.logs.String())
	}
}

var bookingRef = regexp.MustCompile(`(?:metadata%5Bfitcheck%5D|utm_content)=([^&]+)`)

// bookThroughBinary runs the built binary configured only through its
// environment, submits an assessment, follows its booking link, posts the
// booking the provider would send, signed by sign, and returns the desk's
// page of the assessment.
func bookThroughBinary(t *testing.T, g way, secret, bookingURL, hook string, payload func(ref string) []byte, sign func(body []byte) (string, string)) string {
	t.Helper()
	c, db := baseConf(t)
	c.env["FITCHECK_BOOKING_URL"] = bookingURL
	c = g.set(t, c, secret)
	p := startBinary(t, c.env)
	token := submitted(t, p.url)
	resp, err := newClient().Get(p.url + "/r/" + token + "/book")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m := bookingRef.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("the booking link %q carries no reference", resp.Header.Get("Location"))
	}
	ref, _ := url.QueryUnescape(m[1])
	body := payload(ref)
	header, value := sign(body)
	req, _ := http.NewRequest("POST", p.url+hook, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(header, value)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("POST %s signed as the provider signs = %d %s, want 204", hook, resp.StatusCode, answer)
	}
	return deskDetail(t, adminClient(t, p.url, db, nil), p.url)
}

func checkCalComBooking(t *testing.T, g way) {
	const secret = "cal-webhook-secret"
	detail := bookThroughBinary(t, g, secret, "https://cal.com/gregory", "/hooks/cal",
		func(ref string) []byte {
			return fmt.Appendf(nil, `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-12-01T10:00:00Z","payload":{"uid":"bk-1","startTime":"2026-12-10T10:00:00Z","metadata":{"fitcheck":%q}}}`, ref)
		},
		func(body []byte) (string, string) {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(body)
			return "X-Cal-Signature-256", hex.EncodeToString(mac.Sum(nil))
		})
	if !strings.Contains(detail, `data-testid="booked-at"`) {
		t.Errorf("after a signed Cal.com booking the desk does not show the call booked")
	}
}

func checkCalendlyBooking(t *testing.T, g way) {
	const key = "calendly-signing-key"
	detail := bookThroughBinary(t, g, key, "https://calendly.com/gregory/intro", "/hooks/calendly",
		func(ref string) []byte {
			return fmt.Appendf(nil, `{"event":"invitee.created","payload":{"uri":"https://api.calendly.com/invitees/1","scheduled_event":{"start_time":"2026-12-10T10:00:00Z"},"tracking":{"utm_content":%q}}}`, ref)
		},
		func(body []byte) (string, string) {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			mac := hmac.New(sha256.New, []byte(key))
			mac.Write([]byte(ts + "."))
			mac.Write(body)
			return "Calendly-Webhook-Signature", "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
		})
	if !strings.Contains(detail, `data-testid="booked-at"`) {
		t.Errorf("after a signed Calendly booking the desk does not show the call booked")
	}
}

// passwordRole is the role .ci/postgres makes that signs in with a
// password (every other connection there is trusted).
const passwordRole, rolePassword = "fitcheck_pw", "fitcheck-pw-secret"

// checkPostgresPassword: the built binary reaches PostgreSQL as a role that
// needs a password, with -db naming none: the driver takes it from
// PGPASSWORD or PGPASSFILE.
func checkPostgresPassword(t *testing.T, g way) {
	dsn := postgresForTest(t)
	u, _ := url.Parse(dsn)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRow(`SELECT count(*) FROM pg_roles WHERE rolname = $1`, passwordRole).Scan(&n); err != nil || n == 0 {
		t.Skipf("needs the role %s that .ci/postgres makes (%v)", passwordRole, err)
	}
	schema := u.Query().Get("search_path")
	if _, err := admin.Exec(`ALTER SCHEMA ` + schema + ` OWNER TO ` + passwordRole); err != nil {
		t.Fatal(err)
	}
	u.User = url.User(passwordRole)
	value := rolePassword
	if g.env == "PGPASSFILE" {
		value = filepath.Join(t.TempDir(), "pgpass")
		line := fmt.Sprintf("%s:%s:*:%s:%s\n", u.Hostname(), u.Port(), passwordRole, rolePassword)
		if err := os.WriteFile(value, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"FITCHECK_DB": u.String(), "FITCHECK_ADDR": "127.0.0.1:0", "FITCHECK_SESSION_KEY": strings.Repeat("s", 32),
		"FITCHECK_DB_WAIT": "0s"}
	without := runBinary(t, env)
	select {
	case <-without.exit:
		if without.err == nil || !strings.Contains(without.logs.String(), "password") {
			t.Errorf("without %s the binary = %v:\n%s\nwant it refused for the password", g.env, without.err, without.logs.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("without a password the binary neither started nor stopped")
	}
	env[g.env] = value
	p := startBinary(t, env)
	if st := status(t, http.DefaultClient, "GET", p.url+"/readyz", nil); st != http.StatusOK {
		t.Errorf("GET /readyz with %s = %d, want 200", g.env, st)
	}
}
