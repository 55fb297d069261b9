package data

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestRecordBooking(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	// Another founder's: a status is a founder's, shared by their takes.
	closed := mustSubmit(t, s, "tok-closed", func(a *assessment.Assessment) { a.Contact.Email = "cy@example.com" })
	if err := s.UpdateStatus(t.Context(), closed.ID, assessment.StatusClosed, now); err != nil {
		t.Fatal(err)
	}
	at := a.CreatedAt.Add(time.Minute)
	call := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)

	if err := s.RecordBookingClick(t.Context(), a.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBookingClick(t.Context(), 999, at); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("RecordBookingClick(unknown) = %v, want ErrNotFound", err)
	}
	booked := &assessment.BookingEvent{AssessmentID: a.ID, Provider: "cal.com", BookingID: "bk_1", StartsAt: call, CreatedAt: at}
	if ok, err := s.RecordBooking(t.Context(), booked); err != nil || !ok {
		t.Fatalf("RecordBooking = %v, %v; want recorded", ok, err)
	}
	again := *booked
	again.ID = 0
	if ok, err := s.RecordBooking(t.Context(), &again); err != nil || ok {
		t.Errorf("RecordBooking(same booking again) = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.RecordBooking(t.Context(), &assessment.BookingEvent{AssessmentID: 999, Provider: "cal.com", BookingID: "bk_x", CreatedAt: at}); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("RecordBooking(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.RecordBooking(t.Context(), &assessment.BookingEvent{AssessmentID: closed.ID, Provider: "calendly", BookingID: "inv_1", StartsAt: call, CreatedAt: at}); err != nil {
		t.Fatal(err)
	}

	got, err := s.FindAssessmentByID(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != assessment.StatusBooked || !got.BookedAt.Equal(call) {
		t.Errorf("after booking: status %s, booked at %v; want booked at %v", got.Status, got.BookedAt, call)
	}
	if c, _ := s.FindAssessmentByID(t.Context(), closed.ID); c.Status != assessment.StatusClosed || !c.BookedAt.Equal(call) {
		t.Errorf("closed assessment after booking: status %s, booked at %v; want it to stay closed, with the call's time", c.Status, c.BookedAt)
	}
	events, err := s.ListBookingEvents(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Kind != assessment.BookingClicked || events[1].Kind != assessment.BookingBooked || !events[1].StartsAt.Equal(call) {
		t.Errorf("booking events = %+v, want a click then one booking", events)
	}
	counts, err := s.CountBookings(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	if want := []assessment.BookingCount{{Outcome: "fit", Clicked: 1, Booked: 2}}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountBookings = %+v, want %+v", counts, want)
	}
}

func TestAttributionCarriedAndBounded(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	d := newDraft("d1", now.Add(time.Hour))
	d.Source = assessment.Attribution{UTMSource: " newsletter ", UTMCampaign: strings.Repeat("é", 300), ReferrerHost: "news.example.com"}
	mustCreateDraft(t, s, d)
	got, err := s.FindDraft(t.Context(), "d1", now)
	if err != nil {
		t.Fatal(err)
	}
	want := assessment.Attribution{UTMSource: "newsletter", UTMCampaign: strings.Repeat("é", assessment.AttributionLimit), ReferrerHost: "news.example.com"}
	if got.Source != want {
		t.Errorf("FindDraft source = %+v, want %+v (trimmed, cut to %d characters)", got.Source, want, assessment.AttributionLimit)
	}
	a := newAssessment("tok-1", assessment.Contact{})
	a.Source = got.Source
	if _, err := s.SubmitDraft(t.Context(), "d1", a); err != nil {
		t.Fatal(err)
	}
	stored, err := s.FindAssessment(t.Context(), "tok-1")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Source != want {
		t.Errorf("FindAssessment source = %+v, want %+v", stored.Source, want)
	}
}

// TestBookingClicksAreCountedOncePerWindow: a booking link followed
// thousands of times adds one row within the window, and one more after
// it; another result's click is its own.
func TestBookingClicksAreCountedOncePerWindow(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	b := mustSubmit(t, s, "tok-2", nil)
	at := a.CreatedAt.Add(time.Minute)
	for i := range 200 {
		if err := s.RecordBookingClick(t.Context(), a.ID, at.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatalf("click %d = %v", i+1, err)
		}
	}
	if err := s.RecordBookingClick(t.Context(), b.ID, at); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, s, "booking_events"); got != 2 {
		t.Errorf("booking events after 200 clicks on one result and one on another = %d, want 2", got)
	}
	if err := s.RecordBookingClick(t.Context(), a.ID, at.Add(assessment.BookingClickWindow+time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, s, "booking_events"); got != 3 {
		t.Errorf("booking events after a click past the window = %d, want 3", got)
	}
}

// TestBookingsWithoutAnIDAreRecordedOnce: a provider's report without its
// booking id, sent twice, is one booking; a second report without a call
// time leaves the time the first gave.
func TestBookingsWithoutAnIDAreRecordedOnce(t *testing.T) {
	s := mustOpenWithQuestionnaire(t)
	a := mustSubmit(t, s, "tok-1", nil)
	at := a.CreatedAt.Add(time.Minute)
	call := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)
	report := func(starts time.Time) (bool, error) {
		return s.RecordBooking(t.Context(), &assessment.BookingEvent{AssessmentID: a.ID, Provider: "cal.com", StartsAt: starts, CreatedAt: at})
	}
	if ok, err := report(call); err != nil || !ok {
		t.Fatalf("first report without an id = %v, %v; want recorded", ok, err)
	}
	if ok, err := report(call); err != nil || ok {
		t.Errorf("the same report again = %v, %v; want false, nil", ok, err)
	}
	if _, err := report(time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindAssessmentByID(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.BookedAt.Equal(call) {
		t.Errorf("booked at %v after a later report without a time, want %v kept", got.BookedAt, call)
	}
	events, err := s.ListBookingEvents(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Errorf("booking events = %+v, want two (the call, and the report without a time once)", events)
	}
	if ok, err := report(time.Time{}); err != nil || ok {
		t.Errorf("a report without an id or a time, again = %v, %v; want false, nil", ok, err)
	}
}
