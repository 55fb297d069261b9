package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/data"
	"sessionplayer.studio/fitcheck/rules"
)

// rescore checks a candidate questionnaire as validate does, runs its
// examples, and prints what it would change in stored history. Nothing
// stored changes. It fails when the file is invalid or an example fails,
// after printing the table, so a script can gate publishing on it.
func rescore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parseConfig("fitcheck rescore", args, getenv, stderr)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: fitcheck rescore [-db DB] FILE")
	}
	path := fs.Arg(0)
	content, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read candidate questionnaire: %w", err)
	}
	q, err := assessment.Parse(content)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Read-only: re-scoring changes nothing stored, and must not migrate
	// the database under a running server either.
	store, err := data.OpenReadOnly(ctx, cfg.DB, data.Logger(cfg.logger(stderr)))
	if errors.Is(err, data.ErrNoDatabase) {
		return fmt.Errorf("%w (point -db at the site's database)", err)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	sets, err := store.ListAnswerSets(ctx)
	if err != nil {
		return err
	}
	failures := rules.CheckExamples(q)
	printRescore(stdout, q, rules.RescoreAll(q, sets), failures)
	if len(failures) > 0 {
		return &rules.ExamplesError{Failures: failures}
	}
	return nil
}

func printRescore(w io.Writer, q *assessment.Questionnaire, r rules.Rescore, failures []rules.ExampleFailure) {
	fmt.Fprintf(w, "Examples: %d of %d give their expected outcome\n", len(q.Examples)-len(failures), len(q.Examples))
	for _, f := range failures {
		fmt.Fprintf(w, "  FAIL %s\n", f)
	}
	fmt.Fprintf(w, "\nRe-scored %d stored assessments: %d would change outcome (stored results are unchanged)\n", r.Total, len(r.Changed))
	if len(r.Moves) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nFROM\tTO\tCOUNT")
		for _, m := range r.Moves {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", m.From, m.To, m.Count)
		}
		tw.Flush()
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nID\tANSWERED\tFROM\tTO\tNOTE")
		for _, c := range r.Changed {
			note := ""
			if c.Unmapped {
				note = "has answers this file cannot read"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", c.ID, c.Set.CreatedAt.UTC().Format("2006-01-02 15:04"), c.From, c.To, note)
		}
		tw.Flush()
	}
	if len(r.Unmapped) > 0 {
		fmt.Fprintln(w, "\nStored answers this file cannot read (ignored, not guessed):")
		for _, u := range r.Unmapped {
			fmt.Fprintf(w, "  %s (%d assessments)\n", u, u.Count)
		}
	}
}
