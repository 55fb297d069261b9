package web

import (
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// tokenPattern matches share tokens (18 random bytes, base64url), so junk
// addresses are turned away before they reach the database.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{24}$`)

func (s *Server) result(w http.ResponseWriter, r *http.Request) error {
	token, asJSON := strings.CutSuffix(chi.URLParam(r, "token"), ".json")
	if !tokenPattern.MatchString(token) {
		return page.NotFound()
	}
	if !hasSession(r) {
		// Whoever has no session cannot own the result: they get the
		// shared page, rendered once and kept (kept.go).
		httpx.NoStore(w)
		w.Header().Set("X-Robots-Tag", "noindex")
		return s.serveSharedResult(w, r, token, asJSON)
	}
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	httpx.NoStore(w)
	w.Header().Set("X-Robots-Tag", "noindex")
	if asJSON {
		return s.pages.WriteJSON(w, r, http.StatusOK, resultJSON(a))
	}
	q := s.forms.Find(r.Context(), a.QuestionnaireVersion)
	d, err := s.findDraft(r)
	own := err == nil && d.AssessmentToken == a.Token
	s.pages.Render(w, r, http.StatusOK, resultPage(s.resultView(r, q, a, own)))
	return nil
}

// resultView is a result's page; own is whether the visitor made it.
func (s *Server) resultView(r *http.Request, q *assessment.Questionnaire, a *assessment.Assessment, own bool) resultView {
	v := resultView{
		Token:        a.Token,
		ShareURL:     httpx.AbsoluteURL(s.cfg.BaseURL, r, page.ResultURL(a.Token)),
		JSONURL:      page.ResultURL(a.Token) + ".json",
		DeleteURL:    page.ResultURL(a.Token) + "/delete",
		Reason:       a.Result.Reason,
		Criteria:     page.CriterionViews(q, a.Result),
		CreatedAt:    a.CreatedAt.Format("2 January 2006"),
		CreatedAtISO: a.CreatedAt.UTC().Format(time.RFC3339),
		Version:      a.QuestionnaireVersion,
	}
	v.Chart = page.NewChart(v.Criteria)
	if o, ok := q.Outcome(a.Result.Outcome); ok {
		v.Headline = o.Headline
		v.Summary = page.Paragraphs(o.Summary)
		v.NextStep = o.NextStep
		v.NextBody = page.Paragraphs(o.NextStep.Body)
		v.ActionURL = s.actionURL(o.NextStep.Action)
	}
	v.IsOwn = own
	// The preview is written for whoever the link is shared with.
	v.Preview = s.preview(r, page.ResultURL(a.Token), page.ResultURL(a.Token)+"/card.png",
		"A fitcheck result: "+v.Headline+", with the criteria behind it as bars",
		"A fitcheck result: "+v.Headline+". "+a.Result.Reason)
	return v
}

// actionURL is where an outcome's button leads; "" hides the button.
func (s *Server) actionURL(a assessment.Action) string {
	switch a {
	case assessment.ActionBook, assessment.ActionContact:
		return s.cfg.BookingURL
	case assessment.ActionRetake:
		return "/"
	}
	return ""
}

// The JSON twin of a result page. It never carries contact details.
type resultDoc struct {
	Outcome              string         `json:"outcome"`
	Criteria             []criterionDoc `json:"criteria"`
	Explanation          explanationDoc `json:"explanation"`
	CreatedAt            time.Time      `json:"created_at"`
	QuestionnaireVersion string         `json:"questionnaire_version"`
}

type criterionDoc struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Score int    `json:"score"`
	Max   int    `json:"max"`
	Level string `json:"level"`
}

type explanationDoc struct {
	Rule     string       `json:"rule"`
	Reason   string       `json:"reason"`
	Criteria []movedByDoc `json:"criteria"`
}

type movedByDoc struct {
	Criterion string                    `json:"criterion"`
	Level     string                    `json:"level"`
	MovedBy   []assessment.Contribution `json:"moved_by"`
}

func resultJSON(a *assessment.Assessment) resultDoc {
	doc := resultDoc{
		Outcome:              a.Result.Outcome,
		Criteria:             []criterionDoc{},
		Explanation:          explanationDoc{Rule: a.Result.Rule, Reason: a.Result.Reason, Criteria: []movedByDoc{}},
		CreatedAt:            a.CreatedAt.UTC(),
		QuestionnaireVersion: a.QuestionnaireVersion,
	}
	for _, c := range a.Result.Criteria {
		doc.Criteria = append(doc.Criteria, criterionDoc{ID: c.ID, Label: c.Label, Kind: string(c.Kind), Score: c.Score, Max: c.Max, Level: c.Level})
		doc.Explanation.Criteria = append(doc.Explanation.Criteria, movedByDoc{Criterion: c.ID, Level: c.Level, MovedBy: c.MovedBy})
	}
	return doc
}

// deleteOwnResult lets the visitor who made a result delete it, from the
// browser session that submitted it. A share link alone is not enough.
func (s *Server) deleteOwnResult(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if !tokenPattern.MatchString(token) {
		return page.NotFound()
	}
	d, err := s.findDraft(r)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err != nil || d.AssessmentToken != token {
		return &page.Error{Status: http.StatusForbidden, Title: "Only the person who took this assessment can delete it",
			Message: "Deleting works from the browser that submitted the answers. If that was you and it no longer works, " +
				"ask the site owner to delete it.", Link: page.Link{Href: page.ResultURL(token), Label: "Back to the result"}}
	}
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	if err := s.deletes.DeleteAssessment(r.Context(), a.ID); err != nil {
		return err
	}
	s.audit.Event(r, "result_deleted_by_visitor", "", slog.Int64("assessment_id", a.ID))
	http.Redirect(w, r, "/?done=deleted", http.StatusSeeOther)
	return nil
}

// resultView is a result page.
type resultView struct {
	Token        string
	ShareURL     string
	Preview      page.Preview
	JSONURL      string
	DeleteURL    string
	Headline     string
	Summary      []string
	Reason       string
	Criteria     []page.CriterionView
	Chart        page.ChartView
	NextStep     assessment.NextStep
	NextBody     []string
	ActionURL    string
	CreatedAt    string
	CreatedAtISO string
	IsOwn        bool
	Version      string
}
