package web_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/web"
)

func withEmailResults(c *web.Config) { c.EmailResults = true }

// linkRequests lists the addresses of the stored result.link events, as an
// operator reading the file would see them.
func (s *site) linkRequests() []string {
	s.t.Helper()
	db, err := sql.Open("sqlite", data.DSN(s.dbPath))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT coalesce(recipient, '') FROM outbox WHERE type = ? ORDER BY id`, string(assessment.EventResultLink))
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var to string
		if err := rows.Scan(&to); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, to)
	}
	return out
}

// TestEmailMeTheLink: on their own result page a founder types an address
// and the link is queued for it, in the outbox, with a confirmation naming
// the address; a bad address comes back with what was typed; nobody else
// can use the form, and no other site can post it.
func TestEmailMeTheLink(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"), withEmailResults)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	result := v.submitContact(url.Values{}).location
	own := v.get(result)
	form := findForm(own.doc, result+"/email-link")
	if form == nil || byTestID(own.doc, "email-link") == nil {
		t.Fatalf("the founder's own result has no \"Email me the link\" form")
	}

	bad := v.post(result+"/email-link", url.Values{"email": {"founder at example"}})
	if bad.status != http.StatusUnprocessableEntity || byTestID(bad.doc, "error-link-email") == nil {
		t.Errorf("a bad address = %d, want 422 with a message by the field", bad.status)
	}
	if got := attr(byID(bad.doc, "link-email"), "value"); got != "founder at example" {
		t.Errorf("the address typed came back as %q, want it as typed", got)
	}
	if got := s.linkRequests(); len(got) != 0 {
		t.Errorf("link requests after a refused one = %v, want none", got)
	}

	ok := v.post(result+"/email-link", url.Values{"email": {"founder@example.com"}})
	if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.location, result+"?sent=link") {
		t.Fatalf("a good address = %d to %q, want 303 back to the result", ok.status, ok.location)
	}
	if strings.Contains(ok.location, "founder") {
		t.Errorf("the redirect %q carries the address; it must not be in a URL", ok.location)
	}
	if got := s.linkRequests(); len(got) != 1 || got[0] != "founder@example.com" {
		t.Errorf("link requests = %v, want one for founder@example.com", got)
	}
	sent := v.get(ok.location)
	if note := textOf(byTestID(sent.doc, "email-link-sent")); !strings.Contains(note, "Sent to founder@example.com") {
		t.Errorf("the result after sending says %q, want it to name the address", note)
	}
	if again := v.get(ok.location); strings.Contains(again.body, "founder@example.com") {
		t.Errorf("reloading the confirmation still shows the address; it is shown once")
	}

	// Someone with only the link, and another site, cannot send it.
	if p := s.newVisitor().post(result+"/email-link", url.Values{"email": {"x@example.com"}}); p.status != http.StatusForbidden {
		t.Errorf("a post from someone with only the link = %d, want 403", p.status)
	}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+result+"/email-link", strings.NewReader(url.Values{"email": {"x@example.com"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := v.do(req); p.status != http.StatusForbidden {
		t.Errorf("a cross-site post from the founder's own browser = %d, want 403", p.status)
	}
	if got := s.linkRequests(); len(got) != 1 {
		t.Errorf("link requests after refused posts = %v, want still one", got)
	}
}

// TestEmailMeTheLinkLimitPerAddress: one address gets the link at most
// three times a day, however many results ask and however it is
// capitalised; the fourth is refused with what was typed kept.
func TestEmailMeTheLinkLimitPerAddress(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"), withEmailResults)
	var results []string
	var founders []*visitor
	for range 2 {
		v := s.newVisitor()
		v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
		results = append(results, v.submitContact(url.Values{}).location)
		founders = append(founders, v)
	}
	for i, to := range []string{"x@example.com", "X@Example.com", "x@example.com"} {
		if p := founders[i%2].post(results[i%2]+"/email-link", url.Values{"email": {to}}); p.status != http.StatusSeeOther {
			t.Fatalf("request %d = %d, want 303", i+1, p.status)
		}
	}
	over := founders[1].post(results[1]+"/email-link", url.Values{"email": {"x@example.com"}})
	if over.status != http.StatusTooManyRequests || byTestID(over.doc, "error-link-email") == nil {
		t.Errorf("a fourth request to one address = %d, want 429 with a message by the field", over.status)
	}
	if got := attr(byID(over.doc, "link-email"), "value"); got != "x@example.com" {
		t.Errorf("the refused address came back as %q, want it as typed", got)
	}
	if p := founders[1].post(results[1]+"/email-link", url.Values{"email": {"y@example.com"}}); p.status != http.StatusSeeOther {
		t.Errorf("another address after the limit = %d, want 303", p.status)
	}
	if got := s.linkRequests(); len(got) != 4 {
		t.Errorf("link requests = %v, want 4 (three to x, one to y)", got)
	}
}

// TestEmailMeTheLinkOnlyWhereItCanBeSent: without a mail server there is
// no form and the route is not there; the shared view never has it.
func TestEmailMeTheLinkOnlyWhereItCanBeSent(t *testing.T) {
	off := mustStart(t, withBaseURL("https://fit.example.com"))
	v := off.newVisitor()
	v.answerAll(exampleAnswers(t, off.q, assessment.BookACall))
	result := v.submitContact(url.Values{}).location
	if p := v.get(result); byTestID(p.doc, "email-link") != nil {
		t.Errorf("the form shows without a mail server")
	}
	if p := v.post(result+"/email-link", url.Values{"email": {"founder@example.com"}}); p.status != http.StatusNotFound {
		t.Errorf("a post without a mail server = %d, want 404", p.status)
	}

	on := mustStart(t, withBaseURL("https://fit.example.com"), withEmailResults)
	v = on.newVisitor()
	v.answerAll(exampleAnswers(t, on.q, assessment.BookACall))
	result = v.submitContact(url.Values{}).location
	if p := on.newVisitor().get(result); byTestID(p.doc, "email-link") != nil || strings.Contains(p.body, "/email-link") {
		t.Errorf("the shared view offers to e-mail the link")
	}
}

// byID finds the element with the given id.
func byID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) bool {
		if found == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			found = n
		}
		return found == nil
	})
	return found
}
