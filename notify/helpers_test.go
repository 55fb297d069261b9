package notify_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
)

// clock is a test's time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testQuestionnaire(t *testing.T) *assessment.Questionnaire {
	t.Helper()
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func openStore(t *testing.T, path string) *data.Store {
	t.Helper()
	s, err := data.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustOpenStore(t *testing.T) (*data.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fitcheck.db")
	s := openStore(t, path)
	t.Cleanup(func() { s.Close() })
	return s, path
}

const stuckWords = "Whether to rebuild onboarding or open the enterprise tier first"

// submitAssessment stores one assessment the way a submit does: with its
// outbox event in the same commit.
func submitAssessment(t *testing.T, s *data.Store, q *assessment.Questionnaire, now time.Time, c assessment.Contact) *assessment.Assessment {
	t.Helper()
	ctx := t.Context()
	if err := s.SaveQuestionnaire(ctx, q.Version, q.Source, now); err != nil {
		t.Fatal(err)
	}
	id := "draft-" + now.Format("150405.000000000")
	d := &assessment.Draft{ID: id, QuestionnaireVersion: q.Version, Answers: assessment.Answers{},
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	answers := q.Examples[0].Answers.Clone()
	answers["stuck-decision"] = []string{stuckWords}
	a := &assessment.Assessment{
		Token: "tok-" + id, QuestionnaireVersion: q.Version, Answers: answers,
		Result: assessment.Result{Outcome: assessment.BookACall, Rule: "clear-fit", Reason: "Between stages, clarity is the gap.",
			Criteria: []assessment.CriterionResult{
				{ID: "between-stages", Label: "Between stages", Kind: assessment.FitSignal, Score: 5, Max: 6, LevelLabel: "Clear signal", LevelRank: 2},
				{ID: "execution-gap", Label: "Execution gap", Kind: assessment.NotFitSignal, Score: 0, Max: 5, LevelLabel: "No sign", LevelRank: 0},
			}},
		Contact:   c,
		Source:    assessment.Attribution{UTMSource: "newsletter", UTMMedium: "email", ReferrerHost: "news.example.com"},
		CreatedAt: now,
	}
	if _, err := s.SubmitDraft(ctx, id, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func questionnaireOf(q *assessment.Questionnaire) func(context.Context, string) (*assessment.Questionnaire, error) {
	return func(_ context.Context, version string) (*assessment.Questionnaire, error) {
		if version != q.Version {
			return nil, assessment.ErrNotFound
		}
		return q, nil
	}
}

// mailServer is a real SMTP server on loopback that keeps what it receives.
type mailServer struct {
	addr string
	srv  *smtp.Server
	mu   sync.Mutex
	got  []receivedMail
}

type receivedMail struct {
	From string
	To   []string
	Raw  []byte
}

// startMailServer listens on addr ("127.0.0.1:0" for any port).
func startMailServer(t *testing.T, addr string) *mailServer {
	t.Helper()
	m := &mailServer{}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

func (m *mailServer) mails() []receivedMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]receivedMail(nil), m.got...)
}

func (m *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{srv: m}, nil }

type mailSession struct {
	srv  *mailServer
	from string
	to   []string
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, receivedMail{From: s.from, To: s.to, Raw: raw})
	s.srv.mu.Unlock()
	return nil
}

// readMail decodes a received message into its subject, text and HTML parts.
func readMail(t *testing.T, raw []byte) (subject, text, html string, header netmail.Header) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	dec := new(mime.WordDecoder)
	if subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch ct := p.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			text = string(b)
		case strings.HasPrefix(ct, "text/html"):
			html = string(b)
		}
	}
	return subject, text, html, msg.Header
}

func newEmail(t *testing.T, addr string) *notify.Email {
	t.Helper()
	e, err := notify.NewEmail(notify.SMTPConfig{URL: "smtp://" + addr + "?tls=none",
		From: "fitcheck@example.com", To: []string{"gregory@example.com", "assistant@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
