package assessment

import "time"

// Status is where the owner is with following up an assessment.
type Status string

// The follow-up statuses, in the order an assessment usually moves through them.
const (
	StatusNew       Status = "new"
	StatusContacted Status = "contacted"
	StatusBooked    Status = "booked"
	StatusClosed    Status = "closed"
	StatusArchived  Status = "archived"
)

// Statuses lists every follow-up status.
var Statuses = []Status{StatusNew, StatusContacted, StatusBooked, StatusClosed, StatusArchived}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Note is a private, timestamped note the owner keeps on an assessment.
type Note struct {
	ID           int64
	AssessmentID int64
	Author       string // the owner's email when written
	Body         string
	CreatedAt    time.Time
}

// Order is how the review list is sorted.
type Order string

// The list orders. CallFirst puts the people worth calling now at the top:
// those who consented and have not been contacted yet, then by how good a
// fit the outcome is (CallPriority), then newest.
const (
	OrderCallFirst Order = "call-first"
	OrderNewest    Order = "newest"
	OrderOldest    Order = "oldest"
	OrderOutcome   Order = "outcome"
)

// Orders lists every list order, the default first.
var Orders = []Order{OrderCallFirst, OrderNewest, OrderOldest, OrderOutcome}

// Valid reports whether o is a known order.
func (o Order) Valid() bool {
	for _, v := range Orders {
		if o == v {
			return true
		}
	}
	return false
}

// CallPriority lists the outcomes from the one most worth a call to the
// least: a clear fit, then a maybe, then someone whose plan needs testing
// rather than confirming (only when they wrote a message: otherwise they
// come last), then the outcomes that route elsewhere.
var CallPriority = []string{BookACall, WorthAConversation, DifferentConversation, NarrowScope, HireFullTime, HireAPM}

// Filter narrows the review list. Zero values mean "any".
type Filter struct {
	Outcome string
	Status  Status
	From    time.Time // inclusive
	To      time.Time // exclusive
	Search  string    // matched against name, email and company
	// Consented keeps only those who left their contact details: the
	// founders who can be followed up.
	Consented bool
	Order     Order // zero is OrderNewest
	// GroupByEmail lists only the latest assessment per consented email,
	// with the earlier ones in its Earlier.
	GroupByEmail bool
	Limit        int
	Offset       int
}

// Waiting is the list of founders waiting to hear from the owner: those
// who left their details and are still new, a person's takes as one row.
// The dashboard counts it and links to it, so both say the same number.
func Waiting() Filter {
	return Filter{Status: StatusNew, Consented: true, GroupByEmail: true}
}

// Summary is one row of the review list.
type Summary struct {
	ID        int64
	Token     string
	Outcome   string
	Status    Status
	Contact   Contact
	Answers   Answers
	Result    Result
	CreatedAt time.Time
	// Source is where they came from: the first touch's utm_source, or
	// else the referring host.
	Source            string
	PossiblyAutomated bool
	Booked            bool // a booking was reported
	Messages          int  // messages they sent from the result page
	// Earlier are the same email's older assessments (newest first), when
	// the list is grouped by email.
	Earlier []Take
}

// Take is one earlier assessment by the same person.
type Take struct {
	ID        int64
	Outcome   string
	Status    Status
	CreatedAt time.Time
}

// AnswerSet is a stored assessment as a re-score needs it: its answers and
// the outcome stored with them.
type AnswerSet struct {
	ID        int64
	Outcome   string
	Answers   Answers
	CreatedAt time.Time
}
