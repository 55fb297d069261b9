package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/card"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/notify"
	"sessionplayer.studio/fitcheck/rules"
	"sessionplayer.studio/fitcheck/web/httpx"
)

// config is everything fitcheck can be told, by flag or by its environment
// twin. A flag given on the command line wins over the environment.
type config struct {
	Addr          string
	DB            string
	Questionnaire string
	BookingURL    string
	BookingInline bool
	BaseURL       string
	LogFormat     string
	TrustedProxy  string
	RetainDays    int
	MinCompletion time.Duration
	PostLimit     int
	MaxOpenDrafts int
	DataDir       string
	TLSCert       string
	MetricsAddr   string
	TLSKey        string
	ACMEDomain    string
	ACMEHTTPAddr  string
	// DrainPeriod is how long a stopping server keeps serving with /readyz
	// answering 503, so load balancers take it out before it closes.
	DrainPeriod time.Duration
	// DBWait is how long start keeps trying a database that does not answer.
	DBWait time.Duration

	// Notifications: where the owner hears of a new assessment. The two
	// webhook URLs carry their credential in the URL itself, so they come
	// from the environment only (see envOnly).
	SMTPURL     string
	MailFrom    string
	NotifyEmail string // comma-separated
	WebhookURL  string
	SlackURL    string

	// TimeZone is the owner's, an IANA name: the review area's dates use it.
	TimeZone string
	// EmbedOrigins lists, comma-separated, the origins whose pages may
	// frame the assessment (embedOrigins).
	EmbedOrigins string

	// env is the environment after the _FILE variables are read
	// (readEnvironment): every secret comes from it, never from a flag.
	env func(string) string
}

// location is the owner's time zone, which check has already validated.
func (c *config) location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// dataDir is where fitcheck keeps files of its own beside the database (the
// ACME certificate cache): -data-dir, or the SQLite file's directory.
// PostgreSQL has no such directory, so there it is -data-dir or nothing.
func (c *config) dataDir() string {
	if c.DataDir != "" || data.IsPostgres(c.DB) {
		return c.DataDir
	}
	return filepath.Dir(c.DB)
}

// tls reports whether the server terminates TLS itself.
func (c *config) tls() bool { return c.TLSCert != "" || c.ACMEDomain != "" }

// trustedProxies splits -trusted-proxies into CIDR prefixes.
func (c *config) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(c.TrustedProxy, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// envNames pairs each flag with its environment variable.
var envNames = map[string]string{
	"addr":                "FITCHECK_ADDR",
	"db":                  "FITCHECK_DB",
	"questionnaire":       "FITCHECK_QUESTIONNAIRE",
	"booking-url":         "FITCHECK_BOOKING_URL",
	"booking-inline":      "FITCHECK_BOOKING_INLINE",
	"base-url":            "FITCHECK_BASE_URL",
	"log-format":          "FITCHECK_LOG_FORMAT",
	"trusted-proxies":     "FITCHECK_TRUSTED_PROXIES",
	"retain-days":         "FITCHECK_RETAIN_DAYS",
	"min-completion-time": "FITCHECK_MIN_COMPLETION_TIME",
	"post-limit":          "FITCHECK_POST_LIMIT",
	"max-open-drafts":     "FITCHECK_MAX_OPEN_DRAFTS",
	"data-dir":            "FITCHECK_DATA_DIR",
	"metrics-addr":        "FITCHECK_METRICS_ADDR",
	"tls-cert":            "FITCHECK_TLS_CERT",
	"tls-key":             "FITCHECK_TLS_KEY",
	"acme-domain":         "FITCHECK_ACME_DOMAIN",
	"acme-http-addr":      "FITCHECK_ACME_HTTP_ADDR",
	"smtp-url":            "FITCHECK_SMTP_URL",
	"mail-from":           "FITCHECK_MAIL_FROM",
	"notify-email":        "FITCHECK_NOTIFY_EMAIL",
	"timezone":            "FITCHECK_TIMEZONE",
	"drain-period":        "FITCHECK_DRAIN_PERIOD",
	"db-wait":             "FITCHECK_DB_WAIT",
	"embed-origins":       "FITCHECK_EMBED_ORIGINS",
}

// emailResults reports whether founders may have their result's link
// e-mailed to them: only with a mail server, and with -base-url, since the
// link in the e-mail must not be built on a host a request names.
func (c *config) emailResults() bool { return c.SMTPURL != "" && c.BaseURL != "" }

// notifyEmails splits -notify-email into addresses.
func (c *config) notifyEmails() []string {
	var out []string
	for _, a := range strings.Split(c.NotifyEmail, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

const usageHead = `fitcheck tells a founder whether fractional product leadership fits their company.

Usage:
  fitcheck [flags]                 serve the site (same as "fitcheck serve")
  fitcheck serve [flags]           serve the site
  fitcheck validate [flags] [FILE] check a questionnaire file and run its examples
                                   (FILE defaults to -questionnaire, then the embedded default)
  fitcheck rescore [flags] FILE    re-score every stored assessment under a candidate
                                   questionnaire (read-only) and print what would change;
                                   exits non-zero when the file is invalid or an example fails
  fitcheck publish [flags] FILE    put a questionnaire file in force on every instance serving
                                   the database (it must be valid and pass its examples), as
                                   the rules lab's Publish does; /admin/versions rolls back
  fitcheck admin add-user EMAIL    add an owner account for the review area (/admin)
  fitcheck admin set-password EMAIL  set an owner's password (signs them out everywhere)
  fitcheck admin list-users        list owner accounts
  fitcheck backup [flags] FILE     write a consistent copy of the database to FILE,
                                   safe while the server runs; reads only, never migrates
                                   (SQLite; PostgreSQL: pg_dump)
  fitcheck healthcheck [flags] [URL]  exit 0 if the server at -addr (or URL) answers /readyz
  fitcheck doctor [flags]          check what the server checks at start, and files, database,
                                   migrations and disk space; changes nothing; exits 0 when
                                   nothing needs fixing, 1 otherwise
                                   (passwords are read from standard input when it is not
                                   a terminal, and prompted for otherwise)

Flags (each has an environment twin; a flag on the command line wins):
`

func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (*config, *flag.FlagSet, error) {
	cfg := &config{}
	fs := newFlagSet(name, cfg)
	fs.SetOutput(stderr)
	if err := refuseRemovedFlags(args); err != nil {
		return nil, nil, err
	}
	env, err := readEnvironment(getenv)
	if err != nil {
		return nil, nil, err
	}
	cfg.env = env
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	// Re-parse the positionals alone, so fs.Args() reports just them.
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
		return nil, nil, err
	}
	if err := applyEnv(fs, env); err != nil {
		return nil, nil, err
	}
	cfg.WebhookURL, cfg.SlackURL = env("FITCHECK_WEBHOOK_URL"), env("FITCHECK_SLACK_WEBHOOK_URL")
	if err := cfg.check(); err != nil {
		return nil, nil, err
	}
	return cfg, fs, nil
}

// newFlagSet defines every flag, each filling its field of cfg.
func newFlagSet(name string, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&cfg.DB, "db", "fitcheck.db", "SQLite database file (created and migrated on first run), or a postgres:// URL to use PostgreSQL")
	fs.StringVar(&cfg.Questionnaire, "questionnaire", "", "questionnaire content file (YAML; default: the embedded questionnaire), in force until a version is published from the rules lab or with fitcheck publish")
	fs.StringVar(&cfg.BookingURL, "booking-url", "", "your booking page (Cal.com, Calendly or other); booking buttons go there pre-filled; empty offers a message form instead")
	fs.BoolVar(&cfg.BookingInline, "booking-inline", false, "show the booking page inside the founder's result instead of only linking to it, where the provider allows a plain iframe (Calendly; not Cal.com); the page's Content-Security-Policy then lets that one host be framed")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public address of the site, for absolute share links (e.g. https://fit.example.com)")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&cfg.TrustedProxy, "trusted-proxies", "", "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For is trusted (e.g. 127.0.0.1/32); empty trusts none")
	fs.IntVar(&cfg.RetainDays, "retain-days", 0, "delete assessments (with their notes) older than this many days; 0 keeps them forever")
	fs.DurationVar(&cfg.MinCompletion, "min-completion-time", 15*time.Second, "submits faster than this after Start are accepted but marked possibly automated (not notified); 0 turns the check off")
	fs.IntVar(&cfg.PostLimit, "post-limit", 120, "answer posts allowed per client per minute (counted per instance)")
	fs.IntVar(&cfg.MaxOpenDrafts, "max-open-drafts", 200, "unfinished assessments one client network (a /24, or an IPv6 /64) may have stored at once; one address may have a tenth of it")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address, a listener of its own (e.g. 127.0.0.1:9090); empty turns them off")
	fs.StringVar(&cfg.DataDir, "data-dir", "", "directory for fitcheck's own files, such as the ACME certificate cache (default: the SQLite file's directory)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "serve HTTPS with this certificate file (PEM, full chain); needs -tls-key")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "private key file (PEM) for -tls-cert")
	fs.StringVar(&cfg.ACMEDomain, "acme-domain", "", "serve HTTPS with a certificate from Let's Encrypt for this domain (you accept its terms); answers HTTP-01 on -acme-http-addr")
	fs.StringVar(&cfg.ACMEHTTPAddr, "acme-http-addr", ":80", "with -acme-domain: where plain HTTP is served, answering ACME challenges and redirecting everything else to https")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", "", "mail server for owner notifications: smtp://user@host:587 (STARTTLS), smtps://user@host:465, or smtp://localhost:port?tls=none; empty sends no e-mail")
	fs.StringVar(&cfg.MailFrom, "mail-from", "", "sender address of notification e-mails (e.g. fitcheck@example.com)")
	fs.StringVar(&cfg.NotifyEmail, "notify-email", "", "comma-separated addresses that get an e-mail for each new assessment and message")
	fs.StringVar(&cfg.TimeZone, "timezone", "UTC", "the owner's time zone (IANA name, e.g. Europe/Berlin): review-area dates, times and date filters use it")
	fs.DurationVar(&cfg.DrainPeriod, "drain-period", 5*time.Second, "on SIGTERM, keep serving this long with /readyz answering 503 before closing, so a load balancer stops sending first; set it above the balancer's probe interval x its unhealthy threshold")
	fs.StringVar(&cfg.EmbedOrigins, "embed-origins", "", "comma-separated origins whose pages may show the assessment in a frame (e.g. https://www.example.com); the review area's Embed page has the snippet; empty: no site may frame it")
	fs.DurationVar(&cfg.DBWait, "db-wait", time.Minute, "at start, keep trying a PostgreSQL database that does not answer yet for this long (a log line per try); 0 fails at once")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(fs.Output(), "  -%s (%s)\n    \t%s", f.Name, envNames[f.Name], f.Usage)
			if f.DefValue != "" {
				fmt.Fprintf(fs.Output(), " (default %q)", f.DefValue)
			}
			fmt.Fprintln(fs.Output())
		})
		writeEnvOnlyUsage(fs.Output())
	}
	return fs
}

// applyEnv fills every flag not given on the command line from its
// environment twin.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, env := range envNames {
		if v := getenv(env); v != "" && !given[name] {
			if err := fs.Set(name, v); err != nil {
				return fmt.Errorf("%s: %w", env, err)
			}
		}
	}
	return nil
}

// check returns every problem of the configuration at once (a
// configProblems), or nil. serve refuses to start on them and doctor lists
// them: one function, so the two cannot disagree.
func (c *config) check() error {
	var problems []string
	for _, u := range []struct{ name, value string }{{"-booking-url", c.BookingURL}, {"-base-url", c.BaseURL},
		{"FITCHECK_WEBHOOK_URL", c.WebhookURL}, {"FITCHECK_SLACK_WEBHOOK_URL", c.SlackURL}} {
		if u.value == "" {
			continue
		}
		parsed, err := url.Parse(u.value)
		if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
			// The webhook URLs are credentials: never repeated in full.
			problems = append(problems, fmt.Sprintf("%s %q must be an absolute http(s) URL", u.name, notify.RedactURL(u.value)))
		}
	}
	problems = append(problems, c.checkAddresses()...)
	if c.DrainPeriod < 0 {
		problems = append(problems, "-drain-period cannot be negative")
	}
	if c.DBWait < 0 {
		problems = append(problems, "-db-wait cannot be negative")
	}
	if _, err := c.embedOrigins(); err != nil {
		problems = append(problems, err.Error())
	}
	for _, p := range c.trustedProxies() {
		if _, err := netip.ParsePrefix(p); err != nil {
			problems = append(problems, fmt.Sprintf("-trusted-proxies: %q is not a CIDR prefix like 10.0.0.0/8", p))
		}
	}
	if c.MaxOpenDrafts < 1 {
		problems = append(problems, "-max-open-drafts must be at least 1")
	}
	if c.SMTPURL != "" && (c.MailFrom == "" || len(c.notifyEmails()) == 0) {
		problems = append(problems, "-smtp-url needs -mail-from and -notify-email")
	}
	if c.SMTPURL == "" && len(c.notifyEmails()) > 0 {
		problems = append(problems, "-notify-email needs -smtp-url")
	}
	if c.PostLimit < 1 {
		problems = append(problems, "-post-limit must be at least 1")
	}
	if c.MinCompletion < 0 {
		problems = append(problems, "-min-completion-time cannot be negative")
	}
	if c.RetainDays < 0 {
		problems = append(problems, "-retain-days must be 0 (keep forever) or more")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		problems = append(problems, "-tls-cert and -tls-key go together")
	}
	if c.ACMEDomain != "" && c.TLSCert != "" {
		problems = append(problems, "-acme-domain gets its own certificate: drop -tls-cert and -tls-key, or -acme-domain")
	}
	if c.ACMEDomain != "" && c.dataDir() == "" {
		problems = append(problems, "-acme-domain with PostgreSQL needs -data-dir for its certificate cache")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, fmt.Sprintf("-log-format %q must be text or json", c.LogFormat))
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" || strings.EqualFold(c.TimeZone, "local") {
		problems = append(problems, fmt.Sprintf("-timezone %q must be an IANA time zone name like Europe/Berlin or UTC", c.TimeZone))
	}
	if len(problems) > 0 {
		return configProblems(problems)
	}
	return nil
}

// embedOrigins reads -embed-origins: each an origin, scheme and host and
// perhaps a port, nothing else, written as the Content-Security-Policy's
// frame-ancestors compares it (lowercase, no trailing slash).
func (c *config) embedOrigins() ([]string, error) {
	var out []string
	for _, o := range strings.Split(c.EmbedOrigins, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		bare := err == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil && !u.ForceQuery
		if !bare || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || strings.ContainsAny(u.Host, "*;, '\"") {
			return nil, fmt.Errorf("-embed-origins: %q is not an origin like https://www.example.com (a scheme and a host, perhaps a port, no path and no wildcard)", o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// configProblems is everything wrong with a configuration, each a sentence
// saying what to change.
type configProblems []string

func (p configProblems) Error() string { return strings.Join(p, "; ") }

func (c *config) logger(w io.Writer) *slog.Logger {
	return slog.New(c.logHandler(w))
}

// bufferedLogger logs into b, which writes a warning or an error out at
// once and everything else within its interval.
func (c *config) bufferedLogger(b *httpx.LogBuffer) *slog.Logger {
	return slog.New(b.Handler(c.logHandler(b)))
}

func (c *config) logHandler(w io.Writer) slog.Handler {
	if c.LogFormat == "json" {
		return slog.NewJSONHandler(w, nil)
	}
	return slog.NewTextHandler(w, nil)
}

// loadQuestionnaire reads the content file (or the embedded default),
// validates it and runs its examples.
func loadQuestionnaire(path string) (*assessment.Questionnaire, error) {
	data := assessment.DefaultContent
	source := "embedded questionnaire"
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read questionnaire: %w", err)
		}
		data, source = b, path
	}
	q, err := rules.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return q, nil
}

// loadOwnerPhoto reads the owner's photo named in the questionnaire, from
// beside the questionnaire file, and makes it a small square avatar. The
// embedded questionnaire names none.
func loadOwnerPhoto(questionnairePath string, q *assessment.Questionnaire) ([]byte, error) {
	if q.Owner.Photo == "" {
		return nil, nil
	}
	if questionnairePath == "" {
		return nil, errors.New("owner.photo: the embedded questionnaire cannot name a photo; use -questionnaire with a file beside the photo")
	}
	name := filepath.Join(filepath.Dir(questionnairePath), filepath.Clean("/" + q.Owner.Photo)[1:])
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("owner.photo: %w", err)
	}
	avatar, err := card.Avatar(b)
	if err != nil {
		return nil, fmt.Errorf("owner.photo %s: %w", name, err)
	}
	return avatar, nil
}

// parseInterspersed parses flags wherever they appear, so both
// `admin add-user EMAIL -db x` and `admin add-user -db x EMAIL` work.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
