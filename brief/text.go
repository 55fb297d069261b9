package brief

import (
	"fmt"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// Text is the brief as plain text, for pasting into a calendar invite or a
// note, in the page's order: who, their words, the verdict, the questions,
// then the rest; one section per heading, lines under 80 characters where
// words allow.
func (b Brief) Text(title string) string {
	// The title names the founder in their own words: one line, whatever
	// is stored, so it cannot forge a heading or a line below it.
	title = assessment.CleanLine(title)
	var w strings.Builder
	fmt.Fprintf(&w, "%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
	section(&w, "Who", b.Who.lines())
	var lines []string
	for _, q := range b.Words {
		lines = append(lines, fmt.Sprintf("\"%s\" (%s)", q.Text, q.Prompt))
	}
	section(&w, "In their own words", lines)
	fmt.Fprintf(&w, "\nVerdict: %s\n%s\n", b.OutcomeLabel, strings.Repeat("-", len([]rune("Verdict: "+b.OutcomeLabel))))
	wrap(&w, "", b.Why)
	if t := b.ResultTension; t != nil {
		lines := []string{t.Text}
		if t.SetAside != "" {
			lines = append(lines, "What they asked for alone would have read: "+t.SetAside)
		}
		section(&w, "Asked for one thing, described another", lines)
	}
	section(&w, "Ask on the first call", b.Questions)
	section(&w, "What decided it", signalLines(b.Deciding))
	section(&w, "Also strong", signalLines(b.Strongest))
	section(&w, "Weakest signals", signalLines(b.Weakest))
	section(&w, "Signals against", signalLines(b.Against))
	lines = nil
	for _, t := range b.Tensions {
		lines = append(lines, t.Label)
	}
	section(&w, "Tensions to explore", lines)
	lines = nil
	for _, a := range b.Tried {
		lines = append(lines, a.Label+": "+a.Symptom)
	}
	section(&w, "Already tried, and why it treats a symptom", lines)
	lines = nil
	for _, n := range b.NearMiss {
		verb := "answered"
		if n.Removed {
			verb = "not ticked"
		}
		lines = append(lines, fmt.Sprintf("%s %s \"%s\": %s", n.Prompt, verb, n.Answer, n.Outcome))
	}
	section(&w, "One answer away", lines)
	return w.String()
}

// lines are who the founder is, a line a fact, as the text prints them.
// Each fact is flattened to one line, as the title is: a row stored
// before contact fields were cleaned cannot forge a line below it.
func (who Who) lines() []string {
	var out []string
	add := func(label, v string) {
		if v = assessment.CleanLine(v); v != "" {
			out = append(out, label+": "+v)
		}
	}
	if who.Anonymous {
		out = append(out, "Anonymous: left no contact details")
	}
	add("Name", who.Name)
	add("E-mail", who.Email)
	add("Company", who.Company)
	add("Role", who.Role)
	add("Came from", who.Source)
	add("Answered", who.Answered)
	return out
}

func signalLines(s []Signal) []string {
	var out []string
	for _, sig := range s {
		line := fmt.Sprintf("%s: %s (%d of %d)", sig.Label, strings.ToLower(sig.Level), sig.Score, sig.Max)
		if len(sig.Answers) > 0 {
			line += ", from: " + strings.Join(sig.Answers, "; ")
		}
		out = append(out, line)
	}
	return out
}

func section(w *strings.Builder, heading string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n%s\n", heading, strings.Repeat("-", len([]rune(heading))))
	for _, l := range lines {
		wrap(w, "- ", l)
	}
}

// wrap writes text after prefix, folded at 78 columns with a hanging indent.
func wrap(w *strings.Builder, prefix, text string) {
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	for _, word := range strings.Fields(text) {
		if len([]rune(line))+1+len([]rune(word)) > 78 && strings.TrimSpace(line) != strings.TrimSpace(prefix) {
			w.WriteString(strings.TrimRight(line, " ") + "\n")
			line = indent
		}
		if line != prefix && line != indent {
			line += " "
		}
		line += word
	}
	w.WriteString(line + "\n")
}
