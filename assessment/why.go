package assessment

import (
	"regexp"
	"strings"
)

// WhyOf is the result's one sentence of why, for its first screen: to the
// founder, and without "you" for whoever opens a shared link. It is the
// deciding rule's own why, else its outcome's, from the questionnaire the
// result was decided under. A file without either (any file written before
// the field) gives the rule's reason as stored with the result, and no
// neutral sentence.
func (q *Questionnaire) WhyOf(res Result) (why, neutral string) {
	why = res.Reason
	if o, ok := q.Outcome(res.Outcome); ok && o.Why != "" {
		why, neutral = o.Why, o.WhyNeutral
	}
	for _, r := range q.Rules {
		if r.ID == res.Rule && r.Outcome == res.Outcome && r.Why != "" {
			why, neutral = r.Why, r.WhyNeutral
		}
	}
	return strings.TrimSpace(why), strings.TrimSpace(neutral)
}

// WordCount counts the words of s as a reader does: runs of letters and
// digits, with what joins them inside a word ("full-time", "PM's") kept
// in it.
func WordCount(s string) int {
	return len(wordPattern.FindAllString(s, -1))
}

var wordPattern = regexp.MustCompile(`[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*`)

// secondPerson finds the words that address the reader, for the sentences
// a shared link shows a colleague.
var secondPerson = regexp.MustCompile(`(?i)\byou(?:r|rs|rself|'re|’re|'ve|’ve|'d|’d|'ll|’ll)?\b`)

// AddressesReader reports whether s speaks to its reader as "you".
func AddressesReader(s string) bool { return secondPerson.MatchString(s) }

// defaultBadges are each outcome's few words at a glance, for a file that
// gives none (every file written before the field).
var defaultBadges = map[string]string{
	BookACall:             "Strong fit",
	WorthAConversation:    "Worth a conversation",
	NarrowScope:           "Scope it first",
	HireAPM:               "Hire a PM first",
	DifferentConversation: "A different conversation",
	HireFullTime:          "Ready to hire",
}

// BadgeOf is the words on an outcome's badge: the file's own, else the
// built-in ones.
func (q *Questionnaire) BadgeOf(outcome string) string {
	if o, ok := q.Outcome(outcome); ok && o.Badge != "" {
		return o.Badge
	}
	if b, ok := defaultBadges[outcome]; ok {
		return b
	}
	return q.OutcomeLabel(outcome)
}
