package assessment_test

import (
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestWordCount(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"A full-time PM's job, not a part-time leader's.", 8},
		{"Free 30-minute call · no pitch · pick a time next", 9},
		{"  spaced   out  ", 2},
	} {
		if got := assessment.WordCount(tt.text); got != tt.want {
			t.Errorf("WordCount(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestAddressesReader(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Your team can build.", true},
		{"What you hope for", true},
		{"You're ready", true},
		{"The team can build; a young company decides.", false},
		{"Their leaders mean to take part.", false},
	} {
		if got := assessment.AddressesReader(tt.text); got != tt.want {
			t.Errorf("AddressesReader(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestWhyOf: the rule's own why comes first, then the outcome's; a file
// with neither gives the stored reason, and no neutral sentence.
func TestWhyOf(t *testing.T) {
	q := &assessment.Questionnaire{
		Outcomes: []assessment.Outcome{{ID: "book-a-call", Why: "Outcome why.", WhyNeutral: "Outcome neutral."}, {ID: "hire-a-pm"}},
		Rules: []assessment.Rule{
			{ID: "own", Outcome: "book-a-call", Why: "Rule why.", WhyNeutral: "Rule neutral."},
			{ID: "plain", Outcome: "book-a-call"},
			{ID: "old", Outcome: "hire-a-pm"},
		},
	}
	for _, tt := range []struct {
		rule, outcome, reason string
		why, neutral          string
	}{
		{"own", "book-a-call", "Long reason.", "Rule why.", "Rule neutral."},
		{"plain", "book-a-call", "Long reason.", "Outcome why.", "Outcome neutral."},
		{"old", "hire-a-pm", "Stored reason.", "Stored reason.", ""},
		{"gone", "book-a-call", "Stored reason.", "Outcome why.", "Outcome neutral."},
	} {
		why, neutral := q.WhyOf(assessment.Result{Rule: tt.rule, Outcome: tt.outcome, Reason: tt.reason})
		if why != tt.why || neutral != tt.neutral {
			t.Errorf("WhyOf(rule %s) = %q, %q; want %q, %q", tt.rule, why, neutral, tt.why, tt.neutral)
		}
	}
}

// TestDefaultWhys: every result of the default content opens on a why of
// at most twenty words, and a shared link on one without "you".
func TestDefaultWhys(t *testing.T) {
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range q.Rules {
		why, neutral := q.WhyOf(assessment.Result{Rule: r.ID, Outcome: r.Outcome, Reason: r.Reason})
		if n := assessment.WordCount(why); n == 0 || n > assessment.MaxWhyWords {
			t.Errorf("rule %s: why %q has %d words, want 1 to %d", r.ID, why, n, assessment.MaxWhyWords)
		}
		if neutral == "" || assessment.AddressesReader(neutral) {
			t.Errorf("rule %s: neutral why %q, want one without you", r.ID, neutral)
		}
	}
}
