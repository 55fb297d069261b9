package assessment

import "time"

// EventType names what an outbox entry announces. The names are stable: they
// are the `type` of the webhook payload receivers switch on.
type EventType string

// The events fitcheck announces to the owner.
const (
	EventAssessmentCreated EventType = "assessment.created"
	EventMessageCreated    EventType = "message.created"
	// EventResultLink is a founder asking for their share link by e-mail.
	// It goes to the founder, not the owner, and by e-mail only: never to
	// a webhook or Slack.
	EventResultLink EventType = "result.link"
	// EventPing is the owner's "send test": signed like the others, never stored.
	EventPing EventType = "ping"
)

// EmailChannel is the e-mail channel's name in the deliveries list: the
// one channel an EventResultLink goes to.
const EmailChannel = "email"

// LinkRequest is a founder asking, from their own result page, to be
// e-mailed its share link. Recipient is kept only until the e-mail is
// delivered or finally fails (longer only when it is the contact address
// the founder consented to share); RecipientKey, a keyed pseudonym of the
// mailbox the address delivers to, counts the requests to one mailbox for
// a day, and ClientKey, a keyed pseudonym of the asker's network, the
// requests from one client.
type LinkRequest struct {
	AssessmentID int64
	Recipient    string
	RecipientKey string
	ClientKey    string
	CreatedAt    time.Time
}

// LinkLimits are the most link e-mails allowed within LinkRequestWindow:
// from one result, to one mailbox (over every result), and from one client
// (over every result). Each must be at least 1.
type LinkLimits struct {
	PerResult, PerAddress, PerClient int
}

// LinkRequestWindow is how far back the requests to one address are
// counted against the daily limit.
const LinkRequestWindow = 24 * time.Hour

// Message is a note a founder sent the owner from their result page. Email is
// kept only when Consent is true.
type Message struct {
	ID           int64
	AssessmentID int64
	Email        string
	Consent      bool
	Body         string
	CreatedAt    time.Time
}

// MessageWindow is how far back a result's messages are counted against
// its daily limit.
const MessageWindow = 24 * time.Hour

// DeliveryStatus is where one delivery of an event to one channel stands.
type DeliveryStatus string

// The delivery statuses. A pending delivery is due at NextAttemptAt; a failed
// one has used every attempt and waits for the owner to redeliver it.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)

// Delivery is one outbox event on its way to one channel (email, webhook,
// Slack), with its attempts so far.
type Delivery struct {
	ID            int64
	Channel       string
	Status        DeliveryStatus
	Attempts      int // attempts made, including one in progress
	NextAttemptAt time.Time
	LastError     string
	DeliveredAt   time.Time // zero until delivered
	UpdatedAt     time.Time

	Event Event
}

// Event is what an outbox entry announces. MessageID is set for
// EventMessageCreated; Recipient for EventResultLink until it is erased. WebhookID is unique per event and the same on every
// attempt and channel, so receivers can drop duplicates.
type Event struct {
	ID           int64
	Type         EventType
	AssessmentID int64
	MessageID    int64
	WebhookID    string
	Recipient    string
	CreatedAt    time.Time
}

// Claim is a set of deliveries a worker holds until Until: nobody else
// attempts them meanwhile, and if the worker dies they become due again.
type Claim struct {
	Token      string
	Until      time.Time
	Deliveries []Delivery
}
