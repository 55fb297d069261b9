package desk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/page"
)

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
			v.When = "delivered " + h.area.LongTime(d.DeliveredAt)
		case d.Status == assessment.DeliveryPending:
			v.When = "next try " + h.area.LongTime(d.NextAttemptAt)
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
	err = h.store.RedeliverDelivery(r.Context(), d, h.area.Now().UTC())
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
