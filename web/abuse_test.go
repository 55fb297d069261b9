package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Issue 22's hardening: what the public pages keep, count and answer when
// a client sends what no browser would, or the same thing many times.

// TestLandingPageIgnoresTheHost: the landing page everyone is served is
// one page, whatever Host a request names: without -base-url it names no
// address at all (so nothing is kept per Host), and with it only the base
// (TestLinkPreviewTags).
func TestLandingPageIgnoresTheHost(t *testing.T) {
	for _, base := range []string{"", "https://fit.example.com"} {
		s := mustStart(t, withBaseURL(base))
		var etag string
		for i := range 20 {
			host := fmt.Sprintf("attacker-%d.example", i)
			req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/", nil)
			req.Host = host
			p := s.newVisitor().do(req)
			if p.status != http.StatusOK {
				t.Fatalf("GET / on Host %s = %d, want 200", host, p.status)
			}
			if strings.Contains(p.body, host) {
				t.Errorf("base %q: the landing page asked for on Host %s names that host", base, host)
			}
			if i == 0 {
				etag = p.header.Get("ETag")
			} else if got := p.header.Get("ETag"); got != etag {
				t.Errorf("base %q: the landing page on Host %s has ETag %q, on another host %q: want one page", base, host, got, etag)
			}
		}
	}
}
