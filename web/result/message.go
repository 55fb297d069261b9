package result

import (
	"fmt"
	"net/http"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// The result page's message form: a founder writes to the owner (a
// question, a note, or a request for a call when there is no booking page).
// The message is stored with the assessment and announced through the
// outbox in the same commit (data.AddMessage).

// maxMessageChars bounds a message: a few paragraphs, not a document.
const maxMessageChars = 2000

// messageForm is the message form as posted, with a message per field to fix.
type messageForm struct {
	Body    string
	Email   string
	Consent bool
	Errors  map[string]string
	Sent    bool // the message was stored: say so
}

func messageFromForm(r *http.Request) messageForm {
	f := r.PostForm
	return messageForm{Body: assessment.CleanText(f.Get("message")), Email: assessment.CleanLine(f.Get("email")),
		Consent: f.Get("consent") == "yes", Errors: map[string]string{}}
}

// check fills Errors: a message needs words, and an email with consent, so
// that it can be answered.
func (m *messageForm) check(owner string) {
	switch n := utf8.RuneCountInString(m.Body); {
	case !utf8.ValidString(m.Body):
		m.Errors["message"] = "That text could not be read. Please type it again."
	case n == 0:
		m.Errors["message"] = "Write a few words for " + owner + "."
	case n > maxMessageChars:
		m.Errors["message"] = fmt.Sprintf("Please keep this to %d characters or fewer (this one has %d).", maxMessageChars, n)
	}
	if !plausibleEmail(m.Email) {
		m.Errors["email"] = "Add the email " + owner + " should answer, like name@company.com."
	}
	if !m.Consent {
		m.Errors["consent"] = "Tick this so " + owner + " may use your email to answer."
	}
}

// SendMessage serves POST /r/{token}/message.
func (h *Handler) SendMessage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	a, err := h.resultAt(r)
	if err != nil {
		return err
	}
	if !h.ownsResult(r, a) {
		// The form is the founder's: a message on their assessment from
		// someone holding only the share link would read as theirs.
		return &page.Error{Status: http.StatusForbidden, Title: "Only the person who took this assessment can write from it",
			Message: "Take the assessment yourself, and you can write to " + h.forms.Current().Owner.FirstName() + " from your own result.",
			Link:    page.Link{Href: "/", Label: "Take it yourself"}}
	}
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	form := messageFromForm(r)
	form.check(q.Owner.FirstName())
	if len(form.Errors) > 0 {
		v := h.resultView(r, q, a, h.ownsResult(r, a))
		v.Message = form
		noIndex(w)
		h.pages.Render(w, r, http.StatusUnprocessableEntity, resultPage(v))
		return nil
	}
	m := &assessment.Message{AssessmentID: a.ID, Email: form.Email, Consent: form.Consent, Body: form.Body, CreatedAt: h.now().UTC()}
	if err := h.store.AddMessage(r.Context(), m); err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	http.Redirect(w, r, page.ResultURL(a.Token)+"?sent=message#message", http.StatusSeeOther)
	return nil
}
