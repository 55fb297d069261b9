package web_test

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web"
)

// TestJourneyReachesEveryOutcome walks the whole assessment through the
// HTML forms, once per example in the default content, and checks the
// stored result page and its JSON twin.
func TestJourneyReachesEveryOutcome(t *testing.T) {
	// Walking every example posts more than a visitor would in a minute.
	s := mustStart(t, withBooking("https://cal.example.com/gregory"), withBaseURL("https://fit.example.com"),
		func(c *web.Config) { c.PublicPostsPerMinute = math.MaxInt32 })
	reached := map[string]bool{}
	for _, ex := range s.q.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			v := s.newVisitor()
			contactStep := v.answerAll(ex.Answers)
			if got := textOf(byTestID(contactStep.doc, "progress")); !strings.Contains(got, "Optional: your details") {
				t.Errorf("contact step progress = %q, want it counted as optional, not as step 6 of 6", got)
			}
			done := v.submitContact(url.Values{})
			if done.status != http.StatusSeeOther || !strings.HasPrefix(done.location, "/r/") {
				t.Fatalf("submit = %d %q, want 303 to /r/{token}", done.status, done.location)
			}
			result := v.get(done.location)
			if result.status != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", done.location, result.status)
			}
			want, _ := s.q.Outcome(ex.Expect)
			if got := textOf(byTestID(result.doc, "headline")); got != want.Headline {
				t.Errorf("headline = %q, want %q (outcome %s)", got, want.Headline, ex.Expect)
			}
			if byTestID(result.doc, "chart") == nil {
				t.Errorf("result has no criterion chart")
			}
			share := attr(byTestID(result.doc, "share-link"), "value")
			if share != "https://fit.example.com"+done.location {
				t.Errorf("share link = %q, want absolute link to %s", share, done.location)
			}
			if want.NextStep.Action == assessment.ActionBook {
				href := attr(byTestID(result.doc, "primary-action"), "href")
				if href != done.location+"/book" {
					t.Errorf("booking button href = %q, want %s/book", href, done.location)
				}
				if book := v.get(href); book.status != http.StatusSeeOther || !strings.HasPrefix(book.location, "https://cal.example.com/gregory?") {
					t.Errorf("GET %s = %d %q, want 303 to the booking page, pre-filled", href, book.status, book.location)
				}
			}

			var doc struct {
				Outcome  string `json:"outcome"`
				Criteria []struct {
					ID    string `json:"id"`
					Level string `json:"level"`
				} `json:"criteria"`
				Explanation struct {
					Reason  string `json:"reason"`
					Tension *struct {
						ID       string `json:"id"`
						Sentence string `json:"sentence"`
					} `json:"tension"`
				} `json:"explanation"`
				CreatedAt            string `json:"created_at"`
				QuestionnaireVersion string `json:"questionnaire_version"`
			}
			j := v.get(done.location + ".json")
			if err := json.Unmarshal([]byte(j.body), &doc); err != nil {
				t.Fatalf("result JSON: %v\n%s", err, j.body)
			}
			if doc.Outcome != ex.Expect || len(doc.Criteria) != len(s.q.Criteria) || doc.Explanation.Reason == "" ||
				doc.CreatedAt == "" || doc.QuestionnaireVersion != s.q.Version {
				t.Errorf("result JSON = %+v, want outcome %s, %d criteria, a reason, time and version", doc, ex.Expect, len(s.q.Criteria))
			}
			// Where what they asked for and what they describe disagree,
			// the page and its twin say so in the content's sentence.
			wantTension := rules.Evaluate(s.q, ex.Answers).Tension
			shown := byTestID(result.doc, "tension")
			switch {
			case wantTension == nil && (shown != nil || doc.Explanation.Tension != nil):
				t.Errorf("page or JSON shows a tension (%v, %+v), want none", shown != nil, doc.Explanation.Tension)
			case wantTension != nil && (shown == nil || textOf(shown) != wantTension.Sentence):
				t.Errorf("page tension = %v, want %q", shown, wantTension.Sentence)
			case wantTension != nil && (doc.Explanation.Tension == nil || doc.Explanation.Tension.ID != wantTension.ID):
				t.Errorf("JSON tension = %+v, want %s", doc.Explanation.Tension, wantTension.ID)
			}
			reached[doc.Outcome] = true
		})
	}
	for _, id := range assessment.OutcomeIDs {
		if !reached[id] {
			t.Errorf("no journey reached outcome %s", id)
		}
	}
	if got, want := s.countRows("assessments"), len(s.q.Examples); got != want {
		t.Errorf("stored assessments = %d, want %d (one per journey)", got, want)
	}
}

func TestBackAndReloadKeepAnswers(t *testing.T) {
	s := mustStart(t)
	answers := exampleAnswers(t, s.q, assessment.BookACall)
	v := s.newVisitor()
	step1 := v.start()
	next := v.fill(step1, answers, "next")
	step2 := v.get(next.location)

	back := v.fill(step2, answers, "back")
	if back.status != http.StatusSeeOther || back.location != "/step/1" {
		t.Fatalf("Back from step 2 = %d %q, want 303 to /step/1", back.status, back.location)
	}
	again := v.get("/step/1")
	for _, qn := range s.q.Steps[0].Questions {
		if got := checked(again.doc, qn.ID); strings.Join(got, ",") != strings.Join(answers[qn.ID], ",") {
			t.Errorf("after Back, %s checked = %v, want %v", qn.ID, got, answers[qn.ID])
		}
	}
	// Step 2's answers, saved by Back, are there on reload too.
	reload := v.get("/step/2")
	for _, qn := range s.q.Steps[1].Questions {
		if qn.Type == assessment.Text {
			continue
		}
		if got := checked(reload.doc, qn.ID); strings.Join(got, ",") != strings.Join(answers[qn.ID], ",") {
			t.Errorf("reloaded step 2, %s checked = %v, want %v", qn.ID, got, answers[qn.ID])
		}
	}

	// Leaving and coming back: the landing page offers to continue.
	landing := v.get("/")
	resume := byTestID(landing.doc, "resume")
	if resume == nil || attr(resume, "href") != "/step/3" {
		t.Errorf("landing resume link = %v, want a link to /step/3", resume)
	}
	// Start (not "start over") resumes rather than wiping the answers.
	if p := v.post("/start", url.Values{}); p.location != "/step/3" {
		t.Errorf("POST /start with a draft = %q, want /step/3", p.location)
	}
}

func TestValidationKeepsAnswersAndExplains(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	step1 := v.start()
	first, second := s.q.Steps[0].Questions[0], s.q.Steps[0].Questions[1]
	answered := assessment.Answers{first.ID: {first.Options[1].ID}}

	p := v.fill(step1, answered, "next")
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("step 1 with a missing answer = %d, want 422", p.status)
	}
	if msg := textOf(byTestID(p.doc, "error-"+second.ID)); msg == "" {
		t.Errorf("no message next to %q", second.ID)
	}
	summary := byTestID(p.doc, "error-summary")
	if summary == nil || !hasAttr(summary, "autofocus") || attr(summary, "role") != "alert" {
		t.Errorf("error summary = %v, want a focused alert", summary)
	}
	if got := checked(p.doc, first.ID); len(got) != 1 || got[0] != first.Options[1].ID {
		t.Errorf("after the error, %s checked = %v, want [%s]", first.ID, got, first.Options[1].ID)
	}
	// The valid answer was saved even though the step was not complete.
	if got := checked(v.get("/step/1").doc, first.ID); len(got) != 1 {
		t.Errorf("reloaded step 1, %s checked = %v, want the saved answer", first.ID, got)
	}
}

func TestContactDetailsNeedConsent(t *testing.T) {
	s := mustStart(t)
	answers := exampleAnswers(t, s.q, assessment.HireAPM)
	details := url.Values{"name": {"Ada Founder"}, "email": {"ada@example.com"}, "company": {"Acme"}, "role": {"CEO"}}

	t.Run("details without consent are asked about once, and kept on the form", func(t *testing.T) {
		v := s.newVisitor()
		v.answerAll(answers)
		p := v.submitContact(cloneValues(details))
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("submit = %d, want 422", p.status)
		}
		ask := byTestID(p.doc, "consent-question")
		if ask == nil || byTestID(ask, "consent-keep") == nil || byTestID(ask, "consent-discard") == nil {
			t.Fatalf("no question with a keep and a discard button")
		}
		if strings.Contains(textOf(ask), "error") || byTestID(p.doc, "error-summary") != nil {
			t.Errorf("the question reads as an error: %q", textOf(ask))
		}
		if !strings.Contains(p.body, `value="ada@example.com"`) {
			t.Errorf("email typed was not kept on the form")
		}
		if s.countRows("assessments") != 0 {
			t.Errorf("an assessment was stored before the visitor answered")
		}
	})

	t.Run("keep means consent; discard shows the result without them", func(t *testing.T) {
		for choice, want := range map[string]assessment.Contact{
			"keep":    {Name: "Ada Founder", Email: "ada@example.com", Company: "Acme", Role: "CEO", Consent: true},
			"discard": {},
		} {
			v := s.newVisitor()
			v.answerAll(answers)
			form := cloneValues(details)
			form.Set("consent_choice", choice)
			p := v.submitContact(form)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/r/") {
				t.Fatalf("%s: submit = %d %q, want 303 to the result", choice, p.status, p.location)
			}
			a, err := s.store.FindAssessment(t.Context(), strings.TrimPrefix(p.location, "/r/"))
			if err != nil || a.Contact != want {
				t.Errorf("%s: stored contact = %+v, %v; want %+v", choice, a.Contact, err, want)
			}
		}
	})

	t.Run("with consent they are stored, never shown on the shared result", func(t *testing.T) {
		v := s.newVisitor()
		v.answerAll(answers)
		form := cloneValues(details)
		form.Set("consent", "yes")
		p := v.submitContact(form)
		token := strings.TrimPrefix(p.location, "/r/")
		a, err := s.store.FindAssessment(t.Context(), token)
		if err != nil {
			t.Fatalf("FindAssessment: %v", err)
		}
		if a.Contact.Email != "ada@example.com" || !a.Contact.Consent || a.Contact.Name != "Ada Founder" {
			t.Errorf("stored contact = %+v, want the details with consent", a.Contact)
		}
		stranger := s.newVisitor()
		for _, path := range []string{p.location, p.location + ".json"} {
			body := stranger.get(path).body
			for _, secret := range []string{"ada@example.com", "Ada Founder", "Acme"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s shows %q to someone with the link", path, secret)
				}
			}
		}
	})

	t.Run("consent without an email asks for one", func(t *testing.T) {
		v := s.newVisitor()
		v.answerAll(answers)
		p := v.submitContact(url.Values{"consent": {"yes"}})
		if p.status != http.StatusUnprocessableEntity || textOf(byTestID(p.doc, "error-email")) == "" {
			t.Errorf("consent with no email = %d, want 422 with a message by the email field", p.status)
		}
	})

	t.Run("a malformed email is explained", func(t *testing.T) {
		v := s.newVisitor()
		v.answerAll(answers)
		p := v.submitContact(url.Values{"email": {"ada at example"}, "consent": {"yes"}})
		if p.status != http.StatusUnprocessableEntity || textOf(byTestID(p.doc, "error-email")) == "" {
			t.Errorf("bad email = %d, want 422 with a message by the email field", p.status)
		}
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

func TestDoubleSubmitStoresOnce(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	first := v.submitContact(url.Values{})
	second := v.submitContact(url.Values{})
	if first.location == "" || second.location != first.location {
		t.Errorf("second submit went to %q, want the first result %q", second.location, first.location)
	}
	if n := s.countRows("assessments"); n != 1 {
		t.Errorf("stored assessments = %d, want 1", n)
	}
	// Once submitted, the steps lead to the result rather than a fresh form.
	if p := v.get("/step/2"); p.status != http.StatusSeeOther || p.location != first.location {
		t.Errorf("GET /step/2 after submit = %d %q, want 303 to the result", p.status, p.location)
	}
	// Starting over makes a new draft with no answers.
	landing := v.get("/")
	if byTestID(landing.doc, "see-result") == nil {
		t.Errorf("landing after submit has no link to the result")
	}
	p := v.post("/start", url.Values{"fresh": {"1"}})
	if step1 := v.get(p.location); len(checked(step1.doc, s.q.Steps[0].Questions[0].ID)) != 0 {
		t.Errorf("a new assessment starts with answers already checked")
	}
}

// TestBackFromTheResultShowsTheContactStepAsSent: going Back from the
// result shows the contact step as it was submitted, with no old error and
// a way on to the result; sending it again changes nothing.
func TestBackFromTheResultShowsTheContactStepAsSent(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	v.answerAll(exampleAnswers(t, s.q, assessment.BookACall))
	v.submitContact(url.Values{"name": {"Ada"}}) // asked about consent first
	done := v.submitContact(url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	back := v.get("/step/" + strconv.Itoa(len(s.q.Steps)+1))
	if back.status != http.StatusOK || byTestID(back.doc, "already-sent") == nil {
		t.Fatalf("Back to the contact step = %d, want it shown with a note that it was sent", back.status)
	}
	if byTestID(back.doc, "error-summary") != nil || byTestID(back.doc, "consent-question") != nil {
		t.Errorf("the contact step after submitting still shows an old error or question")
	}
	if !strings.Contains(back.body, `value="ada@example.com"`) {
		t.Errorf("the contact step does not show the details as they were sent")
	}
	again := v.submitContact(url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"yes"}})
	if again.location != done.location || s.countRows("assessments") != 1 {
		t.Errorf("sending it again = %q with %d stored, want the same result and one assessment", again.location, s.countRows("assessments"))
	}
}
