package web_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web"
)

// TestResultFirstScreen: every outcome opens on its own badge, its
// headline, a why of at most twenty words, the primary action with one
// line of reassurance under it, and the owner beside it.
func TestResultFirstScreen(t *testing.T) {
	s := mustStart(t, withBooking("https://cal.example.com/gregory"))
	badges := map[string]string{}
	for _, outcome := range assessment.OutcomeIDs {
		v := s.newVisitor()
		v.answerAll(exampleAnswers(t, s.q, outcome))
		p := v.get(v.submitContact(url.Values{}).location)
		verdict := byTestID(p.doc, "verdict")
		if verdict == nil || !hasClass(verdict, "v-"+outcome) {
			t.Fatalf("%s: no verdict panel in the outcome's own look", outcome)
		}
		badge := textOf(byTestID(verdict, "badge"))
		if prev, ok := badges[badge]; ok {
			t.Errorf("%s wears the badge %q of %s", outcome, badge, prev)
		}
		badges[badge] = outcome
		why := textOf(byTestID(verdict, "reason"))
		if n := assessment.WordCount(why); n == 0 || n > assessment.MaxWhyWords {
			t.Errorf("%s: why %q has %d words, want 1 to %d", outcome, why, n, assessment.MaxWhyWords)
		}
		o := mustOutcome(t, s.q, outcome)
		if byTestID(verdict, "primary-action") == nil || textOf(byTestID(verdict, "reassurance")) != o.NextStep.Reassurance {
			t.Errorf("%s: the primary action or its reassurance %q is missing from the verdict", outcome, o.NextStep.Reassurance)
		}
		if byTestID(verdict, "owner") == nil {
			t.Errorf("%s: the owner is not beside the primary action", outcome)
		}
		// The long reason moved under "What decided it".
		if reason := oneLine(o.Why); strings.Contains(textOf(byTestID(p.doc, "decisive")), reason) {
			t.Errorf("%s: the why is repeated under What decided it", outcome)
		}
	}
}

// TestFirstActionHelpsNow: the outcomes that send a founder elsewhere open
// on something useful at once: the scoping exercise (the retake beside
// it), the hiring guides (a question to the owner beside them); each guide
// is a page of its own to print, with what to look for, what to ask and
// the first 90 days.
func TestFirstActionHelpsNow(t *testing.T) {
	s := mustStart(t)
	for _, tt := range []struct {
		outcome, second string
		sections        []string
	}{
		{assessment.NarrowScope, "retake", []string{"Alone, for 15 minutes", "Together, for 30 minutes"}},
		{assessment.HireAPM, "#message", []string{"What to look for", "Questions to ask", "The first 90 days"}},
		{assessment.HireFullTime, "#message", []string{"What to look for", "Questions to ask", "The first 90 days"}},
	} {
		v := s.newVisitor()
		v.answerAll(exampleAnswers(t, s.q, tt.outcome))
		path := v.submitContact(url.Values{}).location
		p := v.get(path)
		if href := attr(byTestID(p.doc, "primary-action"), "href"); href != path+"/checklist" {
			t.Errorf("%s: primary action leads to %q, want the guide at %s/checklist", tt.outcome, href, path)
		}
		verdict := byTestID(p.doc, "verdict")
		if tt.second == "retake" && findForm(verdict, path+"/retake") == nil {
			t.Errorf("%s: no retake beside the first action", tt.outcome)
		}
		if tt.second == "#message" && attr(byTestID(verdict, "second-action"), "href") != "#message" {
			t.Errorf("%s: no question to the owner beside the first action", tt.outcome)
		}
		guide := s.newVisitor().get(path + "/checklist")
		o := mustOutcome(t, s.q, tt.outcome)
		if guide.status != http.StatusOK || textOf(find(guide.doc, "h1")) != o.Guide.Title {
			t.Fatalf("%s: guide = %d %q, want %q", tt.outcome, guide.status, textOf(find(guide.doc, "h1")), o.Guide.Title)
		}
		heads := texts(guide.doc, "guide-part")
		for _, want := range tt.sections {
			if !strings.Contains(strings.Join(heads, "\n"), want) {
				t.Errorf("%s: guide has no section %q", tt.outcome, want)
			}
		}
	}
}

// TestSharedViewIsForTheColleague: someone with the link reads the founder
// in the third person (the neutral why, "They said", "Had they answered"),
// and is offered the owner's call where the outcome offers one, framed for
// them, beside "Take it yourself".
func TestSharedViewIsForTheColleague(t *testing.T) {
	s := mustStart(t, withBooking("https://cal.example.com/gregory"))
	for _, outcome := range assessment.OutcomeIDs {
		v := s.newVisitor()
		v.answerAll(exampleAnswers(t, s.q, outcome))
		path := v.submitContact(url.Values{}).location
		p := s.newVisitor().get(path)
		verdict := byTestID(p.doc, "verdict")
		words := textOf(byTestID(verdict, "badge")) + " " + textOf(byTestID(verdict, "headline")) + " " + textOf(byTestID(verdict, "reason")) + " " + textOf(byTestID(verdict, "tension"))
		if assessment.AddressesReader(words) {
			t.Errorf("%s: shared verdict speaks to the founder: %q", outcome, words)
		}
		for _, second := range []string{"You said", "If you had", "None of your answers"} {
			if strings.Contains(p.body, second) {
				t.Errorf("%s: shared view says %q", outcome, second)
			}
		}
		if byTestID(p.doc, "decisive") != nil && !strings.Contains(p.body, "They said") {
			t.Errorf("%s: shared view does not quote the founder as They said", outcome)
		}
		primary, second := byTestID(verdict, "primary-action"), byTestID(verdict, "second-action")
		o := mustOutcome(t, s.q, outcome)
		if o.NextStep.Action.Is(assessment.ActionBook) {
			if textOf(primary) != "Talk it through with "+s.q.Owner.FirstName() || attr(primary, "href") != path+"/book" {
				t.Errorf("%s: shared primary = %q → %q, want the owner's call framed for a colleague", outcome, textOf(primary), attr(primary, "href"))
			}
			if textOf(second) != "Take it yourself" {
				t.Errorf("%s: shared view offers %q beside the call, want Take it yourself", outcome, textOf(second))
			}
		} else if textOf(primary) != "Take it yourself" {
			t.Errorf("%s: shared primary = %q, want Take it yourself", outcome, textOf(primary))
		}
		if byTestID(verdict, "owner") == nil || byTestID(verdict, "reassurance") == nil {
			t.Errorf("%s: shared view lacks the owner or the line under its action", outcome)
		}
	}
}

// TestMessageFormDoesNotAskAgain: a founder who gave their email on the
// contact step, agreeing to be contacted, writes a message without giving
// it again; it is stored with that address.
func TestMessageFormDoesNotAskAgain(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.DifferentConversation))
	path := v.submitContact(url.Values{"email": {"ada@acme.example"}, "company": {"Acme"}, "consent": {"yes"}}).location
	p := v.get(path)
	form := findForm(p.doc, path+"/message")
	if form == nil {
		t.Fatal("no message form on the result")
	}
	if in := inputs(form); in["email"] != nil || in["consent"] != nil {
		t.Errorf("message form asks again for the email or the consent: %v", in)
	}
	if !strings.Contains(textOf(byTestID(p.doc, "message-known-email")), "ada@acme.example") {
		t.Errorf("message form does not say where the answer goes")
	}
	sent := v.post(path+"/message", url.Values{"message": {"Could we talk about the plan?"}})
	if sent.status != http.StatusSeeOther {
		t.Fatalf("message = %d, want 303", sent.status)
	}
	if n := s.countRows("messages WHERE email = 'ada@acme.example' AND consent"); n != 1 {
		t.Errorf("%d messages stored with the founder's address and consent, want 1", n)
	}
}

// TestInlineBooking: with BookingInline and a Calendly page, the founder's
// own result shows the pre-filled booking page in a frame (the primary
// button leads to it, the plain link beside it), and the policy frames that
// one host; a shared view shows no frame. Cal.com pages cannot be framed
// without Cal.com's script, so they stay a link, and nothing is framed
// without the setting.
func TestInlineBooking(t *testing.T) {
	for _, tt := range []struct {
		name    string
		booking string
		inline  bool
		frame   string // the CSP's frame-src, "" for none
	}{
		{"calendly inline", "https://calendly.com/gregory/30min", true, "frame-src https://calendly.com"},
		{"calendly as a link", "https://calendly.com/gregory/30min", false, ""},
		{"cal.com stays a link", "https://cal.com/gregory/intro", true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := mustStart(t, withBooking(tt.booking), func(c *web.Config) { c.BookingInline = tt.inline })
			v := s.newVisitor()
			v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
			path := v.submitContact(url.Values{"email": {"ada@acme.example"}, "consent": {"yes"}}).location
			p := v.get(path)
			csp := p.header.Get("Content-Security-Policy")
			if got := strings.Contains(csp, "frame-src"); got != (tt.frame != "") || (tt.frame != "" && !strings.HasSuffix(csp, tt.frame)) {
				t.Errorf("CSP = %q, want frame-src %q", csp, tt.frame)
			}
			frame := find(p.doc, "iframe")
			if (frame != nil) != (tt.frame != "") {
				t.Fatalf("own result has a frame: %v, want %v", frame != nil, tt.frame != "")
			}
			if frame == nil {
				if href := attr(byTestID(p.doc, "primary-action"), "href"); href != path+"/book" {
					t.Errorf("primary action = %q, want %s/book", href, path)
				}
				return
			}
			src, _ := url.Parse(attr(frame, "src"))
			if !strings.HasPrefix(src.String(), tt.booking) || src.Query().Get("embed_type") != "Inline" || src.Query().Get("email") != "ada@acme.example" || attr(frame, "title") == "" {
				t.Errorf("frame src = %s (title %q), want the pre-filled page, inline, with a title", src, attr(frame, "title"))
			}
			if href := attr(byTestID(p.doc, "primary-action"), "href"); href != "#schedule" {
				t.Errorf("primary action = %q, want #schedule", href)
			}
			if attr(byTestID(p.doc, "scheduler-link"), "href") != path+"/book" {
				t.Errorf("no plain link to the booking page beside the frame")
			}
			if shared := s.newVisitor().get(path); find(shared.doc, "iframe") != nil {
				t.Errorf("the shared view frames the founder's pre-filled booking page")
			}
		})
	}
}

// TestLandingShowsWhoAndASample: the landing page shows the owner once,
// and a sample result's card, which is served.
func TestLandingShowsWhoAndASample(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	p := v.get("/")
	owners := 0
	walk(p.doc, func(n *htmlNode) bool {
		if attr(n, "data-testid") == "owner" {
			owners++
		}
		return true
	})
	if owners != 1 {
		t.Errorf("landing shows the owner %d times, want once", owners)
	}
	img := find(byTestID(p.doc, "sample"), "img")
	if img == nil || attr(img, "alt") == "" {
		t.Fatal("landing shows no sample result with a text alternative")
	}
	card := v.get(attr(img, "src"))
	if card.status != http.StatusOK || card.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(card.body, "\x89PNG") {
		t.Errorf("sample card = %d %s, want a PNG", card.status, card.header.Get("Content-Type"))
	}
}

// TestOlderVersionsStillRender: a result stored under the second version
// of the default content, written before badges and short whys, renders
// after the content changed: the built-in badge, and its stored reason as
// the why, the outcome's summary under What decided it.
func TestOlderVersionsStillRender(t *testing.T) {
	v2, err := os.ReadFile("../rules/testdata/default-v2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := t.TempDir() + "/fitcheck.db"
	old := mustStartAt(t, db, v2)
	v := old.newVisitor()
	v.answerAll(exampleAnswers(t, old.q, assessment.HireAPM))
	path := v.submitContact(url.Values{}).location
	now := mustStartAt(t, db, assessment.DefaultContent)
	for _, who := range []*visitor{{t: t, site: now, client: v.client}, now.newVisitor()} {
		p := who.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("old result = %d, want 200", p.status)
		}
		if got := textOf(byTestID(p.doc, "badge")); got != "Hire a PM first" {
			t.Errorf("old result's badge = %q, want the built-in words", got)
		}
		if textOf(byTestID(p.doc, "headline")) != mustOutcome(t, old.q, assessment.HireAPM).Headline {
			t.Errorf("old result's headline is not its own version's")
		}
	}
	own := (&visitor{t: t, site: now, client: v.client}).get(path)
	a, err := now.store.FindAssessment(t.Context(), strings.TrimPrefix(path, "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := textOf(byTestID(own.doc, "reason")); got != oneLine(a.Result.Reason) {
		t.Errorf("old result's why = %q, want its stored reason", got)
	}
}

// find is the first element named tag under n, or nil.
func find(n *htmlNode, tag string) *htmlNode {
	var found *htmlNode
	if n == nil {
		return nil
	}
	walk(n, func(c *htmlNode) bool {
		if found == nil && c.Data == tag {
			found = c
		}
		return found == nil
	})
	return found
}
