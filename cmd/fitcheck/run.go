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
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/metrics"
	"sessionplayer.studio/fitcheck/web"
	"sessionplayer.studio/fitcheck/web/httpx"
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
	case "publish":
		err = publish(ctx, args, getenv, stdout, stderr)
	case "admin":
		err = admin(ctx, args, getenv, stdin, stdout, stderr)
	case "backup":
		err = backup(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		err = healthcheck(ctx, args, getenv, stdout, stderr)
	case "doctor":
		err = doctor(ctx, args, getenv, stdout, stderr)
	default:
		err = fmt.Errorf("unknown command %q (commands: serve, validate, rescore, publish, admin, backup, healthcheck, doctor; -h for help)", cmd)
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
	// The log is buffered while serving: one write(2) per request line was
	// a tenth of a kept page's CPU. It is written out every logFlushInterval,
	// at once for a warning or an error, and when serving ends.
	logs := httpx.NewLogBuffer(stderr, logFlushInterval)
	defer logs.Close()
	log := cfg.bufferedLogger(logs)
	err = serveWith(ctx, cfg, log)
	if err != nil && ctx.Err() != nil && !errors.Is(err, errShutdown) {
		// Stopped while starting (say, waiting for the database): a stop
		// asked for, not a failure.
		log.Info("stopped before the server was up", slog.String("reason", oneLine(err.Error())))
		return nil
	}
	return err
}

// logFlushInterval bounds how long a line of INFO waits in the log buffer,
// and so how much of the request log a crash can lose.
const logFlushInterval = 100 * time.Millisecond

// errShutdown marks a failure of the shutdown itself, which is reported
// even though it happens after the stop was asked for.
var errShutdown = errors.New("shutdown")

func serveWith(ctx context.Context, cfg *config, log *slog.Logger) error {
	st, problems := prepareStart(cfg, log)
	if len(problems) > 0 {
		return joinProblems(problems)
	}
	// Bound before the database is opened, so an address in use stops the
	// start before anything is migrated.
	lns, err := cfg.listen()
	if err != nil {
		return err
	}
	defer lns.close()
	var m *metrics.Set
	opts := []data.Option{data.Logger(log), data.WaitFor(cfg.DBWait)}
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
	hashKey, blockKey, err := sessionKeys(cfg.env("FITCHECK_SESSION_KEY"), sessionKeyFile(cfg.DB))
	if err != nil {
		return err
	}
	notifier := newNotifier(cfg, st.channels, store, st.q, log)
	var tests web.Notifier
	if notifier != nil { // a nil *notify.Worker in the interface would not read as none
		tests = notifier
	}
	embedOrigins, _ := cfg.embedOrigins() // check refused anything else
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
		CalComWebhookSecret:  cfg.env("FITCHECK_CALCOM_WEBHOOK_SECRET"),
		CalendlySigningKey:   cfg.env("FITCHECK_CALENDLY_SIGNING_KEY"),
		EmailResults:         cfg.emailResults(),
		Metrics:              m,
		OwnerPhoto:           st.photo,
		TimeZone:             cfg.location(),
		Notifier:             tests,
		SharedResultLifetime: sharedResultLifetime(cfg.DB),
		EmbedOrigins:         embedOrigins,
	}, store, st.q, log)
	if err != nil {
		return err
	}
	for _, w := range st.warnings {
		log.Warn(w)
	}
	setupURL, err := srv.SetupURL(ctx)
	if err != nil {
		return err
	}
	// Background work outlives the signal: the worker keeps delivering
	// while the server drains, and stops (recording the attempts under
	// way) only once the last request is answered. Deferred after
	// store.Close, so it runs first.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	defer startNotifier(work, notifier)()
	if m != nil {
		m.WatchOutbox(store.CountDeliveries)
		defer serveMetrics(lns.metrics, m, log)()
	}
	go sweep(work, store, srv.ApplyRetention, cfg.RetainDays, log)
	followQuestionnaire(work, srv.Questionnaires(), cfg.Questionnaire, log)
	return serveHTTP(ctx, cfg, lns, srv, st.tls, log, srv.Questionnaires().Current(), setupURL)
}

// shutdownTimeout bounds how long a stopping server waits, after the drain,
// for the requests in flight. The container's stop grace and systemd's
// TimeoutStopSec must exceed -drain-period plus this (docs/deploy.md).
const shutdownTimeout = 10 * time.Second

// serveHTTP serves srv on the main listener until ctx ends, over TLS when
// tlsCfg is set (its ACME listener, if any, runs beside it), then drains:
// /readyz answers 503 and every response asks its client to close the
// connection, for -drain-period, while requests are still served; then the
// listener closes, idle connections close, and the requests in flight
// finish.
func serveHTTP(ctx context.Context, cfg *config, lns *listeners, srv *web.Server, tlsCfg *tlsListener, log *slog.Logger, q *assessment.Questionnaire, setupURL string) error {
	ln := lns.main
	scheme := "http"
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg.config)
		scheme = "https"
		if tlsCfg.acmeHTTP != nil {
			defer tlsCfg.serveACMEHTTP(lns.acme, log)()
		}
	}
	hs := &http.Server{
		Handler:           closeWhileDraining(srv),
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
	srv.Drain()
	log.Info("draining: /readyz answers 503 while requests are still served", slog.String("drain_period", cfg.DrainPeriod.String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-time.After(cfg.DrainPeriod):
	}
	log.Info("shutting down: no new connections; finishing the requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close()
		return fmt.Errorf("%w: requests still in flight after %s: %w", errShutdown, shutdownTimeout, err)
	}
	log.Info("stopped")
	return nil
}

// closeWhileDraining serves srv, and once it drains asks each HTTP/1
// client to close its connection after the response, so keep-alive
// connections end one by one, each after an answered request, rather than
// all at once when the listener closes. (HTTP/2 gets a GOAWAY at shutdown.)
func closeWhileDraining(srv *web.Server) http.Handler {
	h := srv.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 1 && srv.Draining() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// sweep runs housekeeping hourly: expired drafts and owner sessions go, so
// abandoned answers do not linger past their thirty days, and with
// -retain-days old assessments go too, through retain, which also forgets
// the pages the server kept of them. It also marks for the review desk
// what an older release changed during a rolling upgrade
// (data.Store.CatchUpDesk).
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
	n, err = store.CatchUpDesk(ctx)
	report("filled in the review desk's marks on assessments an older fitcheck changed", n, err)
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
	// Read-only: a backup copies the database as it is, and never migrates
	// it under a running server of another version.
	store, err := data.OpenReadOnly(ctx, cfg.DB, data.Logger(cfg.logger(stderr)))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
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
	} else if err := checkSecretLength(secret); err != nil {
		return nil, nil, err
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

// serveMetrics serves Prometheus metrics at /metrics on ln, a listener of
// its own so the site's public address never shows them.
func serveMetrics(ln net.Listener, m *metrics.Set, log *slog.Logger) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	log.Info("serving metrics", slog.String("metrics_at", "http://"+ln.Addr().String()+"/metrics"))
	return func() { hs.Close() }
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

// oneLine folds a multi-line message (PostgreSQL's driver puts each address
// it tried on a line of its own) onto one line, for a log line per event.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
