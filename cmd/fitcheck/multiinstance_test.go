package main

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
)

// postgresEnv names the PostgreSQL database the multi-instance test runs
// on; .ci/run starts one and sets it.
const postgresEnv = "FITCHECK_TEST_POSTGRES"

// postgresForTest returns the URL of an empty schema of its own on the test
// PostgreSQL database, dropped when t ends, or skips t when there is none.
func postgresForTest(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("needs PostgreSQL: set %s=postgres://… (.ci/run starts one)", postgresEnv)
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := "test_" + strings.ToLower(rand.Text()[:12])
	if _, err := db.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// newClient is a browser-like client: cookies kept, redirects not followed.
func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// postTo posts a form to base+path with c, whose cookies were set by another
// instance: the jar keys cookies by host, and both instances are 127.0.0.1.
func postTo(t *testing.T, c *http.Client, base, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(base+path, form)
	if err != nil {
		t.Fatalf("POST %s%s: %v", base, path, err)
	}
	resp.Body.Close()
	return resp
}

func getBody(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTwoInstancesOnOnePostgres runs two fitcheck processes on one
// PostgreSQL database, as behind a load balancer with no sticky sessions:
// a founder starts on one and finishes on the other, the owner signs in on
// one and reads the result on the other, and when one instance is killed
// mid-load every submit either had acknowledged is stored.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	dsn := postgresForTest(t)
	key := "FITCHECK_SESSION_KEY=" + strings.Repeat("k", 40)
	childA, a := startChildWith(t, dsn, []string{key})
	_, b := startChildWith(t, dsn, []string{key})
	ex, steps := exampleSteps(t)

	// The founder: each request to the other instance than the one before.
	founder := newClient()
	bases := []string{a, b}
	if resp := postTo(t, founder, a, "/start", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /start on A = %d, want 303", resp.StatusCode)
	}
	var token string
	for i, form := range steps {
		base := bases[(i+1)%2]
		resp := postTo(t, founder, base, fmt.Sprintf("/step/%d", i+1), form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /step/%d on %s = %d, want 303: the draft made on the other instance was not found", i+1, base, resp.StatusCode)
		}
		if i == len(steps)-1 {
			token = strings.TrimPrefix(resp.Header.Get("Location"), "/r/")
		}
	}
	if token == "" {
		t.Fatal("the last step did not redirect to a result")
	}
	if code, body := getBody(t, founder, a+"/r/"+token); code != http.StatusOK || !strings.Contains(body, "data-testid") {
		t.Errorf("GET /r/%s on A = %d, want 200 with the result", token, code)
	}

	// The owner: added from the command line, signed in on A, reading on B.
	const email, password = "owner@example.com", "a long enough owner password"
	if err := run(t.Context(), []string{"admin", "add-user", email, "-db", dsn}, os.Getenv,
		strings.NewReader(password+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("admin add-user = %v", err)
	}
	owner := newClient()
	resp := postTo(t, owner, a, "/admin/signin", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in on A = %d, want 303", resp.StatusCode)
	}
	code, list := getBody(t, owner, b+"/admin/")
	if code != http.StatusOK || !strings.Contains(list, `data-testid="row"`) {
		t.Fatalf("GET /admin/ on B with A's session = %d; want 200 listing the founder's assessment:\n%.400s", code, list)
	}

	// Load on both; A is killed mid-way. B keeps answering, and what either
	// acknowledged is in the database.
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	for i := range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if tok := submitOne(bases[i%2], steps); tok != "" {
					mu.Lock()
					acked = append(acked, tok)
					mu.Unlock()
				}
			}
		})
	}
	waitForAcks := func(n int) {
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitForAcks(30)
	if err := childA.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	childA.Wait()
	mu.Lock()
	atKill := len(acked)
	mu.Unlock()
	waitForAcks(atKill + 10) // B alone, after A died
	close(stop)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if len(acked) < atKill+10 {
		t.Errorf("B acknowledged %d submits after A was killed, want at least 10: B must keep serving", len(acked)-atKill)
	}
	store, err := data.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, tok := range append(acked, token) {
		got, err := store.FindAssessment(t.Context(), tok)
		if err != nil {
			t.Errorf("acknowledged submit %s lost: %v", tok, err)
			continue
		}
		if got.Result.Outcome != ex.Expect {
			t.Errorf("submit %s has outcome %s, want %s", tok, got.Result.Outcome, ex.Expect)
		}
	}
	t.Logf("%d submits acknowledged (%d before A was killed), all stored", len(acked), atKill)
}

// TestTwoInstancesNotifyOncePerSubmit: two instances on one PostgreSQL
// database, each with its delivery worker and the same mail server, while
// founders submit through both. Every acknowledged submit reaches the
// owner's inbox, and exactly once: the workers never send the same delivery
// twice.
func TestTwoInstancesNotifyOncePerSubmit(t *testing.T) {
	dsn := postgresForTest(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpAddr := ln.Addr().String()
	ln.Close()
	mail := startInbox(t, smtpAddr)
	key := "FITCHECK_SESSION_KEY=" + strings.Repeat("k", 40)
	flags := []string{"-smtp-url", "smtp://" + smtpAddr + "?tls=none", "-mail-from", "fitcheck@example.com",
		"-notify-email", "gregory@example.com", "-base-url", "https://fit.example.com"}
	_, a := startChildWith(t, dsn, []string{key}, flags...)
	_, b := startChildWith(t, dsn, []string{key}, flags...)
	_, steps := exampleSteps(t)

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	for i := range 4 {
		base := []string{a, b}[i%2]
		wg.Go(func() {
			for range 5 {
				if token := submitOne(base, steps); token != "" {
					mu.Lock()
					acked = append(acked, token)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d submits acknowledged; the test needs more", len(acked))
	}
	store, err := data.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	want := map[string]int64{}
	for _, token := range acked {
		found, err := store.FindAssessment(t.Context(), token)
		if err != nil {
			t.Fatalf("acknowledged submit %s: %v", token, err)
		}
		want[strconv.FormatInt(found.ID, 10)] = found.ID
	}

	// Wait until every delivery is settled, then count the mails.
	deadline := time.Now().Add(60 * time.Second)
	for {
		settled := true
		for _, id := range want {
			list, err := store.ListDeliveries(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Status != assessment.DeliveryDelivered {
				settled = false
				break
			}
		}
		if settled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries not all delivered after 60 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := map[string]int{}
	for _, m := range mail.messages() {
		if sub := adminLink.FindSubmatch(m); sub != nil {
			got[string(sub[1])]++
		}
	}
	for id, dbID := range want {
		if got[id] != 1 {
			list, _ := store.ListDeliveries(t.Context(), dbID)
			t.Errorf("assessment %s: %d e-mails, want 1 (deliveries %+v)", id, got[id], list)
		}
	}
	t.Logf("%d submits through two instances, %d e-mails", len(want), len(mail.messages()))
}
