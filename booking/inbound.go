package booking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadSignature means a webhook's signature is missing, malformed, stale
// or wrong: the request must be refused (401) and change nothing.
var ErrBadSignature = errors.New("bad webhook signature")

// CalendlyTolerance is how far a Calendly webhook's timestamp may be from
// now, either way, before it is refused as a replay.
const CalendlyTolerance = 5 * time.Minute

// VerifyCalCom checks Cal.com's X-Cal-Signature-256 header: the hex
// HMAC-SHA256 of the raw body with the webhook's secret.
func VerifyCalCom(secret string, body []byte, signature string) error {
	if secret == "" {
		return fmt.Errorf("%w: no Cal.com webhook secret is configured", ErrBadSignature)
	}
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: X-Cal-Signature-256 is not a hex SHA-256", ErrBadSignature)
	}
	if !hmac.Equal(got, mac([]byte(secret), body)) {
		return fmt.Errorf("%w: X-Cal-Signature-256 does not match", ErrBadSignature)
	}
	return nil
}

// VerifyCalendly checks Calendly's Calendly-Webhook-Signature header,
// "t=<unix seconds>,v1=<hex>", where v1 is the HMAC-SHA256 of "<t>.<raw
// body>" with the signing key, and t must be within CalendlyTolerance of now.
func VerifyCalendly(signingKey string, body []byte, header string, now time.Time) error {
	if signingKey == "" {
		return fmt.Errorf("%w: no Calendly signing key is configured", ErrBadSignature)
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return fmt.Errorf("%w: Calendly-Webhook-Signature needs t=… and v1=…", ErrBadSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > CalendlyTolerance || d < -CalendlyTolerance {
		return fmt.Errorf("%w: Calendly timestamp is %s away from now", ErrBadSignature, d.Round(time.Second))
	}
	want := mac([]byte(signingKey), append([]byte(ts+"."), body...))
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return fmt.Errorf("%w: Calendly v1 signature does not match", ErrBadSignature)
}

func mac(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// Booking is what a provider's webhook reports.
type Booking struct {
	Provider Provider
	Event    string // the provider's event name: BOOKING_CREATED, invitee.created, …
	Created  bool   // a new booking (not a cancellation or a change)
	// AssessmentID is the id the booking link carried, or 0 when the
	// booking did not come through fitcheck. Ref is the reference as sent
	// back, to check with OpenRef: an id alone can be made up by anyone.
	AssessmentID int64
	Ref          string
	StartsAt     time.Time // when the call is
	BookingID    string    // the provider's id for it, for deduplication
}

// ParseCalCom reads a Cal.com webhook body. The assessment id is the
// metadata the pre-filled link set (metadata[fitcheck]).
func ParseCalCom(body []byte) (*Booking, error) {
	var in struct {
		TriggerEvent string `json:"triggerEvent"`
		Payload      struct {
			UID       string         `json:"uid"`
			StartTime time.Time      `json:"startTime"`
			Metadata  map[string]any `json:"metadata"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("parse Cal.com webhook: %w", err)
	}
	b := &Booking{Provider: CalCom, Event: in.TriggerEvent, Created: in.TriggerEvent == "BOOKING_CREATED",
		StartsAt: in.Payload.StartTime, BookingID: in.Payload.UID}
	b.AssessmentID = parseID(in.Payload.Metadata["fitcheck"])
	b.Ref, _ = in.Payload.Metadata["fitcheck"].(string)
	return b, nil
}

// ParseCalendly reads a Calendly webhook body. The assessment id is the
// utm_content the pre-filled link set, which Calendly returns as tracking.
func ParseCalendly(body []byte) (*Booking, error) {
	var in struct {
		Event   string `json:"event"`
		Payload struct {
			URI            string `json:"uri"`
			ScheduledEvent struct {
				StartTime time.Time `json:"start_time"`
			} `json:"scheduled_event"`
			Tracking struct {
				UTMContent any `json:"utm_content"`
			} `json:"tracking"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("parse Calendly webhook: %w", err)
	}
	ref, _ := in.Payload.Tracking.UTMContent.(string)
	return &Booking{Provider: Calendly, Event: in.Event, Created: in.Event == "invitee.created",
		StartsAt: in.Payload.ScheduledEvent.StartTime, BookingID: in.Payload.URI,
		AssessmentID: parseID(in.Payload.Tracking.UTMContent), Ref: ref}, nil
}

// parseID reads an assessment id sent back as a string or a number; anything
// else is 0 (no assessment).
func parseID(v any) int64 {
	var s string
	switch t := v.(type) {
	case string:
		s = strings.TrimSpace(t)
	case float64:
		s = strconv.FormatFloat(t, 'f', -1, 64)
	default:
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}
