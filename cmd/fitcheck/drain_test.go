package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMDropsNoRequest: clients send steady traffic on keep-alive
// connections to the built binary, while a prober stands in for the load
// balancer, asking /readyz and taking the instance out of rotation at its
// first 503. The process gets SIGTERM in the middle of it. Every request
// sent, before and after the signal, is answered; the process exits 0; and
// the webhook attempt under way at the signal is recorded, not lost.
//
// Nothing here waits on a wall clock: the signal goes after a count of
// answered requests, clients stop when the prober says so (and each has sent
// two requests after the signal), and the drain (the default 5 s) only has
// to outlast one probe and those two requests.
func TestSIGTERMDropsNoRequest(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fitcheck.db")
	attempted := make(chan struct{}, 1)
	hold := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so the server notices when the client hangs up
		select {
		case attempted <- struct{}{}:
		default:
		}
		select { // never answers while the server stops: an attempt under way
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	defer func() { close(hold); hook.Close() }()
	p := startBinary(t, map[string]string{"FITCHECK_DB": db, "FITCHECK_ADDR": "127.0.0.1:0", "FITCHECK_LOG_FORMAT": "json",
		"FITCHECK_MIN_COMPLETION_TIME": "0", "FITCHECK_POST_LIMIT": "1000000", "FITCHECK_WEBHOOK_URL": hook.URL})
	submitted(t, p.url)
	<-attempted

	const clients = 16
	var (
		out        atomic.Bool  // the balancer has taken the instance out
		answered   atomic.Int64 // requests answered
		afterTerm  atomic.Int64 // of them, sent after SIGTERM
		signalled  atomic.Bool
		mu         sync.Mutex
		failures   []string
		wg         sync.WaitGroup
		sawDrain   = make(chan struct{})
		closeDrain sync.Once
	)
	fail := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, msg)
	}
	for i := range clients {
		wg.Go(func() {
			// One keep-alive connection per client, kept between requests.
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1}, Timeout: time.Minute,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			defer c.CloseIdleConnections()
			// Until the balancer takes the instance out, and at least two
			// requests after the signal: a balancer notices only after a
			// probe or two, and this keeps the test from passing by sending
			// nothing into the drain on a slow machine.
			sentAfter := 0
			for n := 0; !out.Load() || sentAfter < 2; n++ {
				after := signalled.Load()
				if after {
					sentAfter++
				}
				var resp *http.Response
				var err error
				if (i+n)%2 == 0 {
					resp, err = c.Get(p.url + "/")
				} else {
					resp, err = c.PostForm(p.url+"/start", url.Values{})
				}
				if err != nil {
					fail(err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					fail(resp.Status)
					continue
				}
				answered.Add(1)
				if after {
					afterTerm.Add(1)
				}
			}
		})
	}
	wg.Go(func() { // the load balancer's probe
		c := &http.Client{Timeout: time.Minute}
		for !out.Load() {
			resp, err := c.Get(p.url + "/readyz")
			if err != nil {
				fail("probe: " + err.Error())
				out.Store(true)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				closeDrain.Do(func() { close(sawDrain) })
				out.Store(true)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	for answered.Load() < 20*clients && !out.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	signalled.Store(true)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	var exitErr error
	select {
	case <-p.exit:
		exitErr = p.err
	case <-time.After(2 * time.Minute):
		t.Fatalf("fitcheck did not exit after SIGTERM:\n%s", p.logs.String())
	}

	select {
	case <-sawDrain:
	default:
		t.Errorf("the prober never saw /readyz answer 503 before the instance stopped")
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed through SIGTERM, e.g. %q", len(failures), answered.Load()+int64(len(failures)), failures[0])
	}
	if afterTerm.Load() == 0 {
		t.Errorf("no request was sent after the signal; the test did not test the drain")
	}
	var ee *exec.ExitError
	if exitErr != nil && errors.As(exitErr, &ee) {
		t.Errorf("fitcheck exited with %v after SIGTERM, want 0", exitErr)
	}
	for _, line := range strings.Split(strings.TrimSpace(p.logs.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line under -log-format json is not JSON: %s", line)
		}
	}
	t.Logf("%d requests answered, %d of them sent after SIGTERM; %d failed", answered.Load(), afterTerm.Load(), len(failures))

	conn, err := sql.Open("sqlite", db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var attempts int
	var lastError string
	var claim sql.NullString
	if err := conn.QueryRow(`SELECT attempts, last_error, claim_token FROM deliveries`).Scan(&attempts, &lastError, &claim); err != nil {
		t.Fatal(err)
	}
	if attempts != 1 || lastError == "" || claim.Valid {
		t.Errorf("the webhook attempt under way at SIGTERM is recorded as attempts=%d, last_error=%q, claimed=%v; want 1, why, and released",
			attempts, lastError, claim.Valid)
	}
}
