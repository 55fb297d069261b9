package result

import (
	"errors"
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

// messagesPerResult is how many messages one result may send in a day
// (assessment.MessageWindow): each fires an e-mail, a webhook and a Slack
// post, so a result must not be a way to flood them.
const messagesPerResult = 5

// messageForm is the message form as posted, with a message per field to fix.
type messageForm struct {
	Body    string
	Email   string
	Consent bool
	Errors  map[string]string
	Sent    bool // the message was stored: say so
	// KnownEmail is the address the founder gave on the contact step,
	// agreeing to be contacted: the form does not ask for it again.
	KnownEmail string
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
	if a.Contact.Consent && a.Contact.Email != "" {
		// Given on the contact step, with consent: not asked again.
		form.Email, form.Consent, form.KnownEmail = a.Contact.Email, true, a.Contact.Email
	}
	form.check(q.Owner.FirstName())
	if len(form.Errors) > 0 {
		return h.renderMessageForm(w, r, q, a, form, http.StatusUnprocessableEntity)
	}
	m := &assessment.Message{AssessmentID: a.ID, Email: form.Email, Consent: form.Consent, Body: form.Body, CreatedAt: h.now().UTC()}
	err = h.store.AddMessageWithin(r.Context(), m, messagesPerResult)
	if errors.Is(err, assessment.ErrTooMany) {
		// What they wrote comes back in the form, to send tomorrow.
		form.Errors["message"] = fmt.Sprintf("You have sent %d messages from this result today, the most it sends in a day; %s has them. "+
			"Please send this one tomorrow.", messagesPerResult, q.Owner.FirstName())
		return h.renderMessageForm(w, r, q, a, form, http.StatusTooManyRequests)
	}
	if err != nil {
		return fmt.Errorf("store message: %w", err)
	}
	http.Redirect(w, r, page.ResultURL(a.Token)+"?sent=message#message", http.StatusSeeOther)
	return nil
}

// renderMessageForm shows the founder's result with the message form as
// they sent it, and what to fix.
func (h *Handler) renderMessageForm(w http.ResponseWriter, r *http.Request, q *assessment.Questionnaire, a *assessment.Assessment,
	form messageForm, status int) error {
	v := h.resultView(r, q, a, true)
	v.Message = form
	noIndex(w)
	h.pages.Render(w, r, status, resultPage(v))
	return nil
}
