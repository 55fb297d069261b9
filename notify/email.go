package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"sessionplayer.studio/fitcheck/assessment"
)

// SMTPConfig says how to reach the mail server and whom to write to.
type SMTPConfig struct {
	// URL is -smtp-url: smtp://user@host:587 (STARTTLS, required),
	// smtps://user@host:465 (TLS from the first byte), or
	// smtp://host:port?tls=none (no encryption, loopback hosts only).
	URL      string
	Password string   // FITCHECK_SMTP_PASSWORD; never part of URL
	From     string   // -mail-from
	To       []string // -notify-email
	// TLSConfig overrides the TLS settings (a private CA, tests); nil
	// verifies the server against the system's roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // per attempt; 0 means 5 s
}

// Email sends each notice to the owner as a plain-text e-mail with a simple
// HTML alternative; a result.link goes to the founder who asked for it.
type Email struct {
	host string
	opts []mail.Option
	from string
	to   []string
}

// Name is the channel's name in the deliveries list.
func (e *Email) Name() string { return assessment.EmailChannel }

// NewEmail checks cfg and makes the e-mail channel.
func NewEmail(cfg SMTPConfig) (*Email, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("-smtp-url: %w", err)
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		return nil, errors.New("-smtp-url must not hold the password: set FITCHECK_SMTP_PASSWORD instead")
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("-smtp-url %q has no host", u.Redacted())
	}
	if cfg.From == "" {
		return nil, errors.New("-mail-from is required with -smtp-url")
	}
	if len(cfg.To) == 0 {
		return nil, errors.New("-notify-email is required with -smtp-url")
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	opts := []mail.Option{mail.WithTimeout(timeout)}
	defaultPort := 587
	switch tlsMode := u.Query().Get("tls"); {
	case u.Scheme == "smtps" && tlsMode == "":
		defaultPort = 465
		opts = append(opts, mail.WithSSL())
	case u.Scheme == "smtp" && tlsMode == "":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case u.Scheme == "smtp" && tlsMode == "none":
		if !isLoopback(host) {
			return nil, fmt.Errorf("-smtp-url: tls=none sends mail and password in the clear, so it is allowed only to a loopback host, not %q", host)
		}
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("-smtp-url %q: use smtp://host:587 (STARTTLS), smtps://host:465, or smtp://localhost:port?tls=none", u.Redacted())
	}
	port := defaultPort
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("-smtp-url: port %q: %w", p, err)
		}
	}
	opts = append(opts, mail.WithPort(port))
	tc := cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tc = tc.Clone()
	tc.ServerName = host
	opts = append(opts, mail.WithTLSConfig(tc))
	if user := u.User.Username(); user != "" {
		auth := mail.SMTPAuthAutoDiscover
		if u.Query().Get("tls") == "none" {
			// Autodiscovery never sends a password without TLS, so a
			// loopback relay that asks for one would never get mail;
			// tls=none is allowed to loopback hosts only, where the
			// password does not cross a network.
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(user), mail.WithPassword(cfg.Password))
	}
	e := &Email{host: host, opts: opts, from: cfg.From, to: cfg.To}
	// Fail at start, not at the first submit, on an address the library refuses.
	if _, err := e.message(pingNotice("msg_check", time.Now(), "")); err != nil {
		return nil, err
	}
	return e, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers the notice through one SMTP session. Every failure is
// worth retrying: mail servers refuse for a while (greylisting, a full
// queue, a restart) far more often than for good.
func (e *Email) Send(ctx context.Context, n *Notice) error {
	msg, err := e.message(n)
	if err != nil {
		return Permanent(err)
	}
	client, err := mail.NewClient(e.host, e.opts...)
	if err != nil {
		return Permanent(fmt.Errorf("smtp client: %w", err))
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail via %s: %w", e.host, err)
	}
	return nil
}

func (e *Email) message(n *Notice) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(e.from); err != nil {
		return nil, fmt.Errorf("-mail-from %q: %w", e.from, err)
	}
	if n.Link != nil {
		return e.linkMessage(msg, n)
	}
	if err := msg.To(e.to...); err != nil {
		return nil, fmt.Errorf("-notify-email %q: %w", strings.Join(e.to, ","), err)
	}
	if n.Contact != nil && n.Contact.Email != "" {
		// Reply goes to the founder, who consented to be contacted.
		_ = msg.ReplyTo(n.Contact.Email) // an address the form accepted but mail does not: no Reply-To
	} else if n.Message != nil && n.Message.Email != "" {
		_ = msg.ReplyTo(n.Message.Email)
	}
	// The event's id: a resend after a crash reads as the same message.
	msg.SetMessageIDWithValue(n.WebhookID + "@fitcheck")
	msg.SetDateWithValue(n.CreatedAt)
	msg.Subject(subject(n))
	msg.SetBodyString(mail.TypeTextPlain, plainText(n))
	var html bytes.Buffer
	if err := htmlEmail.Execute(&html, n); err != nil {
		return nil, fmt.Errorf("render e-mail: %w", err)
	}
	msg.AddAlternativeString(mail.TypeTextHTML, html.String())
	return msg, nil
}

// linkMessage is a founder's share link, to the founder: the one e-mail
// that does not go to the owner.
func (e *Email) linkMessage(msg *mail.Msg, n *Notice) (*mail.Msg, error) {
	if err := msg.To(n.Link.To); err != nil {
		return nil, fmt.Errorf("founder's address: %w", err)
	}
	msg.SetMessageIDWithValue(n.WebhookID + "@fitcheck")
	msg.SetDateWithValue(n.CreatedAt)
	msg.Subject("Your fitcheck result")
	msg.SetBodyString(mail.TypeTextPlain, linkText(n))
	var html bytes.Buffer
	if err := linkEmail.Execute(&html, n); err != nil {
		return nil, fmt.Errorf("render e-mail: %w", err)
	}
	msg.AddAlternativeString(mail.TypeTextHTML, html.String())
	return msg, nil
}

// linkText is the founder's e-mail: what they asked for and nothing more.
func linkText(n *Notice) string {
	return fmt.Sprintf("Here is the link to your fitcheck result, as you asked:\n\n%s\n%s\n\n"+
		"Anyone you share it with sees the verdict and the reasons behind it, never your contact details or your own words.\n\n"+
		"%s\n\nYou get this e-mail because someone typed this address on the result page. If that was not you, ignore it: nothing else will follow.\n",
		n.Headline, n.Link.ShareURL, n.Link.Owner)
}

var linkEmail = template.Must(template.New("link").Parse(`<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
<p>Here is the link to your fitcheck result, as you asked:</p>
<p><strong>{{.Headline}}</strong><br><a href="{{.Link.ShareURL}}">{{.Link.ShareURL}}</a></p>
<p>Anyone you share it with sees the verdict and the reasons behind it, never your contact details or your own words.</p>
<p>{{.Link.Owner}}</p>
<p><small>You get this e-mail because someone typed this address on the result page. If that was not you, ignore it: nothing else will follow.</small></p>
</body></html>
`))

func subject(n *Notice) string {
	switch {
	case n.Type == assessment.EventPing:
		return "fitcheck test: e-mail notifications work"
	case n.Message != nil:
		return withCompany("New message on a fitcheck result: "+n.Outcome, n)
	default:
		return withCompany("New fitcheck result: "+n.Outcome, n)
	}
}

func withCompany(s string, n *Notice) string {
	if c := assessment.CleanLine(n.Company()); c != "" {
		return s + " — " + c
	}
	return s
}

// plainText is the e-mail's text part: what the owner reads before a call.
func plainText(n *Notice) string {
	var b strings.Builder
	if n.Type == assessment.EventPing {
		fmt.Fprintf(&b, "This is a test from fitcheck: e-mail notifications reach you.\n\nReview area: %s\n", n.AdminURL)
		return b.String()
	}
	if n.Message != nil {
		b.WriteString("Their message:\n")
		writeIndented(&b, n.Message.Body)
		if n.Message.Email != "" {
			fmt.Fprintf(&b, "Reply to: %s\n", assessment.CleanLine(n.Message.Email))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Verdict: %s (%s)\n%s\n", n.Headline, n.Outcome, n.Reason)
	if len(n.Decisive) > 0 {
		b.WriteString("\nWhat decided it:\n")
		for _, r := range n.Decisive {
			fmt.Fprintf(&b, "- %s: %s (%d of %d)\n", r.Label, r.Level, r.Score, r.Max)
		}
	}
	for _, w := range n.Words {
		fmt.Fprintf(&b, "\n%s\n", w.Prompt)
		writeIndented(&b, w.Text)
	}
	b.WriteString("\n")
	if c := n.Contact; c != nil {
		b.WriteString("Contact (they consented to be contacted):\n")
		// One line each, whatever is stored: a name cannot forge a line
		// of the block (fields are cleaned when typed; older rows may not be).
		for _, f := range [][2]string{{"Name", c.Name}, {"Email", c.Email}, {"Company", c.Company}, {"Role", c.Role}} {
			if v := assessment.CleanLine(f[1]); v != "" {
				fmt.Fprintf(&b, "  %s: %s\n", f[0], v)
			}
		}
	} else {
		b.WriteString("Contact: none given (no consent to be contacted).\n")
	}
	if src := sourceLine(n.Source); src != "" {
		fmt.Fprintf(&b, "Came from: %s\n", src)
	}
	fmt.Fprintf(&b, "\nOpen in the review area: %s\n", n.AdminURL)
	return b.String()
}

func writeIndented(b *strings.Builder, text string) {
	for line := range strings.SplitSeq(text, "\n") {
		fmt.Fprintf(b, "  %s\n", line)
	}
}

// sourceLine reads the attribution as one line: "newsletter / email /
// spring (via news.example.com)".
func sourceLine(a assessment.Attribution) string {
	a = a.Bounded()
	var parts []string
	for _, p := range []string{a.UTMSource, a.UTMMedium, a.UTMCampaign} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	s := strings.Join(parts, " / ")
	if a.ReferrerHost != "" {
		if s != "" {
			s += " "
		}
		s += "(via " + a.ReferrerHost + ")"
	}
	return s
}

var htmlEmail = template.Must(template.New("email").Funcs(template.FuncMap{"source": sourceLine, "line": assessment.CleanLine}).Parse(`<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
{{- if eq .Type "ping"}}
<p>This is a test from fitcheck: e-mail notifications reach you.</p>
<p><a href="{{.AdminURL}}">Open the review area</a></p>
{{- else}}
{{- with .Message}}
<p><strong>Their message:</strong></p>
<blockquote style="white-space: pre-wrap">{{.Body}}</blockquote>
{{- if .Email}}<p>Reply to: <a href="mailto:{{line .Email}}">{{line .Email}}</a></p>{{end}}
{{- end}}
<h1 style="font-size: 1.25em">{{.Headline}}</h1>
<p>{{.Reason}} <small>({{.Outcome}})</small></p>
{{- if .Decisive}}
<p><strong>What decided it</strong></p>
<ul>{{range .Decisive}}<li>{{.Label}}: {{.Level}} ({{.Score}} of {{.Max}})</li>{{end}}</ul>
{{- end}}
{{- range .Words}}
<p><strong>{{.Prompt}}</strong></p>
<blockquote style="white-space: pre-wrap">{{.Text}}</blockquote>
{{- end}}
{{- with .Contact}}
<p><strong>Contact</strong> (they consented to be contacted)<br>
{{if .Name}}{{line .Name}}<br>{{end}}{{if .Email}}<a href="mailto:{{line .Email}}">{{line .Email}}</a><br>{{end}}{{if .Company}}{{line .Company}}<br>{{end}}{{if .Role}}{{line .Role}}{{end}}</p>
{{- else}}
<p>Contact: none given (no consent to be contacted).</p>
{{- end}}
{{- with source .Source}}<p>Came from: {{.}}</p>{{end}}
<p><a href="{{.AdminURL}}">Open in the review area</a></p>
{{- end}}
</body></html>
`))
