package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/data"
)

// doctor looks over an installation the way serve would start it, and
// changes nothing: the database is opened read-only, no migration is
// applied, no file is created or chmod'ed. Each area gets a line: "ok",
// "note" (what the first start will do, or a state worth knowing), "warn"
// (works, but most likely wants changing) or "FIX" (the server would
// refuse to start, or could not serve). The last line sums up; the exit
// code is 0 when nothing needs fixing and 1 otherwise, so it can gate a
// deploy.
func doctor(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	r := &doctorReport{w: stdout}
	cfg, _, err := parseConfig("fitcheck doctor", args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		var problems configProblems
		if errors.As(err, &problems) {
			for _, p := range problems {
				r.fix("configuration", p)
			}
		} else {
			r.fix("configuration", err.Error())
		}
		return r.finish()
	}
	d := &doctorRun{cfg: cfg, r: r}
	defer d.close()
	for _, c := range doctorChecks {
		before := r.fixes + r.warns + r.notes
		c.run(ctx, d)
		if r.fixes+r.warns+r.notes == before {
			r.line("ok  ", c.name, "")
		}
	}
	return r.finish()
}

// doctorReport writes doctor's lines and counts them.
type doctorReport struct {
	w                   io.Writer
	fixes, warns, notes int
}

func (r *doctorReport) line(kind, area, msg string) {
	if msg == "" {
		fmt.Fprintf(r.w, "%s %s\n", kind, area)
		return
	}
	fmt.Fprintf(r.w, "%s %s: %s\n", kind, area, msg)
}

func (r *doctorReport) fix(area, msg string)  { r.fixes++; r.line("FIX ", area, msg) }
func (r *doctorReport) warn(area, msg string) { r.warns++; r.line("warn", area, msg) }
func (r *doctorReport) note(area, msg string) { r.notes++; r.line("note", area, msg) }

// finish writes the one-line summary, last, and returns the verdict.
func (r *doctorReport) finish() error {
	extra := ""
	if r.warns+r.notes > 0 {
		extra = fmt.Sprintf(" (%s, %s above)", count(r.warns, "warning"), count(r.notes, "note"))
	}
	if r.fixes == 0 {
		fmt.Fprintf(r.w, "ready: nothing to fix%s\n", extra)
		return nil
	}
	fmt.Fprintf(r.w, "not ready: %d to fix (the FIX lines above)%s\n", r.fixes, extra)
	return errReported
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// errReported is a failure already told to the user in full; main exits 1
// without printing it again.
var errReported = errors.New("reported")

// doctorCheck is one area fitcheck doctor looks at.
type doctorCheck struct {
	name string
	run  func(ctx context.Context, d *doctorRun)
}

// doctorChecks are run in order; each reports through d.r.
var doctorChecks = []doctorCheck{
	{"configuration", checkStart},
	{"addresses", checkAddressesFree},
	{"files", checkFiles},
	{"database", checkDatabase},
	{"questionnaire in force", checkQuestionnaireInForce},
	{"disk space", checkDiskSpace},
}

// doctorRun is what the checks share.
type doctorRun struct {
	cfg   *config
	r     *doctorReport
	store *data.Store
}

func (d *doctorRun) close() {
	if d.store != nil {
		d.store.Close()
	}
}

// checkStart runs what serve runs before it opens the database
// (prepareStart) and reports what would stop it, and what it would warn of.
func checkStart(_ context.Context, d *doctorRun) {
	st, problems := prepareStart(d.cfg, slog.New(slog.DiscardHandler))
	for _, p := range problems {
		d.r.fix(p.area, oneLine(p.err.Error()))
	}
	for _, w := range st.warnings {
		d.r.warn("configuration", w)
	}
	if !d.cfg.tls() && d.cfg.TrustedProxy == "" && !isLoopback(d.cfg.Addr) {
		d.r.warn("configuration", fmt.Sprintf("-addr %s is reachable from other machines over plain HTTP: serve TLS (-tls-cert/-tls-key or -acme-domain), or listen on loopback behind a reverse proxy and set -trusted-proxies", d.cfg.Addr))
	}
	if d.cfg.ACMEDomain != "" {
		if _, port, err := net.SplitHostPort(d.cfg.Addr); err == nil && port != "443" {
			d.r.warn("configuration", fmt.Sprintf("-acme-domain is set but -addr %s is not port 443, where browsers will look for https://%s (use -addr :443, or forward 443 to it)", d.cfg.Addr, d.cfg.ACMEDomain))
		}
	}
	keyFile := sessionKeyFile(d.cfg.DB)
	if d.cfg.env("FITCHECK_SESSION_KEY") == "" && keyFile != "" {
		switch info, err := os.Stat(keyFile); {
		case errors.Is(err, os.ErrNotExist):
			d.r.note("session key", fmt.Sprintf("no %s yet: the first start makes one (mode 0600)", keyFile))
		case err == nil && info.Mode().Perm()&0o077 != 0:
			d.r.warn("session key", fmt.Sprintf("%s is readable by others (mode %v): chmod 600 %s", keyFile, info.Mode().Perm(), keyFile))
		}
	}
}

// checkAddressesFree binds every address serve would, as serve does, and
// lets go at once. An address taken by a fitcheck that answers there is
// that server itself (doctor run beside it), not a problem.
func checkAddressesFree(ctx context.Context, d *doctorRun) {
	lns, err := d.cfg.listen()
	if err == nil {
		lns.close()
		return
	}
	var le *listenError
	if errors.As(err, &le) && le.inUse() && le.setting == "-addr" && fitcheckAnswers(ctx, d.cfg) {
		d.r.note("addresses", fmt.Sprintf("-addr %s is in use by a running fitcheck (this server, presumably): a new one starts there once it stops", d.cfg.Addr))
		return
	}
	d.r.fix("addresses", err.Error())
}

// fitcheckAnswers reports whether a fitcheck server answers /healthz at the
// configuration's address.
func fitcheckAnswers(ctx context.Context, cfg *config) bool {
	u, err := cfg.probeURL("/healthz")
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := probeClient(cfg).Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(b)) == "ok" && resp.Header.Get("X-Request-Id") != ""
}

func checkFiles(_ context.Context, d *doctorRun) {
	if !data.IsPostgres(d.cfg.DB) {
		dir := filepath.Dir(d.cfg.DB)
		// SQLite writes its -wal and -shm files beside the database, so the
		// directory, not only the file, must be writable.
		if err := writableDir(dir); err != nil {
			d.r.fix("files", fmt.Sprintf("cannot create files in %s, where the database and its journal live: %v", dir, err))
		}
		for _, f := range []string{d.cfg.DB, d.cfg.DB + "-wal", d.cfg.DB + "-shm"} {
			if info, err := os.Stat(f); err == nil && info.Mode().Perm()&0o077 != 0 {
				d.r.note("files", fmt.Sprintf("%s is readable by others (mode %v): the next start makes it 0600 (or: chmod 600 %s)", f, info.Mode().Perm(), f))
			}
		}
	}
	if d.cfg.TLSCert != "" {
		if info, err := os.Stat(d.cfg.TLSKey); err == nil && info.Mode().Perm()&0o077 != 0 {
			d.r.warn("files", fmt.Sprintf("the TLS key %s is readable by others (mode %v): chmod 600 %s", d.cfg.TLSKey, info.Mode().Perm(), d.cfg.TLSKey))
		}
	}
	if d.cfg.ACMEDomain != "" {
		cache := filepath.Join(d.cfg.dataDir(), "acme")
		if _, err := os.Stat(cache); errors.Is(err, os.ErrNotExist) {
			if err := writableDir(filepath.Dir(cache)); err != nil {
				d.r.fix("files", fmt.Sprintf("cannot make the certificate cache %s: %v", cache, err))
			} else {
				d.r.note("files", fmt.Sprintf("the certificate cache %s is made at the first certificate", cache))
			}
		} else if err := writableDir(cache); err != nil {
			d.r.fix("files", fmt.Sprintf("cannot write the certificate cache %s: %v", cache, err))
		}
	}
}

func checkDatabase(ctx context.Context, d *doctorRun) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	store, err := data.OpenReadOnly(ctx, d.cfg.DB, data.Logger(slog.New(slog.DiscardHandler)))
	if errors.Is(err, data.ErrNoDatabase) {
		d.r.note("database", fmt.Sprintf("no database at %s yet: the first start creates it (mode 0600) and applies migrations %s", d.cfg.DB, migrationNames(knownMigrations())))
		return
	}
	if err != nil {
		d.r.fix("database", oneLine(err.Error()))
		return
	}
	d.store = store
	problems, err := store.CheckSettings(ctx)
	if err != nil {
		problems = append(problems, err.Error())
	}
	for _, p := range problems {
		d.r.fix("database", p)
	}
	st, err := store.Migrations(ctx)
	if err != nil {
		d.r.fix("database", oneLine(err.Error()))
		return
	}
	reportMigrations(d.r, st)
	if store.Engine() == "sqlite" {
		if verdict, err := store.IntegrityCheck(ctx); err != nil || verdict != "ok" {
			d.r.fix("database", fmt.Sprintf("integrity check says %q (%v): restore from a backup (see docs/deploy.md)", verdict, err))
		}
	}
}

// reportMigrations says what the next start will apply, and whether this
// build can serve what a newer one applied.
func reportMigrations(r *doctorReport, st data.MigrationStatus) {
	switch {
	case st.Fresh():
		r.note("database", fmt.Sprintf("an empty database: the first start creates fitcheck's tables (migrations %s)", migrationNames(st.Pending)))
		return
	case len(st.Pending) > 0:
		var breaking []data.Migration
		for _, m := range st.Pending {
			if !m.Compatible {
				breaking = append(breaking, m)
			}
		}
		msg := fmt.Sprintf("migrations %s will be applied at start", migrationNames(st.Pending))
		if len(breaking) > 0 {
			msg += fmt.Sprintf("; %s cannot be run on by older fitcheck binaries: instances still running one answer /readyz 503 until upgraded, so upgrade them together", migrationNames(breaking))
		} else {
			msg += "; older fitcheck binaries still running on this database stay ready (every one is marked compatible)"
		}
		r.note("database", msg)
	}
	if err := st.Servable(); err != nil && len(st.Pending) == 0 {
		r.fix("database", err.Error())
	} else if len(st.Newer) > 0 {
		r.note("database", fmt.Sprintf("a newer fitcheck applied migrations %v, each marked compatible: this build serves the database", st.Newer))
	}
}

// knownMigrations is this build's migrations, for a database that does not
// exist yet.
func knownMigrations() []data.Migration {
	list, _ := data.KnownMigrations("sqlite") // embedded: they always list
	return list
}

func migrationNames(list []data.Migration) string {
	names := make([]string, len(list))
	for i, m := range list {
		names[i] = strings.TrimSuffix(m.Name, ".sql")
	}
	return strings.Join(names, ", ")
}

// minFreeBytes is the free space below which doctor warns: SQLite needs
// room for its journal and for a VACUUM INTO backup beside the database.
const minFreeBytes = 512 << 20

func checkDiskSpace(_ context.Context, d *doctorRun) {
	dir := d.cfg.dataDir()
	if dir == "" {
		return // PostgreSQL without -data-dir: fitcheck writes no files
	}
	free, err := freeBytes(dir)
	if err != nil {
		d.r.warn("disk space", fmt.Sprintf("cannot read free space of %s: %v", dir, err))
		return
	}
	if free < minFreeBytes {
		d.r.warn("disk space", fmt.Sprintf("only %d MiB free in %s; keep at least %d MiB for the journal and backups", free>>20, dir, minFreeBytes>>20))
	}
}
