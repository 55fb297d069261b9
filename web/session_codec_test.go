package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"
)

// sessionCookie is the visitor's fitcheck session cookie value.
func (v *visitor) sessionCookie() string {
	v.t.Helper()
	u, _ := url.Parse(v.site.srv.URL)
	for _, c := range v.client.Jar.Cookies(u) {
		if c.Name == "fitcheck" {
			return c.Value
		}
	}
	v.t.Fatal("visitor has no fitcheck cookie")
	return ""
}

// TestSessionCookieIsCompact checks the cookie the server issues now: it
// still names the draft inside the signed, encrypted envelope, in the
// compact encoding rather than gob. Pressing Start stores nothing: the
// cookie says the draft is new, and its row comes with the first answers.
func TestSessionCookieIsCompact(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	p := v.start()
	decode := func() []string {
		var raw []byte
		codec := securecookie.New(testHashKey, testBlockKey).SetSerializer(securecookie.NopEncoder{})
		if err := codec.Decode("fitcheck", v.sessionCookie(), &raw); err != nil {
			t.Fatalf("decode the session cookie with the server's keys: %v", err)
		}
		return strings.Split(string(raw), "|")
	}
	if parts := decode(); len(parts) != 4 || parts[0] != "fc1" || len(parts[1]) < 40 || parts[3] != "new" {
		t.Fatalf("session after Start holds %q, want fc1|<draft id>|<issued>|new", strings.Join(parts, "|"))
	}
	if n := s.countRows("drafts"); n != 0 {
		t.Fatalf("drafts after Start = %d, want none until the first answers", n)
	}
	if next := v.fill(p, exampleAnswers(t, s.q, "book-a-call"), "next"); next.status != http.StatusSeeOther {
		t.Fatalf("step 1 = %d, want 303", next.status)
	}
	parts := decode()
	if len(parts) != 3 || parts[0] != "fc1" || len(parts[1]) < 40 {
		t.Fatalf("session holds %q, want fc1|<draft id>|<issued>", strings.Join(parts, "|"))
	}
	if s.countRows("drafts") != 1 {
		t.Fatalf("drafts = %d, want the one the cookie names", s.countRows("drafts"))
	}
}

// TestGobSessionCookieStillWorks is the upgrade path: a visitor whose
// cookie was issued by an earlier fitcheck, which gob-encoded sessions,
// keeps their answers and carries on where they were.
func TestGobSessionCookieStillWorks(t *testing.T) {
	s := mustStart(t)
	v := s.newVisitor()
	p := v.start()
	ans := exampleAnswers(t, s.q, "book-a-call")
	if next := v.fill(p, ans, "next"); next.status != http.StatusSeeOther {
		t.Fatalf("step 1 = %d, want 303", next.status)
	}
	var raw []byte
	nop := securecookie.New(testHashKey, testBlockKey).SetSerializer(securecookie.NopEncoder{})
	if err := nop.Decode("fitcheck", v.sessionCookie(), &raw); err != nil {
		t.Fatal(err)
	}
	draftID := strings.Split(string(raw), "|")[1]

	// What gorilla/sessions' CookieStore wrote before: gob, same keys.
	old, err := securecookie.New(testHashKey, testBlockKey).Encode("fitcheck",
		map[any]any{"draft": draftID, "issued": int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/step/1", nil)
	req.AddCookie(&http.Cookie{Name: "fitcheck", Value: old})
	fresh := s.newVisitor()
	back := fresh.do(req)
	if back.status != http.StatusOK {
		t.Fatalf("GET /step/1 with a gob cookie = %d, want 200", back.status)
	}
	compared := 0
	for name, want := range ans {
		if !hasOption(findForm(back.doc, "/step/1"), name, want[0]) {
			continue // a question on a later step
		}
		compared++
		if got := checked(back.doc, name); !slices.Equal(got, want) {
			t.Errorf("%s: checked %v with the old cookie, want %v", name, got, want)
		}
	}
	if compared == 0 {
		t.Fatal("step 1 showed none of the answers given on it")
	}
	// The old cookie was issued long ago, so it is renewed, compactly.
	renewed := back.header.Get("Set-Cookie")
	if !strings.HasPrefix(renewed, "fitcheck=") {
		t.Fatalf("an old cookie was not renewed; Set-Cookie = %q", renewed)
	}
	value := strings.TrimPrefix(strings.SplitN(renewed, ";", 2)[0], "fitcheck=")
	if err := nop.Decode("fitcheck", value, &raw); err != nil || !strings.HasPrefix(string(raw), "fc1|"+draftID+"|") {
		t.Errorf("renewed cookie holds %q (%v), want the same draft, compactly", raw, err)
	}
}
