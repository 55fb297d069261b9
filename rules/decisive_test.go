package rules_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// decisiveLine writes a decisive criterion as the tests below spell it:
// "criterion=level: question=option+points, ...".
func decisiveLine(d assessment.Decisive) string {
	movers := make([]string, len(d.Answers))
	for i, a := range d.Answers {
		movers[i] = fmt.Sprintf("%s=%s%+d", a.Question, a.Option, a.Points)
	}
	return d.Criterion + "=" + d.Level + ": " + strings.Join(movers, ", ")
}

func decisiveLines(res assessment.Result) []string {
	out := []string{}
	for _, d := range res.Decisive {
		out = append(out, decisiveLine(d))
	}
	return out
}

// TestDecisiveOfTheDefault checks what a founder is told decided their
// verdict, for the three situations the questionnaire tells apart and the
// boundaries around them.
func TestDecisiveOfTheDefault(t *testing.T) {
	q := mustDefault(t)
	tests := []struct {
		example string
		rule    string
		want    []string
	}{
		{
			example: "The article's example: growth stage, strong engineering, lots of ideas, unclear priorities",
			rule:    "clear-fit",
			want: []string{
				"between-stages=strong: stage=growing+2, decisions=founders-strain+2",
				"clarity-not-capability=strong: engineering=strong+3, symptoms=busy-uneven+1",
				"focused-mandate=strong: mandate=specific+4, want-help=clarity+1",
			},
		},
		{
			// A product leader overruled from above: what kept it from a
			// clear fit is that the company is not between stages.
			example: "Established company whose VP of Product owns the roadmap, while the executive team keeps overriding it",
			rule:    "not-between-stages",
			want: []string{
				"between-stages=low: stage=established-2, decisions=product-lead-overruled-2",
				"clarity-not-capability=strong: engineering=strong+3, symptoms=roadmap-ignored+1",
				"fragile-alignment=strong: alignment=5+3, decisions=product-lead-overruled+2",
			},
		},
		{
			// A bridge: the gap until the hire is named among the reasons.
			example: "Our Head of Product left; a permanent hire is budgeted but months away, and nobody owns the calls meanwhile",
			rule:    "clear-fit",
			want: []string{
				"between-stages=strong: decisions=founders-strain+2, stage=scaling+1",
				"interim-gap=strong: full-time=hiring-gap+4",
				"clarity-not-capability=strong: engineering=strong+3, symptoms=busy-uneven+1",
			},
		},
		{
			// The same hire with product covered meanwhile: nothing waits,
			// which no answer had to push (the criterion stayed low).
			example: "Clear fit signals, but a permanent leader is budgeted and a co-founder covers product well until they start",
			rule:    "ready-for-full-time",
			want: []string{
				"full-time-ready=strong: full-time=hiring-covered+4, stage=scaling+1",
				"interim-gap=low: ",
			},
		},
		{
			example: "Take product off our plate and fix it: the leadership team will stay out of it",
			rule:    "wants-handoff",
			want:    []string{"leadership-hands-off=strong: involvement=hand-over+3, want-help=take-over+2"},
		},
		{
			// The doubt that stopped a clear fit comes first.
			example: "Wants product taken off the founders' plate, though they would still join the big decisions",
			rule:    "fit-with-doubts",
			want: []string{
				"leadership-hands-off=some: want-help=take-over+2, involvement=big-calls+1",
				"between-stages=strong: stage=growing+2, decisions=founders-strain+2",
				"clarity-not-capability=strong: engineering=strong+3, symptoms=busy-uneven+1",
			},
		},
		{
			example: "Early-stage founders for whom things still work",
			rule:    "few-signals",
			want:    []string{},
		},
		{
			// The description decided over the request: what decided is
			// the fit it describes, not the execution gap the request
			// pushed up.
			example: "A technical founder asks for someone to run the backlog, yet his strong team re-plans every sprint and nobody settles the trade-off",
			rule:    "clear-fit",
			want: []string{
				"between-stages=strong: stage=growing+2, decisions=founders-strain+2",
				"clarity-not-capability=strong: engineering=strong+3, symptoms=roadmap-ignored+1",
				"fragile-alignment=strong: symptoms=agreement-fades+2, alignment=4+2",
			},
		},
		{
			// A permanent owner: the company can carry the role, and
			// nothing needs bridging meanwhile.
			example: "Scaling company with a working product team that wants product off its plate for good, no end date",
			rule:    "wants-permanent-owner",
			want: []string{
				"full-time-ready=some: want-help=build-org+2, stage=scaling+1",
				"interim-gap=low: ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			ex := findExample(t, q, tt.example)
			res := rules.Evaluate(q, ex.Answers)
			if res.Rule != tt.rule {
				t.Fatalf("Rule = %q, want %q", res.Rule, tt.rule)
			}
			if got := decisiveLines(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decisive =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if want := ruleReason(t, q, tt.rule); res.Reason != want {
				t.Errorf("Reason = %q, want rule %q's reason", res.Reason, tt.rule)
			}
		})
	}
}

func findExample(t *testing.T, q *assessment.Questionnaire, name string) assessment.Example {
	t.Helper()
	for _, ex := range q.Examples {
		if ex.Name == name {
			return ex
		}
	}
	t.Fatalf("no example named %q", name)
	return assessment.Example{}
}

// TestDecisiveOfEveryExample holds every example's decisive part to its
// limits: at most three criteria, each named by the matching rule, each
// with at most two answers that really moved it, largest first.
func TestDecisiveOfEveryExample(t *testing.T) {
	q := mustDefault(t)
	for _, ex := range q.Examples {
		res := rules.Evaluate(q, ex.Answers)
		if res.Decisive == nil || len(res.Decisive) > rules.MaxDecisive {
			t.Errorf("%s: Decisive = %v, want a list of at most %d", ex.Name, res.Decisive, rules.MaxDecisive)
		}
		rule := q.Rules[ruleIndex(t, q, res.Rule)]
		for _, d := range res.Decisive {
			c, _ := res.Criterion(d.Criterion)
			if !conditionNames(rule.When, d.Criterion) {
				t.Errorf("%s: decisive %q is not named by rule %q", ex.Name, d.Criterion, rule.ID)
			}
			if d.Level != c.Level || d.Label != c.Label {
				t.Errorf("%s: decisive %q = %q %q, want the criterion's %q %q", ex.Name, d.Criterion, d.Label, d.Level, c.Label, c.Level)
			}
			if len(d.Answers) > rules.MaxDecisiveAnswers {
				t.Errorf("%s: decisive %q lists %d answers, want at most %d", ex.Name, d.Criterion, len(d.Answers), rules.MaxDecisiveAnswers)
			}
			for i, a := range d.Answers {
				if !ex.Answers.Has(a.Question, a.Option) {
					t.Errorf("%s: decisive %q credits %s=%s, which was not answered", ex.Name, d.Criterion, a.Question, a.Option)
				}
				if i > 0 && abs(a.Points) > abs(d.Answers[i-1].Points) {
					t.Errorf("%s: decisive %q answers not largest first: %v", ex.Name, d.Criterion, d.Answers)
				}
			}
		}
	}
}

func abs(n int) int { return max(n, -n) }

func ruleIndex(t *testing.T, q *assessment.Questionnaire, id string) int {
	t.Helper()
	for i, r := range q.Rules {
		if r.ID == id {
			return i
		}
	}
	t.Fatalf("no rule %q", id)
	return -1
}

func conditionNames(c *assessment.Condition, criterion string) bool {
	if c == nil {
		return false
	}
	if c.Criterion == criterion || conditionNames(c.Not, criterion) {
		return true
	}
	for _, group := range [][]assessment.Condition{c.All, c.Any, c.Of} {
		for i := range group {
			if conditionNames(&group[i], criterion) {
				return true
			}
		}
	}
	return false
}

// TestDecisiveWalk swaps small.yaml's probe rule for conditions whose
// decisive part can be worked out by hand. With probeAnswers alpha is 5
// (strong: pick=c +4, picks=p1 +1), beta 3 (some: ticks=y +3), gamma 1
// (low: ticks=y +1).
func TestDecisiveWalk(t *testing.T) {
	base := mustRead(t, "small.yaml")
	tests := []struct {
		name    string
		when    string
		answers assessment.Answers
		want    []string
	}{
		{"at_least lists the answers that pushed it up, largest first", alphaTop, nil,
			[]string{"alpha=strong: pick=c+4, picks=p1+1"}},
		{"below lists the answers that held it down, in questionnaire order among equals", "{criterion: beta, below: some}",
			assessment.Answers{"pick": {"d"}, "ticks": {"z"}, "scale": {"1"}},
			[]string{"beta=low: pick=d-1, scale=1-1"}},
		{"at most two answers each", alphaTop,
			assessment.Answers{"pick": {"c"}, "ticks": {"x"}, "scale": {"2"}, "picks": {"p1", "p3"}},
			[]string{"alpha=strong: pick=c+4, picks=p3+3"}},
		{"only the branch of an any that held", "{any: [{criterion: beta, at_least: strong}, " + alphaTop + "]}", nil,
			[]string{"alpha=strong: pick=c+4, picks=p1+1"}},
		{"only the tests of a count that held", "{count: 1, of: [{criterion: gamma, at_least: some}, {criterion: beta, at_least: some}]}", nil,
			[]string{"beta=some: ticks=y+3"}},
		{"under not, the test that failed, pointing down; nothing pushed beta down", "{not: {criterion: beta, at_least: strong}}", nil,
			[]string{"beta=some: "}},
		{"under not(all), only the part that failed", "{not: {all: [" + alphaTop + ", {criterion: gamma, at_least: some}]}}", nil,
			[]string{"gamma=low: "}},
		{"a criterion named twice is listed once; answer tests name none", "{all: [" + pickC + ", " + alphaTop + ", {criterion: alpha, at_least: some}, {criterion: beta, at_least: some}]}", nil,
			[]string{"alpha=strong: pick=c+4, picks=p1+1", "beta=some: ticks=y+3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := mustParse(t, bytes.Replace(base, []byte(probe), []byte(tt.when), 1))
			answers := tt.answers
			if answers == nil {
				answers = probeAnswers
			}
			res := rules.Evaluate(q, answers)
			if res.Rule != "probe" {
				t.Fatalf("Rule = %q, want the probe (when %s)", res.Rule, tt.when)
			}
			if got := decisiveLines(res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decisive(when %s) = %q, want %q", tt.when, got, tt.want)
			}
		})
	}
}

func TestDecisiveAtMostThree(t *testing.T) {
	// "mixed: some signs everywhere" holds all four of mixed-fit's tests;
	// the first three, in the rule's order, are named.
	q := mustDefault(t)
	answers := assessment.Answers{
		"stage": {"scaling"}, "decisions": {"whoever"}, "symptoms": {"agreement-fades"},
		"alignment": {"3"}, "tried": {"process"}, "engineering": {"stretched"},
		"team-shape": {"one-or-two"}, "handoff": {"pm-owns"}, "mandate": {"roughly"},
		"want-help": {"clarity"}, "involvement": {"work-through"}, "direction": {"plan-open"}, "full-time": {"not-yet"},
	}
	res := rules.Evaluate(q, answers)
	if res.Rule != "mixed-fit" {
		t.Fatalf("Rule = %q, want mixed-fit", res.Rule)
	}
	var got []string
	for _, d := range res.Decisive {
		got = append(got, d.Criterion)
	}
	if want := []string{"between-stages", "clarity-not-capability", "fragile-alignment"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Decisive criteria = %v, want %v (focused-mandate held too, fourth)", got, want)
	}
}
