package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

// Notifier is the delivery worker as the review area sees it: the channels
// configured (email, webhook, slack), and a signed test sent to one.
type Notifier interface {
	Channels() []string
	SendTest(ctx context.Context, channel string) error
}

// deliveryView is one notification of an assessment to one channel.
type deliveryView struct {
	ID       string
	Channel  string
	Event    string
	Status   string
	Attempts int
	When     string // delivered at, or the next attempt
	Error    string
	Failed   bool
}

func (h *Handler) deliveryViews(ctx context.Context, id int64) ([]deliveryView, error) {
	ds, err := h.store.ListDeliveries(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []deliveryView
	for _, d := range ds {
		v := deliveryView{ID: strconv.FormatInt(d.ID, 10), Channel: d.Channel, Event: string(d.Event.Type), Status: string(d.Status),
			Attempts: d.Attempts, Error: d.LastError, Failed: d.Status == assessment.DeliveryFailed}
		switch {
		case !d.DeliveredAt.IsZero():
			v.When = "delivered " + h.longTime(d.DeliveredAt)
		case d.Status == assessment.DeliveryPending:
			v.When = "next try " + h.longTime(d.NextAttemptAt)
		}
		out = append(out, v)
	}
	return out, nil
}

// Redeliver serves POST /admin/a/{id}/deliveries/{d}/redeliver: a failed
// notification is tried again, from the first attempt.
func (h *Handler) Redeliver(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	d, err := strconv.ParseInt(chi.URLParam(r, "d"), 10, 64)
	if err != nil || d <= 0 {
		return page.NotFound()
	}
	err = h.store.RedeliverDelivery(r.Context(), d, h.now().UTC())
	if errors.Is(err, assessment.ErrConflict) {
		return &page.Error{Status: http.StatusConflict, Title: "That notification has not failed",
			Message: "Only a failed notification can be sent again; this one is delivered or still being tried.",
			Link:    page.Link{Href: fmt.Sprintf("/admin/a/%d#deliveries", id), Label: "Back to the assessment"}}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/a/%d?done=redeliver#deliveries", id), http.StatusSeeOther)
	return nil
}

// SendTest serves POST /admin/test-notification: a signed test to one
// configured channel, sent at once, so the owner sees the set-up works.
func (h *Handler) SendTest(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if h.cfg.Notifier == nil {
		return page.NotFound()
	}
	channel := r.PostForm.Get("channel")
	if err := h.cfg.Notifier.SendTest(r.Context(), channel); err != nil {
		h.log.WarnContext(r.Context(), "test notification failed", slog.String("channel", channel), slog.Any("error", err))
		return &page.Error{Status: http.StatusBadGateway, Title: "The test did not go through",
			Message: "The " + channel + " channel answered: " + err.Error() + ". Check its settings and try again.",
			Link:    page.Link{Href: "/admin/dashboard#notifications", Label: "Back to the dashboard"}}
	}
	http.Redirect(w, r, "/admin/dashboard?done=test-sent#notifications", http.StatusSeeOther)
	return nil
}
