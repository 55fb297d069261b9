package account_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

func TestSignIn(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")

	t.Run("success issues a fresh HttpOnly session", func(t *testing.T) {
		v := s.newVisitor()
		u, _ := url.Parse(s.srv.URL + "/admin")
		v.Client.Jar.SetCookies(u, []*http.Cookie{{Name: "fitcheck_owner", Value: "planted-by-an-attacker", Path: "/admin"}})
		resp := rawPost(t, v, "/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}})
		sc := resp.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "fitcheck_owner=") || strings.Contains(sc, "planted-by-an-attacker") ||
			!strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("Set-Cookie = %q, want a new HttpOnly SameSite=Lax session", sc)
		}
		if p := v.Get("/admin"); p.Status != http.StatusOK || reviewtest.ByTestID(p.Doc, "sign-out") == nil {
			t.Errorf("GET /admin after sign-in = %d, want the list", p.Status)
		}
	})

	for _, tt := range []struct{ name, email, password string }{
		{"wrong password", "greg@example.com", "not the password at all"},
		{"unknown email", "nobody@example.com", ownerPassword},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := s.newVisitor()
			p := v.Post("/admin/signin", url.Values{"email": {tt.email}, "password": {tt.password}})
			if p.Status != http.StatusUnauthorized {
				t.Errorf("sign in = %d, want 401", p.Status)
			}
			if got := reviewtest.TextOf(reviewtest.ByTestID(p.Doc, "signin-error")); got != "That email and password don't match an account." {
				t.Errorf("message = %q, want the same words for every failure", got)
			}
			if g := v.Get("/admin"); g.Status != http.StatusSeeOther {
				t.Errorf("GET /admin after a failed sign-in = %d, want 303 to sign-in", g.Status)
			}
		})
	}
}

func rawPost(t *testing.T, v *reviewtest.Browser, path string, form url.Values) *http.Response {
	t.Helper()
	resp, err := v.Client.PostForm(v.URL(path), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestSignInRateLimit(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	for i := range 5 {
		if p := v.Post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {"wrong password " + strconv.Itoa(i)}}); p.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, p.Status)
		}
	}
	p := v.Post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}})
	if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" {
		t.Errorf("sign-in after 5 failures = %d (Retry-After %q), want 429 even with the right password", p.Status, p.Header.Get("Retry-After"))
	}
	if !strings.Contains(reviewtest.TextOf(p.Doc), "Too many failed sign-ins") {
		t.Errorf("429 page does not explain itself")
	}

	// One address trying many accounts is limited too.
	s2 := mustStart(t)
	v2 := s2.newVisitor()
	var last *reviewtest.Page
	for i := range 21 {
		last = v2.Post("/admin/signin", url.Values{"email": {"user" + strconv.Itoa(i) + "@example.com"}, "password": {"guess guess guess"}})
	}
	if last.Status != http.StatusTooManyRequests {
		t.Errorf("21st failure from one address across accounts = %d, want 429", last.Status)
	}
}

func TestSignOutRevokesTheSession(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	v := s.newVisitor()
	signIn(t, v, "greg@example.com", ownerPassword)
	u, _ := url.Parse(s.srv.URL + "/admin")
	stolen := v.Client.Jar.Cookies(u)

	out := v.Post("/admin/signout", nil)
	if out.Status != http.StatusSeeOther || !strings.Contains(out.Location, "signed-out") {
		t.Errorf("sign out = %d %q, want 303 to the sign-in page", out.Status, out.Location)
	}
	replay := s.newVisitor()
	replay.Client.Jar.SetCookies(u, stolen)
	if p := replay.Get("/admin"); p.Status != http.StatusSeeOther {
		t.Errorf("old session cookie after sign-out = %d, want it refused", p.Status)
	}

	laptop, phone := s.newVisitor(), s.newVisitor()
	signIn(t, laptop, "greg@example.com", ownerPassword)
	signIn(t, phone, "greg@example.com", ownerPassword)
	if p := laptop.Post("/admin/signout-everywhere", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere = %d, want 303", p.Status)
	}
	if p := phone.Get("/admin"); p.Status != http.StatusSeeOther {
		t.Errorf("other device after sign-out-everywhere = %d, want it signed out", p.Status)
	}
}

func TestParallelSignInsCannotSlipPastTheLimit(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.PostForm(s.srv.URL+"/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {"wrong guess number " + strconv.Itoa(i)}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	checkedPasswords := 0
	for st := range statuses {
		switch st {
		case http.StatusUnauthorized:
			checkedPasswords++
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		default:
			t.Errorf("parallel sign-in = %d, want 401, 429 or 503", st)
		}
	}
	if checkedPasswords > 5 {
		t.Errorf("%d parallel guesses were checked against the password, want at most 5", checkedPasswords)
	}
}

func TestSignInNextStaysInTheAdmin(t *testing.T) {
	s := mustStart(t)
	s.mustOwner("greg@example.com")
	for next, want := range map[string]string{
		"/admin/a/1":               "/admin/a/1",
		"/admin?outcome=hire-a-pm": "/admin?outcome=hire-a-pm",
		"/admin/../r/x":            "/admin",
		"//evil.example/admin":     "/admin",
		"https://evil.example/":    "/admin",
		"/admin\\..\\x":            "/admin",
	} {
		v := s.newVisitor()
		p := v.Post("/admin/signin", url.Values{"email": {"greg@example.com"}, "password": {ownerPassword}, "next": {next}})
		if p.Location != want {
			t.Errorf("sign in with next=%q went to %q, want %q", next, p.Location, want)
		}
	}
}
