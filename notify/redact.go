package notify

import (
	"errors"
	"net/url"
)

// RedactURL is u as it may appear in a log line, an error or the review
// area: its scheme and host only. A Slack incoming webhook's path is its
// credential, and Zapier's and most others' carry one too, so no part
// after the host is ever shown, nor a user or password before it.
func RedactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" {
		return "(not shown: it may hold a credential)"
	}
	if parsed.Path == "" && parsed.RawQuery == "" {
		return parsed.Scheme + "://" + parsed.Host
	}
	return parsed.Scheme + "://" + parsed.Host + "/…"
}

// withoutURL is err with the *url.Error that net/http wraps around every
// failed request taken off: it repeats the whole URL.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
