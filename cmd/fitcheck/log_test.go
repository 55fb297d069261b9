package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestRequestLogIsWholeAtShutdownAndWarningsAtOnce: the server buffers its
// log, yet a warning is in it by the time the request that caused it is
// answered, and every request line is in it once the server has stopped.
func TestRequestLogIsWholeAtShutdownAndWarningsAtOnce(t *testing.T) {
	ts := launch(t, []string{"-db", t.TempDir() + "/fitcheck.db"}, nil)
	// A post through what looks like an undeclared proxy draws a warning.
	req, err := http.NewRequest(http.MethodPost, ts.url+"/start", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if logs := ts.logs.String(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "no proxy is trusted") {
		t.Fatalf("the warning was not in the log when its request was answered:\n%s", logs)
	}
	for range 3 {
		resp, err := http.Get(ts.url + "/robots.txt")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	ts.stop()
	if n := strings.Count(ts.logs.String(), "route=/robots.txt"); n != 3 {
		t.Errorf("after shutdown the log holds %d of the 3 request lines:\n%s", n, ts.logs.String())
	}
}
