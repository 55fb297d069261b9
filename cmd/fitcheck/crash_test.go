package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
)

// childArgsEnv makes the test binary act as the fitcheck server, so the
// crash test can run the real program in a process it can kill.
const childArgsEnv = "FITCHECK_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsEnv); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, strings.Fields(args), os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			reportFailure(os.Stderr, strings.Fields(args), os.Getenv, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startChild runs the server in a child process and returns it with its URL.
// extra are more flags, none holding a space.
func startChild(t *testing.T, db string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	return startChildWith(t, db, nil, extra...)
}

// startChildWith is startChild with env added to the child's environment
// (NAME=value).
func startChildWith(t *testing.T, db string, env []string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		childArgsEnv+"=-addr 127.0.0.1:0 -drain-period 0 -db "+db+" -min-completion-time 0 -post-limit 1000000 -log-format text "+strings.Join(extra, " "))
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningURL.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return cmd, u
	case <-time.After(20 * time.Second):
		t.Fatalf("child server did not start")
	}
	return nil, ""
}

// submitOne walks one assessment through the forms and returns the token of
// the result the server acknowledged with its redirect, or "" if it did not.
func submitOne(base string, steps []url.Values) string {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) (*http.Response, error) {
		resp, err := c.PostForm(base+path, form)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}
	if _, err := post("/start", url.Values{}); err != nil {
		return ""
	}
	for i, form := range steps {
		resp, err := post(fmt.Sprintf("/step/%d", i+1), form)
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			return ""
		}
		if i == len(steps)-1 {
			return strings.TrimPrefix(resp.Header.Get("Location"), "/r/")
		}
	}
	return ""
}

// exampleSteps returns the embedded questionnaire's first example and the
// step forms that answer it, ending with the submit.
func exampleSteps(t *testing.T) (assessment.Example, []url.Values) {
	t.Helper()
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	ex := q.Examples[0]
	var steps []url.Values
	for _, st := range q.Steps {
		form := url.Values{"_nav": {"next"}}
		for _, qn := range st.Questions {
			if v, ok := ex.Answers[qn.ID]; ok {
				form[qn.ID] = v
			}
		}
		steps = append(steps, form)
	}
	return ex, append(steps, url.Values{"_nav": {"next"}})
}

// TestAcknowledgedSubmitsSurviveSIGKILL kills the server mid-load and
// checks that every submit it had answered with a redirect is stored intact.
func TestAcknowledgedSubmitsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts a child process")
	}
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	ex, steps := exampleSteps(t)

	child, base := startChild(t, db)
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if token := submitOne(base, steps); token != "" {
					mu.Lock()
					acked = append(acked, token)
					mu.Unlock()
				}
			}
		}()
	}
	// Let the load run until a good number of submits are acknowledged.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	close(stop)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 10 {
		t.Fatalf("only %d submits were acknowledged before the kill; the test needs more load", len(acked))
	}
	store, err := data.Open(t.Context(), db)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer store.Close()
	if verdict, err := store.IntegrityCheck(t.Context()); err != nil || verdict != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", verdict, err)
	}
	for _, token := range acked {
		a, err := store.FindAssessment(t.Context(), token)
		if err != nil {
			t.Errorf("acknowledged submit %s lost after SIGKILL: %v", token, err)
			continue
		}
		if a.Result.Outcome != ex.Expect || len(a.Answers) == 0 || a.Status != assessment.StatusNew {
			t.Errorf("submit %s came back as %+v, want outcome %s with its answers", token, a.Result.Outcome, ex.Expect)
		}
	}
	t.Logf("%d acknowledged submits, all present after SIGKILL", len(acked))

	// And the server starts again on the same file.
	_, base2 := startChild(t, db)
	resp, err := http.Get(base2 + "/r/" + acked[0])
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("result after restart = %v, %v; want 200", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
}
