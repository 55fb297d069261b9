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
	"Scaling team whose leaders keep reopening priorities":                                                                                {"pm-tried-still-unclear"},
	"Growing company, a few PMs and no product leader, where the founders keep overturning each other's calls":                            {"pm-tried-still-unclear"},
	"Established company whose VP of Product owns the roadmap, while the executive team keeps overriding it":                              {"pm-tried-still-unclear"},
	"Our Head of Product left; a permanent hire is budgeted but months away, and nobody owns the calls meanwhile":                         {"pm-tried-still-unclear"},
	"Clear fit signals, but a permanent leader is budgeted and a co-founder covers product well until they start":                         {"pm-tried-still-unclear"},
	"Scaling company with the budget to hire a Head of Product now":                                                                       {"pm-tried-still-unclear"},
	"Strong fit signals, but nobody turns decisions into shipped work":                                                                    {"strong-team-no-handoff"},
	"No product role yet; a founder squeezes the tickets in between other work":                                                           {"strong-team-no-handoff"},
	"No product role yet, and agreed work often never ships":                                                                              {"strong-team-no-handoff"},
	"A technical founder asks for someone to run the backlog, yet his strong team re-plans every sprint and nobody settles the trade-off": {"strong-team-no-handoff"},
	"The same founder, except that agreed work often never ships":                                                                         {"strong-team-no-handoff"},
	"Asks for someone to run the backlog; direction shifts, but agreements hold and nothing is named":                                     {"strong-team-no-handoff"},
	"Scaling company with a working product team that wants product off its plate for good, no end date":                                  {"pm-tried-still-unclear", "org-without-budget"},
	"The same company, wanting product taken off its plate for a while":                                                                   {"pm-tried-still-unclear"},
	"Established company with a product team wants a permanent owner of product, and will join the big calls":                             {"org-without-budget"},
	"Growing company with one PM wants a permanent owner of product, without the budget or the team for one":                              {"org-without-budget"},
	"A medical device before approval, whose clinical and regulatory leads undo each other's calls":                                       {"pm-tried-still-unclear"},
	"The same device company, still searching for its market":                                                                             {"pm-tried-still-unclear"},
	"Wants a junior PM coached into the role, while the founders keep moving the priorities above them":                                   {"pm-tried-still-unclear"},
	"Wants a junior PM coached into the role, in a company where decisions hold":                                                          {"pm-tried-still-unclear"},
	"Our new VP of Product starts in four months; we want the seat covered until then":                                                    {"pm-tried-still-unclear"},
	"Our new VP of Product starts in four months, and a co-founder covers the seat well until then":                                       {"pm-tried-still-unclear"},
	"Our VP of Product is in the seat, counted as the senior hire we tried, and the executive team overrules them":                        {"pm-tried-still-unclear"},
}

// TestEveryTensionCanShow changes one or two answers of an example to
// reach each tension the examples do not, so none is dead content.
func TestEveryTensionCanShow(t *testing.T) {
	q := mustDefault(t)
	reach := map[string]struct {
		example string
		change  assessment.Answers
	}{
		"settled-yet-shifting":         {"Direction decided, looking for an expert to confirm it", assessment.Answers{"alignment": {"5"}}},
		"fine-yet-fading":              {"Growing company with some signs, a stretched team and a rough mandate", assessment.Answers{"symptoms": {"busy-uneven", "agreement-fades"}}},
		"named-yet-unsure":             {"The article's example: growth stage, strong engineering, lots of ideas, unclear priorities", assessment.Answers{"want-help": {"not-sure"}}},
		"org-without-budget":           {"Scaling company with the budget to hire a Head of Product now", assessment.Answers{"full-time": {"not-yet"}}},
		"hand-over-yet-fading":         {"Take product off our plate and fix it: the leadership team will stay out of it", assessment.Answers{"symptoms": {"agreement-fades"}, "want-help": {"clarity"}}},
		"cover-without-hire":           {"Our new VP of Product starts in four months; we want the seat covered until then", assessment.Answers{"full-time": {"not-yet"}}},
		"nothing-waiting-yet-shifting": {"A steady company doing fine, with nothing waiting on a product decision", assessment.Answers{"alignment": {"4"}}},
	}
	shown := map[string]bool{}
	for _, ids := range wantTensions {
		for _, id := range ids {
			shown[id] = true
		}
	}
	for _, tn := range q.Brief.Tensions {
		if shown[tn.ID] {
			continue
		}
		r, ok := reach[tn.ID]
		if !ok {
			t.Errorf("tension %q shows for no example and has no case here", tn.ID)
			continue
		}
		var answers assessment.Answers
		for _, ex := range q.Examples {
			if ex.Name == r.example {
				answers = ex.Answers.Clone()
			}
		}
		if answers == nil {
			t.Fatalf("no example %q", r.example)
		}
		for k, v := range r.change {
			answers[k] = v
		}
		b := brief.Build(q, answers, rules.Evaluate(q, answers))
		if !slices.ContainsFunc(b.Tensions, func(x brief.Tension) bool { return x.ID == tn.ID }) {
			t.Errorf("%s with %v: tensions = %+v, want %s", r.example, r.change, b.Tensions, tn.ID)
		}
	}
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
	for _, tn := range q.Tensions {
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
			// A tension's own question comes first, the result's before the
			// brief's: they are the most specific.
			var first []string
			if res.Tension != nil {
				rt, _ := q.Tension(res.Tension.ID)
				first = append(first, rt.Questions[0])
			}
			for _, tn := range b.Tensions {
				first = append(first, tensionQuestions[tn.ID][0])
			}
			for i, want := range first {
				if i < len(b.Questions) && b.Questions[i] != want {
					t.Errorf("question %d = %q, want %q, the %d. tension's first question", i+1, b.Questions[i], want, i+1)
				}
			}
			_, neutral := q.WhyOf(res)
			if b.OutcomeLabel != q.OutcomeLabel(ex.Expect) || b.Why != neutral || neutral == "" {
				t.Errorf("verdict = %q (%q), want %q with the neutral why %q", b.OutcomeLabel, b.Why, q.OutcomeLabel(ex.Expect), neutral)
			}
			// Written for the owner: the founder is "they", never "you".
			if assessment.AddressesReader(b.Why) {
				t.Errorf("the verdict's sentence speaks to the founder: %q", b.Why)
			}
			// A deciding criterion is named once, under what decided it.
			for _, group := range [][]brief.Signal{b.Strongest, b.Weakest, b.Against} {
				for _, sig := range group {
					if slices.ContainsFunc(b.Deciding, func(d brief.Signal) bool { return d.ID == sig.ID }) {
						t.Errorf("%s is listed under what decided it and again beside it", sig.Label)
					}
				}
			}
			// "Also strong" is a clear signal, and never the weakest too.
			top := q.Levels[len(q.Levels)-1].Label
			for _, sig := range b.Strongest {
				if sig.Level != top || slices.ContainsFunc(b.Weakest, func(w brief.Signal) bool { return w.ID == sig.ID }) {
					t.Errorf("%s (%s) is listed as also strong, want only clear signals that are not among the weakest", sig.Label, sig.Level)
				}
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

// TestBriefNamesTheResultTension: where the request and the description
// disagree, the owner reads it above everything but the verdict, in the
// content's neutral words, with what the request alone would have read,
// and asks about it first.
func TestBriefNamesTheResultTension(t *testing.T) {
	q := mustDefault(t)
	const name = "A technical founder asks for someone to run the backlog, yet his strong team re-plans every sprint and nobody settles the trade-off"
	var answers assessment.Answers
	for _, ex := range q.Examples {
		if ex.Name == name {
			answers = ex.Answers
		}
	}
	if answers == nil {
		t.Fatalf("no example %q", name)
	}
	res := rules.Evaluate(q, answers)
	tension, _ := q.Tension("backlog-but-moving-targets")
	b := brief.Build(q, answers, res)
	want := &brief.ResultTension{ID: tension.ID, Text: tension.Neutral, SetAside: "Hire a PM"}
	if !reflect.DeepEqual(b.ResultTension, want) {
		t.Fatalf("ResultTension = %+v, want %+v", b.ResultTension, want)
	}
	if len(b.Questions) == 0 || b.Questions[0] != tension.Questions[0] {
		t.Errorf("first question = %q, want the tension's %q", b.Questions, tension.Questions[0])
	}
	text := strings.Join(strings.Fields(b.Text("Brief")), " ")
	for _, s := range []string{"Asked for one thing, described another", tension.Neutral, "alone would have read: Hire a PM"} {
		if !strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
			t.Errorf("plain text lacks %q:\n%s", s, b.Text("Brief"))
		}
	}

	// Without neutral words the founder's sentence stands in.
	res.Tension.Neutral = ""
	if got := brief.Build(q, answers, res).ResultTension.Text; got != tension.Sentence {
		t.Errorf("ResultTension.Text without neutral words = %q, want the sentence %q", got, tension.Sentence)
	}
	// A result stored before tensions existed has none, and says nothing.
	res.Tension = nil
	old := brief.Build(q, answers, res)
	if old.ResultTension != nil || strings.Contains(old.Text("Brief"), "Asked for one thing") {
		t.Errorf("brief of a result without a tension = %+v, want no tension", old.ResultTension)
	}
}

// TestBriefTextOpensWithWhoAndWords: the plain text reads in the page's
// order, who first (the contact included), then their words, the verdict,
// the questions, and what decided it after them.
func TestBriefTextOpensWithWhoAndWords(t *testing.T) {
	q := mustDefault(t)
	ex := q.Examples[0]
	b := brief.Build(q, ex.Answers, rules.Evaluate(q, ex.Answers))
	b.Who = brief.Who{Name: "Ada Lovelace", Email: "ada@analytical.example", Company: "Analytical Engines", Role: "CEO", Source: "linkedin", Answered: "Monday 7 December 2026, 12:24 CET"}
	text := strings.Join(strings.Fields(b.Text("Brief: Ada Lovelace")), " ")
	order := []string{"E-mail: ada@analytical.example", "Role: CEO", "Came from: linkedin", "In their own words", ex.Answers.First("stuck-decision"),
		"Verdict: " + b.OutcomeLabel, b.Why, "Ask on the first call", b.Questions[0], "What decided it"}
	at := -1
	for _, s := range order {
		i := strings.Index(text, strings.Join(strings.Fields(s), " "))
		if i < 0 {
			t.Fatalf("brief text lacks %q:\n%s", s, text)
		}
		if i < at {
			t.Errorf("brief text has %q before what comes ahead of it:\n%s", s, text)
		}
		at = i
	}
	anon := b
	anon.Who = brief.Who{Anonymous: true, Answered: "today"}
	if got := anon.Text("Brief"); !strings.Contains(got, "Anonymous: left no contact details") || strings.Contains(got, "E-mail") {
		t.Errorf("an anonymous brief's who = %q, want it to say they left no details", got)
	}
}
