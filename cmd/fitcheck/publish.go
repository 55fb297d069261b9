package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
)

// publish puts a questionnaire file in force on every instance serving the
// database, as the rules lab's Publish does: the file must be valid and
// every example must pass. Instances serve it within a few seconds, without
// a restart; it is a security event, logged to stderr as the server logs
// its own.
func publish(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parseConfig("fitcheck publish", args, getenv, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: fitcheck publish [-db DB] FILE")
	}
	path := fs.Arg(0)
	content, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read questionnaire: %w", err)
	}
	q, err := rules.Load(content)
	if err != nil {
		return fmt.Errorf("%s cannot be published: %w", path, err)
	}
	// A missing SQLite file would be created empty: say so instead.
	if _, err := os.Stat(cfg.DB); err != nil && !data.IsPostgres(cfg.DB) {
		return fmt.Errorf("open %s: %w (point -db at the site's database)", cfg.DB, err)
	}
	store, err := data.Open(ctx, cfg.DB, data.Logger(cfg.logger(stderr)))
	if err != nil {
		return err
	}
	defer store.Close()
	before, published, err := questionnaireInForce(ctx, store, cfg.Questionnaire)
	if err != nil {
		return err
	}
	if published == nil {
		// The file is what every instance serves until now: stored, so the
		// versions page can compare against it and roll back to it.
		if err := store.SaveQuestionnaire(ctx, before.Version, before.Source, time.Now()); err != nil {
			return err
		}
	}
	if before.Version == q.Version {
		fmt.Fprintf(stdout, "version %s is in force already: nothing published\n", q.Version[:12])
		return nil
	}
	by := operatorName(getenv)
	p := &assessment.Publication{Version: q.Version, Replaced: before.Version, By: by, At: time.Now().UTC()}
	if err := store.PublishQuestionnaire(ctx, p, q.Source); err != nil {
		return err
	}
	slog.New(slog.NewTextHandler(stderr, nil)).Info("security event",
		slog.String("security_event", "questionnaire_published"), slog.String("account", by), slog.String("via", "command line"),
		slog.String("version", p.Version), slog.String("replaced", p.Replaced))
	fmt.Fprintf(stdout, "published %s as version %s, replacing %s; every instance on %s serves it within a few seconds\n",
		path, q.Version[:12], before.Version[:12], store.Engine())
	writeChanges(stdout, assessment.Diff(before, q))
	return nil
}

// questionnaireInForce is the version the database says is in force:
// the latest publication, or, before the first (published is nil), the
// file the server is configured with (-questionnaire, or the built-in one).
// It only reads.
func questionnaireInForce(ctx context.Context, store *data.Store, file string) (q *assessment.Questionnaire, published *assessment.Publication, err error) {
	published, err = store.FindLatestPublication(ctx)
	if errors.Is(err, assessment.ErrNotFound) {
		q, err = loadQuestionnaire(file)
		return q, nil, err
	}
	if err != nil {
		return nil, nil, err
	}
	source, err := store.FindQuestionnaire(ctx, published.Version)
	if err != nil {
		return nil, published, err
	}
	if q, err = assessment.Parse(source); err != nil {
		return nil, published, fmt.Errorf("the published version %s cannot be read by this build: %w", published.Version[:12], err)
	}
	return q, published, nil
}

// operatorName is who publishes from the command line: the system user,
// marked as such.
func operatorName(getenv func(string) string) string {
	name := getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		return "command line"
	}
	return name + " (command line)"
}

// writeChanges prints what changed, in words, under each area.
func writeChanges(w io.Writer, changes []assessment.Change) {
	if len(changes) == 0 {
		fmt.Fprintln(w, "It asks and decides the same as the version before; only comments or spacing differ.")
		return
	}
	area := ""
	for _, c := range changes {
		if c.Area != area {
			area = c.Area
			fmt.Fprintf(w, "\n%s:\n", area)
		}
		fmt.Fprintf(w, "  - %s\n", strings.TrimSpace(c.Text))
	}
}
