package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/notify"
)

// startup is what serve checks and builds from its configuration before it
// touches the database. doctor runs the same prepareStart, so the two
// cannot drift: whatever stops the server stops doctor's verdict too.
type startup struct {
	q        *assessment.Questionnaire
	photo    []byte
	tls      *tlsListener
	channels []notify.Channel
	// warnings work, but are worth changing; serve logs them, doctor
	// lists them.
	warnings []string
}

// startProblem is one thing that stops the server, under the area it
// belongs to in doctor's report.
type startProblem struct {
	area string
	err  error
}

// prepareStart loads and checks everything serve needs besides the
// database and the listeners. It never writes: a missing session key file
// is made later, by sessionKeys, once the server is sure to start.
func prepareStart(cfg *config, log *slog.Logger) (*startup, []startProblem) {
	st := &startup{}
	var problems []startProblem
	fail := func(area string, err error) { problems = append(problems, startProblem{area, err}) }
	var err error
	if st.q, err = loadQuestionnaire(cfg.Questionnaire); err != nil {
		fail("questionnaire", err)
	} else if st.photo, err = loadOwnerPhoto(cfg.Questionnaire, st.q); err != nil {
		fail("questionnaire", err)
	}
	if err := checkSessionSecret(cfg); err != nil {
		fail("session key", err)
	}
	if st.tls, err = cfg.tlsListener(log); err != nil {
		fail("TLS", err)
	}
	var warnings []string
	if st.channels, warnings, err = notifyChannels(cfg); err != nil {
		fail("notifications", err)
	}
	st.warnings = append(st.warnings, warnings...)
	st.warnings = append(st.warnings, cfg.warnings()...)
	return st, problems
}

// joinProblems makes serve's one error of what prepareStart found.
func joinProblems(problems []startProblem) error {
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p.err
	}
	return errors.Join(errs...)
}

// warnings are settings the server runs with but that an operator most
// likely wants otherwise.
func (c *config) warnings() []string {
	var w []string
	if c.BookingURL == "" {
		w = append(w, "-booking-url is not set: results that would offer a booking offer a message to you instead; "+
			"set -booking-url (FITCHECK_BOOKING_URL) to your Cal.com, Calendly or other booking page")
	}
	if c.BookingInline && !booking.Inline(c.BookingURL) {
		w = append(w, "-booking-inline is set, but the booking page cannot be shown inline: only Calendly's pages work in a plain frame "+
			"(Cal.com's refuse to be framed without its own script); results link to the booking page instead")
	}
	if c.BaseURL == "" {
		w = append(w, "-base-url is not set: share links and result previews use whatever host a request names, and the start page has no link preview (Slack, LinkedIn); "+
			"set -base-url (FITCHECK_BASE_URL) to the public address, e.g. https://fit.example.com")
	}
	if c.SMTPURL != "" && c.BaseURL == "" {
		w = append(w, "\"Email me the link\" is off on result pages: its e-mail links to -base-url, which is not set")
	}
	if c.BookingURL != "" {
		w = append(w, bookingHookWarnings(c)...)
	}
	return w
}

// checkSessionSecret checks the secret the session keys come from, as
// sessionKeys will use it, without making the key file: the variable's
// length, or the existing file's.
func checkSessionSecret(cfg *config) error {
	secret, keyFile := cfg.env("FITCHECK_SESSION_KEY"), sessionKeyFile(cfg.DB)
	switch {
	case secret != "":
		return checkSecretLength(secret)
	case keyFile == "":
		return errSessionKeyRequired
	}
	b, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // made at first start
	}
	if err != nil {
		return fmt.Errorf("read session key: %w", err)
	}
	if len(strings.TrimSpace(string(b))) < 32 {
		return fmt.Errorf("session key file %s is too short; delete it to make a new one", keyFile)
	}
	return nil
}

func checkSecretLength(secret string) error {
	if len(secret) < 32 {
		return errors.New("FITCHECK_SESSION_KEY must be at least 32 characters (make one with: openssl rand -hex 32)")
	}
	return nil
}
