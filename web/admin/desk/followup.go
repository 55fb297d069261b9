package desk

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/page"
)

func (h *Handler) SetStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	status := assessment.Status(r.PostForm.Get("status"))
	if !status.Valid() {
		return &page.Error{Status: http.StatusBadRequest, Title: "That status isn't one we know",
			Message: "Please pick new, contacted, booked, closed or archived.", Link: page.Link{Href: "/admin/a/" + strconv.FormatInt(id, 10), Label: "Back to the assessment"}}
	}
	if err := h.store.UpdateStatus(r.Context(), id, status, h.area.Now().UTC()); err != nil {
		return err
	}
	http.Redirect(w, r, withDone(backTo(r.PostForm.Get("back"), fmt.Sprintf("/admin/a/%d", id)), "status"), http.StatusSeeOther)
	return nil
}

// backTo is where a one-click change returns: the review-area page it was
// made on, or fallback when back is not one of ours (an open redirect
// would let another site bounce the owner anywhere).
func backTo(back, fallback string) string {
	u, err := url.Parse(back)
	if err != nil || back == "" || u.Scheme != "" || u.Host != "" || strings.HasPrefix(back, "//") || strings.Contains(back, "\\") ||
		(u.Path != "/admin" && !strings.HasPrefix(u.Path, "/admin/")) {
		return fallback
	}
	return u.RequestURI()
}

// withDone adds the confirmation to show to a review-area URL.
func withDone(target, done string) string {
	u, _ := url.Parse(target)
	q := u.Query()
	q.Set("done", done)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// maxNoteChars bounds a private note.
const maxNoteChars = 4000

func (h *Handler) AddNote(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return page.BadForm(err)
	}
	body := assessment.CleanText(r.PostForm.Get("note"))
	back := page.Link{Href: "/admin/a/" + strconv.FormatInt(id, 10), Label: "Back to the assessment"}
	switch {
	case body == "":
		return &page.Error{Status: http.StatusUnprocessableEntity, Title: "The note was empty", Message: "Nothing was saved. Write something and add it again.", Link: back}
	case !utf8.ValidString(body) || utf8.RuneCountInString(body) > maxNoteChars:
		return &page.Error{Status: http.StatusUnprocessableEntity, Title: "That note is too long",
			Message: fmt.Sprintf("Notes can be up to %d characters. Nothing was saved.", maxNoteChars), Link: back}
	}
	note := &assessment.Note{AssessmentID: id, Author: frame.CurrentOwner(r.Context()).Email, Body: body, CreatedAt: h.area.Now().UTC()}
	if err := h.store.AddNote(r.Context(), note); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/a/%d?done=note#notes", id), http.StatusSeeOther)
	return nil
}
