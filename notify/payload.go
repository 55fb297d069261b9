package notify

import (
	"encoding/json"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

// PayloadVersion is the version of the webhook payload's shape. It changes
// only when a field is removed or changes meaning; new fields may appear
// within a version.
const PayloadVersion = 1

// Payload is the JSON body of a webhook, in the Standard Webhooks shape
// (type, timestamp, data) plus its version and id. docs/webhooks.md
// documents every field.
type Payload struct {
	Version   int          `json:"version"`
	Type      string       `json:"type"`
	ID        string       `json:"id"`
	Timestamp time.Time    `json:"timestamp"`
	Data      *PayloadData `json:"data,omitempty"` // absent on a ping
}

// PayloadData is what an event is about.
type PayloadData struct {
	Assessment PayloadAssessment `json:"assessment"`
	Message    *PayloadMessage   `json:"message,omitempty"`
}

// PayloadAssessment is the assessment an event announces.
type PayloadAssessment struct {
	ID        int64                  `json:"id"`
	URL       string                 `json:"url"` // in the review area
	CreatedAt time.Time              `json:"created_at"`
	Outcome   string                 `json:"outcome"`
	Headline  string                 `json:"headline"`
	Reason    string                 `json:"reason"`
	Decisive  []PayloadReason        `json:"decisive"`
	Words     []PayloadWords         `json:"words"`
	Contact   *assessment.Contact    `json:"contact"` // null without consent
	Source    assessment.Attribution `json:"source"`
}

// PayloadReason is one criterion that carried the verdict.
type PayloadReason struct {
	Criterion string `json:"criterion"`
	Label     string `json:"label"`
	Kind      string `json:"kind"`
	Level     string `json:"level"`
	Score     int    `json:"score"`
	Max       int    `json:"max"`
}

// PayloadWords is a free-text answer and the question it answers.
type PayloadWords struct {
	Question string `json:"question"`
	Prompt   string `json:"prompt"`
	Text     string `json:"text"`
}

// PayloadMessage is a founder's message; email is empty without consent.
type PayloadMessage struct {
	Body  string `json:"body"`
	Email string `json:"email,omitempty"`
}

// payloadJSON encodes the webhook body of a notice.
func payloadJSON(n *Notice) ([]byte, error) {
	p := Payload{Version: PayloadVersion, Type: string(n.Type), ID: n.WebhookID, Timestamp: n.CreatedAt.UTC()}
	if n.Type != assessment.EventPing {
		p.Data = &PayloadData{Assessment: PayloadAssessment{
			ID: n.AssessmentID, URL: n.AdminURL, CreatedAt: n.CreatedAt.UTC(),
			Outcome: n.Outcome, Headline: n.Headline, Reason: n.Reason,
			Decisive: []PayloadReason{}, Words: []PayloadWords{},
			Contact: n.Contact, Source: n.Source,
		}}
		for _, r := range n.Decisive {
			p.Data.Assessment.Decisive = append(p.Data.Assessment.Decisive, PayloadReason{
				Criterion: r.Criterion, Label: r.Label, Kind: string(r.Kind), Level: r.Level, Score: r.Score, Max: r.Max})
		}
		for _, w := range n.Words {
			p.Data.Assessment.Words = append(p.Data.Assessment.Words, PayloadWords{Question: w.QuestionID, Prompt: w.Prompt, Text: w.Text})
		}
		if n.Message != nil {
			p.Data.Message = &PayloadMessage{Body: n.Message.Body, Email: n.Message.Email}
		}
	}
	return json.Marshal(p)
}
