package main

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/metrics"
	"sessionplayer.studio/fitcheck/web"
)

// run is the whole program, callable from tests: it picks the subcommand,
// reads configuration from args and getenv, and returns when ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, getenv, stderr)
	case "validate":
		err = validate(args, getenv, stdout, stderr)
	case "rescore":
		err = rescore(ctx, args, getenv, stdout, stderr)
	case "admin":
		err = admin(ctx, args, getenv, stdin, stdout, stderr)
	case "backup":
		err = backup(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		err = healthcheck(ctx, args, getenv, stdout, stderr)
	case "doctor":
		err = doctor(ctx, args, getenv, stdout, stderr)
	default:
		err = fmt.Errorf("unknown command %q (commands: serve, validate, rescore, admin, backup, healthcheck, doctor; -h for help)", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, _, err := parseConfig("fitcheck serve", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := cfg.logger(stderr)
	q, err := loadQuestionnaire(cfg.Questionnaire)
	if err != nil {
		return err
	}
	photo, err := loadOwnerPhoto(cfg.Questionnaire, q)
	if err != nil {
		return err
	}
	var m *metrics.Set
	opts := []data.Option{data.Logger(log)}
	if cfg.MetricsAddr != "" {
		m = metrics.New()
		opts = append(opts, data.ObserveCommits(m.Committed))
	}
	store, err := data.Open(ctx, cfg.DB, opts...)
	if err != nil {
		return err
	}
	defer store.Close()
	log.Info("database open", slog.String("engine", store.Engine()))
	hashKey, blockKey, err := sessionKeys(getenv("FITCHECK_SESSION_KEY"), sessionKeyFile(cfg.DB))
	if err != nil {
		return err
	}
	tlsCfg, err := cfg.tlsListener(log)
	if err != nil {
		return err
	}
	notifier, err := newNotifier(cfg, getenv, store, q, log)
	if err != nil {
		return err
	}
	var tests web.Notifier
	if notifier != nil { // a nil *notify.Worker in the interface would not read as none
		tests = notifier
	}
	srv, err := web.NewServer(web.Config{
		BookingURL:           cfg.BookingURL,
		BookingInline:        cfg.BookingInline,
		BaseURL:              cfg.BaseURL,
		SessionHashKey:       hashKey,
		SessionBlockKey:      blockKey,
		SignInFailureDelay:   500 * time.Millisecond,
		TrustedProxies:       cfg.trustedProxies(),
		MinCompletionTime:    cfg.MinCompletion,
		PublicPostsPerMinute: cfg.PostLimit,
		MaxOpenDrafts:        cfg.MaxOpenDrafts,
		EmailResults:         cfg.emailResults(),
		Metrics:              m,
		OwnerPhoto:           photo,
		TimeZone:             cfg.location(),
		Notifier:             tests,
		SharedResultLifetime: sharedResultLifetime(cfg.DB),
	}, store, q, log)
	if err != nil {
		return err
	}
	if cfg.BookingURL == "" {
		log.Warn("-booking-url is not set: results that would offer a booking offer a message to you instead; " +
			"set -booking-url (FITCHECK_BOOKING_URL) to your Cal.com, Calendly or other booking page")
	}
	if cfg.BookingInline && !booking.Inline(cfg.BookingURL) {
		log.Warn("-booking-inline is set, but the booking page cannot be shown inline: only Calendly's pages work in a plain frame " +
			"(Cal.com's refuse to be framed without its own script); results link to the booking page instead")
	}
	if cfg.BaseURL == "" {
		log.Warn("-base-url is not set: share links and link previews (Slack, LinkedIn) use whatever host a request names; " +
			"set -base-url (FITCHECK_BASE_URL) to the public address, e.g. https://fit.example.com")
	}
	if cfg.SMTPURL != "" && cfg.BaseURL == "" {
		log.Warn("\"Email me the link\" is off on result pages: its e-mail links to -base-url, which is not set")
	}
	setupURL, err := srv.SetupURL(ctx)
	if err != nil {
		return err
	}
	// Deferred after store.Close, so it runs first: the worker records the
	// attempts under way before the database closes.
	defer startNotifier(ctx, notifier)()
	if cfg.BookingURL != "" {
		checkBookingHooks(cfg, getenv, log)
	}
	if m != nil {
		m.WatchOutbox(store.CountDeliveries)
		stop, err := serveMetrics(ctx, cfg.MetricsAddr, m, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	go sweep(ctx, store, srv.ApplyRetention, cfg.RetainDays, log)
	return listenAndServe(ctx, cfg.Addr, srv.Handler(), tlsCfg, log, q, setupURL)
}

// listenAndServe serves h on addr until ctx ends, over TLS when tlsCfg is
// set (its ACME listener, if any, runs beside it).
func listenAndServe(ctx context.Context, addr string, h http.Handler, tlsCfg *tlsListener, log *slog.Logger, q *assessment.Questionnaire, setupURL string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	scheme := "http"
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg.config)
		scheme = "https"
		if tlsCfg.acmeHTTP != nil {
			stopACME, err := tlsCfg.serveACMEHTTP(log)
			if err != nil {
				ln.Close()
				return err
			}
			defer stopACME()
		}
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	base := scheme + "://" + ln.Addr().String()
	log.Info("listening", slog.String("url", base), slog.String("questionnaire_version", q.Version[:12]))
	if setupURL != "" {
		if strings.HasPrefix(setupURL, "/") {
			setupURL = base + setupURL
		}
		log.Info("no owner account yet: open this one-time link to create it", slog.String("setup_url", setupURL))
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// sweep runs housekeeping hourly: expired drafts and owner sessions go, so
// abandoned answers do not linger past their thirty days, and with
// -retain-days old assessments go too, through retain, which also forgets
// the pages the server kept of them.
func sweep(ctx context.Context, store *data.Store, retain retention, retainDays int, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		sweepOnce(ctx, store, retain, retainDays, time.Now(), log)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// retention deletes the assessments created before cutoff.
type retention func(ctx context.Context, cutoff time.Time) (int64, error)

func sweepOnce(ctx context.Context, store *data.Store, retain retention, retainDays int, now time.Time, log *slog.Logger) {
	report := func(what string, n int64, err error) {
		if err != nil && ctx.Err() == nil {
			log.Warn(what, slog.Any("error", err))
		} else if n > 0 {
			log.Info(what, slog.Int64("count", n))
		}
	}
	n, err := store.DeleteExpiredDrafts(ctx, now)
	report("deleted expired drafts", n, err)
	n, err = store.DeleteExpiredOwnerSessions(ctx, now)
	report("deleted expired owner sessions", n, err)
	n, err = store.ForgetLinkRecipientKeys(ctx, now.Add(-assessment.LinkRequestWindow))
	report("forgot the pseudonyms of addresses sent a result link over a day ago", n, err)
	if retainDays > 0 {
		n, err = retain(ctx, now.AddDate(0, 0, -retainDays))
		report("deleted assessments past the retention period", n, err)
	}
}

func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parseConfig("fitcheck backup", args, getenv, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: fitcheck backup [-db DB] FILE")
	}
	if data.IsPostgres(cfg.DB) {
		return errors.New("backup: fitcheck backup copies a SQLite file; back up PostgreSQL with pg_dump (see docs/deploy.md)")
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("backup: no database at %s: %w", cfg.DB, err)
	}
	store, err := data.Open(ctx, cfg.DB, data.Logger(cfg.logger(stderr)))
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.DB, fs.Arg(0))
	return nil
}

// sessionKeyFile is where a generated session secret is kept beside a SQLite
// database. PostgreSQL has none: instances on other machines could not share
// a file, so there FITCHECK_SESSION_KEY is required.
func sessionKeyFile(db string) string {
	if data.IsPostgres(db) {
		return ""
	}
	return db + ".session-key"
}

// errSessionKeyRequired is why an instance on PostgreSQL will not start
// without FITCHECK_SESSION_KEY.
var errSessionKeyRequired = errors.New("FITCHECK_SESSION_KEY is required with PostgreSQL: every instance must sign and encrypt cookies with the same secret (32+ characters, e.g. from openssl rand -hex 32)")

// sessionKeys derives the cookie signing and encryption keys from a secret:
// FITCHECK_SESSION_KEY when set, otherwise a random secret generated once
// and kept in keyFile beside the database, so restarts keep sessions valid.
// With no keyFile (PostgreSQL) the secret is required.
func sessionKeys(secret, keyFile string) (hashKey, blockKey []byte, err error) {
	if secret == "" && keyFile == "" {
		return nil, nil, errSessionKeyRequired
	}
	if secret == "" {
		secret, err = readOrCreateSecret(keyFile)
		if err != nil {
			return nil, nil, err
		}
	} else if len(secret) < 32 {
		return nil, nil, errors.New("FITCHECK_SESSION_KEY must be at least 32 characters")
	}
	if hashKey, err = hkdf.Key(sha256.New, []byte(secret), nil, "fitcheck session signing", 32); err != nil {
		return nil, nil, fmt.Errorf("derive session keys: %w", err)
	}
	if blockKey, err = hkdf.Key(sha256.New, []byte(secret), nil, "fitcheck session encryption", 32); err != nil {
		return nil, nil, fmt.Errorf("derive session keys: %w", err)
	}
	return hashKey, blockKey, nil
}

func readOrCreateSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if s := strings.TrimSpace(string(b)); len(s) >= 32 {
			return s, nil
		}
		return "", fmt.Errorf("session key file %s is too short; delete it to make a new one", path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read session key: %w", err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readOrCreateSecret(path) // another process made it first
	}
	if err != nil {
		return "", fmt.Errorf("create session key: %w", err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("write session key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("write session key: %w", err)
	}
	return secret, f.Close()
}

// serveMetrics serves Prometheus metrics at /metrics on addr, a listener
// of its own so the site's public address never shows them.
func serveMetrics(ctx context.Context, addr string, m *metrics.Set, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	log.Info("serving metrics", slog.String("metrics_at", "http://"+ln.Addr().String()+"/metrics"))
	return func() { hs.Close() }, nil
}

// sharedResultLifetime is how long a result's shared page is served from
// memory. On SQLite there is one instance, and every delete goes through
// it; on PostgreSQL there may be several, and a result deleted through one
// must not stay visible on the others for long.
func sharedResultLifetime(db string) time.Duration {
	if data.IsPostgres(db) {
		return 30 * time.Second
	}
	return 0
}
