package desk

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/page"
)

// deleteView is the page that confirms a delete.
type deleteView struct {
	frame.Chrome
	ID      string
	Date    string
	Outcome string
	Who     string
}

func (h *Handler) ConfirmDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	a, err := h.store.FindAssessmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	v := deleteView{
		Chrome:  h.area.Chrome(r, "list"),
		ID:      strconv.FormatInt(id, 10),
		Date:    a.CreatedAt.Format("2 January 2006"),
		Outcome: h.area.OutcomeName(a.Result.Outcome),
		Who:     strings.Join(nonEmpty(a.Contact.Name, a.Contact.Company), ", "),
	}
	h.area.Pages.Render(w, r, http.StatusOK, deletePage(v))
	return nil
}

func (h *Handler) Delete(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	if r.PostForm.Get("confirm") != "yes" {
		// Only the confirmation page's button deletes.
		http.Redirect(w, r, fmt.Sprintf("/admin/a/%d/delete", id), http.StatusSeeOther)
		return nil
	}
	if err := h.store.DeleteAssessment(r.Context(), id); err != nil {
		return err
	}
	h.area.Audit.Event(r, "assessment_deleted", frame.CurrentOwner(r.Context()).Email, slog.Int64("assessment_id", id))
	http.Redirect(w, r, "/admin?done=deleted", http.StatusSeeOther)
	return nil
}
