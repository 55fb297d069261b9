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

// skipNav is the contact step's "Skip — see my result": no details, and
// nothing to consent to.
const skipNav = "skip"

// contactToKeep is what of the posted contact step is kept. The form asks
// once: sending details is the consent (its hidden consent field, beside
// the words saying what sending agrees to); skipping sends none, and an
// empty form is a skip.
func contactToKeep(r *http.Request) assessment.Contact {
	if r.PostForm.Get(navField) == skipNav {
		return assessment.Contact{}
	}
	c := contactFromForm(r)
	if !c.Given() {
		return assessment.Contact{}
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
	contact := contactToKeep(r)
	// Every check shows the form again with what was typed, so nothing the
	// visitor entered is lost, whichever check stops the submit.
	if !contact.Consent && contact.Given() {
		// A form from before the send button was the consent (a tab open
		// across an upgrade): its box was left unticked. Ask again, once.
		errs := assessment.FieldErrors{formError: "Send them to " + q.Owner.FirstName() + " with the button below, or skip to see your result without them."}
		h.pages.Render(w, r, http.StatusUnprocessableEntity, stepPage(contactStepView(q, contact, errs)))
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
