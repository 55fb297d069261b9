package rules_test

import (
	"bytes"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

const probe = "{criterion: alpha, at_least: strong} # probe"

// Conditions as an owner writes them, each named for what it tests, to
// compose the all/any/not/count cases below. With probeAnswers:
const (
	pickC    = "{question: pick, is: c}"              // holds
	pickA    = "{question: pick, is: a}"              // does not
	ticksY   = "{question: ticks, includes: y}"       // holds
	ticksX   = "{question: ticks, includes: x}"       // does not
	alphaTop = "{criterion: alpha, at_least: strong}" // holds
)

// probeAnswers score alpha 5 (strong), beta 3 (some), gamma 1 (low); the
// gate question is left unanswered.
var probeAnswers = assessment.Answers{"pick": {"c"}, "ticks": {"y"}, "scale": {"2"}, "picks": {"p1"}}

func TestConditions(t *testing.T) {
	base := mustRead(t, "small.yaml")
	if bytes.Count(base, []byte(probe)) != 1 {
		t.Fatalf("small.yaml must contain %q exactly once", probe)
	}
	tests := []struct {
		when    string
		answers assessment.Answers // probeAnswers when nil
		holds   bool
	}{
		// criterion tests: at_least includes the level itself and above; below is strictly under.
		{when: "{criterion: alpha, at_least: strong}", holds: true},
		{when: "{criterion: alpha, at_least: some}", holds: true},
		{when: "{criterion: alpha, at_least: low}", holds: true},
		{when: "{criterion: beta, at_least: some}", holds: true},
		{when: "{criterion: beta, at_least: strong}", holds: false},
		{when: "{criterion: beta, below: strong}", holds: true},
		{when: "{criterion: beta, below: some}", holds: false},
		{when: "{criterion: gamma, below: some}", holds: true},
		{when: "{criterion: gamma, below: low}", holds: false},
		{when: "{criterion: alpha, below: some}", answers: assessment.Answers{}, holds: true},
		{when: "{criterion: alpha, at_least: some}", answers: assessment.Answers{}, holds: false},

		// answer tests
		{when: pickC, holds: true},
		{when: pickA, holds: false},
		{when: `{question: scale, is: "2"}`, holds: true},
		{when: `{question: scale, is: "3"}`, holds: false},
		{when: ticksY, holds: true},
		{when: ticksX, holds: false},
		{when: "{question: ticks, includes: y}", answers: assessment.Answers{"ticks": {"x", "y"}}, holds: true},
		{when: "{question: gate, is: to-pm}", holds: false},
		{when: "{question: picks, includes: p1}", holds: true},

		// all / any / not
		{when: "{all: [" + pickC + ", " + ticksY + "]}", holds: true},
		{when: "{all: [" + pickC + ", " + ticksX + "]}", holds: false},
		{when: "{all: [" + ticksX + ", " + pickC + "]}", holds: false},
		{when: "{any: [" + pickA + ", " + ticksX + "]}", holds: false},
		{when: "{any: [" + pickA + ", " + ticksY + "]}", holds: true},
		{when: "{any: [" + ticksY + ", " + pickA + "]}", holds: true},
		{when: "{not: " + pickC + "}", holds: false},
		{when: "{not: " + pickA + "}", holds: true},
		{when: "{not: {question: gate, is: to-pm}}", holds: true},

		// count of: at least N of the list
		{when: "{count: 2, of: [" + pickC + ", " + pickA + ", " + ticksY + "]}", holds: true},
		{when: "{count: 3, of: [" + pickC + ", " + pickA + ", " + ticksY + "]}", holds: false},
		{when: "{count: 1, of: [" + pickA + ", " + ticksX + ", " + alphaTop + "]}", holds: true},
		{when: "{count: 1, of: [" + pickA + ", " + ticksX + "]}", holds: false},
		{when: "{count: 2, of: [" + pickC + ", " + ticksY + ", " + alphaTop + "]}", holds: true},

		// nesting
		{when: "{all: [{any: [" + pickA + ", " + ticksY + "]}, {not: {count: 2, of: [" + pickC + ", " + ticksX + ", " + pickA + "]}}]}", holds: true},
		{when: "{any: [{all: [" + pickC + ", " + ticksX + "]}, {not: " + alphaTop + "}]}", holds: false},
		// block form, as in the default content
		{when: "\n      all:\n        - " + pickC + "\n        - count: 1\n          of:\n            - " + pickA + "\n            - " + ticksY, holds: true},
	}
	for _, tt := range tests {
		t.Run(tt.when, func(t *testing.T) {
			q := mustParse(t, bytes.Replace(base, []byte(probe), []byte(tt.when), 1))
			answers := tt.answers
			if answers == nil {
				answers = probeAnswers
			}
			res := rules.Evaluate(q, answers)
			want, wantRule := assessment.WorthAConversation, "fallback"
			if tt.holds {
				want, wantRule = assessment.BookACall, "probe"
			}
			if res.Outcome != want || res.Rule != wantRule {
				t.Errorf("Evaluate(when %s) = %q by rule %q, want %q by rule %q", tt.when, res.Outcome, res.Rule, want, wantRule)
			}
		})
	}
}

func TestRulesFirstMatchWins(t *testing.T) {
	// The probe rule holds too, but a rule listed before it decides.
	base := mustRead(t, "small.yaml")
	q := mustParse(t, bytes.Replace(base, []byte(probe), []byte(alphaTop), 1))
	for _, tt := range []struct {
		gate, outcome, rule string
	}{
		{"", assessment.BookACall, "probe"},
		{"to-pm", assessment.BookACall, "probe"},
	} {
		answers := probeAnswers.Clone()
		if tt.gate != "" {
			answers["gate"] = []string{tt.gate}
		}
		if res := rules.Evaluate(q, answers); res.Outcome != tt.outcome || res.Rule != tt.rule {
			t.Errorf("Evaluate(gate %q) = %q by rule %q, want %q by rule %q", tt.gate, res.Outcome, res.Rule, tt.outcome, tt.rule)
		}
	}
	// With alpha low, the probe fails and the gate's own rule decides.
	answers := assessment.Answers{"pick": {"a"}, "ticks": {"y"}, "scale": {"2"}, "gate": {"to-pm"}}
	if res := rules.Evaluate(q, answers); res.Outcome != assessment.HireAPM || res.Rule != "to-pm" {
		t.Errorf("Evaluate(alpha low, gate to-pm) = %q by rule %q, want %q by rule %q", res.Outcome, res.Rule, assessment.HireAPM, "to-pm")
	}
}
