package result

import (
	"log/slog"
	"net/http"
	"net/url"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/booking"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// The booking page inline: with -booking-inline, where the provider's
// booking page works as a plain iframe (booking.Inline: Calendly), the
// founder's own result shows it in its next step, pre-filled, and the
// primary button leads there. No script is involved; the plain link to
// /r/{token}/book stays beside it, and the booking still comes back
// through the provider's signed webhook.

// scheduler is the inline booking page of a result.
type scheduler struct {
	URL   string // the provider's page, pre-filled, in the iframe
	Title string // the iframe's accessible name
	Link  string // the plain way in: /r/{token}/book
}

// inlineBooking reports whether results show the booking page inline.
func (h *Handler) inlineBooking() bool {
	return h.cfg.BookingInline && booking.Inline(h.cfg.BookingURL)
}

// scheduler is result a's booking page, pre-filled for its founder, or nil
// when it cannot be built (the plain link still works).
func (h *Handler) scheduler(r *http.Request, a *assessment.Assessment, owner string) *scheduler {
	host := r.Host
	if u, err := url.Parse(httpx.AbsoluteURL(h.cfg.BaseURL, r, "/")); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	target, err := booking.InlineURL(h.cfg.BookingURL, h.prefill(r, a, true), host)
	if err != nil {
		h.log.WarnContext(r.Context(), "inline booking page", slog.Any("error", err))
		return nil
	}
	return &scheduler{URL: target, Title: "Pick a time with " + owner, Link: page.ResultURL(a.Token) + "/book"}
}
