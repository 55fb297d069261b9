package insight

import (
	"context"
	"log/slog"
	"net/http"

	"sessionplayer.studio/fitcheck/web/page"
)

// Notifier is the delivery worker as the review area sees it: the channels
// configured (email, webhook, slack), and a signed test sent to one.
type Notifier interface {
	Channels() []string
	SendTest(ctx context.Context, channel string) error
}

// SendTest serves POST /admin/test-notification: a signed test to one
// configured channel, sent at once, so the owner sees the set-up works.
func (h *Handler) SendTest(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if h.notifier == nil {
		return page.NotFound()
	}
	channel := r.PostForm.Get("channel")
	if err := h.notifier.SendTest(r.Context(), channel); err != nil {
		h.area.Log.WarnContext(r.Context(), "test notification failed", slog.String("channel", channel), slog.Any("error", err))
		return &page.Error{Status: http.StatusBadGateway, Title: "The test did not go through",
			Message: "The " + channel + " channel answered: " + err.Error() + ". Check its settings and try again.",
			Link:    page.Link{Href: "/admin/dashboard#notifications", Label: "Back to the dashboard"}}
	}
	http.Redirect(w, r, "/admin/dashboard?done=test-sent#notifications", http.StatusSeeOther)
	return nil
}
