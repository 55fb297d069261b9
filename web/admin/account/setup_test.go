package account_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

func TestSetupLinkWorksOnce(t *testing.T) {
	s := mustStart(t)
	setup, err := s.account.SetupURL(t.Context())
	if err != nil || !strings.HasPrefix(setup, "/admin/setup?token=") {
		t.Fatalf("SetupURL = %q, %v; want a one-time link", setup, err)
	}
	token := strings.TrimPrefix(setup, "/admin/setup?token=")
	if len(token) < 40 {
		t.Errorf("setup token %q is too short to be unguessable", token)
	}
	v := s.newVisitor()
	if p := v.Get("/admin/setup?token=wrong"); p.Status != http.StatusNotFound {
		t.Errorf("setup with a wrong token = %d, want 404", p.Status)
	}
	if p := v.Get(setup); p.Status != http.StatusOK || reviewtest.FindForm(p.Doc, "/admin/setup") == nil {
		t.Fatalf("setup page = %d, want 200 with a form", p.Status)
	}
	bad := v.Post("/admin/setup", url.Values{"token": {token}, "email": {"not-an-email"}, "password": {"short"}, "password2": {"short"}})
	if bad.Status != http.StatusUnprocessableEntity || reviewtest.ByTestID(bad.Doc, "error-email") == nil || reviewtest.ByTestID(bad.Doc, "error-password") == nil {
		t.Errorf("setup with a bad email and short password = %d, want 422 with both messages", bad.Status)
	}
	ok := v.Post("/admin/setup", url.Values{"token": {token}, "email": {"Greg@Example.com"}, "password": {ownerPassword}, "password2": {ownerPassword}})
	if ok.Status != http.StatusSeeOther || !strings.HasPrefix(ok.Location, "/admin") {
		t.Fatalf("setup = %d %q, want 303 into the admin", ok.Status, ok.Location)
	}
	if p := v.Get("/admin"); p.Status != http.StatusOK {
		t.Errorf("admin after setup = %d, want 200 (signed in)", p.Status)
	}
	if p := s.newVisitor().Get(setup); p.Status != http.StatusNotFound {
		t.Errorf("setup link after use = %d, want 404", p.Status)
	}
	again := s.newVisitor().Post("/admin/setup", url.Values{"token": {token}, "email": {"eve@example.com"}, "password": {ownerPassword}, "password2": {ownerPassword}})
	if again.Status != http.StatusNotFound || s.countRows("owners") != 1 {
		t.Errorf("second setup post = %d with %d owners, want 404 and one owner", again.Status, s.countRows("owners"))
	}
	if u, _ := s.account.SetupURL(t.Context()); u != "" {
		t.Errorf("SetupURL with an owner = %q, want none", u)
	}
	// The email was stored lower-cased, so sign-in is case-insensitive.
	signIn(t, s.newVisitor(), "greg@example.com", ownerPassword)
}
