package web_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web"
)

// The loop from result to booked call, as a founder and a booking
// provider would go round it.

func withHooks(cal, calendly string) siteOption {
	return func(c *web.Config) { c.CalComWebhookSecret, c.CalendlySigningKey = cal, calendly }
}

// TestBookingLinkIsPreFilled: /r/{token}/book records the click and sends
// the founder on to the booking page, pre-filled for its provider, with
// their name and email only when they consented.
func TestBookingLinkIsPreFilled(t *testing.T) {
	for _, tt := range []struct {
		booking, want string
		contact       url.Values
		has, hasNot   []string
	}{
		{"https://cal.com/gregory/intro", "https://cal.com/gregory/intro?", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}},
			[]string{"name=Ada", "email=ada%40example.com", "metadata%5Bfitcheck%5D=", "notes="}, nil},
		{"https://cal.com/gregory/intro", "https://cal.com/gregory/intro?", url.Values{},
			[]string{"metadata%5Bfitcheck%5D="}, []string{"email=", "name="}},
		{"https://calendly.com/gregory/30min", "https://calendly.com/gregory/30min?", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}},
			[]string{"name=Ada", "email=ada%40example.com", "utm_content=", "a1="}, nil},
		{"https://example.org/meet", "https://example.org/meet?", url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}},
			[]string{"fitcheck=https%3A%2F%2Ffit.example.com%2Fr%2F"}, []string{"email="}},
	} {
		s := mustStart(t, withBooking(tt.booking), withBaseURL("https://fit.example.com"))
		v := s.newVisitor()
		v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
		result := v.submitContact(tt.contact).location
		p := v.get(result + "/book")
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, tt.want) {
			t.Fatalf("%s: GET /book = %d %q, want 303 to %s…", tt.booking, p.status, p.location, tt.want)
		}
		for _, w := range tt.has {
			if !strings.Contains(p.location, w) {
				t.Errorf("%s: booking link %q lacks %q", tt.booking, p.location, w)
			}
		}
		for _, w := range tt.hasNot {
			if strings.Contains(p.location, w) {
				t.Errorf("%s: booking link %q carries %q without consent", tt.booking, p.location, w)
			}
		}
		if n := s.countRows("booking_events"); n != 1 {
			t.Errorf("%s: booking clicks recorded = %d, want 1", tt.booking, n)
		}
	}
}

func assessmentIDOf(t *testing.T, s *site, resultPath string) int64 {
	t.Helper()
	a, err := s.store.FindAssessment(t.Context(), strings.TrimPrefix(resultPath, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func hexHMAC(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func postHook(t *testing.T, s *site, path, body string, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	// As a provider's server posts: no browser, but a header some clients
	// send; the cross-origin check must not refuse it.
	req.Header.Set("Origin", "https://app.cal.com")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBookingsComeBack: a signed Cal.com or Calendly booking that names an
// assessment marks it booked; a forged or unsigned one changes nothing.
func TestBookingsComeBack(t *testing.T) {
	s := mustStart(t, withHooks("cal-secret", "calendly-key"), withBooking("https://cal.com/gregory"))
	calPath := s.submitted(assessment.BookACall, url.Values{})
	calendlyPath := s.submitted(assessment.WorthAConversation, url.Values{})
	calID, calendlyID := assessmentIDOf(t, s, calPath), assessmentIDOf(t, s, calendlyPath)
	calRef, calendlyRef := bookingRef(t, s, calPath), bookingRef(t, s, calendlyPath)

	cal := fmt.Sprintf(`{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"bk_1","startTime":"2026-12-08T15:00:00Z","metadata":{"fitcheck":"%s"}}}`, calRef)
	if st := postHook(t, s, "/hooks/cal", cal, map[string]string{"X-Cal-Signature-256": hexHMAC("wrong", cal)}); st != http.StatusUnauthorized {
		t.Errorf("forged Cal.com booking = %d, want 401", st)
	}
	if st := postHook(t, s, "/hooks/cal", cal, nil); st != http.StatusUnauthorized {
		t.Errorf("unsigned Cal.com booking = %d, want 401", st)
	}
	if a, _ := s.store.FindAssessmentByID(t.Context(), calID); a.Status == assessment.StatusBooked {
		t.Fatalf("a refused webhook marked the assessment booked")
	}
	if st := postHook(t, s, "/hooks/cal", cal, map[string]string{"X-Cal-Signature-256": hexHMAC("cal-secret", cal)}); st/100 != 2 {
		t.Errorf("signed Cal.com booking = %d, want 2xx", st)
	}
	if a, _ := s.store.FindAssessmentByID(t.Context(), calID); a.Status != assessment.StatusBooked {
		t.Errorf("after a signed Cal.com booking the status is %q, want booked", a.Status)
	}

	ts := strconv.FormatInt(time.Now().Unix(), 10)
	calendly := fmt.Sprintf(`{"event":"invitee.created","payload":{"uri":"https://api.calendly.com/x/invitees/IN1","scheduled_event":{"start_time":"2026-12-09T15:00:00.000000Z"},"tracking":{"utm_content":"%s"}}}`, calendlyRef)
	if st := postHook(t, s, "/hooks/calendly", calendly, map[string]string{"Calendly-Webhook-Signature": "t=" + ts + ",v1=" + hexHMAC("wrong", ts+"."+calendly)}); st != http.StatusUnauthorized {
		t.Errorf("forged Calendly booking = %d, want 401", st)
	}
	if st := postHook(t, s, "/hooks/calendly", calendly, map[string]string{"Calendly-Webhook-Signature": "t=" + ts + ",v1=" + hexHMAC("calendly-key", ts+"."+calendly)}); st/100 != 2 {
		t.Errorf("signed Calendly booking = %d, want 2xx", st)
	}
	if a, _ := s.store.FindAssessmentByID(t.Context(), calendlyID); a.Status != assessment.StatusBooked {
		t.Errorf("after a signed Calendly booking the status is %q, want booked", a.Status)
	}

	unknown := `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"bk_2","startTime":"2026-12-08T15:00:00Z","metadata":{"fitcheck":"99999"}}}`
	if st := postHook(t, s, "/hooks/cal", unknown, map[string]string{"X-Cal-Signature-256": hexHMAC("cal-secret", unknown)}); st != http.StatusAccepted {
		t.Errorf("a booking of an unknown assessment = %d, want 202", st)
	}
	// A signed booking whose reference is a bare id (anyone can put one in
	// a link's utm_content) marks nothing.
	other := assessmentIDOf(t, s, s.submitted(assessment.BookACall, url.Values{}))
	guessed := fmt.Sprintf(`{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"bk_3","startTime":"2026-12-08T15:00:00Z","metadata":{"fitcheck":"%d"}}}`, other)
	if st := postHook(t, s, "/hooks/cal", guessed, map[string]string{"X-Cal-Signature-256": hexHMAC("cal-secret", guessed)}); st != http.StatusAccepted {
		t.Errorf("a booking naming a bare id = %d, want 202", st)
	}
	if a, _ := s.store.FindAssessmentByID(t.Context(), other); a.Status == assessment.StatusBooked {
		t.Errorf("a booking with a guessed id marked the assessment booked")
	}
	// Only the hooks skip the cross-origin check.
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/start", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := s.newVisitor().do(req); p.status != http.StatusForbidden {
		t.Errorf("a cross-site post to /start = %d, want 403", p.status)
	}
}

// TestMessageForm: a founder writes to the owner from the result page; it
// needs words, an email and consent, is stored with the assessment,
// confirmed on the page, and refused from another site.
func TestMessageForm(t *testing.T) {
	s := mustStart(t) // no booking page: book-a-call offers the message form
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	result := v.submitContact(url.Values{}).location
	page := v.get(result)
	if attr(byTestID(page.doc, "primary-action"), "href") != "#message" || byTestID(page.doc, "message") == nil {
		t.Fatalf("without a booking page the primary action does not lead to a message form")
	}
	bad := v.post(result+"/message", url.Values{"message": {"Can we talk next week?"}, "email": {"ada@example.com"}})
	if bad.status != http.StatusUnprocessableEntity || byTestID(bad.doc, "error-m-consent") == nil {
		t.Errorf("a message without consent = %d, want 422 with a message by the consent box", bad.status)
	}
	if !strings.Contains(bad.body, "Can we talk next week?") {
		t.Errorf("the message typed was lost on the error page")
	}
	if n := s.countRows("messages"); n != 0 {
		t.Errorf("messages stored after a refused one = %d, want 0", n)
	}
	ok := v.post(result+"/message", url.Values{"message": {"Can we talk next week?"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	if ok.status != http.StatusSeeOther {
		t.Fatalf("a good message = %d, want 303", ok.status)
	}
	if n := s.countRows("messages"); n != 1 {
		t.Errorf("messages stored = %d, want 1", n)
	}
	if sent := v.get(ok.location); byTestID(sent.doc, "message-sent") == nil {
		t.Errorf("the result after sending does not confirm it")
	}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+result+"/message", strings.NewReader(url.Values{"message": {"spam"}, "email": {"x@example.com"}, "consent": {"yes"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := s.newVisitor().do(req); p.status != http.StatusForbidden || s.countRows("messages") != 1 {
		t.Errorf("a cross-site message = %d (%d stored), want 403 and nothing stored", p.status, s.countRows("messages"))
	}
}

// TestRetakeIsPreFilled: "Take it again" starts a new assessment with the
// previous answers filled in, and leaves the old result as it was; someone
// with only the link cannot.
func TestRetakeIsPreFilled(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	answers := exampleAnswers(t, s.q, assessment.NarrowScope)
	v.answerAll(answers)
	result := v.submitContact(url.Values{}).location
	if p := s.newVisitor().post(result+"/retake", url.Values{}); p.status != http.StatusForbidden {
		t.Errorf("a retake by someone with the link = %d, want 403", p.status)
	}
	p := v.post(result+"/retake", url.Values{})
	if p.status != http.StatusSeeOther || p.location != "/step/1" {
		t.Fatalf("retake = %d %q, want 303 to step 1", p.status, p.location)
	}
	step := v.get("/step/1")
	for _, qn := range s.q.Steps[0].Questions {
		if want := answers[qn.ID]; len(want) > 0 && qn.Type != assessment.Text {
			if got := checked(step.doc, qn.ID); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("retake step 1 %s = %v, want the earlier %v", qn.ID, got, want)
			}
		}
	}
	if old := v.get(result); old.status != http.StatusOK {
		t.Errorf("the old result after a retake = %d, want it kept", old.status)
	}
	if n := s.countRows("assessments"); n != 1 {
		t.Errorf("assessments after a retake = %d, want the one", n)
	}
}

// TestChecklistAndPrint: hire-a-pm's next step is a printable checklist,
// and the result page has a print stylesheet.
func TestChecklistAndPrint(t *testing.T) {
	s := mustStart(t)
	result := s.submitted(assessment.HireAPM, url.Values{})
	p := s.newVisitor().get(result)
	_ = p
	owner := s.newVisitor()
	owner.answerAll(exampleAnswers(t, s.q, assessment.HireAPM))
	mine := owner.submitContact(url.Values{}).location
	page := owner.get(mine)
	href := attr(byTestID(page.doc, "primary-action"), "href")
	if href != mine+"/checklist" {
		t.Fatalf("hire-a-pm's primary action = %q, want its checklist", href)
	}
	list := owner.get(href)
	o, _ := s.q.Outcome(assessment.HireAPM)
	if list.status != http.StatusOK || !strings.Contains(textOf(list.doc), o.NextStep.Points[0]) {
		t.Errorf("checklist = %d, want the outcome's points", list.status)
	}
	var css string
	walk(page.doc, func(n *htmlNode) bool {
		if n.Data == "link" && attr(n, "rel") == "stylesheet" && strings.Contains(attr(n, "href"), "result") {
			css = owner.get(attr(n, "href")).body
		}
		return true
	})
	if !strings.Contains(css, "@media print") {
		t.Errorf("the result's stylesheet has no print rules")
	}
}

// TestUTMIsCarriedThroughTheForms: the first-touch utm_* and the referring
// host travel from the landing page through Start into the assessment.
func TestUTMIsCarriedThroughTheForms(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/?utm_source=newsletter&utm_campaign=dec", nil)
	req.Header.Set("Referer", "https://news.example.net/issue/42?x=1")
	landing := v.do(req)
	form := findForm(landing.doc, "/start")
	if form == nil {
		t.Fatal("no Start form")
	}
	start := v.post("/start", formValues(form))
	p := v.get(start.location)
	for i := range s.q.Steps {
		next := v.fill(p, exampleAnswers(t, s.q, assessment.BookACall), "next")
		if next.status != http.StatusSeeOther {
			t.Fatalf("step %d = %d", i+1, next.status)
		}
		p = v.get(next.location)
	}
	done := v.submitContact(url.Values{})
	a, err := s.store.FindAssessment(t.Context(), strings.TrimPrefix(done.location, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Source.UTMSource != "newsletter" || a.Source.UTMCampaign != "dec" || a.Source.ReferrerHost != "news.example.net" {
		t.Errorf("stored source = %+v, want newsletter / dec from news.example.net (host only)", a.Source)
	}
}

// TestShareRow: the share row offers the link, a mailto and LinkedIn, and
// its copy buttons stay hidden until the script shows them.
func TestShareRow(t *testing.T) {
	s := mustStart(t, withBaseURL("https://fit.example.com"))
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	result := v.submitContact(url.Values{}).location
	p := v.get(result)
	share := "https://fit.example.com" + result
	if got := attr(byTestID(p.doc, "share-link"), "value"); got != share {
		t.Errorf("share link = %q, want %q", got, share)
	}
	if mail := attr(byTestID(p.doc, "share-email"), "href"); !strings.HasPrefix(mail, "mailto:?subject=") || !strings.Contains(mail, url.PathEscape(share)) {
		t.Errorf("email share = %q, want a mailto carrying the link", mail)
	}
	if li := attr(byTestID(p.doc, "share-linkedin"), "href"); !strings.Contains(li, url.QueryEscape(share)) {
		t.Errorf("LinkedIn share = %q, want it to carry the link", li)
	}
	shared := s.newVisitor().get(result)
	if byTestID(shared.doc, "shared-frame") == nil || attr(byTestID(shared.doc, "primary-action"), "href") != "/" {
		t.Errorf("the shared view is not framed as shared with 'Take it yourself' first")
	}
	for _, secret := range []string{"delete-own", "message"} {
		if byTestID(shared.doc, secret) != nil {
			t.Errorf("the shared view offers %s", secret)
		}
	}
}

// TestOnlyTheFounderCarriesTheirDetails: with only the share link, /book
// carries no name, email or own words, and no message can be posted on
// the founder's result.
func TestOnlyTheFounderCarriesTheirDetails(t *testing.T) {
	s := mustStart(t, withBooking("https://cal.com/gregory"))
	v := s.newVisitor()
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	v.answerAll(answers)
	result := v.submitContact(url.Values{"name": {"Ada Secret"}, "email": {"ada@secret.example"}, "consent": {"yes"}}).location
	stranger := s.newVisitor()
	p := stranger.get(result + "/book")
	words := s.q.Words(answers)
	if len(words) == 0 {
		t.Fatal("the example has no words of the founder's to look for")
	}
	for _, secret := range []string{"ada%40secret.example", "Ada", url.QueryEscape(words[0].Text[:12])} {
		if strings.Contains(p.location, secret) {
			t.Errorf("/book with only the link carries %q: %s", secret, p.location)
		}
	}
	if !strings.Contains(p.location, "metadata%5Bfitcheck%5D=") {
		t.Errorf("/book with only the link lost the assessment reference: %s", p.location)
	}
	if own := v.get(result + "/book"); !strings.Contains(own.location, "ada%40secret.example") {
		t.Errorf("the founder's own /book lost their consented email: %s", own.location)
	}
	msg := stranger.post(result+"/message", url.Values{"message": {"hi"}, "email": {"x@example.com"}, "consent": {"yes"}})
	if msg.status != http.StatusForbidden || s.countRows("messages") != 0 {
		t.Errorf("a message with only the link = %d (%d stored), want 403 and nothing stored", msg.status, s.countRows("messages"))
	}
}

// TestRetakeUnderHTTPSWithAnOldCookie: a founder whose cookie predates the
// __Host- name retakes into the new, pre-filled draft, not back to the old
// result; a retake refused by the draft cap leaves the result theirs.
func TestRetakeUnderHTTPSWithAnOldCookie(t *testing.T) {
	plain := mustStart(t)
	v := plain.newVisitor()
	v.answerAll(exampleAnswers(t, plain.q, assessment.NarrowScope))
	result := v.submitContact(url.Values{}).location
	u, _ := url.Parse(plain.srv.URL)
	var old *http.Cookie
	for _, c := range v.client.Jar.Cookies(u) {
		if c.Name == "fitcheck" {
			old = c
		}
	}
	secure := mustStartStore(t, plain.dbPath, assessment.DefaultContent, nil, withBaseURL("https://fit.example.com"))
	w := secure.newVisitor()
	su, _ := url.Parse(secure.srv.URL)
	w.client.Jar.SetCookies(su, []*http.Cookie{{Name: "fitcheck", Value: old.Value, Path: "/"}})
	p := w.post(result+"/retake", url.Values{})
	if p.status != http.StatusSeeOther || p.location != "/step/1" {
		t.Fatalf("retake = %d %q, want 303 to step 1", p.status, p.location)
	}
	// The secure cookie is Secure, so the test client (plain http) would not
	// send it back; read where it points from the response instead.
	var fresh *http.Cookie
	for _, line := range p.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == "__Host-fitcheck" {
			fresh = c
		}
	}
	if fresh == nil {
		t.Fatal("retake set no __Host-fitcheck cookie")
	}
	req, _ := http.NewRequest(http.MethodGet, secure.srv.URL+"/step/1", nil)
	req.AddCookie(&http.Cookie{Name: "__Host-fitcheck", Value: fresh.Value})
	if step := secure.newVisitor().do(req); step.status != http.StatusOK {
		t.Errorf("step 1 after the retake = %d %q, want the pre-filled step, not the old result", step.status, step.location)
	}

	capped := startWith(t, web.Config{MaxOpenDrafts: 1}, &bytes.Buffer{})
	f := capped.newVisitor()
	f.answerAll(exampleAnswers(t, capped.q, assessment.NarrowScope))
	mine := f.submitContact(url.Values{}).location
	capped.newVisitor().answerAll(exampleAnswers(t, capped.q, assessment.NarrowScope)) // fills the network's one open draft
	if p := f.post(mine+"/retake", url.Values{}); p.status != http.StatusTooManyRequests {
		t.Fatalf("retake over the cap = %d, want 429", p.status)
	}
	if page := f.get(mine); byTestID(page.doc, "delete-own") == nil {
		t.Errorf("after a refused retake the result is no longer the founder's")
	}
}

// TestHooksTakeLargeBodies: a provider's webhook may be larger than a form.
func TestHooksTakeLargeBodies(t *testing.T) {
	s := mustStart(t, withHooks("cal-secret", ""), withBooking("https://cal.com/gregory"))
	path := s.submitted(assessment.BookACall, url.Values{})
	body := fmt.Sprintf(`{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"bk_big","startTime":"2026-12-08T15:00:00Z","metadata":{"fitcheck":"%s"},"description":"%s"}}`,
		bookingRef(t, s, path), strings.Repeat("x", 100<<10))
	if st := postHook(t, s, "/hooks/cal", body, map[string]string{"X-Cal-Signature-256": hexHMAC("cal-secret", body)}); st != http.StatusNoContent {
		t.Errorf("a 100 KB signed booking = %d, want 204 (recorded)", st)
	}
}

// bookingRef is the reference the result's booking link carries.
func bookingRef(t *testing.T, s *site, resultPath string) string {
	t.Helper()
	p := s.newVisitor().get(resultPath + "/book")
	u, err := url.Parse(p.location)
	if err != nil || u.Query().Get("metadata[fitcheck]") == "" {
		t.Fatalf("/book = %d %q, want a booking link with a reference", p.status, p.location)
	}
	return u.Query().Get("metadata[fitcheck]")
}
