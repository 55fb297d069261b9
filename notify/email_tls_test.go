package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/notify"
)

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// authServer is an SMTP server that offers STARTTLS (when given a
// certificate), requires AUTH PLAIN, and records who signed in and whether
// the connection was encrypted when the message came.
type authServer struct {
	mu       sync.Mutex
	logins   []string
	messages int
	tlsSeen  []bool
}

func (b *authServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &authSession{b: b, conn: c}, nil
}

type authSession struct {
	b      *authServer
	conn   *smtp.Conn
	authed bool
}

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "fitcheck" || pass != "s3cret" {
			return errors.New("invalid credentials")
		}
		s.authed = true
		s.b.mu.Lock()
		s.b.logins = append(s.b.logins, user)
		s.b.mu.Unlock()
		return nil
	}), nil
}
func (s *authSession) Reset()        {}
func (s *authSession) Logout() error { return nil }
func (s *authSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return errors.New("authenticate first")
	}
	return nil
}
func (s *authSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *authSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	_, encrypted := s.conn.TLSConnectionState()
	s.b.mu.Lock()
	s.b.messages++
	s.b.tlsSeen = append(s.b.tlsSeen, encrypted)
	s.b.mu.Unlock()
	return nil
}

func startAuthServer(t *testing.T, cert *tls.Certificate) (*authServer, string) {
	t.Helper()
	b := &authServer{}
	srv := smtp.NewServer(b)
	srv.Domain = "127.0.0.1"
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	} else {
		srv.AllowInsecureAuth = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b, ln.Addr().String()
}

// TestEmailOverSTARTTLS: smtp://user@host:port upgrades with STARTTLS,
// verifies the server's certificate, and signs in with the password from
// the environment before sending.
func TestEmailOverSTARTTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	srv, addr := startAuthServer(t, &cert)
	e, err := notify.NewEmail(notify.SMTPConfig{URL: "smtp://fitcheck@" + addr, Password: "s3cret",
		From: "fitcheck@example.com", To: []string{"gregory@example.com"}, TLSConfig: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
	mustRunOnce(t, newWorker(s, q, c, e))
	assertDelivery(t, s, a.ID, assessment.DeliveryDelivered, 1)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.messages != 1 || len(srv.logins) != 1 || !srv.tlsSeen[0] {
		t.Errorf("server saw %d messages, logins %v, encrypted %v; want one message, sent encrypted after signing in", srv.messages, srv.logins, srv.tlsSeen)
	}
}

// TestEmailRefusesPlainTextServer: with smtp:// (STARTTLS required), a
// server that offers no STARTTLS gets neither the password nor the mail.
func TestEmailRefusesPlainTextServer(t *testing.T) {
	srv, addr := startAuthServer(t, nil)
	e, err := notify.NewEmail(notify.SMTPConfig{URL: "smtp://fitcheck@" + addr, Password: "s3cret",
		From: "fitcheck@example.com", To: []string{"gregory@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
	mustRunOnce(t, newWorker(s, q, c, e))
	d := assertDelivery(t, s, a.ID, assessment.DeliveryPending, 1)
	if !strings.Contains(d.LastError, "STARTTLS") {
		t.Errorf("last error = %q, want it to name the missing STARTTLS", d.LastError)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.messages != 0 || len(srv.logins) != 0 {
		t.Errorf("plain-text server got %d messages and logins %v, want none", srv.messages, srv.logins)
	}
}

// TestEmailForAMessage: a founder's message reaches the owner with their
// words, and their address only when they consented.
func TestEmailForAMessage(t *testing.T) {
	q := testQuestionnaire(t)
	c := newClock()
	s, _ := mustOpenStore(t)
	mail := startMailServer(t, "127.0.0.1:0")
	w := newWorker(s, q, c, newEmail(t, mail.addr))
	a := submitAssessment(t, s, q, c.Now(), assessment.Contact{})
	mustRunOnce(t, w)
	for _, m := range []*assessment.Message{
		{AssessmentID: a.ID, Email: "kept@acme.example", Consent: true, Body: "Could we talk after the board meeting?", CreatedAt: c.Now()},
		{AssessmentID: a.ID, Email: "dropped@acme.example", Consent: false, Body: "Just curious how this works.", CreatedAt: c.Now()},
	} {
		if err := s.AddMessage(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	mustRunOnce(t, w)
	got := mail.mails()
	if len(got) != 3 {
		t.Fatalf("mail server received %d messages, want 3 (the result and two messages)", len(got))
	}
	bodies := map[string]string{}
	for _, m := range got[1:] {
		subject, text, _, header := readMail(t, m.Raw)
		if !strings.HasPrefix(subject, "New message on a fitcheck result: book-a-call") {
			t.Errorf("subject = %q, want a message subject with the outcome", subject)
		}
		bodies[text] = header.Get("Reply-To")
	}
	var withConsent, without bool
	for text, replyTo := range bodies {
		switch {
		case strings.Contains(text, "Could we talk after the board meeting?"):
			withConsent = strings.Contains(text, "kept@acme.example") && strings.Contains(replyTo, "kept@acme.example")
		case strings.Contains(text, "Just curious how this works."):
			without = !strings.Contains(text, "dropped@acme.example") && replyTo == ""
		}
	}
	if !withConsent || !without {
		t.Errorf("message mails: consented one carries the address = %v, unconsented one has none = %v; want both\n%v", withConsent, without, bodies)
	}
}
