package visitor

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// The visitor's session inside a frame on another site (the embedded
// journey, docs/embedding.md). A browser keeps no SameSite=Lax cookie in a
// cross-site frame, so the session there travels two other ways, with the
// same values the first-party cookie holds:
//
//   - Under https, a cookie of its own, SameSite=None; Secure; Partitioned
//     (CHIPS): kept by the browser per top-level site, so it finds the draft
//     again when the founder comes back to the same consultant's page. A
//     browser that blocks even partitioned cookies simply drops it.
//   - Always, the pass: the session, sealed (encrypted and signed) under a
//     name of its own, in a hidden field of every form the framed pages
//     post (page.PassField). It is what keeps a founder's place where no
//     cookie is kept at all. It is unguessable (it seals a 256-bit draft
//     id), bound (it opens only as a pass, only with this server's keys,
//     and only for passLifetime after the page that carried it), and it
//     never enters a URL: no log line, history entry, referrer or share
//     link carries it.

const (
	// frameSessionName names the framed session among a request's sessions.
	frameSessionName = "fitcheck-frame"
	// frameCookieName is the partitioned cookie; it is only ever set under
	// https, so it always carries the __Host- prefix.
	frameCookieName = "__Host-fitcheck-frame"
	// passName is what a pass is sealed under: a cookie's value never opens
	// as a pass, nor a pass as a cookie.
	passName = "fitcheck-pass"
	// passLifetime is how long after its page a pass still opens: a tab
	// left open overnight still works; a copy of an old page does not.
	passLifetime = 24 * time.Hour
)

// frameSessions keeps the framed session in the pass and, under https, the
// partitioned cookie. It is a sessions.Store, so a request's framed session
// is read once and shared by every handler that asks (sessions.Registry).
type frameSessions struct {
	pass    []securecookie.Codec
	cookie  []securecookie.Codec
	options sessions.Options
	secure  func(r *http.Request) bool
}

func newFrameSessions(cfg Config) *frameSessions {
	f := &frameSessions{
		pass:   securecookie.CodecsFromPairs(cfg.HashKey, cfg.BlockKey),
		cookie: securecookie.CodecsFromPairs(cfg.HashKey, cfg.BlockKey),
		options: sessions.Options{Path: "/", MaxAge: int(assessment.DraftLifetime / time.Second), HttpOnly: true,
			Secure: true, SameSite: http.SameSiteNoneMode, Partitioned: true},
		secure: func(r *http.Request) bool { return cfg.Secure || r.TLS != nil },
	}
	for _, c := range f.pass {
		c.(*securecookie.SecureCookie).MaxAge(int(passLifetime / time.Second)).SetSerializer(compactSerializer{})
	}
	for _, c := range f.cookie {
		c.(*securecookie.SecureCookie).MaxAge(f.options.MaxAge).SetSerializer(compactSerializer{})
	}
	return f
}

// Get returns the request's framed session.
func (f *frameSessions) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(f, name)
}

// New reads the framed session from the posted pass or, without one, from
// the partitioned cookie. A pass that does not open (tampered, expired,
// made with other keys) gives an empty session: the visitor is told their
// answers cannot be found, never shown someone else's.
func (f *frameSessions) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(f, name)
	opts := f.options
	sess.Options = &opts
	sess.IsNew = true
	var err error
	if pass := r.PostForm.Get(page.PassField); pass != "" {
		err = securecookie.DecodeMulti(passName, pass, &sess.Values, f.pass...)
	} else if c, cerr := r.Cookie(frameCookieName); cerr == nil {
		err = securecookie.DecodeMulti(frameCookieName, c.Value, &sess.Values, f.cookie...)
	} else {
		return sess, nil
	}
	if err != nil {
		clear(sess.Values)
		return sess, nil
	}
	sess.IsNew = false
	return sess, nil
}

// Save writes the partitioned cookie, under https only: a SameSite=None
// cookie must be Secure. The pass is written into each page as it is
// rendered (Drafts.Pass).
func (f *frameSessions) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if !f.secure(r) {
		return nil
	}
	value, err := securecookie.EncodeMulti(frameCookieName, sess.Values, f.cookie...)
	if err != nil {
		return fmt.Errorf("seal framed session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: frameCookieName, Value: value, Path: sess.Options.Path, MaxAge: sess.Options.MaxAge,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteNoneMode, Partitioned: true})
	return nil
}

// seal is the pass for values.
func (f *frameSessions) seal(values map[any]any) (string, error) {
	pass, err := securecookie.EncodeMulti(passName, values, f.pass...)
	if err != nil {
		return "", fmt.Errorf("seal draft reference: %w", err)
	}
	return pass, nil
}

// open reads a pass posted in r, framed or not; false when there is none or
// it does not open.
func (f *frameSessions) open(r *http.Request) (map[any]any, bool) {
	pass := r.PostForm.Get(page.PassField)
	if pass == "" {
		return nil, false
	}
	values := map[any]any{}
	if err := securecookie.DecodeMulti(passName, pass, &values, f.pass...); err != nil {
		return nil, false
	}
	return values, true
}

// Pass is the signed draft reference the next page's forms carry: the
// visitor's framed session as it stands after this request, sealed. It is
// "" when the session names no draft yet.
func (d *Drafts) Pass(r *http.Request) (string, error) {
	sess := d.session(r)
	if sess.Values[draftKey] == nil {
		return "", nil
	}
	return d.frame.seal(sess.Values)
}

// Framed is r marked as a request of the embedded journey, its forms
// carrying the visitor's pass. The visitor's draft is then found through
// the pass or the partitioned cookie, never the first-party cookie.
func (d *Drafts) Framed(r *http.Request) (*http.Request, error) {
	if !page.InFrame(r) {
		r = page.WithFrame(r, "") // mark it first, so the framed session is the one read
	}
	pass, err := d.Pass(r)
	if err != nil {
		return nil, err
	}
	return page.WithFrame(r, pass), nil
}

// Claim makes the draft a posted pass names this browser's own, in its
// first-party cookie, when that draft made the result token: "open the
// full page" from the frame, where the result opens in a tab of its own
// and is the founder's there too. The cookie's draft, if any, is replaced,
// as a fresh start replaces it. A pass that does not open, or names
// another result's draft, claims nothing (assessment.ErrNotFound).
func (d *Drafts) Claim(w http.ResponseWriter, r *http.Request, token string) error {
	values, ok := d.frame.open(r)
	id, _ := values[draftKey].(string)
	if !ok || id == "" || unsavedValues(values) {
		return fmt.Errorf("claim a result: no draft reference: %w", assessment.ErrNotFound)
	}
	draft, err := d.store.FindDraft(r.Context(), id, d.now())
	if err != nil {
		return err
	}
	if draft.AssessmentToken != token {
		return fmt.Errorf("claim a result: the reference names another draft: %w", assessment.ErrNotFound)
	}
	sess, _ := d.cookies.Get(r, d.cookieName)
	clear(sess.Values)
	sess.Values[draftKey] = id
	sess.Values[issuedKey] = d.now().Unix()
	return d.saveSession(w, r, sess)
}

func unsavedValues(values map[any]any) bool {
	v, _ := values[unsavedKey].(bool)
	return v
}
