package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRawRequestIsHTTP: the bytes wrk sends parse as the request meant,
// cookie and body included.
func TestRawRequestIsHTTP(t *testing.T) {
	r := request{Method: http.MethodPost, Path: "/step/2", Body: []byte("q1=a&_nav=next"),
		Header: http.Header{"Cookie": {"fitcheck=abc"}, "Content-Type": {"application/x-www-form-urlencoded"}}}
	got, err := http.ReadRequest(bufio.NewReader(strings.NewReader(r.raw("127.0.0.1:8080"))))
	if err != nil {
		t.Fatalf("read back %q: %v", r.raw("127.0.0.1:8080"), err)
	}
	body, _ := io.ReadAll(got.Body)
	if got.Method != "POST" || got.URL.Path != "/step/2" || got.Host != "127.0.0.1:8080" ||
		got.Header.Get("Cookie") != "fitcheck=abc" || string(body) != "q1=a&_nav=next" {
		t.Errorf("read back %s %s host %s cookie %q body %q", got.Method, got.URL.Path, got.Host, got.Header.Get("Cookie"), body)
	}
}

func TestLuaString(t *testing.T) {
	for in, want := range map[string]string{
		"GET / HTTP/1.1\r\n": `"GET / HTTP/1.1\013\010"`,
		`say "hi" \ bye`:     `"say \034hi\034 \092 bye"`,
		"":                   `""`,
	} {
		if got := luaString(in); got != want {
			t.Errorf("luaString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseWrkResult(t *testing.T) {
	out := "Running 1s test @ http://127.0.0.1:1/\n\n" + wrkResultMarker +
		" requests=1200 duration_us=1000500 bad=3 connect=0 read=2 write=0 timeout=1 p50_us=1500 p99_us=4000 p999_us=9000 first_bad=status 303 to /step/1\n"
	got, err := parseWrkResult([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{Requests: 1200, Elapsed: 1000500 * time.Microsecond, Bad: 3, Socket: 3, FirstBad: "status 303 to /step/1",
		P50: 1500 * time.Microsecond, P99: 4 * time.Millisecond, P999: 9 * time.Millisecond}
	if got != want {
		t.Errorf("parseWrkResult = %+v, want %+v", got, want)
	}
	if _, err := parseWrkResult([]byte("wrk: connection refused\n")); err == nil {
		t.Error("parseWrkResult without a result line = nil error, want one")
	}
}

// TestWrkSendsEveryRequestAndCountsWrongAnswers runs the real wrk: every
// request of a route is sent in turn, with its cookie and body, and an
// answer other than the one expected counts as an error.
func TestWrkSendsEveryRequestAndCountsWrongAnswers(t *testing.T) {
	path, err := findWrk()
	if err != nil {
		if os.Getenv("FITCHECK_REQUIRE_WRK") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[r.Header.Get("Cookie")+" "+string(body)]++
		mu.Unlock()
		if r.Header.Get("Cookie") == "fitcheck=expired" {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/step/3", http.StatusSeeOther)
	}))
	defer srv.Close()

	var reqs []request
	for _, c := range []string{"fitcheck=a", "fitcheck=b", "fitcheck=expired"} {
		reqs = append(reqs, request{Method: http.MethodPost, Path: "/step/2", Body: []byte("q=" + c[len("fitcheck="):]),
			Header: http.Header{"Cookie": {c}, "Content-Type": {"application/x-www-form-urlencoded"}}})
	}
	l := &wrkLoad{wrk: path, clients: 4, dir: t.TempDir()}
	m, err := l.run(t.Context(), "step-post", srv.URL, os.Getpid(), reqs, expect{Status: http.StatusSeeOther, Location: "/step/3"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Requests < 30 {
		t.Fatalf("wrk answered %d requests in a second, want many", m.Requests)
	}
	// Requests wrk gave up on when its time was up may still be answered.
	mu.Lock()
	defer mu.Unlock()
	for _, key := range []string{"fitcheck=a q=a", "fitcheck=b q=b", "fitcheck=expired q=expired"} {
		if seen[key] == 0 {
			t.Errorf("the server never saw %q; saw %v", key, seen)
		}
	}
	// A third of the requests were answered with a redirect to the start.
	if third := m.Requests / 3; m.Errors < third-2 || m.Errors > third+2 || m.OK != m.Requests-m.Errors {
		t.Errorf("%d requests, %d errors, %d ok; want about a third errors", m.Requests, m.Errors, m.OK)
	}
	if m.ErrorKind != "status 303 to /" {
		t.Errorf("first error = %q, want %q", m.ErrorKind, "status 303 to /")
	}
	if m.Generator != "wrk" || m.GenCPU <= 0 || m.Wall < time.Second {
		t.Errorf("generator %q CPU %v over %v, want wrk's CPU over at least a second", m.Generator, m.GenCPU, m.Wall)
	}
}
