package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/password"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// The owner's session cookie. Under an https base URL it is a __Host-
// cookie, which must have Path=/: so the browser sends it on every page,
// and only requests under /admin read it (ownerFromCookie). The plain name,
// limited to /admin, is what plain-http sites use, and is still read.
const (
	ownerCookieName       = "fitcheck_owner"
	secureOwnerCookieName = "__Host-fitcheck_owner"
)

type ownerKey struct{}

// currentOwner is the signed-in owner of an /admin request.
func CurrentOwner(ctx context.Context) *assessment.Owner {
	o, _ := ctx.Value(ownerKey{}).(*assessment.Owner)
	return o
}

func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// RequireOwner lets a request through only with a live owner session.
// Pages without one go to the sign-in page; exports get a 401 page, since
// a spreadsheet tool cannot follow a sign-in form.
func (h *Handler) RequireOwner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		owner, err := h.ownerFromCookie(r)
		if err != nil {
			if !errors.Is(err, assessment.ErrNotFound) {
				h.pages.Error(w, r, err)
				return
			}
			if strings.HasSuffix(r.URL.Path, ".csv") {
				h.pages.Error(w, r, &page.Error{Status: http.StatusUnauthorized, Title: "Sign in first",
					Message: "The export is for the site's owner. Sign in to the review area, then download it again.",
					Link:    page.Link{Href: "/admin/signin?next=" + url.QueryEscape("/admin"), Label: "Go to sign-in"}})
				return
			}
			next := r.URL.Path
			if r.Method == http.MethodGet && r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/admin/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ownerKey{}, owner)))
	})
}

// touchEvery limits how often browsing the admin writes last-seen times.
const touchEvery = time.Minute

func (h *Handler) ownerFromCookie(r *http.Request) (*assessment.Owner, error) {
	if r.URL.Path != "/admin" && !strings.HasPrefix(r.URL.Path, "/admin/") {
		return nil, assessment.ErrNotFound
	}
	c := ownerCookieOf(r)
	if c == nil {
		return nil, assessment.ErrNotFound
	}
	now := h.now().UTC()
	idHash := hashSessionID(c.Value)
	sess, owner, err := h.store.FindOwnerSession(r.Context(), idHash, now)
	if err != nil {
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := h.store.TouchOwnerSession(r.Context(), idHash, now); err != nil {
			return nil, err
		}
	}
	return owner, nil
}

// startOwnerSession issues a fresh session id on every sign-in, so an id
// planted before sign-in is never promoted (no fixation).
func (h *Handler) startOwnerSession(w http.ResponseWriter, r *http.Request, owner *assessment.Owner) error {
	id := assessment.NewOwnerSecret()
	now := h.now().UTC()
	sess := &assessment.OwnerSession{
		IDHash: hashSessionID(id), OwnerID: owner.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(assessment.OwnerSessionLifetime),
	}
	if err := h.store.CreateOwnerSession(r.Context(), sess); err != nil {
		return err
	}
	http.SetCookie(w, h.ownerCookie(r, id, int(assessment.OwnerSessionLifetime/time.Second)))
	return nil
}

func (h *Handler) ownerCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	if strings.HasPrefix(h.cfg.BaseURL, "https://") {
		return &http.Cookie{Name: secureOwnerCookieName, Value: value, Path: "/", MaxAge: maxAge,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: true}
	}
	return &http.Cookie{
		Name: ownerCookieName, Value: value, Path: "/admin", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	}
}

// ownerCookieOf is the owner's session cookie on r, under either name.
func ownerCookieOf(r *http.Request) *http.Cookie {
	for _, name := range []string{secureOwnerCookieName, ownerCookieName} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c
		}
	}
	return nil
}

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

// maxEmailLength is the longest email address RFC 5321 allows.
const maxEmailLength = 254

// errHashBusy means every password-hashing slot is in use.
var errHashBusy = errors.New("password checks busy")

func (h *Handler) ShowSignIn(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.ownerFromCookie(r); err == nil {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return nil
	}
	h.pages.Render(w, r, http.StatusOK, signInPage(signInView{Next: safeNext(r.URL.Query().Get("next")), Done: doneMessage(r)}))
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
	if wait := h.signins.attempt(email, client, h.now()); wait > 0 {
		h.audit.Event(r, "signin_locked", "")
		w.Header().Set("Retry-After", retryAfter(wait))
		v.Error = "Too many failed sign-ins. Please wait " + humanWait(wait) + " and try again."
		h.pages.Render(w, r, http.StatusTooManyRequests, signInPage(v))
		return nil
	}
	owner, ok, err := h.checkCredentials(r.Context(), email, pw)
	if errors.Is(err, errHashBusy) {
		w.Header().Set("Retry-After", "1")
		v.Error = "Many sign-ins are being checked right now. Please try again in a moment."
		h.pages.Render(w, r, http.StatusServiceUnavailable, signInPage(v))
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		h.audit.Event(r, "signin_failed", knownAccount(owner))
		// Every failure waits; failures past the account's ceiling wait
		// longer each time, which slows a guesser spread over many
		// addresses without ever refusing the owner.
		if d := h.cfg.SignInFailureDelay; d > 0 {
			time.Sleep(d * time.Duration(1+h.signins.slowdown(email, h.now())))
		}
		v.Error = "That email and password don't match an account."
		h.pages.Render(w, r, http.StatusUnauthorized, signInPage(v))
		return nil
	}
	h.signins.succeed(email, client, h.now())
	if err := h.startOwnerSession(w, r, owner); err != nil {
		return err
	}
	h.audit.Event(r, "signin_succeeded", owner.Email)
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
	owner := CurrentOwner(r.Context())
	n, err := h.store.DeleteOwnerSessions(r.Context(), owner.ID)
	if err != nil {
		return err
	}
	h.audit.Event(r, "signout_everywhere", owner.Email, slog.Int64("sessions_ended", n))
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
