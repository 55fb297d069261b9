package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// founderResult takes the assessment with the first example's answers and
// returns its result page's Content-Security-Policy and body.
func founderResult(t *testing.T, base string) (string, string) {
	t.Helper()
	_, steps := exampleSteps(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := c.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	post("/start", url.Values{})
	var result string
	for i, form := range steps {
		resp := post("/step/"+strconv.Itoa(i+1), form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("step %d = %d, want 303", i+1, resp.StatusCode)
		}
		result = resp.Header.Get("Location")
	}
	resp, err := c.Get(base + result)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("result %s = %d, want 200", result, resp.StatusCode)
	}
	return resp.Header.Get("Content-Security-Policy"), string(body)
}
