package assessment

import "time"

// EventType names what an outbox entry announces. The names are stable: they
// are the `type` of the webhook payload receivers switch on.
type EventType string

// The events fitcheck announces to the owner.
const (
	EventAssessmentCreated EventType = "assessment.created"
	EventMessageCreated    EventType = "message.created"
	// EventPing is the owner's "send test": signed like the others, never stored.
	EventPing EventType = "ping"
)

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
// EventMessageCreated. WebhookID is unique per event and the same on every
// attempt and channel, so receivers can drop duplicates.
type Event struct {
	ID           int64
	Type         EventType
	AssessmentID int64
	MessageID    int64
	WebhookID    string
	CreatedAt    time.Time
}

// Claim is a set of deliveries a worker holds until Until: nobody else
// attempts them meanwhile, and if the worker dies they become due again.
type Claim struct {
	Token      string
	Until      time.Time
	Deliveries []Delivery
}
