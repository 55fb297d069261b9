package brief_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/brief"
	"sessionplayer.studio/fitcheck/rules"
)

func mustDefault(t *testing.T) *assessment.Questionnaire {
	t.Helper()
	q, err := rules.Load(assessment.DefaultContent)
	if err != nil {
		t.Fatalf("Load(DefaultContent) = %v", err)
	}
	return q
}

// wantTensions are the tensions each example of the default content shows;
// an example not listed shows none.
var wantTensions = map[string][]string{
	"Scaling team whose leaders keep reopening priorities":                 {"pm-tried-still-unclear"},
	"Strong fit signals, but also hoping for a second opinion on the plan": {"open-yet-confirm"},
	"Strong fit signals, but nobody turns decisions into shipped work":     {"strong-team-no-handoff"},
	"Scaling company with the budget to hire a Head of Product now":        {"pm-tried-still-unclear"},
	"Clear fit signals, but budgeted and wanting a permanent leader soon":  {"pm-tried-still-unclear"},
}

func TestBriefForEveryExample(t *testing.T) {
	q := mustDefault(t)
	offered := map[string]bool{}
	for _, qs := range q.Brief.Questions {
		for _, s := range qs {
			offered[s] = true
		}
	}
	tensionQuestions := map[string][]string{}
	for _, tn := range q.Brief.Tensions {
		tensionQuestions[tn.ID] = tn.Questions
		for _, s := range tn.Questions {
			offered[s] = true
		}
	}
	for _, ex := range q.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			res := rules.Evaluate(q, ex.Answers)
			b := brief.Build(q, ex.Answers, res)
			var got []string
			for _, tn := range b.Tensions {
				got = append(got, tn.ID)
			}
			if want := wantTensions[ex.Name]; !reflect.DeepEqual(got, want) {
				t.Errorf("tensions = %v, want %v", got, want)
			}
			if n := len(b.Questions); n < brief.MinQuestions || n > brief.MaxQuestions {
				t.Errorf("%d suggested questions, want %d to %d: %q", n, brief.MinQuestions, brief.MaxQuestions, b.Questions)
			}
			for i, s := range b.Questions {
				if !offered[s] {
					t.Errorf("question %q is not one of the content's", s)
				}
				if slices.Contains(b.Questions[:i], s) {
					t.Errorf("question %q is suggested twice", s)
				}
			}
			// A tension's own question comes first: it is the most specific.
			for i, tn := range b.Tensions {
				if i < len(b.Questions) && b.Questions[i] != tensionQuestions[tn.ID][0] {
					t.Errorf("question %d = %q, want tension %s's first question", i+1, b.Questions[i], tn.ID)
				}
			}
			if b.OutcomeLabel != q.OutcomeLabel(ex.Expect) || b.Reason != res.Reason {
				t.Errorf("verdict = %q (%q), want %q with the rule's reason", b.OutcomeLabel, b.Reason, q.OutcomeLabel(ex.Expect))
			}
			if again := brief.Build(q, ex.Answers, res); !reflect.DeepEqual(again, b) {
				t.Errorf("Build is not deterministic")
			}
			text := b.Text("Brief")
			for _, s := range b.Questions {
				if !strings.Contains(strings.Join(strings.Fields(text), " "), s) {
					t.Errorf("plain text lacks the question %q", s)
				}
			}
		})
	}
}

func TestBriefDecidingSignalsMatchTheOutcome(t *testing.T) {
	q := mustDefault(t)
	for _, ex := range q.Examples {
		b := brief.Build(q, ex.Answers, rules.Evaluate(q, ex.Answers))
		if ex.Expect == assessment.HireAPM {
			if len(b.Deciding) == 0 || b.Deciding[0].ID != "execution-gap" {
				t.Errorf("%s: deciding = %+v, want the execution gap first", ex.Name, b.Deciding)
			}
		}
		for _, s := range b.Weakest {
			if s.Level == q.Levels[len(q.Levels)-1].Label {
				t.Errorf("%s: weakest lists %s at the top level", ex.Name, s.Label)
			}
		}
	}
}

func TestBriefWordsAndAttempts(t *testing.T) {
	q := mustDefault(t)
	ex := q.Examples[0] // the article's example: tried a roadmap and pushing harder, and wrote a sentence
	b := brief.Build(q, ex.Answers, rules.Evaluate(q, ex.Answers))
	if len(b.Words) != 1 || b.Words[0].Text != ex.Answers.First("stuck-decision") {
		t.Errorf("own words = %+v, want their stuck decision", b.Words)
	}
	var tried []string
	for _, a := range b.Tried {
		if a.Symptom == "" {
			t.Errorf("attempt %q says nothing about the symptom", a.Label)
		}
		tried = append(tried, a.Label)
	}
	if len(tried) != 2 || !strings.Contains(tried[0], "roadmap") || !strings.Contains(tried[1], "faster") {
		t.Errorf("tried = %q, want the roadmap and pushing faster, in the question's order", tried)
	}
}

func TestBriefWithoutBriefContent(t *testing.T) {
	// A content file without a brief: section still gets a brief, with no
	// tensions and no suggested questions to choose from.
	q := mustDefault(t)
	bare := *q
	bare.Brief = assessment.BriefContent{}
	ex := q.Examples[0]
	b := brief.Build(&bare, ex.Answers, rules.Evaluate(&bare, ex.Answers))
	if len(b.Tensions) != 0 || len(b.Questions) != 0 || len(b.Tried) != 0 || b.OutcomeLabel == "" {
		t.Errorf("brief without content = %+v, want the verdict and signals only", b)
	}
}
