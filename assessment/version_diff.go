package assessment

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Change is one difference between two questionnaire versions, in the
// words an owner reads on the versions page and `fitcheck publish` prints.
type Change struct {
	Area string // one of the Area… constants: what kind of thing changed
	Text string
}

// The areas a change belongs to, in the order Diff lists them.
const (
	AreaQuestions  = "Questions"
	AreaOptions    = "Options"
	AreaRules      = "Rules"
	AreaThresholds = "Criteria and thresholds"
	AreaOutcomes   = "Outcomes"
	AreaWording    = "Other wording"
	AreaExamples   = "Examples"
)

// Diff lists what changed from before to after: questions, options and
// the points they score, rules and their order, criteria and their
// thresholds, the outcomes' copy, the rest of the wording and the
// examples. Things are matched by id, so a renamed id reads as one removed
// and one added. No changes means the two ask and decide the same (the
// files may still differ in comments or spacing).
func Diff(before, after *Questionnaire) []Change {
	d := &differ{before: before, after: after}
	d.questions()
	d.rules()
	d.tensions()
	d.criteria()
	d.outcomes()
	d.wording()
	d.examples()
	order := []string{AreaQuestions, AreaOptions, AreaRules, AreaThresholds, AreaOutcomes, AreaWording, AreaExamples}
	slices.SortStableFunc(d.out, func(a, b Change) int {
		return slices.Index(order, a.Area) - slices.Index(order, b.Area)
	})
	return d.out
}

type differ struct {
	before, after *Questionnaire
	out           []Change
}

func (d *differ) add(area, format string, args ...any) {
	d.out = append(d.out, Change{Area: area, Text: fmt.Sprintf(format, args...)})
}

// quoted is a piece of copy as a change names it: in quotes, and cut short
// when it is long.
func quoted(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = strings.TrimSpace(string(r[:77])) + "…"
	}
	return "“" + s + "”"
}

func (d *differ) questions() {
	for si, step := range d.before.Steps {
		for _, old := range step.Questions {
			if _, _, ok := d.after.Question(old.ID); !ok {
				d.add(AreaQuestions, "Removed the question %s (step %d).", quoted(old.Prompt), si+1)
			}
		}
	}
	for si, step := range d.after.Steps {
		for qi := range step.Questions {
			now := &step.Questions[qi]
			old, oldStep, ok := d.before.Question(now.ID)
			if !ok {
				d.add(AreaQuestions, "Added the question %s to step %d, %s (%s).", quoted(now.Prompt), si+1, quoted(step.Title), questionKind(now))
				continue
			}
			d.question(old, now, oldStep, si)
		}
	}
	for i := range min(len(d.before.Steps), len(d.after.Steps)) {
		if b, a := d.before.Steps[i], d.after.Steps[i]; b.Title != a.Title || b.Intro != a.Intro {
			d.add(AreaWording, "Step %d's title or introduction changed: it is now %s.", i+1, quoted(a.Title))
		}
	}
	if nb, na := len(d.before.Steps), len(d.after.Steps); nb != na {
		d.add(AreaQuestions, "The questionnaire now has %d steps (was %d).", na, nb)
	}
}

// answeredWith names how a question of type t is answered.
func answeredWith(t QuestionType) string {
	if kind := map[QuestionType]string{Single: "one choice", Multi: "several choices", Scale: "a scale", Text: "a short text"}[t]; kind != "" {
		return kind
	}
	return string(t)
}

// questionKind names how a question is answered, and whether it must be.
func questionKind(q *Question) string {
	if !q.Required {
		return answeredWith(q.Type) + ", optional"
	}
	return answeredWith(q.Type)
}

func (d *differ) question(old, now *Question, oldStep, newStep int) {
	name := quoted(now.Prompt)
	if old.Prompt != now.Prompt {
		d.add(AreaQuestions, "The question %s now reads %s.", quoted(old.Prompt), name)
	}
	if oldStep != newStep {
		d.add(AreaQuestions, "%s moved from step %d to step %d.", name, oldStep+1, newStep+1)
	}
	if old.Type != now.Type {
		d.add(AreaQuestions, "%s is now answered with %s (was %s).", name, answeredWith(now.Type), answeredWith(old.Type))
	}
	if old.Required != now.Required {
		d.add(AreaQuestions, "%s is now %s.", name, map[bool]string{true: "required", false: "optional"}[now.Required])
	}
	if old.Help != now.Help {
		d.add(AreaWording, "The help under %s changed.", name)
	}
	if old.MaxChoices != now.MaxChoices || old.MaxLength != now.MaxLength || old.LowLabel != now.LowLabel || old.HighLabel != now.HighLabel {
		d.add(AreaQuestions, "%s has new limits or scale labels.", name)
	}
	d.options(old, now, name)
}

func (d *differ) options(old, now *Question, name string) {
	var kept []string
	for _, o := range old.Options {
		if _, ok := now.Option(o.ID); !ok {
			d.add(AreaOptions, "%s no longer offers %s.", name, quoted(o.Label))
		} else {
			kept = append(kept, o.ID)
		}
	}
	var keptNow []string
	for i := range now.Options {
		o := &now.Options[i]
		was, ok := old.Option(o.ID)
		if !ok {
			d.add(AreaOptions, "%s offers a new option, %s%s.", name, quoted(o.Label), d.scoresInWords(o.Scores, " scoring "))
			continue
		}
		keptNow = append(keptNow, o.ID)
		if was.Label != o.Label {
			d.add(AreaOptions, "In %s, the option %s now reads %s.", name, quoted(was.Label), quoted(o.Label))
		}
		if was.Exclusive != o.Exclusive {
			d.add(AreaOptions, "In %s, %s %s.", name, quoted(o.Label), map[bool]string{true: "now cannot be combined with others", false: "can now be combined with others"}[o.Exclusive])
		}
		d.scores(name, o, was.Scores, o.Scores)
	}
	if !slices.Equal(kept, keptNow) {
		d.add(AreaOptions, "The options of %s are in a new order.", name)
	}
}

// scores names each criterion an option now scores differently for.
func (d *differ) scores(name string, o *Option, was, now map[string]int) {
	for _, id := range d.criterionIDs() {
		b, inBefore := was[id]
		a, inAfter := now[id]
		switch {
		case !inBefore && !inAfter, b == a:
		case !inAfter || a == 0:
			d.add(AreaOptions, "In %s, %s no longer scores for %s (was %+d).", name, quoted(o.Label), d.criterionName(id), b)
		case !inBefore || b == 0:
			d.add(AreaOptions, "In %s, %s now scores %+d for %s.", name, quoted(o.Label), a, d.criterionName(id))
		default:
			d.add(AreaOptions, "In %s, %s now scores %+d for %s (was %+d).", name, quoted(o.Label), a, d.criterionName(id), b)
		}
	}
}

func (d *differ) scoresInWords(scores map[string]int, lead string) string {
	var parts []string
	for _, id := range d.criterionIDs() {
		if n := scores[id]; n != 0 {
			parts = append(parts, fmt.Sprintf("%+d for %s", n, d.criterionName(id)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return lead + strings.Join(parts, ", ")
}

// criterionIDs is every criterion of either version: the new order first.
func (d *differ) criterionIDs() []string {
	var ids []string
	for _, c := range d.after.Criteria {
		ids = append(ids, c.ID)
	}
	for _, c := range d.before.Criteria {
		if !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func (d *differ) criterionName(id string) string {
	if c, ok := d.after.Criterion(id); ok {
		return c.Label
	}
	if c, ok := d.before.Criterion(id); ok {
		return c.Label
	}
	return id
}

func (d *differ) criteria() {
	for _, c := range d.before.Criteria {
		if _, ok := d.after.Criterion(c.ID); !ok {
			d.add(AreaThresholds, "Removed the criterion %s.", c.Label)
		}
	}
	if !slices.EqualFunc(d.before.Levels, d.after.Levels, func(a, b Level) bool { return a == b }) {
		d.add(AreaThresholds, "The levels every criterion is graded on are now %s (were %s).", levelNames(d.after.Levels), levelNames(d.before.Levels))
	}
	for i := range d.after.Criteria {
		now := &d.after.Criteria[i]
		old, ok := d.before.Criterion(now.ID)
		if !ok {
			d.add(AreaThresholds, "Added the criterion %s (%s), graded %s.", now.Label, now.Kind.Heading(), d.thresholdsInWords(now))
			continue
		}
		if old.Label != now.Label {
			d.add(AreaThresholds, "The criterion %s is now called %s.", old.Label, now.Label)
		}
		if old.Kind != now.Kind {
			d.add(AreaThresholds, "%s now counts among %s (was %s).", now.Label, now.Kind.Heading(), old.Kind.Heading())
		}
		if old.Description != now.Description {
			d.add(AreaWording, "The description of %s changed.", now.Label)
		}
		for _, l := range d.after.Levels {
			b, inBefore := old.Thresholds[l.ID]
			a, inAfter := now.Thresholds[l.ID]
			switch {
			case !inAfter || (inBefore && a == b):
			case !inBefore:
				d.add(AreaThresholds, "%s reaches %s from %d points.", now.Label, quoted(l.Label), a)
			default:
				d.add(AreaThresholds, "%s reaches %s from %d points (was %d).", now.Label, quoted(l.Label), a, b)
			}
		}
	}
}

func levelNames(levels []Level) string {
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = quoted(l.Label)
	}
	return strings.Join(names, ", ")
}

func (d *differ) thresholdsInWords(c *Criterion) string {
	var parts []string
	for _, l := range d.after.Levels {
		if n, ok := c.Thresholds[l.ID]; ok {
			parts = append(parts, fmt.Sprintf("%s from %d points", quoted(l.Label), n))
		}
	}
	return strings.Join(parts, ", ")
}

func (d *differ) rules() {
	find := func(q *Questionnaire, id string) (*Rule, int) {
		for i := range q.Rules {
			if q.Rules[i].ID == id {
				return &q.Rules[i], i
			}
		}
		return nil, -1
	}
	var keptBefore, keptAfter []string
	for _, r := range d.before.Rules {
		if now, _ := find(d.after, r.ID); now == nil {
			d.add(AreaRules, "Removed the rule %s, which led to %s.", r.ID, d.before.OutcomeLabel(r.Outcome))
		} else {
			keptBefore = append(keptBefore, r.ID)
		}
	}
	for i := range d.after.Rules {
		now := &d.after.Rules[i]
		old, _ := find(d.before, now.ID)
		if old == nil {
			d.add(AreaRules, "Added the rule %s, tried %s: it leads to %s when %s.", now.ID, ordinal(i+1), d.after.OutcomeLabel(now.Outcome), conditionInWords(d.after, now.When))
			continue
		}
		keptAfter = append(keptAfter, now.ID)
		if old.Outcome != now.Outcome {
			d.add(AreaRules, "The rule %s now leads to %s (was %s).", now.ID, d.after.OutcomeLabel(now.Outcome), d.before.OutcomeLabel(old.Outcome))
		}
		if was, is := conditionInWords(d.before, old.When), conditionInWords(d.after, now.When); was != is {
			d.add(AreaRules, "The rule %s now applies when %s (was: when %s).", now.ID, is, was)
		}
		if old.Reason != now.Reason {
			d.add(AreaWording, "The reason the rule %s gives changed.", now.ID)
		}
	}
	if !slices.Equal(keptBefore, keptAfter) {
		d.add(AreaRules, "The rules are tried in a new order: %s.", strings.Join(keptAfter, ", "))
	}
}

// tensions are part of deciding (a tension that holds sets an outcome
// aside), so they are listed with the rules.
func (d *differ) tensions() {
	find := func(q *Questionnaire, id string) *ResultTension {
		for i := range q.Tensions {
			if q.Tensions[i].ID == id {
				return &q.Tensions[i]
			}
		}
		return nil
	}
	for _, t := range d.before.Tensions {
		if find(d.after, t.ID) == nil {
			d.add(AreaRules, "Removed the tension %s.", t.ID)
		}
	}
	for i := range d.after.Tensions {
		now := &d.after.Tensions[i]
		old := find(d.before, now.ID)
		if old == nil {
			d.add(AreaRules, "Added the tension %s: when %s, yet %s%s.", now.ID,
				conditionInWords(d.after, now.Asked), conditionInWords(d.after, now.Described), d.setsAside(now))
			continue
		}
		if conditionInWords(d.before, old.Asked) != conditionInWords(d.after, now.Asked) ||
			conditionInWords(d.before, old.Described) != conditionInWords(d.after, now.Described) || old.SetsAside != now.SetsAside {
			d.add(AreaRules, "The tension %s now holds when %s, yet %s%s.", now.ID,
				conditionInWords(d.after, now.Asked), conditionInWords(d.after, now.Described), d.setsAside(now))
		}
		if old.Sentence != now.Sentence || old.Neutral != now.Neutral || !slices.Equal(old.Questions, now.Questions) {
			d.add(AreaWording, "New wording for the tension %s.", now.ID)
		}
	}
}

func (d *differ) setsAside(t *ResultTension) string {
	if t.SetsAside == "" {
		return ""
	}
	return ", setting aside " + d.after.OutcomeLabel(t.SetsAside)
}

func ordinal(n int) string {
	switch {
	case n%10 == 1 && n%100 != 11:
		return fmt.Sprintf("%dst", n)
	case n%10 == 2 && n%100 != 12:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3 && n%100 != 13:
		return fmt.Sprintf("%drd", n)
	}
	return fmt.Sprintf("%dth", n)
}

// conditionInWords says what a rule's condition tests, with the labels of
// q's criteria, levels, questions and options.
func conditionInWords(q *Questionnaire, c *Condition) string {
	if c == nil {
		return "nothing else matched (the fallback)"
	}
	level := func(id string) string {
		for _, l := range q.Levels {
			if l.ID == id {
				return quoted(l.Label)
			}
		}
		return quoted(id)
	}
	criterion := func(id string) string {
		if cr, ok := q.Criterion(id); ok {
			return cr.Label
		}
		return id
	}
	answer := func(question, option string) (string, string) {
		qn, _, ok := q.Question(question)
		if !ok {
			return quoted(question), quoted(option)
		}
		if o, ok := qn.Option(option); ok {
			return quoted(qn.Prompt), quoted(o.Label)
		}
		return quoted(qn.Prompt), quoted(option)
	}
	group := func(cs []Condition) string {
		parts := make([]string, len(cs))
		for i := range cs {
			parts[i] = conditionInWords(q, &cs[i])
		}
		return strings.Join(parts, "; ")
	}
	switch {
	case c.Criterion != "" && c.AtLeast != "":
		return fmt.Sprintf("%s is at least %s", criterion(c.Criterion), level(c.AtLeast))
	case c.Criterion != "" && c.Below != "":
		return fmt.Sprintf("%s is below %s", criterion(c.Criterion), level(c.Below))
	case c.Question != "" && c.Is != "":
		p, o := answer(c.Question, c.Is)
		return fmt.Sprintf("the answer to %s is %s", p, o)
	case c.Question != "" && c.Includes != "":
		p, o := answer(c.Question, c.Includes)
		return fmt.Sprintf("the answers to %s include %s", p, o)
	case len(c.All) > 0:
		return "all of (" + group(c.All) + ")"
	case len(c.Any) > 0:
		return "any of (" + group(c.Any) + ")"
	case c.Not != nil:
		return "not (" + conditionInWords(q, c.Not) + ")"
	case len(c.Of) > 0:
		return fmt.Sprintf("at least %d of (%s)", c.Count, group(c.Of))
	}
	return "an unknown condition"
}

func (d *differ) outcomes() {
	for _, id := range OutcomeIDs {
		old, okBefore := d.before.Outcome(id)
		now, okAfter := d.after.Outcome(id)
		if !okBefore || !okAfter {
			continue // every file describes every outcome; Parse sees to it
		}
		var parts []string
		if old.Label != now.Label {
			parts = append(parts, "its name (now "+quoted(now.Label)+")")
		}
		if old.Headline != now.Headline {
			parts = append(parts, "the headline")
		}
		if old.Summary != now.Summary {
			parts = append(parts, "the summary")
		}
		if !reflect.DeepEqual(old.NextStep, now.NextStep) {
			parts = append(parts, "the next step")
		}
		if len(parts) > 0 {
			d.add(AreaOutcomes, "%s: new wording for %s.", d.after.OutcomeLabel(id), strings.Join(parts, ", "))
		}
	}
}

func (d *differ) wording() {
	b, a := d.before, d.after
	var parts []string
	for _, f := range []struct {
		name    string
		changed bool
	}{
		{"the title", b.Title != a.Title},
		{"the summary", b.Summary != a.Summary},
		{"the minutes it takes", b.Minutes != a.Minutes},
		{"who is behind it (the owner block)", !reflect.DeepEqual(b.Owner, a.Owner)},
		{"the contact step", b.Contact != a.Contact},
		{"the pre-call brief's notes", !reflect.DeepEqual(b.Brief, a.Brief)},
	} {
		if f.changed {
			parts = append(parts, f.name)
		}
	}
	if len(parts) > 0 {
		d.add(AreaWording, "New wording for %s.", strings.Join(parts, ", "))
	}
}

func (d *differ) examples() {
	byName := func(q *Questionnaire) map[string]Example {
		m := map[string]Example{}
		for _, ex := range q.Examples {
			m[ex.Name] = ex
		}
		return m
	}
	old, now := byName(d.before), byName(d.after)
	added, removed, changed := 0, 0, 0
	for name, ex := range now {
		was, ok := old[name]
		switch {
		case !ok:
			added++
		case !reflect.DeepEqual(was, ex):
			changed++
		}
	}
	for name := range old {
		if _, ok := now[name]; !ok {
			removed++
		}
	}
	if added+removed+changed > 0 {
		d.add(AreaExamples, "Examples: %d added, %d removed, %d changed (%d in all).", added, removed, changed, len(d.after.Examples))
	}
}
