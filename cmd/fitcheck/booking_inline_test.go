package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBookingInline: configured as the README says (FITCHECK_BOOKING_URL
// on a Calendly page and FITCHECK_BOOKING_INLINE=true), the built server
// shows the founder's result with the booking page framed, and its
// Content-Security-Policy frames that one host; without the setting the
// result links to the booking page and the policy frames nothing.
func TestBookingInline(t *testing.T) {
	for _, tt := range []struct {
		name  string
		env   map[string]string
		frame bool
	}{
		{"on", map[string]string{"FITCHECK_BOOKING_URL": "https://calendly.com/gregory/30min", "FITCHECK_BOOKING_INLINE": "true"}, true},
		{"off", map[string]string{"FITCHECK_BOOKING_URL": "https://calendly.com/gregory/30min"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := startServer(t, []string{"-db", filepath.Join(t.TempDir(), "fitcheck.db")}, tt.env)
			csp, page := founderResult(t, base)
			if got := strings.Contains(csp, "frame-src https://calendly.com"); got != tt.frame {
				t.Errorf("Content-Security-Policy = %q, want frame-src for calendly.com: %v", csp, tt.frame)
			}
			if got := strings.Contains(page, `<iframe src="https://calendly.com/gregory/30min?`); got != tt.frame {
				t.Errorf("result frames the booking page: %v, want %v", got, tt.frame)
			}
		})
	}
}

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
