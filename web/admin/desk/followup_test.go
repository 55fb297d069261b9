package desk_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/admin/reviewtest"
)

// TestStatusNotesAndDelete: that the share link ends with the delete is
// web.TestDeskDeleteEndsTheShareLink, since the result page is not the desk's.
func TestStatusNotesAndDelete(t *testing.T) {
	s := mustStart(t, nil)
	s.submitted(assessment.BookACall, reviewtest.Consented("Ada", "ada@example.com"))
	v := s.newVisitor()

	detail := v.Get("/admin/a/1")
	if !strings.Contains(reviewtest.TextOf(reviewtest.ByTestID(detail.Doc, "contact")), "ada@example.com") {
		t.Errorf("detail does not show the consented contact")
	}
	if len(reviewtest.Texts(detail.Doc, "answers")) == 0 || !strings.Contains(reviewtest.TextOf(reviewtest.ByTestID(detail.Doc, "answers")), "Growing") {
		t.Errorf("detail does not list the answers in the questionnaire's words")
	}

	p := v.Post("/admin/a/1/status", url.Values{"status": {"contacted"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("set status = %d, want 303", p.Status)
	}
	after := v.Get(p.Location)
	if got := reviewtest.TextOf(reviewtest.ByTestID(after.Doc, "notice")); got == "" {
		t.Errorf("no confirmation after changing the status")
	}
	if sel := pressedStatus(after.Doc); sel != "contacted" {
		t.Errorf("status control shows %q, want contacted", sel)
	}
	if p := v.Post("/admin/a/1/status", url.Values{"status": {"bogus"}}); p.Status != http.StatusBadRequest {
		t.Errorf("unknown status = %d, want 400", p.Status)
	}

	v.Post("/admin/a/1/notes", url.Values{"note": {"Called on Monday; follow up after their board meeting."}})
	v.Post("/admin/a/1/notes", url.Values{"note": {"Booked for Thursday."}})
	if p := v.Post("/admin/a/1/notes", url.Values{"note": {"   "}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("empty note = %d, want 422", p.Status)
	}
	notes := reviewtest.TextOf(reviewtest.ByTestID(v.Get("/admin/a/1").Doc, "notes"))
	if !strings.Contains(notes, "board meeting") || !strings.Contains(notes, "Booked for Thursday") || !strings.Contains(notes, "greg@example.com") ||
		strings.Index(notes, "board meeting") > strings.Index(notes, "Thursday") {
		t.Errorf("notes = %q, want both, oldest first, with their author", notes)
	}

	if p := v.Post("/admin/a/1/delete", url.Values{}); p.Status != http.StatusSeeOther || !strings.HasSuffix(p.Location, "/delete") {
		t.Errorf("delete without confirmation = %d %q, want the confirmation page", p.Status, p.Location)
	}
	confirm := v.Get("/admin/a/1/delete")
	if reviewtest.ByTestID(confirm.Doc, "confirm-delete") == nil {
		t.Fatalf("no confirmation button on the delete page")
	}
	done := v.Post("/admin/a/1/delete", url.Values{"confirm": {"yes"}})
	if done.Status != http.StatusSeeOther || !strings.Contains(done.Location, "done=deleted") {
		t.Errorf("delete = %d %q, want 303 to the list with a confirmation", done.Status, done.Location)
	}
	if s.countRows("assessments") != 0 || s.countRows("notes") != 0 {
		t.Errorf("after delete: %d assessments, %d notes; want none", s.countRows("assessments"), s.countRows("notes"))
	}
	if p := v.Get("/admin/a/1"); p.Status != http.StatusNotFound {
		t.Errorf("deleted detail = %d, want 404", p.Status)
	}
}

func TestDeskStatusInOneClick(t *testing.T) {
	s := mustStart(t, nil)
	s.submitted(assessment.BookACall, reviewtest.Consented("Ada", "ada@example.com"))
	v := s.newVisitor()
	list := v.Get("/admin?order=oldest")
	form := reviewtest.FindForm(list.Doc, "/admin/a/1/status")
	if form == nil {
		t.Fatal("the list row has no status control")
	}
	// The button's own form carries everything: one post, no Save.
	p := v.Post("/admin/a/1/status", url.Values{"status": {"booked"}, "back": {"/admin?order=oldest"}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/admin?") || !strings.Contains(p.Location, "order=oldest") {
		t.Fatalf("one-click status from the list = %d to %q, want back to the same list", p.Status, p.Location)
	}
	after := v.Get(p.Location)
	if got := pressedStatus(after.Doc); got != "booked" {
		t.Errorf("status after one click = %q, want booked", got)
	}
	// Only our own pages are a way back.
	for _, back := range []string{"https://evil.example/admin", "//evil.example/admin", "/r/x", "/\\evil.example"} {
		p := v.Post("/admin/a/1/status", url.Values{"status": {"new"}, "back": {back}})
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/admin/a/1?") {
			t.Errorf("back=%q leads to %q, want the assessment", back, p.Location)
		}
	}
}
