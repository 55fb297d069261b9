package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/password"
)

const adminUsage = `usage:
  fitcheck admin add-user EMAIL       add an owner account
  fitcheck admin set-password EMAIL   set a new password (signs that owner out everywhere)
  fitcheck admin list-users           list owner accounts
The database is chosen with -db / FITCHECK_DB, as for serve`

// admin manages owner accounts from the command line.
func admin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New(adminUsage)
	}
	sub := args[0]
	cfg, fs, err := parseConfig("fitcheck admin "+sub, args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	log := cfg.logger(stderr)
	if sub == "list-users" {
		// Reading needs no migration: list-users never changes the database.
		store, err := data.OpenReadOnly(ctx, cfg.DB, data.Logger(log))
		if errors.Is(err, data.ErrNoDatabase) {
			return listUsers(ctx, nil, stdout)
		}
		if err != nil {
			return err
		}
		defer store.Close()
		return listUsers(ctx, store, stdout)
	}
	if err := refuseToMigrate(ctx, cfg.DB, log); err != nil {
		return err
	}
	store, err := data.Open(ctx, cfg.DB, data.Logger(log), data.WaitFor(cfg.DBWait))
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "add-user", "set-password":
		if fs.NArg() != 1 {
			return errors.New(adminUsage)
		}
		email, err := normalEmail(fs.Arg(0))
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if sub == "add-user" {
			return addUser(ctx, store, email, pw, stdout, log)
		}
		return setPassword(ctx, store, email, pw, stdout, log)
	}
	return fmt.Errorf("unknown admin command %q\n%s", sub, adminUsage)
}

// refuseToMigrate stops an admin command that would migrate a database in
// use: a new binary's add-user run beside the old server would otherwise
// move the database on under it. A database not made yet, or an empty
// one, is made as the server would make it.
func refuseToMigrate(ctx context.Context, db string, log *slog.Logger) error {
	ro, err := data.OpenReadOnly(ctx, db, data.Logger(log))
	if errors.Is(err, data.ErrNoDatabase) {
		return nil
	}
	if err != nil {
		return err
	}
	defer ro.Close()
	st, err := ro.Migrations(ctx)
	if err != nil {
		return err
	}
	if len(st.Pending) > 0 && !st.Fresh() {
		return fmt.Errorf("this fitcheck would first apply migrations %s to the database, under the server that runs on it: start this version's server (it migrates), or use the fitcheck the database is at", migrationNames(st.Pending))
	}
	return nil
}

func normalEmail(s string) (string, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || addr.Address != strings.TrimSpace(s) {
		return "", fmt.Errorf("%q is not an email address", s)
	}
	return strings.ToLower(addr.Address), nil
}

// readPassword prompts twice without echo on a terminal, and otherwise
// reads one line from stdin (for scripts: echo "$PW" | fitcheck admin …).
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := promptHidden(f, prompt, "New password: ")
		if err != nil {
			return "", err
		}
		again, err := promptHidden(f, prompt, "Same password again: ")
		if err != nil {
			return "", err
		}
		if first != again {
			return "", errors.New("the two passwords differ; nothing was changed")
		}
		pw = first
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if msg := password.CheckRules(pw); msg != "" {
		return "", errors.New(msg)
	}
	return pw, nil
}

func promptHidden(f *os.File, prompt io.Writer, label string) (string, error) {
	fmt.Fprint(prompt, label)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

func addUser(ctx context.Context, store *data.Store, email, pw string, stdout io.Writer, log *slog.Logger) error {
	now := time.Now().UTC()
	o := &assessment.Owner{Email: email, PasswordHash: password.Hash(pw), CreatedAt: now, UpdatedAt: now}
	if err := store.CreateOwner(ctx, o); err != nil {
		if errors.Is(err, assessment.ErrConflict) {
			return fmt.Errorf("%s already has an account; use set-password to change its password", email)
		}
		return err
	}
	securityEvent(log, "owner_added", email)
	fmt.Fprintf(stdout, "added %s; they can sign in at /admin\n", email)
	return nil
}

func setPassword(ctx context.Context, store *data.Store, email, pw string, stdout io.Writer, log *slog.Logger) error {
	if err := store.SetOwnerPassword(ctx, email, password.Hash(pw), time.Now().UTC()); err != nil {
		if errors.Is(err, assessment.ErrNotFound) {
			return fmt.Errorf("there is no account for %s; use add-user to make one", email)
		}
		return err
	}
	securityEvent(log, "password_changed", email)
	fmt.Fprintf(stdout, "password changed for %s; their sessions are signed out\n", email)
	return nil
}

// securityEvent logs an account change made from the command line as the
// server logs its security events (and in its -log-format), so an
// operator's log search finds both.
func securityEvent(log *slog.Logger, event, account string) {
	log.Info("security event",
		slog.String("security_event", event), slog.String("account", account), slog.String("via", "command line"))
}

// listUsers lists the owners; a nil store is a database not made yet.
func listUsers(ctx context.Context, store *data.Store, stdout io.Writer) error {
	var owners []assessment.Owner
	if store != nil {
		var err error
		if owners, err = store.ListOwners(ctx); err != nil {
			return err
		}
	}
	if len(owners) == 0 {
		fmt.Fprintln(stdout, "no owner accounts yet: start the server for a one-time setup link, or use add-user")
		return nil
	}
	for _, o := range owners {
		fmt.Fprintf(stdout, "%s\tadded %s\n", o.Email, o.CreatedAt.Format("2006-01-02"))
	}
	return nil
}
