package main

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web/page"
)

// published marks what a published candidate changed: its title, the
// headline of the first example's outcome and the first question's prompt.
const published = "Published - "

// candidate is the built-in questionnaire with its title, the first
// example's outcome headline and the first question's prompt marked, so a
// page shows which version it was made from. Its examples still pass.
func candidate(t *testing.T) (v1 *assessment.Questionnaire, content string) {
	t.Helper()
	v1, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	content = string(v1.Source)
	outcome, _ := v1.Outcome(v1.Examples[0].Expect)
	for _, line := range []string{"\ntitle: ", "headline: " + outcome.Headline, "prompt: " + v1.Steps[0].Questions[0].Prompt} {
		if strings.Count(content, line) != 1 {
			t.Fatalf("%q is not in the built-in questionnaire exactly once; update this test", line)
		}
		marked := strings.Replace(line, ": ", ": "+published, 1)
		content = strings.Replace(content, line, marked, 1)
	}
	return v1, content
}

// waitFor fetches base+path with c until its body satisfies ok, or fails
// the test after a deadline far beyond the poll interval (a loaded machine
// is slow, not wrong). It returns how long it took.
func waitFor(t *testing.T, c *http.Client, base, path, what string, ok func(string) bool) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := start.Add(2 * time.Minute)
	for {
		code, body := getBody(t, c, base+path)
		if code == http.StatusOK && ok(body) {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%s did not show %s within 2 minutes (last status %d)", base, path, what, code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPublishReachesEveryInstanceOnSQLite: two servers on one SQLite file.
func TestPublishReachesEveryInstanceOnSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	checkPublishAcrossInstances(t, filepath.Join(t.TempDir(), "fitcheck.db"), nil)
}

// TestPublishReachesEveryInstanceOnPostgres: two servers on one PostgreSQL
// database.
func TestPublishReachesEveryInstanceOnPostgres(t *testing.T) {
	checkPublishAcrossInstances(t, postgresForTest(t), []string{"FITCHECK_SESSION_KEY=" + strings.Repeat("k", 40)})
}

// checkPublishAcrossInstances: a candidate published in the lab on A is
// served by B without a restart; a founder part-way through on B finishes
// the version they started, and one who starts afterwards gets the new
// one; a result stored before renders as it was answered; a roll-back
// through B reaches A.
func checkPublishAcrossInstances(t *testing.T, db string, env []string) {
	_, a := startChildWith(t, db, env)
	_, b := startChildWith(t, db, env)
	v1, content := candidate(t)
	ex, steps := exampleSteps(t)
	outcome, _ := v1.Outcome(ex.Expect)

	before := submitOne(a, steps)
	if before == "" {
		t.Fatal("a submit before publishing failed")
	}
	midway := newClient()
	postTo(t, midway, b, "/start", url.Values{})
	if resp := postTo(t, midway, b, "/step/1", steps[0]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("step 1 before publishing = %d", resp.StatusCode)
	}

	owner := signedInOwner(t, db, a)
	if code, body := postForm(t, owner, a+"/admin/lab", url.Values{"content": {content}}); code != http.StatusOK || !strings.Contains(body, `data-testid="lab-publish"`) {
		t.Fatalf("the lab on A = %d, without a Publish button", code)
	}
	v2 := assessment.Version([]byte(content))
	if resp := postTo(t, owner, a, "/admin/lab/publish", url.Values{"content": {content}, "version": {v2}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish on A = %d, want 303", resp.StatusCode)
	}
	took := waitFor(t, newClient(), b, "/", "the published title", func(body string) bool { return strings.Contains(body, published) })
	t.Logf("B served the version published through A after %v", took.Round(10*time.Millisecond))

	// The result stored before renders as it was answered.
	if code, body := getBody(t, newClient(), b+"/r/"+before); code != http.StatusOK ||
		!strings.Contains(body, html.EscapeString(outcome.Headline)) || strings.Contains(body, published) {
		t.Errorf("the result stored before publishing, on B = %d; want its own version's headline %q and nothing published", code, outcome.Headline)
	}
	// The founder part-way through finishes the version they started.
	if _, body := getBody(t, midway, b+"/step/1"); strings.Contains(body, published) || !strings.Contains(body, html.EscapeString(v1.Steps[0].Questions[0].Prompt)) {
		t.Errorf("step 1 of a draft started before publishing shows the published prompt")
	}
	var finished string
	for i := 1; i < len(steps); i++ {
		resp := postTo(t, midway, b, fmt.Sprintf("/step/%d", i+1), steps[i])
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("step %d after publishing, of a draft started before = %d", i+1, resp.StatusCode)
		}
		finished = strings.TrimPrefix(resp.Header.Get("Location"), "/r/")
	}
	after := submitOne(a, steps)
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for token, want := range map[string]string{before: v1.Version, finished: v1.Version, after: v2} {
		got, err := store.FindAssessment(t.Context(), token)
		if err != nil {
			t.Errorf("assessment %s: %v", token, err)
		} else if got.QuestionnaireVersion != want {
			t.Errorf("assessment %s answered under version %s, want %s", token, got.QuestionnaireVersion[:12], want[:12])
		}
	}
	if _, body := getBody(t, newClient(), a+"/r/"+after); !strings.Contains(body, published) {
		t.Errorf("a founder who started after the publish did not get the published version's result")
	}

	// Rolled back through B, with the owner's session from A: A follows.
	if resp := postTo(t, owner, b, "/admin/versions/rollback", url.Values{"to": {v1.Version}, "from": {v2}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("roll-back on B = %d, want 303", resp.StatusCode)
	}
	waitFor(t, newClient(), a, "/", "the title from before", func(body string) bool { return !strings.Contains(body, published) })
	if _, body := getBody(t, owner, a+"/admin/versions"); strings.Count(body, `data-testid="publication"`) != 2 || !strings.Contains(body, "New wording for the title") {
		t.Errorf("the versions page on A does not list the publish and the roll-back with what changed")
	}
}

// signedInOwner adds an owner from the command line and signs them in on
// base.
func signedInOwner(t *testing.T, db, base string) *http.Client {
	t.Helper()
	const email, password = "owner@example.com", "a long enough owner password"
	if err := run(t.Context(), []string{"admin", "add-user", email, "-db", db}, os.Getenv,
		strings.NewReader(password+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("admin add-user = %v", err)
	}
	owner := newClient()
	if resp := postTo(t, owner, base, "/admin/signin", url.Values{"email": {email}, "password": {password}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d, want 303", resp.StatusCode)
	}
	return owner
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestPublishCommand: `fitcheck publish FILE` checks the file, puts it in
// force for a server already running on the database, says what changed,
// and logs a security event; doctor then says which version is in force.
func TestPublishCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	_, server := startChild(t, db)
	_, content := candidate(t)
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	publish := func(file string) (string, string, error) {
		var out, log bytes.Buffer
		err := run(t.Context(), []string{"publish", "-db", db, file}, func(string) string { return "" }, strings.NewReader(""), &out, &log)
		return out.String(), log.String(), err
	}

	t.Run("a broken file is refused with its problems by line", func(t *testing.T) {
		_, _, err := publish(write("broken.yaml", "title: x\nsummary: y\nminutes: 3\nsteps: []\n"))
		if err == nil || !strings.Contains(err.Error(), "line 4: steps is missing") {
			t.Errorf("publish of a broken file = %v, want its problems by line", err)
		}
	})
	t.Run("a file whose examples fail is refused", func(t *testing.T) {
		failing := strings.Replace(string(assessment.DefaultContent),
			"when: {criterion: execution-gap, at_least: strong}", "when: {criterion: execution-gap, at_least: low}", 1)
		if _, _, err := publish(write("failing.yaml", failing)); err == nil || !strings.Contains(err.Error(), "example") {
			t.Errorf("publish of a file whose examples fail = %v, want refused", err)
		}
	})
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if list, _ := store.ListPublications(t.Context(), 10); len(list) != 0 {
		t.Fatalf("%d publications after refused files, want none", len(list))
	}

	file := write("candidate.yaml", content)
	out, log, err := publish(file)
	if err != nil {
		t.Fatalf("publish = %v\n%s", err, log)
	}
	v2 := assessment.Version([]byte(content))
	if !strings.Contains(out, "as version "+v2[:12]) || !strings.Contains(out, "New wording for the title") {
		t.Errorf("publish said:\n%s\nwant the version and what changed", out)
	}
	if !strings.Contains(log, "security_event=questionnaire_published") || !strings.Contains(log, "via=\"command line\"") {
		t.Errorf("publish logged:\n%s\nwant a security event", log)
	}
	waitFor(t, newClient(), server, "/", "the published title", func(body string) bool { return strings.Contains(body, published) })
	if out, _, err := publish(file); err != nil || !strings.Contains(out, "in force already") {
		t.Errorf("publishing the version in force again = %v, %q; want nothing published", err, out)
	}

	var report bytes.Buffer
	_ = run(t.Context(), []string{"doctor", "-db", db}, func(string) string { return "" }, strings.NewReader(""), &report, io.Discard)
	want := "note questionnaire in force: version " + v2[:12] + ", published by "
	if !strings.Contains(report.String(), want) || !strings.Contains(report.String(), "the built-in questionnaire (version") {
		t.Errorf("doctor said:\n%s\nwant %q, naming the built-in file as not served", report.String(), want)
	}
}

// TestStartUpLogSaysWhichQuestionnaireIsInForce: the server's first lines
// tell the operator whether their -questionnaire is what founders get.
func TestStartUpLogSaysWhichQuestionnaireIsInForce(t *testing.T) {
	file, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	other, err := assessment.Parse([]byte(strings.Replace(string(file.Source), "\ntitle: ", "\ntitle: Other - ", 1)))
	if err != nil {
		t.Fatal(err)
	}
	p := &assessment.Publication{Version: other.Version, By: "greg@example.com", At: time.Now()}
	for _, tc := range []struct {
		name string
		in   page.InForce
		want string
	}{
		{"nothing published", page.InForce{Q: file}, "level=INFO msg=\"questionnaire in force: nothing is published, so -questionnaire content.yaml is\""},
		{"the file, published", page.InForce{Q: file, Publication: &assessment.Publication{Version: file.Version, By: "greg@example.com"}},
			"the same as -questionnaire content.yaml"},
		{"another version published", page.InForce{Q: other, Publication: p},
			"level=WARN msg=\"questionnaire in force: the version published in the database, not -questionnaire content.yaml, which is only the default until something is published"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			logQuestionnaireInForce(tc.in, file.Version, "content.yaml", slog.New(slog.NewTextHandler(&b, nil)))
			if !strings.Contains(b.String(), tc.want) || !strings.Contains(b.String(), "questionnaire_version="+tc.in.Q.Version[:12]) {
				t.Errorf("start-up log:\n%s\nwant %q and the version in force", b.String(), tc.want)
			}
		})
	}
}
