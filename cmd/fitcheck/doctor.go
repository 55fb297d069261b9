package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"sessionplayer.studio/fitcheck/data"
)

// doctor looks over an installation the way serve would run it and prints,
// for each area, either "ok" or what is wrong and how to fix it. It fails
// when anything needs fixing, so it can gate a deploy.
func doctor(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("fitcheck doctor", args, getenv, stderr)
	if err != nil {
		fmt.Fprintf(stdout, "FIX  configuration: %v\n", err)
		return errors.New("doctor: the configuration needs fixing first")
	}
	d := &doctorRun{cfg: cfg, getenv: getenv}
	defer d.close()
	failed := 0
	for _, c := range doctorChecks {
		problems := c.run(ctx, d)
		if len(problems) == 0 && len(d.notes) == 0 {
			fmt.Fprintf(stdout, "ok   %s\n", c.name)
			continue
		}
		for _, n := range d.notes {
			fmt.Fprintf(stdout, "note %s: %s\n", c.name, n)
		}
		d.notes = nil
		if len(problems) == 0 {
			continue
		}
		failed++
		for _, p := range problems {
			fmt.Fprintf(stdout, "FIX  %s: %s\n", c.name, p)
		}
	}
	if failed > 0 {
		return fmt.Errorf("doctor: %d of %d checks need fixing", failed, len(doctorChecks))
	}
	return nil
}

// doctorCheck is one area fitcheck doctor looks at. run returns what to
// fix, one sentence each; none means the area is fine.
type doctorCheck struct {
	name string
	run  func(ctx context.Context, d *doctorRun) []string
}

// doctorChecks are run in order. Each is independent of the others (the
// database is opened once, on first use), so a new area, such as mail or
// webhook reachability, is one more entry here with its own function.
var doctorChecks = []doctorCheck{
	{"configuration", checkConfiguration},
	{"session key", checkSessionKey},
	{"files", checkFiles},
	{"database", checkDatabase},
	{"questionnaire in force", checkQuestionnaireInForce},
	{"disk space", checkDiskSpace},
}

// doctorRun is what the checks share: the configuration, and the store,
// opened at most once.
type doctorRun struct {
	cfg      *config
	getenv   func(string) string
	store    *data.Store
	storeErr error
	opened   bool
	notes    []string // what a check says that needs no fixing, printed after it
}

// note records a state worth knowing that needs no fixing.
func (d *doctorRun) note(msg string) { d.notes = append(d.notes, msg) }

// openStore opens the database as serve would (applying any migrations it
// lacks). A SQLite file that does not exist is not created.
func (d *doctorRun) openStore(ctx context.Context) (*data.Store, error) {
	if !d.opened {
		d.opened = true
		if !data.IsPostgres(d.cfg.DB) {
			if _, err := os.Stat(d.cfg.DB); err != nil {
				d.storeErr = fmt.Errorf("no database at %s yet (fitcheck serve creates it): %w", d.cfg.DB, err)
				return nil, d.storeErr
			}
		}
		d.store, d.storeErr = data.Open(ctx, d.cfg.DB)
	}
	return d.store, d.storeErr
}

func (d *doctorRun) close() {
	if d.store != nil {
		d.store.Close()
	}
}

func checkConfiguration(_ context.Context, d *doctorRun) []string {
	var problems []string
	if _, err := loadQuestionnaire(d.cfg.Questionnaire); err != nil {
		problems = append(problems, err.Error())
	}
	if d.cfg.BaseURL == "" {
		problems = append(problems, "-base-url is not set: share links and e-mailed links need the site's public address (e.g. https://fit.example.com)")
	}
	if !d.cfg.tls() && d.cfg.TrustedProxy == "" && !isLoopback(d.cfg.Addr) {
		problems = append(problems, fmt.Sprintf("-addr %s is reachable from other machines over plain HTTP: serve TLS (-tls-cert/-tls-key or -acme-domain), or listen on loopback behind a reverse proxy and set -trusted-proxies", d.cfg.Addr))
	}
	if d.cfg.ACMEDomain != "" {
		if _, port, err := net.SplitHostPort(d.cfg.Addr); err == nil && port != "443" {
			problems = append(problems, fmt.Sprintf("-acme-domain is set but -addr %s is not port 443, where browsers will look for https://%s (use -addr :443, or forward 443 to it)", d.cfg.Addr, d.cfg.ACMEDomain))
		}
	}
	return problems
}

func checkSessionKey(_ context.Context, d *doctorRun) []string {
	secret := d.getenv("FITCHECK_SESSION_KEY")
	keyFile := sessionKeyFile(d.cfg.DB)
	switch {
	case secret != "" && len(secret) < 32:
		return []string{"FITCHECK_SESSION_KEY is shorter than 32 characters; make a new one with: openssl rand -hex 32"}
	case secret != "":
		return nil
	case keyFile == "":
		return []string{errSessionKeyRequired.Error()}
	}
	info, err := os.Stat(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // serve makes one, readable by its user only
	}
	if err != nil {
		return []string{err.Error()}
	}
	if info.Mode().Perm()&0o077 != 0 {
		return []string{fmt.Sprintf("%s is readable by others (mode %v): chmod 600 %s", keyFile, info.Mode().Perm(), keyFile)}
	}
	return nil
}

func checkFiles(_ context.Context, d *doctorRun) []string {
	var problems []string
	if !data.IsPostgres(d.cfg.DB) {
		dir := filepath.Dir(d.cfg.DB)
		// SQLite writes its -wal and -shm files beside the database, so the
		// directory, not only the file, must be writable.
		if err := canCreateIn(dir); err != nil {
			problems = append(problems, fmt.Sprintf("cannot create files in %s, where SQLite keeps its journal: %v", dir, err))
		}
		for _, f := range []string{d.cfg.DB, d.cfg.DB + "-wal"} {
			if info, err := os.Stat(f); err == nil && info.Mode().Perm()&0o007 != 0 {
				problems = append(problems, fmt.Sprintf("%s is open to every user (mode %v): chmod o-rwx %s", f, info.Mode().Perm(), f))
			}
		}
	}
	if d.cfg.TLSCert != "" {
		for _, f := range []string{d.cfg.TLSCert, d.cfg.TLSKey} {
			if _, err := os.ReadFile(f); err != nil {
				problems = append(problems, fmt.Sprintf("cannot read %s: %v", f, err))
			}
		}
		if info, err := os.Stat(d.cfg.TLSKey); err == nil && info.Mode().Perm()&0o077 != 0 {
			problems = append(problems, fmt.Sprintf("the TLS key %s is readable by others (mode %v): chmod 600 %s", d.cfg.TLSKey, info.Mode().Perm(), d.cfg.TLSKey))
		}
		if _, err := (&config{TLSCert: d.cfg.TLSCert, TLSKey: d.cfg.TLSKey}).tlsListener(nil); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if d.cfg.ACMEDomain != "" {
		cache := filepath.Join(d.cfg.dataDir(), "acme")
		if err := os.MkdirAll(cache, 0o700); err != nil {
			problems = append(problems, fmt.Sprintf("cannot make the certificate cache %s: %v", cache, err))
		} else if err := canCreateIn(cache); err != nil {
			problems = append(problems, fmt.Sprintf("cannot write the certificate cache %s: %v", cache, err))
		}
	}
	return problems
}

// canCreateIn checks that a file can be made (and removed) in dir.
func canCreateIn(dir string) error {
	f, err := os.CreateTemp(dir, ".fitcheck-doctor-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

func checkDatabase(ctx context.Context, d *doctorRun) []string {
	store, err := d.openStore(ctx)
	if err != nil {
		return []string{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := store.Ping(ctx); err != nil {
		return []string{fmt.Sprintf("the database does not answer: %v", err)}
	}
	problems, err := store.CheckSettings(ctx)
	if err != nil {
		problems = append(problems, err.Error())
	}
	st, err := store.Migrations(ctx)
	switch {
	case err != nil:
		problems = append(problems, err.Error())
	case !st.Current():
		problems = append(problems, fmt.Sprintf("migrations applied %v, this build knows %v: a newer fitcheck has migrated this database; run that version (migrations only go forward)", st.Applied, st.Known))
	}
	if store.Engine() == "sqlite" {
		if verdict, err := store.IntegrityCheck(ctx); err != nil || verdict != "ok" {
			problems = append(problems, fmt.Sprintf("integrity check says %q (%v): restore from a backup (see docs/deploy.md)", verdict, err))
		}
	}
	return problems
}

// minFreeBytes is the free space below which doctor warns: SQLite needs
// room for its journal and for a VACUUM INTO backup beside the database.
const minFreeBytes = 512 << 20

func checkDiskSpace(_ context.Context, d *doctorRun) []string {
	dir := d.cfg.dataDir()
	if dir == "" {
		return nil // PostgreSQL without -data-dir: fitcheck writes no files
	}
	free, err := freeBytes(dir)
	if err != nil {
		return []string{fmt.Sprintf("cannot read free space of %s: %v", dir, err)}
	}
	if free < minFreeBytes {
		return []string{fmt.Sprintf("only %d MiB free in %s; keep at least %d MiB for the journal and backups", free>>20, dir, minFreeBytes>>20)}
	}
	return nil
}
