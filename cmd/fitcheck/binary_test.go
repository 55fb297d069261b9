package main

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The built binary: some tests run fitcheck exactly as an operator does,
// built with go build and configured only through its environment.

var built struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// builtBinary builds cmd/fitcheck once per test run (CGO off, as
// docs/deploy.md builds it) and returns its path.
func builtBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "fitcheck-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "fitcheck")
		cmd := exec.Command("go", "build", "-trimpath", "-o", built.path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		built.out, built.err = cmd.CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// process is the built binary running.
type process struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	// exit is closed when the process has ended and its stderr is read;
	// err is then how it ended.
	exit chan struct{}
	err  error
}

// startBinary runs the built binary with only env (and PATH) as its
// environment and args as its arguments, and waits until it listens.
func startBinary(t *testing.T, env map[string]string, args ...string) *process {
	t.Helper()
	p := runBinary(t, env, args...)
	for range 2000 {
		if m := listeningURL.FindStringSubmatch(p.logs.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case <-p.exit:
			t.Fatalf("fitcheck exited before listening: %v\n%s", p.err, p.logs.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	t.Fatalf("fitcheck never logged its address:\n%s", p.logs.String())
	return nil
}

// runBinary starts the built binary without waiting for anything; it is
// killed when the test ends, if still running.
func runBinary(t *testing.T, env map[string]string, args ...string) *process {
	t.Helper()
	bin := builtBinary(t)
	p := &process{cmd: exec.Command(bin, args...), logs: &syncBuffer{}, exit: make(chan struct{})}
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = io.Discard
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.logs.Write([]byte(sc.Text() + "\n"))
		}
	}()
	go func() {
		<-copied // every line read before the exit is reported
		p.err = p.cmd.Wait()
		close(p.exit)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		select {
		case <-p.exit:
		case <-time.After(10 * time.Second):
		}
	})
	return p
}

// adminClient creates an owner with fitcheck admin add-user on db and signs
// in to base as them: the review area as the owner sees it.
func adminClient(t *testing.T, base, db string, env map[string]string) *http.Client {
	t.Helper()
	const email, password = "owner@example.com", "correct horse battery staple"
	args := []string{"admin", "add-user", "-db", db, email}
	if err := run(t.Context(), args, func(k string) string { return env[k] }, strings.NewReader(password+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("admin add-user: %v", err)
	}
	c := newClient()
	resp, err := c.PostForm(base+"/admin/signin", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in = %d, want 303", resp.StatusCode)
	}
	return c
}

var firstAssessment = regexp.MustCompile(`href="/admin/a/(\d+)"`)

// deskDetail is the review area's page of the newest assessment.
func deskDetail(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	_, list := getBody(t, c, base+"/admin/?order=newest")
	m := firstAssessment.FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("the review area lists no assessment:\n%s", list)
	}
	_, detail := getBody(t, c, base+"/admin/a/"+m[1])
	return detail
}
