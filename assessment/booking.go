package assessment

import "time"

// BookingKind says what a booking event records.
type BookingKind string

// The booking events: the founder followed the booking link, and a
// provider's webhook reported the call booked.
const (
	BookingClicked BookingKind = "click"
	BookingBooked  BookingKind = "booked"
)

// BookingClickWindow is how long after a recorded click on a result's
// booking link further clicks on it are not recorded: one is all the
// owner needs, and anyone with the share link can follow it thousands of
// times.
const BookingClickWindow = time.Hour

// BookingEvent is one step of the booking round trip of an assessment.
type BookingEvent struct {
	ID           int64
	AssessmentID int64
	Kind         BookingKind
	Provider     string    // "cal.com", "calendly"; empty for a click
	BookingID    string    // the provider's id, so a webhook sent twice counts once
	StartsAt     time.Time // when the booked call is; zero for a click
	CreatedAt    time.Time
}

// BookingCount is, for one outcome, how many assessments followed the
// booking link and how many booked a call.
type BookingCount struct {
	Outcome string
	Clicked int
	Booked  int
}
