package booking_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
)

func TestProviderOf(t *testing.T) {
	for _, tt := range []struct {
		url  string
		want booking.Provider
	}{
		{"https://cal.com/gregory/intro", booking.CalCom},
		{"https://app.cal.com/gregory", booking.CalCom},
		{"https://calendly.com/gregory/30min", booking.Calendly},
		{"https://CALENDLY.com/gregory", booking.Calendly},
		{"https://notcal.com/x", booking.Other},
		{"https://calendly.com.evil.example/x", booking.Other},
		{"https://example.com/book", booking.Other},
	} {
		if got := booking.ProviderOf(tt.url); got != tt.want {
			t.Errorf("ProviderOf(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestURL(t *testing.T) {
	src := assessment.Attribution{UTMSource: "newsletter", UTMMedium: "email", UTMCampaign: "spring", UTMTerm: "pm", UTMContent: "hero"}
	consented := assessment.Contact{Name: "Ada Lovelace", Email: "ada@acme.example", Consent: true}
	refused := assessment.Contact{Name: "Bob", Email: "bob@hidden.example", Consent: false}
	base := booking.Prefill{AssessmentID: 42, ResultURL: "https://fit.example.com/r/tok", StuckDecision: "Onboarding or enterprise?", Source: src}
	notes := "Stuck decision: Onboarding or enterprise?\n\nfitcheck result: https://fit.example.com/r/tok"
	with := func(c assessment.Contact) booking.Prefill { p := base; p.Contact = c; return p }
	for _, tt := range []struct {
		name string
		url  string
		p    booking.Prefill
		want url.Values
	}{
		{"cal.com with consent", "https://cal.com/gregory/intro?layout=month_view", with(consented), url.Values{
			"layout": {"month_view"}, "name": {"Ada Lovelace"}, "email": {"ada@acme.example"}, "notes": {notes},
			"metadata[fitcheck]": {"42"}, "utm_source": {"newsletter"}, "utm_medium": {"email"},
			"utm_campaign": {"spring"}, "utm_term": {"pm"}, "utm_content": {"hero"}}},
		{"cal.com without consent", "https://cal.com/gregory/intro", with(refused), url.Values{
			"notes": {notes}, "metadata[fitcheck]": {"42"}, "utm_source": {"newsletter"}, "utm_medium": {"email"},
			"utm_campaign": {"spring"}, "utm_term": {"pm"}, "utm_content": {"hero"}}},
		{"calendly with consent", "https://calendly.com/gregory/30min", with(consented), url.Values{
			"name": {"Ada Lovelace"}, "email": {"ada@acme.example"}, "a1": {notes}, "utm_content": {"42"},
			"utm_source": {"newsletter"}, "utm_medium": {"email"}, "utm_campaign": {"spring"}, "utm_term": {"pm"}}},
		{"calendly without consent", "https://calendly.com/gregory/30min", with(refused), url.Values{
			"a1": {notes}, "utm_content": {"42"},
			"utm_source": {"newsletter"}, "utm_medium": {"email"}, "utm_campaign": {"spring"}, "utm_term": {"pm"}}},
		{"other", "https://example.com/book?x=1", with(consented), url.Values{
			"x": {"1"}, "fitcheck": {"https://fit.example.com/r/tok"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := booking.URL(tt.url, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(u.Query()) != fmt.Sprint(tt.want) {
				t.Errorf("URL(%q) query = %v\nwant %v", tt.url, u.Query(), tt.want)
			}
		})
	}
	if _, err := booking.URL("javascript:alert(1)", base); err == nil {
		t.Errorf("URL(javascript:) = nil error, want refused")
	}
}

func hexMAC(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

const calBody = `{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-12-01T10:00:00.000Z","payload":{"uid":"bk_123","startTime":"2026-12-08T15:00:00Z","endTime":"2026-12-08T15:30:00Z","metadata":{"fitcheck":"42"}}}`

func TestCalCom(t *testing.T) {
	const secret = "cal-secret"
	for _, tt := range []struct {
		name, secret, sig string
		ok                bool
	}{
		{"valid", secret, hexMAC(secret, calBody), true},
		{"wrong secret", secret, hexMAC("other", calBody), false},
		{"missing", secret, "", false},
		{"not hex", secret, "zz", false},
		{"no secret configured", "", hexMAC("", calBody), false},
	} {
		err := booking.VerifyCalCom(tt.secret, []byte(calBody), tt.sig)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, booking.ErrBadSignature)) {
			t.Errorf("VerifyCalCom(%s) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	if err := booking.VerifyCalCom(secret, []byte(calBody+" "), hexMAC(secret, calBody)); err == nil {
		t.Errorf("VerifyCalCom accepted a changed body")
	}
	b, err := booking.ParseCalCom([]byte(calBody))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Created || b.AssessmentID != 42 || !b.StartsAt.Equal(time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)) || b.BookingID != "bk_123" {
		t.Errorf("ParseCalCom = %+v, want a new booking of assessment 42 at 8 Dec 15:00", b)
	}
	other, _ := booking.ParseCalCom([]byte(`{"triggerEvent":"BOOKING_CANCELLED","payload":{"metadata":{}}}`))
	if other.Created || other.AssessmentID != 0 {
		t.Errorf("ParseCalCom(cancelled, no metadata) = %+v, want not created and no assessment", other)
	}
}

const calendlyBody = `{"event":"invitee.created","created_at":"2026-12-01T10:00:00.000000Z","payload":{"uri":"https://api.calendly.com/scheduled_events/EV/invitees/IN","scheduled_event":{"start_time":"2026-12-08T15:00:00.000000Z"},"tracking":{"utm_content":"42","utm_source":"newsletter"}}}`

func TestCalendly(t *testing.T) {
	const key = "calendly-key"
	now := time.Unix(1_790_000_000, 0)
	sign := func(at time.Time, key string) string {
		ts := fmt.Sprint(at.Unix())
		return "t=" + ts + ",v1=" + hexMAC(key, ts+"."+calendlyBody)
	}
	for _, tt := range []struct {
		name, header string
		ok           bool
	}{
		{"valid", sign(now, key), true},
		{"four minutes old", sign(now.Add(-4*time.Minute), key), true},
		{"six minutes old", sign(now.Add(-6*time.Minute), key), false},
		{"from the future", sign(now.Add(6*time.Minute), key), false},
		{"wrong key", sign(now, "other"), false},
		{"no v1", "t=" + fmt.Sprint(now.Unix()), false},
		{"empty", "", false},
	} {
		err := booking.VerifyCalendly(key, []byte(calendlyBody), tt.header, now)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, booking.ErrBadSignature)) {
			t.Errorf("VerifyCalendly(%s) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	b, err := booking.ParseCalendly([]byte(calendlyBody))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Created || b.AssessmentID != 42 || !b.StartsAt.Equal(time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseCalendly = %+v, want a new booking of assessment 42 at 8 Dec 15:00", b)
	}
	if _, err := booking.ParseCalendly([]byte(`not json`)); err == nil {
		t.Errorf("ParseCalendly(not json) = nil error")
	}
}

func TestInline(t *testing.T) {
	for _, tt := range []struct {
		url, frame string
	}{
		{"https://calendly.com/gregory/30min", "https://calendly.com"},
		{"https://cal.com/gregory/intro", ""},
		{"https://app.cal.com/gregory", ""},
		{"http://calendly.com/gregory", ""},
		{"https://example.com/book", ""},
	} {
		if got := booking.FrameSource(tt.url); got != tt.frame {
			t.Errorf("FrameSource(%q) = %q, want %q", tt.url, got, tt.frame)
		}
	}
	p := booking.Prefill{AssessmentID: 7, ResultURL: "https://fit.example.com/r/tok",
		Contact: assessment.Contact{Name: "Ada", Email: "ada@acme.example", Consent: true}}
	got, err := booking.InlineURL("https://calendly.com/gregory/30min", p, "fit.example.com")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	q := u.Query()
	if q.Get("embed_domain") != "fit.example.com" || q.Get("embed_type") != "Inline" || q.Get("email") != "ada@acme.example" || q.Get("utm_content") != "7" {
		t.Errorf("InlineURL = %s, want the pre-filled page with embed_domain=fit.example.com and embed_type=Inline", got)
	}
	if _, err := booking.InlineURL("https://cal.com/gregory/intro", p, "fit.example.com"); err == nil {
		t.Errorf("InlineURL(cal.com) = nil error, want refused: Cal.com pages cannot be framed without their script")
	}
}
