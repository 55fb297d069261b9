package assessment

import (
	"fmt"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// Answers maps a question id to what was answered: the chosen option ids, or
// for a text question a single string. A question left unanswered is absent.
type Answers map[string][]string

// UnmarshalYAML lets an example write a single answer as a plain scalar
// (`stage: growing`) and several as a list (`symptoms: [a, b]`).
func (a *Answers) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: answers must be a mapping of question id to answer", node.Line)
	}
	out := make(Answers, len(node.Content)/2)
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i], node.Content[i+1]
		switch val.Kind {
		case yaml.ScalarNode:
			out[key.Value] = []string{val.Value}
		case yaml.SequenceNode:
			var vals []string
			if err := val.Decode(&vals); err != nil {
				return fmt.Errorf("line %d: answer %q: %w", val.Line, key.Value, err)
			}
			out[key.Value] = vals
		default:
			return fmt.Errorf("line %d: answer %q must be a value or a list of values", val.Line, key.Value)
		}
	}
	*a = out
	return nil
}

// Has reports whether the answer to question includes value.
func (a Answers) Has(question, value string) bool {
	return slices.Contains(a[question], value)
}

// First is the first value answered to question, or "".
func (a Answers) First(question string) string {
	if v := a[question]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Clone copies the answers so a caller can change them freely.
func (a Answers) Clone() Answers {
	out := make(Answers, len(a))
	for k, v := range a {
		out[k] = slices.Clone(v)
	}
	return out
}

// Contact is what a founder chose to tell us about themselves. It is kept
// only when Consent is true.
type Contact struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Company string `json:"company,omitempty"`
	Role    string `json:"role,omitempty"`
	Consent bool   `json:"consent"`
}

// Draft is an assessment in progress, saved after every step so reloads,
// Back and returning later keep the answers. Reached is the index of the
// furthest step the founder has opened, kept so each step is counted once
// in the owner's funnel. ClientNetwork and ClientAddress are keyed
// pseudonyms of the network and the address the draft was stored from
// (addrhash.Hasher.Network and Address), by which open drafts are capped
// per client; they are never shown. Only the network is read back.
type Draft struct {
	ID                   string
	QuestionnaireVersion string
	Answers              Answers
	Reached              int
	ClientNetwork        string
	ClientAddress        string
	AssessmentToken      string      // set once submitted
	Source               Attribution // first touch, carried into the assessment
	CreatedAt            time.Time
	UpdatedAt            time.Time
	ExpiresAt            time.Time
}

// DraftLifetime is how long an untouched draft is kept once it holds
// answers past the first step.
const DraftLifetime = 30 * 24 * time.Hour

// FirstStepDraftLifetime is how long an untouched draft is kept while it
// holds nothing past the first step: half a minute's answers, cheap to give
// again, and all a script needs to store to fill its network's cap on open
// drafts. Kept for hours, such drafts cannot lock a network out for long.
const FirstStepDraftLifetime = 6 * time.Hour

// DraftCaps are the most open drafts (neither submitted nor expired) one
// client may have stored: per network (a /24 or an IPv6 /64), and per
// address, well below, so a few addresses cannot fill their network's cap
// for everyone else in it.
type DraftCaps struct {
	PerNetwork, PerAddress int
}

// KeepDraftFor is how long a draft with answers a is kept untouched:
// DraftLifetime once it answers a question past the first step,
// FirstStepDraftLifetime until then.
func (q *Questionnaire) KeepDraftFor(a Answers) time.Duration {
	for id, values := range a {
		if _, step, ok := q.Question(id); ok && step > 0 && len(values) > 0 {
			return DraftLifetime
		}
	}
	return FirstStepDraftLifetime
}

// Assessment is one submitted, stored assessment and its result.
type Assessment struct {
	ID                   int64
	Token                string
	QuestionnaireVersion string
	Answers              Answers
	Result               Result
	Contact              Contact
	Status               Status
	Source               Attribution
	// PossiblyAutomated marks a submit no person is likely to have made
	// (too fast, or the hidden field filled in): stored and shown to the
	// owner, but never announced.
	PossiblyAutomated bool
	BookedAt          time.Time // when the booked call is; zero until a booking is reported
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Attribution is where a founder came from, as first seen on the landing
// page: the utm_* parameters and the referrer's host, never its path.
type Attribution struct {
	UTMSource    string `json:"utm_source,omitempty"`
	UTMMedium    string `json:"utm_medium,omitempty"`
	UTMCampaign  string `json:"utm_campaign,omitempty"`
	UTMTerm      string `json:"utm_term,omitempty"`
	UTMContent   string `json:"utm_content,omitempty"`
	ReferrerHost string `json:"referrer_host,omitempty"`
}

// IsZero reports whether nothing is known about where the founder came from.
func (a Attribution) IsZero() bool { return a == Attribution{} }

// AttributionLimit is the most characters kept of each attribution field:
// enough for any real campaign name, too little to smuggle a document in.
const AttributionLimit = 100

// Bounded returns a with each field made one clean line (CleanLine) and
// cut to AttributionLimit characters: the fields come from a link anyone
// can write, and are written into e-mails and the review area.
func (a Attribution) Bounded() Attribution {
	for _, f := range []*string{&a.UTMSource, &a.UTMMedium, &a.UTMCampaign, &a.UTMTerm, &a.UTMContent, &a.ReferrerHost} {
		*f = CleanLine(*f)
		if r := []rune(*f); len(r) > AttributionLimit {
			*f = string(r[:AttributionLimit])
		}
	}
	return a
}
