package answer

import (
	"fmt"
	"net/http"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/page"
)

// contactFromForm reads the about-you step, each field one line without
// the control characters (NUL, bidi overrides, CR and LF) that could
// disguise what was typed or forge a line where it is written later.
func contactFromForm(r *http.Request) assessment.Contact {
	f := r.PostForm
	return assessment.Contact{
		Name:    assessment.CleanLine(f.Get("name")),
		Email:   assessment.CleanLine(f.Get("email")),
		Company: assessment.CleanLine(f.Get("company")),
		Role:    assessment.CleanLine(f.Get("role")),
		Consent: f.Get("consent") == "yes",
	}
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

// submitDraft is the contact step's post (SaveStep sends it here): it runs
// the rules of the draft's questionnaire on the complete draft, stores the
// result once, and sends the visitor to it.
func (h *Handler) submitDraft(w http.ResponseWriter, r *http.Request, d *assessment.Draft, q *assessment.Questionnaire) error {
	if r.PostForm.Get(navField) == "back" {
		http.Redirect(w, r, page.StepURL(len(q.Steps)), http.StatusSeeOther)
		return nil
	}
	if first := q.FirstIncompleteStep(d.Answers); first < len(q.Steps) {
		return outOfOrder(first)
	}
	contact := applyConsentChoice(r, contactFromForm(r))
	// Every check shows the form again with what was typed, so nothing the
	// visitor entered is lost, whichever check stops the submit.
	if !contact.Consent && contact.Given() {
		// Details typed, box not ticked: ask once rather than refuse.
		v := contactStepView(q, contact, nil)
		v.Contact.AskConsent = true
		h.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(v))
		return nil
	}
	if errs := contact.Check(q.Owner.FirstName()); len(errs) > 0 {
		h.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(contactStepView(q, contact, errs)))
		return nil
	}
	answers := q.AnswersAsked(d.Answers)
	now := h.now().UTC()
	a := &assessment.Assessment{
		Token:                assessment.NewShareToken(),
		QuestionnaireVersion: q.Version,
		Answers:              answers,
		Result:               rules.EvaluateWithNearMiss(q, answers),
		Contact:              contact,
		Source:               d.Source,
		PossiblyAutomated:    h.looksAutomated(r, d),
		CreatedAt:            now,
	}
	token, err := h.store.SubmitDraft(r.Context(), d.ID, a, h.drafts.Finished(d, now))
	switch {
	case isNotFound(err):
		return page.SessionExpired()
	case err != nil:
		return fmt.Errorf("submit assessment: %w", err)
	}
	h.cfg.Metrics.Submitted(a.Result.Outcome)
	http.Redirect(w, r, page.ResultURL(token), http.StatusSeeOther)
	return nil
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
func (h *Handler) looksAutomated(r *http.Request, d *assessment.Draft) bool {
	if r.PostForm.Get(honeypotField) != "" {
		return true
	}
	min := h.cfg.MinCompletionTime
	return min > 0 && h.now().Sub(d.CreatedAt) < min
}
