package booking

import (
	"fmt"
	"net/url"
)

// A booking page shown inside the result page, without leaving it. Only a
// provider whose booking page works as a plain iframe, with no script of
// theirs on our page, qualifies:
//   - Calendly's booking pages may be framed and draw themselves; told
//     embed_domain and embed_type=Inline, they drop their own page chrome.
//   - Cal.com does not qualify: its booking pages refuse to be framed
//     (X-Frame-Options), and its /embed pages stay blank until Cal.com's
//     embed script on the parent page answers their handshake. The plain
//     link stays its way in.

// Inline reports whether bookingURL's provider can be shown inline as a
// plain iframe.
func Inline(bookingURL string) bool {
	return ProviderOf(bookingURL) == Calendly
}

// FrameSource is the origin an inline booking page is served from, for the
// Content-Security-Policy's frame-src ("https://calendly.com"), or "" when
// bookingURL cannot be shown inline.
func FrameSource(bookingURL string) string {
	u, err := url.Parse(bookingURL)
	if err != nil || !Inline(bookingURL) || u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// InlineURL is bookingURL pre-filled as URL does, and told it is shown
// inside a page on embedHost: the result page's host, as the visitor's
// browser sees it.
func InlineURL(bookingURL string, p Prefill, embedHost string) (string, error) {
	if FrameSource(bookingURL) == "" {
		return "", fmt.Errorf("booking url %q cannot be shown inline", bookingURL)
	}
	target, err := URL(bookingURL, p)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("booking url %q: %w", target, err)
	}
	q := u.Query()
	q.Set("embed_domain", embedHost)
	q.Set("embed_type", "Inline")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
