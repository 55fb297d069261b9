package account

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"sync"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/password"
	"sessionplayer.studio/fitcheck/web/page"
)

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
func (h *Handler) SetupURL(ctx context.Context) (string, error) {
	n, err := h.store.CountOwners(ctx)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	h.setup.mu.Lock()
	defer h.setup.mu.Unlock()
	if h.setup.value == "" {
		h.setup.value = assessment.NewOwnerSecret()
	}
	return h.area.BaseURL + "/admin/setup?token=" + h.setup.value, nil
}

// setupView is the first-run setup page.
type setupView struct {
	Token  string
	Email  string
	Errors map[string]string
}

func setupGone() *page.Error {
	return &page.Error{
		Status: http.StatusNotFound,
		Title:  "This setup link has been used",
		Message: "The owner account already exists, or the server has restarted and logged a new link. " +
			"Sign in instead, or use the newest link from the server's log.",
		Link: page.Link{Href: "/admin/signin", Label: "Go to sign-in"},
	}
}

func (h *Handler) ShowSetup(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if !h.setup.matches(token) {
		return setupGone()
	}
	// An owner may have been added from the command line since the link
	// was logged: then the link is spent, and the form would only fail.
	if n, err := h.store.CountOwners(r.Context()); err != nil {
		return err
	} else if n > 0 {
		h.setup.clear()
		return setupGone()
	}
	h.area.Pages.Render(w, r, http.StatusOK, setupPage(setupView{Token: token}))
	return nil
}

func (h *Handler) Setup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	token := r.PostForm.Get("token")
	if !h.setup.matches(token) {
		return setupGone()
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	v := setupView{Token: token, Email: email, Errors: map[string]string{}}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		v.Errors["email"] = "Please enter an email address like you@company.com."
	}
	if msg := password.CheckRules(pw); msg != "" {
		v.Errors["password"] = msg
	} else if pw != r.PostForm.Get("password2") {
		v.Errors["password2"] = "The two passwords differ. Please type the same one twice."
	}
	if len(v.Errors) > 0 {
		h.area.Pages.Render(w, r, http.StatusUnprocessableEntity, setupPage(v))
		return nil
	}
	now := h.area.Now().UTC()
	owner := &assessment.Owner{Email: strings.ToLower(email), PasswordHash: password.Hash(pw), CreatedAt: now, UpdatedAt: now}
	err := h.store.CreateFirstOwner(r.Context(), owner)
	if errors.Is(err, assessment.ErrConflict) {
		h.setup.clear()
		return setupGone()
	}
	if err != nil {
		return err
	}
	h.setup.clear()
	h.area.Audit.Event(r, "setup_used", owner.Email)
	if err := h.startOwnerSession(w, r, owner); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin?done=welcome", http.StatusSeeOther)
	return nil
}
