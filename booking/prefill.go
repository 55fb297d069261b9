// Package booking is the pure half of the booking round trip: the booking
// link pre-filled for the provider the owner uses (Cal.com, Calendly, or any
// other page), and the checks and parsing of the providers' signed webhooks
// that report a booked call. It does no I/O.
package booking

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/assessment"
)

// Provider is a booking service fitcheck knows how to pre-fill.
type Provider string

// The providers, recognised from the booking URL's host.
const (
	CalCom   Provider = "cal.com"
	Calendly Provider = "calendly"
	Other    Provider = "other"
)

// ProviderOf recognises the provider of a booking URL by its host:
// cal.com and its subdomains (app.cal.com, cal.eu), calendly.com and its
// subdomains; anything else is Other.
func ProviderOf(bookingURL string) Provider {
	u, err := url.Parse(bookingURL)
	if err != nil {
		return Other
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case hostIs(host, "cal.com"), hostIs(host, "cal.eu"):
		return CalCom
	case hostIs(host, "calendly.com"):
		return Calendly
	default:
		return Other
	}
}

func hostIs(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// Prefill is what a booking link may carry about the founder.
type Prefill struct {
	AssessmentID  int64
	Ref           string             // the signed reference to send instead of the bare id (SignRef)
	ResultURL     string             // the absolute share link of the result
	StuckDecision string             // their own words, if any
	Contact       assessment.Contact // passed on only when Contact.Consent
	Source        assessment.Attribution
}

// notes is the text the owner reads with the booking.
func (p Prefill) notes() string {
	var parts []string
	if s := strings.TrimSpace(p.StuckDecision); s != "" {
		parts = append(parts, "Stuck decision: "+s)
	}
	if p.ResultURL != "" {
		parts = append(parts, "fitcheck result: "+p.ResultURL)
	}
	return strings.Join(parts, "\n\n")
}

// URL returns bookingURL pre-filled for its provider, keeping whatever
// query it already has:
//   - Cal.com: name and email (only with consent), notes (the stuck
//     decision and the result link), metadata[fitcheck]=<assessment id>,
//     and the utm_* the founder arrived with;
//   - Calendly: name and email (only with consent), a1 (the notes),
//     utm_content=<assessment id> and the other utm_*;
//   - anything else: the result link as the fitcheck parameter.
func URL(bookingURL string, p Prefill) (string, error) {
	u, err := url.Parse(bookingURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("booking url %q is not an absolute http(s) URL", bookingURL)
	}
	q := u.Query()
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	id := p.Ref
	if id == "" {
		id = strconv.FormatInt(p.AssessmentID, 10)
	}
	switch ProviderOf(bookingURL) {
	case CalCom:
		setContact(set, p.Contact)
		set("notes", p.notes())
		set("metadata[fitcheck]", id)
		setUTM(set, p.Source, true)
	case Calendly:
		setContact(set, p.Contact)
		set("a1", p.notes())
		setUTM(set, p.Source, false)
		// The id rides in utm_content: Calendly hands tracking back in its
		// webhook, and has no free metadata field.
		set("utm_content", id)
	default:
		set("fitcheck", p.ResultURL)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func setContact(set func(k, v string), c assessment.Contact) {
	if !c.Consent {
		return
	}
	set("name", c.Name)
	set("email", c.Email)
}

func setUTM(set func(k, v string), a assessment.Attribution, withContent bool) {
	set("utm_source", a.UTMSource)
	set("utm_medium", a.UTMMedium)
	set("utm_campaign", a.UTMCampaign)
	set("utm_term", a.UTMTerm)
	if withContent {
		set("utm_content", a.UTMContent)
	}
}
