// Package brief writes the pre-call brief the owner reads before calling a
// founder, in the order a call needs it: who they are, their own words, the
// verdict in one sentence (with the tension between what they asked for and
// what they described), the questions to ask; then what decided it, the
// other strong and the weakest signals, answers that pull against each
// other, what they already tried and why it eased only a symptom, and the
// answers one change away from another outcome. It speaks of the founder
// in the third person: the owner reads it, not the founder. It is pure,
// like rules: questionnaire, answers and result in, brief out.
package brief

import (
	"slices"
	"sort"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

// MaxQuestions and MinQuestions bound the suggested first-call questions.
const (
	MinQuestions = 3
	MaxQuestions = 5
)

// Brief is everything the owner reads before a first call.
type Brief struct {
	// Who is the founder as the caller knows them; Build leaves it empty
	// (contact details are not the rules' business) for the caller to fill.
	Who          Who
	Outcome      string
	OutcomeLabel string
	// Why is the verdict's one sentence, in the third person: the content's
	// neutral why, written for whoever is not the founder.
	Why string
	// ResultTension is where what they asked for and what they describe
	// disagree, as the result names it; nil when they agree, and for a
	// result stored before content files had tensions.
	ResultTension *ResultTension
	Deciding      []Signal // the criteria the outcome turned on, strongest first
	Strongest     []Signal // the clearest fit signals not already deciding
	Weakest       []Signal // the fit signals that barely showed, not deciding
	Against       []Signal // signals that route elsewhere and showed up
	Tensions      []Tension
	Words         []Quote
	Tried         []Attempt
	NearMiss      []NearMiss // single answers that, changed, give another outcome
	Questions     []string
}

// Who is the founder, as they left their details, and where and when
// they answered. Anonymous says they left none.
type Who struct {
	Anonymous bool
	Name      string
	Email     string
	Company   string
	Role      string
	Source    string // where they came from: a utm_source or a referring host
	Answered  string // when, as the owner reads a date
}

// NearMiss is one answer that, changed on its own, gives another outcome.
type NearMiss struct {
	Prompt  string
	Answer  string
	Removed bool // the change unticks Answer rather than picking it
	Outcome string
}

// Signal is one criterion's level, with the answers that moved it most.
type Signal struct {
	ID      string
	Label   string
	Level   string
	Score   int
	Max     int
	Answers []string
}

// ResultTension is the result's tension in the content's neutral words
// (the founder's own sentence when the content has none), with the outcome
// the request alone would have led to, when the description set it aside.
type ResultTension struct {
	ID       string
	Text     string
	SetAside string // an outcome label, or ""
}

// Tension is two answers that pull against each other.
type Tension struct {
	ID    string
	Label string
}

// Quote is a founder's free-text answer with the question it answered.
type Quote struct {
	Prompt string
	Text   string
}

// Attempt is something the founder already tried, and why it treats a
// symptom rather than the cause.
type Attempt struct {
	Label   string
	Symptom string
}

// Build writes the brief for one assessment, answered against q and
// decided as res.
func Build(q *assessment.Questionnaire, answers assessment.Answers, res assessment.Result) Brief {
	b := Brief{Outcome: res.Outcome, OutcomeLabel: q.OutcomeLabel(res.Outcome), Why: thirdPerson(q, res)}
	b.ResultTension = resultTension(q, res.Tension)
	b.Deciding = deciding(q, res)
	b.Strongest, b.Weakest, b.Against = signals(q, res, b.Deciding)
	for _, t := range q.Brief.Tensions {
		if t.When != nil && rules.Holds(q, t.When, res, answers) {
			b.Tensions = append(b.Tensions, Tension{ID: t.ID, Label: t.Label})
		}
	}
	b.Words = words(q, answers)
	b.Tried = tried(q, answers)
	for _, n := range res.NearMiss {
		b.NearMiss = append(b.NearMiss, NearMiss{Prompt: n.Prompt, Answer: n.Answer, Removed: len(n.To) < len(n.From), Outcome: q.OutcomeLabel(n.Outcome)})
	}
	b.Questions = questions(q, b)
	return b
}

// thirdPerson is the verdict's sentence as the owner reads it: the
// content's neutral why; for a file without one, the first of the why and
// the stored reason that does not speak to the founder as "you", else the
// stored reason as it is.
func thirdPerson(q *assessment.Questionnaire, res assessment.Result) string {
	why, neutral := q.WhyOf(res)
	for _, s := range []string{neutral, why, res.Reason} {
		if s != "" && !assessment.AddressesReader(s) {
			return s
		}
	}
	return res.Reason
}

// resultTension is what the result stored of its tension, as the owner
// reads it: stored words, so it reads as the founder's result does.
func resultTension(q *assessment.Questionnaire, t *assessment.TensionShown) *ResultTension {
	if t == nil {
		return nil
	}
	out := &ResultTension{ID: t.ID, Text: t.Neutral}
	if out.Text == "" {
		out.Text = t.Sentence
	}
	if t.SetAside != "" {
		out.SetAside = q.OutcomeLabel(t.SetAside)
	}
	return out
}

// deciding lists what the outcome turned on: the result's decisive
// criteria, with the answers behind them. A result stored before those
// were computed (Decisive nil) gets the criteria its rule tested at_least
// and that showed, from the questionnaire.
func deciding(q *assessment.Questionnaire, res assessment.Result) []Signal {
	if res.Decisive != nil {
		out := make([]Signal, 0, len(res.Decisive))
		for _, d := range res.Decisive {
			s := Signal{ID: d.Criterion, Label: d.Label, Level: d.Level}
			if c, ok := res.Criterion(d.Criterion); ok {
				s.Level, s.Score, s.Max = c.LevelLabel, c.Score, c.Max
			}
			for _, a := range d.Answers {
				s.Answers = append(s.Answers, a.Answer)
			}
			out = append(out, s)
		}
		return out
	}
	var rule *assessment.Rule
	for i := range q.Rules {
		if q.Rules[i].ID == res.Rule {
			rule = &q.Rules[i]
		}
	}
	var ids []string
	if rule != nil && rule.When != nil {
		collectCriteria(rule.When, &ids)
	}
	var out []Signal
	for _, id := range ids {
		if c, ok := res.Criterion(id); ok && c.LevelRank > 0 {
			out = append(out, signal(c))
		}
	}
	sortSignals(out)
	return out
}

func collectCriteria(c *assessment.Condition, ids *[]string) {
	if c.Criterion != "" && c.AtLeast != "" && !slices.Contains(*ids, c.Criterion) {
		*ids = append(*ids, c.Criterion)
	}
	for _, group := range [][]assessment.Condition{c.All, c.Any, c.Of} {
		for i := range group {
			collectCriteria(&group[i], ids)
		}
	}
}

func signal(c assessment.CriterionResult) Signal {
	s := Signal{ID: c.ID, Label: c.Label, Level: c.LevelLabel, Score: c.Score, Max: c.Max}
	moved := slices.Clone(c.MovedBy)
	sort.SliceStable(moved, func(i, j int) bool { return moved[i].Points > moved[j].Points })
	for _, m := range moved {
		if m.Points > 0 && len(s.Answers) < 2 {
			s.Answers = append(s.Answers, m.Answer)
		}
	}
	return s
}

// sortSignals puts higher levels first, then higher shares of the maximum.
func sortSignals(s []Signal) {
	sort.SliceStable(s, func(i, j int) bool { return share(s[i]) > share(s[j]) })
}

func share(s Signal) float64 {
	if s.Max <= 0 {
		return float64(s.Score)
	}
	return float64(s.Score) / float64(s.Max)
}

// signals splits the criteria not already deciding into the strongest fit
// signals (up to two at the top level: "also strong" means clearly), the
// weakest (up to two below the top level, lowest first, so never one of
// the strongest) and the signals against that showed at all. Only
// the signals against keep their answers: the others read as levels. A
// deciding criterion is named once, under what decided it.
func signals(q *assessment.Questionnaire, res assessment.Result, decided []Signal) (strongest, weakest, against []Signal) {
	var fit []assessment.CriterionResult
	for _, c := range res.Criteria {
		switch {
		case slices.ContainsFunc(decided, func(d Signal) bool { return d.ID == c.ID }):
		case c.Kind == assessment.FitSignal:
			fit = append(fit, c)
		case c.LevelRank > 0:
			against = append(against, signal(c))
		}
	}
	sortSignals(against)
	sort.SliceStable(fit, func(i, j int) bool {
		if fit[i].LevelRank != fit[j].LevelRank {
			return fit[i].LevelRank > fit[j].LevelRank
		}
		return share(signal(fit[i])) > share(signal(fit[j]))
	})
	top := len(q.Levels) - 1
	for _, c := range fit {
		if c.LevelRank == top && len(strongest) < 2 {
			strongest = append(strongest, levelOnly(c))
		}
	}
	for i := len(fit) - 1; i >= 0 && len(weakest) < 2; i-- {
		if fit[i].LevelRank < top {
			weakest = append(weakest, levelOnly(fit[i]))
		}
	}
	return strongest, weakest, against
}

func levelOnly(c assessment.CriterionResult) Signal {
	s := signal(c)
	s.Answers = nil
	return s
}

func words(q *assessment.Questionnaire, answers assessment.Answers) []Quote {
	var out []Quote
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			if qn.Type == assessment.Text {
				if v := strings.TrimSpace(answers.First(qn.ID)); v != "" {
					out = append(out, Quote{Prompt: qn.Prompt, Text: v})
				}
			}
		}
	}
	return out
}

func tried(q *assessment.Questionnaire, answers assessment.Answers) []Attempt {
	t := q.Brief.Tried
	qn, _, ok := q.Question(t.Question)
	if !ok {
		return nil
	}
	var out []Attempt
	for _, opt := range qn.Options { // in the order the question lists them
		if why, ok := t.Options[opt.ID]; ok && answers.Has(qn.ID, opt.ID) {
			out = append(out, Attempt{Label: opt.Label, Symptom: why})
		}
	}
	return out
}

// questions picks the first-call questions: the first of the result's
// tension and of each brief tension (they are the most specific), then the
// first of each deciding criterion, the weakest and the strongest fit
// signals and the signals against, then the tensions' follow-ups, at most
// MaxQuestions. Only when that gives fewer than MinQuestions do the other
// criteria's questions fill in.
func questions(q *assessment.Questionnaire, b Brief) []string {
	var tensions, signals [][]string
	if b.ResultTension != nil {
		// The words are the stored ones; the questions come from the file
		// the result was decided under, looked up by the tension's id.
		if t, ok := q.Tension(b.ResultTension.ID); ok {
			tensions = append(tensions, t.Questions)
		}
	}
	for _, t := range b.Tensions {
		for _, ct := range q.Brief.Tensions {
			if ct.ID == t.ID {
				tensions = append(tensions, ct.Questions)
			}
		}
	}
	for _, group := range [][]Signal{b.Deciding, b.Weakest, b.Against, b.Strongest} {
		for _, s := range group {
			signals = append(signals, q.Brief.Questions[s.ID])
		}
	}
	var rest [][]string
	for _, c := range q.Criteria {
		rest = append(rest, q.Brief.Questions[c.ID])
	}
	var out []string
	add := func(pools [][]string, depth int) {
		for _, pool := range pools {
			if depth < len(pool) && len(out) < MaxQuestions && !slices.Contains(out, pool[depth]) {
				out = append(out, pool[depth])
			}
		}
	}
	add(tensions, 0)
	add(signals, 0)
	add(tensions, 1)
	for depth := 0; depth < 2 && len(out) < MinQuestions; depth++ {
		add(rest, depth)
	}
	return out
}
