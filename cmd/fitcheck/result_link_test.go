package main

import (
	"bytes"
	"database/sql"
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/data"
)

// TestEmailMeTheLinkEndToEnd: a founder finishes, types an address on their
// result page, and the real server's worker e-mails that address the share
// link, on -base-url, through a real SMTP server on loopback: the link opens
// their result, and the e-mail carries none of their answers, words or
// contact details. The address is then gone from the database.
func TestEmailMeTheLinkEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fitcheck.db")
	mailLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpAddr := mailLn.Addr().String()
	mailLn.Close()
	mail := startInbox(t, smtpAddr)
	webLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	webAddr := webLn.Addr().String()
	webLn.Close()
	base := startServer(t, []string{"-db", db, "-addr", webAddr, "-base-url", "http://" + webAddr,
		"-smtp-url", "smtp://" + smtpAddr + "?tls=none", "-mail-from", "fitcheck@example.com", "-notify-email", "gregory@example.com"}, nil)

	const words = "Whether the quokka roadmap or the pelican launch goes first"
	_, steps := exampleSteps(t)
	q, err := loadQuestionnaire("")
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range q.Steps {
		for _, qn := range st.Questions {
			if qn.ID == "stuck-decision" {
				steps[i].Set(qn.ID, words)
			}
		}
	}
	contact := steps[len(steps)-1]
	contact.Set("name", "Ada Lovelace")
	contact.Set("email", "ada@acme.example")
	contact.Set("company", "Acme Analytics")
	contact.Set("consent", "yes")

	jar, _ := cookiejar.New(nil)
	founder := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := founder.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	post("/start", url.Values{})
	var result string
	for i, form := range steps {
		resp := post("/step/"+strconv.Itoa(i+1), form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("step %d = %d, want 303", i+1, resp.StatusCode)
		}
		result = resp.Header.Get("Location")
	}
	if !strings.HasPrefix(result, "/r/") {
		t.Fatalf("submit led to %q, want a result", result)
	}
	if resp := post(result+"/email-link", url.Values{"email": {"cofounder@example.com"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("email-link = %d, want 303", resp.StatusCode)
	}

	shareURL := "http://" + webAddr + result
	var linkMail string
	for deadline := time.Now().Add(20 * time.Second); linkMail == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, m := range mail.messages() {
			if decoded := decodeQP(m); strings.Contains(decoded, "To: <cofounder@example.com>") {
				linkMail = decoded
			}
		}
	}
	if linkMail == "" {
		t.Fatalf("no e-mail to cofounder@example.com arrived; the inbox has %d messages", len(mail.messages()))
	}
	for _, want := range []string{"Subject: Your fitcheck result", shareURL, q.Owner.FirstName()} {
		if !strings.Contains(linkMail, want) {
			t.Errorf("the link e-mail lacks %q:\n%s", want, linkMail)
		}
	}
	for _, leak := range []string{words, "Ada Lovelace", "ada@acme.example", "Acme Analytics", "gregory@example.com", "/admin"} {
		if strings.Contains(linkMail, leak) {
			t.Errorf("the link e-mail contains %q: it must carry the link, not the answers", leak)
		}
	}
	resp, err := http.Get(shareURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `data-testid="result"`) {
		t.Errorf("the e-mailed link = %d, want the result page", resp.StatusCode)
	}

	// The worker settles the delivery just after the mail server answers.
	var left int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if left = storedRecipients(t, db); left == 0 {
			break
		}
	}
	if left != 0 {
		t.Errorf("%d link addresses still stored after delivery, want none", left)
	}
}

// decodeQP reads a raw e-mail with its quoted-printable parts decoded, so
// a long line split by the encoding reads whole.
func decodeQP(raw []byte) string {
	b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return string(raw)
	}
	return string(b)
}

// storedRecipients counts the result.link addresses in the database, read
// beside the running server as an operator would.
func storedRecipients(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", data.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM outbox WHERE recipient IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
