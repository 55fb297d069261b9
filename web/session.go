package web

import (
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
)

// session is the visitor's session: under the cookie name in force, or,
// when there is none yet, the values of a cookie under the old plain name,
// to be saved under the new one.
func (s *Server) session(r *http.Request) *sessions.Session {
	// A cookie that fails to decode (tampered, or signed with old keys)
	// still yields a new, empty session, which is what we want.
	sess, _ := s.sessions.Get(r, s.cookieName)
	if sess.IsNew && s.cookieName != sessionName {
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
// come back as assessment.ErrNotFound.
func (s *Server) findDraft(r *http.Request) (*assessment.Draft, error) {
	sess := s.session(r)
	id, _ := sess.Values[draftKey].(string)
	if id == "" {
		return nil, fmt.Errorf("session has no draft: %w", assessment.ErrNotFound)
	}
	d, err := s.store.FindDraft(r.Context(), id, s.now())
	if err != nil {
		return nil, err
	}
	return d, nil
}

// startDraft creates a fresh draft and points the visitor's session at it.
func (s *Server) startDraft(w http.ResponseWriter, r *http.Request) (*assessment.Draft, error) {
	now := s.now().UTC()
	d := &assessment.Draft{
		ID:                   httpx.RandomToken(32),
		QuestionnaireVersion: s.forms.Current().Version,
		Answers:              assessment.Answers{},
		CreatedAt:            now,
		UpdatedAt:            now,
		ExpiresAt:            now.Add(assessment.DraftLifetime),
	}
	if err := s.store.CreateDraft(r.Context(), d); err != nil {
		return nil, err
	}
	sess := s.session(r)
	sess.Values[draftKey] = d.ID
	sess.Values[issuedKey] = now.Unix()
	if r.TLS != nil {
		sess.Options.Secure = true
	}
	if err := sess.Save(r, w); err != nil {
		return nil, fmt.Errorf("save session: %w", err)
	}
	return d, nil
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
	if r.TLS != nil {
		sess.Options.Secure = true
	}
	if err := sess.Save(r, w); err != nil {
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
