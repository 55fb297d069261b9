package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
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
	// unsavedKey marks a session whose draft has no row yet: a draft is
	// stored with its first answers, not when Start is pressed, so pressing
	// Start stores nothing (and a script pressing it costs no disk).
	unsavedKey = "new"
)

// session is the visitor's session: under the cookie name in force, or,
// when there is none yet, the values of a cookie under the old plain name,
// to be saved under the new one.
func (s *Server) session(r *http.Request) *sessions.Session {
	// A cookie that fails to decode (tampered, or signed with old keys)
	// still yields a new, empty session, which is what we want.
	sess, _ := s.sessions.Get(r, s.cookieName)
	// Only into a session still empty: once this request has set values
	// (a fresh start), the old cookie must not bring its draft back.
	if sess.IsNew && len(sess.Values) == 0 && s.cookieName != sessionName {
		if old, err := s.sessions.Get(r, sessionName); err == nil && !old.IsNew {
			for k, v := range old.Values {
				sess.Values[k] = v
			}
		}
	}
	return sess
}

// findDraft returns the draft named in the visitor's session cookie. A
// missing, tampered or expired cookie, or a draft that has expired, all
// come back as assessment.ErrNotFound. A draft not stored yet (Start was
// pressed, nothing saved since) comes back empty, as it was started.
func (s *Server) findDraft(r *http.Request) (*assessment.Draft, error) {
	sess := s.session(r)
	id, _ := sess.Values[draftKey].(string)
	if id == "" {
		return nil, fmt.Errorf("session has no draft: %w", assessment.ErrNotFound)
	}
	if unsaved(sess) {
		issued, _ := sess.Values[issuedKey].(int64)
		return s.newDraft(id, time.Unix(issued, 0).UTC()), nil
	}
	d, err := s.store.FindDraft(r.Context(), id, s.now())
	if err != nil {
		return nil, err
	}
	return d, nil
}

func unsaved(sess *sessions.Session) bool {
	v, _ := sess.Values[unsavedKey].(bool)
	return v
}

// newDraft is a draft as Start makes it: no answers yet, and its times
// counted from when Start was pressed.
func (s *Server) newDraft(id string, started time.Time) *assessment.Draft {
	return &assessment.Draft{
		ID:                   id,
		QuestionnaireVersion: s.forms.Current().Version,
		Answers:              assessment.Answers{},
		CreatedAt:            started,
		UpdatedAt:            started,
		ExpiresAt:            started.Add(assessment.DraftLifetime),
	}
}

// startDraft points the visitor's session at a fresh draft, which came from
// source. Nothing is stored until the draft's first answers are
// (storeFirstAnswers).
func (s *Server) startDraft(w http.ResponseWriter, r *http.Request, source assessment.Attribution) (*assessment.Draft, error) {
	d := s.newDraft(httpx.RandomToken(32), s.now().UTC().Truncate(time.Second))
	sess := s.session(r)
	clear(sess.Values) // a fresh start carries nothing of an earlier draft
	sess.Values[draftKey] = d.ID
	sess.Values[issuedKey] = d.CreatedAt.Unix()
	sess.Values[unsavedKey] = true
	keepAttribution(sess.Values, source)
	if err := s.saveSession(w, r, sess); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) saveSession(w http.ResponseWriter, r *http.Request, sess *sessions.Session) error {
	if r.TLS != nil {
		sess.Options.Secure = true
	}
	if err := sess.Save(r, w); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// storeFirstAnswers stores a draft that has no row yet, with its first
// answers, and marks the session saved. Each client network may hold only
// so many open drafts (Config.MaxOpenDrafts). A second tab that stored the
// draft a moment earlier is no conflict: its row is updated instead.
func (s *Server) storeFirstAnswers(w http.ResponseWriter, r *http.Request, d *assessment.Draft, change func(*assessment.Draft) error) error {
	now := s.now().UTC()
	if err := change(d); err != nil {
		return err
	}
	d.UpdatedAt, d.ExpiresAt = now, now.Add(assessment.DraftLifetime)
	d.ClientNetwork = s.addrs.Network(httpx.ClientAddr(r))
	sess := s.session(r)
	d.Source = attributionOf(sess.Values)
	err := s.store.CreateDraftWithin(r.Context(), d, cmp.Or(s.cfg.MaxOpenDrafts, defaultMaxOpenDrafts), now)
	switch {
	case errors.Is(err, assessment.ErrConflict):
		stored, err := s.store.FindDraft(r.Context(), d.ID, now)
		if err != nil {
			return err
		}
		if _, err := s.updateDraft(r, stored, change); err != nil {
			return err
		}
	case errors.Is(err, assessment.ErrTooMany):
		return tooManyDrafts()
	case err != nil:
		return err
	}
	delete(sess.Values, unsavedKey)
	delete(sess.Values, sourceKey) // stored with the draft now
	return s.saveSession(w, r, sess)
}

// defaultMaxOpenDrafts is how many unfinished assessments one client
// network (a /24, or an IPv6 /64) may have open at once: far more than one
// office answers in a month, and a ceiling on what a script can store.
const defaultMaxOpenDrafts = 200

func tooManyDrafts() *page.Error {
	return &page.Error{
		Status: http.StatusTooManyRequests,
		Title:  "Too many assessments in progress from your network",
		Message: "Many assessments have been started and left unfinished from your network this month, " +
			"so we can't keep another one just now. Please finish one you started, or try again later.",
		Link: page.HomeLink,
	}
}

// sessionExpired is what a visitor sees when they post a step without a
// draft: their cookie is gone, blocked, or older than thirty days.
func sessionExpired() *page.Error {
	return &page.Error{
		Status: http.StatusBadRequest,
		Title:  "We couldn't find your answers",
		Message: "Your session may have expired, or your browser may be blocking cookies. " +
			"fitcheck keeps your answers on our server and needs one cookie to find them again. " +
			"Please start again; it takes about three minutes.",
		Link: page.HomeLink,
	}
}

func isNotFound(err error) bool { return errors.Is(err, assessment.ErrNotFound) }

// sessionRenewEvery is how often an active visitor's cookie is re-issued,
// so it lives thirty days from their last visit, like their draft.
const sessionRenewEvery = 24 * time.Hour

const issuedKey = "issued"

// keepSession re-issues the session cookie when it is more than a day old.
// The decoded session is cached for the request, so this costs an encode
// once a day per visitor, not on every page.
func (s *Server) keepSession(w http.ResponseWriter, r *http.Request) {
	sess := s.session(r)
	if sess.Values[draftKey] == nil {
		return
	}
	issued, _ := sess.Values[issuedKey].(int64)
	if s.now().Sub(time.Unix(issued, 0)) < sessionRenewEvery {
		return
	}
	sess.Values[issuedKey] = s.now().Unix()
	if err := s.saveSession(w, r, sess); err != nil {
		s.log.WarnContext(r.Context(), "renew session cookie", "error", err)
	}
}

// hasSession reports whether the request carries a session cookie, valid
// or not. Without one, the visitor cannot own a draft or a result.
func hasSession(r *http.Request) bool {
	for _, name := range []string{secureSessionName, sessionName} {
		if _, err := r.Cookie(name); err == nil {
			return true
		}
	}
	return false
}
