// Package assessment is the vocabulary the rest of fitcheck shares: the
// questionnaire a founder answers, their answers, the result the rules
// produce, and the stored assessment. It imports nothing else of ours.
package assessment

import (
	"strings"
	"unicode"
)

// QuestionType says how a question is asked and answered.
type QuestionType string

// The question types a content file may use.
const (
	Single QuestionType = "single" // pick exactly one option
	Multi  QuestionType = "multi"  // pick any number of options
	Scale  QuestionType = "scale"  // pick one point on an ordered scale
	Text   QuestionType = "text"   // short free text, never scored
)

// Questionnaire is the whole content file: what is asked, how answers score
// against the criteria, which outcome the rules choose, and the copy shown
// for each outcome. Version is the content hash; it is set by Parse.
type Questionnaire struct {
	Title    string          `yaml:"title"`
	Summary  string          `yaml:"summary"`
	Minutes  int             `yaml:"minutes"`
	Owner    OwnerProfile    `yaml:"owner"`
	Levels   []Level         `yaml:"levels"`
	Criteria []Criterion     `yaml:"criteria"`
	Steps    []Step          `yaml:"steps"`
	Contact  ContactCopy     `yaml:"contact"`
	Outcomes []Outcome       `yaml:"outcomes"`
	Rules    []Rule          `yaml:"rules"`
	Tensions []ResultTension `yaml:"tensions"`
	Examples []Example       `yaml:"examples"`
	Brief    BriefContent    `yaml:"brief"`

	Version string `yaml:"-"`
	Source  []byte `yaml:"-"`

	maxScores []int // see MaxScores; set by Parse
}

// OwnerProfile is the person behind the site, as the landing page and the
// result introduce them: who a founder would be talking to.
type OwnerProfile struct {
	Name     string      `yaml:"name"`
	Title    string      `yaml:"title"`    // one line, e.g. "Fractional Head of Product"
	Bio      string      `yaml:"bio"`      // a sentence or two
	Photo    string      `yaml:"photo"`    // optional: an image file beside the content file
	Location string      `yaml:"location"` // e.g. "Nashville · works anywhere"
	Links    []OwnerLink `yaml:"links"`
}

// OwnerLink is one way to reach the owner or read about them.
type OwnerLink struct {
	Label string `yaml:"label"`
	URL   string `yaml:"url"`
}

// Initials are the owner's initials, for an avatar when there is no photo.
func (o OwnerProfile) Initials() string {
	var out []rune
	for _, word := range strings.Fields(o.Name) {
		if r := []rune(word); len(out) < 2 && unicode.IsLetter(r[0]) {
			out = append(out, unicode.ToUpper(r[0]))
		}
	}
	return string(out)
}

// FirstName is how the copy refers to the owner ("Gregory"), or "us" when
// the content names nobody.
func (o OwnerProfile) FirstName() string {
	if f := strings.Fields(o.Name); len(f) > 0 {
		return f[0]
	}
	return "us"
}

// Level is one rung of the shared ladder every criterion is graded on,
// listed from lowest to highest.
type Level struct {
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
}

// CriterionKind separates the signals that argue for a fractional engagement
// from those that route elsewhere.
type CriterionKind string

// The criterion kinds.
const (
	FitSignal    CriterionKind = "fit"
	NotFitSignal CriterionKind = "not-fit"
	Context      CriterionKind = "context"
)

// Criterion is one thing the rules weigh, scored from the options chosen.
// Thresholds gives the minimum score for every level above the first.
type Criterion struct {
	ID          string         `yaml:"id"`
	Label       string         `yaml:"label"`
	Kind        CriterionKind  `yaml:"kind"`
	Description string         `yaml:"description"`
	Thresholds  map[string]int `yaml:"thresholds"`
}

// Step is one page of the questionnaire.
type Step struct {
	ID        string     `yaml:"id"`
	Title     string     `yaml:"title"`
	Intro     string     `yaml:"intro"`
	Questions []Question `yaml:"questions"`
}

// Question is one thing asked. Options apply to every type but Text.
type Question struct {
	ID         string       `yaml:"id"`
	Type       QuestionType `yaml:"type"`
	Prompt     string       `yaml:"prompt"`
	Help       string       `yaml:"help"`
	Required   bool         `yaml:"required"`
	MaxChoices int          `yaml:"max_choices"`
	MaxLength  int          `yaml:"max_length"`
	LowLabel   string       `yaml:"low_label"`
	HighLabel  string       `yaml:"high_label"`
	Options    []Option     `yaml:"options"`
}

// DefaultMaxLength bounds a text answer when the content file does not.
const DefaultMaxLength = 500

// TextLimit is the longest text answer this question accepts, in characters.
func (q *Question) TextLimit() int {
	if q.MaxLength > 0 {
		return q.MaxLength
	}
	return DefaultMaxLength
}

// Option is one answer a founder can pick, with the points it adds to (or
// takes from) each criterion. An exclusive option ("none of these") cannot
// be combined with others in a multiple-choice question.
type Option struct {
	ID        string         `yaml:"id"`
	Label     string         `yaml:"label"`
	Exclusive bool           `yaml:"exclusive"`
	Scores    map[string]int `yaml:"scores"`
}

// ContactCopy is the wording of the built-in last step, where a founder may
// leave their details.
type ContactCopy struct {
	Title        string `yaml:"title"`
	Intro        string `yaml:"intro"`
	ConsentLabel string `yaml:"consent_label"`
}

// Outcome is one recommendation the rules can reach, with its copy.
type Outcome struct {
	ID string `yaml:"id"`
	// Label is the owner's short name for the outcome, as the review area
	// lists it ("Hire a PM"); without one the id is shown in words.
	Label    string   `yaml:"label"`
	Headline string   `yaml:"headline"`
	Summary  string   `yaml:"summary"`
	NextStep NextStep `yaml:"next_step"`
}

// Action is what the next-step button of an outcome does.
type Action string

// The actions an outcome may offer.
const (
	ActionBook      Action = "book"      // the owner's booking page (the message form when there is none)
	ActionMessage   Action = "message"   // the result page's message form, to the owner
	ActionChecklist Action = "checklist" // the next step's points as a printable one-page checklist
	ActionRetake    Action = "retake"    // a new assessment, pre-filled with this one's answers
	ActionContact   Action = "contact"   // older files' word for message; read as ActionMessage
	ActionNone      Action = "none"
)

// Is reports whether a is the action b, reading older files' names.
func (a Action) Is(b Action) bool {
	if a == ActionContact {
		a = ActionMessage
	}
	return a == b
}

// ActionLink is one further thing a founder can do after an outcome.
type ActionLink struct {
	Action Action `yaml:"action"`
	Label  string `yaml:"label"`
}

// NextStep is what a founder is invited to do after reading an outcome.
type NextStep struct {
	Title       string   `yaml:"title"`
	Body        string   `yaml:"body"`
	Points      []string `yaml:"points"`
	Action      Action   `yaml:"action"`
	ActionLabel string   `yaml:"action_label"`
	// Also lists further actions, shown after the main one.
	Also []ActionLink `yaml:"also"`
}

// Rule picks an outcome when its condition holds. Rules are tried in file
// order and the first that matches decides, so order is precedence. A rule
// without a condition always matches; only the last rule may be one.
type Rule struct {
	ID      string     `yaml:"id"`
	Outcome string     `yaml:"outcome"`
	Reason  string     `yaml:"reason"`
	When    *Condition `yaml:"when"`
}

// Condition is a test on criterion levels or on answers. Exactly one form is
// used per condition: a criterion with at_least or below, a question with is
// or includes, or one of all, any, not, count+of.
type Condition struct {
	Criterion string `yaml:"criterion"`
	AtLeast   string `yaml:"at_least"`
	Below     string `yaml:"below"`

	Question string `yaml:"question"`
	Is       string `yaml:"is"`
	Includes string `yaml:"includes"`

	All   []Condition `yaml:"all"`
	Any   []Condition `yaml:"any"`
	Not   *Condition  `yaml:"not"`
	Count int         `yaml:"count"`
	Of    []Condition `yaml:"of"`
}

// ResultTension is a place where the help a founder asks for and what they
// describe disagree. When both its conditions hold, the rules follow the
// description: no rule leading to SetsAside (the outcome the request points
// to) decides, and the result shows Sentence. Tensions are tried in file
// order and only the first that holds counts.
type ResultTension struct {
	ID string `yaml:"id"`
	// Asked is the remedy the founder asks for; Described is what their
	// other answers say, when it disagrees. Same forms as a rule's when.
	Asked     *Condition `yaml:"asked"`
	Described *Condition `yaml:"described"`
	// SetsAside is optional: an outcome the request would lead to and the
	// description argues against.
	SetsAside string `yaml:"sets_aside"`
	// Sentence is shown to the founder on their result; Neutral says the
	// same without "you", for a shared link and the owner's brief.
	Sentence string `yaml:"sentence"`
	Neutral  string `yaml:"neutral"`
	// Questions are for the owner's first call; the brief asks them first.
	Questions []string `yaml:"questions"`
}

// Example is an owner's own test of the rules: a named answer set and the
// outcome it must produce. Tension, when given, is the id of the tension
// its result must show, or "none" for a result that must show none.
type Example struct {
	Name    string  `yaml:"name"`
	Expect  string  `yaml:"expect"`
	Tension string  `yaml:"tension"`
	Answers Answers `yaml:"answers"`
}

// NoTension is what an example's tension says when it expects none.
const NoTension = "none"
