package desk

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/csvsafe"
	"sessionplayer.studio/fitcheck/web/admin/frame"
	"sessionplayer.studio/fitcheck/web/httpx"
	"sessionplayer.studio/fitcheck/web/page"
)

// Export writes the filtered list as CSV: one row per assessment, one
// column per question of the current questionnaire.
func (h *Handler) Export(w http.ResponseWriter, r *http.Request) error {
	f, _ := h.filterFromQuery(r.URL.Query())
	rows, err := h.store.ExportAssessments(r.Context(), f)
	if err != nil {
		return err
	}
	q := h.area.Forms.Current()
	header := []string{"created_at", "outcome", "status", "name", "email", "company", "role", "consent", "share_link"}
	for _, c := range q.Criteria {
		header = append(header, "criterion: "+c.Label)
	}
	var questions []*assessment.Question
	for si := range q.Steps {
		for qi := range q.Steps[si].Questions {
			qn := &q.Steps[si].Questions[qi]
			questions = append(questions, qn)
			header = append(header, qn.Prompt)
		}
	}
	var buf bytes.Buffer
	out := csv.NewWriter(&buf)
	out.Write(header)
	for i := range rows {
		out.Write(h.exportRecord(r, &rows[i], questions))
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	h.area.Audit.Event(r, "export", frame.CurrentOwner(r.Context()).Email, slog.Int("rows", len(rows)))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="fitcheck-%s.csv"`, h.area.Now().UTC().Format("2006-01-02")))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

func (h *Handler) exportRecord(r *http.Request, a *assessment.Assessment, questions []*assessment.Question) []string {
	c := a.Contact
	rec := []string{
		a.CreatedAt.UTC().Format(time.RFC3339), a.Result.Outcome, string(a.Status),
		c.Name, c.Email, c.Company, c.Role, fmt.Sprint(c.Consent), httpx.AbsoluteURL(h.area.BaseURL, r, page.ResultURL(a.Token)),
	}
	for _, cr := range h.area.Forms.Current().Criteria {
		cell := ""
		if res, ok := a.Result.Criterion(cr.ID); ok {
			cell = fmt.Sprintf("%s (%d)", res.LevelLabel, res.Score)
		}
		rec = append(rec, cell)
	}
	// Answers are labelled in the wording of the version they were given in.
	answered := h.area.Forms.Find(r.Context(), a.QuestionnaireVersion)
	for _, qn := range questions {
		labels := a.Answers[qn.ID]
		if old, _, ok := answered.Question(qn.ID); ok {
			labels = answerLabels(old, labels)
		}
		rec = append(rec, strings.Join(labels, "; "))
	}
	for i := range rec {
		rec[i] = csvsafe.Field(rec[i])
	}
	return rec
}
