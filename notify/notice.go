// Package notify tells the owner about new assessments and messages: by
// e-mail, by a signed webhook and on Slack. It is fed by the store's outbox
// through a Worker, so no visitor's request ever waits on a remote server,
// and what the server acknowledged is announced even across restarts.
package notify

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// Notice is one announcement, shaped like what every channel says: the
// verdict and why, the founder's own words, and the contact details only when
// the founder consented. It is built from the stored rows at delivery time.
type Notice struct {
	Type      assessment.EventType
	WebhookID string // the event's id: the same on every attempt and channel
	CreatedAt time.Time

	AssessmentID int64
	Outcome      string // stable outcome id
	Headline     string // the outcome's headline in the answered questionnaire
	Reason       string // one line of why: the matching rule's reason
	Decisive     []Reason
	Words        []assessment.Words
	Contact      *assessment.Contact // nil without consent
	Source       assessment.Attribution
	AdminURL     string // the assessment in the review area

	Message *MessageNotice // for message.created
	Link    *LinkNotice    // for result.link
}

// LinkNotice is a founder's own share link, e-mailed to the address they
// gave on their result page: the link and the headline, never their
// answers or their words.
type LinkNotice struct {
	To       string // the founder's address
	ShareURL string // absolute, on -base-url
	Owner    string // the owner's first name, who signs the e-mail
}

// MessageNotice is a founder's message; Email is set only with consent.
type MessageNotice struct {
	Body  string
	Email string
}

// Reason is one criterion that carried the verdict.
type Reason struct {
	Criterion string
	Label     string
	Kind      assessment.CriterionKind
	Level     string // its level's label
	Score     int
	Max       int
}

// Company is the founder's company when they consented to share it.
func (n *Notice) Company() string {
	if n.Contact == nil {
		return ""
	}
	return n.Contact.Company
}

// NewNotice builds the notice for an event from the assessment, the
// questionnaire it was answered against (for the headline and the prompts of
// free-text questions; nil falls back to the outcome id) and, for a message,
// the message. baseURL is -base-url; without it the admin link is relative.
func NewNotice(ev assessment.Event, a *assessment.Assessment, q *assessment.Questionnaire, m *assessment.Message, baseURL string) *Notice {
	n := newNotice(ev, a, q)
	n.Reason = a.Result.Reason
	n.Source = a.Source
	n.AdminURL = fmt.Sprintf("%s/admin/a/%d", strings.TrimRight(baseURL, "/"), a.ID)
	if q != nil {
		n.Words = q.Words(a.Answers)
	}
	n.Decisive = decisiveReasons(a.Result, q)
	if a.Contact.Consent {
		c := a.Contact
		n.Contact = &c
	}
	if m != nil {
		n.Message = &MessageNotice{Body: m.Body}
		if m.Consent {
			n.Message.Email = m.Email
		}
	}
	return n
}

// newNotice is what every notice says of its event and assessment: which
// event, which assessment, and its outcome in the words of q (the outcome
// id when q is nil or has no headline for it).
func newNotice(ev assessment.Event, a *assessment.Assessment, q *assessment.Questionnaire) *Notice {
	n := &Notice{
		Type:         ev.Type,
		WebhookID:    ev.WebhookID,
		CreatedAt:    ev.CreatedAt,
		AssessmentID: a.ID,
		Outcome:      a.Result.Outcome,
		Headline:     a.Result.Outcome,
	}
	if q != nil {
		if o, ok := q.Outcome(a.Result.Outcome); ok && o.Headline != "" {
			n.Headline = o.Headline
		}
	}
	return n
}

// NewLinkNotice builds the e-mail of a result.link event: the outcome's
// headline and the absolute share link, signed by the owner. It carries
// nothing else of the assessment. q may be nil (the headline falls back to
// the outcome id, the signature to "fitcheck").
func NewLinkNotice(ev assessment.Event, a *assessment.Assessment, q *assessment.Questionnaire, baseURL string) *Notice {
	n := newNotice(ev, a, q)
	n.Link = &LinkNotice{To: ev.Recipient, Owner: "fitcheck",
		// The result page's address, as web/page.ResultURL makes it.
		ShareURL: strings.TrimRight(baseURL, "/") + "/r/" + a.Token}
	if q != nil && q.Owner.FirstName() != "" {
		n.Link.Owner = q.Owner.FirstName()
	}
	return n
}

// decisiveReasons are the criteria that carried the verdict. Until the
// rules report their decisive criteria themselves, they are read from the
// questionnaire: the criteria the matching rule's condition tests and that
// showed up (above the lowest level), in the order it tests them. A rule that tests none (the fallback), or no
// questionnaire, gives the scored criteria that reached a level above the
// lowest, strongest first. When assessment.Result gains its own list,
// return that here; nothing else changes.
func decisiveReasons(r assessment.Result, q *assessment.Questionnaire) []Reason {
	var present, absent []Reason
	for _, id := range ruleCriteria(q, r.Rule) {
		if c, ok := r.Criterion(id); ok && c.LevelRank > 0 {
			present = append(present, reasonOf(c))
		} else if ok {
			absent = append(absent, reasonOf(c))
		}
	}
	// A sign that showed up says more than one the rule wanted absent;
	// the absent ones decide only when nothing showed up.
	if len(present) > 0 {
		return present
	}
	if len(absent) > 0 {
		return absent
	}
	var out []Reason
	for _, c := range r.Criteria {
		if c.Kind != assessment.Context && c.LevelRank > 0 {
			out = append(out, reasonOf(c))
		}
	}
	slices.SortStableFunc(out, func(a, b Reason) int {
		return cmp.Compare(float64(b.Score)/float64(max(b.Max, 1)), float64(a.Score)/float64(max(a.Max, 1)))
	})
	return out
}

func reasonOf(c assessment.CriterionResult) Reason {
	return Reason{Criterion: c.ID, Label: c.Label, Kind: c.Kind, Level: c.LevelLabel, Score: c.Score, Max: c.Max}
}

// ruleCriteria lists, once each, the criteria a rule's condition tests.
func ruleCriteria(q *assessment.Questionnaire, ruleID string) []string {
	if q == nil {
		return nil
	}
	var ids []string
	var walk func(c *assessment.Condition)
	walk = func(c *assessment.Condition) {
		if c == nil {
			return
		}
		if c.Criterion != "" && !slices.Contains(ids, c.Criterion) {
			ids = append(ids, c.Criterion)
		}
		for _, group := range [][]assessment.Condition{c.All, c.Any, c.Of} {
			for i := range group {
				walk(&group[i])
			}
		}
		walk(c.Not)
	}
	for i := range q.Rules {
		if q.Rules[i].ID == ruleID {
			walk(q.Rules[i].When)
		}
	}
	return ids
}

// pingNotice is the owner's "send test": a notice with nothing personal.
func pingNotice(id string, at time.Time, baseURL string) *Notice {
	return &Notice{Type: assessment.EventPing, WebhookID: id, CreatedAt: at,
		AdminURL: strings.TrimRight(baseURL, "/") + "/admin"}
}

func newPingID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make ping id: %w", err)
	}
	return "msg_ping_" + hex.EncodeToString(b), nil
}
