package assessment

import (
	"errors"
	"time"
)

// ErrConflict means the change clashes with what is stored: an email that is
// already taken, or a first owner when one exists already.
var ErrConflict = errors.New("conflict")

// Owner is someone who may sign in to the review area: the consultant, and
// anyone they add.
type Owner struct {
	ID           int64
	Email        string
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// OwnerSession is a signed-in owner's session. Only the SHA-256 of the
// session id is stored, so a copy of the database cannot be used to sign in.
type OwnerSession struct {
	IDHash     string
	OwnerID    int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute: the session ends then, however active
}

// Owner session lifetimes: idle sessions end after IdleTimeout, every
// session after SessionLifetime.
const (
	OwnerIdleTimeout     = 12 * time.Hour
	OwnerSessionLifetime = 7 * 24 * time.Hour
)

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

// WeekStart is the Monday 00:00 UTC that begins t's ISO week: the bucket
// the dashboard counts assessments in.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	sinceMonday := (int(day.Weekday()) + 6) % 7 // Sunday is 0 in Go, 6 days after Monday
	return day.AddDate(0, 0, -sinceMonday)
}

// WeekCount is how many assessments reached an outcome in one week.
type WeekCount struct {
	WeekStart time.Time // Monday 00:00 UTC
	Outcome   string
	Count     int
}

// StepView is one anonymous visitor opening a step (or finishing), for the
// funnel. Visitor is a pseudonym, never the draft id or an address.
type StepView struct {
	Visitor string
	Step    int
	At      time.Time
}

// FunnelStep is how many visitors opened a step. Step 0 is Start pressed;
// steps count from 1 as in the URL; the finish is recorded as the step
// after the last.
type FunnelStep struct {
	Step     int
	Visitors int
}
