package web_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
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

// firstStepFrom starts a fresh visitor from client (through a trusted
// proxy) and posts the first step's answers.
func firstStepFrom(t *testing.T, s *site, client string) *page {
	t.Helper()
	v := s.newVisitor()
	send := func(path string, form url.Values) *page {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		return v.do(req)
	}
	send("/start", url.Values{})
	return send("/step/1", answersOfStep(s.q, 0, exampleAnswers(t, s.q, assessment.BookACall)))
}

// TestOpenDraftsAreCappedPerAddress: one address fills only a tenth of its
// network's cap, so a few addresses cannot refuse everyone else in the
// network.
func TestOpenDraftsAreCappedPerAddress(t *testing.T) {
	s := startWith(t, web.Config{MaxOpenDrafts: 20, TrustedProxies: []string{"127.0.0.0/8", "::1/128"}}, &bytes.Buffer{})
	for i := range 2 {
		if p := firstStepFrom(t, s, "198.51.100.7"); p.status != http.StatusSeeOther {
			t.Fatalf("draft %d from one address = %d, want 303", i+1, p.status)
		}
	}
	if p := firstStepFrom(t, s, "198.51.100.7"); p.status != http.StatusTooManyRequests {
		t.Errorf("a third open draft from one address (a tenth of 20 each) = %d, want 429", p.status)
	}
	if p := firstStepFrom(t, s, "198.51.100.8"); p.status != http.StatusSeeOther {
		t.Errorf("a visitor at another address of the same /24 = %d, want 303", p.status)
	}
}

// TestFirstStepDraftsExpireWithinHours: a draft with nothing past the
// first step is kept for hours, not a month; once the second step is
// answered it is kept for thirty days.
func TestFirstStepDraftsExpireWithinHours(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	step1 := v.fill(v.start(), answers, "next")
	if step1.status != http.StatusSeeOther {
		t.Fatalf("step 1 = %d, want 303", step1.status)
	}
	if kept := s.draftKeptFor(); kept > 12*time.Hour || kept < time.Hour {
		t.Errorf("a draft with the first step only is kept for %v, want hours", kept)
	}
	if p := v.fill(v.get(step1.location), answers, "next"); p.status != http.StatusSeeOther {
		t.Fatalf("step 2 = %d, want 303", p.status)
	}
	if kept := s.draftKeptFor(); kept < assessment.DraftLifetime-time.Hour {
		t.Errorf("a draft with two steps answered is kept for %v, want %v", kept, assessment.DraftLifetime)
	}
}

// draftKeptFor reads how long the one stored draft is kept past its last
// save, as an operator reading the file would.
func (s *site) draftKeptFor() time.Duration {
	s.t.Helper()
	db, err := sql.Open("sqlite", data.DSN(s.dbPath))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	var updated, expires string
	if err := db.QueryRow(`SELECT updated_at, expires_at FROM drafts`).Scan(&updated, &expires); err != nil {
		s.t.Fatalf("read the draft: %v", err)
	}
	u, err1 := time.Parse(time.RFC3339Nano, updated)
	e, err2 := time.Parse(time.RFC3339Nano, expires)
	if err1 != nil || err2 != nil {
		s.t.Fatalf("read the draft's times %q and %q: %v %v", updated, expires, err1, err2)
	}
	return e.Sub(u)
}

// TestOneLineFieldsLoseLineBreaks: contact fields and where a founder came
// from are stored as one line each (CR, LF and other controls become a
// space), so a name cannot forge a line of the brief.txt the owner pastes
// elsewhere.
func TestOneLineFieldsLoseLineBreaks(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	start := v.post("/start", url.Values{"utm_source": {"board\r\ndeck"}, "utm_campaign": {"series\tb\x0bsecret"}})
	if start.status != http.StatusSeeOther {
		t.Fatalf("POST /start = %d, want 303", start.status)
	}
	p := v.get(start.location)
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	for range s.q.Steps {
		p = v.get(v.fill(p, answers, "next").location)
	}
	result := v.submitContact(url.Values{"name": {"Bob\r\nBcc: everyone@example.com"}, "company": {"Acme\nVerdict: hire"},
		"role": {"CEO\u2028CTO"}, "email": {"bob@acme.example"}, "consent": {"yes"}}).location
	a, err := s.store.FindAssessment(t.Context(), strings.TrimPrefix(result, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	want := assessment.Contact{Name: "Bob Bcc: everyone@example.com", Email: "bob@acme.example", Company: "Acme Verdict: hire", Role: "CEO CTO", Consent: true}
	if a.Contact != want {
		t.Errorf("stored contact = %+v, want %+v", a.Contact, want)
	}
	if a.Source.UTMSource != "board deck" || a.Source.UTMCampaign != "series b secret" {
		t.Errorf("stored source = %+v, want each field on one line", a.Source)
	}
	owner := s.newVisitor()
	owner.signIn("greg@example.com", ownerPassword)
	brief := owner.get(fmt.Sprintf("/admin/a/%d/brief.txt", a.ID))
	for _, line := range strings.Split(brief.body, "\n") {
		if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "Verdict: hire") {
			t.Errorf("brief.txt has a forged line %q:\n%s", line, brief.body)
		}
	}
}

// startedWith answers a whole assessment from a visitor who came by a
// tagged link, and returns the visitor and the result's path.
func startedWith(t *testing.T, s *site, source url.Values) (*visitor, string) {
	t.Helper()
	v := s.newVisitor()
	start := v.post("/start", source)
	if start.status != http.StatusSeeOther {
		t.Fatalf("POST /start = %d, want 303", start.status)
	}
	p := v.get(start.location)
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	for range s.q.Steps {
		p = v.get(v.fill(p, answers, "next").location)
	}
	return v, v.submitContact(url.Values{}).location
}

// TestShareLinkHoldersBookWithoutAttribution: with only the share link,
// /book carries none of the founder's utm_* values, and its reference to
// the assessment reveals no id; the founder's own /book still carries
// where they came from, and the reference still brings a booking back.
func TestShareLinkHoldersBookWithoutAttribution(t *testing.T) {
	for _, bookingURL := range []string{"https://cal.com/gregory", "https://calendly.com/gregory/30min"} {
		s := mustStart(t, withBooking(bookingURL), withHooks("cal-secret", "calendly-key"))
		founder, result := startedWith(t, s, url.Values{"utm_source": {"acme-board-deck"}, "utm_campaign": {"series-b-secret"}})
		id := assessmentIDOf(t, s, result)
		shared := s.newVisitor().get(result + "/book")
		u, err := url.Parse(shared.location)
		if shared.status != http.StatusSeeOther || err != nil {
			t.Fatalf("%s: /book with only the link = %d %q", bookingURL, shared.status, shared.location)
		}
		q := u.Query()
		for _, leak := range []string{"acme-board-deck", "series-b-secret", "utm_source", "utm_campaign"} {
			if strings.Contains(shared.location, leak) {
				t.Errorf("%s: /book with only the link carries %q: %s", bookingURL, leak, shared.location)
			}
		}
		ref := q.Get("metadata[fitcheck]") + q.Get("utm_content")
		if ref == "" || strings.Contains(ref, ".") || strings.HasPrefix(ref, fmt.Sprint(id)) {
			t.Errorf("%s: /book's reference %q reveals the assessment id %d (or is missing)", bookingURL, ref, id)
		}
		if own := founder.get(result + "/book"); !strings.Contains(own.location, "utm_source=acme-board-deck") {
			t.Errorf("%s: the founder's own /book lost where they came from: %s", bookingURL, own.location)
		}
		if bookingURL == "https://cal.com/gregory" {
			body := fmt.Sprintf(`{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"bk_9","startTime":"2026-12-08T15:00:00Z","metadata":{"fitcheck":"%s"}}}`, ref)
			if st := postHook(t, s, "/hooks/cal", body, map[string]string{"X-Cal-Signature-256": hexHMAC("cal-secret", body)}); st != http.StatusNoContent {
				t.Errorf("a booking made through the shared link's reference = %d, want 204", st)
			}
			if a, _ := s.store.FindAssessmentByID(t.Context(), id); a.Status != assessment.StatusBooked {
				t.Errorf("after a booking with the sealed reference the status is %q, want booked", a.Status)
			}
		}
	}
}

// TestBookingLinkFollowedManyTimesAddsOneRow: however often anyone follows
// a result's booking link, one click is recorded within the hour.
func TestBookingLinkFollowedManyTimesAddsOneRow(t *testing.T) {
	s := mustStart(t, withBooking("https://cal.com/gregory"))
	result := s.submitted(assessment.BookACall, url.Values{})
	stranger := s.newVisitor()
	for i := range 50 {
		if p := stranger.get(result + "/book"); p.status != http.StatusSeeOther {
			t.Fatalf("GET /book %d = %d, want 303", i+1, p.status)
		}
	}
	if n := s.countRows("booking_events"); n != 1 {
		t.Errorf("booking events after 50 follows of one link = %d, want 1", n)
	}
}

// TestSignedHookThatIsNotABookingIs400: a correctly signed body that is
// not JSON is a bad request (400), not a bad signature (401); unsigned, it
// is still 401.
func TestSignedHookThatIsNotABookingIs400(t *testing.T) {
	s := mustStart(t, withHooks("cal-secret", "calendly-key"))
	const body = "this is not json"
	if st := postHook(t, s, "/hooks/cal", body, map[string]string{"X-Cal-Signature-256": hexHMAC("cal-secret", body)}); st != http.StatusBadRequest {
		t.Errorf("a signed Cal.com body that is not JSON = %d, want 400", st)
	}
	ts := fmt.Sprint(time.Now().Unix())
	if st := postHook(t, s, "/hooks/calendly", body, map[string]string{"Calendly-Webhook-Signature": "t=" + ts + ",v1=" + hexHMAC("calendly-key", ts+"."+body)}); st != http.StatusBadRequest {
		t.Errorf("a signed Calendly body that is not JSON = %d, want 400", st)
	}
	if st := postHook(t, s, "/hooks/cal", body, map[string]string{"X-Cal-Signature-256": hexHMAC("wrong", body)}); st != http.StatusUnauthorized {
		t.Errorf("a body that is not JSON with a wrong signature = %d, want 401", st)
	}
}

// TestMessagesAreLimitedPerResult: a result sends at most five messages a
// day (each fires an e-mail, a webhook and a Slack post); the sixth is
// refused with what was typed kept and a message by the field.
func TestMessagesAreLimitedPerResult(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	result := v.submitContact(url.Values{}).location
	send := func(i int) *page {
		return v.post(result+"/message", url.Values{"message": {fmt.Sprintf("Message number %d", i)}, "email": {"ada@example.com"}, "consent": {"yes"}})
	}
	for i := range 5 {
		if p := send(i + 1); p.status != http.StatusSeeOther {
			t.Fatalf("message %d = %d, want 303", i+1, p.status)
		}
	}
	for i := 6; i <= 20; i++ {
		p := send(i)
		if p.status != http.StatusTooManyRequests {
			t.Fatalf("message %d = %d, want 429", i, p.status)
		}
		if i == 6 && (byTestID(p.doc, "error-m-message") == nil || !strings.Contains(p.body, "Message number 6")) {
			t.Errorf("the refused message has no message by the field, or lost what was typed")
		}
	}
	if n := s.countRows("messages"); n != 5 {
		t.Errorf("messages stored after 20 sent in a row = %d, want 5", n)
	}
	if n := s.countRows("outbox WHERE type = 'message.created'"); n != 5 {
		t.Errorf("message events to announce = %d, want 5", n)
	}
}

// distinctCards stores n results whose cards all differ (each a criterion
// score apart), as submits would, and returns their paths.
func distinctCards(t *testing.T, s *site, n int) []string {
	t.Helper()
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	var paths []string
	for i := range n {
		now := time.Now().UTC()
		d := &assessment.Draft{ID: fmt.Sprintf("draft-%d", i), QuestionnaireVersion: s.q.Version, Answers: answers,
			CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.store.CreateDraft(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		result := rules.EvaluateWithNearMiss(s.q, answers)
		result.Criteria[0].Score = i // a card of its own
		a := &assessment.Assessment{Token: fmt.Sprintf("card%020d", i), QuestionnaireVersion: s.q.Version, Answers: answers,
			Result: result, CreatedAt: now}
		if _, err := s.store.SubmitDraft(t.Context(), d.ID, a); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, "/r/"+a.Token)
	}
	return paths
}

// TestUncachedCardsAreLimitedPerClient: one client may have only ten cards
// drawn a minute; past that it gets 429 with Retry-After, while cards
// already drawn are still served to it and another client's are drawn.
func TestUncachedCardsAreLimitedPerClient(t *testing.T) {
	s := startWith(t, web.Config{TrustedProxies: []string{"127.0.0.0/8", "::1/128"}}, &bytes.Buffer{})
	results := distinctCards(t, s, 13)
	card := func(path, client string) *http.Response {
		resp, _ := rawGet(t, s, path+"/card.png", "", map[string]string{"X-Forwarded-For": client})
		return resp
	}
	for i, r := range results[:10] {
		if resp := card(r, "198.51.100.7"); resp.StatusCode != http.StatusOK {
			t.Fatalf("card %d = %d, want 200", i+1, resp.StatusCode)
		}
	}
	for _, r := range results[10:12] {
		resp := card(r, "198.51.100.7")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("an eleventh new card from one client = %d (Retry-After %q, Cache-Control %q), want 429 with Retry-After, not cached",
				resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Cache-Control"))
		}
	}
	if resp := card(results[0], "198.51.100.7"); resp.StatusCode != http.StatusOK {
		t.Errorf("a card already drawn, to the same client = %d, want 200", resp.StatusCode)
	}
	if resp := card(results[12], "203.0.113.5"); resp.StatusCode != http.StatusOK {
		t.Errorf("a new card for another client = %d, want 200", resp.StatusCode)
	}
}
