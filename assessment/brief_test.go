package assessment_test

import (
	"errors"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestParseBriefProblems(t *testing.T) {
	base := string(assessment.DefaultContent)
	i := strings.Index(base, "\nbrief:")
	if i < 0 {
		t.Fatal("the default content has no brief: section")
	}
	head := base[:i]
	lineOfBrief := strings.Count(head, "\n") + 2
	bad := head + `
brief:
  tried:
    question: nope
  tensions:
    - id: odd
      label: Odd
      when: {question: direction, is: sideways}
    - id: odd
      label: ""
      questions: ["Why?"]
  questions:
    no-such-criterion: ["What?"]
`
	_, err := assessment.Parse([]byte(bad))
	var ce *assessment.ContentError
	if !errors.As(err, &ce) {
		t.Fatalf("Parse(bad brief) = %v, want a ContentError", err)
	}
	want := map[string]int{
		`brief.tried: unknown question "nope"`:                   lineOfBrief + 2,
		`question "direction" has no option "sideways"`:          lineOfBrief + 6,
		`tension "odd" needs at least one question`:              lineOfBrief + 4,
		`tension id "odd" is used twice`:                         lineOfBrief + 7,
		`brief.tensions[1].label is missing`:                     lineOfBrief + 8,
		`tension "odd" needs a ` + "`when`":                      lineOfBrief + 7,
		`brief.questions: unknown criterion "no-such-criterion"`: lineOfBrief + 11,
	}
	for msg, line := range want {
		found := false
		for _, p := range ce.Problems {
			if strings.Contains(p.Message, msg) {
				found = true
				if p.Line != line {
					t.Errorf("%q reported at line %d, want %d", msg, p.Line, line)
				}
			}
		}
		if !found {
			t.Errorf("problems lack %q:\n%v", msg, ce)
		}
	}
}

func TestParseWithoutBrief(t *testing.T) {
	base := string(assessment.DefaultContent)
	q, err := assessment.Parse([]byte(base[:strings.Index(base, "\nbrief:")+1]))
	if err != nil {
		t.Fatalf("Parse(default without brief:) = %v, want it optional", err)
	}
	if len(q.Brief.Tensions) != 0 {
		t.Errorf("tensions without a brief: section = %d, want 0", len(q.Brief.Tensions))
	}
}
