package account

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
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
				h.area.Pages.Error(w, r, err)
				return
			}
			if strings.HasSuffix(r.URL.Path, ".csv") {
				h.area.Pages.Error(w, r, &page.Error{Status: http.StatusUnauthorized, Title: "Sign in first",
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
		next.ServeHTTP(w, r.WithContext(frame.WithOwner(r.Context(), owner)))
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
	now := h.area.Now().UTC()
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
	now := h.area.Now().UTC()
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
	if strings.HasPrefix(h.area.BaseURL, "https://") {
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
