package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
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

// TestEmailMeTheLinkIsNotAMailer: from one result, posts to many
// plus-addresses of one mailbox, or to many mailboxes, queue at most the
// result's daily limit of e-mails (3); the rest are refused with the
// address kept in the form.
func TestEmailMeTheLinkIsNotAMailer(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"), withEmailResults)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	result := v.submitContact(url.Values{}).location
	accepted := 0
	for i := range 12 {
		to := fmt.Sprintf("bulk+%d@victim.example", i)
		if i%2 == 1 {
			to = fmt.Sprintf("bulk%d@victim.example", i) // other mailboxes: the result's own limit holds
		}
		switch p := v.post(result+"/email-link", url.Values{"email": {to}}); p.status {
		case http.StatusSeeOther:
			accepted++
		case http.StatusTooManyRequests:
			if got := attr(byID(p.doc, "link-email"), "value"); got != to {
				t.Errorf("the refused address came back as %q, want %q", got, to)
			}
		default:
			t.Fatalf("post %d = %d, want 303 or 429", i+1, p.status)
		}
	}
	if got := len(s.linkRequests()); accepted != 3 || got != 3 {
		t.Errorf("12 posts from one result queued %d e-mails (%d accepted); want the result's limit, 3", got, accepted)
	}

	// Plus-tags and capitals reach one mailbox: from a second result, the
	// mailbox bulk@ (which has had two) takes one more, then no more.
	w := s.newVisitor()
	w.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	second := w.submitContact(url.Values{}).location
	for i, to := range []string{"Bulk+x@Victim.example", "bulk+y@victim.example"} {
		want := []int{http.StatusSeeOther, http.StatusTooManyRequests}[i]
		if p := w.post(second+"/email-link", url.Values{"email": {to}}); p.status != want {
			t.Errorf("%s from another result = %d, want %d", to, p.status, want)
		}
	}
}

// TestLinkQuotaSaysNothingOfOtherResults: an address whose quota other
// results spent is refused in the same words as any other refusal: no
// count, nothing about the address having had the link.
func TestLinkQuotaSaysNothingOfOtherResults(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"), withEmailResults)
	var results []string
	var founders []*visitor
	for range 2 {
		v := s.newVisitor()
		v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
		results, founders = append(results, v.submitContact(url.Values{}).location), append(founders, v)
	}
	for range 3 {
		founders[0].post(results[0]+"/email-link", url.Values{"email": {"victim@example.org"}})
	}
	other := founders[1].post(results[1]+"/email-link", url.Values{"email": {"victim@example.org"}})
	own := founders[0].post(results[0]+"/email-link", url.Values{"email": {"someone-else@example.org"}})
	if other.status != http.StatusTooManyRequests || own.status != http.StatusTooManyRequests {
		t.Fatalf("refusals = %d and %d, want 429 both", other.status, own.status)
	}
	said, ownSaid := textOf(byTestID(other.doc, "error-link-email")), textOf(byTestID(own.doc, "error-link-email"))
	if said == "" || said != ownSaid {
		t.Errorf("refused for other results' requests: %q; refused for its own: %q; want the same words", said, ownSaid)
	}
	if strings.ContainsAny(said, "0123456789") || strings.Contains(said, "address has") {
		t.Errorf("the refusal %q tells about the address's quota", said)
	}
}
