package result

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// "Email me the link": on their own result page, where SMTP is configured
// (Config.EmailResults), a founder can have the share link e-mailed to
// them. The request is a result.link outbox event, stored in one commit
// and delivered by the worker (data.RequestResultLink); this handler never
// waits on the mail server. The address leaves the database once the
// e-mail is settled.

// linkLimits cap the link e-mails sent in a day
// (assessment.LinkRequestWindow), so the form cannot be used to fill
// anyone's inbox: from one result whatever the addresses, to one mailbox
// over every result (an address read as its mailbox: see mailbox), and
// from one client (its network) over every result. Counted in the
// database, so they hold across instances and restarts. Whichever refuses,
// the answer is the same words, so it says nothing of other results.
var linkLimits = assessment.LinkLimits{PerResult: 3, PerAddress: 3, PerClient: 10}

// maxEmailChars is the longest address mail servers accept (RFC 5321).
const maxEmailChars = 254

// linkSentKey holds, in the session, the address the link just went to,
// until the page that says so has shown it once: the address is not put in
// the URL, where logs and history would keep it.
const linkSentKey = "link-to"

// linkForm is the "Email me the link" form as posted.
type linkForm struct {
	On     bool   // shown: SMTP is configured and this is the founder's own view
	Email  string // as typed
	Error  string
	SentTo string // the link was queued for this address: say so
	Sent   bool
}

// check sets Error when the address cannot be written to.
func (f *linkForm) check() {
	if len(f.Email) > maxEmailChars || !plausibleEmail(f.Email) {
		f.Error = "Type the email to send the link to, like name@company.com."
	}
}

// plausibleEmail is an address the mail library will take: one bare
// address, with a dot in its domain.
func plausibleEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return s != "" && err == nil && addr.Address == s && strings.Contains(s, ".")
}

// recipientKey is the keyed pseudonym of the mailbox an address delivers
// to, which counts its link e-mails: the same for every spelling of one
// mailbox, and not readable back without the server's secret.
func recipientKey(secret []byte, email string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(mailbox(email)))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

// mailbox is the mailbox an address delivers to, as the big providers read
// it: case does not matter, a +tag in the local part is dropped (Gmail,
// Outlook, iCloud, Fastmail, Proton and most servers deliver
// name+anything to name), and Gmail ignores dots in the local part and
// knows googlemail.com as gmail.com. Reading two mailboxes as one only
// makes a limit stricter, never looser.
func mailbox(email string) string {
	email = strings.ToLower(email)
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return email
	}
	local, domain := email[:at], email[at+1:]
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// SendLink serves POST /r/{token}/email-link.
func (h *Handler) SendLink(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if !h.cfg.EmailResults || !assessment.IsShareToken(token) {
		return page.NotFound()
	}
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	a, err := h.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	if !h.ownsResult(r, a) {
		return &page.Error{Status: http.StatusForbidden, Title: "Only the person who took this assessment can have its link e-mailed",
			Message: "Copy the link from the address bar instead.", Link: page.Link{Href: page.ResultURL(token), Label: "Back to the result"}}
	}
	form := linkForm{On: true, Email: assessment.CleanLine(r.PostForm.Get("email"))}
	form.check()
	if form.Error != "" {
		return h.renderLinkForm(w, r, a, form, http.StatusUnprocessableEntity)
	}
	req := &assessment.LinkRequest{AssessmentID: a.ID, Recipient: form.Email, RecipientKey: recipientKey(h.cfg.LinkKey, form.Email),
		ClientKey: h.cfg.Audit.Addrs.Network(httpx.ClientAddr(r)), CreatedAt: h.now().UTC()}
	err = h.store.RequestResultLink(r.Context(), req, linkLimits)
	if errors.Is(err, assessment.ErrTooMany) {
		form.Error = linkLimitReached
		return h.renderLinkForm(w, r, a, form, http.StatusTooManyRequests)
	}
	if err != nil {
		return fmt.Errorf("store link request: %w", err)
	}
	if err := h.drafts.PutFlash(w, r, linkSentKey, form.Email); err != nil {
		return err
	}
	http.Redirect(w, r, page.ResultURL(token)+"?sent=link#email-link", http.StatusSeeOther)
	return nil
}

// linkLimitReached is the answer to any refused request, whichever limit
// refused it: it names no count and no address, so it tells nothing of
// what other results asked.
const linkLimitReached = "We can't e-mail this link again today. Copy the link above instead, or try again tomorrow."

// renderLinkForm shows the founder's result with the form as they sent it.
func (h *Handler) renderLinkForm(w http.ResponseWriter, r *http.Request, a *assessment.Assessment, form linkForm, status int) error {
	q := h.forms.Find(r.Context(), a.QuestionnaireVersion)
	v := h.resultView(r, q, a, true)
	v.EmailLink = form
	noIndex(w)
	h.pages.Render(w, r, status, resultPage(v))
	return nil
}

// linkSent is the address the link was just queued for, taken out of the
// session so it is shown once. "" when there is none (the page reloaded).
func (h *Handler) linkSent(w http.ResponseWriter, r *http.Request) string {
	to, err := h.drafts.TakeFlash(w, r, linkSentKey)
	if err != nil {
		h.log.WarnContext(r.Context(), "forget the address a result link went to", slog.Any("error", err))
	}
	return to
}
