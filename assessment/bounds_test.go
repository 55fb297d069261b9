package assessment_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// withFirstRule is the built-in content with rule (YAML, indented as a list
// item under rules:) tried first.
func withFirstRule(t *testing.T, rule string) []byte {
	t.Helper()
	content := string(assessment.DefaultContent)
	if !strings.Contains(content, "\nrules:\n") {
		t.Fatal("the built-in content has no rules: section to add to")
	}
	return []byte(strings.Replace(content, "\nrules:\n", "\nrules:\n"+rule, 1))
}

func problemsOf(t *testing.T, content []byte) []assessment.Problem {
	t.Helper()
	_, err := assessment.Parse(content)
	var ce *assessment.ContentError
	if !errors.As(err, &ce) {
		t.Fatalf("Parse = %v, want a content error", err)
	}
	return ce.Problems
}

// TestAliasesCannotMultiplyARule: a file whose aliases expand a block of
// 1,500 conditions eight times over is refused, from its YAML tree, before
// the copies are made; an alias used a few times is fine. The alias names a
// large block, as the 694 KB candidate did, so the YAML library's
// own guard (which looks at the share of nodes that come from aliases)
// lets it through.
func TestAliasesCannotMultiplyARule(t *testing.T) {
	one := "{criterion: between-stages, at_least: strong}"
	list := func(item string, n int) string { return strings.TrimSuffix(strings.Repeat(item+", ", n), ", ") }
	var b strings.Builder
	b.WriteString("  - id: bomb\n    outcome: hire-a-pm\n    reason: x\n    when:\n      any:\n")
	fmt.Fprintf(&b, "        - &c0 {any: [%s]}\n", list(one, 1500))
	fmt.Fprintf(&b, "        - {any: [%s]}\n", list("*c0", 8))
	bomb := withFirstRule(t, b.String())
	problems := problemsOf(t, bomb)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "aliases") {
		t.Errorf("a file expanding to 13,500 conditions: problems %v, want one saying its aliases expand too far", problems)
	}

	few := withFirstRule(t, "  - id: twice\n    outcome: hire-a-pm\n    reason: x\n    when:\n      any:\n"+
		"        - &one {criterion: between-stages, at_least: strong}\n        - not: *one\n")
	if _, err := assessment.Parse(few); err != nil {
		t.Errorf("a file using an alias once = %v, want it accepted", err)
	}
}

// TestAliasNamingItselfIsRefused: an alias inside the node it names would
// expand for ever; it is refused, not followed.
func TestAliasNamingItselfIsRefused(t *testing.T) {
	loop := withFirstRule(t, "  - id: loop\n    outcome: hire-a-pm\n    reason: x\n    when: &self\n      any: [*self]\n")
	if problems := problemsOf(t, loop); len(problems) == 0 {
		t.Errorf("an alias naming its own node was accepted")
	}
}

// TestConditionsAreCapped: rules holding more than MaxConditions
// conditions, written out without aliases, are refused.
func TestConditionsAreCapped(t *testing.T) {
	one := "{criterion: between-stages, at_least: strong}"
	many := withFirstRule(t, "  - id: many\n    outcome: hire-a-pm\n    reason: x\n    when:\n      any: ["+
		strings.TrimSuffix(strings.Repeat(one+", ", assessment.MaxConditions+1), ", ")+"]\n")
	problems := problemsOf(t, many)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "conditions") {
		t.Errorf("rules with %d conditions: problems %v, want one saying there are too many", assessment.MaxConditions+2, problems)
	}
}
