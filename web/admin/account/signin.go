package account

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/password"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// safeNext keeps the post-sign-in redirect inside the admin area.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return "/admin"
	}
	clean := path.Clean(u.Path)
	if clean != "/admin" && !strings.HasPrefix(clean, "/admin/") {
		return "/admin"
	}
	if u.RawQuery != "" {
		clean += "?" + u.RawQuery
	}
	return clean
}

// signInView is the sign-in page.
type signInView struct {
	Email string
	Next  string
	Error string
	Done  string
}

// maxEmailLength is the longest email address RFC 5321 allows.
const maxEmailLength = 254

// errHashBusy means every password-hashing slot is in use.
var errHashBusy = errors.New("password checks busy")

func (h *Handler) ShowSignIn(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.ownerFromCookie(r); err == nil {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return nil
	}
	h.area.Pages.Render(w, r, http.StatusOK, signInPage(signInView{Next: safeNext(r.URL.Query().Get("next")), Done: frame.DoneMessage(r)}))
	return nil
}

func (h *Handler) SignIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	if len(email) > maxEmailLength {
		email = email[:maxEmailLength] // no real address is longer; keeps limiter keys small
	}
	pw := r.PostForm.Get("password")
	v := signInView{Email: email, Next: safeNext(r.PostForm.Get("next"))}
	client := httpx.ClientKey(r)
	if wait := h.signins.attempt(email, client, h.area.Now()); wait > 0 {
		h.area.Audit.Event(r, "signin_locked", "")
		w.Header().Set("Retry-After", retryAfter(wait))
		v.Error = "Too many failed sign-ins. Please wait " + humanWait(wait) + " and try again."
		h.area.Pages.Render(w, r, http.StatusTooManyRequests, signInPage(v))
		return nil
	}
	owner, ok, err := h.checkCredentials(r.Context(), email, pw)
	if errors.Is(err, errHashBusy) {
		w.Header().Set("Retry-After", "1")
		v.Error = "Many sign-ins are being checked right now. Please try again in a moment."
		h.area.Pages.Render(w, r, http.StatusServiceUnavailable, signInPage(v))
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		h.area.Audit.Event(r, "signin_failed", knownAccount(owner))
		// Every failure waits; failures past the account's ceiling wait
		// longer each time, which slows a guesser spread over many
		// addresses without ever refusing the owner.
		if d := h.failureDelay; d > 0 {
			time.Sleep(d * time.Duration(1+h.signins.slowdown(email, h.area.Now())))
		}
		v.Error = "That email and password don't match an account."
		h.area.Pages.Render(w, r, http.StatusUnauthorized, signInPage(v))
		return nil
	}
	h.signins.succeed(email, client, h.area.Now())
	if err := h.startOwnerSession(w, r, owner); err != nil {
		return err
	}
	h.area.Audit.Event(r, "signin_succeeded", owner.Email)
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// checkCredentials hashes the password whether or not the account exists,
// so an unknown email takes as long, and reads the same, as a wrong password.
func (h *Handler) checkCredentials(ctx context.Context, email, pw string) (*assessment.Owner, bool, error) {
	owner, err := h.store.FindOwnerByEmail(ctx, email)
	if err != nil && !errors.Is(err, assessment.ErrNotFound) {
		return nil, false, err
	}
	// Each check holds 19 MiB for its hash: a few at a time, so a burst of
	// sign-ins cannot exhaust memory.
	select {
	case h.hashSlots <- struct{}{}:
		defer func() { <-h.hashSlots }()
	default:
		return nil, false, errHashBusy
	}
	if owner == nil {
		password.CheckUnknownAccount(pw)
		return nil, false, nil
	}
	match, err := password.Check(owner.PasswordHash, pw)
	if err != nil {
		return nil, false, err
	}
	return owner, match, nil
}

func (h *Handler) SignOut(w http.ResponseWriter, r *http.Request) error {
	if c := ownerCookieOf(r); c != nil {
		if err := h.store.DeleteOwnerSession(r.Context(), hashSessionID(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, h.ownerCookie(r, "", -1))
	http.Redirect(w, r, "/admin/signin?done=signed-out", http.StatusSeeOther)
	return nil
}

func (h *Handler) SignOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	owner := frame.CurrentOwner(r.Context())
	n, err := h.store.DeleteOwnerSessions(r.Context(), owner.ID)
	if err != nil {
		return err
	}
	h.area.Audit.Event(r, "signout_everywhere", owner.Email, slog.Int64("sessions_ended", n))
	http.SetCookie(w, h.ownerCookie(r, "", -1))
	http.Redirect(w, r, "/admin/signin?done=signed-out-everywhere", http.StatusSeeOther)
	return nil
}

// knownAccount names an account that exists, for the log; a failed sign-in
// for an email nobody has logs no email (it may be a mistyped password).
func knownAccount(o *assessment.Owner) string {
	if o == nil {
		return ""
	}
	return o.Email
}
