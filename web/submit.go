package web

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Limits on the optional contact details, generous for real names and
// addresses, small enough that nobody stores an essay in them.
const (
	maxContactField = 120
	maxEmail        = 254
)

// contactFromForm reads the about-you step, without the control characters
// (NUL, bidi overrides) that could disguise what was typed.
func contactFromForm(r *http.Request) assessment.Contact {
	f := r.PostForm
	return assessment.Contact{
		Name:    assessment.CleanText(f.Get("name")),
		Email:   assessment.CleanText(f.Get("email")),
		Company: assessment.CleanText(f.Get("company")),
		Role:    assessment.CleanText(f.Get("role")),
		Consent: f.Get("consent") == "yes",
	}
}

// checkContact returns a message per field the visitor should fix; owner
// is who would get in touch.
func checkContact(c assessment.Contact, owner string) map[string]string {
	errs := map[string]string{}
	for field, value := range map[string]string{"name": c.Name, "company": c.Company, "role": c.Role} {
		if !utf8.ValidString(value) {
			errs[field] = "That text could not be read. Please type it again."
		} else if n := utf8.RuneCountInString(value); n > maxContactField {
			errs[field] = fmt.Sprintf("Please keep this to %d characters or fewer (this one has %d).", maxContactField, n)
		}
	}
	if c.Email != "" {
		addr, err := mail.ParseAddress(c.Email)
		if err != nil || addr.Address != c.Email || len(c.Email) > maxEmail || !strings.Contains(addr.Address, ".") {
			errs["email"] = "Please enter an email address like name@company.com."
		}
	}
	if c.Consent && c.Email == "" && errs["email"] == "" {
		errs["email"] = "Add an email so " + owner + " can reach you, or untick the box below to stay anonymous."
	}
	return errs
}

// given reports whether the visitor typed any contact detail.
func given(c assessment.Contact) bool {
	return c.Name != "" || c.Email != "" || c.Company != "" || c.Role != ""
}

// consentChoiceField carries the answer to "keep your details?", asked
// when details were typed without the consent box ticked.
const consentChoiceField = "consent_choice"

// applyConsentChoice reads that answer: keeping the details is consent,
// discarding them clears them.
func applyConsentChoice(r *http.Request, c assessment.Contact) assessment.Contact {
	switch r.PostForm.Get(consentChoiceField) {
	case "keep":
		c.Consent = true
	case "discard":
		c = assessment.Contact{}
	}
	return c
}

// submit is the contact step's post: it runs the rules on the complete
// draft, stores the result once, and sends the visitor to it.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) error {
	d, done, err := s.postedDraft(w, r)
	if done || err != nil {
		return err
	}
	return s.submitDraft(w, r, d)
}

func (s *Server) submitDraft(w http.ResponseWriter, r *http.Request, d *assessment.Draft) error {
	q := s.forms.Current()
	if r.PostForm.Get(navField) == "back" {
		http.Redirect(w, r, stepURL(len(q.Steps)), http.StatusSeeOther)
		return nil
	}
	if first := q.FirstIncompleteStep(d.Answers); first < len(q.Steps) {
		return outOfOrder(first)
	}
	contact := applyConsentChoice(r, contactFromForm(r))
	// Every check shows the form again with what was typed, so nothing the
	// visitor entered is lost, whichever check stops the submit.
	if !contact.Consent && given(contact) {
		// Details typed, box not ticked: ask once rather than refuse.
		v := s.contactStepView(contact, nil)
		v.Contact.AskConsent = true
		s.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(v))
		return nil
	}
	if errs := checkContact(contact, q.Owner.FirstName()); len(errs) > 0 {
		s.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(s.contactStepView(contact, errs)))
		return nil
	}
	answers := answersFor(q, d.Answers)
	now := s.now().UTC()
	a := &assessment.Assessment{
		Token:                httpx.RandomToken(18),
		QuestionnaireVersion: q.Version,
		Answers:              answers,
		Result:               rules.EvaluateWithNearMiss(q, answers),
		Contact:              contact,
		Source:               d.Source,
		PossiblyAutomated:    s.looksAutomated(r, d),
		CreatedAt:            now,
	}
	finished := assessment.StepView{Visitor: funnelVisitor(d), Step: s.funnel().Finished(), At: now}
	token, err := s.store.SubmitDraft(r.Context(), d.ID, a, finished)
	switch {
	case isNotFound(err):
		return sessionExpired()
	case err != nil:
		return fmt.Errorf("submit assessment: %w", err)
	}
	s.cfg.Metrics.Submitted(a.Result.Outcome)
	http.Redirect(w, r, page.ResultURL(token), http.StatusSeeOther)
	return nil
}

// answersFor keeps only answers to questions the questionnaire asks, so a
// draft begun under an older file cannot carry stale answers into a result.
func answersFor(q *assessment.Questionnaire, all assessment.Answers) assessment.Answers {
	out := assessment.Answers{}
	for _, step := range q.Steps {
		accepted, _ := step.CheckStep(all)
		for k, v := range accepted {
			out[k] = v
		}
	}
	return out
}

// honeypotField is a form field people never see (it is hidden) and so
// never fill in; simple bots fill in every field they find.
const honeypotField = "website"

// formError keys a message about the whole form rather than one field.
const formError = "_form"

// looksAutomated tells submits that no person makes: the hidden field
// filled in, or the whole assessment answered faster than it can be read.
// Such a submit is still accepted and its founder sees their result (a
// person must never be accused, or refused for answering fast); it is only
// marked, so the owner is not notified and the dashboard leaves it out.
func (s *Server) looksAutomated(r *http.Request, d *assessment.Draft) bool {
	if r.PostForm.Get(honeypotField) != "" {
		return true
	}
	min := s.cfg.MinCompletionTime
	return min > 0 && s.now().Sub(d.CreatedAt) < min
}
