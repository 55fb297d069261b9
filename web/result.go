package web

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"sessionplayer.studio/fitcheck/assessment"
)

// tokenPattern matches share tokens (18 random bytes, base64url), so junk
// addresses are turned away before they reach the database.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{24}$`)

func (s *Server) result(w http.ResponseWriter, r *http.Request) error {
	token, asJSON := strings.CutSuffix(chi.URLParam(r, "token"), ".json")
	if !tokenPattern.MatchString(token) {
		return notFound()
	}
	if !hasSession(r) {
		// Whoever has no session cannot own the result: they get the
		// shared page, rendered once and kept (cache.go).
		p, err := s.sharedResult(r, token, asJSON)
		if err != nil {
			return err
		}
		noStore(w)
		w.Header().Set("X-Robots-Tag", "noindex")
		p.serve(w, r)
		return nil
	}
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	noStore(w)
	w.Header().Set("X-Robots-Tag", "noindex")
	if asJSON {
		return s.writeJSON(w, r, http.StatusOK, resultJSON(a))
	}
	q := s.questionnaireFor(r.Context(), a.QuestionnaireVersion)
	s.render(w, r, http.StatusOK, resultPage(s.resultView(r, q, a)))
	return nil
}

// questionnaireFor is the questionnaire a result was answered against. If
// that version cannot be read back the current one stands in: the scores
// and reasons are stored with the result, only the outcome copy would differ.
func (s *Server) questionnaireFor(ctx context.Context, version string) *assessment.Questionnaire {
	q, err := s.questionnaire(ctx, version)
	if err != nil {
		s.log.ErrorContext(ctx, "load questionnaire version", slog.String("version", version), slog.Any("error", err))
		return s.current
	}
	return q
}

func (s *Server) resultView(r *http.Request, q *assessment.Questionnaire, a *assessment.Assessment) resultView {
	v := resultView{
		Token:        a.Token,
		ShareURL:     s.absoluteURL(r, resultURL(a.Token)),
		JSONURL:      resultURL(a.Token) + ".json",
		DeleteURL:    resultURL(a.Token) + "/delete",
		Reason:       a.Result.Reason,
		Criteria:     criterionViews(q, a.Result),
		CreatedAt:    a.CreatedAt.Format("2 January 2006"),
		CreatedAtISO: a.CreatedAt.UTC().Format(time.RFC3339),
		Version:      a.QuestionnaireVersion,
	}
	v.Chart = newChart(v.Criteria)
	if o, ok := q.Outcome(a.Result.Outcome); ok {
		v.Headline = o.Headline
		v.Summary = paragraphs(o.Summary)
		v.NextStep = o.NextStep
		v.NextBody = paragraphs(o.NextStep.Body)
		v.ActionURL = s.actionURL(o.NextStep.Action)
	}
	if d, err := s.findDraft(r); err == nil && d.AssessmentToken == a.Token {
		v.IsOwn = true
	}
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

// paragraphs splits copy on blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Join(strings.Fields(p), " "))
		}
	}
	return out
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
		return notFound()
	}
	d, err := s.findDraft(r)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err != nil || d.AssessmentToken != token {
		return &pageError{status: http.StatusForbidden, title: "Only the person who took this assessment can delete it",
			message: "Deleting works from the browser that submitted the answers. If that was you and it no longer works, " +
				"ask the site owner to delete it.", link: link{Href: resultURL(token), Label: "Back to the result"}}
	}
	a, err := s.store.FindAssessment(r.Context(), token)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAssessment(r.Context(), a.ID); err != nil {
		return err
	}
	s.cache.forgetResult(a.ID)
	http.Redirect(w, r, "/?done=deleted", http.StatusSeeOther)
	return nil
}

// absoluteURL makes a link someone can paste elsewhere: on -base-url when
// the owner set one, otherwise on the host this request came to.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL + path
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return scheme + r.Host + path
}
