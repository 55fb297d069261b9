package main

import (
	"fmt"
	"io"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// validate checks a content file, runs its examples, and prints for each
// example what decided it and what single answer would change it, so an
// owner tuning weights sees where every example sits against its lines.
func validate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, fs, err := parseConfig("fitcheck validate", args, getenv, stderr)
	if err != nil {
		return err
	}
	path := cfg.Questionnaire
	if fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	q, err := loadQuestionnaire(path)
	if err != nil {
		return err
	}
	if path == "" {
		path = "embedded questionnaire"
	}
	fmt.Fprintf(stdout, "%s is valid: %d steps, %d questions, %d criteria, %d rules; all %d examples give their expected outcome (version %s)\n",
		path, len(q.Steps), q.QuestionCount(), len(q.Criteria), len(q.Rules), len(q.Examples), q.Version[:12])
	for _, ex := range q.Examples {
		writeExample(stdout, q, ex)
	}
	return nil
}

// writeExample prints one example's outcome, its decisive criteria with the
// answers behind them, the tension it shows, if any, and its near-misses.
func writeExample(w io.Writer, q *assessment.Questionnaire, ex assessment.Example) {
	res := rules.EvaluateWithNearMiss(q, ex.Answers)
	fmt.Fprintf(w, "\nexample %q: %s (rule %s)\n", ex.Name, res.Outcome, res.Rule)
	if len(res.Decisive) == 0 {
		fmt.Fprintln(w, "  decided by: no criterion (the fallback rule)")
	}
	for _, d := range res.Decisive {
		movers := make([]string, len(d.Answers))
		for i, a := range d.Answers {
			movers[i] = fmt.Sprintf("%s=%s %+d", a.Question, a.Option, a.Points)
		}
		if len(movers) == 0 {
			movers = []string{"no answer moved it"}
		}
		fmt.Fprintf(w, "  decided by: %s is %s (%s)\n", d.Criterion, d.Level, strings.Join(movers, ", "))
	}
	if t := res.Tension; t != nil {
		aside := ""
		if t.SetAside != "" {
			aside = " (the description decides: sets aside " + t.SetAside + ")"
		}
		fmt.Fprintf(w, "  tension: %s%s\n", t.ID, aside)
	}
	if len(res.NearMiss) == 0 {
		fmt.Fprintln(w, "  clear-cut: no single answer changes the outcome")
	}
	for _, n := range res.NearMiss {
		fmt.Fprintf(w, "  would change: %s [%s] -> [%s] gives %s\n",
			n.Question, strings.Join(n.From, " "), strings.Join(n.To, " "), n.Outcome)
	}
}
