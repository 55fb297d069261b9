package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

const ownerCookie = "fitcheck_owner"

type ownerKey struct{}

// currentOwner is the signed-in owner of an /admin request.
func currentOwner(ctx context.Context) *assessment.Owner {
	o, _ := ctx.Value(ownerKey{}).(*assessment.Owner)
	return o
}

func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// requireOwner lets a request through only with a live owner session.
// Pages without one go to the sign-in page; exports get a bare 401, since
// a spreadsheet tool cannot follow a sign-in form.
func (s *Server) requireOwner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		owner, err := s.ownerFromCookie(r)
		if err != nil {
			if !isNotFound(err) {
				s.renderError(w, r, err)
				return
			}
			if strings.HasSuffix(r.URL.Path, ".csv") {
				http.Error(w, "Sign in to /admin first.", http.StatusUnauthorized)
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

func (s *Server) ownerFromCookie(r *http.Request) (*assessment.Owner, error) {
	c, err := r.Cookie(ownerCookie)
	if err != nil || c.Value == "" {
		return nil, assessment.ErrNotFound
	}
	now := s.now().UTC()
	idHash := hashSessionID(c.Value)
	sess, owner, err := s.store.FindOwnerSession(r.Context(), idHash, now)
	if err != nil {
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.store.TouchOwnerSession(r.Context(), idHash, now); err != nil {
			return nil, err
		}
	}
	return owner, nil
}

// startOwnerSession issues a fresh session id on every sign-in, so an id
// planted before sign-in is never promoted (no fixation).
func (s *Server) startOwnerSession(w http.ResponseWriter, r *http.Request, owner *assessment.Owner) error {
	id := randomToken(32)
	now := s.now().UTC()
	sess := &assessment.OwnerSession{
		IDHash: hashSessionID(id), OwnerID: owner.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(assessment.OwnerSessionLifetime),
	}
	if err := s.store.CreateOwnerSession(r.Context(), sess); err != nil {
		return err
	}
	http.SetCookie(w, s.ownerCookie(r, id, int(assessment.OwnerSessionLifetime/time.Second)))
	return nil
}

func (s *Server) ownerCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: ownerCookie, Value: value, Path: "/admin", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://"),
	}
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

func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.ownerFromCookie(r); err == nil {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, signInPage(signInView{Next: safeNext(r.URL.Query().Get("next")), Done: doneMessage(r)}))
	return nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	if len(email) > maxEmailLength {
		email = email[:maxEmailLength] // no real address is longer; keeps limiter keys small
	}
	password := r.PostForm.Get("password")
	v := signInView{Email: email, Next: safeNext(r.PostForm.Get("next"))}
	client := clientKey(r)
	if wait := s.signins.attempt(email, client, s.now()); wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		v.Error = "Too many failed sign-ins. Please wait " + humanWait(wait) + " and try again."
		s.render(w, r, http.StatusTooManyRequests, signInPage(v))
		return nil
	}
	owner, ok, err := s.checkCredentials(r.Context(), email, password)
	if errors.Is(err, errHashBusy) {
		w.Header().Set("Retry-After", "1")
		v.Error = "Many sign-ins are being checked right now. Please try again in a moment."
		s.render(w, r, http.StatusServiceUnavailable, signInPage(v))
		return nil
	}
	if err != nil {
		return err
	}
	if !ok {
		s.log.InfoContext(r.Context(), "owner sign-in failed")
		if s.cfg.SignInFailureDelay > 0 {
			time.Sleep(s.cfg.SignInFailureDelay)
		}
		v.Error = "That email and password don't match an account."
		s.render(w, r, http.StatusUnauthorized, signInPage(v))
		return nil
	}
	s.signins.succeed(email, client, s.now())
	if err := s.startOwnerSession(w, r, owner); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "owner signed in", slog.Int64("owner_id", owner.ID))
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// checkCredentials hashes the password whether or not the account exists,
// so an unknown email takes as long, and reads the same, as a wrong password.
func (s *Server) checkCredentials(ctx context.Context, email, password string) (*assessment.Owner, bool, error) {
	owner, err := s.store.FindOwnerByEmail(ctx, email)
	if err != nil && !isNotFound(err) {
		return nil, false, err
	}
	hash := dummyHash
	if owner != nil {
		hash = owner.PasswordHash
	}
	// Each check holds 19 MiB for its hash: a few at a time, so a burst of
	// sign-ins cannot exhaust memory.
	select {
	case s.hashSlots <- struct{}{}:
		defer func() { <-s.hashSlots }()
	default:
		return nil, false, errHashBusy
	}
	match, err := CheckPassword(hash, password)
	if err != nil {
		return nil, false, err
	}
	return owner, owner != nil && match, nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(ownerCookie); err == nil {
		if err := s.store.DeleteOwnerSession(r.Context(), hashSessionID(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.ownerCookie(r, "", -1))
	http.Redirect(w, r, "/admin/signin?done=signed-out", http.StatusSeeOther)
	return nil
}

func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	owner := currentOwner(r.Context())
	if _, err := s.store.DeleteOwnerSessions(r.Context(), owner.ID); err != nil {
		return err
	}
	http.SetCookie(w, s.ownerCookie(r, "", -1))
	http.Redirect(w, r, "/admin/signin?done=signed-out-everywhere", http.StatusSeeOther)
	return nil
}

// setupToken is the one-time secret in the first-run setup link. It lives
// in memory: each start without an owner logs a fresh link, and using it
// once (or any owner existing) ends it.
type setupToken struct {
	mu    sync.Mutex
	value string
}

func (t *setupToken) matches(v string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.value != "" && subtle.ConstantTimeCompare([]byte(t.value), []byte(v)) == 1
}

func (t *setupToken) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.value = ""
}

// SetupURL returns the one-time link for creating the first owner account,
// or "" when an owner exists already.
func (s *Server) SetupURL(ctx context.Context) (string, error) {
	n, err := s.store.CountOwners(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	s.setup.mu.Lock()
	defer s.setup.mu.Unlock()
	if s.setup.value == "" {
		s.setup.value = randomToken(32)
	}
	return s.cfg.BaseURL + "/admin/setup?token=" + s.setup.value, nil
}

func setupGone() *pageError {
	return &pageError{
		status: http.StatusNotFound,
		title:  "This setup link has been used",
		message: "The owner account already exists, or the server has restarted and logged a new link. " +
			"Sign in instead, or use the newest link from the server's log.",
		link: link{Href: "/admin/signin", Label: "Go to sign-in"},
	}
}

func (s *Server) showSetup(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if !s.setup.matches(token) {
		return setupGone()
	}
	s.render(w, r, http.StatusOK, setupPage(setupView{Token: token}))
	return nil
}

func (s *Server) setupOwner(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	token := r.PostForm.Get("token")
	if !s.setup.matches(token) {
		return setupGone()
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	v := setupView{Token: token, Email: email, Errors: map[string]string{}}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		v.Errors["email"] = "Please enter an email address like you@company.com."
	}
	if msg := CheckPasswordRules(password); msg != "" {
		v.Errors["password"] = msg
	} else if password != r.PostForm.Get("password2") {
		v.Errors["password2"] = "The two passwords differ. Please type the same one twice."
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, setupPage(v))
		return nil
	}
	now := s.now().UTC()
	owner := &assessment.Owner{Email: strings.ToLower(email), PasswordHash: HashPassword(password), CreatedAt: now, UpdatedAt: now}
	err := s.store.CreateFirstOwner(r.Context(), owner)
	if errors.Is(err, assessment.ErrConflict) {
		s.setup.clear()
		return setupGone()
	}
	if err != nil {
		return err
	}
	s.setup.clear()
	s.log.InfoContext(r.Context(), "first owner account created", slog.Int64("owner_id", owner.ID))
	if err := s.startOwnerSession(w, r, owner); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin?done=welcome", http.StatusSeeOther)
	return nil
}
