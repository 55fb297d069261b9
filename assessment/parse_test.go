package assessment_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
)

// mustRead reads a fixture from testdata.
func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// replaceOnce swaps old for new in data, failing the test unless old occurs
// exactly once, so a fixture edit cannot silently turn a case into a no-op.
func replaceOnce(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if n := bytes.Count(data, []byte(old)); n != 1 {
		t.Fatalf("fixture contains %q %d times, want exactly once", old, n)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// lineContaining is the 1-based line of the only line in data containing needle.
func lineContaining(t *testing.T, data []byte, needle string) int {
	t.Helper()
	found := 0
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, needle) {
			if found != 0 {
				t.Fatalf("%q is on lines %d and %d, want exactly one", needle, found, i+1)
			}
			found = i + 1
		}
	}
	if found == 0 {
		t.Fatalf("%q is on no line", needle)
	}
	return found
}

// mustContentError parses data and returns the problems it must report.
func mustContentError(t *testing.T, data []byte) []assessment.Problem {
	t.Helper()
	q, err := assessment.Parse(data)
	if err == nil {
		t.Fatalf("Parse succeeded (version %s), want a *ContentError", q.Version)
	}
	var ce *assessment.ContentError
	if !errors.As(err, &ce) {
		t.Fatalf("Parse error = %T %v, want *assessment.ContentError", err, err)
	}
	if len(ce.Problems) == 0 {
		t.Fatalf("Parse returned a ContentError with no problems")
	}
	return ce.Problems
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestParseDefaultContent(t *testing.T) {
	q, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("Parse(DefaultContent) = %v", err)
	}
	if want := sha256Hex(assessment.DefaultContent); q.Version != want {
		t.Errorf("Parse(DefaultContent).Version = %q, want sha256 %q", q.Version, want)
	}
	if !bytes.Equal(q.Source, assessment.DefaultContent) {
		t.Errorf("Parse(DefaultContent).Source differs from the bytes parsed")
	}
	// The product promises roughly 10–14 questions in a few short steps.
	if n := q.QuestionCount(); n < 10 || n > 14 {
		t.Errorf("default QuestionCount() = %d, want 10–14", n)
	}
	for _, id := range assessment.OutcomeIDs {
		if _, ok := q.Outcome(id); !ok {
			t.Errorf("default content has no copy for outcome %q", id)
		}
	}
}

func TestParseVersionFollowsBytes(t *testing.T) {
	orig, err := assessment.Parse(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("Parse(DefaultContent) = %v", err)
	}
	again, err := assessment.Parse(bytes.Clone(assessment.DefaultContent))
	if err != nil {
		t.Fatalf("Parse(copy of DefaultContent) = %v", err)
	}
	if again.Version != orig.Version {
		t.Errorf("same bytes parsed twice: Version %q then %q, want equal", orig.Version, again.Version)
	}

	// One byte changed in a comment: the questionnaire reads the same, but it
	// is a different file and so a different version.
	edited := bytes.Clone(assessment.DefaultContent)
	i := bytes.Index(edited, []byte("# fitcheck"))
	if i < 0 {
		t.Fatal(`default content has no "# fitcheck" comment to edit`)
	}
	edited[i+2] = 'F'
	q, err := assessment.Parse(edited)
	if err != nil {
		t.Fatalf("Parse(edited) = %v", err)
	}
	if q.Version == orig.Version {
		t.Errorf("Version did not change when one byte changed: %q", q.Version)
	}
	if want := sha256Hex(edited); q.Version != want {
		t.Errorf("Parse(edited).Version = %q, want sha256 %q", q.Version, want)
	}
	if got := assessment.Version(edited); got != q.Version {
		t.Errorf("Version(edited) = %q, want %q as Parse reports", got, q.Version)
	}
}

func TestParseMinimalFixture(t *testing.T) {
	// Every invalid variant below is this file with one edit; if it does not
	// parse cleanly, those cases prove nothing.
	data := mustRead(t, "minimal.yaml")
	q, err := assessment.Parse(data)
	if err != nil {
		t.Fatalf("Parse(minimal.yaml) = %v", err)
	}
	if q.Version != sha256Hex(data) {
		t.Errorf("Parse(minimal.yaml).Version = %q, want %q", q.Version, sha256Hex(data))
	}
}

func TestParseReportsProblemWithLine(t *testing.T) {
	hireFullTimeCopy := `  - id: hire-full-time
    headline: Hire a full-time Head of Product
    summary: You are ready for a permanent leader.
    next_step: {title: Making the hire, body: Agree what they will own., action: none}
`
	tests := []struct {
		name     string
		old, new string
		line     string // the expected line is the one containing this text
		msg      string
	}{
		{
			name: "unknown option in a rule condition",
			old:  "{question: want, is: confirm}", new: "{question: want, is: confirmed}",
			line: "is: confirmed}", msg: `question "want" has no option "confirmed"`,
		},
		{
			name: "unknown question in a condition",
			old:  "{question: mandate, is: everything}", new: "{question: mandat, is: everything}",
			line: "question: mandat,", msg: `unknown question "mandat"`,
		},
		{
			name: "unknown criterion in a nested condition",
			old:  "- {criterion: clarity, at_least: strong}", new: "- {criterion: clarty, at_least: strong}",
			line: "criterion: clarty", msg: `unknown criterion "clarty"`,
		},
		{
			name: "unknown level in a condition",
			old:  "{criterion: execution-gap, at_least: strong}", new: "{criterion: execution-gap, at_least: strng}",
			line: "at_least: strng", msg: `unknown level "strng"`,
		},
		{
			name: "outcome without copy",
			old:  hireFullTimeCopy, new: "",
			line: "outcomes:", msg: `outcome "hire-full-time" has no copy`,
		},
		{
			name: "outcome no rule leads to",
			old:  "    outcome: hire-full-time\n", new: "    outcome: hire-a-pm\n",
			line: "- id: hire-full-time", msg: `outcome "hire-full-time" is unreachable`,
		},
		{
			name: "rule after an unconditional rule",
			old:  "    when: {question: want, is: hire}\n", new: "",
			line: "- id: clear-fit", msg: `rule "clear-fit" can never apply: rule "ready-for-full-time" before it always matches`,
		},
		{
			name: "last rule has a condition",
			old:  "reason: Nothing decisive showed up.\n", new: "reason: Nothing decisive showed up.\n    when: {question: want, is: calls}\n",
			line: "- id: fallback", msg: "the last rule needs no `when`",
		},
		{
			name: "option scores an unknown criterion",
			old:  "{execution-gap: 5}", new: "{execution-gaps: 5}",
			line: "execution-gaps: 5", msg: `question "handoff" option "nobody" scores unknown criterion "execution-gaps"`,
		},
		{
			name: "unknown field",
			old:  "prompt: Who turns decisions into shipped work?", new: "promt: Who turns decisions into shipped work?",
			// The wording is being reworked; naming the field is what matters.
			line: "promt:", msg: "promt",
		},
		{
			name: "YAML syntax error: unquoted colon in a label",
			old:  "label: Busy, yet progress is uneven", new: "label: Busy: yet progress is uneven",
			line: "label: Busy: yet", msg: "mapping values are not allowed",
		},
		{
			name: "duplicate question id",
			old:  "      - id: mandate\n", new: "      - id: stage  # the first question's id again\n",
			line: "the first question's id again", msg: `question id "stage" is used twice`,
		},
		{
			name: "threshold missing",
			old:  "{some: 3, strong: 6}", new: "{some: 3}",
			line: "thresholds: {some: 3}", msg: `criterion "clarity": no threshold for level "strong"`,
		},
		{
			name: "thresholds not increasing",
			old:  "{some: 3, strong: 6}", new: "{some: 3, strong: 3}",
			line: "{some: 3, strong: 3}", msg: `criterion "clarity": threshold for "strong" (3) must be above "some"'s (3)`,
		},
		{
			name: "includes on a single question",
			old:  "{question: want, is: confirm}", new: "{question: want, includes: confirm}",
			line: "includes: confirm", msg: `question "want" is not a multi question: use is`,
		},
		{
			name: "is on a multi question",
			old:  "{question: symptoms, includes: new-direction}", new: "{question: symptoms, is: new-direction}",
			line: "{question: symptoms, is: new-direction}", msg: `question "symptoms" is a multi question: use includes`,
		},
		{
			name: "example answers an unknown option",
			old:  "      stage: growing\n", new: "      stage: grown\n",
			line: "stage: grown", msg: `example "Growing team, new direction every sprint", question "stage": That answer isn't one of the choices`,
		},
		{
			name: "example combines an exclusive option",
			old:  "symptoms: [none]", new: "symptoms: [none, busy]",
			line: "symptoms: [none, busy]", msg: `example "Nobody ships what is agreed", question "symptoms": “None of these” can't be combined`,
		},
		{
			name: "tension sets aside an unknown outcome",
			old:  "sets_aside: different-conversation", new: "sets_aside: different-talk",
			line: "sets_aside: different-talk", msg: `tension "confirm-yet-shifting" sets aside unknown outcome "different-talk"`,
		},
		{
			name: "tension sets aside the fallback's outcome",
			old:  "sets_aside: different-conversation", new: "sets_aside: worth-a-conversation",
			line: "sets_aside: worth-a-conversation", msg: `the last rule, which must always give an answer, leads to it`,
		},
		{
			name: "tension without a sentence",
			old:  "    sentence: You asked for a sign-off; what you describe is a direction that moves every sprint.\n", new: "",
			line: "- id: confirm-yet-shifting", msg: "tensions[0].sentence is missing",
		},
		{
			name: "tension without what is described",
			old:  "    described:\n      question: symptoms\n      includes: new-direction\n", new: "",
			line: "- id: confirm-yet-shifting", msg: "tension \"confirm-yet-shifting\" needs `described`",
		},
		{
			name: "tension with an unknown option",
			old:  "      is: confirm\n", new: "      is: confirmed\n",
			line: "is: confirmed", msg: `question "want" has no option "confirmed"`,
		},
		{
			name: "example expects an unknown tension",
			old:  "    tension: none\n", new: "    tension: confirm-yet-shifted\n",
			line: "tension: confirm-yet-shifted", msg: `example "Looking for a sign-off" expects unknown tension "confirm-yet-shifted"`,
		},
		{
			name: "example expects an unknown outcome",
			old:  "expect: hire-a-pm", new: "expect: hire-pm",
			line: "expect: hire-pm", msg: `example "Nobody ships what is agreed" expects unknown outcome "hire-pm"`,
		},
	}
	base := mustRead(t, "minimal.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broken := replaceOnce(t, base, tt.old, tt.new)
			wantLine := lineContaining(t, broken, tt.line)
			problems := mustContentError(t, broken)
			for _, p := range problems {
				if p.Line == wantLine && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Errorf("Parse problems = %q, want one on line %d containing %q", problemStrings(problems), wantLine, tt.msg)
		})
	}
}

func TestParseReportsEveryProblemInLineOrder(t *testing.T) {
	data := mustRead(t, "minimal.yaml")
	data = replaceOnce(t, data, "{execution-gap: 5}", "{execution-gaps: 5}")
	data = replaceOnce(t, data, "{question: want, is: confirm}", "{question: want, is: confirmed}")
	data = replaceOnce(t, data, "expect: hire-a-pm", "expect: hire-pm")
	// Found while checking the rules, but reported on the earlier outcomes
	// line: only sorting puts it in its place.
	data = replaceOnce(t, data, "    outcome: hire-full-time\n", "    outcome: hire-a-pm\n")
	want := []struct {
		line, msg string
	}{
		{"execution-gaps: 5", `unknown criterion "execution-gaps"`},
		{"- id: hire-full-time", `outcome "hire-full-time" is unreachable`},
		{"is: confirmed}", `has no option "confirmed"`},
		{"expect: hire-pm", `expects unknown outcome "hire-pm"`},
	}

	problems := mustContentError(t, data)
	if len(problems) < len(want) {
		t.Fatalf("Parse reported %d problem(s) %q, want at least %d", len(problems), problemStrings(problems), len(want))
	}
	for i := 1; i < len(problems); i++ {
		if problems[i].Line < problems[i-1].Line {
			t.Errorf("problems out of line order: %q", problemStrings(problems))
			break
		}
	}
	_, err := assessment.Parse(data)
	for _, w := range want {
		line := lineContaining(t, data, w.line)
		found := false
		for _, p := range problems {
			if p.Line == line && strings.Contains(p.Message, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("Parse problems = %q, want one on line %d containing %q", problemStrings(problems), line, w.msg)
		}
		// What the owner reads on the command line names the line too.
		if prefix := fmt.Sprintf("line %d: ", line); !strings.Contains(err.Error(), prefix) {
			t.Errorf("Parse error text does not mention %q:\n%s", prefix, err)
		}
	}
}

func TestParseEmptyFile(t *testing.T) {
	for _, data := range []string{"", "# only a comment\n"} {
		problems := mustContentError(t, []byte(data))
		if len(problems) != 1 || !strings.Contains(problems[0].Message, "empty") {
			t.Errorf("Parse(%q) problems = %q, want one saying the file is empty", data, problemStrings(problems))
		}
	}
}

func problemStrings(ps []assessment.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
