package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
)

const (
	pageSize     = 25
	maxNoteChars = 4000
	dateLayout   = "2006-01-02"
)

// doneMessages are the confirmations shown after a change; the query only
// names one, so nobody can put their own words on an admin page.
var doneMessages = map[string]string{
	"welcome":               "Your account is ready. Every stored assessment appears here, newest first.",
	"status":                "Follow-up status saved.",
	"note":                  "Note added.",
	"deleted":               "The assessment and its notes were deleted.",
	"signed-out":            "You are signed out.",
	"signed-out-everywhere": "You are signed out on every device.",
}

func doneMessage(r *http.Request) string {
	return doneMessages[r.URL.Query().Get("done")]
}

// filterFromQuery reads the list filters. Unknown values are dropped with a
// note rather than failing the page.
func (s *Server) filterFromQuery(q url.Values) (assessment.Filter, filterView) {
	f := assessment.Filter{}
	v := filterView{Outcome: q.Get("outcome"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Search: strings.TrimSpace(q.Get("q"))}
	if _, ok := s.current.Outcome(v.Outcome); ok {
		f.Outcome = v.Outcome
	} else if v.Outcome != "" {
		v.Problems = append(v.Problems, "Unknown outcome ignored.")
		v.Outcome = ""
	}
	if st := assessment.Status(v.Status); st.Valid() {
		f.Status = st
	} else if v.Status != "" {
		v.Problems = append(v.Problems, "Unknown status ignored.")
		v.Status = ""
	}
	if t, err := time.Parse(dateLayout, v.From); err == nil {
		f.From = t
	} else if v.From != "" {
		v.Problems = append(v.Problems, "The “from” date wasn't a date (use YYYY-MM-DD) and was ignored.")
		v.From = ""
	}
	if t, err := time.Parse(dateLayout, v.To); err == nil {
		f.To = t.AddDate(0, 0, 1) // the "to" day is included
	} else if v.To != "" {
		v.Problems = append(v.Problems, "The “to” date wasn't a date (use YYYY-MM-DD) and was ignored.")
		v.To = ""
	}
	if utf8.RuneCountInString(v.Search) > 200 {
		v.Search = string([]rune(v.Search)[:200])
	}
	f.Search = v.Search
	return f, v
}

func (v filterView) query() url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"outcome": v.Outcome, "status": v.Status, "from": v.From, "to": v.To, "q": v.Search} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q
}

func (s *Server) adminList(w http.ResponseWriter, r *http.Request) error {
	f, fv := s.filterFromQuery(r.URL.Query())
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), 1_000_000) // a junk page number must not overflow the offset
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	rows, total, err := s.store.ListAssessments(r.Context(), f)
	if err != nil {
		return err
	}
	v := adminListView{
		adminChrome: s.chrome(r, "list"),
		Filter:      fv,
		Outcomes:    s.outcomeChoices(),
		Statuses:    assessment.Statuses,
		Total:       total,
		ExportURL:   "/admin/export.csv",
	}
	if q := fv.query().Encode(); q != "" {
		v.ExportURL += "?" + q
	}
	for _, row := range rows {
		v.Rows = append(v.Rows, s.listRow(row))
	}
	if page > 1 {
		v.PrevURL = pageURL(fv, page-1)
	}
	if page*pageSize < total {
		v.NextURL = pageURL(fv, page+1)
	}
	v.Showing = fmt.Sprintf("%d–%d of %d", min(f.Offset+1, total), min(f.Offset+len(rows), total), total)
	s.render(w, r, http.StatusOK, adminListPage(v))
	return nil
}

func pageURL(fv filterView, page int) string {
	q := fv.query()
	q.Set("page", strconv.Itoa(page))
	return "/admin?" + q.Encode()
}

func (s *Server) chrome(r *http.Request, section string) adminChrome {
	email := ""
	if o := currentOwner(r.Context()); o != nil {
		email = o.Email
	}
	return adminChrome{Section: section, OwnerEmail: email, Done: doneMessage(r)}
}

func (s *Server) outcomeChoices() []choice {
	out := make([]choice, 0, len(assessment.OutcomeIDs))
	for _, id := range assessment.OutcomeIDs {
		out = append(out, choice{Value: id, Label: outcomeName(id)})
	}
	return out
}

// outcomeName is the owner's short name for an outcome.
func outcomeName(id string) string {
	names := map[string]string{
		assessment.BookACall:             "Book a call",
		assessment.WorthAConversation:    "Worth a conversation",
		assessment.NarrowScope:           "Narrow the scope",
		assessment.HireAPM:               "Hire a PM",
		assessment.DifferentConversation: "Different conversation",
		assessment.HireFullTime:          "Hire full-time",
	}
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

func (s *Server) listRow(a assessment.Summary) adminRow {
	row := adminRow{
		URL:       "/admin/a/" + strconv.FormatInt(a.ID, 10),
		Date:      a.CreatedAt.Format("2 Jan 2006"),
		Outcome:   a.Outcome,
		OutcomeNm: outcomeName(a.Outcome),
		Status:    string(a.Status),
		Strongest: strongest(a.Criteria, 2),
	}
	if a.Contact.Consent {
		row.Contact = strings.TrimSpace(strings.Join(nonEmpty(a.Contact.Name, a.Contact.Company), ", "))
		row.Email = a.Contact.Email
	}
	return row
}

// strongest names the fit criteria with the highest levels, the first thing
// the owner wants to know before a call.
func strongest(criteria []assessment.CriterionResult, n int) string {
	fit := make([]assessment.CriterionResult, 0, len(criteria))
	for _, c := range criteria {
		if c.Kind == assessment.FitSignal && c.LevelRank > 0 {
			fit = append(fit, c)
		}
	}
	sort.SliceStable(fit, func(i, j int) bool {
		if fit[i].LevelRank != fit[j].LevelRank {
			return fit[i].LevelRank > fit[j].LevelRank
		}
		return fit[i].Score > fit[j].Score
	})
	var names []string
	for i := 0; i < len(fit) && i < n; i++ {
		names = append(names, fit[i].Label+" ("+strings.ToLower(fit[i].LevelLabel)+")")
	}
	if len(names) == 0 {
		return "No fit signals"
	}
	return strings.Join(names, "; ")
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// assessmentID reads {id} from the URL; junk is simply not found.
func assessmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound()
	}
	return id, nil
}

func (s *Server) adminDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	a, err := s.store.FindAssessmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	notes, err := s.store.ListNotes(r.Context(), id)
	if err != nil {
		return err
	}
	q := s.questionnaireFor(r.Context(), a.QuestionnaireVersion)
	v := adminDetailView{
		adminChrome: s.chrome(r, "list"),
		ID:          strconv.FormatInt(a.ID, 10),
		Date:        a.CreatedAt.Format("2 January 2006, 15:04 MST"),
		Outcome:     outcomeName(a.Result.Outcome),
		Reason:      a.Result.Reason,
		Rule:        a.Result.Rule,
		Answers:     answerViews(q, a.Answers),
		Criteria:    criterionViews(q, a.Result),
		Contact:     a.Contact,
		ShareURL:    s.absoluteURL(r, resultURL(a.Token)),
		Status:      string(a.Status),
		Statuses:    assessment.Statuses,
		Version:     a.QuestionnaireVersion[:12],
	}
	for _, n := range notes {
		v.Notes = append(v.Notes, noteView{Author: n.Author, When: n.CreatedAt.Format("2 Jan 2006, 15:04 MST"), Body: paragraphs(n.Body)})
	}
	s.render(w, r, http.StatusOK, adminDetailPage(v))
	return nil
}

// answerViews lists every question with the answer given, in the wording of
// the questionnaire version it was answered against.
func answerViews(q *assessment.Questionnaire, answers assessment.Answers) []answerView {
	var out []answerView
	for _, step := range q.Steps {
		for _, qn := range step.Questions {
			out = append(out, answerView{Prompt: qn.Prompt, Answers: answerLabels(&qn, answers[qn.ID])})
		}
	}
	return out
}

func answerLabels(qn *assessment.Question, values []string) []string {
	if qn.Type == assessment.Text {
		return values
	}
	labels := make([]string, 0, len(values))
	for _, v := range values {
		if o, ok := qn.Option(v); ok {
			labels = append(labels, o.Label)
		} else {
			labels = append(labels, v)
		}
	}
	return labels
}

func (s *Server) adminSetStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	status := assessment.Status(r.PostForm.Get("status"))
	if !status.Valid() {
		return &pageError{status: http.StatusBadRequest, title: "That status isn't one we know",
			message: "Please pick new, contacted, booked, closed or archived.", link: link{Href: "/admin/a/" + strconv.FormatInt(id, 10), Label: "Back to the assessment"}}
	}
	if err := s.store.UpdateStatus(r.Context(), id, status, s.now().UTC()); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/a/%d?done=status", id), http.StatusSeeOther)
	return nil
}

func (s *Server) adminAddNote(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	body := strings.TrimSpace(r.PostForm.Get("note"))
	back := link{Href: "/admin/a/" + strconv.FormatInt(id, 10), Label: "Back to the assessment"}
	switch {
	case body == "":
		return &pageError{status: http.StatusUnprocessableEntity, title: "The note was empty", message: "Nothing was saved. Write something and add it again.", link: back}
	case !utf8.ValidString(body) || utf8.RuneCountInString(body) > maxNoteChars:
		return &pageError{status: http.StatusUnprocessableEntity, title: "That note is too long",
			message: fmt.Sprintf("Notes can be up to %d characters. Nothing was saved.", maxNoteChars), link: back}
	}
	note := &assessment.Note{AssessmentID: id, Author: currentOwner(r.Context()).Email, Body: body, CreatedAt: s.now().UTC()}
	if err := s.store.AddNote(r.Context(), note); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/a/%d?done=note#notes", id), http.StatusSeeOther)
	return nil
}

func (s *Server) adminConfirmDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	a, err := s.store.FindAssessmentByID(r.Context(), id)
	if err != nil {
		return err
	}
	v := adminDeleteView{
		adminChrome: s.chrome(r, "list"),
		ID:          strconv.FormatInt(id, 10),
		Date:        a.CreatedAt.Format("2 January 2006"),
		Outcome:     outcomeName(a.Result.Outcome),
		Who:         strings.Join(nonEmpty(a.Contact.Name, a.Contact.Company), ", "),
	}
	s.render(w, r, http.StatusOK, adminDeletePage(v))
	return nil
}

func (s *Server) adminDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := assessmentID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	if r.PostForm.Get("confirm") != "yes" {
		// Only the confirmation page's button deletes.
		http.Redirect(w, r, fmt.Sprintf("/admin/a/%d/delete", id), http.StatusSeeOther)
		return nil
	}
	if err := s.store.DeleteAssessment(r.Context(), id); err != nil {
		return err
	}
	s.cache.forgetResult(id)
	http.Redirect(w, r, "/admin?done=deleted", http.StatusSeeOther)
	return nil
}
