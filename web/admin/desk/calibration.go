package desk

import (
	"fmt"
	"net/http"
	"strconv"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/page"
)

// calibrationView is what the owner recorded after the call, if anything.
type calibrationView struct {
	Verdict string // "" until recorded
	Needed  string
	Summary string
	When    string
}

// Calibrate records what the owner found after a call: one click from the
// brief, each choice its own small form.
func (h *Handler) Calibrate(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	c := assessment.Calibration{AssessmentID: id, Verdict: assessment.Verdict(r.PostForm.Get("verdict")),
		Needed: r.PostForm.Get("needed"), RecordedAt: h.area.Now().UTC()}
	if err := c.Check(); err != nil {
		return &page.Error{Status: http.StatusBadRequest, Title: "That isn't something we can record",
			Message: "Pick fit, not a fit with the outcome they needed, or no call happened.",
			Link:    page.Link{Href: "/admin/a/" + strconv.FormatInt(id, 10), Label: "Back to the assessment"}}
	}
	if err := h.store.RecordCalibration(r.Context(), c); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/a/%d?done=calibration", id), http.StatusSeeOther)
	return nil
}

func (h *Handler) calibrationView(c *assessment.Calibration) calibrationView {
	if c == nil {
		return calibrationView{}
	}
	v := calibrationView{Verdict: string(c.Verdict), Needed: c.Needed, When: h.area.LongTime(c.RecordedAt)}
	switch c.Verdict {
	case assessment.VerdictFit:
		v.Summary = "A fit: the call confirmed it"
	case assessment.VerdictNotFit:
		v.Summary = "Not a fit: they needed " + h.area.OutcomeName(c.Needed)
	case assessment.VerdictNoCall:
		v.Summary = "No call happened"
	}
	return v
}

func (h *Handler) neededChoices() []frame.Choice {
	out := make([]frame.Choice, 0, len(assessment.NeededInstead))
	for _, id := range assessment.NeededInstead {
		out = append(out, frame.Choice{Value: id, Label: h.area.OutcomeName(id)})
	}
	return out
}
