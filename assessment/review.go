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

// Filter narrows the review list. Zero values mean "any".
type Filter struct {
	Outcome string
	Status  Status
	From    time.Time // inclusive
	To      time.Time // exclusive
	Search  string    // matched against name, email and company
	Limit   int
	Offset  int
}

// Summary is one row of the review list: the assessment without its answers.
type Summary struct {
	ID        int64
	Token     string
	Outcome   string
	Status    Status
	Contact   Contact
	Criteria  []CriterionResult
	CreatedAt time.Time
}
