package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

const (
	sessionName = "fitcheck"
	draftKey    = "draft"
)

// findDraft returns the draft named in the visitor's session cookie. A
// missing, tampered or expired cookie, or a draft that has expired, all
// come back as assessment.ErrNotFound.
func (s *Server) findDraft(r *http.Request) (*assessment.Draft, error) {
	// A cookie that fails to decode (tampered, or signed with old keys)
	// still yields a new, empty session, which is what we want.
	sess, _ := s.sessions.Get(r, sessionName)
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
	sess, _ := s.sessions.Get(r, sessionName)
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
	sess, err := s.sessions.Get(r, sessionName)
	if err != nil || sess.Values[draftKey] == nil {
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
	_, err := r.Cookie(sessionName)
	return err == nil
}
