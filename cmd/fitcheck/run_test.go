package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/data"
)

// syncBuffer collects a server's log while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listeningURL finds the address in the "listening" log line, in text or
// JSON logs.
var listeningURL = regexp.MustCompile(`(?:url=|"url":")(https?://[^\s"]+)`)

// startServer runs the real program on a free port and returns its base URL;
// the server stops (and run must return nil) when the test ends.
func startServer(t *testing.T, args []string, env map[string]string) string {
	t.Helper()
	return launch(t, args, env).url
}

// startServerStoppable is startServer for a test that stops the server
// itself, with the function it returns (which waits until run returned).
func startServerStoppable(t *testing.T, args []string, env map[string]string) (stop func()) {
	t.Helper()
	return launch(t, args, env).stop
}

// testServer is the real program running in the test, through run.
type testServer struct {
	url  string
	logs *syncBuffer
	// stop ends run's context and waits for it to return (nil, or the test
	// fails); it runs at the test's end too, and only once.
	stop func()
	// done gets run's result.
	done chan error
}

func launch(t *testing.T, args []string, env map[string]string) *testServer {
	t.Helper()
	ts := launchQuietly(t, args, env)
	ts.waitForURL(t)
	return ts
}

// launchQuietly starts run without waiting for it to listen.
func launchQuietly(t *testing.T, args []string, env map[string]string) *testServer {
	t.Helper()
	// No drain unless a test asks for one: nothing balances these.
	return launchAsIs(t, append([]string{"-addr", "127.0.0.1:0", "-drain-period", "0"}, args...), env)
}

// launchAsIs starts run with args and env and nothing more.
func launchAsIs(t *testing.T, args []string, env map[string]string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{logs: &syncBuffer{}, done: make(chan error, 1)}
	go func() {
		ts.done <- run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &syncBuffer{}, ts.logs)
	}()
	var once sync.Once
	ts.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-ts.done:
				if err != nil {
					t.Errorf("run returned %v after shutdown, want nil", err)
				}
			case <-time.After(60 * time.Second):
				t.Errorf("server did not shut down within a minute:\n%s", ts.logs.String())
			}
		})
	}
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) waitForURL(t *testing.T) {
	t.Helper()
	for range 2000 {
		if m := listeningURL.FindStringSubmatch(ts.logs.String()); m != nil {
			ts.url = m[1]
			return
		}
		select {
		case err := <-ts.done:
			ts.done <- err // for stop, which runs at cleanup
			t.Fatalf("run ended early: %v\n%s", err, ts.logs.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	t.Fatalf("server never logged its address:\n%s", ts.logs.String())
}

func TestServeCreatesDatabaseAndKeepsSessionsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	base := startServer(t, []string{"-db", db}, nil)
	resp, err := client.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database file was not created: %v", err)
	}
	info, err := os.Stat(db + ".session-key")
	if err != nil {
		t.Fatalf("session key file was not created: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("session key file mode = %v, want 0600", info.Mode().Perm())
	}
	// Answer step 1 so there is a draft to come back to.
	if _, err := client.PostForm(base+"/start", url.Values{}); err != nil {
		t.Fatal(err)
	}
	resp, err = client.PostForm(base+"/step/1", url.Values{"stage": {"growing"}, "decisions": {"founders-strain"}, "_nav": {"next"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// A second server on the same database (the first keeps running on
	// another port, which is fine for SQLite in WAL mode) reads the same
	// key file, so the visitor's cookie still finds their answers.
	base2 := startServer(t, []string{"-db", db}, nil)
	u, _ := url.Parse(base)
	u2, _ := url.Parse(base2)
	jar.SetCookies(u2, jar.Cookies(u))
	resp, err = client.Get(base2 + "/")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(body.String(), `href="/step/2"`) {
		t.Errorf("after a restart the landing page does not offer to continue at step 2")
	}
}

func TestConfigFromEnvironmentAndFlags(t *testing.T) {
	env := map[string]string{
		"FITCHECK_DB":          filepath.Join(t.TempDir(), "env.db"),
		"FITCHECK_BOOKING_URL": "https://cal.example.com/env",
		"FITCHECK_ADDR":        "127.0.0.1:1",
	}
	cfg, _, err := parseConfig("test", []string{"-booking-url", "https://cal.example.com/flag"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DB != env["FITCHECK_DB"] {
		t.Errorf("DB = %q, want it from FITCHECK_DB", cfg.DB)
	}
	if cfg.BookingURL != "https://cal.example.com/flag" {
		t.Errorf("BookingURL = %q, want the flag to win over the environment", cfg.BookingURL)
	}
	defaults, _, err := parseConfig("test", nil, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if defaults.Addr != "127.0.0.1:8080" || defaults.DB != "fitcheck.db" || defaults.Questionnaire != "" {
		t.Errorf("defaults = %+v, want 127.0.0.1:8080, fitcheck.db and the embedded questionnaire", defaults)
	}
}

func TestBadConfigurationIsRefused(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"relative booking URL", []string{"-booking-url", "cal.example.com"}, nil, "-booking-url"},
		{"base URL without scheme", nil, map[string]string{"FITCHECK_BASE_URL": "fit.example.com"}, "-base-url"},
		{"unknown log format", []string{"-log-format", "xml"}, nil, "-log-format"},
		{"short session key", []string{"-db", filepath.Join(t.TempDir(), "k.db")}, map[string]string{"FITCHECK_SESSION_KEY": "short"}, "at least 32"},
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"missing questionnaire file", []string{"-questionnaire", "/nonexistent/q.yaml"}, nil, "read questionnaire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), tt.args, func(k string) string { return tt.env[k] }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%v) = %v, want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-h"}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("run -h = %v, want nil", err)
	}
	for flagName, env := range envNames {
		if !strings.Contains(out.String(), "-"+flagName) || !strings.Contains(out.String(), env) {
			t.Errorf("-h does not document -%s and %s:\n%s", flagName, env, out.String())
		}
	}
	if !strings.Contains(out.String(), "FITCHECK_SESSION_KEY") || !strings.Contains(out.String(), "validate") {
		t.Errorf("-h does not mention FITCHECK_SESSION_KEY and the validate command")
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	content := "title: Broken\nsummary: s\nminutes: 3\nlevels:\n  - {id: low, label: Low}\n  - {id: high, label: High}\ncriteria: []\nsteps: []\n"
	if err := os.WriteFile(broken, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"validate"}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("validate of the embedded default = %v, want nil", err)
	}
	if !strings.Contains(out.String(), "is valid") {
		t.Errorf("validate output = %q, want it to say the file is valid", out.String())
	}
	err := run(t.Context(), []string{"validate", broken}, func(string) string { return "" }, strings.NewReader(""), &out, &out)
	if err == nil {
		t.Fatalf("validate of a broken file = nil, want the problems")
	}
	for _, want := range []string{"line 7: criteria is missing", "line 8: steps is missing", `outcome "book-a-call" has no copy`, "rules is missing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("validate error lacks %q:\n%v", want, err)
		}
	}
	// The serve command refuses the same file before listening.
	if err := run(t.Context(), []string{"-questionnaire", broken, "-db", filepath.Join(dir, "x.db")}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err == nil {
		t.Errorf("serve with a broken questionnaire = nil, want an error")
	}
}

// TestValidatePrintsDecisiveAndNearMiss checks that validate shows, for
// each example, what decided it and which single answer would change it,
// or that none would.
func TestValidatePrintsDecisiveAndNearMiss(t *testing.T) {
	fixture := filepath.Join("..", "..", "rules", "testdata", "nearmiss.yaml")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"validate", fixture}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("validate %s = %v", fixture, err)
	}
	want := []string{
		`example "Level five": book-a-call (rule top)`,
		"  decided by: signal is strong (level=5 +4)",
		"  would change: level [5] -> [4] gives worth-a-conversation",
		"  would change: level [5] -> [2] gives narrow-scope",
		`example "Loud early and late": hire-a-pm (rule loud)`,
		"  decided by: noise is strong (early=loud +5, late=loud +5)",
		"  clear-cut: no single answer changes the outcome",
	}
	if got := out.String(); !strings.Contains(got, strings.Join(want[:4], "\n")) || !strings.Contains(got, strings.Join(want[4:], "\n")) {
		t.Errorf("validate output =\n%s\nwant it to contain\n%s", got, strings.Join(want, "\n"))
	}

	// The default content: every example gets its block, and the bridge to
	// a permanent hire names the gap among what decided it.
	out.Reset()
	if err := run(t.Context(), []string{"validate"}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("validate = %v", err)
	}
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range q.Examples {
		if !strings.Contains(out.String(), fmt.Sprintf("example %q: %s (rule ", ex.Name, ex.Expect)) {
			t.Errorf("validate output has no block for example %q", ex.Name)
		}
	}
	bridge := `example "Our Head of Product left; a permanent hire is budgeted but months away, and nobody owns the calls meanwhile": book-a-call (rule clear-fit)` +
		"\n  decided by: between-stages is strong (decisions=founders-strain +2, stage=scaling +1)" +
		"\n  decided by: interim-gap is strong (full-time=hiring-gap +4)"
	if !strings.Contains(out.String(), bridge) {
		t.Errorf("validate output lacks\n%s\ngot\n%s", bridge, out.String())
	}

	// A tension is named under what decided it, with the outcome it set aside.
	out.Reset()
	fixture = filepath.Join("..", "..", "rules", "testdata", "tension.yaml")
	if err := run(t.Context(), []string{"validate", fixture}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("validate %s = %v", fixture, err)
	}
	for _, want := range []string{
		`example "Asks for a PM, describes a strong alpha": book-a-call (rule probe)` +
			"\n  decided by: alpha is strong (pick=c +4, ticks=x +1)" +
			"\n  tension: pm-but-alpha (the description decides: sets aside hire-a-pm)",
		`example "Asks for a PM, describes a weak alpha": hire-a-pm (rule to-pm)` +
			"\n  decided by: gamma is low (no answer moved it)" +
			"\n  tension: pm-any\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("validate output lacks\n%s\ngot\n%s", want, out.String())
		}
	}
}

func TestAdminCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	adminRun := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), append([]string{"admin"}, args...), func(string) string { return "" }, strings.NewReader(stdin), &out, &out)
		return out.String(), err
	}
	if out, err := adminRun("", "list-users", "-db", db); err != nil || !strings.Contains(out, "no owner accounts") {
		t.Errorf("list-users on a new database = %q, %v; want a hint that there are none", out, err)
	}
	if _, err := adminRun("short\n", "add-user", "greg@example.com", "-db", db); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Errorf("add-user with a short password = %v, want the length rule", err)
	}
	if _, err := adminRun("a long enough passphrase\n", "add-user", "not-an-email", "-db", db); err == nil {
		t.Errorf("add-user with a bad email = nil, want an error")
	}
	if out, err := adminRun("a long enough passphrase\n", "add-user", "-db", db, "Greg@Example.com"); err != nil || !strings.Contains(out, "added greg@example.com") {
		t.Fatalf("add-user = %q, %v; want the account added", out, err)
	}
	if _, err := adminRun("another long passphrase\n", "add-user", "greg@example.com", "-db", db); err == nil || !strings.Contains(err.Error(), "already has an account") {
		t.Errorf("add-user twice = %v, want a clear refusal", err)
	}
	if _, err := adminRun("another long passphrase\n", "set-password", "nobody@example.com", "-db", db); err == nil || !strings.Contains(err.Error(), "no account") {
		t.Errorf("set-password for a missing account = %v, want a clear refusal", err)
	}
	out, err := adminRun("another long passphrase\n", "set-password", "greg@example.com", "-db", db)
	if err != nil || !strings.Contains(out, "password changed") {
		t.Errorf("set-password = %q, %v", out, err)
	}
	if !strings.Contains(out, "security_event=password_changed") || !strings.Contains(out, "account=greg@example.com") {
		t.Errorf("set-password logged no security event naming the account: %q", out)
	}
	if out, err := adminRun("", "list-users", "-db", db); err != nil || !strings.Contains(out, "greg@example.com") {
		t.Errorf("list-users = %q, %v; want the account", out, err)
	}
	if _, err := adminRun("", "frobnicate", "-db", db); err == nil {
		t.Errorf("unknown admin command = nil, want usage")
	}
}

func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	base := startServer(t, []string{"-db", db, "-min-completion-time", "0"}, nil)
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	var steps []url.Values
	for _, st := range q.Steps {
		form := url.Values{"_nav": {"next"}}
		for _, qn := range st.Questions {
			if v, ok := q.Examples[0].Answers[qn.ID]; ok {
				form[qn.ID] = v
			}
		}
		steps = append(steps, form)
	}
	token := submitOne(base, append(steps, url.Values{"_nav": {"next"}}))
	if token == "" {
		t.Fatalf("submit through the running server failed")
	}
	copyPath := filepath.Join(dir, "backup.db")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"backup", "-db", db, copyPath}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("backup = %v", err)
	}
	store, err := data.Open(t.Context(), copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.FindAssessment(t.Context(), token); err != nil {
		t.Errorf("backup lacks the submitted assessment: %v", err)
	}
	if v, err := store.IntegrityCheck(t.Context()); err != nil || v != "ok" {
		t.Errorf("backup integrity = %q, %v", v, err)
	}
	if err := run(t.Context(), []string{"backup", "-db", db, copyPath}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file = %v, want a refusal", err)
	}
	if err := run(t.Context(), []string{"backup", "-db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "b2.db")}, func(string) string { return "" }, strings.NewReader(""), &out, &out); err == nil {
		t.Errorf("backup of a missing database = nil, want an error")
	}
}

func TestRetentionSweep(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SaveQuestionnaire(t.Context(), q.Version, q.Source, time.Now()); err != nil {
		t.Fatal(err)
	}
	created := time.Now().UTC()
	for i, token := range []string{"old-one", "new-one"} {
		at := created.AddDate(0, 0, -40*(1-i)) // the first is 40 days old
		d := &assessment.Draft{ID: "draft-" + token, QuestionnaireVersion: q.Version, Answers: assessment.Answers{}, CreatedAt: at, UpdatedAt: at, ExpiresAt: at.AddDate(1, 0, 0)}
		if err := store.CreateDraft(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		a := &assessment.Assessment{Token: token, QuestionnaireVersion: q.Version, Answers: assessment.Answers{}, Result: assessment.Result{Outcome: assessment.BookACall}, CreatedAt: at}
		if _, err := store.SubmitDraft(t.Context(), d.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	logs := &bytes.Buffer{}
	sweepOnce(t.Context(), store, store.DeleteAssessmentsBefore, 0, created, slog.New(slog.NewTextHandler(logs, nil)))
	if _, err := store.FindAssessment(t.Context(), "old-one"); err != nil {
		t.Errorf("with retention off the old assessment was deleted: %v", err)
	}
	sweepOnce(t.Context(), store, store.DeleteAssessmentsBefore, 30, created, slog.New(slog.NewTextHandler(logs, nil)))
	if _, err := store.FindAssessment(t.Context(), "old-one"); err == nil {
		t.Errorf("assessment older than -retain-days 30 survived the sweep")
	}
	if _, err := store.FindAssessment(t.Context(), "new-one"); err != nil {
		t.Errorf("recent assessment was deleted: %v", err)
	}
	if !strings.Contains(logs.String(), "retention") {
		t.Errorf("the sweep did not log what it deleted")
	}
}

// TestMetricsAndReadiness: with -metrics-addr, Prometheus metrics are
// served on their own listener (never on the site's), counting requests by
// route and status, submits by outcome and the writer's batches; /readyz
// says the database and its migrations are ready.
func TestMetricsAndReadiness(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	base := startServer(t, []string{"-db", filepath.Join(t.TempDir(), "fitcheck.db"), "-metrics-addr", metricsAddr}, nil)
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get(base + "/readyz"); st != http.StatusOK || !strings.Contains(body, "ready") {
		t.Errorf("GET /readyz = %d %q, want 200 ready", st, body)
	}
	get(base + "/healthz")
	if st, _ := get(base + "/metrics"); st != http.StatusNotFound {
		t.Errorf("the site serves /metrics (%d); want them only on -metrics-addr", st)
	}
	st, body := get("http://" + metricsAddr + "/metrics")
	if st != http.StatusOK {
		t.Fatalf("GET metrics = %d", st)
	}
	for _, want := range []string{`fitcheck_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		"fitcheck_http_request_duration_seconds_bucket", "fitcheck_group_commit_writes_count", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestOwnerPhoto: a photo named in the questionnaire, beside its file, is
// shown as the owner's avatar, served small and cached for good.
func TestOwnerPhoto(t *testing.T) {
	dir := t.TempDir()
	content := strings.Replace(string(assessment.DefaultContent), "owner:\n  name: Gregory\n", "owner:\n  name: Gregory\n  photo: gregory.png\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "content.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	var photo bytes.Buffer
	png.Encode(&photo, img)
	if err := os.WriteFile(filepath.Join(dir, "gregory.png"), photo.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	base := startServer(t, []string{"-db", filepath.Join(dir, "fitcheck.db"), "-questionnaire", filepath.Join(dir, "content.yaml")}, nil)
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	src := regexp.MustCompile(`<img class="avatar" src="(/avatar/[^"]+)"`).FindStringSubmatch(string(body))
	if src == nil {
		t.Fatalf("the landing page shows no photo of the owner")
	}
	resp, err = http.Get(base + src[1])
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := png.Decode(resp.Body)
	if err != nil || got.Bounds().Dx() != card.AvatarSize || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("avatar = %v, %v, %q; want a %d px PNG cached for good", got.Bounds(), err, resp.Header.Get("Cache-Control"), card.AvatarSize)
	}
	if _, err := loadOwnerPhoto("", &assessment.Questionnaire{Owner: assessment.OwnerProfile{Photo: "x.png"}}); err == nil {
		t.Error("the embedded questionnaire may name a photo it cannot have")
	}
}
