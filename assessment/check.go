package assessment

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checker walks a decoded questionnaire and collects every problem, each
// located by the line of the YAML node it concerns.
type checker struct {
	q        *Questionnaire
	root     *yaml.Node
	problems []Problem
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (c *checker) add(path []any, format string, args ...any) {
	c.problems = append(c.problems, Problem{Line: lineOf(c.root, path...), Message: fmt.Sprintf(format, args...)})
}

func at(path []any, more ...any) []any {
	return append(slices.Clone(path), more...)
}

func (c *checker) required(path []any, field, value string) {
	if strings.TrimSpace(value) == "" {
		c.add(at(path, field), "%s is missing", dotted(at(path, field)))
	}
}

// dotted writes a path the way the file nests it: steps[1].questions[0].prompt.
func dotted(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, p)
		}
	}
	return b.String()
}

func (c *checker) id(path []any, what, id string, seen map[string]bool) {
	switch {
	case id == "":
		c.add(at(path, "id"), "%s has no id", what)
	case !idPattern.MatchString(id):
		c.add(at(path, "id"), "%s id %q must be lowercase letters, digits and dashes", what, id)
	case seen[id]:
		c.add(at(path, "id"), "%s id %q is used twice", what, id)
	}
	seen[id] = true
}

func (c *checker) check() {
	c.required(nil, "title", c.q.Title)
	c.required(nil, "summary", c.q.Summary)
	if c.q.Minutes <= 0 {
		c.add([]any{"minutes"}, "minutes must be a positive number (how long the assessment takes)")
	}
	c.checkLevels()
	c.checkCriteria()
	c.checkSteps()
	c.checkContact()
	c.checkOutcomes()
	c.checkRules()
	c.checkTensions()
	c.checkExamples()
	c.checkBrief()
}

func (c *checker) checkLevels() {
	if len(c.q.Levels) < 2 {
		c.add([]any{"levels"}, "levels needs at least two entries, lowest first")
	}
	seen := map[string]bool{}
	for i, l := range c.q.Levels {
		p := []any{"levels", i}
		c.id(p, "level", l.ID, seen)
		c.required(p, "label", l.Label)
	}
}

func (c *checker) checkCriteria() {
	if len(c.q.Criteria) == 0 {
		c.add([]any{"criteria"}, "criteria is missing: the rules need something to score")
	}
	seen := map[string]bool{}
	for i, cr := range c.q.Criteria {
		p := []any{"criteria", i}
		c.id(p, "criterion", cr.ID, seen)
		c.required(p, "label", cr.Label)
		c.required(p, "description", cr.Description)
		switch cr.Kind {
		case FitSignal, NotFitSignal, Context:
		default:
			c.add(at(p, "kind"), "criterion %q: kind must be fit, not-fit or context, not %q", cr.ID, cr.Kind)
		}
		c.checkThresholds(p, cr)
	}
}

func (c *checker) checkThresholds(p []any, cr Criterion) {
	for level := range cr.Thresholds {
		if r := c.q.LevelRank(level); r < 1 {
			c.add(at(p, "thresholds", level), "criterion %q: threshold for %q, which is not a level above the first", cr.ID, level)
		}
	}
	prev, prevLevel := 0, ""
	for i, l := range c.q.Levels {
		if i == 0 {
			continue
		}
		min, ok := cr.Thresholds[l.ID]
		if !ok {
			c.add(at(p, "thresholds"), "criterion %q: no threshold for level %q", cr.ID, l.ID)
			continue
		}
		if i > 1 && prevLevel != "" && min <= prev {
			c.add(at(p, "thresholds", l.ID), "criterion %q: threshold for %q (%d) must be above %q's (%d)", cr.ID, l.ID, min, prevLevel, prev)
		}
		prev, prevLevel = min, l.ID
	}
}

func (c *checker) checkSteps() {
	if len(c.q.Steps) == 0 {
		c.add([]any{"steps"}, "steps is missing: there is nothing to ask")
	}
	stepIDs, questionIDs := map[string]bool{}, map[string]bool{}
	for si, s := range c.q.Steps {
		p := []any{"steps", si}
		c.id(p, "step", s.ID, stepIDs)
		c.required(p, "title", s.Title)
		if len(s.Questions) == 0 {
			c.add(at(p, "questions"), "step %q has no questions", s.ID)
		}
		for qi := range s.Questions {
			c.checkQuestion(at(p, "questions", qi), &s.Questions[qi], questionIDs)
		}
	}
}

func (c *checker) checkQuestion(p []any, qn *Question, seen map[string]bool) {
	c.id(p, "question", qn.ID, seen)
	c.required(p, "prompt", qn.Prompt)
	switch qn.Type {
	case Single, Multi, Scale:
		if len(qn.Options) < 2 {
			c.add(at(p, "options"), "question %q needs at least two options", qn.ID)
		}
	case Text:
		if len(qn.Options) > 0 {
			c.add(at(p, "options"), "question %q is a text question and cannot have options", qn.ID)
		}
	default:
		c.add(at(p, "type"), "question %q: type must be single, multi, scale or text, not %q", qn.ID, qn.Type)
	}
	if qn.MaxChoices != 0 && (qn.Type != Multi || qn.MaxChoices < 1 || qn.MaxChoices > len(qn.Options)) {
		c.add(at(p, "max_choices"), "question %q: max_choices applies to multi questions and must be between 1 and the number of options", qn.ID)
	}
	if qn.MaxLength != 0 && (qn.Type != Text || qn.MaxLength < 1) {
		c.add(at(p, "max_length"), "question %q: max_length applies to text questions and must be positive", qn.ID)
	}
	if (qn.LowLabel != "" || qn.HighLabel != "") && qn.Type != Scale {
		c.add(at(p, "low_label"), "question %q: low_label and high_label apply to scale questions only", qn.ID)
	}
	optionIDs := map[string]bool{}
	for oi, o := range qn.Options {
		op := at(p, "options", oi)
		c.id(op, "option", o.ID, optionIDs)
		c.required(op, "label", o.Label)
		if o.Exclusive && qn.Type != Multi {
			c.add(at(op, "exclusive"), "question %q: exclusive applies to options of multi questions only", qn.ID)
		}
		for crit := range o.Scores {
			if _, ok := c.q.Criterion(crit); !ok {
				c.add(at(op, "scores", crit), "question %q option %q scores unknown criterion %q", qn.ID, o.ID, crit)
			}
		}
	}
}

func (c *checker) checkContact() {
	p := []any{"contact"}
	c.required(p, "title", c.q.Contact.Title)
	c.required(p, "intro", c.q.Contact.Intro)
	c.required(p, "consent_label", c.q.Contact.ConsentLabel)
}

func (c *checker) checkOutcomes() {
	seen := map[string]bool{}
	for i, o := range c.q.Outcomes {
		p := []any{"outcomes", i}
		if !slices.Contains(OutcomeIDs, o.ID) {
			c.add(at(p, "id"), "unknown outcome %q: outcomes are %s", o.ID, strings.Join(OutcomeIDs, ", "))
		}
		c.id(p, "outcome", o.ID, seen)
		c.required(p, "headline", o.Headline)
		c.required(p, "summary", o.Summary)
		np := at(p, "next_step")
		c.required(np, "title", o.NextStep.Title)
		c.required(np, "body", o.NextStep.Body)
		switch o.NextStep.Action {
		case ActionBook, ActionMessage, ActionChecklist, ActionRetake, ActionContact:
			c.required(np, "action_label", o.NextStep.ActionLabel)
		case ActionNone:
		default:
			c.add(at(np, "action"), "outcome %q: action must be book, message, checklist, retake or none, not %q", o.ID, o.NextStep.Action)
		}
		for j, also := range o.NextStep.Also {
			ap := at(np, "also", j)
			switch also.Action {
			case ActionBook, ActionMessage, ActionChecklist, ActionRetake:
				c.required(ap, "label", also.Label)
			default:
				c.add(at(ap, "action"), "outcome %q: a further action must be book, message, checklist or retake, not %q", o.ID, also.Action)
			}
		}
	}
	for _, id := range OutcomeIDs {
		if !seen[id] {
			c.add([]any{"outcomes"}, "outcome %q has no copy: add it under outcomes", id)
		}
	}
}

func (c *checker) checkRules() {
	if len(c.q.Rules) == 0 {
		c.add([]any{"rules"}, "rules is missing: nothing decides an outcome")
		return
	}
	seen := map[string]bool{}
	reached := map[string]bool{}
	fallback := -1
	for i, r := range c.q.Rules {
		p := []any{"rules", i}
		c.id(p, "rule", r.ID, seen)
		c.required(p, "reason", r.Reason)
		if _, ok := c.q.Outcome(r.Outcome); !ok {
			c.add(at(p, "outcome"), "rule %q leads to unknown outcome %q", r.ID, r.Outcome)
		}
		if fallback >= 0 {
			c.add(p, "rule %q can never apply: rule %q before it always matches", r.ID, c.q.Rules[fallback].ID)
			continue
		}
		reached[r.Outcome] = true
		if r.When == nil {
			fallback = i
			continue
		}
		c.checkCondition(at(p, "when"), r.When)
	}
	if fallback < 0 {
		c.add([]any{"rules", len(c.q.Rules) - 1}, "the last rule needs no `when`, so every set of answers gets an outcome")
	}
	for i, o := range c.q.Outcomes {
		if !reached[o.ID] {
			c.add([]any{"outcomes", i, "id"}, "outcome %q is unreachable: no rule leads to it", o.ID)
		}
	}
}

func (c *checker) checkCondition(p []any, cond *Condition) {
	forms := 0
	if cond.Criterion != "" {
		forms++
		c.checkCriterionTest(p, cond)
	}
	if cond.Question != "" {
		forms++
		c.checkAnswerTest(p, cond)
	}
	for _, group := range []struct {
		key   string
		conds []Condition
	}{{"all", cond.All}, {"any", cond.Any}, {"of", cond.Of}} {
		if len(group.conds) == 0 {
			continue
		}
		if group.key != "of" {
			forms++
		}
		for i := range group.conds {
			c.checkCondition(at(p, group.key, i), &group.conds[i])
		}
	}
	if cond.Not != nil {
		forms++
		c.checkCondition(at(p, "not"), cond.Not)
	}
	if cond.Count != 0 || len(cond.Of) > 0 {
		forms++
		if cond.Count < 1 || cond.Count > len(cond.Of) {
			c.add(at(p, "count"), "count must be between 1 and the number of conditions under of")
		}
	}
	if forms != 1 {
		c.add(p, "a condition needs exactly one of: criterion, question, all, any, not, count+of")
	}
}

func (c *checker) checkCriterionTest(p []any, cond *Condition) {
	if _, ok := c.q.Criterion(cond.Criterion); !ok {
		c.add(at(p, "criterion"), "unknown criterion %q", cond.Criterion)
	}
	if (cond.AtLeast == "") == (cond.Below == "") {
		c.add(at(p, "criterion"), "criterion test on %q needs exactly one of at_least or below", cond.Criterion)
		return
	}
	level, key := cond.AtLeast, "at_least"
	if cond.Below != "" {
		level, key = cond.Below, "below"
	}
	if c.q.LevelRank(level) < 0 {
		c.add(at(p, key), "unknown level %q", level)
	}
}

func (c *checker) checkAnswerTest(p []any, cond *Condition) {
	qn, _, ok := c.q.Question(cond.Question)
	if !ok {
		c.add(at(p, "question"), "unknown question %q", cond.Question)
		return
	}
	if (cond.Is == "") == (cond.Includes == "") {
		c.add(at(p, "question"), "answer test on %q needs exactly one of is or includes", cond.Question)
		return
	}
	opt, key := cond.Is, "is"
	if cond.Includes != "" {
		opt, key = cond.Includes, "includes"
	}
	if key == "includes" && qn.Type != Multi {
		c.add(at(p, key), "question %q is not a multi question: use is", cond.Question)
	}
	if key == "is" && qn.Type == Multi {
		c.add(at(p, key), "question %q is a multi question: use includes", cond.Question)
	}
	if _, ok := qn.Option(opt); !ok {
		c.add(at(p, key), "question %q has no option %q", cond.Question, opt)
	}
}

// checkTensions checks the tensions a result may show: real conditions on
// both sides, a sentence for the founder, and an outcome to set aside that
// some other rule can stand in for.
func (c *checker) checkTensions() {
	seen := map[string]bool{}
	for i, t := range c.q.Tensions {
		p := []any{"tensions", i}
		c.id(p, "tension", t.ID, seen)
		c.required(p, "sentence", t.Sentence)
		for _, side := range []struct {
			key  string
			cond *Condition
			what string
		}{{"asked", t.Asked, "the help they ask for"}, {"described", t.Described, "what they describe that disagrees with it"}} {
			if side.cond == nil {
				c.add(p, "tension %q needs `%s`: %s", t.ID, side.key, side.what)
				continue
			}
			c.checkCondition(at(p, side.key), side.cond)
		}
		if t.SetsAside == "" {
			continue
		}
		if _, ok := c.q.Outcome(t.SetsAside); !ok {
			c.add(at(p, "sets_aside"), "tension %q sets aside unknown outcome %q", t.ID, t.SetsAside)
		} else if n := len(c.q.Rules); n > 0 && c.q.Rules[n-1].When == nil && c.q.Rules[n-1].Outcome == t.SetsAside {
			c.add(at(p, "sets_aside"), "tension %q cannot set aside %q: the last rule, which must always give an answer, leads to it", t.ID, t.SetsAside)
		}
	}
}

func (c *checker) checkExamples() {
	names := map[string]bool{}
	for i, ex := range c.q.Examples {
		p := []any{"examples", i}
		c.required(p, "name", ex.Name)
		if names[ex.Name] {
			c.add(at(p, "name"), "example name %q is used twice", ex.Name)
		}
		names[ex.Name] = true
		if _, ok := c.q.Outcome(ex.Expect); !ok {
			c.add(at(p, "expect"), "example %q expects unknown outcome %q", ex.Name, ex.Expect)
		}
		if ex.Tension != "" && ex.Tension != NoTension && !slices.ContainsFunc(c.q.Tensions, func(t ResultTension) bool { return t.ID == ex.Tension }) {
			c.add(at(p, "tension"), "example %q expects unknown tension %q (or write none)", ex.Name, ex.Tension)
		}
		errs := c.q.CheckAll(ex.Answers)
		ids := make([]string, 0, len(errs))
		for id := range errs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			msg := errs[id]
			if _, ok := ex.Answers[id]; !ok {
				msg = "this question is required, so the example must answer it"
			}
			c.add(at(p, "answers", id), "example %q, question %q: %s", ex.Name, id, msg)
		}
	}
}

// checkBrief checks the optional brief: section: every question, option
// and criterion it names must exist, and every tension must say something.
func (c *checker) checkBrief() {
	b := c.q.Brief
	if b.Tried.Question != "" || len(b.Tried.Options) > 0 {
		p := []any{"brief", "tried"}
		qn, _, ok := c.q.Question(b.Tried.Question)
		switch {
		case b.Tried.Question == "":
			c.add(at(p, "question"), "brief.tried.question is missing: which question asks what they tried?")
		case !ok:
			c.add(at(p, "question"), "brief.tried: unknown question %q", b.Tried.Question)
		case qn.Type != Multi && qn.Type != Single:
			c.add(at(p, "question"), "brief.tried: question %q has no options to explain", b.Tried.Question)
		default:
			for _, id := range sortedKeys(b.Tried.Options) {
				if _, ok := qn.Option(id); !ok {
					c.add(at(p, "options", id), "brief.tried: question %q has no option %q", qn.ID, id)
				}
				if b.Tried.Options[id] == "" {
					c.add(at(p, "options", id), "brief.tried: option %q needs a sentence on why it treats a symptom", id)
				}
			}
		}
	}
	seen := map[string]bool{}
	for i, t := range b.Tensions {
		p := []any{"brief", "tensions", i}
		c.id(p, "tension", t.ID, seen)
		c.required(p, "label", t.Label)
		if t.When == nil {
			c.add(p, "tension %q needs a `when`: the answers that pull against each other", t.ID)
		} else {
			c.checkCondition(at(p, "when"), t.When)
		}
		if len(t.Questions) == 0 {
			c.add(p, "tension %q needs at least one question to ask about it", t.ID)
		}
	}
	for _, id := range sortedKeys(b.Questions) {
		if _, ok := c.q.Criterion(id); !ok {
			c.add([]any{"brief", "questions", id}, "brief.questions: unknown criterion %q", id)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
