package visitor

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
)

// The visitor's session cookie. Under an https base URL it is a __Host-
// cookie (Secure, Path=/, no Domain), which a sibling subdomain cannot
// plant: nobody can slip a founder a cookie that points at the attacker's
// draft. The plain name is still read, so a draft begun before the prefix
// is not lost.
const (
	sessionName       = "fitcheck"
	secureSessionName = "__Host-fitcheck"
	draftKey          = "draft"
	issuedKey         = "issued"
	// unsavedKey marks a session whose draft has no row yet: a draft is
	// stored with its first answers, not when Start is pressed, so pressing
	// Start stores nothing (and a script pressing it costs no disk).
	unsavedKey = "new"
)

// session is the visitor's session: under the cookie name in force, or,
// when there is none yet, the values of a cookie under the old plain name,
// to be saved under the new one.
func (d *Drafts) session(r *http.Request) *sessions.Session {
	// A cookie that fails to decode (tampered, or signed with old keys)
	// still yields a new, empty session, which is what we want.
	sess, _ := d.cookies.Get(r, d.cookieName)
	// Only into a session still empty: once this request has set values
	// (a fresh start), the old cookie must not bring its draft back.
	if sess.IsNew && len(sess.Values) == 0 && d.cookieName != sessionName {
		if old, err := d.cookies.Get(r, sessionName); err == nil && !old.IsNew {
			for k, v := range old.Values {
				sess.Values[k] = v
			}
		}
	}
	return sess
}

func unsaved(sess *sessions.Session) bool {
	v, _ := sess.Values[unsavedKey].(bool)
	return v
}

func (d *Drafts) saveSession(w http.ResponseWriter, r *http.Request, sess *sessions.Session) error {
	if r.TLS != nil {
		sess.Options.Secure = true
	}
	if err := sess.Save(r, w); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// sessionRenewEvery is how often an active visitor's cookie is re-issued,
// so it lives thirty days from their last visit, like their draft.
const sessionRenewEvery = 24 * time.Hour

// keep re-issues the session cookie when it is more than a day old. The
// decoded session is cached for the request, so this costs an encode once
// a day per visitor, not on every page.
func (d *Drafts) keep(w http.ResponseWriter, r *http.Request) {
	sess := d.session(r)
	if sess.Values[draftKey] == nil {
		return
	}
	issued, _ := sess.Values[issuedKey].(int64)
	if d.now().Sub(time.Unix(issued, 0)) < sessionRenewEvery {
		return
	}
	sess.Values[issuedKey] = d.now().Unix()
	if err := d.saveSession(w, r, sess); err != nil {
		d.log.WarnContext(r.Context(), "renew session cookie", "error", err)
	}
}

// HasSession reports whether the request carries a session cookie, valid
// or not. Without one, the visitor cannot own a draft or a result.
func (d *Drafts) HasSession(r *http.Request) bool {
	for _, name := range []string{secureSessionName, sessionName} {
		if _, err := r.Cookie(name); err == nil {
			return true
		}
	}
	return false
}

// PutFlash keeps value in the visitor's session under key until TakeFlash
// reads it: what one page tells the next without putting it in the URL,
// where logs and history would keep it.
func (d *Drafts) PutFlash(w http.ResponseWriter, r *http.Request, key, value string) error {
	sess := d.session(r)
	sess.Values[key] = value
	return d.saveSession(w, r, sess)
}

// TakeFlash returns the value PutFlash kept under key and forgets it, so
// it is shown once; "" when there is none (the page reloaded). The error
// is only of forgetting it: the value is good either way.
func (d *Drafts) TakeFlash(w http.ResponseWriter, r *http.Request, key string) (string, error) {
	sess := d.session(r)
	value, _ := sess.Values[key].(string)
	if value == "" {
		return "", nil
	}
	delete(sess.Values, key)
	return value, d.saveSession(w, r, sess)
}
