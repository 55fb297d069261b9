package assessment_test

import (
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// TestDiffInWords: each edit to a content file reads as the owner would
// say it, under its area, and nothing else is reported.
func TestDiffInWords(t *testing.T) {
	base := string(mustRead(t, "minimal.yaml"))
	before, err := assessment.Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		old, new string
		want     []assessment.Change
	}{
		{"a question reworded", "prompt: Which sounds most like your company?", "prompt: Where is your company today?",
			[]assessment.Change{{assessment.AreaQuestions, "The question “Which sounds most like your company?” now reads “Where is your company today?”."}}},
		{"optional said out loud, which it already was", "        max_length: 100", "        max_length: 100\n        required: false",
			nil},
		{"a question made optional", "        prompt: Which sounds most like your company?\n        required: true", "        prompt: Which sounds most like your company?\n        required: false",
			[]assessment.Change{{assessment.AreaQuestions, "“Which sounds most like your company?” is now optional."}}},
		{"a question's type changed", "        type: single\n        prompt: Who turns decisions", "        type: scale\n        prompt: Who turns decisions",
			[]assessment.Change{{assessment.AreaQuestions, "“Who turns decisions into shipped work?” is now answered with a scale (was one choice)."}}},
		{"an option added", "          - id: early\n            label: Early\n",
			"          - id: early\n            label: Early\n          - id: seed\n            label: Seed\n            scores: {clarity: -1}\n",
			[]assessment.Change{{assessment.AreaOptions, "“Which sounds most like your company?” offers a new option, “Seed” scoring -1 for Capable team, unclear direction."}}},
		{"an option's score changed", "            label: Growing\n            scores: {clarity: 2}", "            label: Growing\n            scores: {clarity: 3}",
			[]assessment.Change{{assessment.AreaOptions, "In “Which sounds most like your company?”, “Growing” now scores +3 for Capable team, unclear direction (was +2)."}}},
		{"an option relabelled", "label: Busy, yet progress is uneven", "label: Busy, with uneven progress",
			[]assessment.Change{{assessment.AreaOptions, "In “Which of these ring true?”, the option “Busy, yet progress is uneven” now reads “Busy, with uneven progress”."}}},
		{"a threshold raised", "thresholds: {some: 3, strong: 6}", "thresholds: {some: 3, strong: 7}",
			[]assessment.Change{{assessment.AreaThresholds, "Capable team, unclear direction reaches “Clear signal” from 7 points (was 6)."}}},
		{"a rule's condition changed", "when: {criterion: execution-gap, at_least: strong}", "when: {criterion: execution-gap, at_least: some}",
			[]assessment.Change{{assessment.AreaRules, "The rule execution-first now applies when Execution gap is at least “Some signs” (was: when Execution gap is at least “Clear signal”)."}}},
		{"two rules' outcomes swapped",
			"  - id: scope-first\n    outcome: narrow-scope\n    reason: You cannot yet name the decisions.\n    when: {question: mandate, is: everything}\n  - id: ready-for-full-time\n    outcome: hire-full-time",
			"  - id: scope-first\n    outcome: hire-full-time\n    reason: You cannot yet name the decisions.\n    when: {question: mandate, is: everything}\n  - id: ready-for-full-time\n    outcome: narrow-scope",
			[]assessment.Change{
				{assessment.AreaRules, "The rule scope-first now leads to Hire full time (was Narrow scope)."},
				{assessment.AreaRules, "The rule ready-for-full-time now leads to Narrow scope (was Hire full time)."},
			}},
		{"an outcome's headline changed", "headline: Hire a product manager", "headline: A product manager is what you need",
			[]assessment.Change{{assessment.AreaOutcomes, "Hire a pm: new wording for the headline."}}},
		{"a tension's condition changed", "      question: symptoms\n      includes: new-direction\n    sets_aside",
			"      question: symptoms\n      includes: busy\n    sets_aside",
			[]assessment.Change{{assessment.AreaRules, "The tension confirm-yet-shifting now holds when the answer to “What do you most want from outside help?” is “A sign-off on our plan”, yet the answers to “Which of these ring true?” include “Busy, yet progress is uneven”, setting aside Different conversation."}}},
		{"the title changed", "title: Minimal fit check", "title: A minimal fit check",
			[]assessment.Change{{assessment.AreaWording, "New wording for the title."}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(base, tc.old) != 1 {
				t.Fatalf("%q is not in minimal.yaml exactly once", tc.old)
			}
			after, err := assessment.Parse([]byte(strings.Replace(base, tc.old, tc.new, 1)))
			if err != nil {
				t.Fatalf("assessment.Parse(edited) = %v", err)
			}
			got := assessment.Diff(before, after)
			if !equalChanges(got, tc.want) {
				t.Errorf("assessment.Diff = %q,\nwant %q", got, tc.want)
			}
		})
	}
}

// TestDiffRulesReordered: moving a rule up changes precedence, and says so.
func TestDiffRulesReordered(t *testing.T) {
	base := string(mustRead(t, "minimal.yaml"))
	before, err := assessment.Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	scope := "  - id: scope-first\n    outcome: narrow-scope\n    reason: You cannot yet name the decisions.\n    when: {question: mandate, is: everything}\n"
	moved := strings.Replace(strings.Replace(base, scope, "", 1), "rules:\n", "rules:\n"+scope, 1)
	after, err := assessment.Parse([]byte(moved))
	if err != nil {
		t.Fatal(err)
	}
	want := []assessment.Change{{assessment.AreaRules, "The rules are tried in a new order: scope-first, wants-validation, execution-first, ready-for-full-time, clear-fit, fallback."}}
	if got := assessment.Diff(before, after); !equalChanges(got, want) {
		t.Errorf("assessment.Diff = %q, want %q", got, want)
	}
	if got := assessment.Diff(before, before); len(got) != 0 {
		t.Errorf("assessment.Diff of a version with itself = %q, want nothing", got)
	}
}

// TestDiffQuestionsAddedAndRemoved: a question that moves out of one
// version and a new one in another both read plainly.
func TestDiffQuestionsAddedAndRemoved(t *testing.T) {
	base := string(mustRead(t, "minimal.yaml"))
	before, err := assessment.Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	note := "      - id: note\n        type: text\n        prompt: Which decision is stuck right now?\n        max_length: 100\n"
	budget := "      - id: budget\n        type: text\n        prompt: What budget do you have in mind?\n"
	edited := strings.Replace(strings.Replace(base, note, budget, 1), "      note: Which market comes first.", "      budget: A few months of a senior person.", 1)
	after, err := assessment.Parse([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	want := []assessment.Change{
		{assessment.AreaQuestions, "Removed the question “Which decision is stuck right now?” (step 2)."},
		{assessment.AreaQuestions, "Added the question “What budget do you have in mind?” to step 2, “The help you want” (a short text, optional)."},
		{assessment.AreaExamples, "Examples: 0 added, 0 removed, 1 changed (3 in all)."},
	}
	if got := assessment.Diff(before, after); !equalChanges(got, want) {
		t.Errorf("assessment.Diff = %q,\nwant %q", got, want)
	}
}

func equalChanges(a, b []assessment.Change) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
